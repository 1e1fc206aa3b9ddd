"""VariantGenome: every anchored case on both strands against the brute-force model
(tests/variant_model.py), hand-checked examples, find_motif, alignment, pairs, errors."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from variant_model import Model, revcomp

import genome_kit as gk

# tiny chr2 (40 bp), positions 0..39
CHR2 = "AACCTTTTACGTAAACCCGGGTTTACCGGAAATGGATTAA"


def V(g, pos, ref, alt, chrom="chr2"):
    return gk.Variant(chrom, pos, ref, alt, g)


def window(chrom, strand, s, e, g, anchor=None, off=0):
    return gk.Interval(chrom, strand, s, e, g, anchor, off)


# --- hand-checked examples (the worked examples of docs/variants.md) -------------------------------
# window chr2:[10, 20) = GTAAACCCGG, anchor at 15 (between A14 and C15)


@pytest.mark.parametrize(
    "variants, anchor, off, expected",
    [
        ([], None, 0, "GTAAACCCGG"),
        ([(15, "", "TTT")], None, 0, "GTAAATTTCCCGG"),  # unanchored: length follows the insertion
        ([(15, "", "TTT")], 15, 0, "GTAAATTTCC"),  # insertion at the anchor goes right, pushes bases out
        ([(15, "", "TTT")], 15, 1, "TAAATTTCCC"),  # offset 1: one inserted base left of the anchor
        ([(15, "", "TTT")], 15, 3, "AATTTCCCGG"),  # offset 3: all of it on the left
        ([(15, "", "TTT")], 15, 9, "AATTTCCCGG"),  # offset clamped to the insertion length
        ([(13, "AAC", "")], 15, 0, "ACGTACCGGG"),  # deletion across the anchor: both sides pull bases in
        ([(11, "TA", "")], "5p", 0, "GAACCCGGGT"),  # left-anchored: deletion pulls bases in on the right
        ([(11, "TA", "")], "3p", 0, "ACGAACCCGG"),  # right-anchored: pulls bases in on the left
        ([(12, "", "GG")], "5p", 0, "GTGGAAACCC"),  # left-anchored insertion pushes bases out on the right
        ([(12, "", "GG")], "3p", 0, "GGAAACCCGG"),  # right-anchored insertion pushes bases out on the left
        ([(11, "T", "C"), (14, "AC", ""), (18, "", "T")], 15, 0, "CGCAACCTGG"),  # several variants
        ([(5, "TT", "")], 3, 0, "AAACCCGGGT"),  # anchor left of the window: the deletion shifts it
        ([(25, "", "AAAA")], 30, 0, "ACCCGGGTTT"),  # anchor right of the window: the insertion shifts it
    ],
)
def test_worked_examples_plus(tiny, variants, anchor, off, expected):
    vg = gk.VariantGenome(tiny, [V(tiny, *v) for v in variants])
    iv = window("chr2", "+", 10, 20, tiny, anchor, off)
    assert vg.dna(iv) == expected
    # '-' with the same anchor position (offsets in reference orientation): the reverse complement
    if isinstance(anchor, str):
        anchor = iv.anchor
    assert vg.dna(window("chr2", "-", 10, 20, tiny, anchor, off)) == revcomp(expected)


def test_empty_variant_list_is_reference(tiny):
    vg = gk.VariantGenome(tiny, [])
    for s, e in [(0, 40), (-3, 5), (35, 44)]:
        for strand in "+-":
            iv = window("chr2", strand, s, e, tiny)
            assert vg.dna(iv) == tiny.dna(iv)


# --- exhaustive anchored grid against the model ----------------------------------------------------

VARIANT_SETS = {
    "snv": [(15, "C", "G")],
    "ins_at_anchor": [(15, "", "TGCA")],
    "ins_before": [(12, "", "GG")],
    "ins_at_start": [(10, "", "CC")],
    "ins_at_end": [(20, "", "AT")],
    "del_left": [(11, "TAA", "")],
    "del_right": [(16, "CCG", "")],
    "del_across_anchor": [(13, "AACC", "")],
    "del_across_start": [(7, "TACGT", "")],
    "del_across_end": [(18, "GGGTT", "")],
    "mnv": [(14, "AC", "GT")],
    "complex_grow": [(14, "A", "TTTT")],
    "complex_shrink": [(13, "AACC", "G")],
    "padded_ins": [(14, "A", "AGGG")],
    "padded_del": [(14, "ACC", "A")],
    "several": [(8, "AC", ""), (12, "A", "C"), (15, "", "TT"), (17, "CG", ""), (21, "T", "TAA")],
    "adjacent": [(14, "A", ""), (15, "", "GG"), (15, "C", "T")],
}


def anchors():
    out = [(None, 0)]
    for a in [5, 9, 10, 11, 14, 15, 16, 19, 20, 21, 26, "5p", "3p", "center"]:
        for off in (0, 1, 2, 4, 100):
            out.append((a, off))
    return out


@pytest.mark.parametrize("name", sorted(VARIANT_SETS))
def test_grid_against_model(tiny, name):
    variants = [V(tiny, *v) for v in VARIANT_SETS[name]]
    vg = gk.VariantGenome(tiny, variants)
    model = Model(CHR2, variants)
    checked = 0
    for s, e in [(10, 20), (10, 11), (12, 18), (15, 15), (0, 40), (-4, 8), (33, 45)]:
        for strand in "+-":
            for anchor, off in anchors():
                iv = window("chr2", strand, s, e, tiny, anchor, off)
                a = iv.anchor
                expected = model.dna(s, e, strand, a, off)
                assert vg.dna(iv) == expected, (name, strand, s, e, anchor, off)
                if a is not None:
                    assert len(expected) == e - s
                checked += 1
    assert checked == 7 * 2 * len(anchors())


def test_random_against_model(yeast):
    rng = random.Random(1234)
    chrom = "chrI"
    seq = yeast.dna(gk.Interval(chrom, "+", 0, yeast.dna.chromosome_length(chrom), yeast))
    for _ in range(150):
        base = rng.randint(50, len(seq) - 200)
        pos = base
        variants = []
        for _ in range(rng.choice([1, 2, 3, 5])):
            pos += rng.randint(0, 8)
            kind = rng.choice(["snv", "ins", "del", "mnv", "cplx"])
            ln = rng.randint(1, 6)
            if kind == "snv":
                variants.append(V(yeast, pos, seq[pos], rng.choice("ACGTN"), chrom))
                pos += 1
            elif kind == "ins":
                variants.append(V(yeast, pos, "", "".join(rng.choice("ACGT") for _ in range(ln)), chrom))
            elif kind == "del":
                variants.append(V(yeast, pos, seq[pos : pos + ln], "", chrom))
                pos += ln
            else:
                alt_len = ln if kind == "mnv" else rng.randint(1, 7)
                variants.append(
                    V(
                        yeast,
                        pos,
                        seq[pos : pos + ln],
                        "".join(rng.choice("ACGT") for _ in range(alt_len)),
                        chrom,
                    )
                )
                pos += ln
            pos += 1
        rng.shuffle(variants)
        vg = gk.VariantGenome(yeast, variants)
        model = Model(seq, variants)
        for _ in range(10):
            s = base - rng.randint(0, 30)
            e = s + rng.choice([0, 1, 7, 30, 61])
            strand = rng.choice("+-")
            anchor = rng.choice([None, "5p", "3p", "center", s + rng.randint(-8, 70)])
            off = rng.choice([0, 0, 1, 2, 3, 10])
            iv = gk.Interval(chrom, strand, s, e, yeast, anchor, off)
            assert vg.dna(iv) == model.dna(s, e, strand, iv.anchor, off), (variants, iv)
            assert list(vg.reference_alignment(iv)) == [
                p if i < 0 else -1 for _, p, i in model.oriented_tokens(s, e, strand, iv.anchor, off)
            ]


def test_chromosome_edges_padded_with_n(tiny):
    vg = gk.VariantGenome(tiny, [V(tiny, 1, "ACC", ""), V(tiny, 37, "TA", "")])
    assert vg.dna(window("chr2", "+", 0, 6, tiny, "3p")) == "NNNATT"
    assert vg.dna(window("chr2", "+", 34, 40, tiny, "5p")) == "GATANN"
    assert vg.dna(window("chr2", "-", 34, 40, tiny, 34)) == revcomp("GATANN")
    with pytest.raises(IndexError):
        vg.dna(window("chr2", "+", 34, 40, tiny, "5p"), allow_outside_chromosome=False)


def test_other_chromosomes_untouched(tiny):
    vg = gk.VariantGenome(tiny, [V(tiny, 15, "C", "G")])
    iv = window("chr1", "+", 0, 44, tiny)
    assert vg.dna(iv) == tiny.dna(iv)


# --- construction ----------------------------------------------------------------------------------


def test_constructor_forms(tiny):
    v = V(tiny, 15, "C", "G")
    iv = window("chr2", "+", 10, 20, tiny)
    expected = "GTAAAGCCGG"
    assert gk.VariantGenome(tiny, v).dna(iv) == expected
    assert gk.VariantGenome(tiny, "chr2:16:C:G").dna(iv) == expected
    assert gk.VariantGenome(tiny, ["chr2:16:C:G"]).dna(iv) == expected
    assert gk.VariantGenome(tiny, (v,)).dna(iv) == expected
    assert tiny.variant_dna(iv, v) == expected
    with pytest.raises(TypeError):
        gk.VariantGenome(tiny, {v})
    with pytest.raises(TypeError):
        gk.VariantGenome(tiny, [v, 3])


def test_variants_sorted_repr_eq_pickle(tiny):
    a, b = V(tiny, 25, "C", "A"), V(tiny, 5, "T", "")
    vg = gk.VariantGenome(tiny, [a, b])
    assert vg.variants == [b, a]
    assert repr(vg) == "<VariantGenome tiny with 2 variants>"
    assert vg.reference_genome == "tiny" and vg.genome is tiny
    assert vg == gk.VariantGenome(tiny, [b, a])
    assert vg != gk.VariantGenome(tiny, [a])
    # padded and trimmed forms of the same change are the same variant genome
    assert gk.VariantGenome(tiny, "chr2:4:CT:C") == gk.VariantGenome(tiny, "chr2:5:T:")
    back = pickle.loads(pickle.dumps(vg))
    assert back == vg and back.variants == vg.variants
    iv = window("chr2", "-", 0, 40, tiny, "center", 1)
    assert back.dna(iv) == vg.dna(iv)


def test_attributes_forward_to_genome(tiny):
    vg = gk.VariantGenome(tiny, [])
    assert vg.chromosomes == tiny.chromosomes
    assert vg.interval("chr2", "+", 1, 2) == tiny.interval("chr2", "+", 1, 2)
    assert vg.chromosome_size("chr2") == 40
    with pytest.raises(AttributeError):
        vg.no_such_attribute  # noqa: B018


def test_variant_genome_as_reference_genome_argument(tiny):
    vg = gk.VariantGenome(tiny, [])
    assert gk.Interval("chr2", "+", 1, 2, vg).reference_genome == "tiny"


@pytest.mark.parametrize(
    "variants, exc, pattern",
    [
        ([(15, "A", "G")], ValueError, r"'A'.*'C'"),  # wrong REF names expected and found bases
        ([(15, "C", "X")], ValueError, "ACGTN"),
        ([(15, "C", "g")], ValueError, "ACGTN"),
        ([(39, "AA", "")], IndexError, "outside"),
        ([(-1, "A", "")], IndexError, "outside"),
        ([(12, "AAA", ""), (14, "AC", "")], ValueError, "overlapping"),
        ([(15, "", "A"), (15, "", "G")], ValueError, "overlapping"),
        ([(12, "AAAC", ""), (14, "", "T")], ValueError, "overlapping"),
        ([(15, "C", "G"), (15, "C", "G")], ValueError, "overlapping"),
    ],
)
def test_bad_variants(tiny, variants, exc, pattern):
    with pytest.raises(exc, match=pattern):
        gk.VariantGenome(tiny, [V(tiny, *v) for v in variants])


def test_adjacent_edits_are_not_overlapping(tiny):
    # deletion [12, 15) then an insertion at 15 and a substitution of base 15
    vg = gk.VariantGenome(tiny, [V(tiny, 12, "AAA", ""), V(tiny, 15, "", "T"), V(tiny, 15, "C", "G")])
    assert vg.dna(window("chr2", "+", 10, 20, tiny)) == "GTTGCCGG"


def test_other_assembly(tiny, yeast):
    with pytest.raises(ValueError, match="genome"):
        gk.VariantGenome(tiny, [gk.Variant("chrI", 5, "", "A", yeast)])
    vg = gk.VariantGenome(tiny, [])
    with pytest.raises(ValueError):
        vg.dna(gk.Interval("chrI", "+", 0, 5, yeast))


def test_unknown_chromosome_in_string(tiny):
    with pytest.raises(ValueError):
        gk.VariantGenome(tiny, "chr9:5:A:G")


# --- motifs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("strand", "+-")
@pytest.mark.parametrize("overlapping", [False, True])
def test_find_motif_reference(tiny, strand, overlapping):
    iv = window("chr2", strand, 2, 38, tiny)
    model = Model(CHR2, [])
    for motif in ["A", "AA", "cc", "GGA", "TTAA"]:
        for mp in range(len(motif) + 1):
            hits = tiny.find_motif(iv, motif, mp, overlapping)
            expected = [
                gk.Interval("chr2", strand, p, p, tiny)
                for p, _ in model.find_motif(2, 38, strand, motif, mp, overlapping)
            ]
            assert hits == expected
    assert tiny.find_motif(iv, "AA", "5p") == tiny.find_motif(iv, "AA", 0)
    assert tiny.find_motif(iv, "AA", "3p") == tiny.find_motif(iv, "AA", 2)


def test_find_motif_reference_positions(tiny):
    # chr2 = AACCTTTTACGTAAACCCGGGTTTACCGGAAATGGATTAA: "AC" at 1, 8, 14 and 24
    iv = window("chr2", "+", 0, 40, tiny)
    assert [h.start for h in tiny.find_motif(iv, "AC")] == [1, 8, 14, 24]
    assert [h.start for h in tiny.find_motif(iv, "AC", "3p")] == [3, 10, 16, 26]
    # on '-': "GT" on the minus strand is "AC" on plus; positions ascending
    assert [h.start for h in tiny.find_motif(window("chr2", "-", 0, 40, tiny), "GT", "5p")] == [3, 10, 16, 26]


def test_find_motif_errors(tiny):
    iv = window("chr2", "+", 0, 40, tiny)
    with pytest.raises(ValueError):
        tiny.find_motif(iv, "AC", 3)
    with pytest.raises(ValueError):
        tiny.find_motif(iv, "AC", -1)
    with pytest.raises(TypeError):
        tiny.find_motif(iv, "AC", "middle")
    with pytest.raises(ValueError):
        tiny.find_motif(iv, "")


@pytest.mark.parametrize("name", sorted(VARIANT_SETS))
def test_find_motif_variant_against_model(tiny, name):
    variants = [V(tiny, *v) for v in VARIANT_SETS[name]]
    vg = gk.VariantGenome(tiny, variants)
    model = Model(CHR2, variants)
    for strand in "+-":
        iv = window("chr2", strand, 4, 30, tiny)
        for motif in ["A", "TT", "GG", "TGC", "CAA"]:
            for mp in [0, 1, len(motif)]:
                for ov in (False, True):
                    expected = [
                        gk.Interval("chr2", strand, p, p, tiny, p, o)
                        for p, o in model.find_motif(4, 30, strand, motif, mp, ov)
                    ]
                    assert vg.find_motif(iv, motif, mp, ov) == expected, (name, strand, motif, mp, ov)


def test_find_motif_inside_insertion(tiny):
    vg = gk.VariantGenome(tiny, [V(tiny, 15, "", "TTAGTT")])
    iv = window("chr2", "+", 10, 20, tiny)
    hits = vg.find_motif(iv, "TAG", "5p")
    assert hits == [gk.Interval("chr2", "+", 15, 15, tiny, 15, 1)]
    assert vg.find_motif(iv, "TAG", "3p") == [gk.Interval("chr2", "+", 15, 15, tiny, 15, 4)]
    # a hit ending just after the insertion: offset = insertion length
    assert vg.find_motif(iv, "GTT", "3p") == [gk.Interval("chr2", "+", 15, 15, tiny, 15, 6)]


# --- alignment and pairs ---------------------------------------------------------------------------


def test_reference_alignment(tiny):
    vg = gk.VariantGenome(tiny, [V(tiny, 12, "AA", ""), V(tiny, 16, "", "GG")])
    iv = window("chr2", "+", 10, 20, tiny)
    assert vg.dna(iv) == "GTACGGCCGG"
    al = vg.reference_alignment(iv)
    assert al.dtype == np.int64
    assert list(al) == [10, 11, 14, 15, -1, -1, 16, 17, 18, 19]
    assert list(vg.reference_alignment(iv.as_negative_strand())) == list(al[::-1])
    anchored = window("chr2", "+", 10, 20, tiny, 13)
    assert vg.dna(anchored) == "CGTACGGCCG"
    assert list(vg.reference_alignment(anchored)) == [9, 10, 11, 14, 15, -1, -1, 16, 17, 18]


def test_map_to_reference(tiny):
    vg = gk.VariantGenome(tiny, [V(tiny, 12, "AA", ""), V(tiny, 16, "", "GG")])
    iv = window("chr2", "+", 10, 20, tiny)
    alt = np.array([1, 2, 3, 4, 9, 7, 5, 6, 7, 8], dtype=np.float32)  # per base of GTACGGCCGG
    out = vg.map_to_reference(alt, iv)
    # ref 10..19: 10→1 11→2 12,13 deleted→0 14→3 15→max(4, 9, 7) 16→5 17→6 18→7 19→8
    assert out.dtype == np.float32
    assert list(out) == [1, 2, 0, 0, 3, 9, 5, 6, 7, 8]
    minus = iv.as_negative_strand()
    assert list(vg.map_to_reference(alt[::-1], minus)) == list(out[::-1])
    two = np.stack([alt, -alt], axis=1)
    assert vg.map_to_reference(two, iv).shape == (10, 2)
    with pytest.raises(ValueError):
        vg.map_to_reference(alt[:5], iv)


def test_dna_pair_and_one_hot_pair(yeast):
    seq_iv = gk.Interval("chrI", "+", 5000, 5001, yeast)
    base = yeast.dna(seq_iv)
    vg = gk.VariantGenome(
        yeast, [gk.Variant("chrI", 5000, base, "", yeast), gk.Variant("chrI", 5010, "", "ACGT", yeast)]
    )
    for strand in "+-":
        iv = gk.Interval("chrI", strand, 4950, 5050, yeast)
        ref, alt = vg.dna_pair(iv)
        assert ref == yeast.dna(iv)
        assert alt == vg.dna(iv.with_anchor("center"))
        assert len(ref) == len(alt) == 100
        r1, a1 = vg.one_hot_pair(iv)
        assert r1.shape == a1.shape == (100, 4)
        lookup = {b: i for i, b in enumerate("ACGT")}
        for s, arr in ((ref, r1), (alt, a1)):
            expect = np.zeros((100, 4), np.uint8)
            for i, b in enumerate(s):
                if b in lookup:
                    expect[i, lookup[b]] = 1
            assert (arr == expect).all()
    ivs = [gk.Interval("chrI", "+", 4900 + k, 5100 + k, yeast, 5000) for k in range(3)]
    r, a = vg.one_hot_pair(ivs, dtype="float32")
    assert r.shape == a.shape == (3, 200, 4) and r.dtype == np.float32
    assert (a[0] == vg.one_hot_pair(ivs[0])[1]).all()
    with pytest.raises(ValueError):
        vg.one_hot_pair([ivs[0], gk.Interval("chrI", "+", 0, 5, yeast)])


def _mixed_variants(yeast):
    seq = yeast.dna(gk.Interval("chrI", "+", 0, 20000, yeast))
    rng = random.Random(5)
    variants = []
    for pos in sorted(rng.sample(range(1000, 19000), 40)):
        kind = rng.choice(["snv", "ins", "del"])
        if kind == "snv":
            variants.append(
                gk.Variant("chrI", pos, seq[pos], "ACGT"[("ACGT".index(seq[pos]) + 1) % 4], yeast)
            )
        elif kind == "ins":
            variants.append(
                gk.Variant("chrI", pos, seq[pos], seq[pos] + "GATTACA"[: rng.randint(1, 7)], yeast)
            )
        else:
            variants.append(gk.Variant("chrI", pos, seq[pos : pos + 5], seq[pos], yeast))
    return variants


def test_variant_pairs_match_per_variant_calls(yeast):
    variants = _mixed_variants(yeast)
    refs, alts = gk.VariantGenome.variant_pairs(yeast, variants, width=301)
    ref1h, alt1h = gk.VariantGenome.variant_pairs(yeast, variants, width=301, one_hot=True, dtype="float32")
    assert ref1h.shape == alt1h.shape == (40, 301, 4) and ref1h.dtype == np.float32
    for k, v in enumerate(variants):
        iv = gk.Interval("chrI", "+", v.start - 150, v.start + 151, yeast, v.start)
        ref, alt = gk.VariantGenome(yeast, v).dna_pair(iv)
        assert (refs[k], alts[k]) == (ref, alt)
        r, a = gk.VariantGenome(yeast, v).one_hot_pair(iv, dtype="float32")
        assert (ref1h[k] == r).all() and (alt1h[k] == a).all()
    minus = [gk.Interval("chrI", "-", v.start - 10, v.start + 10, yeast) for v in variants]
    refs, alts = gk.VariantGenome.variant_pairs(yeast, variants, intervals=minus)
    for k, v in enumerate(variants):
        assert alts[k] == gk.VariantGenome(yeast, v).dna(minus[k])
        assert refs[k] == yeast.dna(minus[k])
    with pytest.raises(ValueError):
        gk.VariantGenome.variant_pairs(yeast, variants)
    with pytest.raises(ValueError):
        gk.VariantGenome.variant_pairs(yeast, variants, intervals=minus[:3])


def test_variant_pairs_out_and_chunks(yeast):
    # bounded memory for many variants: fill caller buffers (out=) or iterate in chunks
    variants = _mixed_variants(yeast)
    want_r, want_a = gk.VariantGenome.variant_pairs(yeast, variants, width=64, one_hot=True)
    for dtype in (np.uint8, np.float32):
        out = (np.full((40, 64, 4), 9, dtype), np.full((40, 64, 4), 9, dtype))
        got = gk.VariantGenome.variant_pairs(yeast, variants, width=64, out=out)
        assert got[0] is out[0] and got[1] is out[1]
        np.testing.assert_array_equal(out[0], want_r)
        np.testing.assert_array_equal(out[1], want_a)
    bad = [
        ((np.zeros((40, 64, 4), np.uint8),), TypeError),  # not a pair
        ((np.zeros((40, 64, 4), np.float16), np.zeros((40, 64, 4), np.float16)), TypeError),
        ((np.zeros((40, 64, 4), np.uint8), np.zeros((40, 64, 4), np.float32)), TypeError),
        ((np.zeros((39, 64, 4), np.uint8), np.zeros((40, 64, 4), np.uint8)), ValueError),
        ((np.zeros((40, 64, 4), np.uint8), np.zeros((40, 4, 64), np.uint8).transpose(0, 2, 1)), ValueError),
    ]
    for out, exc in bad:
        with pytest.raises(exc, match="out"):
            gk.VariantGenome.variant_pairs(yeast, variants, width=64, out=out)
    ro = np.zeros((40, 64, 4), np.uint8)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        gk.VariantGenome.variant_pairs(yeast, variants, width=64, out=(np.zeros_like(ro), ro))

    pairs = gk.VariantGenome.iter_variant_pairs
    chunks = list(pairs(yeast, iter(variants), width=64, one_hot=True, chunk_size=16))
    assert [len(r) for r, _ in chunks] == [16, 16, 8]
    np.testing.assert_array_equal(np.concatenate([r for r, _ in chunks]), want_r)
    np.testing.assert_array_equal(np.concatenate([a for _, a in chunks]), want_a)
    windows = [gk.Interval("chrI", "-", v.start - 10, v.start + 10, yeast) for v in variants]
    strs = list(pairs(yeast, variants, intervals=windows, chunk_size=7))
    assert (
        sum((r for r, _ in strs), []) == gk.VariantGenome.variant_pairs(yeast, variants, intervals=windows)[0]
    )
    with pytest.raises(ValueError, match="more intervals"):
        list(pairs(yeast, variants, intervals=windows + windows[:1], chunk_size=40))
    with pytest.raises(ValueError, match="chunk_size"):
        next(pairs(yeast, variants, width=64, chunk_size=0))
