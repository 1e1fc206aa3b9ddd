"""Valid VCF records other tools write, which the converter used to reject, read as cyvcf2
(htslib) reads them; records it cannot store follow the per-record policy."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from vcf_util import HEADER, row, write_vcf

from genome_kit import VCFTable

EXTRA = """##INFO=<ID=XS,Number=.,Type=Float,Description="Any number of floats">\t \x20
##FORMAT=<ID=XR,Number=.,Type=Integer,Description="Any number of ints">
##FORMAT=<ID=FT,Number=1,Type=String,Description="Filter">
##INFO=<ID=BLOCK,Number=0,Type=Flag,Description="with trailing whitespace"> \x20
"""
HEADER2 = HEADER.replace("#CHROM", EXTRA + "#CHROM")


@pytest.fixture
def build(tmp_path, tiny):
    def run(rows, header=HEADER2, **kw):
        path = write_vcf(tmp_path, "a.vcf", rows, header)
        return path, VCFTable.from_vcf(path, tiny, cache=False, **kw)

    return run


_READERS = []  # cyvcf2 variants read the memory of their open reader


def _cyvcf2(path):
    cyvcf2 = pytest.importorskip("cyvcf2")
    _READERS.append(cyvcf2.VCF(path))
    return list(_READERS[-1])


def test_haploid_number_g_and_number_r_on_alt_dot(build):
    rows = [
        row(3, "C", "G", fmt="GT:GL", s1="1:-0.1,-2.5", s2="0/1:-1,-0.2,-3"),  # haploid: 2 values
        row(4, "C", ".", info="RC=7", fmt="GT:AD", s1="0:9", s2="0/0:4"),  # R on ALT ".": 1 value
    ]
    with pytest.warns(UserWarning, match="ancestral allele"):
        path, t = build(rows, info_ids=["RC"], fmt_ids=["GT", "GL", "AD"], ancestral="warn")
    assert np.allclose(t.format("GL")[0], [[-0.1, -2.5, 0], [-1, -0.2, -3]])
    assert t.format("GT")[0].tolist() == [VCFTable.GT_HOMOZYGOUS_ALT, VCFTable.GT_HETEROZYGOUS_UNPHASED]
    assert t.info("RC")[1].tolist() == [7, 0] and t.format("AD")[1].tolist() == [[9, 0], [4, 0]]
    gl = _cyvcf2(path)[0].format("GL")
    assert np.allclose(gl[0, :2], t.format("GL")[0, 0, :2]) and np.allclose(gl[1], t.format("GL")[0, 1])


def test_split_haploid_number_g(build):
    rec = row(3, "C", "G,T", fmt="GT:GL", s1="2:-1,-2,-3", s2="0/2:1,2,3,4,5,6")
    _, t = build([rec], fmt_ids=["GT", "GL"])
    assert [str(v) for v in t] == ["chr2:3:C:G", "chr2:3:C:T"]
    assert t.format("GL")[:, 0].tolist() == [[-1, -2, 0], [-1, -3, 0]]  # alleles 0 and a
    assert t.format("GL")[:, 1].tolist() == [[1, 2, 3], [1, 4, 6]]  # genotypes 0/0, 0/a, a/a


@pytest.mark.parametrize(
    "gt,code",
    [
        ("0/0/0", 0),
        ("1/1/1/1", 2),
        ("0/1/1", 1),
        ("0|1|0", 1),
        ("./././.", 3),
        ("0/./1", 3),
        ("1", 2),
        ("0|1", 4),
    ],
)
def test_polyploid_gt(build, gt, code):
    path, t = build([row(3, "C", "G", s1=gt)], fmt_ids=["GT"])
    assert t.format("GT")[0, 0] == code
    cyvcf2 = pytest.importorskip("cyvcf2")
    v = next(iter(cyvcf2.VCF(path)))
    cy = v.gt_types[0]  # cyvcf2: 0 hom-ref, 1 het, 2 unknown, 3 hom-alt
    if gt != "0/./1":  # cyvcf2 calls this half-missing triploid hom-ref; we follow the diploid rule (unknown)
        assert [0, 1, 3, 2, 1, 1][code] == cy


def test_repeated_format_key_first_wins_as_htslib(build):
    path, t = build([row(3, "C", "G", fmt="GT:GT:DP", s1="0/1:1/1:5", s2="1:0:3")], fmt_ids=["GT", "DP"])
    assert t.format("GT")[0].tolist() == [1, 2] and t.format("DP")[0].tolist() == [5, 3]
    cyvcf2 = pytest.importorskip("cyvcf2")
    v = next(iter(cyvcf2.VCF(path)))
    assert v.gt_types.tolist() == [1, 3]


def test_number_dot_numbers_and_string_format_fields(build):
    rows = [
        row(3, "C", "G", info="XS=0.5,1.5,2.5;BLOCK", fmt="GT:FT:XR", s1="0/1:PASS:1,2,3", s2="1:lowq:4"),
        row(4, "C", "T", info="XS=.", fmt="GT:XR", s1="0/1:.", s2="0/0:7,.,9"),
        row(5, "T", "A,C", info="XS=1", fmt="GT:FT", s1="1/2:q10;dp", s2="0/0:."),
    ]
    path, t = build(rows, info_ids=["XS", "BLOCK"], fmt_ids=["GT", "FT", "XR"])
    xs = t.info("XS")
    assert xs.dtype == object and [a.tolist() for a in xs] == [[0.5, 1.5, 2.5], [], [1.0], [1.0]]
    assert xs[0].base is not None and not xs[0].flags.writeable  # zero-copy views of the file
    assert t.info("BLOCK").tolist() == [True, False, False, False]
    assert t.format("FT").shape == (4, 2) and t.format("FT").tolist() == [
        ["PASS", "lowq"],
        ["", ""],
        ["q10;dp", ""],
        ["q10;dp", ""],
    ]
    assert [[x.tolist() for x in r] for r in t.format("XR")] == [
        [[1, 2, 3], [4]],
        [[], [7, 0, 9]],
        [[], []],
        [[], []],
    ]
    assert t[0].XS == (0.5, 1.5, 2.5) and t[0].FT == "PASS" and t[1].XR == ()
    assert t.masked([0, 2]).format("FT").tolist() == [["PASS", "lowq"], ["q10;dp", ""]]
    cy = _cyvcf2(path)
    assert np.allclose(cy[0].INFO["XS"], xs[0]) and cy[0].format("FT").tolist() == ["PASS", "lowq"]
    assert cy[0].format("XR")[0].tolist() == t.format("XR")[0, 0].tolist()


def test_gvcf_reference_blocks_and_unspecified_alleles(build):
    rows = [
        row(3, "C", "<NON_REF>", info="END=10", fmt="GT:DP", s1="0/0:12", s2="0/0:9"),
        row(11, "G", "C,<NON_REF>", fmt="GT:DP", s1="0/1:20", s2="1/1:18"),
        row(12, "T", "<*>", fmt="GT:DP", s1="0/0:3", s2="./.:."),  # no END: spans REF
        row(13, "AA", "A,*", fmt="GT:DP", s1="1/2:3", s2="0/0:1"),
    ]
    _, t = build(rows, fmt_ids=["GT", "DP"])
    assert [(v.start, v.end, v.ref, v.alt) for v in t] == [
        (2, 10, "C", "<NON_REF>"),
        (10, 11, "G", "C"),
        (10, 11, "G", "<NON_REF>"),
        (11, 12, "T", "<*>"),
        (12, 13, "A", ""),
        (12, 14, "AA", "*"),
    ]
    assert t.format("DP")[:, 0].tolist() == [12, 20, 20, 3, 3, 3]


def test_keep_policy_keeps_what_is_representable(build):
    rows = [
        row(3, "C", "G", info="DP=abc;AF=0.5"),  # bad value: the field's default
        row(4, "C", "A", info="AF=0.25", s1="0/7"),  # bad GT: unknown
        row(5, "T", "<CNV>"),  # no length: spans REF
        row(6, "T", "C", chrom="chrX"),  # unknown chromosome: skipped even so
    ]
    with pytest.warns(UserWarning) as record:
        _, t = build(rows, info_ids=["DP", "AF"], fmt_ids=["GT"], unsupported="keep")
    messages = " | ".join(str(w.message) for w in record)
    assert "3 record(s) kept without their unsupported part" in messages and "a.vcf:29: INFO DP" in messages
    assert "1 record(s) skipped" in messages and "a.vcf:32: Contig not found" in messages
    assert t.info("DP").tolist() == [0, 0, 0] and t.info("AF").tolist() == [0.5, 0.25, 0]
    assert t.format("GT")[:, 0].tolist() == [1, 3, 1]
    assert (t[2].start, t[2].end, t[2].alt) == (5, 5, "<CNV>")


def test_a_file_whose_every_record_is_rejected_raises(build):
    with pytest.raises(
        ValueError, match=r"every record \(2\) was rejected; the first: .*a\.vcf:29: Contig not found"
    ):
        build([row(3, "C", "G", chrom="chrX"), row(4, "C", "G", chrom="chrY")])


def test_masked_view_closes_alone(build):
    _, t = build([row(3, "C", "G", info="DP=4"), row(4, "C", "T", info="DP=5")], info_ids=["DP"])
    m = t.masked([1])
    v = m[0]
    m.close()
    assert len(t) == 2 and t[1].DP == 5 and t.info("DP").tolist() == [4, 5]  # the table stays open
    for read in (len, lambda x: x.info("DP"), lambda x: x[0]):
        with pytest.raises(OSError, match="closed"):
            read(m)
    with pytest.raises(OSError, match="closed"):
        _ = v.start


def test_unwritable_vcf_folder_uses_the_cache_folder(tmp_path, tiny, monkeypatch):
    if os.geteuid() == 0:  # root writes anywhere: make the folder look read-only to the access check
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK and real_access(p, mode))
    folder = tmp_path / "ro"
    folder.mkdir()
    path = write_vcf(folder, "x.vcf", [row(3, "C", "G")])
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    try:
        with pytest.warns(
            UserWarning, match=r"is not writable: the converted table of .*x\.vcf goes to .*cache"
        ):
            t = VCFTable.from_vcf(path, tiny)
        assert t.filename.startswith(str(tmp_path / "cache")) and len(t) == 1
    finally:
        folder.chmod(stat.S_IRWXU)
