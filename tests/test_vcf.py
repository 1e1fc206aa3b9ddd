"""VCFTable: conversion rules, typed columns, VCFVariant, queries, masks, caching."""

from __future__ import annotations

import gzip
import io
import os
import pickle
import random

import numpy as np
import pytest
from vcf_util import CHR2, HEADER, base, row, write_vcf

import genome_kit as gk
from genome_kit import VCFTable, VCFVariant

FIELDS = dict(info_ids=["DP", "AF"], fmt_ids=["GT", "AD"])


def build(tmp_path, rows, name="t.vcf", header=HEADER, **kw):
    path = write_vcf(tmp_path, name, rows, header)
    return VCFTable.from_vcf(path, kw.pop("genome"), cache=False, **kw)


@pytest.fixture
def mk(tmp_path, tiny):
    counter = iter(range(10**6))

    def make(rows, header=HEADER, **kw):
        kw.setdefault("genome", tiny)
        return build(tmp_path, rows, name=f"v{next(counter)}.vcf", header=header, **kw)

    return make


# ------------------------------------------------------------------ alleles and positions


def test_snv_insertion_deletion_mnv_positions(mk):
    rows = [
        row(3, "C", "G"),  # SNV
        row(5, "T", "TGA"),  # insertion after the pad base
        row(9, "ACG", "A"),  # deletion of CG
        row(12, "TA", "GC"),  # MNV
        row(16, "CC", "CAT"),  # not normalized on the left: common prefix C stripped
    ]
    t = mk(rows)
    got = [(v.start, v.end, v.ref, v.alt) for v in t]
    assert got == [
        (2, 3, "C", "G"),
        (5, 5, "", "GA"),
        (9, 11, "CG", ""),
        (11, 13, "TA", "GC"),
        (16, 17, "C", "AT"),
    ]
    assert [repr(v) for v in t][:2] == ["<VCFVariant tiny:chr2:3:C:G>", "<VCFVariant tiny:chr2:6::GA>"]
    assert str(t[0]) == "chr2:3:C:G"
    assert all(v.strand == "+" and v.chromosome == "chr2" for v in t)


def test_chromosome_alias_and_lowercase_alleles(mk):
    t = mk([row(3, "C", "g", chrom="2"), row(4, "C", "T", chrom="NC_000002.1")], validate=True)
    assert [(v.chromosome, v.alt) for v in t] == [("chr2", "g"), ("chr2", "T")]


def test_symbolic_alleles_end_and_svlen(mk):
    t = mk(
        [
            row(5, "T", "<DEL>", info="END=9;SVTYPE=DEL"),
            row(10, "C", "<DUP:TANDEM>", info="SVLEN=4;SVTYPE=DUP"),
            row(20, "G", "<INS>", info="END=20;SVLEN=100;SVTYPE=INS"),
        ],
        info_ids=["SVTYPE"],
    )
    assert [(v.start, v.end, v.ref, v.alt) for v in t] == [
        (5, 9, "", "<DEL>"),
        (10, 14, "", "<DUP:TANDEM>"),
        (20, 20, "", "<INS>"),
    ]
    assert t.info("SVTYPE").tolist() == [VCFTable.SVTYPE_DEL, VCFTable.SVTYPE_DUP, VCFTable.SVTYPE_INS]


def test_breakends_stored_without_padding_base(mk):
    t = mk([row(3, "C", "C[chr2:30["), row(4, "C", "]chr2:30]C"), row(5, "T", "T."), row(6, "T", ".T")])
    assert [(v.start, v.end, v.ref, v.alt) for v in t] == [
        (3, 3, "", "[chr2:30["),
        (3, 3, "", "]chr2:30]"),
        (5, 5, "", "."),
        (5, 5, "", "."),
    ]


@pytest.mark.parametrize(
    "mode,expected", [("warn", [(3, 3, "", "")]), ("exclude", [])], ids=["warn", "exclude"]
)
def test_ancestral_modes(mk, mode, expected, recwarn):
    t = mk([row(3, "C", ".")], ancestral=mode)
    assert [(v.start, v.end, v.ref, v.alt) for v in t] == expected
    if mode == "warn":
        w = recwarn.pop(UserWarning)
        assert "ancestral" in str(w.message) and "lines 25" in str(w.message)
    assert not recwarn.list


def test_ancestral_error_names_the_line(mk):
    with pytest.raises(ValueError, match=r"v0\.vcf:25: Ancestral allele"):
        mk([row(3, "C", ".")])
    with pytest.raises(ValueError, match="ancestral must be"):
        mk([row(3, "C", "G")], ancestral="ignore")


def test_exclude_and_allow(mk, tiny, yeast):
    rows = [row(3, "C", "G"), row(5, "T", "TGA"), row(9, "A", "C"), row(20, "G", "T")]
    keep = lambda **kw: [v.start for v in mk(rows, **kw)]  # noqa: E731
    assert keep(exclude=[gk.Interval("chr2", "+", 4, 10, tiny)]) == [2, 19]  # insertion inside: excluded
    assert keep(exclude=[gk.Interval("chr2", "+", 5, 8, tiny)]) == [
        2,
        5,
        8,
        19,
    ]  # insertion at the boundary: kept
    assert keep(allow=[gk.Interval("chr2", "+", 0, 9, tiny)]) == [2, 5, 8]
    assert keep(allow=[gk.Interval("chr2", "-", 0, 40, tiny)]) == []  # strand aware, as Interval.overlaps
    with pytest.raises(ValueError, match="exclude interval"):
        keep(exclude=[gk.Interval("chrI", "+", 0, 5, yeast)])


def test_validate_against_genome(mk):
    good = [row(p, base(p), "A" if base(p) != "A" else "C") for p in (1, 11, 40)]
    assert len(mk(good, validate=True)) == 3
    bad = row(11, "A", "T")  # chr2:11 is G
    with pytest.raises(
        ValueError, match=r':25: Expected ref "A" to match reference genome "G" at position chr2:11'
    ):
        mk([bad])
    assert [v.ref for v in mk([bad], validate=False)] == ["A"]


# ------------------------------------------------------------------ typed INFO columns


def test_info_types_numbers_and_missing_values(mk):
    rows = [
        row(3, "C", "G", info="DP=10;AF=0.5;RC=3,4;GC=1,2,3;PAIR=5,6;DB;NOTE=hello, world"),
        row(4, "C", "T", info="DP=.;AF=.;RC=.,7;PAIR=.;NOTE=."),
        row(5, "T", "A", info="."),
    ]
    t = mk(rows, info_ids=["DP", "AF", "RC", "GC", "PAIR", "DB", "NOTE"])
    assert t.info_ids == ["AF", "DB", "DP", "GC", "NOTE", "PAIR", "RC"]
    assert t.info("DP").dtype == np.int32 and t.info("DP").tolist() == [10, 0, 0]
    assert t.info("AF").dtype == np.float32 and t.info("AF").tolist() == [0.5, 0.0, 0.0]
    assert t.info("RC").shape == (3, 2) and t.info("RC").tolist() == [[3, 4], [0, 7], [0, 0]]
    assert t.info("GC").shape == (3, 3) and t.info("GC").tolist()[0] == [1, 2, 3]  # G: 3 genotypes (diploid)
    assert t.info("PAIR").tolist() == [[5, 6], [0, 0], [0, 0]]
    assert t.info("DB").dtype == np.bool_ and t.info("DB").tolist() == [True, False, False]
    assert [v.NOTE for v in t] == ["hello, world", "", ""]
    with pytest.raises(TypeError, match="string column"):
        t.info("NOTE")
    with pytest.raises(KeyError, match="Unrecognized INFO ID"):
        t.info("SVLEN")


def test_defaults_and_dtype_overrides(mk):
    rows = [
        row(3, "C", "G", info="DP=10;AF=0.5", fmt="GT:AD", s1="0/1:.,3"),
        row(4, "C", "T", info="AF=.", fmt="GT:AD", s1="0/1:1,2"),
    ]
    t = mk(
        rows,
        info_ids={"DP": np.int16(-1), "AF": np.float16(-0.5), "RC": -3},
        fmt_ids={"GT": None, "AD": np.int8(-2)},
    )
    assert t.info("DP").dtype == np.int16 and t.info("DP").tolist() == [10, -1]
    assert t.info("AF").dtype == np.float16 and t.info("AF").tolist() == [0.5, -0.5]
    assert t.info("RC").dtype == np.int32 and t.info("RC").tolist() == [[-3, -3], [-3, -3]]
    assert t.format("AD").dtype == np.int8
    assert t.format("AD").tolist() == [[[-2, 3], [-2, -2]], [[1, 2], [-2, -2]]]
    assert [v.DP for v in t] == [10, -1]  # signed small ints (the reference reads them unsigned)
    t2 = mk(rows, info_ids={"AF": 2.5})
    assert t2.info("AF").dtype == np.float32 and t2.info("AF").tolist() == [0.5, 2.5]


@pytest.mark.parametrize(
    "ids,message",
    [
        ({"DP": 0.5}, "Type=Integer in the header but its default is a float32"),
        ({"AF": 1}, "Type=Float in the header but its default is a int32"),
        ({"AF": np.int8(1)}, "Type=Float"),
        ({"NOTE": "x"}, "must be None, an int"),
        ({"NOTE": 1}, "takes no default"),
        ({"DB": 1}, "takes no default"),
        ({"DP": np.float64(1)}, "has dtype float64"),
        ({"DP": True}, "got a bool"),
        (["NOPE"], "Missing a meta-information header for INFO ID NOPE"),
        (["ZERO"], "must have Number>0"),
        (["BADFLAG"], "Type=Flag but Number=1"),
        (["WEIRD"], "unknown Type=Blob"),
        (["start"], "clashes with the VCFVariant attribute"),
        ("DP", "not a str"),
    ],
)
def test_bad_field_requests(mk, ids, message):
    with pytest.raises((ValueError, TypeError), match=message):
        mk([row(3, "C", "G", info="DP=1")], info_ids=ids)


@pytest.mark.parametrize(
    "ids,message",
    [
        (["FL"], "FORMAT fields cannot have"),
        ({"GT": 2}, "GT: the default must be GT_UNKNOWN"),
        (["NOPE"], "Missing a meta-information header for FORMAT ID NOPE"),
    ],
)
def test_bad_format_requests(mk, ids, message):
    with pytest.raises(ValueError, match=message):
        mk([row(3, "C", "G")], fmt_ids=ids)


def test_int_range_checked(mk):
    with pytest.raises(ValueError, match=r":25: INFO DP: value 300 does not fit int8"):
        mk([row(3, "C", "G", info="DP=300")], info_ids={"DP": np.int8(0)})
    with pytest.raises(ValueError, match=r":25: FORMAT DP: value 40000 does not fit int16"):
        mk([row(3, "C", "G", fmt="GT:DP", s1="0/1:40000")], fmt_ids={"DP": np.int16(0)})


def test_integer_spellings(mk):
    # Plain digits take a fast path; signs, zeros and big values the general parser: same values.
    samples = dict(s1="0/1:+4", s2="1/1:-3")
    rows = [
        row(3, "C", "G", info="DP=007", fmt="GT:DP", **samples),
        row(4, "C", "T", info="DP=999999999", fmt="GT:DP", s1="0/1:1234567890", s2="0/1:0"),
    ]
    t = mk(rows, info_ids=["DP"], fmt_ids=["DP"])
    assert t.info("DP").tolist() == [7, 999999999]
    assert t.format("DP").tolist() == [[4, -3], [1234567890, 0]]


def test_id_and_svtype_special_columns(mk, recwarn):
    rows = [
        row(3, "C", "G", vid="rs1", info="SVTYPE=BND"),
        row(4, "C", "T", info="SVTYPE=."),
        row(5, "T", "A", vid="rs2;rs3", info="SVTYPE=ODD"),
    ]
    t = mk(rows, info_ids=["ID", "SVTYPE"])
    assert [v.ID for v in t] == ["rs1", "", "rs2;rs3"]
    assert t.info("SVTYPE").tolist() == [VCFTable.SVTYPE_BND, 0, 0]
    assert "unknown SVTYPE value(s) ['ODD']" in str(recwarn.pop(UserWarning).message)
    with pytest.raises(AttributeError):
        _ = mk(rows[:2])[0].ID


# ------------------------------------------------------------------ FORMAT and GT


GT_CASES = [
    ("0/0", 0, 0),
    ("0|0", 0, 0),
    ("1/1", 2, 2),
    ("1|1", 2, 2),
    ("./.", 3, 3),
    (".|.", 3, 3),
    ("0/1", 1, 1),
    ("1/0", 1, 1),
    ("0|1", 4, 4),
    ("1|0", 5, 5),
    ("0/.", 3, 1),
    ("./1", 3, 1),
    (".|1", 3, 3),
    ("0|.", 3, 3),
    ("0", 0, 0),
    ("1", 2, 2),
    (".", 3, 3),
    # Beyond the one-digit diploid and haploid forms (the general parser).
    ("0/1/1", 1, 1),
    ("1|1|1", 2, 2),
    ("00/1", 1, 1),
    ("0|01", 4, 4),
]


@pytest.mark.parametrize("gt,strict,lenient", GT_CASES)
def test_gt_codes(mk, gt, strict, lenient):
    rows = [row(3, "C", "G", s1=gt)]
    assert mk(rows, fmt_ids=["GT"]).format("GT")[0, 0] == strict
    assert mk(rows, fmt_ids={"GT": VCFTable.GT_HETEROZYGOUS_UNPHASED}).format("GT")[0, 0] == lenient


@pytest.mark.parametrize(
    "gt,message",
    [
        ("a/1", "invalid GT component 'a'"),
        ("0/-1", "invalid GT component '-1'"),
        ("0/2", "refers to allele 2 but the record has 1 ALT"),
        ("0//1", "invalid GT component ''"),
    ],
)
def test_bad_gt(mk, gt, message):
    with pytest.raises(ValueError, match=":25: .*" + message):
        mk([row(3, "C", "G", s1=gt)], fmt_ids=["GT"])


def test_gt_constants():
    assert [
        VCFTable.GT_HOMOZYGOUS_REF,
        VCFTable.GT_HETEROZYGOUS_UNPHASED,
        VCFTable.GT_HOMOZYGOUS_ALT,
        VCFTable.GT_UNKNOWN,
        VCFTable.GT_HETEROZYGOUS_PHASED_0_1,
        VCFTable.GT_HETEROZYGOUS_PHASED_1_0,
    ] == list(range(6))
    assert all(isinstance(c, np.int8) for c in (VCFTable.GT_UNKNOWN, VCFTable.GT_HOMOZYGOUS_REF))


def test_format_columns_missing_and_dropped_fields(mk):
    rows = [
        row(3, "C", "G", fmt="GT:AD:DP:GQ", s1="0|1:1,2:5:9.5", s2="1/1:.:7"),  # trailing GQ dropped
        row(4, "C", "T", fmt="DP:GT", s1="3:0/0", s2=".:./."),  # other order, no AD
        row(5, "T", "A", fmt="GT", s1="1/1", s2="0/1"),
    ]
    t = mk(rows, fmt_ids=["GT", "AD", "DP", "GQ", "GL"])
    assert t.format_ids == ["AD", "DP", "GL", "GQ", "GT"]
    assert t.sample_names == ["S1", "S2"] and t.num_samples == 2
    assert t.format("GT").tolist() == [[4, 2], [0, 3], [2, 1]]
    assert t.format("AD").shape == (3, 2, 2) and t.format("AD").tolist()[0] == [[1, 2], [0, 0]]
    assert t.format("DP").tolist() == [[5, 7], [3, 0], [0, 0]]
    assert t.format("GQ").tolist() == [[9.5, 0.0], [0.0, 0.0], [0.0, 0.0]]
    assert t.format("GL").shape == (3, 2, 3)
    assert [v.GT for v in t] == [4, 0, 2]  # first sample


def test_samples_recorded_only_with_format_ids(mk):
    t = mk([row(3, "C", "G")], info_ids=["DP"])
    assert t.sample_names == [] and t.num_samples == 0 and t.format_ids == []


def test_value_count_errors(mk):
    with pytest.raises(ValueError, match=r":25: Expected 2 values, found 3, for INFO ID PAIR"):
        mk([row(3, "C", "G", info="PAIR=1,2,3")], info_ids=["PAIR"])
    with pytest.raises(ValueError, match=r":25: Expected 1 value, found 2, for INFO ID AF"):
        mk([row(3, "C", "G", info="AF=0.1,0.2")], info_ids=["AF"])
    with pytest.raises(ValueError, match=r":25: Expected 2 values, found 3, for FORMAT ID AD"):
        mk([row(3, "C", "G", fmt="GT:AD", s1="0/1:1,2,3", s2="0/0:1,1")], fmt_ids=["AD"])
    with pytest.raises(ValueError, match=r":25: INFO DP: invalid Integer value '1.5'"):
        mk([row(3, "C", "G", info="DP=1.5")], info_ids=["DP"])
    with pytest.raises(ValueError, match=r":25: FORMAT GQ: invalid Float value 'high'"):
        mk([row(3, "C", "G", fmt="GQ", s1="high", s2="1")], fmt_ids=["GQ"])


# ------------------------------------------------------------------ multiallelic records


def test_multiallelic_error_and_split(mk):
    rec = row(
        9,
        "ACG",
        "A,ATG,C",
        info="AF=0.1,0.2,0.3;RC=10,11,12,13;GC=0,1,2,3,4,5,6,7,8,9",
        fmt="GT:AD",
        s1="1/2:5,6,7,8",
        s2="3|0:1,2,3,4",
    )
    with pytest.raises(ValueError, match=r":25: multiallelic record .*split_multiallelic=True"):
        mk([rec], info_ids=["AF"], split_multiallelic=False, unsupported="error")
    t = mk([rec], info_ids=["AF", "RC", "GC"], fmt_ids=["GT", "AD"], split_multiallelic=True)
    # ACG→A deletion; ACG→ATG SNV (shared suffix trimmed); ACG→C: a complex change
    assert [(v.start, v.end, v.ref, v.alt) for v in t] == [
        (9, 11, "CG", ""),
        (9, 10, "C", "T"),
        (8, 11, "ACG", "C"),
    ]
    assert np.allclose(t.info("AF"), [0.1, 0.2, 0.3])
    assert t.info("RC").tolist() == [[10, 11], [10, 12], [10, 13]]
    assert t.info("GC").tolist() == [[0, 1, 2], [0, 3, 5], [0, 6, 9]]
    assert t.format("GT").tolist() == [[1, 0], [1, 0], [0, 5]]
    assert t.format("AD").tolist() == [[[5, 6], [1, 2]], [[5, 7], [1, 3]], [[5, 8], [1, 4]]]


# ------------------------------------------------------------------ VCFVariant


def test_vcfvariant_is_a_variant(mk, tiny):
    t = mk([row(3, "C", "G", info="DP=4;PAIR=1,2;DB")], info_ids=["DP", "PAIR", "DB"], fmt_ids=["GT"])
    v = t[0]
    assert issubclass(VCFVariant, gk.Variant) and isinstance(v, gk.Interval)
    assert v.DP == 4 and v.DB is True and v.GT == 1
    with pytest.raises(ValueError, match="scalar values"):
        _ = v.PAIR
    with pytest.raises(AttributeError, match="no attribute 'AF'"):
        _ = v.AF
    same = mk([row(3, "C", "G")])[0]
    assert v == same and hash(v) == hash(same) and not (v != same)
    plain = gk.Variant("chr2", 2, "C", "G", tiny)
    assert v != plain and plain != v and not (v == plain)
    assert v.interval == gk.Interval("chr2", "+", 2, 3, tiny)
    assert v.as_variant_string() == "chr2:3:C:G"


def test_vcfvariant_fields_and_direct_queries(mk, tiny):
    t = mk([row(3, "C", "G", info="DP=4"), row(9, "A", "T", info="DP=7")], info_ids=["DP"], fmt_ids=["GT"])
    iv = gk.Interval("chr2", "+", 0, 20, tiny)
    vs = t.find_overlapping(interval=iv)
    assert [v.DP for v in vs] == [4, 7] and [v.GT for v in vs] == [1, 1]
    assert vs == list(t) == [t[0], t[-1]] and t[1] is not None
    assert vs[0].DP == 4 and not hasattr(vs[0], "NOPE") and hasattr(vs[0], "ref")
    with pytest.raises(TypeError):
        t.find_overlapping()
    with pytest.raises(IndexError):
        t[2]
    with pytest.raises(TypeError):
        t["0"]
    assert t[True] == t[1]
    masked = t.masked([1])
    assert masked.find_overlapping(iv) == [t[1]] and masked[0] == t[1] and list(masked) == [t[1]]


def test_close_and_context_manager(mk):
    t = mk([row(3, "C", "G", info="DP=4")], info_ids=["DP"])
    v = t[0]
    arr = t.info("DP")
    with VCFTable(t.filename) as t2:
        w = t2[0]
        assert w.DP == 4
    with pytest.raises(OSError, match="closed"):
        _ = w.DP
    with pytest.raises(OSError, match="closed"):
        len(t2.info("DP"))
    for attr in ("start", "end", "ref", "alt", "chromosome", "interval", "position"):
        with pytest.raises(OSError, match="closed"):
            getattr(w, attr)  # row attributes read the closed table
    with pytest.raises(OSError, match="closed"):
        len(t2)
    assert "closed" in repr(w)
    t.close()
    with pytest.raises(OSError, match="closed"):
        _ = v.DP
    assert arr.tolist() == [4]  # views keep the mapping alive


def test_pickle_table_masked_table_and_variant(mk):
    t = mk([row(3, "C", "G", info="DP=4"), row(4, "C", "T", info="DP=5")], info_ids=["DP"])
    t2 = pickle.loads(pickle.dumps(t))
    assert [repr(v) for v in t2] == [repr(v) for v in t] and t2.filename == t.filename
    m = pickle.loads(pickle.dumps(t.masked([1])))
    assert len(m) == 1 and m.info("DP").tolist() == [5]
    v = pickle.loads(pickle.dumps(t[1]))
    assert isinstance(v, VCFVariant) and v == t[1] and v.DP == 5


# ------------------------------------------------------------------ zero-copy arrays


def test_arrays_are_read_only_zero_copy_views(mk):
    t = mk([row(3, "C", "G", info="DP=4", s1="0/1"), row(4, "C", "T", info="DP=5")], **FIELDS)
    a, b = t.info("DP"), t.info("DP")
    assert not a.flags.writeable and not a.flags.owndata
    assert np.shares_memory(a, b)  # both views of the same mapped bytes
    owner = a.base
    while isinstance(owner, np.ndarray):
        owner = owner.base
    assert owner is t._core
    with pytest.raises(ValueError):
        a[0] = 1
    g = t.format("GT")
    assert g.dtype == np.int8 and g.shape == (2, 2) and not g.flags.writeable


# ------------------------------------------------------------------ table access, where, masks


def test_indexing_iteration_where_index_of(mk):
    rows = [row(p, base(p), "A" if base(p) != "A" else "C", info=f"DP={p}") for p in range(1, 21)]
    t = mk(rows, info_ids=["DP"])
    assert len(t) == 20 and repr(t) == "<VCFTable, len() = 20>"
    # the positional part of a VCFTable is a VariantTable; masks keep the class
    assert isinstance(t, gk.VariantTable) and type(t.masked(np.arange(3))) is gk.VCFTable
    assert t[-1].DP == 20 and t[np.int64(3)].DP == 4
    for bad in (20, -21):
        with pytest.raises(IndexError):
            t[bad]
    with pytest.raises(TypeError):
        t["x"]
    assert [v.DP for v in t] == list(range(1, 21))
    mask = t.info("DP") % 2 == 0
    assert [v.DP for v in t.where(mask)] == list(range(2, 21, 2))
    assert [v.DP for v in t.where(mask[:, None])] == list(range(2, 21, 2))
    with pytest.raises(ValueError, match="mask must have shape"):
        t.where(mask[:5])
    with pytest.raises(TypeError, match="bool array"):
        t.where(mask.astype(int))
    assert [t.index_of(v) for v in t.where(mask)] == list(range(1, 20, 2))
    with pytest.raises(TypeError):
        t.index_of(gk.Interval("chr2", "+", 0, 1, "tiny"))
    other = mk(rows[:3], info_ids=["DP"])
    with pytest.raises(ValueError, match="not a variant of this VCFTable"):
        t.index_of(other[0])


def test_masked_tables_compose(mk, tiny):
    rows = [row(p, base(p), "A" if base(p) != "A" else "C", info=f"DP={p}") for p in range(1, 21)]
    t = mk(rows, info_ids=["DP"], fmt_ids=["GT"])
    m = t.masked(t.info("DP") > 10)
    assert len(m) == 10 and m.info("DP").tolist() == list(range(11, 21))
    assert not m.info("DP").flags.writeable and m.format("GT").shape == (10, 2)
    mm = m.masked(np.array([0, 2, -1]))
    assert [v.DP for v in mm] == [11, 13, 20] and mm[1].DP == 13
    assert mm.index_of(t[12]) == 1
    with pytest.raises(ValueError, match="not in this masked"):
        mm.index_of(t[0])
    q = gk.Interval("chr2", "+", 0, 40, tiny)
    assert [v.DP for v in mm.find_overlapping(q)] == [11, 13, 20]
    assert [v.DP for v in mm.where(np.array([True, False, True]))] == [11, 20]
    with pytest.raises(NotImplementedError):
        mm.sequence_variations(q)
    with pytest.raises(IndexError):
        t.masked([25])
    assert t.indices_of(mm.find_overlapping(q)).tolist() == [10, 12, 19]
    assert mm.indices_of(mm.find_overlapping(q)).tolist() == [0, 1, 2]
    assert mm.indices_of([]).tolist() == []
    with pytest.raises(ValueError, match="not in this masked"):
        mm.indices_of([t[0]])
    with pytest.raises(TypeError, match="expected VCFVariant"):
        t.indices_of([q])
    with pytest.raises(ValueError, match="not a variant of this VCFTable"):
        t.indices_of([mk(rows[:1])[0]])


# ------------------------------------------------------------------ positional queries


def _expected(kind, q, v):
    """The reference's unstranded-table semantics (behaviour §4.2), written from the rules."""
    a, b = q.start, q.end
    s, e = v.start, v.end
    if s == e:  # insertion at p = s: index arithmetic, asymmetric at the ends
        p = s
        return {
            "find_overlapping": a < p < b,
            "find_within": a < p <= b and a < b,
            "find_exact": a == b == p,
            "find_5p_within": a <= p < b,
            "find_3p_within": a < p <= b,
            "find_5p_aligned": p == a,
            "find_3p_aligned": p == b,
        }[kind]
    return {
        "find_overlapping": s < b and a < e if a < b else s < a < e,
        "find_within": a <= s and e <= b,
        "find_exact": (s, e) == (a, b),
        "find_5p_within": a <= s < b,
        "find_3p_within": a <= e - 1 < b,
        "find_5p_aligned": s == a,
        "find_3p_aligned": e == b,
    }[kind]


KINDS = [
    "find_overlapping",
    "find_within",
    "find_exact",
    "find_5p_within",
    "find_3p_within",
    "find_5p_aligned",
    "find_3p_aligned",
]


def test_queries_match_the_rules_on_random_variants(mk, tiny):
    rng = random.Random(7)
    rows = []
    for p in sorted(rng.sample(range(2, 39), 25)):
        kind = rng.choice(["snv", "ins", "del", "mnv"])
        r = base(p)
        if kind == "snv":
            rows.append(row(p, r, "A" if r != "A" else "C"))
        elif kind == "ins":
            rows.append(row(p, r, r + ("GA" if r != "A" else "GC")))
        elif kind == "del" and base(p + 2) != r:
            rows.append(row(p, base(p, 3), r))
        elif kind == "del":
            rows.append(row(p, r, "A" if r != "A" else "C"))
        else:
            rows.append(row(p, base(p, 2), "AC" if base(p + 1) != "C" else "AG"))
    t = mk(rows)
    variants = list(t)
    for _ in range(300):
        a = rng.randint(0, 40)
        b = min(40, a + rng.choice([0, 0, 1, 2, 3, 5, 10]))
        q = gk.Interval("chr2", "+", a, b, tiny)
        for kind in KINDS:
            got = getattr(t, kind)(q)
            want = [v for v in variants if _expected(kind, q, v)]
            assert sorted(map(t.index_of, got)) == sorted(map(t.index_of, want)), (kind, q)
            key = (
                (lambda v: (v.start, v.end))
                if kind in ("find_overlapping", "find_exact", "find_5p_within", "find_5p_aligned")
                else (lambda v: v.end - 1)
            )
            assert [key(v) for v in got] == sorted(key(v) for v in got)
        qm = q.as_negative_strand()
        for kind in KINDS[:3]:
            assert getattr(t, kind)(qm) == getattr(t, kind)(q)
        for kind in KINDS[3:]:
            with pytest.raises(ValueError):
                getattr(t, kind)(qm)


def test_queries_other_chromosome_and_genome(mk, tiny, yeast):
    t = mk([row(3, "C", "G")])
    assert t.find_overlapping(gk.Interval("chr1", "+", 0, 40, tiny)) == []
    with pytest.raises(ValueError, match="VCF table is on tiny"):
        t.find_overlapping(gk.Interval("chrI", "+", 0, 40, yeast))
    with pytest.raises(TypeError):
        t.find_overlapping("chr2:1-5")


def test_sequence_variations(mk, tiny):
    rows = [row(5, "T", "TG"), row(9, "ACGT", "A"), row(20, "G", "GA"), row(30, "A", "T"), row(36, "A", "AT")]
    t = mk(rows)
    iv = gk.Interval("chr2", "+", 5, 20, tiny)  # insertion at 5 (its 5' boundary) counts, the one at 20 not
    assert [(v.start, v.alt) for v in t.sequence_variations(iv)] == [(5, "G"), (9, "")]
    neg = iv.as_negative_strand()  # 5' boundary of a '-' interval is its end
    assert [(v.start, v.alt) for v in t.sequence_variations(neg)] == [(9, ""), (20, "A")]
    plain = gk.Interval("chr2", "+", 11, 29, tiny)
    assert [v.start for v in t.sequence_variations(plain)] == [9, 20]
    anchored = gk.Interval("chr2", "+", 11, 29, tiny, 20)  # the 3-base deletion widens the window by 3
    assert [v.start for v in t.sequence_variations(anchored)] == [9, 20, 29]


# ------------------------------------------------------------------ inputs, caching, files


def test_gzip_bgzip_and_stream_inputs(tmp_path, tiny):
    text = HEADER + row(3, "C", "G") + "\n" + row(4, "C", "T") + "\n"
    gz = tmp_path / "a.vcf.gz"
    with gzip.open(gz, "wt") as f:
        f.write(text)
    assert len(VCFTable.from_vcf(str(gz), tiny)) == 2
    assert os.path.exists(tmp_path / "a.vcf.bin")  # x.vcf.gz → x.vcf.bin next to it
    bgz = tmp_path / "b.vcf.gz"  # bgzip = concatenated gzip members
    half = len(text) // 2
    bgz.write_bytes(gzip.compress(text[:half].encode()) + gzip.compress(text[half:].encode()))
    assert len(VCFTable.from_vcf(str(bgz), tiny)) == 2
    out = tmp_path / "s.vcfbin"
    VCFTable.build_vcfbin(str(out), io.BytesIO(text.encode()), tiny)
    assert [v.start for v in VCFTable(str(out))] == [2, 3]


def test_truncated_gzip_is_an_error_naming_the_file(tmp_path, tiny):
    text = HEADER + "".join(row(3, "C", "G") + "\n" for _ in range(2000))
    data = gzip.compress(text.encode())
    bad = tmp_path / "cut.vcf.gz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(OSError, match="cut.vcf.gz"):
        VCFTable.from_vcf(str(bad), tiny, cache=False)
    assert not os.path.exists(tmp_path / "cut.vcf.bin")  # no half-written table


def test_cache_reuse_and_rebuild(tmp_path, tiny):
    path = write_vcf(tmp_path, "c.vcf", [row(3, "C", "G", info="DP=1")])
    t = VCFTable.from_vcf(path, tiny, info_ids=["DP"])
    ino = os.stat(t.filename).st_ino
    assert VCFTable.from_vcf(path, tiny, info_ids=["DP"]).info("DP").tolist() == [1]
    assert os.stat(t.filename).st_ino == ino  # reused
    t2 = VCFTable.from_vcf(path, tiny, info_ids=["DP", "AF"])  # other options: rebuilt
    assert t2.info_ids == ["AF", "DP"] and os.stat(t.filename).st_ino != ino
    write_vcf(tmp_path, "c.vcf", [row(3, "C", "G", info="DP=2"), row(4, "C", "T")])
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    t3 = VCFTable.from_vcf(path, tiny, info_ids=["DP", "AF"])  # the VCF changed: rebuilt
    assert t3.info("DP").tolist() == [2, 0]
    assert t.info("DP").tolist() == [1]  # an open table keeps its (replaced) file


def test_from_vcf_arguments(tmp_path, tiny):
    path = write_vcf(tmp_path, "d.vcf", [row(3, "C", "G")])
    with pytest.raises(TypeError, match="must be a Genome"):
        VCFTable.from_vcf(path, "tiny")
    with pytest.raises(OSError, match="no such file"):
        VCFTable.from_vcf(str(tmp_path / "absent.vcf"), tiny)
    with pytest.raises(ValueError, match="normalize=True checks REF .* needs validate=True"):
        VCFTable.from_vcf(path, tiny, normalize=True, validate=False)
    with pytest.raises(ValueError, match="unsupported must be 'error', 'skip' or 'keep'"):
        VCFTable.from_vcf(path, tiny, unsupported="ignore")
    assert VCFTable.vcfbin_version() == 4


def test_to_pandas(mk):
    pd = pytest.importorskip("pandas")
    rows = [row(3, "C", "G", info="DP=4;PAIR=1,2;NOTE=x", s1="0/1", s2="1/1"), row(5, "T", "TA", info="DP=5")]
    t = mk(rows, info_ids=["DP", "PAIR", "NOTE"], fmt_ids=["GT", "AD"])
    df = t.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["chromosome", "start", "end", "ref", "alt", "DP", "NOTE", "PAIR_0", "PAIR_1"]
    assert (
        df["DP"].tolist() == [4, 5] and df["NOTE"].tolist() == ["x", ""] and df["alt"].tolist() == ["G", "A"]
    )
    long = t.to_pandas(format=True)
    assert list(long.columns) == ["variant", "sample", "AD_0", "AD_1", "GT"]
    assert long["GT"].tolist() == [1, 2, 1, 0] and long["sample"].tolist() == ["S1", "S2", "S1", "S2"]
    assert len(t.masked([1]).to_pandas()) == 1


def test_chr2_constant_matches_fixture(tiny):
    assert tiny.dna(gk.Interval("chr2", "+", 0, 40, tiny)) == CHR2


def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch, capsys):
    from genome_kit import vcf_table

    assert not vcf_table._progress_wanted(10**12)  # stderr is captured: not a TTY
    raw = io.BytesIO(b"x" * 1000)
    p = vcf_table._Progress(raw, raw, 1000, "big.vcf")
    buf = bytearray(600)
    assert p.readinto(buf) == 600 and p.readinto(buf) == 400 and p.readinto(buf) == 0
    err = capsys.readouterr().err
    assert "converting big.vcf" in err and "100.0%" in err and err.endswith("\n")
    monkeypatch.setenv("GENOMEKIT_QUIET", "1")
    assert not vcf_table._progress_wanted(10**12)


def test_sequence_variations_feed_variant_genome(mk, tiny):
    t = mk([row(5, "T", "TG"), row(9, "ACGT", "A"), row(30, "A", "T")])
    iv = gk.Interval("chr2", "+", 4, 14, tiny)
    vs = t.sequence_variations(iv)
    assert [v.start for v in vs] == [5, 9]
    vg = gk.VariantGenome(tiny, vs)
    # TTTTACGTAA with G inserted after base 5 and CGT deleted after base 9
    assert vg.dna(iv) == CHR2[4:5] + "G" + CHR2[5:9] + CHR2[12:14]


def test_spilled_columns_give_the_same_file(tmp_path, tiny, monkeypatch):
    # Parsed columns stay in memory up to a budget, then move to temporary files: any split is one output.
    def variant(i):
        pos = 3 + i % 30
        alt = "C" if base(pos) == "A" else "A"
        return row(pos, base(pos), alt, info=f"DP={i};NOTE=" + "x" * (i % 97), fmt="GT:AD", s1="0/1:1,2")

    rows = [variant(i) for i in range(60000)]
    path = write_vcf(tmp_path, "big.vcf", rows)
    files = []
    for budget in (None, "0", str(3 << 20)):
        if budget is None:
            monkeypatch.delenv("GENOMEKIT_SPILL_MEMORY", raising=False)
        else:
            monkeypatch.setenv("GENOMEKIT_SPILL_MEMORY", budget)
        out = tmp_path / f"out{len(files)}.vcfbin"
        VCFTable.build_vcfbin(out, path, tiny, info_ids=["DP", "NOTE"], fmt_ids=["GT", "AD"])
        files.append(out.read_bytes())
    assert len(files[0]) > 5 << 20 and files[1] == files[0] and files[2] == files[0]
    assert sorted(os.listdir(tmp_path)) == ["big.vcf", "out0.vcfbin", "out1.vcfbin", "out2.vcfbin"]
    monkeypatch.setenv("GENOMEKIT_SPILL_MEMORY", "lots")
    with pytest.raises(ValueError, match="GENOMEKIT_SPILL_MEMORY must be a number of bytes, got 'lots'"):
        VCFTable.build_vcfbin(tmp_path / "bad.vcfbin", path, tiny, fmt_ids=["GT"])
