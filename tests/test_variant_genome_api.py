"""VariantGenome exposes exactly the API of Genome that makes sense with variants: every sequence
method applies the variants (checked against DNA edited by hand, with an SNV and an indel), metadata
is the wrapped genome's, and nothing is forwarded silently (issue 11: vg.one_hot and vg.dna_batch
returned the reference sequence through a blanket __getattr__)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from variant_model import revcomp

import genome_kit as gk

SAMPLE = os.path.join(os.path.dirname(gk.__file__), "sample_data")
WINDOW = (2000, 2064)  # chrI window holding the variants; 64 bp
SNV_AT, DEL_AT, DEL_LEN = 2010, 2030, 3


@pytest.fixture(scope="module")
def yeast_toy(yeast, data_dir):
    """The yeast assembly with the package's toy annotation."""
    gk.GenomeAnnotation.build_gencode(
        os.path.join(SAMPLE, "sacCer.toy_genes.gff3"), os.path.join(data_dir, "yeast.vgtoy"), yeast
    )
    return gk.Genome("yeast.vgtoy")


def _edits(genome, kind):
    """(position, ref, alt) of an SNV, a 3-base deletion, or both, on the genome's real bases."""
    chrI = genome.dna
    snv_ref = chrI(genome.interval("chrI", "+", SNV_AT, SNV_AT + 1))
    snv = (SNV_AT, snv_ref, {"A": "C", "C": "G", "G": "T", "T": "A"}[snv_ref])
    indel = (DEL_AT, chrI(genome.interval("chrI", "+", DEL_AT, DEL_AT + DEL_LEN)), "")
    return {"snv": [snv], "indel": [indel], "both": [snv, indel]}[kind]


def _edited(genome, edits, start, end):
    """Variant DNA of chrI [start, end) on '+', edited by hand (every edit lies inside)."""
    seq = genome.dna(genome.interval("chrI", "+", start, end))
    for pos, ref, alt in sorted(edits, reverse=True):
        assert seq[pos - start : pos - start + len(ref)] == ref
        seq = seq[: pos - start] + alt + seq[pos - start + len(ref) :]
    return seq


def _decode(one_hot):
    return "".join("ACGT"[row.argmax()] if row.any() else "N" for row in one_hot)


def _windows(genome):
    s, e = WINDOW
    return [genome.interval("chrI", "+", s, e), genome.interval("chrI", "-", s, e)]


def _expected(genome, edits):
    plus = _edited(genome, edits, *WINDOW)
    return [plus, revcomp(plus)]


# --- sequence methods: each checks its variant output against the hand-edited DNA ------------------


def check_dna(vg, genome, edits):
    assert [vg.dna(iv) for iv in _windows(genome)] == _expected(genome, edits)


def check_dna_batch(vg, genome, edits):
    assert vg.dna_batch(_windows(genome)) == _expected(genome, edits)


def check_variant_dna(vg, genome, edits):
    # no extra variants: this genome's; an extra SNV far away adds to them
    assert [vg.variant_dna(iv, []) for iv in _windows(genome)] == _expected(genome, edits)
    far = genome.interval("chrI", "+", 2100, 2101)
    base = genome.dna(far)
    extra = gk.Variant("chrI", 2100, base, "A" if base != "A" else "C", genome)
    s, e = WINDOW
    both = genome.interval("chrI", "+", s, 2110)
    expected = _edited(genome, edits + [(2100, base, extra.alt)], s, 2110)
    assert vg.variant_dna(both, extra) == expected


def check_one_hot(vg, genome, edits):
    # anchored windows keep their length: left-anchored at the window start, the variant sequence
    # from the start on, cut to the window length (the '-' window is its reverse complement)
    s, e = WINDOW
    plus = _edited(genome, edits, s, e + DEL_LEN)[: e - s]
    ivs = [gk.Interval("chrI", strand, s, e, genome, s) for strand in "+-"]
    for dtype in ("uint8", "float32"):
        arr = vg.one_hot(ivs, dtype)
        assert arr.shape == (2, e - s, 4) and arr.dtype == np.dtype(dtype)
        assert [_decode(a) for a in arr] == [plus, revcomp(plus)]
    assert _decode(vg.one_hot(ivs[0])) == plus


def check_find_motif(vg, genome, edits):
    # the 8-mer around the SNV (variant bases) is found on the variant genome, not on the reference
    s, e = WINDOW
    pos, _, alt = edits[0]
    seq = _edited(genome, edits, s, e)
    motif = seq[pos - s - 4 : pos - s + 4]
    iv = genome.interval("chrI", "+", s, e)
    hits = [h.start for h in vg.find_motif(iv, motif)]
    assert pos - 4 in hits
    if alt:  # an SNV changed the motif: the reference lacks it there
        assert pos - 4 not in [h.start for h in genome.find_motif(iv, motif)]


SEQUENCE_METHODS = {
    "dna": check_dna,
    "dna_batch": check_dna_batch,
    "one_hot": check_one_hot,
    "find_motif": check_find_motif,
    "variant_dna": check_variant_dna,
}

# Metadata variants do not change: attribute name -> arguments to call it with (None: a property).
METADATA = {
    "config": None,
    "refg": None,
    "reference_genome": None,
    "data_dir": None,
    "chromosomes": None,
    "chromosome_size": ("chrII",),
    "chrom_aliases": (),
    "interval": ("chrI", "-", 5, 50),
    "annotation": None,
    "anno": None,
    "genes": None,
    "transcripts": None,
    "trans": None,
    "exons": None,
    "introns": None,
    "cdss": None,
    "utr5s": None,
    "utr3s": None,
    # annotation selections: arguments made from the genome (a gene, a transcript)
    "appris_transcripts": lambda g: (g.genes[0],),
    "appris_principality": lambda g: (g.transcripts[0],),
    "mane_select_transcripts": lambda g: (g.genes[0],),
    "mane_plus_clinical_transcripts": lambda g: (g.genes[0],),
}

# Genome attributes a VariantGenome deliberately lacks, and why.
ABSENT = {
    # parses a variant string and checks its REF on the *reference*: ambiguous on a variant genome
    "variant": "vg.genome.variant",
}


def test_every_public_genome_attribute_is_accounted_for():
    public = {name for name in dir(gk.Genome) if not name.startswith("_")}
    lists = [set(SEQUENCE_METHODS), set(METADATA), set(ABSENT)]
    assert public == set().union(*lists), "classify new Genome attributes for VariantGenome here"
    assert sum(len(x) for x in lists) == len(public)


@pytest.mark.parametrize("kind", ["snv", "indel", "both"])
@pytest.mark.parametrize("name", sorted(SEQUENCE_METHODS))
def test_sequence_methods_apply_the_variants(yeast_toy, name, kind):
    edits = _edits(yeast_toy, kind)
    variants = [gk.Variant("chrI", p, ref, alt, yeast_toy) for p, ref, alt in edits]
    vg = gk.VariantGenome(yeast_toy, variants)
    # the reference differs, so a method answering for the reference fails
    assert _expected(yeast_toy, edits)[0] != yeast_toy.dna(_windows(yeast_toy)[0])
    SEQUENCE_METHODS[name](vg, yeast_toy, edits)


@pytest.mark.parametrize("name", sorted(METADATA))
def test_metadata_is_the_genomes(yeast_toy, name):
    vg = gk.VariantGenome(
        yeast_toy, [gk.Variant("chrI", p, r, a, yeast_toy) for p, r, a in _edits(yeast_toy, "both")]
    )
    args = METADATA[name]
    if args is None:
        assert getattr(vg, name) == getattr(yeast_toy, name)
        return
    if callable(args):
        args = args(yeast_toy)
    try:
        expected = getattr(yeast_toy, name)(*args)
    except (FileNotFoundError, RuntimeError) as e:  # no alias table, no APPRIS data: the same error
        with pytest.raises(type(e)):
            getattr(vg, name)(*args)
        return
    assert getattr(vg, name)(*args) == expected
    assert getattr(gk.VariantGenome, name).__doc__ == getattr(gk.Genome, name).__doc__


@pytest.mark.parametrize("name", sorted(ABSENT) + ["no_such_attribute", "_sizes"])
def test_nothing_else_answers_for_the_reference(yeast, name):
    vg = gk.VariantGenome(yeast, [])
    with pytest.raises(AttributeError):
        getattr(vg, name)


def test_one_hot_of_unequal_variant_lengths_raises(yeast, tiny):
    pos = DEL_AT
    ref = yeast.dna(yeast.interval("chrI", "+", pos, pos + 2))
    vg = gk.VariantGenome(yeast, gk.Variant("chrI", pos, ref, "", yeast))
    with pytest.raises(ValueError, match="equal length.*anchor"):
        vg.one_hot([yeast.interval("chrI", "+", *WINDOW), yeast.interval("chrI", "+", 0, 64)])
    with pytest.raises(TypeError, match="single Interval"):
        vg.dna_batch(yeast.interval("chrI", "+", 0, 64))
    with pytest.raises(ValueError, match="cannot fetch"):
        vg.dna_batch([tiny.interval("chr2", "+", 0, 4)])


def test_soft_mask_keeps_reference_case_around_variants(tiny):
    # tiny chr1 = NNNN ACGT acgt ACGT ...: an SNV in the lower-case block comes out upper case
    vg = gk.VariantGenome(tiny, gk.Variant("chr1", 9, "C", "T", tiny))
    iv = gk.Interval("chr1", "+", 4, 16, tiny)
    assert vg.dna(iv, soft_mask=True) == "ACGTaTgtACGT"
    assert vg.dna_batch([iv], soft_mask=True) == ["ACGTaTgtACGT"]
    assert vg.dna(iv) == "ACGTATGTACGT"
