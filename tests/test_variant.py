"""Variant: construction, parsing/validation of variant strings, identity, pickling."""

from __future__ import annotations

import pickle

import pytest

import genome_kit as gk

# tiny chr2: AACCTTTTACGTAAACCCGGGTTTACCGGAAATGGATTAA (40 bp)
CHR2 = "AACCTTTTACGTAAACCCGGGTTTACCGGAAATGGATTAA"


def test_constructor_spans_reference_allele(tiny):
    v = gk.Variant("chr2", 4, "TT", "G", tiny)
    assert (v.chromosome, v.strand, v.start, v.end, v.position) == ("chr2", "+", 4, 6, 4)
    assert (v.ref, v.alt, len(v)) == ("TT", "G", 2)
    assert v.interval == gk.Interval("chr2", "+", 4, 6, "tiny")
    assert type(v.interval) is gk.Interval
    ins = gk.Variant("chr2", 4, "", "GGT", "tiny")
    assert (ins.start, ins.end) == (4, 4)


def test_constructor_does_not_validate(tiny):
    # As the reference: any record can be represented (wrong REF, lower case, negative start).
    v = gk.Variant("chr2", -1, "a", "g", tiny)
    assert (v.start, v.ref, v.alt) == (-1, "a", "g")
    assert repr(v) == "<Variant chr2:0:a:g:tiny>"


def test_alias_resolved(tiny):
    assert gk.Variant("2", 3, "C", "A", tiny).chromosome == "chr2"
    assert gk.Variant("NC_000002.1", 3, "C", "A", tiny).chromosome == "chr2"


def test_text_forms(tiny):
    v = gk.Variant("chr2", 4, "TT", "", tiny)
    assert repr(v) == "<Variant chr2:5:TT::tiny>"
    assert str(v) == v.as_variant_string() == "chr2:5:TT:"


def test_is_interval_and_interval_ops_return_intervals(tiny):
    v = gk.Variant("chr2", 4, "TT", "", tiny)
    assert isinstance(v, gk.Interval)
    assert type(v.expand(1)) is gk.Interval
    assert v.expand(1) == gk.Interval("chr2", "+", 3, 7, "tiny")
    assert v.end5 == gk.Interval("chr2", "+", 4, 4, "tiny")
    with pytest.raises(TypeError):
        v.anchor  # noqa: B018


def test_equality_hash_pickle(tiny):
    a = gk.Variant("chr2", 4, "T", "G", tiny)
    b = tiny.variant("chr2:5:T:G")
    assert a == b and not (a != b)
    assert hash(a) == hash(b)
    assert a != gk.Variant("chr2", 4, "T", "C", tiny)
    assert a != gk.Interval("chr2", "+", 4, 5, "tiny")
    assert gk.Interval("chr2", "+", 4, 5, "tiny") != a
    assert len({a, b}) == 1
    c = pickle.loads(pickle.dumps(a))
    assert type(c) is gk.Variant and c == a
    with pytest.raises(TypeError):
        a < b  # noqa: B015


@pytest.mark.parametrize(
    "text, expected",
    [
        ("chr2:5:T:G", "<Variant chr2:5:T:G:tiny>"),
        ("chr2:5:t:g", "<Variant chr2:5:T:G:tiny>"),
        ("2:5:T:G", "<Variant chr2:5:T:G:tiny>"),
        ("NC_000002.1:5:T:G", "<Variant chr2:5:T:G:tiny>"),
        ("chr2:5::GG", "<Variant chr2:5::GG:tiny>"),
        ("chr2:5:-:GG", "<Variant chr2:5::GG:tiny>"),
        ("chr2:5:.:GG", "<Variant chr2:5::GG:tiny>"),
        ("chr2:5:TT:-", "<Variant chr2:5:TT::tiny>"),
        ("chr2:5:TT:.", "<Variant chr2:5:TT::tiny>"),
        ("chr2:4:CTT:C", "<Variant chr2:4:CTT:C:tiny>"),  # ClinVar-style padding kept
        ("chr2:41::A", "<Variant chr2:41::A:tiny>"),  # insertion after the last base
        ("chr2:40:A:G", "<Variant chr2:40:A:G:tiny>"),  # the last base
        ("chr2:1:A:N", "<Variant chr2:1:A:N:tiny>"),
    ],
)
def test_from_string_forms(tiny, text, expected):
    assert repr(gk.Variant.from_string(text, tiny)) == expected
    assert repr(tiny.variant(text)) == expected


def test_from_string_commas(yeast):
    seq = yeast.dna(gk.Interval("chrI", "+", 12344, 12345, yeast))
    v = yeast.variant(f"chrI:12,345:{seq}:N")
    assert v.start == 12344


def test_padded_and_plain_differ_but_are_equal_variants_of_each_other(tiny):
    assert tiny.variant("chr2:4:CTT:C") != tiny.variant("chr2:5:TT:")


def test_reference_mismatch_names_both_alleles(tiny):
    with pytest.raises(ValueError, match=r"'G'.*'T'"):
        tiny.variant("chr2:5:G:A")


@pytest.mark.parametrize(
    "text, exc",
    [
        ("chr2:5:T", ValueError),
        ("chr2:5:T:G:x", ValueError),
        ("chr2:abc:T:G", ValueError),
        ("chr2::T:G", ValueError),
        ("chr2:5:T:X", ValueError),
        ("chr9:5:T:G", ValueError),
        (" chr2:5:T:G", ValueError),
        ("chr2:0:A:G", IndexError),
        ("chr2:-3:A:G", IndexError),
        ("chr2:41:A:G", IndexError),
        ("chr2:40:AA:G", IndexError),
    ],
)
def test_from_string_errors(tiny, text, exc):
    with pytest.raises(exc):
        tiny.variant(text)


def test_from_string_needs_a_genome(tiny):
    with pytest.raises(AttributeError):
        gk.Variant.from_string("chr2:5:T:G", "tiny")


def test_variant_from_the_reference_sequence(tiny):
    # Every single base of chr2 validates as itself.
    for i, base in enumerate(CHR2):
        assert tiny.variant(f"chr2:{i + 1}:{base}:{base}").ref == base


def test_spanning_unanchored(tiny):
    a = gk.Variant("chr2", 4, "TT", "", tiny)
    b = gk.Variant("chr2", 10, "G", "A", tiny)
    assert gk.Variant.spanning(a, b) == gk.Interval("chr2", "+", 4, 11, "tiny")


# Anchored Variant.spanning: tests/test_variant_spanning.py
