"""Corrupt binary files give an OSError naming the file: one test per defect the
audit of issue 11 found (each failed before its fix), built by patching one
field of a real file at its documented offset (docs/formats.md)."""

from __future__ import annotations

import os
import shutil
import struct

import numpy as np
import pytest

import genome_kit as gk

FASTA = ">chr1\n" + "ACGTTGCA" * 30 + "\n>chr2\n" + "TTGCA" * 40 + "\n"
GFF3 = """##gff-version 3
chr1\tHAVANA\tgene\t2\t200\t.\t+\t.\tID=G1.1;gene_id=G1.1;gene_type=protein_coding;gene_name=ALPHA
chr1\tHAVANA\ttranscript\t2\t200\t.\t+\t.\tID=T1.1;Parent=G1.1;transcript_type=protein_coding
chr1\tHAVANA\texon\t2\t40\t.\t+\t.\tParent=T1.1;exon_id=E1.1;exon_number=1
chr1\tHAVANA\texon\t61\t100\t.\t+\t.\tParent=T1.1;exon_id=E2.1;exon_number=2
chr1\tHAVANA\texon\t141\t200\t.\t+\t.\tParent=T1.1;exon_id=E3.1;exon_number=3
chr1\tHAVANA\tCDS\t21\t40\t.\t+\t0\tParent=T1.1
chr1\tHAVANA\tCDS\t61\t100\t.\t+\t2\tParent=T1.1
chr1\tHAVANA\tCDS\t141\t150\t.\t+\t1\tParent=T1.1
"""
VCF = """##fileformat=VCFv4.2
##contig=<ID=chr1>
##INFO=<ID=DP,Number=1,Type=Integer,Description="depth">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
chr1\t5\t.\tT\tG\t.\t.\tDP=3
"""

# .gkanno: AnnoToc at byte 32 (anno.h)
TOC = 32
TOC_ROWS_OFF = TOC + 56  # uint64[7]
TOC_INDEX_OFF = TOC + 112  # uint64[7]
TOC_ID_INDEX_OFF = TOC + 168  # uint64[2]
TOC_ID_INDEX_COUNT = TOC + 184
TOC_CHROMS_OFF = TOC + 216
GENES, TRANS, EXONS, INTRONS = 0, 1, 2, 3
EXON_ROW, EXON_ID = 40, 32  # ExonRow size, offset of its uint64 id code
TRAN_FIRST_CDS, TRAN_NUM_CDSS = 52, 56  # in a 76-byte TranRow
# .vcfbin: directory at byte 32 (vcf_table.h)
VCF_CHROMS_OFF, VCF_COLUMNS_OFF = 32 + 24, 32 + 64
# .gtrack: TrackHeader at byte 32 (track_format.h)
TRACK_REFG_OFF, TRACK_META_OFF = 32 + 56, 32 + 80


def read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def u64(data: bytes, at: int) -> int:
    return struct.unpack_from("<Q", data, at)[0]


def patched(tmp_path, source: str, edits: dict[int, bytes], name: str | None = None) -> str:
    data = bytearray(read(source))
    for at, value in edits.items():
        data[at : at + len(value)] = value
    path = str(tmp_path / (name or os.path.basename(source)))
    with open(path, "wb") as f:
        f.write(data)
    return path


def raises_naming(path: str):
    return pytest.raises(OSError, match=path.replace(".", r"\."))


@pytest.fixture(scope="module")
def corr(data_dir, tmp_path_factory):
    src = tmp_path_factory.mktemp("corr")
    (src / "corr.fa").write_text(FASTA)
    gk.build_assembly(str(src / "corr.fa"), os.path.join(data_dir, "corr"))
    return gk.Genome("corr")


@pytest.fixture(scope="module")
def anno_file(corr, data_dir, tmp_path_factory):
    gff = tmp_path_factory.mktemp("corr_gff") / "a.gff3"
    gff.write_text(GFF3)
    return gk.GenomeAnnotation.build_gencode(str(gff), os.path.join(data_dir, "corr_anno"), corr)[0]


@pytest.fixture
def address_space_limit():
    """Caps this process's address space at 1 GiB above its current size, so an
    allocation sized from a corrupt count fails (MemoryError) instead of being
    lazily granted by overcommit."""
    resource = pytest.importorskip("resource")
    try:
        with open("/proc/self/status") as f:
            vm = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
    except OSError:
        pytest.skip("needs /proc/self/status")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (vm + (1 << 30), hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def open_anno(path: str, genome):
    return gk.GenomeAnnotation(path, genome, "corr_anno")


# --- .gkanno -------------------------------------------------------------------------------------


def test_gkanno_id_index_row_out_of_range(anno_file, corr, tmp_path):
    data = read(anno_file)
    at, count = u64(data, TOC_ID_INDEX_OFF), u64(data, TOC_ID_INDEX_COUNT)
    assert count > 0
    rows = {at + 8 * k + 4: struct.pack("<I", 0x7FFFFFF0) for k in range(count)}  # IdKey.row
    path = patched(tmp_path, anno_file, rows)
    anno = open_anno(path, corr)
    with raises_naming(path):
        anno.genes["G1.1"]
    with raises_naming(path):
        anno.genes.find_by_id("G1")


@pytest.mark.parametrize(
    "field",
    [TOC_ID_INDEX_OFF, TOC_ROWS_OFF + 8 * GENES, TOC_ROWS_OFF + 8 * EXONS],
    ids=["id index", "genes", "exons"],
)
def test_gkanno_misaligned_section(anno_file, corr, tmp_path, field):
    # A section moved off its alignment (still inside the file) would make typed reads misaligned loads:
    # undefined behaviour (UBSan's finding on a fuzzed .gkanno id index). Every typed section is checked.
    data = read(anno_file)
    path = patched(tmp_path, anno_file, {field: struct.pack("<Q", u64(data, field) + 3)})
    with pytest.raises(OSError, match=path.replace(".", r"\.") + ".*not aligned"):
        anno = open_anno(path, corr)
        anno.genes["G1.1"]


def test_gkanno_chrom_table_count_too_large(anno_file, corr, tmp_path, address_space_limit):
    at = u64(read(anno_file), TOC_CHROMS_OFF)
    path = patched(tmp_path, anno_file, {at: struct.pack("<I", 0x80000000)})
    with raises_naming(path):
        open_anno(path, corr)


def test_gkanno_child_count_does_not_wrap(anno_file, corr, tmp_path):
    """first_cds = 2, num_cdss = 0xFFFFFFFF: the last row 2 + n - 1 wraps to 0 in 32 bits."""
    at = u64(read(anno_file), TOC_ROWS_OFF + 8 * TRANS)
    edits = {at + TRAN_FIRST_CDS: struct.pack("<I", 2), at + TRAN_NUM_CDSS: struct.pack("<I", 0xFFFFFFFF)}
    anno = open_anno(patched(tmp_path, anno_file, edits), corr)
    with raises_naming(anno.filename):
        _ = anno.transcripts[0].cdss


def test_gkanno_row_with_end_before_start(anno_file, corr, tmp_path):
    at = u64(read(anno_file), TOC_ROWS_OFF + 8 * GENES)
    anno = open_anno(patched(tmp_path, anno_file, {at + 8: struct.pack("<i", -5)}), corr)
    with raises_naming(anno.filename):
        len(anno.genes[0])
    with raises_naming(anno.filename):
        [g.end for g in anno.genes]


def test_gkanno_intron_link_out_of_range(anno_file, corr, tmp_path):
    """An intron is stored as its 5' exon's row: a link past the exons or to the last one is corrupt."""
    at = u64(read(anno_file), TOC_ROWS_OFF + 8 * INTRONS)
    for bad in (0xFFFFFFF0, 2):  # past the table; the last exon (row 2 of 3)
        path = patched(tmp_path, anno_file, {at: struct.pack("<I", bad)}, f"intron{bad}.gkanno")
        anno = open_anno(path, corr)
        with raises_naming(anno.filename):
            _ = anno.introns[0].start
        with raises_naming(anno.filename):
            _ = anno.introns[0].transcript


@pytest.mark.parametrize(
    "code",
    [(4095 << 52) | 1, (1 << 52) | 10, (5 << 32), 0xFFFFFF00],
    ids=["format", "number", "pool_high_bits", "pool_offset"],
)
def test_gkanno_exon_id_code_out_of_range(anno_file, corr, tmp_path, code):
    at = u64(read(anno_file), TOC_ROWS_OFF + 8 * EXONS)
    anno = open_anno(patched(tmp_path, anno_file, {at + EXON_ID: struct.pack("<Q", code)}), corr)
    with raises_naming(anno.filename):
        _ = anno.exons[0].id


def test_gkanno_index_by3_position_out_of_range(anno_file, corr, tmp_path):
    """The interval index's by-3' list holds positions into the by-5' entries of its key: one past the key's
    count is corrupt (within and 3' queries follow them)."""
    data = read(anno_file)
    at = u64(data, TOC_INDEX_OFF + 8 * EXONS)
    keys, rows = struct.unpack_from("<II", data, at)
    by3 = at + 16 + 32 * keys + 12 * rows
    path = patched(tmp_path, anno_file, {by3 + 4 * k: struct.pack("<I", 0xFFFFFFF0) for k in range(rows)})
    anno = open_anno(path, corr)
    whole = gk.Interval("chr1", "+", 0, 240, corr)
    assert len(anno.exons.find_overlapping(whole)) == 3  # the by-5' list is intact
    exons = anno.exons
    queries = [(exons.find_within, whole), (exons.find_3p_within, whole), (exons.find_3p_aligned, exons[0])]
    for query, iv in queries:
        with raises_naming(path):
            query(iv)


def test_gkanno_string_not_utf8(anno_file, corr, tmp_path):
    data = read(anno_file)
    at = data.index(b"ALPHA\0")
    anno = open_anno(patched(tmp_path, anno_file, {at: b"\xff"}), corr)
    with raises_naming(anno.filename):
        _ = anno.genes[0].name


# --- .2bit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("edit", [{17: b"\xff"}, {16: b"\x09"}], ids=["name_byte", "name_length"])
def test_twobit_mutated_name(corr, tmp_path, edit):
    path = patched(tmp_path, corr.dna.filename, edit, name="corr.2bit")
    with raises_naming(path):
        gk.GenomeDNA(path, "corr")


def test_twobit_from_another_build_is_refused(data_dir, tmp_path):
    """A .2bit beside chrom.sizes of another build (a build killed between its two
    commits, or a stale copy) must not serve sequence for the wrong lengths."""
    (tmp_path / "a.fa").write_text(">chr1\nACGTACGTAC\n")
    (tmp_path / "b.fa").write_text(">chr1\nACGTACGTACGTACGT\n")
    prefix = os.path.join(data_dir, "stale_pair")
    old_2bit = gk.build_assembly(str(tmp_path / "a.fa"), prefix)[0]
    shutil.copy(old_2bit, tmp_path / "old.2bit")
    gk.build_assembly(str(tmp_path / "b.fa"), prefix)
    shutil.copy(tmp_path / "old.2bit", old_2bit)
    with pytest.raises(OSError, match="different builds"):
        gk.Genome("stale_pair").dna(gk.Interval("chr1", "+", 0, 4, "stale_pair"))


# --- .vcfbin -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vcfbin(corr, tmp_path_factory):
    d = tmp_path_factory.mktemp("corr_vcf")
    (d / "a.vcf").write_text(VCF)
    out = str(d / "a.vcfbin")
    gk.VCFTable.build_vcfbin(out, str(d / "a.vcf"), corr, info_ids=["DP"])
    assert gk.VCFTable(out).info("DP").tolist() == [3]
    return out


def test_vcfbin_chrom_table_count_too_large(vcfbin, tmp_path, address_space_limit):
    at = u64(read(vcfbin), VCF_CHROMS_OFF)
    path = patched(tmp_path, vcfbin, {at: struct.pack("<I", 0x80000000)})
    with raises_naming(path):
        gk.VCFTable(path)


def test_vcfbin_column_with_empty_id(vcfbin, tmp_path):
    at = u64(read(vcfbin), VCF_COLUMNS_OFF)
    path = patched(tmp_path, vcfbin, {at + 8: struct.pack("<I", 0)})
    with raises_naming(path):
        gk.VCFTable(path)


def test_vcfbin_reference_genome_unknown(vcfbin, tmp_path):
    data = read(vcfbin)
    at = data.index(b"corr")
    path = patched(tmp_path, vcfbin, {at: b"cxrr"})
    with raises_naming(path):
        gk.VCFTable(path)


# --- .gtrack -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gtrack(corr, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("corr_trk") / "t.gtrack")
    b = gk.GenomeTrackBuilder(path, "f16", "strand_unaware", corr, dim=2)
    b.set_metadata(name=["a", "b"])
    b.set_data(gk.Interval("chr1", "+", 0, 10, corr), np.ones((10, 2), np.float16))
    b.finalize()
    assert gk.GenomeTrack(path).metadata_dict() == {"name": ["a", "b"]}
    return path


@pytest.mark.parametrize("byte", [b"\xff", b"}"], ids=["not_utf8", "not_json"])
def test_gtrack_metadata_corrupt(gtrack, tmp_path, byte):
    at = u64(read(gtrack), TRACK_META_OFF)
    path = patched(tmp_path, gtrack, {at: byte})
    with raises_naming(path):
        gk.GenomeTrack(path).metadata_dict()


def test_gtrack_reference_genome_not_utf8(gtrack, tmp_path):
    at = u64(read(gtrack), TRACK_REFG_OFF)
    path = patched(tmp_path, gtrack, {at: b"\xff"})
    with raises_naming(path):
        gk.GenomeTrack(path)
