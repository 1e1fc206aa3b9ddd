"""Interval semantics: DNA0 coordinates, strand-aware geometry, relations, anchors, identity."""

from __future__ import annotations

import itertools
import pickle

import pytest

import genome_kit as gk
from genome_kit import Interval


@pytest.fixture(autouse=True)
def _tiny(tiny):
    return tiny


def iv(strand, start, end, chrom="chr1", **kw):
    return Interval(chrom, strand, start, end, "tiny", **kw)


def test_construction_and_attributes():
    i = iv("-", 4, 8)
    assert (i.chromosome, i.chrom, i.strand, i.start, i.end) == ("chr1", "chr1", "-", 4, 8)
    assert (i.reference_genome, i.refg, i.anchor, i.anchor_offset) == ("tiny", "tiny", None, 0)
    assert len(i) == 4
    assert repr(i) == 'Interval("chr1", "-", 4, 8, "tiny")'
    assert str(i) == repr(i)
    assert i.sys == "tiny:chr1"
    assert isinstance(i.interval, Interval) and i.interval == i
    assert len(iv("+", 5, 5)) == 0  # empty intervals are allowed
    assert iv("+", -5, 3).start == -5  # coordinates are not clipped to the chromosome


@pytest.mark.parametrize(
    "args, exc",
    [
        (("chr1", "+", 10, 5, "tiny"), ValueError),
        (("chr1", "x", 1, 5, "tiny"), ValueError),
        (("chr1", "++", 1, 5, "tiny"), ValueError),
        ((None, "+", 1, 5, "tiny"), TypeError),
        (("chr1", "+", 1.5, 5, "tiny"), TypeError),
        (("chr1", "+", "1", 5, "tiny"), TypeError),
        (("chr1", "+", 1, 5, 42), TypeError),
        (("chrZ", "+", 1, 5, "tiny"), ValueError),
        (("", "+", 1, 5, "tiny"), ValueError),
        (("chr1", "+", 1, 5, "no_such_genome"), RuntimeError),
    ],
)
def test_constructor_errors(args, exc):
    with pytest.raises(exc):
        Interval(*args)


def test_error_messages_name_the_value():
    with pytest.raises(ValueError, match="10 > 5"):
        iv("+", 10, 5)
    with pytest.raises(ValueError, match="chrZ"):
        Interval("chrZ", "+", 1, 5, "tiny")
    with pytest.raises(RuntimeError, match="no_such_genome"):
        Interval("chr1", "+", 1, 5, "no_such_genome")


def test_aliases_resolve_to_canonical_names():
    assert Interval("1", "+", 0, 5, "tiny").chromosome == "chr1"
    assert Interval("NC_000002.1", "+", 0, 5, "tiny").chromosome == "chr2"
    assert Interval("1", "+", 0, 5, "tiny") == iv("+", 0, 5)
    # chr3 is known only from the alias table: a valid chromosome without sequence
    assert Interval("3", "+", 0, 5, "tiny").chromosome == "chr3"


def test_reference_genome_objects(tiny, data_dir):
    assert Interval("chr1", "+", 1, 5, tiny).reference_genome == "tiny"
    with open(f"{data_dir}/tiny_anno.cfg", "w") as f:
        f.write("refg=tiny\n")
    assert Interval("chr1", "+", 1, 5, "tiny_anno").reference_genome == "tiny"


def test_end5_end3_keep_anchor():
    m = iv("-", 4, 8)
    assert m.end5 == iv("-", 8, 8)
    assert m.end3 == iv("-", 4, 4)
    assert m.end3.expand(2, 3) == iv("-", 1, 6)
    p = iv("+", 4, 8, anchor=6, anchor_offset=1)
    assert p.end5 == iv("+", 4, 4, anchor=6, anchor_offset=1)
    assert p.end3 == iv("+", 8, 8, anchor=6, anchor_offset=1)


def test_expand_and_shift_are_strand_aware():
    assert iv("+", 10, 20).expand(2, 5) == iv("+", 8, 25)
    assert iv("-", 10, 20).expand(2, 5) == iv("-", 5, 22)
    assert iv("+", 10, 20).expand(3) == iv("+", 7, 23)
    assert iv("+", 10, 20).expand(-5) == iv("+", 15, 15)
    with pytest.raises(ValueError):
        iv("+", 10, 20).expand(-6)
    with pytest.raises(TypeError):
        iv("+", 10, 20).expand(1.5)
    assert iv("+", 10, 20).shift(7) == iv("+", 17, 27)
    assert iv("-", 10, 20).shift(7) == iv("-", 3, 13)
    assert iv("+", 10, 20, anchor=15).shift(1).anchor == 15


def brute(a, b):
    """Reference definitions of the relations, written independently of the implementation."""
    same = a.chromosome == b.chromosome and a.strand == b.strand
    a_bases = set(range(a.start, a.end))
    b_bases = set(range(b.start, b.end))
    if a.start == a.end and b.start < a.start < b.end:
        overlaps = True
    elif b.start == b.end and a.start < b.start < a.end:
        overlaps = True
    else:
        overlaps = bool(a_bases & b_bases)
    up = a.end <= b.start if a.strand == "+" else a.start >= b.end
    dn = a.start >= b.end if a.strand == "+" else a.end <= b.start
    return {
        "contains": same and b.start >= a.start and b.end <= a.end,
        "within": same and a.start >= b.start and a.end <= b.end,
        "overlaps": same and overlaps,
        "upstream_of": same and up,
        "dnstream_of": same and dn,
    }


GRID = [
    ("chr1", s, a, b)
    for s in "+-"
    for a, b in [
        (10, 20),
        (20, 30),
        (15, 25),
        (10, 30),
        (12, 12),
        (10, 10),
        (20, 20),
        (30, 30),
        (0, 1),
        (19, 21),
    ]
] + [("chr2", "+", 10, 20)]


@pytest.mark.parametrize("x, y", list(itertools.product(GRID, GRID)))
def test_relations_match_definitions(x, y):
    a, b = Interval(x[0], x[1], x[2], x[3], "tiny"), Interval(y[0], y[1], y[2], y[3], "tiny")
    got = {r: getattr(a, r)(b) for r in ("contains", "within", "overlaps", "upstream_of", "dnstream_of")}
    assert got == brute(a, b)
    assert (b in a) == got["contains"]
    x_ = a.intersect(b)
    if got["overlaps"] and not (len(a) == 0 and len(b) == 0):
        assert x_ is not None and x_.start == max(a.start, b.start) and x_.end == min(a.end, b.end)
    else:
        assert x_ is None


def test_tutorial_relations():
    a, b, c, d = iv("+", 0, 5), iv("+", 5, 10), iv("+", 3, 7), iv("+", 3, 4)
    assert (a.contains(c), c.within(a), a.contains(d), d.within(a)) == (False, False, True, True)
    assert (a.overlaps(b), a.overlaps(c)) == (False, True)
    assert (a.upstream_of(b), b.dnstream_of(a), c.upstream_of(b)) == (True, True, False)
    ao, bo = a.as_opposite_strand(), b.as_opposite_strand()
    assert not ao.overlaps(d) and ao.contains(d.as_opposite_strand())
    assert bo.upstream_of(ao) and not ao.upstream_of(bo)


def test_relations_across_genomes_raise(data_dir):
    gk.build_assembly(f"{data_dir}/tiny.fa", f"{data_dir}/tiny2")
    other = Interval("chr1", "+", 0, 5, "tiny2")
    with pytest.raises(ValueError):
        iv("+", 0, 5).overlaps(other)
    with pytest.raises(ValueError):
        iv("+", 0, 5) == other  # noqa: B015
    with pytest.raises(ValueError):
        iv("+", 0, 5) < other  # noqa: B015


def test_intersect_subtract():
    assert iv("+", 100, 150).intersect(iv("+", 120, 300)) == iv("+", 120, 150)
    assert iv("+", 100, 150).intersect(iv("+", 150, 300)) is None
    assert iv("+", 100, 150).intersect(iv("-", 120, 300)) is None
    assert iv("+", 10, 20).intersect(iv("+", 12, 12)) == iv("+", 12, 12)
    assert iv("+", 100, 150).subtract(iv("+", 120, 130)) == [iv("+", 100, 120), iv("+", 130, 150)]
    assert iv("+", 100, 150).subtract(iv("+", 90, 130)) == [iv("+", 130, 150)]
    assert iv("+", 100, 150).subtract(iv("+", 90, 160)) == []
    assert iv("+", 100, 150).subtract(iv("+", 200, 260)) == [iv("+", 100, 150)]
    with pytest.raises(ValueError):
        iv("+", 1, 5, anchor=2).intersect(iv("+", 1, 5))


def test_anchors():
    assert iv("+", 100, 120, anchor="5p").anchor == 100
    assert iv("-", 100, 120, anchor="5p").anchor == 120
    assert iv("+", 100, 120, anchor="3p").anchor == 120
    assert iv("-", 100, 120, anchor="3p").anchor == 100
    assert iv("+", 100, 121, anchor="center").anchor == 110
    assert iv("-", 100, 121, anchor="center").anchor == 111
    assert iv("-", 100, 120, anchor="start").anchor == 100
    assert iv("-", 100, 120, anchor="end").anchor == 120
    assert iv("+", 100, 120, anchor=iv("+", 105, 105)).anchor == 105
    assert (
        repr(iv("+", 100, 120, anchor=105, anchor_offset=3))
        == 'Interval("chr1", "+", 100, 120, "tiny", 105, 3)'
    )
    assert repr(iv("+", 100, 120, anchor=90)) == 'Interval("chr1", "+", 100, 120, "tiny", 90)'
    assert iv("+", 1, 5).with_anchor(3, 2) == iv("+", 1, 5, anchor=3, anchor_offset=2)
    assert iv("+", 1, 5, anchor=3).with_anchor(None).anchor is None
    with pytest.raises(ValueError):
        iv("+", 1, 5, anchor="middle")
    with pytest.raises(ValueError):
        iv("+", 1, 5, anchor=iv("+", 2, 3))  # not empty
    with pytest.raises(ValueError):
        iv("+", 1, 5, anchor=iv("-", 2, 2))  # other strand
    with pytest.raises(TypeError):
        iv("+", 1, 5, anchor=2.5)


def test_equality_hash_ordering():
    assert iv("+", 1, 5) == iv("+", 1, 5)
    assert iv("+", 1, 5) != iv("+", 1, 5, anchor=3)
    assert hash(iv("+", 1, 5)) == hash(iv("+", 1, 5, anchor=3))  # anchors do not enter the hash
    assert iv("+", 1, 5) != "chr1:2-5"
    assert len({iv("+", 1, 5), iv("+", 1, 5), iv("-", 1, 5)}) == 2
    assert {iv("+", 1, 5): 1}[iv("+", 1, 5)] == 1
    # ordering follows the assembly's chromosome order, then coordinates
    items = [iv("+", 9, 12, chrom="chr2"), iv("+", 9, 12), iv("+", 1, 5), iv("+", 1, 3)]
    assert sorted(items) == [iv("+", 1, 3), iv("+", 1, 5), iv("+", 9, 12), iv("+", 9, 12, chrom="chr2")]
    with pytest.raises(TypeError):
        iv("+", 1, 5) < 3  # noqa: B015


def test_pickle_roundtrip():
    for i in (iv("+", 1, 5), iv("-", 0, 0), iv("+", 100, 120, anchor=105, anchor_offset=3)):
        j = pickle.loads(pickle.dumps(i))
        assert j == i and repr(j) == repr(i)


def test_coordinate_conventions():
    i = iv("-", 100, 120)
    assert i.as_dna0() == (100, 120)
    assert i.as_dna1() == (101, 120)
    assert i.as_rna1() == (-120, -101)
    assert iv("+", 100, 120).as_rna1() == (101, 120)
    assert iv("+", 100, 120).as_ucsc() == "chr1:101-120"
    assert iv("+", 5, 5).as_ucsc() == "chr1:6-5"
    with pytest.raises(ValueError):
        iv("+", 5, 5).as_dna1()
    with pytest.raises(ValueError):
        iv("+", 5, 5).as_rna1()
    assert Interval.from_dna0_coord("chr1", "-", 7, "tiny") == iv("-", 7, 8)
    assert Interval.from_dna1("chr1", "+", 10, 20, "tiny") == iv("+", 9, 20)
    assert Interval.from_rna1("chr1", 10, 20, "tiny") == iv("+", 9, 20)
    assert Interval.from_rna1("chr1", -120, -101, "tiny") == iv("-", 100, 120)
    with pytest.raises(ValueError):
        Interval.from_rna1("chr1", 20, 10, "tiny")
    assert Interval.from_ucsc("chr1:1,001-1,010", "-", "tiny") == iv("-", 1000, 1010)
    for bad in ("chr1", "chr1:a-5", "chr1:5"):
        with pytest.raises(ValueError):
            Interval.from_ucsc(bad, "+", "tiny")


def test_spanning_midpoint_distance_resize():
    assert Interval.spanning(iv("+", 30, 40), iv("+", 10, 20)) == iv("+", 10, 40)
    with pytest.warns(UserWarning):
        assert Interval.spanning(iv("-", 10, 20), iv("+", 30, 40)) == iv("-", 10, 40)
    with pytest.raises(ValueError):
        Interval.spanning(iv("+", 10, 20), iv("+", 30, 40, chrom="chr2"))
    assert iv("+", 100, 120).midpoint == iv("+", 110, 110)
    assert iv("+", 1000, 1011).midpoint == iv("+", 1005, 1006)
    assert iv("+", 100, 150).distance(iv("+", 200, 300)) == 125.0
    assert iv("+", 100, 150).distance([iv("+", 200, 300), iv("+", 400, 500)]) == [125.0, 325.0]
    assert iv("-", 100, 150).distance(iv("-", 200, 300), method="end5") == 150.0
    assert iv("+", 100, 150).distance(iv("+", 20, 30), method="end3") == 120.0
    with pytest.raises(ValueError):
        iv("+", 100, 150).distance(iv("+", 20, 30), method="foo")
    with pytest.warns(UserWarning):
        iv("+", 100, 150).distance(iv("-", 20, 30))
    assert iv("+", 100, 110).center() == 105
    assert iv("+", 100, 110).resize(4) == iv("+", 103, 107)
    assert iv("-", 100, 111).resize(5) == iv("-", 103, 108)  # same middle base (105) as on "+"
    assert iv("+", 100, 111).resize(5) == iv("+", 103, 108)
    assert len(iv("-", 100, 111).resize(1000)) == 1000
    with pytest.raises(ValueError):
        iv("+", 1, 2).resize(-1)


@pytest.mark.parametrize("anchor", [2**63, -(2**63) - 1, 10**30])
def test_anchor_out_of_range_is_a_value_error_naming_it(anchor):
    with pytest.raises(ValueError, match=f"anchor {anchor} is out of range"):
        Interval("chr1", "+", 10, 20, "tiny", anchor)
    with pytest.raises(ValueError, match=f"anchor {anchor} is out of range"):
        Interval("chr1", "+", 10, 20, "tiny").with_anchor(anchor)


BIG = [2**63, -(2**63) - 1, 2**70]


@pytest.mark.parametrize("value", BIG)
def test_int_arguments_out_of_range_name_argument_and_value(value):
    # every int64 argument of the bindings goes through one check: ValueError naming the value
    # (and the argument where the binding knows it), never pybind11's TypeError
    cases = [
        (lambda: Interval("chr1", "+", 0, value, "tiny"), "argument 'end'"),
        (lambda: Interval("chr1", "+", value, 10, "tiny"), "argument 'start'"),
        (lambda: iv("+", 1, 2).shift(value), "argument 'amount'"),
        (lambda: iv("+", 1, 2).expand(value), "argument 'upstream'"),
        (lambda: iv("+", 1, 2).expand(0, value), "argument 'downstream'"),
        (lambda: iv("+", 1, 2).resize(value), "integer argument"),
        (lambda: Interval.from_dna0("chr1", "+", 0, value, "tiny"), "integer argument"),
        (lambda: Interval("chr1", "+", 0, 5, "tiny", None, value), "argument 'anchor_offset'"),
    ]
    for call, what in cases:
        with pytest.raises(ValueError, match=f"{what} {value} is out of range") as e:
            call()
        assert "64-bit" in str(e.value)


def test_interval_arithmetic_overflow_is_a_value_error():
    top = 2**63 - 1
    with pytest.raises(ValueError, match=r"shifting .* by 10: .* does not fit a 64-bit position"):
        iv("+", top - 5, top - 1).shift(10)
    with pytest.raises(ValueError, match="does not fit a 64-bit position"):
        iv("-", -top + 1, -top + 5).shift(10)  # '-': downstream is toward 0
    with pytest.raises(ValueError, match=r"expanding .* by \(10, 10\)"):
        iv("+", top - 5, top - 1).expand(10)
    with pytest.raises(ValueError, match=r"the length of .* does not fit 64 bits"):
        Interval("chr1", "+", -(2**62) * 2, top, "tiny")
    with pytest.raises(ValueError, match="resizing"):
        iv("+", top - 5, top - 1).resize(100)
    assert iv("+", top - 5, top - 1).shift(1).end == top  # up to the limit is fine
