"""Gene annotations: builders (GFF3, GTF, NCBI, UCSC), the model, tables and
every positional query checked against a brute-force scan."""

from __future__ import annotations

import gc
import gzip
import os
import pickle
import random

import numpy as np
import pytest

import genome_kit as gk
from genome_kit.genome_annotation import AnnotationWarning, filter_protein_coding, longest_transcript

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
TABLES = ["genes", "transcripts", "exons", "introns", "cdss", "utr5s", "utr3s"]
METHODS = ["overlapping", "within", "exact", "5p_within", "3p_within", "5p_aligned", "3p_aligned"]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture(scope="module")
def hs(data_dir):
    """An assembly with only sizes: chr1 of GRCh38 and Ensembl's '1' (sizes written here)."""
    write(os.path.join(data_dir, "anno_hs.chrom.sizes"), "chr1\t248956422\nchr2\t242193529\n")
    write(os.path.join(data_dir, "anno_ens.chrom.sizes"), "1\t248956422\n")
    return gk.Genome("anno_hs")


@pytest.fixture(scope="module")
def gencode(hs, data_dir):
    gk.GenomeAnnotation.build_gencode(
        os.path.join(DATA, "gencode_human.gtf.gz"), os.path.join(data_dir, "anno_gencode"), hs
    )
    return gk.Genome("anno_gencode")


# --- a hand-made GFF3 with known answers -------------------------------------------------------

SYN = """##gff-version 3
chr1\tHAVANA\tgene\t1001\t9000\t.\t+\t.\tID=G1.1;gene_id=G1.1;gene_type=protein_coding;gene_name=ALPHA;level=2
chr1\tHAVANA\ttranscript\t1001\t9000\t.\t+\t.\tID=T1.1;Parent=G1.1;transcript_type=protein_coding;level=2;\
transcript_support_level=1;ccdsid=CCDS1.1;protein_id=P1.1
chr1\tHAVANA\texon\t1001\t1200\t.\t+\t.\tID=e1;Parent=T1.1;exon_id=E1.1;exon_number=1
chr1\tHAVANA\texon\t2001\t2300\t.\t+\t.\tID=e2;Parent=T1.1;exon_id=E2.1;exon_number=2
chr1\tHAVANA\texon\t8001\t9000\t.\t+\t.\tID=e3;Parent=T1.1;exon_id=E3.1;exon_number=3
chr1\tHAVANA\tCDS\t1101\t1200\t.\t+\t0\tID=c;Parent=T1.1
chr1\tHAVANA\tCDS\t2001\t2300\t.\t+\t2\tID=c;Parent=T1.1
chr1\tHAVANA\tCDS\t8001\t8100\t.\t+\t1\tID=c;Parent=T1.1
chr1\tHAVANA\tUTR\t1001\t1100\t.\t+\t.\tID=u;Parent=T1.1
chr1\tHAVANA\tUTR\t8101\t9000\t.\t+\t.\tID=u;Parent=T1.1
chr1\tHAVANA\tstart_codon\t1101\t1103\t.\t+\t0\tParent=T1.1
chr1\tENSEMBL\tgene\t12001\t20000\t.\t-\t.\tID=gene:G2;biotype=lncRNA;Name=BETA
chr1\tENSEMBL\tlnc_RNA\t12001\t20000\t.\t-\t.\tID=transcript:T2;Parent=gene:G2;biotype=lncRNA
chr1\tENSEMBL\texon\t19001\t20000\t.\t-\t.\tParent=transcript:T2;exon_id=E4;rank=1
chr1\tENSEMBL\texon\t12001\t12500\t.\t-\t.\tParent=transcript:T2;exon_id=E5;rank=2
"""


@pytest.fixture(scope="module")
def syn(hs, data_dir, tmp_path_factory):
    path = write(str(tmp_path_factory.mktemp("syn") / "syn.gff3"), SYN)
    paths = gk.GenomeAnnotation.build_gencode(path, os.path.join(data_dir, "anno_syn"), hs)
    assert [os.path.basename(p) for p in paths] == ["anno_syn.gkanno", "anno_syn.cfg"]
    with open(paths[1]) as f:
        assert f.read() == "refg=anno_hs\n"
    return gk.Genome("anno_syn")


def test_synthetic_model(syn):
    g1, g2 = syn.genes
    assert repr(g1) == "<Gene G1.1 (ALPHA)>" and (g1.type, g1.level) == ("protein_coding", 2)
    assert repr(g2) == "<Gene G2 (BETA)>" and (g2.type, g2.level) == (
        "lncRNA",
        3,
    )  # as the file spells it; Ensembl source → 3
    t1 = syn.transcripts["T1"]
    assert t1 is not None and t1 == syn.transcripts["T1.1"] and t1.gene == g1
    assert (t1.tsl, t1.ccds_id, t1.protein_id, t1.product) == (1, "CCDS1.1", "P1.1", None)
    assert [repr(e) for e in t1.exons] == ["<Exon 1/3 of T1.1>", "<Exon 2/3 of T1.1>", "<Exon 3/3 of T1.1>"]
    assert [e.id for e in t1.exons] == ["E1.1", "E2.1", "E3.1"]
    assert [(x.start, x.end) for x in t1.introns] == [(1200, 2000), (2300, 8000)]
    assert [(c.start, c.end, c.phase) for c in t1.cdss] == [(1100, 1200, 0), (2000, 2300, 2), (8000, 8100, 1)]
    assert [repr(c) for c in t1.cdss] == [f"<Cds in Exon {i}/3 of T1.1>" for i in (1, 2, 3)]
    # generic UTR rows are split around the CDS
    assert [(u.start, u.end) for u in t1.utr5s] == [(1000, 1100)]
    assert [(u.start, u.end) for u in t1.utr3s] == [(8100, 9000)]
    e1, e2, e3 = t1.exons
    assert e1.utr5 == t1.utr5s[0] and e1.cds == t1.cdss[0] and e1.utr3 is None
    assert e2.utr5 is None and e2.utr3 is None and e3.utr3 == t1.utr3s[0]
    assert e1.prev_exon is None and e1.next_exon == e2 and e3.next_exon is None
    assert e1.prev_intron is None and e1.next_intron == t1.introns[0] and e3.prev_intron == t1.introns[1]
    i1 = t1.introns[0]
    assert repr(i1) == "<Intron 1/2 of T1.1>" and i1.prev_exon == e1 and i1.next_exon == e2
    assert i1.next_intron == t1.introns[1] and i1.prev_intron is None
    c = t1.cdss[1]
    assert c.exon == e2 and c.prev_cds == t1.cdss[0] and c.next_cds == t1.cdss[2] and c.transcript == t1
    assert t1.utr5s[0].exon == e1 and t1.utr5s[0].next_utr is None
    # minus strand: exons 5'→3', introns between them, ids and type from Ensembl attributes
    t2 = syn.transcripts["T2"]
    assert (t2.type, t2.tsl, t2.level) == ("lncRNA", 6, 3)
    assert [(e.start, e.end, e.index, e.id) for e in t2.exons] == [
        (19000, 20000, 0, "E4"),
        (12000, 12500, 1, "E5"),
    ]
    assert [(x.start, x.end) for x in t2.introns] == [(12500, 19000)]
    assert t2.end5.start == 20000 and t2.cdss == [] and t2.utr5s == []
    assert isinstance(t2, gk.Interval) and t2.interval == gk.Interval("chr1", "-", 12000, 20000, "anno_hs")
    assert t2.annotation_genome is syn


def test_tables(syn):
    assert repr(syn.genes) == "<GeneTable, len() = 2>" and repr(syn.exons) == "<ExonTable, len = 5>"
    assert type(syn.genes).__name__ == "GeneTable" and type(syn.utr3s).__name__ == "UtrTable"
    assert [len(getattr(syn, t)) for t in TABLES] == [2, 2, 5, 3, 3, 1, 1]
    assert syn.genes[-1] == syn.genes[1] and syn.trans is not None and syn.anno is syn.annotation
    with pytest.raises(IndexError):
        syn.genes[2]
    with pytest.raises(IndexError):
        syn.exons[-6]
    with pytest.raises(KeyError):
        syn.genes[""]
    with pytest.raises(KeyError):
        syn.genes["G3"]
    with pytest.raises(KeyError):
        syn.genes[0:1]
    with pytest.raises(TypeError):
        syn.exons["E1.1"]
    assert syn.genes.find_by_id("G1") == [syn.genes[0]] and syn.genes.find_by_id("nope") == []
    assert syn.genes.first_by_name("BETA") == syn.genes[1] and syn.genes.first_by_name("X") is None
    assert [syn.exons.index_of(e) for e in syn.exons] == list(range(5))
    with pytest.raises(TypeError):
        syn.exons.index_of(syn.genes[0])
    assert syn.exons.where(np.array([True, False, False, False, True])) == [syn.exons[0], syn.exons[4]]
    with pytest.raises(ValueError):
        syn.exons.where(np.array([True]))
    assert syn.genes[0] != syn.genes[0].interval and syn.genes[0].interval == syn.genes[0].interval
    assert len({*syn.exons, *syn.exons}) == 5
    with pytest.raises(TypeError):
        syn.genes[0] < syn.genes[1]  # noqa: B015
    with pytest.raises(RuntimeError):
        gk.Exon()


def test_pickle(syn):
    for tb in TABLES:
        for x in getattr(syn, tb):
            y = pickle.loads(pickle.dumps(x))
            assert y == x and repr(y) == repr(x) and type(y) is type(x)


def test_assembly_only_genome_has_no_annotation(hs):
    with pytest.raises(ValueError):
        _ = hs.genes
    with pytest.raises(ValueError):
        _ = hs.annotation


# --- positional queries against a brute-force scan ----------------------------------------------


def brute(table, method, q):
    """The documented semantics of find_<method>, by scanning every row."""

    def p5(x):
        return x.start if x.strand == "+" else x.end - 1

    def p3(x):
        return x.end - 1 if x.strand == "+" else x.start

    qs, qe1 = q.start, q.end - 1
    hits = []
    for row, e in enumerate(table):
        if e.chromosome != q.chromosome or e.strand != q.strand:
            continue
        if method == "overlapping":
            ok = e.start <= qe1 and e.end - 1 >= qs
        elif method == "within":
            ok = qs <= p3(e) <= qe1 and qs <= p5(e) <= qe1
        elif method == "exact":
            ok = (e.start, e.end) == (q.start, q.end)
        elif method == "5p_within":
            ok = qs <= p5(e) <= qe1
        elif method == "3p_within":
            ok = qs <= p3(e) <= qe1
        elif method == "5p_aligned":
            ok = p5(e) == p5(q)
        else:
            ok = p3(e) == p3(q)
        if ok:
            key = (p3(e), row) if method in ("within", "3p_within", "3p_aligned") else (p5(e), p3(e), row)
            hits.append((key, e))
    return [e for _, e in sorted(hits, key=lambda h: h[0])]


def query_intervals(genome, n, seed):
    rng = random.Random(seed)
    exons = list(genome.exons)
    span = max(e.end for e in exons) + 1000
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.4:  # random window
            s = rng.randint(0, span)
            out.append(
                gk.Interval(
                    "chr1", rng.choice("+-"), s, s + rng.choice([0, 1, 2, 10, 100, 1000, 20000]), genome.refg
                )
            )
        else:  # around a feature's boundaries, often exactly on them
            table = getattr(genome, rng.choice(TABLES))
            f = table[rng.randrange(len(table))]
            s = f.start + rng.choice([0, 0, -1, 1, -5, 3])
            e = f.end + rng.choice([0, 0, -1, 1, 7, -2])
            strand = f.strand if rng.random() < 0.8 else ("-" if f.strand == "+" else "+")
            if rng.random() < 0.1:
                e = s  # empty query
            out.append(gk.Interval("chr1", strand, max(0, min(s, e)), max(0, e), genome.refg))
    return out


@pytest.mark.parametrize("tb", TABLES)
def test_find_matches_brute_force(gencode, tb):
    table = getattr(gencode, tb)
    for q in query_intervals(gencode, 60, tb):
        for m in METHODS:
            got = getattr(table, f"find_{m}")(q)
            assert got == brute(table, m, q), (tb, m, q)
        # cross-check the brute force with Interval's own predicates (no empty rows here)
        assert all(e.overlaps(q) for e in table.find_overlapping(q)) or q.start == q.end
        assert all(e.within(q) for e in table.find_within(q))


def test_find_batch_equals_single_queries(gencode):
    qs = query_intervals(gencode, 300, "batch")
    for tb in ("transcripts", "exons"):
        table = getattr(gencode, tb)
        for m in METHODS:
            offsets, rows = table.find_batch(qs, m)
            assert offsets.dtype == np.int64 and rows.dtype == np.uint32 and len(offsets) == len(qs) + 1
            for i, q in enumerate(qs):
                got = table.rows(rows[offsets[i] : offsets[i + 1]].astype(np.int64))
                assert got == getattr(table, f"find_{m}")(q)
    # array form, with an alias-free unknown chromosome giving no results
    offsets, rows = gencode.exons.find_batch(
        chromosomes=["chr1", "chrNope"], strands=["+", "+"], starts=[0, 0], ends=[10**7, 10**7]
    )
    assert offsets[1] - offsets[0] == len(
        gencode.exons.find_overlapping(gk.Interval("chr1", "+", 0, 10**7, "anno_hs"))
    )
    assert offsets[2] == offsets[1]


def test_queries_and_batches_at_int64_extremes(gencode):
    """Queries reaching the int64 limits answer as the brute force does (an empty query at -2**63 used
    to wrap end - 1 to 2**63 - 1 and return every element of the chromosome); batch arrays are
    checked exactly, naming the row and value."""
    lo, hi = -(2**63), 2**63 - 1
    exons = gencode.exons
    for strand in "+-":
        for s, e in ((lo, lo), (hi, hi), (lo, -1), (0, hi), (-(2**62), 2**62 - 1), (lo + 1, lo + 1)):
            q = gk.Interval("chr1", strand, s, e, gencode.refg)
            for m in METHODS:
                assert getattr(exons, f"find_{m}")(q) == brute(exons, m, q), (m, q)
    with pytest.raises(ValueError, match=r"row 1: the length of \[-9223372036854775808, 1\) does not fit"):
        exons.find_batch(chromosomes=["chr1"] * 2, strands=["+"] * 2, starts=[0, lo], ends=[1, 1])
    with pytest.raises(ValueError, match="row 1: start 5 is after end 4"):
        exons.find_batch(chromosomes=["chr1"] * 2, strands=["+"] * 2, starts=[0, 5], ends=[1, 4])
    with pytest.raises(ValueError, match="row 0: end 18446744073709551615 is out of range"):
        exons.find_batch(chromosomes=["chr1"], strands="+", starts=[0], ends=np.array([2**64 - 1], np.uint64))
    with pytest.raises(TypeError, match="end must hold integers"):
        exons.find_batch(chromosomes=["chr1"], strands="+", starts=[0], ends=np.array([1e7]))  # was truncated
    offsets, rows = exons.find_batch(chromosomes=["chr1"], strands=["+"], starts=[lo], ends=[lo])
    assert offsets.tolist() == [0, 0]
    with pytest.raises(TypeError, match="indices must hold integers"):
        exons.rows(np.array([1.7]))  # was row 1
    with pytest.raises(ValueError, match="row 0: indices 18446744073709551615 is out of range"):
        exons.rows(np.array([2**64 - 1], np.uint64))  # was row -1
    assert exons.rows([np.uint8(1), 0]) == [exons[1], exons[0]]


def test_find_batch_from_intervals_checks_items(gencode, tiny):
    exons = list(gencode.exons)[:50]
    # row objects are Intervals too, and keyword arguments reach the C++ methods
    offsets, rows = gencode.transcripts.find_batch(exons)
    for i, e in enumerate(exons):
        got = gencode.transcripts.rows(rows[offsets[i] : offsets[i + 1]].astype(np.int64))
        assert got == gencode.transcripts.find_overlapping(interval=e)
        assert e.transcript in got
    assert gencode.exons.find_batch([])[0].tolist() == [0]
    with pytest.raises(TypeError, match=r"intervals\[1\]"):
        gencode.exons.find_batch([exons[0], ("chr1", "+", 0, 10)])
    with pytest.raises(ValueError, match="tiny"):
        gencode.exons.find_batch([gk.Interval("chr1", "+", 0, 10, "tiny")])
    with pytest.raises(TypeError):
        gencode.exons.find_overlapping(exons[0], exons[1])
    with pytest.raises(TypeError):
        gencode.exons.find_overlapping(query=exons[0])


def test_row_objects_outlive_their_genome(syn):
    g = gk.Genome("anno_syn")
    t = g.transcripts[0]
    exons = t.exons
    del g
    gc.collect()
    assert [e.transcript for e in exons] == [t] * len(exons)
    assert exons[0].start == exons[0].interval.start and exons[0].strand == t.strand
    assert exons[0].chromosome == exons[0].chrom == t.chromosome


def test_find_errors(gencode, tiny):
    with pytest.raises(TypeError):
        gencode.exons.find_overlapping(("chr1", "+", 0, 10))
    with pytest.raises(ValueError):
        gencode.exons.find_overlapping(gk.Interval("chr1", "+", 0, 10, "tiny"))
    assert gencode.exons.find_overlapping(gk.Interval("chr2", "+", 0, 10**6, "anno_hs")) == []


# --- real files ---------------------------------------------------------------------------------


def test_gencode_gtf(gencode):
    counts = [len(getattr(gencode, t)) for t in TABLES]
    # a stop codon split by an intron adds a CDS piece; five 3'UTR rows were only the stop codon
    assert counts == [119, 470, 2470, 2000, 1132, 235, 285]
    g = gencode.genes["ENSG00000223972"]
    assert repr(g) == "<Gene ENSG00000223972.5 (DDX11L1)>" and g.level == 2
    t = gencode.transcripts["ENST00000456328.2"]
    assert repr(t) == "<Transcript ENST00000456328.2 of DDX11L1>" and t.tsl == 1
    assert [repr(e) for e in t.exons][0] == "<Exon 1/3 of ENST00000456328.2>"
    # coding transcripts: CDS pieces (stop codon included, from the GTF's stop_codon rows) and UTRs tile the
    # exons; the excerpt cuts some transcripts short, so only complete ones are checked
    checked = 0
    for tr in gencode.transcripts:
        if not tr.cdss or tr.exons[-1].end3 != tr.end3:
            continue
        covered = sum(len(x) for x in tr.cdss) + sum(len(x) for x in tr.utr5s) + sum(len(x) for x in tr.utr3s)
        assert sum(len(e) for e in tr.exons) == covered, tr
        checked += 1
    assert checked > 50
    for c in gencode.cdss:
        assert c.within(c.exon) and c.exon.cds == c


def test_ensembl_gtf(hs, data_dir):
    gk.GenomeAnnotation.build_gencode(
        os.path.join(DATA, "ensembl_human.gtf.gz"),
        os.path.join(data_dir, "anno_ens_gtf"),
        gk.Genome("anno_ens"),
    )
    g = gk.Genome("anno_ens_gtf")
    assert [len(getattr(g, t)) for t in TABLES[:3]] == [84, 280, 1323]
    t = g.transcripts["ENST00000456328"]
    assert (t.type, t.tsl, t.level) == ("lncRNA", 1, 2)  # as spelled in the file; source havana → level 2
    assert g.genes[0].chromosome == "1"


def test_gtf_without_gene_and_transcript_rows(hs, data_dir, tmp_path):
    text = "".join(
        f'chr1\tx\t{kind}\t{s}\t{e}\t.\t-\t{ph}\tgene_id "G"; transcript_id "T"; gene_name "N";\n'
        for kind, s, e, ph in [
            ("exon", 100, 200, "."),
            ("CDS", 150, 200, "0"),
            ("exon", 300, 400, "."),
            ("CDS", 300, 350, "2"),
        ]
    )
    gk.GenomeAnnotation.build_gencode(
        write(str(tmp_path / "implicit.gtf"), text), os.path.join(data_dir, "anno_implicit"), hs
    )
    g = gk.Genome("anno_implicit")
    t = g.transcripts["T"]
    assert (t.start, t.end, t.strand) == (99, 400, "-") and (g.genes[0].start, g.genes[0].end) == (99, 400)
    assert [(e.start, e.end) for e in t.exons] == [(299, 400), (99, 200)]  # 5'→3' on '-'
    assert t.cdss[0].phase == 2 and t.cdss[1].phase == 0


def test_forward_references_and_gzip(hs, data_dir, tmp_path):
    # FlyBase-style: a CDS and an exon before their mRNA, the mRNA before its gene; gzip input
    text = (
        "chr1\tFB\tCDS\t150\t180\t.\t+\t0\tParent=m1\n"
        "chr1\tFB\texon\t100\t200\t.\t+\t.\tID=x1;Parent=m1,m2\n"
        "chr1\tFB\tmRNA\t100\t200\t.\t+\t.\tID=m1;Parent=g1\n"
        "chr1\tFB\tgene\t100\t200\t.\t+\t.\tID=g1;Name=FB1\n"
        "chr1\tFB\tncRNA\t100\t200\t.\t+\t.\tID=m2;Parent=g1\n"
        "chr1\tFB\tprotein\t150\t180\t.\t+\t.\tID=p1;Derives_from=m1\n"
    )
    path = str(tmp_path / "fb.gff3.gz")
    with gzip.open(path, "wt") as f:
        f.write(text)
    with pytest.warns(AnnotationWarning, match="protein"):
        gk.GenomeAnnotation.build_gencode(path, os.path.join(data_dir, "anno_fb"), hs)
    g = gk.Genome("anno_fb")
    assert [repr(t) for t in g.genes[0].transcripts] == ["<Transcript m1 of FB1>", "<Transcript m2 of FB1>"]
    assert [t.type for t in g.transcripts] == ["mRNA", "ncRNA"]
    assert len(g.exons) == 2 and len(g.cdss) == 1 and len(g.utr5s) == 1 and len(g.utr3s) == 1


BAD = {
    "orphan_exon": ("chr1\tX\texon\t10\t20\t.\t+\t.\tParent=T9\n", ValueError, r"bad\.gff3:1:.*T9"),
    "orphan_transcript": ("chr1\tX\ttranscript\t10\t20\t.\t+\t.\tID=T1;Parent=G9\n", ValueError, ":1:.*G9"),
    "bad_coords": ("chr1\tX\tgene\t50\t20\t.\t+\t.\tID=G1\n", ValueError, ":1: start 50 is after end 20"),
    "non_numeric": ("chr1\tX\tgene\t5x\t20\t.\t+\t.\tID=G1\n", ValueError, ":1: non-numeric start '5x'"),
    "unknown_chrom": ("chrQ\tX\tgene\t10\t20\t.\t+\t.\tID=G1\n", ValueError, "unknown chromosome 'chrQ'"),
    "too_few_cols": ("chr1\tX\tgene\t10\n", ValueError, ":1: expected 9"),
    "bad_strand": ("chr1\tX\tgene\t10\t20\t.\t*\t.\tID=G1\n", ValueError, "strand"),
    "bad_biotype": ("chr1\tX\tgene\t10\t20\t.\t+\t.\tID=G1;gene_type=x\n", ValueError, "biotype 'x'"),
    "cds_outside_exon": (
        "chr1\tX\tgene\t10\t200\t.\t+\t.\tID=G\nchr1\tX\ttranscript\t10\t200\t.\t+\t.\tID=T;Parent=G\n"
        "chr1\tX\texon\t10\t50\t.\t+\t.\tParent=T\nchr1\tX\tCDS\t40\t60\t.\t+\t0\tParent=T\n",
        ValueError,
        ":4: CDS 40-60 of transcript T does not lie in an exon",
    ),
    "utr_between_cds": (
        "chr1\tX\tgene\t10\t200\t.\t+\t.\tID=G\nchr1\tX\ttranscript\t10\t200\t.\t+\t.\tID=T;Parent=G\n"
        "chr1\tX\texon\t10\t30\t.\t+\t.\tParent=T\nchr1\tX\texon\t40\t100\t.\t+\t.\tParent=T\n"
        "chr1\tX\tCDS\t20\t30\t.\t+\t0\tParent=T\nchr1\tX\tCDS\t70\t80\t.\t+\t0\tParent=T\n"
        "chr1\tX\tUTR\t40\t45\t.\t+\t.\tParent=T\n",
        ValueError,
        ":7: UTR 40-45 of transcript T lies between CDS pieces",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_names_file_and_line_and_leaves_no_file(hs, data_dir, tmp_path, name):
    text, exc, pattern = BAD[name]
    path = write(str(tmp_path / "bad.gff3"), "##gff-version 3\n" * 0 + text)
    out = os.path.join(data_dir, f"anno_bad_{name}")
    with pytest.raises(exc, match=pattern):
        gk.GenomeAnnotation.build_gencode(path, out, hs)
    assert not [n for n in os.listdir(data_dir) if n.startswith(f"anno_bad_{name}")]


def test_unknown_biotypes_can_be_kept(hs, data_dir, tmp_path):
    path = write(str(tmp_path / "bt.gff3"), "chr1\tX\tgene\t10\t20\t.\t+\t.\tID=G1;gene_type=novel_thing\n")
    gk.GenomeAnnotation.build_gencode(
        path, os.path.join(data_dir, "anno_bt"), hs, allow_unknown_biotypes=True
    )
    assert gk.Genome("anno_bt").genes[0].type == "novel_thing"


def test_truncated_gzip_and_missing_file(hs, data_dir, tmp_path):
    with open(os.path.join(DATA, "gencode_human.gtf.gz"), "rb") as f:
        data = f.read()
    path = str(tmp_path / "trunc.gtf.gz")
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])
    with pytest.raises(OSError, match="trunc.gtf.gz"):
        gk.GenomeAnnotation.build_gencode(path, os.path.join(data_dir, "anno_trunc"), hs)
    assert not os.path.exists(os.path.join(data_dir, "anno_trunc.gkanno"))
    with pytest.raises(OSError):
        gk.GenomeAnnotation.build_gencode(str(tmp_path / "absent.gff3"), os.path.join(data_dir, "x"), hs)
    with pytest.raises(TypeError):
        gk.GenomeAnnotation.build_gencode(path, os.path.join(data_dir, "x"), "anno_hs")


EXON_IDS = [
    "ENSE00001234567.12",  # GENCODE: stored as a number (prefix, width, version)
    "ENSE00001234568",  # Ensembl, no version: another format
    "ENSE0000000000000000042.3",  # wider than 19 digits: text
    "exon-NM_000014.6-1",  # RefSeq-style: text
    "E7.01",  # a version with a leading zero would not come back: text
    "000123",  # digits only, leading zeros kept
    "X9.4096",  # version past 12 bits: text
    "ENSE99999999999.1",  # 11 digits at their largest
    "Ü9.1",  # UTF-8 prefix
]


def test_exon_ids_round_trip(hs, data_dir, tmp_path):
    """Exon ids are stored as numbers where they have a numeric form and as text otherwise (id_code.h):
    every spelling comes back as written."""
    lines = ["##gff-version 3", "chr1\tX\tgene\t1\t5000\t.\t+\t.\tID=G;gene_type=protein_coding"]
    lines.append("chr1\tX\ttranscript\t1\t5000\t.\t+\t.\tID=T;Parent=G;transcript_type=protein_coding")
    for k, eid in enumerate(EXON_IDS):
        lines.append(f"chr1\tX\texon\t{100 * k + 1}\t{100 * k + 50}\t.\t+\t.\tParent=T;exon_id={eid}")
    lines.append("chr1\tX\texon\t4001\t4050\t.\t+\t.\tParent=T")  # no id
    path = write(str(tmp_path / "ids.gff3"), "\n".join(lines) + "\n")
    gk.GenomeAnnotation.build_gencode(path, os.path.join(data_dir, "anno_ids"), hs)
    exons = gk.Genome("anno_ids").exons
    assert [e.id for e in exons] == EXON_IDS + [None]
    assert exons._columns()["id"] == EXON_IDS + [None]
    with open(exons[0].annotation_genome.annotation.filename, "rb") as f:
        blob = f.read()
    assert b"ENSE00001234567" not in blob and b"exon-NM_000014.6-1\0" in blob
    introns = gk.Genome("anno_ids").introns
    assert [(x.start, x.end, x.index) for x in introns][:2] == [(50, 100, 0), (150, 200, 1)]


def test_version_2_file_is_refused(syn, tmp_path):
    with open(syn.annotation.filename, "rb") as f:
        blob = f.read()
    old = str(tmp_path / "old.gkanno")
    with open(old, "wb") as f:
        f.write(blob[:8] + b"\x02\x00\x00\x00" + blob[12:])
    with pytest.raises(OSError, match="old.gkanno is a version 2 annotation file.*rebuild"):
        gk.GenomeAnnotation(old, "anno_hs")


def test_corrupt_file_is_rejected(gencode, tmp_path):
    src = gencode.annotation.filename
    with open(src, "rb") as f:
        blob = f.read()
    bad = str(tmp_path / "short.gkanno")
    with open(bad, "wb") as f:
        f.write(blob[: len(blob) - 8])
    with pytest.raises(OSError, match="truncated|header records"):
        gk.GenomeAnnotation(bad, "anno_hs")
    wrong = str(tmp_path / "wrong.gkanno")
    with open(wrong, "wb") as f:
        f.write(blob[:8] + b"\x63\x00\x00\x00" + blob[12:])
    with pytest.raises(OSError, match="version"):
        gk.GenomeAnnotation(wrong, "anno_hs")


# --- NCBI and UCSC ------------------------------------------------------------------------------

NCBI = """##gff-version 3
chr2\tRefSeq\tregion\t1\t100000\t.\t+\t.\tID=chr2:1..100000
chr2\tBestRefSeq\tmRNA\t1001\t3000\t.\t+\t.\tID=rna-NM_1.1;Parent=gene-A;transcript_id=NM_1.1
chr2\tBestRefSeq\tgene\t1001\t3000\t.\t+\t.\tID=gene-A;Dbxref=GeneID:11,HGNC:1;gene=AAA;gene_biotype=protein_coding
chr2\tBestRefSeq\texon\t1001\t1200\t.\t+\t.\tParent=rna-NM_1.1
chr2\tBestRefSeq\texon\t2001\t3000\t.\t+\t.\tParent=rna-NM_1.1
chr2\tBestRefSeq\tCDS\t1101\t1200\t.\t+\t0\tParent=rna-NM_1.1;protein_id=NP_1.1;product=protein%2C one
chr2\tBestRefSeq\tCDS\t2001\t2500\t.\t+\t2\tParent=rna-NM_1.1;protein_id=NP_1.1
chr2\tGnomon\tgene\t5001\t9000\t.\t-\t.\tID=gene-B;Dbxref=GeneID:22;gene=BBB;gene_biotype=protein_coding
chr2\tGnomon\tmRNA\t5001\t9000\t.\t-\t.\tID=rna-XM_2.1;Parent=gene-B;transcript_id=XM_2.1
chr2\tGnomon\texon\t8001\t9000\t.\t-\t.\tParent=rna-XM_2.1
chr2\tGnomon\texon\t5001\t6000\t.\t-\t.\tParent=rna-XM_2.1
chr2\tGnomon\tCDS\t8001\t8500\t.\t-\t0\tParent=rna-XM_2.1
chr2\tGnomon\tCDS\t8400\t8600\t.\t-\t0\tParent=rna-XM_2.1
chr2\tGnomon\tmRNA\t5001\t9000\t.\t-\t.\tID=rna-dropped;Parent=gene-B
"""


def test_ncbi_refseq(hs, data_dir, tmp_path):
    paths = gk.GenomeAnnotation.build_ncbi_refseq(
        write(str(tmp_path / "n.gff3"), NCBI), os.path.join(data_dir, "anno_ncbi"), hs
    )
    assert os.path.basename(paths[1]) == "anno_ncbi.cfg"
    g = gk.Genome("anno_ncbi")
    assert [repr(x) for x in g.genes] == ["<Gene 11 (AAA)>", "<Gene 22 (BBB)>"]
    a, b = g.transcripts
    assert (a.type, a.level, a.tsl, a.protein_id, a.product) == (
        "protein_coding",
        2,
        None,
        "NP_1.1",
        "protein, one",
    )
    assert [(u.start, u.end) for u in a.utr5s] == [(1000, 1100)] and [(u.start, u.end) for u in a.utr3s] == [
        (2500, 3000)
    ]
    # a programmed frameshift (two CDS pieces in one exon) leaves the transcript without CDS or UTRs
    assert b.level == 3 and b.cdss == [] and b.utr5s == [] and [e.start for e in b.exons] == [8000, 5000]


def test_ucsc_refseq(hs, data_dir, tmp_path):
    d = tmp_path / "ucsc"
    d.mkdir()
    rows = [
        "1\tNM_5\tchr1\t-\t1000\t5000\t1200\t4500\t2\t1000,4000,\t2000,5000,\t0\tX\tcmpl\tcmpl\t0,0,",
        "1\tNR_6\tchr1\t+\t300000\t301000\t301000\t301000\t1\t300000,\t301000,\t0\tX\tunk\tunk\t-1,",
        "1\tNM_7\tchr1\t-\t1500\t5000\t1600\t4000\t1\t1500,\t5000,\t0\tX\tcmpl\tcmpl\t0,",
    ]
    write(str(d / "refGene.txt"), "\n".join(rows) + "\n")
    with gzip.open(d / "refLink.txt.gz", "wt") as f:
        f.write(
            "X\tprot five\tNM_5\tNP_5\t0\t0\t77\t0\nX\t\tNR_6\t\t0\t0\t77\t0\nX\tp7\tNM_7\tNP_7\t0\t0\t77\t0\n"  # noqa: E501
        )
    gk.GenomeAnnotation.build_ucsc_refseq(str(d), os.path.join(data_dir, "anno_ucsc"), hs)
    g = gk.Genome("anno_ucsc")
    # one Entrez id, two loci more than 200 kb apart: two genes with the same id
    # (sorted by chromosome, strand, start: '+' first)
    assert [(repr(x), x.start, x.end) for x in g.genes] == [
        ("<Gene 77 (X)>", 300000, 301000),
        ("<Gene 77 (X)>", 1000, 5000),
    ]
    t5 = g.transcripts["NM_5"]
    assert [(e.start, e.end) for e in t5.exons] == [(4000, 5000), (1000, 2000)]
    assert [(c.start, c.end, c.phase) for c in t5.cdss] == [(4000, 4500, 0), (1200, 2000, 1)]
    assert [(u.start, u.end) for u in t5.utr5s] == [(4500, 5000)] and [
        (u.start, u.end) for u in t5.utr3s
    ] == [(1000, 1200)]
    assert (t5.protein_id, t5.product, t5.type) == ("NP_5", "prot five", "protein_coding")
    t6 = g.transcripts["NR_6"]
    assert (t6.type, t6.protein_id, t6.product, t6.cdss) == ("non_coding", None, None, [])


# --- export and helpers -------------------------------------------------------------------------


def test_to_pandas(gencode):
    pytest.importorskip("pandas")
    df = gencode.transcripts.to_pandas()
    assert len(df) == len(gencode.transcripts)
    t = gencode.transcripts[5]
    row = df.iloc[5]
    assert (row["id"], row["chromosome"], row["strand"], row["start"], row["end"]) == (
        t.id,
        t.chromosome,
        t.strand,
        t.start,
        t.end,
    )
    assert row["gene_id"] == t.gene.id and row["num_exons"] == len(t.exons)
    for tb in TABLES:
        assert len(getattr(gencode, tb).to_pandas()) == len(getattr(gencode, tb))


def test_to_arrow(gencode):
    pytest.importorskip("pyarrow")
    assert gencode.exons.to_arrow().num_rows == len(gencode.exons)


def test_protein_coding_and_longest(gencode):
    pc = filter_protein_coding(gencode.transcripts)
    assert pc and all(t.type == "protein_coding" and t.cdss for t in pc)
    assert len(filter_protein_coding(gencode.genes)) == len(pc)
    for gene in gencode.genes:
        best = longest_transcript(gene)
        if gene.transcripts:
            assert sum(len(e) for e in best.exons) == max(
                sum(len(e) for e in t.exons) for t in gene.transcripts
            )
        else:
            assert best is None


def test_conformance_gff3_if_available(shared_dir, data_dir):
    """The reference's own test GFF3 builds (read from ../shared; skipped when absent)."""
    src = os.path.join(shared_dir, "conformance", "data")
    if not os.path.isdir(src):
        pytest.skip("conformance data not available")
    sizes = os.path.join(src, "hg19.mini.chrom.sizes")
    with open(sizes) as f:
        write(os.path.join(data_dir, "anno_hg19mini.chrom.sizes"), f.read())
    gk.GenomeAnnotation.build_gencode(
        os.path.join(src, "gencode.v47lift37.annotation.gff3"),
        os.path.join(data_dir, "anno_v47"),
        gk.Genome("anno_hg19mini"),
    )
    g = gk.Genome("anno_v47")
    assert len(g.genes) > 0 and all(t.gene.transcripts for t in g.transcripts)


def test_gtf_transcript_tags_are_kept(gencode):
    """GTF repeats `tag "x";` once per tag: all of them are kept, in file order (read back here)."""
    import gzip

    want = {}
    with gzip.open(os.path.join(DATA, "gencode_human.gtf.gz"), "rt") as f:
        for line in f:
            cols = line.split("\t")
            if len(cols) > 8 and cols[2] == "transcript":
                items = [x.strip().split(" ", 1) for x in cols[8].split(";") if x.strip()]
                tid = next(v.strip('"') for k, v in items if k == "transcript_id")
                want[tid] = [v.strip('"') for k, v in items if k == "tag"]
    assert {t.id: t.tags for t in gencode.transcripts} == want
    assert any(len(tags) > 1 for tags in want.values())
