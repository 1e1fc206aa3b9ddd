"""VCFTable: malformed VCF input and corrupt .vcfbin files give clear errors."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest
from vcf_util import HEADER, HEADER_NO_SAMPLES, row, write_vcf

import genome_kit as gk
from genome_kit import VCFTable


@pytest.fixture
def convert(tmp_path, tiny):
    def run(rows, header=HEADER, **kw):
        path = write_vcf(tmp_path, "bad.vcf", rows, header)
        return VCFTable.from_vcf(path, tiny, cache=False, **kw)

    return run


@pytest.mark.parametrize(
    "line,message",
    [
        ("chr2\t3\t.\tC", "Expected at least 8 tab-separated columns but found 4"),
        (row(3, "C", "G").replace("\t3\t", "\tabc\t"), "invalid POS 'abc'"),
        (row(3, "C", "G").replace("\t3\t", "\t0\t"), "invalid POS '0'"),
        (row(3, "-", "G"), 'Invalid REF "-"'),
        (row(3, "X", "G"), 'Invalid REF "X"'),
        (row(3, "", "G"), 'Invalid REF ""'),
        (row(3, "C", "Z"), 'Invalid ALT "Z"'),
        (row(3, "C", "-"), 'Invalid ALT "-"'),
        (row(3, "C", "C"), "REF and ALT are identical"),
        (row(3, "C", "G", chrom="chr9"), "Contig not found: 'chr9' is not a chromosome"),
        (row(3, "C", "G,T"), "multiallelic record"),
        (row(3, "C", "<DEL>"), "Unsupported symbolic ALT <DEL>: INFO END or SVLEN is required"),
        (
            row(3, "C", "G", chrom="chr2").replace("\t3\t", "\t41\t"),
            r"ends at chr2:41, past the end of chr2 \(40 bp",
        ),
        (row(40, "TAA", "T"), r"ends at chr2:42, past the end of chr2 \(40 bp in tiny\)"),
        (row(3, "C", "<DEL>", info="END=45"), r"ends at chr2:45, past the end of chr2"),
        (row(3, "C", "<DEL>", info="END=2"), "INFO END 2 is before POS 3"),
        (row(3, "C", "<DEL>", info="END=x"), "invalid INFO END 'x'"),
        (row(3, "C", "G", s1="0/1\tEXTRA"), "Expected 2 sample columns as in the #CHROM line, found 3"),
        (row(3, "C", "G", fmt=None), "Expected 11 columns"),
        (row(3, "C", "G", s1="0/5"), "refers to allele 5"),
    ],
)
def test_malformed_records_name_file_and_line(convert, line, message):
    with pytest.raises(ValueError, match=r"bad\.vcf:26: .*" + message):
        convert([row(4, "C", "T"), line], fmt_ids=["GT"], unsupported="error", split_multiallelic=False)
    # The default policy skips the record and says why.
    with pytest.warns(
        UserWarning, match=r"1 record\(s\) skipped \(unsupported='skip'\): .*bad\.vcf:26: .*" + message
    ):
        t = convert([row(4, "C", "T"), line], fmt_ids=["GT"], split_multiallelic=False)
    assert [str(v) for v in t] == ["chr2:4:C:T"]


def test_wrong_sample_count_is_fine_without_format_fields(convert):
    assert len(convert([row(3, "C", "G", s1="0/1\tEXTRA")])) == 1


def test_header_problems(convert, tmp_path, tiny):
    with pytest.raises(ValueError, match="No FORMAT fields can be read: the VCF has no sample columns"):
        convert([row(3, "C", "G", fmt=None)], header=HEADER_NO_SAMPLES, fmt_ids=["GT"])
    assert len(convert([row(3, "C", "G", fmt=None)], header=HEADER_NO_SAMPLES, info_ids=["DP"])) == 1
    with pytest.raises(ValueError, match="no #CHROM header line"):
        convert([], header="##fileformat=VCFv4.2\n")
    with pytest.raises(
        ValueError, match=r"bad\.vcf:2: expected the #CHROM header line before the first record"
    ):
        convert([row(3, "C", "G")], header="##fileformat=VCFv4.2\n")
    with pytest.raises(ValueError, match=r"bad\.vcf:2: meta-information line without an ID"):
        convert([], header="##fileformat=VCFv4.2\n##INFO=<Number=1,Type=Integer>\n#CHROM\tPOS\n")
    with pytest.raises(ValueError, match=r"#CHROM header line has 2 columns"):
        convert([], header="##fileformat=VCFv4.2\n#CHROM\tPOS\n")
    empty = tmp_path / "empty.vcf"
    empty.write_text("")
    with pytest.raises(ValueError, match="no #CHROM header line"):
        VCFTable.from_vcf(str(empty), tiny, cache=False)
    assert not os.path.exists(tmp_path / "empty.vcf.bin")


def test_header_only_vcf_gives_an_empty_table(convert, tiny):
    import genome_kit as gk

    t = convert([], info_ids=["DP"], fmt_ids=["GT"])
    assert len(t) == 0 and t.info("DP").shape == (0,) and t.format("GT").shape == (0, 2)
    assert t.find_overlapping(gk.Interval("chr2", "+", 0, 40, tiny)) == []


# ------------------------------------------------------------------ corrupt binaries


@pytest.fixture
def good_bin(tmp_path, tiny):
    path = write_vcf(tmp_path, "ok.vcf", [row(3, "C", "G", info="NOTE=abc", vid="rs1"), row(5, "T", "TA")])
    t = VCFTable.from_vcf(path, tiny, info_ids=["NOTE", "ID"], fmt_ids=["GT"])
    return t.filename


def _directory(data: bytes):
    counts = struct.unpack_from("<4I", data, 32)
    offsets = struct.unpack_from("<9Q", data, 48)
    return counts, dict(
        zip(
            [
                "refg",
                "chroms",
                "index",
                "rows",
                "alleles",
                "alleles_bytes",
                "columns",
                "samples",
                "provenance",
            ],
            offsets,
            strict=True,
        )
    )


def _patched(tmp_path, src, offset, payload):
    dst = tmp_path / "patched.vcfbin"
    shutil.copy(src, dst)
    with open(dst, "r+b") as f:
        f.seek(offset)
        f.write(payload)
    return str(dst)


def test_missing_and_non_vcfbin_files(tmp_path):
    with pytest.raises(OSError) as e:
        VCFTable(str(tmp_path / "absent.vcfbin"))
    assert type(e.value) is OSError and "absent.vcfbin" in str(e.value)
    text = write_vcf(tmp_path, "plain.vcf", [])
    with pytest.raises(OSError, match="not a genome_kit VCF table"):
        VCFTable(text)


def test_truncated_binary_detected_on_open(tmp_path, good_bin):
    data = Path(good_bin).read_bytes()
    for cut in (10, 40, len(data) // 2, len(data) - 1):
        p = tmp_path / f"cut{cut}.vcfbin"
        p.write_bytes(data[:cut])
        with pytest.raises(OSError):
            VCFTable(str(p))


def test_wrong_version_detected(tmp_path, good_bin):
    p = _patched(tmp_path, good_bin, 8, struct.pack("<I", 99))
    with pytest.raises(OSError, match="version 99"):
        VCFTable(p)


def test_corrupt_rows_detected_when_read(tmp_path, good_bin):
    # Opening does not read the rows (O(1) in their number): a bad row is an OSError once read.
    data = Path(good_bin).read_bytes()
    _, off = _directory(data)
    bad_row_chrom = _patched(tmp_path, good_bin, off["rows"], struct.pack("<i", 5000))
    t = VCFTable(bad_row_chrom)
    assert t[1].start >= 0
    for read in (lambda v: v.start, lambda v: v.interval, repr, lambda v: v.as_variant_string()):
        with pytest.raises(OSError, match="variant row 0 is inconsistent"):
            read(t[0])
    # alleles outside the alleles section (too long to be inline)
    bad_alleles = _patched(tmp_path, good_bin, off["rows"] + 12, struct.pack("<IIIQ", 7, 9, 0, 10**9))
    t = VCFTable(bad_alleles)
    for read in (lambda v: v.ref, lambda v: v.alt, lambda v: gk.Variant.__str__(v)):
        with pytest.raises(OSError, match="variant row 0 is inconsistent"):
            read(t[0])


def test_corrupt_sections_detected_on_open(tmp_path, good_bin):
    data = Path(good_bin).read_bytes()
    _, off = _directory(data)
    bad_index = _patched(tmp_path, good_bin, off["index"] + 4, struct.pack("<I", 7))
    with pytest.raises(OSError):
        VCFTable(bad_index)
    bad_offset = _patched(tmp_path, good_bin, 48 + 8 * 3, struct.pack("<Q", len(data) + 8))
    with pytest.raises(OSError, match="corrupt|truncated|beyond|outside"):
        VCFTable(bad_offset)
    bad_samples = _patched(tmp_path, good_bin, off["samples"], struct.pack("<I", 3))
    with pytest.raises(OSError, match="sample count mismatch"):
        VCFTable(bad_samples)


def test_corrupt_string_column_detected(tmp_path, good_bin):
    data = Path(good_bin).read_bytes()
    _, off = _directory(data)
    desc = off["columns"]
    # First column is ID (INFO columns sorted by id: ID, NOTE); its data offset is at +16 in the descriptor.
    (data_offset,) = struct.unpack_from("<Q", data, desc + 16)
    bad = _patched(tmp_path, good_bin, data_offset + 8 * 2, struct.pack("<Q", 999))
    with pytest.raises(OSError, match="column ID is inconsistent"):
        VCFTable(bad)
