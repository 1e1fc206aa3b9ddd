"""Hostile text input: bytes that are not UTF-8 and records past the chromosome end give a
ValueError naming the file and line (never UnicodeDecodeError, MemoryError or a long build)."""

from __future__ import annotations

import pytest

import genome_kit as gk
from genome_kit import GenomeTrackBuilder
from genome_kit.genome_annotation import AnnotationWarning

BAD = b"\xff\xfe"  # never valid in UTF-8
BG, WIG, BED = "set_data_from_bedgraph", "set_data_from_wig", "set_data_from_bed"


def _write(tmp_path, name, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _track(tmp_path, genome, method, path):
    b = GenomeTrackBuilder(str(tmp_path / "out.gtrack"), "f32", "single_stranded", genome)
    b.set_default_value(0)
    getattr(b, method)(path)
    b.finalize()


TRACK_CASES = [
    (
        BG,
        "a.bedGraph",
        b"chr1\t0\t5\t1\nchr" + BAD + b"\t0\t5\t1\n",
        2,
        "unknown chromosome",
    ),
    (BG, "b.bedGraph", b"chr1\t0\t5\t1" + BAD + b"\n", 1, "invalid value"),
    (
        WIG,
        "a.wig",
        b"fixedStep chrom=chr" + BAD + b" start=1 step=1\n1\n",
        1,
        "unknown chromosome",
    ),
    (
        WIG,
        "b.wig",
        b"fixedStep chrom=chr1 start=1 step=1\n1" + BAD + b"\n",
        2,
        "invalid value",
    ),
    (BED, "a.bed", b"chr1\t0\t5\nchr" + BAD + b"\t0\t5\n", 2, "unknown chromosome"),
]


@pytest.mark.parametrize("method,name,data,line,match", TRACK_CASES)
def test_track_text_not_utf8_names_file_and_line(tiny, tmp_path, method, name, data, line, match):
    with pytest.raises(ValueError, match=match) as e:
        _track(tmp_path, tiny, method, _write(tmp_path, name, data))
    assert f"{name}:{line}:" in str(e.value)
    assert "\\xff\\xfe" in str(e.value)  # the offending bytes, escaped


def test_track_free_text_may_hold_any_bytes(tiny, tmp_path):
    # comments, track lines and the BED name column are free text that the importers ignore
    _track(
        tmp_path,
        tiny,
        BG,
        _write(tmp_path, "c.bedGraph", b"track name=" + BAD + b"\n#" + BAD + b"\nchr1\t0\t5\t1\n"),
    )
    _track(tmp_path, tiny, BED, _write(tmp_path, "n.bed", b"chr1\t0\t5\tn" + BAD + b"\t3\n"))


@pytest.mark.parametrize(
    "method,name,data,line",
    [
        (BG, "h.bedGraph", b"chr2\t0\t300000000\t1\n", 1),
        (BG, "i.bedGraph", b"chr1\t0\t5\t1\nchr2\t0\t2147483648\t1\n", 2),
        (BG, "j.bedGraph", b"chr2\t0\t41\t1\n", 1),  # chr2 has 40 bp
        (BED, "h.bed", b"chr1\t0\t5\nchr2\t0\t300000000\n", 2),
        (WIG, "h.wig", b"fixedStep chrom=chr2 start=39 step=1\n1\n1\n1\n", 4),
    ],
)
def test_track_records_past_chromosome_end_rejected(tiny, tmp_path, method, name, data, line):
    with pytest.raises(ValueError, match=r"ends past the end of chr2 \(size 40\)") as e:
        _track(tmp_path, tiny, method, _write(tmp_path, name, data))
    assert f"{name}:{line}:" in str(e.value)


def test_track_record_up_to_chromosome_end_accepted(tiny, tmp_path):
    _track(tmp_path, tiny, BG, _write(tmp_path, "e.bedGraph", b"chr2\t30\t40\t2\n"))
    t = gk.GenomeTrack(str(tmp_path / "out.gtrack"))
    assert t(gk.Interval("chr2", "+", 38, 40, tiny)).ravel().tolist() == [2, 2]


def test_set_data_accepts_float64_with_range_check(tiny, tmp_path):
    import numpy as np

    path = str(tmp_path / "f.gtrack")
    iv = gk.Interval("chr1", "+", 0, 4, tiny)
    b = GenomeTrackBuilder(path, "f32", "single_stranded", tiny)
    with pytest.raises(ValueError, match="float32 range"):
        b.set_data(iv, np.array([1.0, 2.0, 1e300, 0.0]))
    b.set_data(iv, np.array([0.5, -1.0, np.nan, 3.0]))  # float64, numpy's default
    b.finalize()
    out = gk.GenomeTrack(path)(iv).ravel()
    assert out[[0, 1, 3]].tolist() == [0.5, -1.0, 3.0] and np.isnan(out[2])


# ---- FASTA, GFF3/GTF, VCF, chrom.sizes, chromAlias, .cfg: text a parser keeps must be UTF-8 ----


def _not_utf8(excinfo, name: str, line: int, what: str) -> None:
    msg = str(excinfo.value)
    assert f"{name}:{line}: {what} is not UTF-8" in msg, msg
    assert "\\xff\\xfe" in msg  # the offending bytes, escaped


def test_fasta_name_not_utf8(tmp_path):
    path = _write(tmp_path, "n.fa", b">chr1\nACGT\n>chr" + BAD + b"\nACGT\n")
    with pytest.raises(ValueError) as e:
        gk.build_assembly(path, str(tmp_path / "n"))
    _not_utf8(e, "n.fa", 3, "sequence name")
    assert not list(tmp_path.glob("n.2bit*"))


def test_fasta_description_is_free_text(tmp_path):
    path = _write(tmp_path, "d.fa", b">chr1 made by " + BAD + b"\nACGT\n")
    gk.build_assembly(path, str(tmp_path / "d"))
    assert (tmp_path / "d.chrom.sizes").read_text() == "chr1\t4\n"


def test_fasta_name_with_control_character(tmp_path):
    path = _write(tmp_path, "c.fa", b">chr\x01\nACGT\n")
    with pytest.raises(ValueError, match=r"c\.fa:1: sequence name .* holds a control character"):
        gk.build_assembly(path, str(tmp_path / "c"))


GFF3_HEAD = b"##gff-version 3\n"
GFF3_ROWS = (
    b"chr1\tsrc\tgene\t1\t20\t.\t+\t.\tID=g1;Name=NAME;gene_type=protein_coding\n"
    b"chr1\tsrc\ttranscript\t1\t20\t.\t+\t.\tID=t1;Parent=g1;transcript_type=protein_coding\n"
    b"chr1\tsrc\texon\t1\t20\t.\t+\t.\tID=e1;Parent=t1;Note=NOTE\n"
)
GTF_ROW = (
    b'chr1\tsrc\texon\t1\t20\t.\t+\t.\tgene_id "g1"; transcript_id "t1"; gene_name "NAME"; '
    b'gene_type "protein_coding"; transcript_type "protein_coding";\n'
)


def _gff(tiny, tmp_path, name, data):
    path = _write(tmp_path, name, data)
    gk.GenomeAnnotation.build_gencode(path, str(tmp_path / "a"), tiny)
    return gk.GenomeAnnotation(str(tmp_path / "a.gkanno"), tiny)


@pytest.mark.parametrize(
    "name,data,line,what",
    [
        ("raw.gff3", GFF3_HEAD + GFF3_ROWS.replace(b"NAME", b"G" + BAD), 2, "attribute Name"),
        # percent-decoding happens first: %FF%FE are the same two bytes
        ("pct.gff3", GFF3_HEAD + GFF3_ROWS.replace(b"NAME", b"G%FF%FE"), 2, "attribute Name"),
        ("id.gff3", GFF3_HEAD + GFF3_ROWS.replace(b"ID=t1;", b"ID=t" + BAD + b";"), 3, "attribute ID"),
        ("a.gtf", GTF_ROW.replace(b"NAME", b"G" + BAD), 1, "attribute gene_name"),
    ],
)
def test_annotation_value_not_utf8(tiny, tmp_path, name, data, line, what):
    with pytest.raises(ValueError) as e:
        _gff(tiny, tmp_path, name, data)
    _not_utf8(e, name, line, what)
    assert not (tmp_path / "a.gkanno").exists()


def test_annotation_free_text_may_hold_any_bytes(tiny, tmp_path):
    # a Note is not kept; a row of an ignored feature type is reported with its bytes escaped
    data = GFF3_HEAD + GFF3_ROWS.replace(b"NOTE", BAD) + b"chr1\tsrc\tfoo" + BAD + b"\t1\t5\t.\t+\t.\tID=x\n"
    with pytest.warns(AnnotationWarning, match=r"foo\\xff\\xfe"):
        anno = _gff(tiny, tmp_path, "free.gff3", data)
    assert [g.name for g in anno.genes] == ["NAME"]


def test_ucsc_reflink_not_utf8(tiny, tmp_path):
    row = b"0\tNM_1\tchr1\t+\t0\t20\t5\t15\t1\t0,\t20,\t0\tG\tcmpl\tcmpl\t0,\n"
    (tmp_path / "refGene.txt").write_bytes(row)
    (tmp_path / "refLink.txt").write_bytes(b"G" + BAD + b"\tproduct\tNM_1\tNP_1\t0\t0\t1\t0\n")
    with pytest.raises(ValueError) as e:
        gk.GenomeAnnotation.build_ucsc_refseq(str(tmp_path), str(tmp_path / "u"), tiny)
    _not_utf8(e, "refLink.txt", 1, "gene name")


VCF_HEAD = (
    b"##fileformat=VCFv4.2\n"
    b'##INFO=<ID=S,Number=1,Type=String,Description="s">\n'
    b'##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n'
    b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSAMPLE\n"
)
VCF_OK = b"chr2\t2\trs1\tA\tC\t.\tPASS\tS=fine\tGT\t0/1\n"


def _vcf(tiny, tmp_path, data, **kw):
    path = _write(tmp_path, "v.vcf", data)
    out = str(tmp_path / "v.vcfbin")
    gk.VCFTable.build_vcfbin(out, path, tiny, info_ids=["S", "ID"], fmt_ids=["GT"], **kw)
    return gk.VCFTable(out)


def test_vcf_sample_name_not_utf8(tiny, tmp_path):
    with pytest.raises(ValueError) as e:
        _vcf(tiny, tmp_path, VCF_HEAD.replace(b"SAMPLE", b"S" + BAD) + VCF_OK)
    _not_utf8(e, "v.vcf", 4, "sample name")


@pytest.mark.parametrize(
    "record,what",
    [
        (VCF_OK.replace(b"S=fine", b"S=f" + BAD), "INFO S value"),
        (VCF_OK.replace(b"rs1", b"rs" + BAD), "INFO ID value"),
        (VCF_OK.replace(b"\tC\t", b"\t<DUP" + BAD + b">\t"), "ALT"),
    ],
)
def test_vcf_value_not_utf8_follows_record_policy(tiny, tmp_path, record, what):
    data = VCF_HEAD + VCF_OK + record
    with pytest.raises(ValueError) as e:
        _vcf(tiny, tmp_path, data, unsupported="error")
    _not_utf8(e, "v.vcf", 6, what)
    with pytest.warns(UserWarning, match=r"1 record\(s\) skipped .*\\xff\\xfe"):
        assert len(_vcf(tiny, tmp_path, data)) == 1  # the default: the record is skipped
    if what != "ALT":  # a value can be left out; an allele cannot
        with pytest.warns(UserWarning, match="kept without"):
            t = _vcf(tiny, tmp_path, data, unsupported="keep")
        assert len(t) == 2 and getattr(t[1], what.split()[1]) == ""  # left out: the missing value


def test_vcf_contig_not_utf8_is_an_unknown_chromosome(tiny, tmp_path):
    with pytest.warns(UserWarning, match=r"chr\\xff\\xfe.* is not a chromosome"):
        t = _vcf(tiny, tmp_path, VCF_HEAD + VCF_OK + VCF_OK.replace(b"chr2", b"chr" + BAD))
    assert len(t) == 1


@pytest.mark.parametrize(
    "sizes,aliases,bad_file,what",
    [
        (b"chr1\t4\nchr" + BAD + b"\t4\n", b"", "x.chrom.sizes", "chromosome name"),
        (b"chr1\t4\n", b"chr1\t1\nchr2\t" + BAD + b"\n", "x.chromAlias.txt", "alias row"),
    ],
)
def test_chrom_tables_not_utf8(tmp_path, sizes, aliases, bad_file, what):
    from genome_kit import _core

    sizes_path = _write(tmp_path, "x.chrom.sizes", sizes)
    alias_path = _write(tmp_path, "x.chromAlias.txt", aliases) if aliases else ""
    with pytest.raises(ValueError) as e:
        _core._register_assembly(f"notutf8_{bad_file}", sizes_path, alias_path)
    _not_utf8(e, bad_file, 2, what)


def test_cfg_not_utf8(tmp_path):
    from genome_kit._assemblies import read_cfg

    path = _write(tmp_path, "x.cfg", b"# made by me\nrefg=ti" + BAD + b"ny\n")
    with pytest.raises(ValueError, match=r"x\.cfg:2: line is not UTF-8: .*\\xff\\xfe"):
        read_cfg(path)
