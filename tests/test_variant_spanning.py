"""Variant.spanning: anchor- and variant-aware spanning, against the reference GenomeKit's observed answers.

``tests/data/variant_spanning_reference.json`` holds 1568 cases and what GenomeKit 7.7.0 answered
(``tools/make_spanning_reference.py``). Variant.spanning never reads the genome, so the cases are replayed on
a private assembly with a chr1 long enough. We agree with the reference on every case whose interval ends and
anchors stay clear of multi-base REF alleles; where one lies inside or at the edge of a deletion or a
multi-base substitution the reference's arithmetic is off (docs/variants.md), and there our answer is checked
to be the smallest interval whose anchored variant DNA contains both intervals' variant DNA (brute force,
tests/variant_model.py), which the reference's answer is not.
"""

from __future__ import annotations

import json
import os
import random

import pytest
from variant_model import Model, spanning_ok

import genome_kit as gk

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "data", "variant_spanning_reference.json")


@pytest.fixture(scope="module")
def span_genome(data_dir):
    """Genome "spantest": chr1 (1000 bp, seeded random), chr2 (200 bp)."""
    rng = random.Random(5)
    seq = "".join(rng.choice("ACGT") for _ in range(1000))
    fasta = os.path.join(data_dir, "spantest.fa")
    with open(fasta, "w") as f:
        f.write(">chr1\n" + seq + "\n>chr2\n" + "ACGT" * 50 + "\n")
    gk.build_assembly(fasta, os.path.join(data_dir, "spantest"))
    return gk.Genome("spantest"), seq


def iv(g, strand, t, chrom="chr1"):
    s, e, a, k = t
    if a is None:
        return gk.Interval(chrom, strand, s, e, g)
    return gk.Interval(chrom, strand, s, e, g, a, k)


def answer(g, case):
    vs = None if case["variants"] is None else [gk.Variant(c, p, r, a, g) for c, p, r, a in case["variants"]]
    x = iv(g, case["strand"], case["x"])
    y = iv(g, case.get("y_strand", case["strand"]), case["y"], case.get("y_chrom", "chr1"))
    try:
        r = gk.Variant.spanning(x, y, vs)
    except Exception as e:  # noqa: BLE001 - compared by type name with the reference's
        return type(e).__name__
    assert type(r) is gk.Interval and (r.chromosome, r.strand, r.reference_genome) == (
        x.chromosome,
        x.strand,
        x.reference_genome,
    )
    return [r.start, r.end, r.anchor, r.anchor_offset]


def touches_multibase_ref(case) -> bool:
    """An interval end or anchor inside or at the edge of a REF allele that is not a single-base SNV."""
    points = [case["x"][0], case["x"][1], case["y"][0], case["y"][1]]
    points += [t[2] for t in (case["x"], case["y"]) if t[2] is not None]
    return any(
        p <= q <= p + len(r)
        for q in points
        for _, p, r, a in case["variants"]
        if len(r) > 1 or (len(r) == 1 and len(a) != 1)
    )


def test_against_reference_observations(span_genome):
    g, seq = span_genome
    with open(CASES) as f:
        cases = json.load(f)
    assert len(cases) == 1568
    same, differ = 0, []
    for case in cases:
        ours = answer(g, case)
        if ours == case["result"]:
            same += 1
        else:
            differ.append((case, ours))
    # Errors always agree (by type); numbers agree unless an end/anchor touches a multi-base REF.
    for case, ours in differ:
        assert isinstance(ours, list) and isinstance(case["result"], list), (case, ours)
        assert touches_multibase_ref(case), (case, ours)
    assert same == 1442 and len(differ) == 126
    # Where we differ, ours is the smallest covering interval and the reference's answer is not.
    ref_not_covering = 0
    for case, ours in differ:
        model = Model(seq, [gk.Variant(*v, g) for v in case["variants"] if v[0] == "chr1"])
        covers, minimal = spanning_ok(model, ours, case["x"], case["y"])
        assert covers and minimal is not False, (case, ours)
        ref_covers, ref_minimal = spanning_ok(model, case["result"], case["x"], case["y"])
        assert not ref_covers or ref_minimal is False, case
        ref_not_covering += not ref_covers
    assert ref_not_covering == 50


def test_random_cases_cover_minimally(span_genome):
    """Own random cases (both strands, indels at and between anchors): smallest covering interval."""
    g, seq = span_genome
    rng = random.Random(3)
    checked = 0
    for _ in range(400):
        variants, used = [], set()
        for _ in range(rng.randint(0, 5)):
            p = rng.randint(100, 300)
            kind = rng.choice(["ins", "del", "cplx", "snv"])
            n = rng.randint(1, 6)
            if kind == "ins":
                r, a = "", "".join(rng.choice("ACGT") for _ in range(n))
            elif kind == "del":
                r, a = seq[p : p + n], ""
            elif kind == "snv":
                r, a = seq[p], rng.choice("ACGT")
            else:
                r, a = seq[p : p + n], "".join(rng.choice("ACGT") for _ in range(rng.randint(0, 6)))
            span = set(range(p - 1, p + len(r) + 1))
            if not span & used:
                used |= span
                variants.append(gk.Variant("chr1", p, r, a, g))
        if not variants:
            variants = [gk.Variant("chr1", 500, "", "A", g)]

        def interval(variants=variants):
            s = rng.randint(100, 300)
            e = s + rng.randint(1, 50)
            if rng.random() < 0.3:
                return (s, e, None, 0)
            return (
                s,
                e,
                rng.choice([s, e, rng.randint(s, e)] + [v.start for v in variants if s <= v.start <= e]),
                rng.choice([0, 1, 2, 5]),
            )

        x, y = interval(), interval()
        if x[2] is None and y[2] is None:
            x = (x[0], x[1], x[1], 0)
        strand = rng.choice("+-")
        r = gk.Variant.spanning(iv(g, strand, x), iv(g, strand, y), variants)
        ours = (r.start, r.end, r.anchor, r.anchor_offset)
        covers, minimal = spanning_ok(Model(seq, variants), ours, x, y)
        assert covers and minimal is not False, (x, y, variants, ours)
        # The same through the real VariantGenome: x's and y's DNA inside the result's DNA.
        vg = gk.VariantGenome(g, variants)
        whole = vg.dna(r)
        assert vg.dna(iv(g, strand, x)) in whole and vg.dna(iv(g, strand, y)) in whole
        checked += minimal is True
    assert checked > 300


def test_docstring_example_and_frames(span_genome):
    g, _ = span_genome
    v = gk.Variant("chr1", 100, "", 10 * "N", g)
    a = gk.Interval("chr1", "+", 100, 150, g, 100)
    b = gk.Interval("chr1", "+", 200, 250, g)
    assert gk.Interval.spanning(gk.Interval("chr1", "+", 100, 150, g), b) == gk.Interval(
        "chr1", "+", 100, 250, g
    )
    assert gk.Variant.spanning(a, b, [v]) == gk.Interval("chr1", "+", 100, 260, g, 100)
    assert gk.Variant.spanning(b, a, [v]) == gk.Interval("chr1", "+", 100, 260, g, 100)  # leftmost anchor
    assert gk.Variant.spanning(a, b, v) == gk.Interval("chr1", "+", 100, 260, g, 100)  # one Variant accepted
    assert gk.Variant.spanning(a, b, (v,)) == gk.Interval("chr1", "+", 100, 260, g, 100)
    # Minus strand: same coordinates (offsets count in reference orientation).
    am = gk.Interval("chr1", "-", 100, 150, g, 100)
    assert gk.Variant.spanning(am, b.as_negative_strand(), [v]) == gk.Interval("chr1", "-", 100, 260, g, 100)
    # The table of docs/variants.md (5 bases inserted before 120).
    ins = gk.Variant("chr1", 120, "", "ACGTA", g)
    a100 = gk.Interval("chr1", "+", 100, 150, g, 100)
    assert gk.Variant.spanning(a100, b, [ins]) == gk.Interval("chr1", "+", 100, 255, g, 100)
    assert gk.Variant.spanning(b, a100, [ins]) == gk.Interval("chr1", "+", 100, 255, g, 100)
    # Right-anchored frame: the insertion between y and the anchor pushes y's start left.
    ins = gk.Variant("chr1", 120, "", "ACGTA", g)
    x = gk.Interval("chr1", "+", 100, 150, g, 150)
    assert gk.Variant.spanning(x, gk.Interval("chr1", "+", 60, 70, g), [ins]).start == 55
    # Offsets split an insertion at the anchor.
    for k, start, end in ((0, 60, 255), (2, 58, 253), (5, 55, 250), (9, 55, 250)):
        xk = gk.Interval("chr1", "+", 100, 150, g, 120, k)
        assert gk.Variant.spanning(xk, gk.Interval("chr1", "+", 60, 70, g), [ins]).start == start
        r = gk.Variant.spanning(xk, gk.Interval("chr1", "+", 200, 250, g), [ins])
        assert (r.end, r.anchor, r.anchor_offset) == (end, 120, k)
    # Unanchored intervals with variants: plain Interval.spanning.
    assert gk.Variant.spanning(gk.Interval("chr1", "+", 100, 150, g), b, [ins]) == gk.Interval(
        "chr1", "+", 100, 250, g
    )


def test_errors(span_genome):
    g, _ = span_genome
    ins = gk.Variant("chr1", 120, "", "ACGTA", g)
    x = gk.Interval("chr1", "+", 100, 150, g, 120)
    y = gk.Interval("chr1", "+", 200, 250, g)
    with pytest.raises(ValueError, match="require a list of variants"):
        gk.Variant.spanning(x, y)
    with pytest.raises(ValueError, match="require a list of variants"):
        gk.Variant.spanning(x, y, [])
    with pytest.raises(ValueError, match="same chromosome"):
        gk.Variant.spanning(x, gk.Interval("chr2", "+", 1, 2, g), [ins])
    with pytest.raises(ValueError, match="same strand"):
        gk.Variant.spanning(x, gk.Interval("chr1", "-", 1, 2, g), [ins])
    with pytest.raises(ValueError, match="Outside anchors"):
        gk.Variant.spanning(x, gk.Interval("chr1", "+", 200, 250, g, 251), [ins])
    with pytest.raises(ValueError, match="Outside anchors"):
        gk.Variant.spanning(gk.Interval("chr1", "+", 100, 150, g, 99), y, [ins])
    with pytest.raises(TypeError):
        gk.Variant.spanning(x, y, ["chr1:121:A:G"])
    with pytest.raises(TypeError):
        gk.Variant.spanning(x, "chr1:1-2", [ins])
    # Beyond the reference (which silently sums them): overlapping variants are refused.
    seq_del = gk.Variant("chr1", 130, "AAAAA", "", g)
    with pytest.raises(ValueError, match="overlapping"):
        gk.Variant.spanning(x, y, [seq_del, gk.Variant("chr1", 132, "", "AAA", g)])
    # Variants on another chromosome are ignored.
    assert gk.Variant.spanning(x, y, [gk.Variant("chr2", 5, "", "AAA", g)]) == gk.Interval(
        "chr1", "+", 100, 250, g, 120
    )


def test_variants_on_another_assembly(span_genome, tiny):
    g, _ = span_genome
    x = gk.Interval("chr1", "+", 100, 150, g, 120)
    y = gk.Interval("chr1", "+", 200, 250, g)
    with pytest.raises(ValueError, match="tiny"):
        gk.Variant.spanning(x, y, [gk.Variant("chr1", 5, "", "A", tiny)])
    with pytest.raises(ValueError, match="same reference genome"):
        gk.Variant.spanning(x, gk.Interval("chr1", "+", 1, 2, tiny), [gk.Variant("chr1", 5, "", "A", g)])


def test_documented_differences_from_the_reference(span_genome):
    """The two examples of docs/variants.md where GenomeKit 7.7.0 answers differently (recorded there)."""
    g, seq = span_genome
    x = (100, 150, 150, 0)
    y = (60, 70, None, 0)
    # y's start inside a deletion: the reference gives start 70, whose variant DNA misses y's bases 65-69.
    d = gk.Variant("chr1", 55, "GAGGCTAGCG", "", g)
    r = gk.Variant.spanning(iv(g, "+", x), iv(g, "+", y), [d])
    assert (r.start, r.end) == (65, 150)
    model = Model(seq, [d])
    assert spanning_ok(model, (65, 150, 150, 0), x, y) == (True, True)
    assert spanning_ok(model, (70, 150, 150, 0), x, y)[0] is False
    # An anchor inside a same-length substitution: nothing changes length, the reference still moves y.
    x = (100, 150, 121, 0)
    s = gk.Variant("chr1", 120, "AAG", "TTT", g)
    r = gk.Variant.spanning(iv(g, "+", x), iv(g, "+", y), [s])
    assert (r.start, r.end) == (60, 150)  # the reference: 56
