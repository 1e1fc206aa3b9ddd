"""Lazy row objects (annotation rows and VCFVariants, src/bindings/fast_rows.h): they hold only
{owner, row} and read everything on access, so every Interval/Variant operation must see the
same value as the plain Interval/Variant, navigation must agree with the row lists, and the
objects' own allocator must survive heavy churn."""

from __future__ import annotations

import gc
import os
import pickle
import weakref

import numpy as np
import pytest
from vcf_util import row

import genome_kit as gk
from genome_kit import VCFTable, VCFVariant

DATA = os.path.join(os.path.dirname(__file__), "data")


@pytest.fixture(scope="module")
def anno(data_dir):
    with open(os.path.join(data_dir, "rows_hs.chrom.sizes"), "w") as f:
        f.write("chr1\t248956422\nchr2\t242193529\n")
    gk.GenomeAnnotation.build_gencode(
        os.path.join(DATA, "gencode_human.gtf.gz"),
        os.path.join(data_dir, "rows_gencode"),
        gk.Genome("rows_hs"),
    )
    return gk.Genome("rows_gencode")


def plain(iv):
    return gk.Interval(iv.chromosome, iv.strand, iv.start, iv.end, iv.reference_genome)


def test_rows_behave_as_their_interval(anno):
    rows = (
        list(anno.genes)[:20] + list(anno.transcripts)[:50] + list(anno.exons)[:200] + list(anno.introns)[:50]
    )
    rows += list(anno.cdss)[:50] + list(anno.utr5s)[:20] + list(anno.utr3s)[:20]
    for r in rows:
        p = plain(r)
        assert isinstance(r, gk.Interval) and r.interval == p and gk.Interval.__repr__(r) == repr(p)
        assert (r.start, r.end, r.strand, r.chromosome, r.chrom) == (
            p.start,
            p.end,
            p.strand,
            p.chromosome,
            p.chrom,
        )
        assert len(r) == len(p) and r.refg == p.refg and r.anchor is None
        assert r.end5 == p.end5 and r.end3 == p.end3 and r.expand(7, 3) == p.expand(7, 3)
        assert r.shift(5) == p.shift(5) and r.as_opposite_strand() == p.as_opposite_strand()
        assert r.as_dna1() == p.as_dna1() and r.as_ucsc() == p.as_ucsc()
        assert r.overlaps(p) and p.overlaps(r) and r.contains(p) and p.within(r) and p in r
        assert r.intersect(p) == p and r.subtract(p) == [] and r.distance(p) == 0.0
        assert gk.Interval.spanning(r, p) == p and (p < r) == (p < p)
        assert hash(r) == hash(r) and r == r and not (r != r)
        assert r != p and p != r  # a row never equals a plain Interval (nor the reverse)
    # rows as query arguments, one at a time and in batches
    exons = list(anno.exons)[:100]
    for e in exons[:20]:
        assert anno.transcripts.find_overlapping(e) == anno.transcripts.find_overlapping(plain(e))
        assert e.transcript in anno.transcripts.find_overlapping(e)
    a, b = anno.transcripts.find_batch(exons), anno.transcripts.find_batch([plain(e) for e in exons])
    assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist()


def test_rows_are_unorderable_and_equal_only_to_the_same_row(anno):
    e0, e1 = anno.exons[0], anno.exons[1]
    assert e0 == anno.exons[0] and e0 != e1 and hash(e0) == hash(anno.exons[0])
    assert e0 != anno.transcripts[0] and e0 != "x" and e0 != 0
    assert len({e0, anno.exons[0], e1}) == 2
    with pytest.raises(TypeError):
        _ = e0 < e1
    reopened = gk.Genome("rows_gencode")  # another open of the same file: equal rows
    assert reopened.exons[5] == anno.exons[5] and hash(reopened.exons[5]) == hash(anno.exons[5])
    assert pickle.loads(pickle.dumps(e1)) == e1
    assert anno.exons.index_of(reopened.exons[7]) == 7


def test_navigation_agrees_with_the_row_lists(anno):
    for t in anno.transcripts:
        ex, intr, cds = t.exons, t.introns, t.cdss
        assert [e.index for e in ex] == list(range(len(ex))) and all(e.transcript == t for e in ex)
        assert [e.next_exon for e in ex] == ex[1:] + [None]
        assert [e.prev_exon for e in ex] == [None] + ex[:-1]
        assert [e.next_intron for e in ex] == intr + [None] and [e.prev_intron for e in ex] == [None] + intr
        assert [x.prev_exon for x in intr] == ex[:-1] and [x.next_exon for x in intr] == ex[1:]
        assert [x.next_intron for x in intr] == (intr[1:] + [None] if intr else [])
        assert [x.prev_intron for x in intr] == ([None] + intr[:-1] if intr else [])
        assert [c.next_cds for c in cds] == (cds[1:] + [None] if cds else [])
        assert [c.prev_cds for c in cds] == ([None] + cds[:-1] if cds else [])
        for u in (t.utr5s, t.utr3s):
            assert [x.next_utr for x in u] == (u[1:] + [None] if u else [])
            assert [x.prev_utr for x in u] == ([None] + u[:-1] if u else [])
            assert all(x.transcript == t and x.exon in ex for x in u)
        assert t.gene.transcripts.count(t) == 1


def test_rows_keep_the_file_alive_and_support_weakrefs(anno):
    g = gk.Genome("rows_gencode")
    exons = g.transcripts[3].exons
    expected = [(e.start, e.end, e.transcript.id) for e in exons]
    del g
    gc.collect()
    assert [(e.start, e.end, e.transcript.id) for e in exons] == expected
    e = exons[0]
    w = weakref.ref(e)
    assert w() is e
    del exons, e
    gc.collect()
    assert w() is None


def test_allocator_churn(anno):
    # Several 2 MiB chunks of row objects made, partly freed, reused and released.
    table = anno.exons
    n = len(table)
    idx = np.arange(300_000, dtype=np.int64) % n
    a = table.rows(idx)
    b = table.rows(idx[::-1])
    del a[::2]
    c = table.rows(idx[:100_000])
    assert [r.start for r in c[:1000]] == [table[i].start for i in idx[:1000].tolist()]
    assert b[0] == table[int(idx[-1])] and b[-1] == table[0]
    del a, b
    d = [table[int(i)] for i in idx[:50_000]]
    assert all(x == y for x, y in zip(c[:50_000], d, strict=True))
    assert sum(r.end - r.start for r in d) == sum(
        table[int(i)].end - table[int(i)].start for i in idx[:50_000]
    )


def test_vcf_variants_behave_as_their_variant(tmp_path, tiny):
    from vcf_util import write_vcf

    rows = [row(3, "C", "G", info="DP=4"), row(4, "CT", "C", info="DP=5"), row(9, "A", "AC", info="DP=6")]
    path = write_vcf(tmp_path, "r.vcf", rows)
    t = VCFTable.from_vcf(path, tiny, info_ids=["DP"], cache=False)
    again = VCFTable(t.filename)  # a second handle on the same file
    for i, v in enumerate(t):
        p = gk.Variant(v.chromosome, v.start, v.ref, v.alt, tiny)
        assert (
            isinstance(v, VCFVariant) and str(v) == str(p) and v.as_variant_string() == p.as_variant_string()
        )
        assert gk.Variant.__repr__(v) == repr(p) and v.interval == p.interval and v.position == p.position
        assert v.contains(p) and v == t[i] and v == again[i] and not (v != again[i])
        assert v != p and p != v and (v == t[(i + 1) % len(t)]) is False
        assert t.index_of(v) == i and again.index_of(v) == i and t.indices_of([v]).tolist() == [i]
        assert v.DP == 4 + i
        with pytest.raises(TypeError):
            _ = v < t[i]
    vg = gk.VariantGenome(tiny, list(t))
    assert vg.dna(gk.Interval("chr2", "+", 0, 12, tiny)) == gk.VariantGenome(
        tiny, [gk.Variant(v.chromosome, v.start, v.ref, v.alt, tiny) for v in t]
    ).dna(gk.Interval("chr2", "+", 0, 12, tiny))
    with pytest.raises(TypeError, match="index_of expects a VCFVariant"):
        t.index_of(gk.Variant("chr2", 2, "C", "G", tiny))
    other = VCFTable.from_vcf(write_vcf(tmp_path, "o.vcf", rows[:1]), tiny, cache=False)
    with pytest.raises(ValueError, match="not a variant of this VCFTable"):
        t.index_of(other[0])


def test_uninitialised_row_objects_raise(anno):
    # Made by __new__ alone (no row): every read is a TypeError, never a crash.
    for cls in (gk.Exon, gk.Transcript, VCFVariant):
        x = cls.__new__(cls)
        for read in (lambda o: o.start, repr, hash, lambda o: gk.Interval.__repr__(o), lambda o: o.end5):
            with pytest.raises(TypeError):
                read(x)
        del x
        gc.collect()


def test_biotypes_come_from_a_shared_cache(anno):
    # gene/transcript .type: a content-keyed cache of str objects (a repeated read is the same object)
    # that never serves the wrong text
    for t in anno.transcripts:
        assert t.type is None or t.type is t.type
    types = [t.type for t in anno.transcripts]
    assert types == [None if t.type is None else "".join(t.type) for t in anno.transcripts]
    assert {g.type for g in anno.genes} >= {"protein_coding"}
