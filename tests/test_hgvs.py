"""HGVS c./n. positions and variant descriptions (genome_kit.hgvs), both directions.

* Positions on real GENCODE v29 transcripts of tests/data/gencode_human.gtf.gz, expected values derived by
  hand from the exon / CDS / stop_codon rows quoted in each test (0-based, half-open coordinates).
* Variant descriptions on the sample yeast genome's toy gene models, derived by hand from its sequence.
* Random positions and variants on both strands of real GENCODE v29lift37 transcripts with real hg19
  sequence (../shared conformance data) and on SGD yeast genes, against pyhgvs2 (an independent HGVS
  implementation, PyPI) — and every description parses back to the same haplotype.
"""

from __future__ import annotations

import os
import random
import re

import numpy as np
import pytest
from anno_util import build_annotation

import genome_kit as gk
from genome_kit import hgvs
from genome_kit.hgvs import HGVSPosition

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
SAMPLE = os.path.join(os.path.dirname(gk.__file__), "sample_data")


def check_positions(t, expected):
    for pos, text in expected:
        assert str(hgvs.hgvs_position(t, pos)) == text, (t.id, pos)
        assert hgvs.genomic_position(t, text) == pos, (t.id, text)


# ENST00000343938.8 (CPTP, '+'): exons [1324766,1325102) [1326835,1327032) [1327240,1328897); CDS
# [1326910,1327032) [1327240,1327760) + stop_codon [1327760,1327763). 5'UTR = 336 + 75 = 411 bases; intron 1
# is 1733 bases (its middle base 1325968 is 867 from both exons: '+'), intron 2 208 bases.
CPTP_5UTR_CDS_INTRONS = [
    (1324766, "c.-411"),
    (1325101, "c.-76"),
    (1325102, "c.-76+1"),
    (1325968, "c.-76+867"),
    (1325969, "c.-75-866"),
    (1326834, "c.-75-1"),
    (1326835, "c.-75"),
    (1326909, "c.-1"),
    (1326910, "c.1"),
    (1327031, "c.122"),
    (1327032, "c.122+1"),
    (1327135, "c.122+104"),
    (1327136, "c.123-104"),
    (1327239, "c.123-1"),
    (1327240, "c.123"),
    (1327759, "c.642"),
]
CPTP_STOP_AND_3UTR = [(1327762, "c.645"), (1327763, "c.*1"), (1328896, "c.*1134")]

# ENST00000428771.6 (HES4, '-'): exons [999691,1000172) [999525,999613) [998961,999432); CDS [999691,999973)
# [999525,999613) [999061,999432) + stop_codon [999058,999061). Read 5'->3' (descending): 5'UTR 199 bases,
# exon 1 codes c.1-c.282, intron 1 (78 bases) splits 39/39, exon 2 c.283-c.370, intron 2 (93) has its middle
# base 999478 47 from both exons ('+').
HES4_5UTR_CDS_INTRONS = [
    (1000171, "c.-199"),
    (999973, "c.-1"),
    (999972, "c.1"),
    (999691, "c.282"),
    (999690, "c.282+1"),
    (999652, "c.282+39"),
    (999651, "c.283-39"),
    (999613, "c.283-1"),
    (999612, "c.283"),
    (999525, "c.370"),
    (999478, "c.370+47"),
    (999477, "c.371-46"),
    (999431, "c.371"),
    (999061, "c.741"),
]
HES4_STOP_AND_3UTR = [(999058, "c.744"), (999057, "c.*1"), (998961, "c.*97")]


def test_coding_positions_plus_strand(gencode_v29):
    check_positions(gencode_v29.transcripts["ENST00000343938.8"], CPTP_5UTR_CDS_INTRONS)


def test_coding_positions_minus_strand(gencode_v29):
    check_positions(gencode_v29.transcripts["ENST00000428771.6"], HES4_5UTR_CDS_INTRONS)


@pytest.mark.parametrize("tid", ["ENST00000343938.8", "ENST00000428771.6"])
def test_stop_codon_and_3utr_positions_of_a_gtf_build(gencode_v29, tid):
    """The GTF's CDS rows leave the stop codon out; the build folds its stop_codon rows in, so c.* counts
    from the base after it (as from a GFF3)."""
    expected = CPTP_STOP_AND_3UTR if tid == "ENST00000343938.8" else HES4_STOP_AND_3UTR
    check_positions(gencode_v29.transcripts[tid], expected)


def test_noncoding_positions_and_intronic_utr_positions(gencode_v29):
    # ENST00000456328.2 (DDX11L1, '+', lncRNA): exons [11868,12227) [12612,12721) [13220,14409)
    t = gencode_v29.transcripts["ENST00000456328.2"]
    check_positions(
        t, [(11868, "n.1"), (12226, "n.359"), (12227, "n.359+1"), (12611, "n.360-1"), (14408, "n.1657")]
    )
    with pytest.raises(ValueError, match="non-coding"):
        hgvs.genomic_position(t, "c.5")
    assert HGVSPosition.parse("c.*20-2") == HGVSPosition("c", 20, -2, True)
    assert str(HGVSPosition("c", -14, 3)) == "c.-14+3"


def test_every_exonic_and_intronic_base_round_trips(gencode_v29):
    rng = random.Random(3)
    trans = [t for t in gencode_v29.transcripts if len(t.exons) > 1]
    assert any(t.strand == "-" for t in trans) and any(t.strand == "+" for t in trans)
    for t in rng.sample(trans, 40):
        for pos in np.array(rng.sample(range(t.start, t.end), min(50, t.end - t.start))):  # numpy ints too
            p = hgvs.hgvs_position(t, pos)
            assert hgvs.genomic_position(t, p) == pos == hgvs.genomic_position(t, str(p)), (t.id, p)


def test_bad_positions(gencode_v29):
    t = gencode_v29.transcripts["ENST00000428771.6"]  # c.-199 .. c.*100 in this (GTF) build
    with pytest.raises(ValueError, match=r"c\.-200 lies beyond transcript ENST00000428771.6"):
        hgvs.genomic_position(t, "c.-200")
    with pytest.raises(ValueError, match=r"c\.\*101 lies beyond transcript"):
        hgvs.genomic_position(t, "c.*101")
    with pytest.raises(ValueError, match=r"chr1:1000173 \(DNA1\) lies outside transcript ENST00000428771.6"):
        hgvs.hgvs_position(t, 1000172)
    with pytest.raises(ValueError, match=r"c\.100\+5: c\.100 is not the last base of an exon"):
        hgvs.genomic_position(t, "c.100+5")
    with pytest.raises(ValueError, match=r"c\.282\+80: offset \+80 goes past intron 1"):
        hgvs.genomic_position(t, "c.282+80")
    for text in ("c.0", "c.12x", "p.Gly12Cys", "c.*-3", "123"):
        with pytest.raises(ValueError, match=re.escape(repr(text))):
            hgvs.genomic_position(t, text)


# --- variants on the toy genes of the sample yeast genome ----------------------------------------------


@pytest.fixture(scope="module")
def toy(yeast, data_dir):
    return build_annotation(os.path.join(SAMPLE, "sacCer.toy_genes.gff3"), data_dir, "hgvs_toy", yeast)


def rc(s):
    return s.translate(str.maketrans("ACGT", "TGCA"))[::-1]


def test_variant_descriptions_minus_strand(toy, yeast):
    # TOYT00006.1 ('-'): exon 1 [202013,202600), CDS [202013,202359): c.1 is base 202358, so base x (in this
    # exon) is c.(202359 - x). chrII 202300-202359 reads (+ strand):
    #   GAAATACCCGCCGATCTTCGATATGGCAGAGAAGCTTCAATTGCCACGCCCAATTACATG
    # bases 202356-202358 are CAT: ATG on '-'; 202306-202308 are a CCC run bounded by A and G (c.51-c.53).
    t = toy.transcripts["TOYT00006.1"]
    snv = gk.Variant("chrII", 202357, "A", "C", yeast)  # c.2, T on the transcript's strand
    assert hgvs.hgvs_variant(snv, t) == "TOYT00006.1:c.2T>G"
    assert hgvs.parse_hgvs("TOYT00006.1:c.2T>G", toy) == snv
    # deleting the run's 5'-most C (genomic 202308): HGVS names the 3'-most copy, the lowest genomic one
    assert hgvs.hgvs_variant(gk.Variant("chrII", 202308, "C", "", yeast), t) == "TOYT00006.1:c.53del"
    back = hgvs.parse_hgvs("TOYT00006.1:c.53del", toy)
    assert (back.start, back.end, back.ref, back.alt) == (202306, 202307, "C", "")
    # one more C after the run (genomic 202309) duplicates its 3'-most base; c.51_53dup the whole run
    assert hgvs.hgvs_variant(gk.Variant("chrII", 202309, "", "C", yeast), t) == "TOYT00006.1:c.53dup"
    assert hgvs.hgvs_variant(gk.Variant("chrII", 202306, "", "CCC", yeast), t) == "TOYT00006.1:c.51_53dup"
    assert hgvs.parse_hgvs("TOYT00006.1:c.51_53dupGGG", toy) == gk.Variant("chrII", 202309, "", "CCC", yeast)


def test_variant_descriptions_plus_strand(toy, yeast):
    # TOYT00001.1 ('+'): exon 1 [10000,10409), CDS from 10175 (c.1, the A of ATG), so c.234 is 10408 and
    # c.-75 is 10100. chrI 10395-10419: TATAGAAAATCAC A GT ACAAAAATT (10408 = A, intron 1 starts GT);
    # chrI 10095-10109: TATCT CTT GTAAAAA (10100-10102 = CTT); chrI 10170-10179: TTAAAATGAA.
    t = toy.transcripts["TOYT00001.1"]
    assert hgvs.hgvs_position(t, 10408) == HGVSPosition("c", 234)
    ins = gk.Variant("chrI", 10410, "", "CC", yeast)  # between c.234+1 (G) and c.234+2 (T)
    assert hgvs.hgvs_variant(ins, t) == "TOYT00001.1:c.234+1_234+2insCC"
    assert hgvs.parse_hgvs("TOYT00001.1:c.234+1_234+2insCC", toy) == ins
    delins = gk.Variant("chrI", 10100, "CTT", "GA", yeast)
    assert hgvs.hgvs_variant(delins, t, prefix=False) == "c.-75_-73delinsGA"
    assert hgvs.parse_hgvs("TOYT00001.1:c.-75_-73delinsGA", toy) == delins
    assert hgvs.hgvs_variant(gk.Variant("chrI", 10175, "A", "A", yeast), t, prefix=False) == "c.1="
    # VCF-style with a padding base: AA>A at 10173 deletes one A of the AAAA run 10172-10175: c.1 is its
    # 3'-most base
    assert hgvs.hgvs_variant(gk.Variant("chrI", 10173, "AA", "A", yeast), t, prefix=False) == "c.1del"
    nc = toy.transcripts["TOYT00004.1"]  # lncRNA, '-': exon 1 is [21003,21500), so base 21499 is n.1
    first = yeast.dna(gk.Interval("chrI", "+", 21499, 21500, yeast))
    assert hgvs.hgvs_variant(gk.Variant("chrI", 21499, first, first, yeast), nc, prefix=False) == "n.1="
    assert hgvs.parse_hgvs("n.1=", transcript=nc) == gk.Variant("chrI", 21499, first, first, yeast)


def test_bad_variant_input(toy, yeast):
    t = toy.transcripts["TOYT00001.1"]
    cases = [
        ("TOYT09999.1:c.5A>G", toy, None, "unknown transcript 'TOYT09999.1'"),
        ("c.5A>G", toy, None, "names no transcript"),
        ("TOYT00001.1:c.5Q>G", toy, None, "not an HGVS c./n. variant description"),
        ("TOYT00001.1:c.5_3del", toy, None, "runs 3'->5'"),
        ("TOYT00001.1:c.*9999del", toy, None, r"c\.\*9999 lies beyond transcript TOYT00001.1"),
        ("TOYT00002.1:c.5del", None, t, "names transcript TOYT00002.1, but transcript TOYT00001.1"),
        ("TOYT00001.1:c.1T>G", toy, None, "the reference has 'A' there, not 'T'"),
        ("TOYT00001.1:c.1_3delAAA", toy, None, "the reference has 'ATG' there"),
        ("TOYT00001.1:c.1_3insA", toy, None, "two adjacent positions"),
    ]
    for text, genome, transcript, match in cases:
        with pytest.raises(ValueError, match=match):
            hgvs.parse_hgvs(text, genome, transcript)
    with pytest.raises(ValueError, match="REF 'T' does not match the genome"):
        hgvs.hgvs_variant(gk.Variant("chrI", 10175, "T", "C", yeast), t)
    with pytest.raises(ValueError, match="lies outside transcript TOYT00001.1"):
        hgvs.hgvs_variant(gk.Variant("chrI", 5, "C", "", yeast), t)
    with pytest.raises(ValueError, match="is on chrII"):
        hgvs.hgvs_variant(gk.Variant("chrII", 10175, "A", "C", yeast), t)


# --- against pyhgvs2 on real transcripts -------------------------------------------------------------


class _PyhgvsGenome:
    """The genome as pyhgvs2 reads it: genome[chrom][start:end] -> '+' strand bases (0-based slice)."""

    def __init__(self, genome):
        self.genome = genome

    def __getitem__(self, chrom):
        genome = self.genome

        class Chrom:
            def __getitem__(self, sl):
                return genome.dna(gk.Interval(chrom, "+", sl.start, sl.stop, genome))

        return Chrom()


def pyhgvs_transcript(pyhgvs2, t):
    from pyhgvs2.models import Exon, Position, Transcript

    plus = t.strand == "+"
    if t.cdss:
        cds = (min(c.start for c in t.cdss), max(c.end for c in t.cdss))
    else:
        cds = (t.end, t.end)
    name, _, version = t.id.partition(".")
    span = Position(t.chromosome, t.start, t.end, plus)
    tr = Transcript(name, int(version) if version else None, "G", span, Position(t.chromosome, *cds, plus))
    for k, e in enumerate(t.exons, 1):
        tr.exons.append(Exon(tr, Position(t.chromosome, e.start, e.end, plus), k))
    return tr


def pyhgvs_text(pyhgvs2, v, t, seq, genome):
    """pyhgvs2's description of v, written the way HGVS recommends today (no REF bases after del/dup)."""
    if not v.ref or not v.alt:  # pyhgvs2 takes VCF-style alleles with a padding base
        pad = seq(v.start - 1, v.start)
        args = (v.start, pad + v.ref, pad + v.alt)
    else:
        args = (v.start + 1, v.ref, v.alt)
    text = pyhgvs2.format_hgvs_name(t.chromosome, *args, _PyhgvsGenome(genome), pyhgvs_transcript(pyhgvs2, t),
                                    use_prefix=False, max_allele_length=10**6)  # fmt: skip
    text = re.sub(r"del[ACGTN]+ins", "delins", text)
    text = re.sub(r"(del|dup)[ACGTN]+$", r"\1", text)
    return text if t.cdss else "n." + text[2:]  # pyhgvs2 writes c. on non-coding transcripts too


def random_variant(rng, t, genome):
    p = rng.randrange(t.start + 12, t.end - 12)
    w = genome.dna(gk.Interval(t.chromosome, "+", p - 10, p + 10, genome))
    kind = rng.choice(["snv", "del", "ins", "dup", "delins"])
    if kind == "snv":
        return gk.Variant(t.chromosome, p, w[10], rng.choice([b for b in "ACGT" if b != w[10]]), genome)
    if kind == "del":
        return gk.Variant(t.chromosome, p, w[10 : 10 + rng.randint(1, 4)], "", genome)
    if kind == "ins":
        return gk.Variant(
            t.chromosome, p, "", "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 3))), genome
        )
    if kind == "dup":  # repeats the bases before it: a dup (or a longer repeat) once shifted
        return gk.Variant(t.chromosome, p, "", w[10 - rng.randint(1, 3) : 10], genome)
    return gk.Variant(t.chromosome, p, w[10:12], "".join(rng.choice("ACGT") for _ in range(3)), genome)


def haplotype(v, genome, lo, hi):
    w = genome.dna(gk.Interval(v.chromosome, "+", lo, hi, genome))
    return w[: v.start - lo] + v.alt + w[v.end - lo :]


def compare_with_pyhgvs(transcripts, genome, rng, per_transcript):
    pyhgvs2 = pytest.importorskip("pyhgvs2")
    n = 0
    for t in transcripts:
        pt = pyhgvs_transcript(pyhgvs2, t)
        for _ in range(per_transcript):
            pos = rng.randrange(t.start, t.end)
            theirs = ("c." if t.cdss else "n.") + str(pyhgvs2.lookups.genomic_to_cdna_coord(pt, pos + 1))
            assert str(hgvs.hgvs_position(t, pos)) == theirs, (t.id, pos)
            v = random_variant(rng, t, genome)
            ours = hgvs.hgvs_variant(v, t, prefix=False)
            seq_of = lambda s, e, c=t.chromosome: genome.dna(gk.Interval(c, "+", s, e, genome))  # noqa: E731
            assert ours == pyhgvs_text(pyhgvs2, v, t, seq_of, genome), (t.id, t.strand, str(v))
            back = hgvs.parse_hgvs(f"{t.id}:{ours}", transcript=t)
            lo, hi = min(v.start, back.start) - 20, max(v.end, back.end) + 20
            assert haplotype(back, genome, lo, hi) == haplotype(v, genome, lo, hi), (ours, str(v), str(back))
            n += 1
    return n


def test_against_pyhgvs2_on_gencode(shared_dir, data_dir):
    """Real GENCODE v29lift37 GFF3 transcripts (stop codon inside the CDS) on the real hg19 excerpt."""
    src = os.path.join(shared_dir, "conformance", "data")
    if not os.path.isdir(src):
        pytest.skip("conformance data not available")
    for name in ("hg19.p13.plusMT.mini.2bit", "hg19.p13.plusMT.mini.chrom.sizes"):
        if not os.path.exists(os.path.join(data_dir, name)):
            os.symlink(os.path.join(src, name), os.path.join(data_dir, name))
    source = os.path.join(src, "gencode.v29lift37.annotation.gff3")
    g = build_annotation(source, data_dir, "hgvs_v29lift37", gk.Genome("hg19.p13.plusMT.mini"))
    genome = gk.Genome(g.refg)
    rng = random.Random(11)
    multi = [t for t in g.transcripts if len(t.exons) > 1]
    chosen = rng.sample([t for t in multi if t.strand == "+"], 25) + rng.sample(
        [t for t in multi if t.strand == "-"], 25
    )
    assert sum(bool(t.cdss) for t in chosen) > 15 and sum(not t.cdss for t in chosen) > 3
    assert compare_with_pyhgvs(chosen, genome, rng, 20) == 1000


def test_against_pyhgvs2_on_yeast(yeast, data_dir):
    """SGD's spliced and unspliced yeast genes (real annotation, real sequence) and the toy models."""
    g = build_annotation(os.path.join(DATA, "sgd_yeast_chr1+2.gff3.gz"), data_dir, "hgvs_sgd", yeast)
    rng = random.Random(5)
    spliced = [t for t in g.transcripts if len(t.exons) > 1 and t.cdss and t.chromosome == "chrI"]
    assert {t.strand for t in spliced} == {"+", "-"}
    assert compare_with_pyhgvs(spliced, yeast, rng, 30) == 30 * len(spliced)
