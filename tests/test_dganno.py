"""GenomeKit's prebuilt annotations (.v22.dganno) opened through the GenomeAnnotation API.

The real files are GenomeKit's own test data in ../shared/conformance/data (never
committed here): each is compared row by row with genome_kit's build of the same
GFF3 / UCSC source, and corrupted copies must raise OSError naming the file.
"""

from __future__ import annotations

import os
import random
import shutil

import pytest

import genome_kit as gk

# config → (assembly, builder, source) as GenomeKit built them
CONFIGS = {
    "gencode.v29.mini": ("hg38.p12.mini", "build_gencode", "gencode.v29.annotation.gff3"),
    "gencode.v29lift37.mini": ("hg19.p13.plusMT.mini", "build_gencode", "gencode.v29lift37.annotation.gff3"),
    "gencode.v41.mini": ("hg38.p13.mini", "build_gencode", "gencode.v41.annotation.gff3"),
    "gencode.v47lift37.mini": ("hg19.mini", "build_gencode", "gencode.v47lift37.annotation.gff3"),
    "ncbi_refseq.hg38.p14_RS_2024_08.mini": (
        "hg38.p14.mini",
        "build_ncbi_refseq",
        "ncbi_refseq.hg38.p14_RS_2024_08.annotation.gff3",
    ),
    "ucsc_refseq.2017-06-25.mini": ("hg19.mini", "build_ucsc_refseq", "hg19.ucsc_refseq.2017-06-25"),
}


@pytest.fixture(scope="module")
def conformance(shared_dir, data_dir):
    """The conformance data's assemblies and .dganno files, linked into the session data dir."""
    src = os.path.join(shared_dir, "conformance", "data")
    if not os.path.isdir(src):
        pytest.skip("conformance data not available")
    for name in os.listdir(src):
        if name.endswith((".chrom.sizes", ".chromAlias.txt", ".2bit", ".v22.dganno", ".cfg", ".pkl")):
            dst = os.path.join(data_dir, name)
            if not os.path.exists(dst):
                os.symlink(os.path.join(src, name), dst)
    return src


# genome_kit keeps biotypes as the source spells them; GenomeKit stores its list's spelling
GENOMEKIT_SPELLING = {"lncRNA": "lnc_RNA"}


def bt(t):
    return GENOMEKIT_SPELLING.get(t, t)


def rows_of(table):
    return [repr(x) for x in table]


def gene_fields(g):
    return (g.chromosome, g.strand, g.start, g.end, g.id, g.name, bt(g.type), g.level, len(g.transcripts))


def tran_fields(t):
    return (
        t.chromosome, t.strand, t.start, t.end, t.id, bt(t.type), t.level, t.tsl, t.ccds_id, t.protein_id,
        t.product, t.gene.id, [(e.start, e.end, e.id) for e in t.exons],
        [(i.start, i.end) for i in t.introns],
        [(c.start, c.end, c.phase, c.exon.index) for c in t.cdss],
        [(u.start, u.end, u.exon.index) for u in t.utr5s], [(u.start, u.end, u.exon.index) for u in t.utr3s],
    )  # fmt: skip


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_dganno_matches_our_build_of_the_same_source(conformance, data_dir, config):
    refg, builder, source = CONFIGS[config]
    dg = gk.Genome(config)
    assert dg.annotation.filename.endswith(f"{config}.v22.dganno")
    built_name = os.path.join(data_dir, f"built.{config}")
    getattr(gk.GenomeAnnotation, builder)(os.path.join(conformance, source), built_name, gk.Genome(refg))
    ours = gk.Genome(f"built.{config}")
    assert ours.annotation.filename.endswith(".gkanno")
    for table in ("genes", "transcripts", "exons", "introns", "cdss", "utr5s", "utr3s"):
        assert rows_of(getattr(dg, table)) == rows_of(getattr(ours, table)), table
    assert [gene_fields(g) for g in dg.genes] == [gene_fields(g) for g in ours.genes]
    assert [tran_fields(t) for t in dg.transcripts] == [tran_fields(t) for t in ours.transcripts]
    # positional queries give the same rows in the same order
    for t in list(dg.transcripts)[::7]:
        q = t.expand(100, 100)
        for table in ("genes", "transcripts", "exons", "cdss"):
            for method in ("find_overlapping", "find_within", "find_5p_within", "find_3p_aligned"):
                got = getattr(getattr(dg, table), method)(q)
                want = getattr(getattr(ours, table), method)(q)
                assert rows_of(got) == rows_of(want), (table, method)


def test_dganno_ids_navigation_and_batch(conformance):
    g = gk.Genome("gencode.v41.mini")
    t = g.transcripts["ENST00000233331.12"]
    assert t is not None and t.gene.name == "INO80B"
    assert g.transcripts["ENST00000233331"] == t  # unversioned prefix
    assert g.genes.first_by_name("INO80B") == t.gene
    e = t.exons[1]
    assert e.prev_exon == t.exons[0] and e.transcript == t
    assert g.transcripts.index_of(t) == list(g.transcripts).index(t)
    offsets, rows = g.exons.find_batch([t, t.exons[0]], "within")
    assert list(rows[offsets[0] : offsets[1]]) == [g.exons.index_of(x) for x in g.exons.find_within(t)]


@pytest.fixture
def v41_copy(conformance, tmp_path, monkeypatch):
    """A copy to damage, converted in memory on every open (no cache between damages)."""
    monkeypatch.setenv("GENOMEKIT_CACHE_DIR", "none")
    path = tmp_path / "copy.v22.dganno"
    shutil.copyfile(os.path.join(conformance, "gencode.v41.mini.v22.dganno"), path)
    return path


def open_anno(path):
    anno = gk.GenomeAnnotation(str(path), "hg38.p13.mini")
    for table in (anno.genes, anno.transcripts, anno.exons, anno.introns, anno.cdss, anno.utr5s, anno.utr3s):
        for row in table:
            repr(row)
    seen = []
    for t in anno.transcripts:
        seen.append(
            (t.gene, t.exons, t.introns, t.cdss, t.utr5s, t.utr3s, t.id, t.ccds_id, t.product, t.type)
        )
        seen.extend((e.cds, e.utr5, e.utr3, e.next_exon, e.prev_intron) for e in t.exons)
    assert len(seen) >= len(anno.transcripts)
    return anno


def test_dganno_opens_directly(v41_copy):
    anno = open_anno(v41_copy)
    assert anno.filename == str(v41_copy)
    assert len(anno.genes) == 4


def test_converted_once_into_the_cache(conformance, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GENOMEKIT_CACHE_DIR", str(cache))
    src = os.path.join(conformance, "gencode.v41.mini.v22.dganno")
    first = gk.GenomeAnnotation(src, "hg38.p13.mini")
    (converted,) = os.listdir(cache)
    assert converted.startswith("gencode.v41.mini.v22.dganno.") and converted.endswith(".gkanno")
    assert first.filename == src  # the file the user named, not the copy
    stamp = os.stat(cache / converted).st_mtime_ns
    again = gk.GenomeAnnotation(src, "hg38.p13.mini")
    assert os.stat(cache / converted).st_mtime_ns == stamp and os.listdir(cache) == [converted]
    assert rows_of(again.transcripts) == rows_of(first.transcripts)
    monkeypatch.setenv("GENOMEKIT_CACHE_DIR", "none")
    assert rows_of(gk.GenomeAnnotation(src, "hg38.p13.mini").exons) == rows_of(first.exons)


def test_dganno_other_version_is_oserror(v41_copy):
    data = bytearray(v41_copy.read_bytes())
    data[2:4] = (21).to_bytes(2, "little")
    v41_copy.write_bytes(bytes(data))
    with pytest.raises(OSError, match=r"copy\.v22\.dganno is a version 21 GenomeKit annotation"):
        gk.GenomeAnnotation(str(v41_copy), "hg38.p13.mini")


def test_truncated_dganno_is_oserror_naming_the_file(v41_copy):
    data = v41_copy.read_bytes()
    for cut in list(range(2, 200, 3)) + list(range(200, len(data), 211)):
        v41_copy.write_bytes(data[:cut])
        with pytest.raises(OSError, match="copy.v22.dganno"):
            open_anno(v41_copy)


def test_corrupt_links_are_oserror(v41_copy):
    data = bytearray(v41_copy.read_bytes())
    # first gene row: 4 (header) + 4 (checkpoint) + 12 (count, size); tran0 at byte 28 of the row
    off = 4 + 4 + 12 + 28
    data[off : off + 4] = (1000).to_bytes(4, "little")
    v41_copy.write_bytes(bytes(data))
    with pytest.raises(OSError, match=r"copy\.v22\.dganno is corrupt.*row 0 of genes"):
        gk.GenomeAnnotation(str(v41_copy), "hg38.p13.mini")


def test_random_byte_damage_never_crashes(v41_copy):
    """Any single damaged byte: the file opens (the damage hit a value) or raises OSError."""
    data = v41_copy.read_bytes()
    rng = random.Random(7)
    for _ in range(300):
        damaged = bytearray(data)
        k = rng.randrange(len(damaged))
        damaged[k] = rng.randrange(256)
        v41_copy.write_bytes(bytes(damaged))
        try:
            open_anno(v41_copy)
        except OSError as e:
            assert "copy.v22.dganno" in str(e)


def test_missing_annotation_names_both_files(conformance, data_dir):
    with open(os.path.join(data_dir, "no_anno_here.cfg"), "w") as f:
        f.write("refg=hg19.mini\n")
    with pytest.raises(FileNotFoundError, match=r"no_anno_here\.gkanno nor no_anno_here\.v22\.dganno"):
        _ = gk.Genome("no_anno_here").genes


# --- APPRIS / MANE tables (GenomeKit's pickles, read without executing code) -----------------------


def test_appris_from_genomekit_table(conformance):
    g = gk.Genome("gencode.v29.mini")
    assert [t.id for t in g.appris_transcripts()][:3] == [
        "ENST00000233331.11",
        "ENST00000452361.5",
        "ENST00000441673.2",
    ]
    mogs = g.genes.first_by_name("MOGS")
    assert [t.id for t in g.appris_transcripts(mogs)] == [t.id for t in g.appris_transcripts(mogs.id)]
    assert [g.appris_principality(t) for t in g.appris_transcripts(mogs)] == sorted(
        g.appris_principality(t) for t in g.appris_transcripts(mogs)
    )
    t = g.transcripts["ENST00000233331.11"]
    assert (g.appris_principality(t), g.appris_principality(t, as_string=True)) == (0, "PRINCIPAL:1")
    no_data = next(t for t in g.transcripts if g.appris_principality(t) is None)
    with pytest.raises(TypeError, match="no APPRIS principality"):
        g.appris_principality(no_data, as_string=True)
    with pytest.raises(gk.ApprisNotAvailableError, match="gencode.v29lift37.mini.v22.dganno"):
        gk.Genome("gencode.v29lift37.mini").appris_transcripts()
    with pytest.raises(ValueError):
        gk.Genome("hg19.mini").appris_transcripts()


def test_mane_from_genomekit_table(conformance):
    g = gk.Genome("gencode.v41.mini")
    select = g.mane_select_transcripts()
    assert [t.id for t in select] == ["ENST00000233331.12", "ENST00000233615.7", "ENST00000448666.7"]
    assert [g.mane_select_transcripts(x.gene) for x in select] == [[x] for x in select]
    assert g.mane_select_transcripts(g.genes.first_by_name("INO80B-WBP1")) == []
    assert all(t.gene == gene for gene in g.genes for t in g.mane_plus_clinical_transcripts(gene))
    with pytest.raises(gk.ManeNotAvailableError, match="gencode.v29.mini"):
        gk.Genome("gencode.v29.mini").mane_select_transcripts()


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_table_that_would_run_code_is_refused(tmp_path):
    from genome_kit.appris_mane import read_table

    path = tmp_path / "evil.pkl"
    path.write_bytes(__import__("pickle").dumps([[_Boom()], [], []]))
    with pytest.raises(OSError, match=r"evil\.pkl is not a readable APPRIS/MANE table: .*system"):
        read_table(str(path), 3)


def test_numpy_tables_are_read(tmp_path):
    import pickle

    import numpy as np

    from genome_kit.appris_mane import read_table

    path = tmp_path / "np.pkl"
    path.write_bytes(pickle.dumps((np.array([1, 2], dtype=np.int64), [np.int64(3), None], [], [])))
    assert read_table(str(path), 4) == [[1, 2], [3, None], [], []]


def test_table_for_another_annotation_is_refused(conformance, data_dir):
    import pickle

    # gencode.v41's MANE table served as gencode.v29's: row numbers point at other genes
    src = os.path.join(conformance, "mane.gencode.v41.mini.v1.pkl")
    with open(src, "rb") as f:
        table = pickle.load(f)
    table[1] = [None, 2, None, 8]  # gene row 1 cannot own transcript row 2 ... or 8
    with open(os.path.join(data_dir, "mane.gencode.v29lift37.mini.v1.pkl"), "wb") as f:
        pickle.dump(table, f)
    with pytest.raises(OSError, match="does not match this annotation"):
        gk.Genome("gencode.v29lift37.mini").mane_select_transcripts()


# --- our own builds keep the source's tags; APPRIS/MANE from them --------------------------------


@pytest.fixture(scope="module")
def tagged(conformance, data_dir):
    """genome_kit builds of GENCODE v41 and NCBI RefSeq (no published APPRIS/MANE tables for these names)."""
    gk.GenomeAnnotation.build_gencode(
        os.path.join(conformance, "gencode.v41.annotation.gff3"),
        os.path.join(data_dir, "tags.gencode41"),
        gk.Genome("hg38.p13.mini"),
    )
    gk.GenomeAnnotation.build_ncbi_refseq(
        os.path.join(conformance, "ncbi_refseq.hg38.p14_RS_2024_08.annotation.gff3"),
        os.path.join(data_dir, "tags.ncbi"),
        gk.Genome("hg38.p14.mini"),
    )
    return gk.Genome("tags.gencode41"), gk.Genome("tags.ncbi")


def gff3_tags(path):
    """transcript id → tag list, read from the GFF3 by this test (independently of the builder)."""
    out = {}
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 9 or cols[2] not in ("transcript", "mRNA", "lnc_RNA"):
                continue
            attrs = dict(kv.split("=", 1) for kv in cols[8].split(";") if "=" in kv)
            tid = attrs.get("transcript_id") or attrs["ID"]
            out[tid] = attrs["tag"].split(",") if "tag" in attrs else []
    return out


def test_transcript_tags_are_kept(conformance, tagged):
    gencode, ncbi = tagged
    want = gff3_tags(os.path.join(conformance, "gencode.v41.annotation.gff3"))
    assert {t.id: t.tags for t in gencode.transcripts} == {t.id: want[t.id] for t in gencode.transcripts}
    assert gencode.transcripts["ENST00000233331.12"].tags == [
        "basic", "Ensembl_canonical", "MANE_Select", "appris_principal_1", "CCDS"
    ]  # fmt: skip
    assert ncbi.transcripts["NM_031288.4"].tags == ["MANE Select"]
    assert gk.Genome("gencode.v41.mini").transcripts[0].tags == []  # .dganno files keep no tags


def test_appris_and_mane_from_tags(tagged):
    gencode, ncbi = tagged
    ino80b = gencode.genes.first_by_name("INO80B")
    tagged_mane = [t for t in gencode.transcripts if "MANE_Select" in t.tags]
    assert gencode.mane_select_transcripts() == tagged_mane
    assert gencode.mane_select_transcripts(ino80b) == [t for t in tagged_mane if t.gene == ino80b]
    assert gencode.mane_plus_clinical_transcripts() == [
        t for t in gencode.transcripts if "MANE_Plus_Clinical" in t.tags
    ]
    assert [t.id for t in ncbi.mane_select_transcripts()] == ["NM_031288.4", "NM_012477.4", "NM_006302.3"]
    t = gencode.transcripts["ENST00000233331.12"]
    assert gencode.appris_principality(t) == 0
    assert gencode.appris_principality(t, as_string=True) == "PRINCIPAL:1"
    for gene in gencode.genes:
        ranks = [gencode.appris_principality(x) for x in gencode.appris_transcripts(gene)]
        assert ranks == sorted(ranks) and None not in ranks
    with pytest.raises(gk.ApprisNotAvailableError):
        ncbi.appris_transcripts()  # NCBI files carry no APPRIS tags


def test_filters_alphagenome_users_apply(tagged):
    from genome_kit.genome_annotation import filter_mane_select, filter_protein_coding, longest_transcripts

    gencode, _ = tagged
    mane = filter_mane_select(gencode.genes)
    assert mane == gencode.mane_select_transcripts()
    assert all(t.type == "protein_coding" and t.cdss for t in filter_protein_coding(gencode.transcripts))
    assert len(longest_transcripts(gencode.genes)) == sum(1 for g in gencode.genes if g.transcripts)
