"""GenomeTrack / GenomeTrackBuilder: round trips of every encoding against a
numpy model, reader features (views, batches, out=), builder options, bad
input and corrupt files."""

from __future__ import annotations

import os
import pickle
import struct

import numpy as np
import pytest

import genome_kit as gk
from genome_kit import GenomeTrack, GenomeTrackBuilder

ETYPES = "m0 u1 u2 u3 u4 u5 u6 u8 i8 f2 f3 f4 f5 f6 f8 f16 f32".split()
STRANDEDNESS = ["single_stranded", "strand_unaware", "strand_aware"]
SIZES = "chr1\t100000\nchr2\t50000\nchr3\t20000\n"


@pytest.fixture(scope="module")
def trk(data_dir):
    """A small assembly "trk" (only chrom.sizes: tracks need no sequence)."""
    with open(os.path.join(data_dir, "trk.chrom.sizes"), "w") as f:
        f.write(SIZES)
    return gk.Genome("trk")


def I(chrom, strand, start, end):  # noqa: E743 - short name keeps tables readable
    return gk.Interval(chrom, strand, start, end, "trk")


# --- a numpy model of a track -------------------------------------------------------------------------------


def stored_values(etype, rng, n, dim):
    """Random encodable input and the values a float32 decode must return."""
    if etype == "m0":
        return None, np.ones((n, 1), np.float32)
    if etype.startswith("u"):
        hi = (1 << int(etype[1:])) - 1
        raw = rng.integers(0, hi + 1, (n, dim)).astype(np.uint8)
        return (raw.astype(bool) if etype == "u1" and rng.random() < 0.5 else raw), raw.astype(np.float32)
    if etype == "i8":
        raw = rng.integers(-128, 128, (n, dim)).astype(np.int8)
        return raw, raw.astype(np.float32)
    if etype == "f16":
        raw = (rng.standard_normal((n, dim)) * 100).astype(np.float16)
        return raw, raw.astype(np.float32)
    if etype == "f32":
        raw = (rng.standard_normal((n, dim)) * 1e6).astype(np.float32)
        return raw, raw
    bits = int(etype[1:])  # dictionary: default linspace(0, 1)
    dictionary = np.linspace(0, 1, 1 << bits).astype(np.float32)
    idx = rng.integers(0, 1 << bits, (n, dim))
    return dictionary[idx].astype(np.float32), dictionary[idx]


class Model:
    """Dense per-(chromosome, strand) arrays of float32 values."""

    def __init__(self, stranded, dim, res, default):
        self.stranded, self.dim, self.res, self.default = stranded, dim, res, default
        self.data = {}

    def _arr(self, chrom, strand):
        key = (chrom, strand if self.stranded else "+")
        if key not in self.data:
            self.data[key] = np.full((2000, self.dim), self.default, np.float32)
        return self.data[key]

    def set(self, iv, decoded, strand_aware):
        rows = decoded[::-1] if (strand_aware and iv.strand == "-") else decoded
        self._arr(iv.chromosome, iv.strand)[iv.start : iv.end] = np.repeat(rows, self.res, axis=0)

    def read(self, iv):
        out = self._arr(iv.chromosome, iv.strand)[iv.start : iv.end]
        return out[::-1] if iv.strand == "-" else out


BLOCKS = [("chr1", "+", 0, 24), ("chr1", "+", 48, 120), ("chr1", "-", 12, 60), ("chr2", "+", 600, 840)]
READS = [
    ("chr1", "+", 0, 130),
    ("chr1", "-", 0, 130),
    ("chr1", "+", 5, 7),
    ("chr1", "-", 13, 59),
    ("chr1", "+", 23, 49),
    ("chr2", "-", 590, 850),
    ("chr2", "+", 601, 602),
    ("chr3", "+", 0, 10),
    ("chr1", "+", 9, 9),
]


GRID = [
    (etype, strandedness, dim, res)
    for etype in ETYPES
    for strandedness in STRANDEDNESS
    for dim in ((1,) if etype == "m0" else (1, 3))
    for res in (1, 4)
]


@pytest.mark.parametrize("etype,strandedness,dim,res", GRID)
def test_round_trip(trk, tmp_path, etype, strandedness, dim, res):
    rng = np.random.default_rng(abs(hash((etype, strandedness, dim, res))) % 2**32)
    path = str(tmp_path / "t.gtrack")
    default = 0.0 if etype in ("m0", "u1") else 1.0
    b = GenomeTrackBuilder(path, etype, strandedness, trk, dim=dim, resolution=res)
    b.set_default_value(default)
    model = Model(strandedness != "single_stranded", dim, res, default)
    for chrom, strand, s, e in BLOCKS:
        if strandedness == "single_stranded" and strand == "-":
            continue
        iv = I(chrom, strand, s, e)
        data, decoded = stored_values(etype, rng, (e - s) // res, dim)
        if data is not None and dim == 1 and rng.random() < 0.5:
            data = data.ravel()  # 1-D input is accepted for dim 1
        b.set_data(iv, data)
        model.set(iv, decoded, strandedness == "strand_aware")
    assert b.data_size > 0 and b.index_size > 0
    b.finalize()

    t = GenomeTrack(path)
    assert (t.dim, t.resolution, t.etype, t.stranded) == (dim, res, etype, strandedness != "single_stranded")
    for chrom, strand, s, e in READS:
        iv = I(chrom, strand, s, e)
        got = t(iv, np.float32)
        assert got.shape == (e - s, dim)
        np.testing.assert_array_equal(got, model.read(iv), err_msg=f"{iv}")
        native = t(iv)
        assert native.dtype == np.dtype(t.dtype) and native.shape == (e - s, dim)
        np.testing.assert_array_equal(native.astype(np.float32), got.astype(native.dtype).astype(np.float32))


def test_quickstart_neg_strand(trk, tmp_path):
    """The tutorial's neg.gtrack example: strand_aware reverses '-' input,
    strand_unaware keeps reference order."""
    iv = I("chr1", "-", 10, 15)
    expect = {"strand_unaware": [4, 3, 2, 1, 0], "strand_aware": [0, 1, 2, 3, 4]}
    for strandedness, rows in expect.items():
        path = str(tmp_path / f"neg_{strandedness}.gtrack")
        with GenomeTrackBuilder(path, "u3", strandedness, trk) as b:
            b.set_data(iv, np.arange(0, len(iv), dtype=np.uint8))
        t = GenomeTrack(path)
        assert t(iv).ravel().tolist() == rows
        assert t(iv.as_opposite_strand()).ravel().tolist() == [0] * 5
        assert t(iv.expand(2, 2)).ravel().tolist() == [0, 0] + rows + [0, 0]


def build(path, trk, etype="f16", strandedness="strand_unaware", dim=1, res=1, configure=None, data=()):
    b = GenomeTrackBuilder(str(path), etype, strandedness, trk, dim=dim, resolution=res)
    if configure:
        configure(b)
    for iv, arr in data:
        b.set_data(iv, arr)
    b.finalize()
    return GenomeTrack(str(path))


# --- reader features ---------------------------------------------------------------------------------------


def test_defaults_when_never_set(trk, tmp_path):
    t = build(tmp_path / "a.gtrack", trk, "u8", data=[(I("chr1", "+", 0, 2), np.array([5, 6], np.uint8))])
    assert t(I("chr1", "+", 0, 4)).ravel().tolist() == [5, 6, 0, 0]
    assert np.isnan(t(I("chr1", "+", 3, 4), np.float32)).all()
    f = build(tmp_path / "b.gtrack", trk, "f16")
    assert np.isnan(f(I("chr2", "-", 0, 3))).all()


def test_unaligned_reads_at_resolution(trk, tmp_path):
    data = [(I("chr1", "+", 10, 40), np.array([1, 2, 3], np.uint8))]
    t = build(tmp_path / "r.gtrack", trk, "u8", "single_stranded", res=10, data=data)
    assert t(I("chr1", "+", 7, 33)).ravel().tolist() == [0] * 3 + [1] * 10 + [2] * 10 + [3] * 3
    assert t(I("chr1", "-", 7, 33)).ravel().tolist() == ([0] * 3 + [1] * 10 + [2] * 10 + [3] * 3)[::-1]
    assert t.intervals == [I("chr1", "+", 10, 40)]


def test_view_is_zero_copy(trk, tmp_path):
    data = np.arange(40, dtype=np.float32).reshape(20, 2)
    t = build(tmp_path / "v.gtrack", trk, "f32", dim=2, data=[(I("chr1", "+", 100, 120), data)])
    v = t.view(I("chr1", "+", 105, 110))
    np.testing.assert_array_equal(v, data[5:10])
    assert not v.flags.writeable and not v.flags.owndata
    with pytest.raises(ValueError):
        v[0, 0] = 1
    with pytest.raises(ValueError, match="zero-copy"):
        t.view(I("chr1", "+", 95, 110))  # partly uncovered
    with pytest.raises(ValueError, match="zero-copy"):
        t.view(I("chr1", "-", 105, 110))  # reversed rows
    del t
    np.testing.assert_array_equal(v, data[5:10])  # the view keeps the mapping alive


def test_batch_and_out(trk, tmp_path):
    rng = np.random.default_rng(1)
    data = rng.standard_normal((300, 2)).astype(np.float16)
    t = build(tmp_path / "b.gtrack", trk, "f16", dim=2, data=[(I("chr1", "+", 100, 400), data)])
    ivs = [I("chr1", s, p, p + 50) for s, p in (("+", 90), ("-", 120), ("+", 380), ("-", 0))]
    batch = t.batch(ivs)
    assert batch.shape == (4, 50, 2) and batch.dtype == np.float16
    for k, iv in enumerate(ivs):
        np.testing.assert_array_equal(batch[k], t(iv))
    np.testing.assert_array_equal(t.batch(ivs, np.float32), batch.astype(np.float32))
    out = np.zeros((4, 50, 2), np.float32)
    assert t.batch(ivs, out=out) is out
    np.testing.assert_array_equal(out, batch.astype(np.float32))
    with pytest.raises(ValueError, match="equal length"):
        t.batch([I("chr1", "+", 0, 5), I("chr1", "+", 0, 6)])
    assert t.batch([]).shape == (0, 0, 2)

    # out= with strided rows and 1-D out for dim 1
    big = np.zeros((50, 5), np.float32)
    window = big[:, 1:3]
    assert t(ivs[1], out=window) is window
    np.testing.assert_array_equal(big[:, 1:3], t(ivs[1], np.float32))
    assert (big[:, 0] == 0).all() and (big[:, 3:] == 0).all()
    with pytest.raises(ValueError, match="Row mismatch"):
        t(ivs[0], out=np.zeros((49, 2), np.float32))
    with pytest.raises(ValueError, match="Column mismatch"):
        t(ivs[0], out=np.zeros((50, 3), np.float32))
    with pytest.raises(TypeError):
        t(ivs[0], out=np.zeros((50, 2), np.float64))
    with pytest.raises(ValueError, match="writeable"):
        ro = np.zeros((50, 2), np.float32)
        ro.flags.writeable = False
        t(ivs[0], out=ro)
    data = [(I("chr1", "+", 0, 3), np.array([7, 8, 9], np.uint8))]
    t1 = build(tmp_path / "c.gtrack", trk, "u8", "single_stranded", data=data)
    flat = np.zeros(3, np.float32)
    t1(I("chr1", "-", 0, 3), out=flat)
    assert flat.tolist() == [9, 8, 7]


def test_decode_type_errors(trk, tmp_path):
    t = build(tmp_path / "d.gtrack", trk, "f32")
    with pytest.raises(TypeError, match="Cannot decode as float16"):
        t(I("chr1", "+", 0, 3), np.float16)
    with pytest.raises(TypeError):
        t(I("chr1", "+", 0, 3), np.float64)
    with pytest.raises(ValueError, match="Reference genome mismatch"):
        t(_other_refg())
    with pytest.raises(TypeError, match="Interval"):
        t(("chr1", "+", 0, 3))


def _other_refg():
    return gk.Interval("chr1", "+", 0, 3, gk.Genome("trk2"))


@pytest.fixture(autouse=True, scope="module")
def _second_assembly(data_dir):
    with open(os.path.join(data_dir, "trk2.chrom.sizes"), "w") as f:
        f.write(SIZES)


def test_pickle_and_repr(trk, tmp_path):
    t = build(tmp_path / "p.gtrack", trk, "u8", data=[(I("chr1", "+", 0, 2), np.array([1, 2], np.uint8))])
    t2 = pickle.loads(pickle.dumps(t))
    assert isinstance(t2, GenomeTrack) and t2.filename == t.filename
    np.testing.assert_array_equal(t2(I("chr1", "+", 0, 3)), t(I("chr1", "+", 0, 3)))
    assert "u8" in repr(t)
    with GenomeTrack(t.filename) as t3:
        assert t3.dim == 1


def test_histogram(trk, tmp_path):
    t = build(
        tmp_path / "h.gtrack",
        trk,
        "f16",
        configure=lambda b: b.set_default_value(0),
        data=[(I("chr1", "+", 0, 5), np.array([1, np.nan, -0.0, 2, 2], np.float16))],
    )
    h = t.histogram(I("chr1", "+", 0, 10))
    assert {float(k): int(v) for k, v in h.items()} == {0.0: 6, 1.0: 1, 2.0: 2}
    assert all(type(k) is np.float16 for k in h)
    whole = t.histogram(trk)  # every chromosome, both strands
    assert int(whole[np.float16(2)]) == 2
    assert int(sum(whole.values())) == 2 * (100000 + 50000 + 20000) - 1


# --- builder options ---------------------------------------------------------------------------------------


def test_sparsity_splits_blocks(trk, tmp_path):
    vals = np.array([0.1, 0.2, 0.3, 1, 0.4, 2, 0.1, 0.1, 0.1, 0.6], np.float16)
    t = build(
        tmp_path / "s.gtrack",
        trk,
        configure=lambda b: (b.set_default_value(0), b.set_sparsity(2, 0.5)),
        data=[(I("chr1", "+", 0, 10), vals)],
    )
    expect = [0, 0, 0, 1, 0, 2, 0, 0, 0, pytest.approx(0.6, abs=1e-3)]
    assert t(I("chr1", "+", 0, 10)).ravel().tolist() == expect
    assert t.intervals == [I("chr1", "+", 3, 6), I("chr1", "+", 9, 10)]


def test_sparse_runs_cost_nothing(trk, tmp_path):
    dense = np.zeros(20000, np.float16)
    dense[5000:5010] = 1
    a = build(tmp_path / "dense.gtrack", trk, data=[(I("chr1", "+", 0, 20000), dense)])
    s = build(
        tmp_path / "sparse.gtrack",
        trk,
        configure=lambda b: (b.set_default_value(0), b.set_sparsity()),
        data=[(I("chr1", "+", 0, 20000), dense)],
    )
    np.testing.assert_array_equal(a(I("chr1", "+", 0, 20000)), s(I("chr1", "+", 0, 20000)))
    assert os.path.getsize(s.filename) < 400 < 40000 < os.path.getsize(a.filename)


def test_bit_packing_sizes(trk, tmp_path):
    n = 8000
    sizes = {}
    for etype in ("u1", "u2", "u3", "u4", "u6", "u8", "f16"):
        data = np.ones(n, np.uint8) if etype != "f16" else np.ones(n, np.float16)
        t = build(tmp_path / f"{etype}.gtrack", trk, etype, data=[(I("chr1", "+", 0, n), data)])
        sizes[etype] = os.path.getsize(t.filename)
    overhead = sizes["u1"] - n // 8
    for etype, bits in (("u2", 2), ("u3", 3), ("u4", 4), ("u6", 6), ("u8", 8), ("f16", 16)):
        assert sizes[etype] - overhead == n * bits // 8


def test_dictionary_encoding(trk, tmp_path):
    t = build(
        tmp_path / "f2.gtrack",
        trk,
        "f2",
        configure=lambda b: b.set_dict(np.array([0, 1, 2, np.nan], np.float32)),
        data=[(I("chr1", "+", 0, 5), np.array([0.4, 0.5, 1.6, np.nan, 2], np.float32))],
    )
    got = t(I("chr1", "+", 0, 5), np.float32).ravel()
    assert got[:3].tolist() == [0, 1, 2] and np.isnan(got[3]) and got[4] == 2  # ties go up
    b = GenomeTrackBuilder(str(tmp_path / "x.gtrack"), "f3", "single_stranded", trk)
    with pytest.raises(ValueError, match="size 8"):
        b.set_dict(np.zeros(4, np.float32))
    with pytest.raises(ValueError, match="non-decreasing"):
        b.set_dict(np.array([0, 1, 2, 3, 4, 5, 7, 6], np.float32))
    with pytest.raises(ValueError, match="finite"):
        b.set_dict(np.array([0, 1, 2, 3, 4, 5, 6, np.inf], np.float32))
    with pytest.raises(ValueError, match="NaN"):
        b.set_dict(np.array([np.nan, 1, 2, 3, 4, 5, 6, 7], np.float32))
    with pytest.raises(ValueError, match="larger than largest"):
        b.set_data(I("chr1", "+", 0, 1), np.array([1.5], np.float32))
    with pytest.raises(ValueError, match="no nan entry"):
        b.set_data(I("chr1", "+", 0, 1), np.array([np.nan], np.float32))
    u = GenomeTrackBuilder(str(tmp_path / "y.gtrack"), "u8", "single_stranded", trk)
    with pytest.raises(ValueError, match="set_dict"):
        u.set_dict(np.zeros(256, np.float32))


def test_clamping_and_transform(trk, tmp_path):
    t = build(
        tmp_path / "c.gtrack",
        trk,
        "f2",
        configure=lambda b: b.set_clamping(),
        data=[(I("chr1", "+", 0, 3), np.array([-1, 0.4, 5], np.float32))],
    )
    assert t(I("chr1", "+", 0, 3), np.float32).ravel().tolist() == pytest.approx([0, 1 / 3, 1])
    t = build(
        tmp_path / "t.gtrack",
        trk,
        "u8",
        configure=lambda b: b.set_transform(0, 1, 0, 100),
        data=[(I("chr1", "+", 0, 3), np.array([0, 0.5, 1], np.float32))],
    )
    assert t(I("chr1", "+", 0, 3)).ravel().tolist() == [0, 50, 100]
    with pytest.raises(ValueError, match="Overflow"):
        build(tmp_path / "o.gtrack", trk, "f16", data=[(I("chr1", "+", 0, 1), np.array([1e6], np.float32))])
    t = build(
        tmp_path / "oc.gtrack",
        trk,
        "f16",
        configure=lambda b: b.set_clamping(),
        data=[(I("chr1", "+", 0, 1), np.array([-1e6], np.float32))],
    )
    assert t(I("chr1", "+", 0, 1)).item() == -65504


def test_restriction(trk, tmp_path):
    t = build(
        tmp_path / "r.gtrack",
        trk,
        "f16",
        "single_stranded",
        res=4,
        configure=lambda b: b.set_restriction(I("chr1", "-", 5, 15)),
        data=[
            (I("chr1", "+", 0, 20), np.arange(5, dtype=np.float16)),
            (I("chr2", "+", 0, 8), np.arange(2, dtype=np.float16)),
        ],
    )
    assert t.intervals == [I("chr1", "+", 4, 16)]


def test_metadata(trk, tmp_path):
    path = str(tmp_path / "m.gtrack")
    with GenomeTrackBuilder(path, "f16", "strand_aware", trk, dim=2, resolution=128) as b:
        b.set_metadata(
            name=["DNase", "ChIP H3K27ac"],
            strand=[".", "+"],
            ontology_curie=["UBERON:0002048", "CL:0000084"],
            biosample=["lung", "T-cell"],
        )
    t = GenomeTrack(path)
    assert t.metadata_dict()["ontology_curie"] == ["UBERON:0002048", "CL:0000084"]
    pd = pytest.importorskip("pandas")
    df = t.metadata
    assert isinstance(df, pd.DataFrame) and len(df) == 2
    assert df["name"].tolist() == ["DNase", "ChIP H3K27ac"] and df["biosample"][1] == "T-cell"
    b = GenomeTrackBuilder(str(tmp_path / "m2.gtrack"), "f16", "strand_aware", trk, dim=2)
    with pytest.raises(ValueError, match="dim 2"):
        b.set_metadata(name=["only one"])
    with pytest.raises(ValueError, match="strand"):
        b.set_metadata(strand=["+", "x"])
    b.set_metadata(pd.DataFrame({"name": ["a", "b"]}))
    b.finalize()
    assert GenomeTrack(b.filename).metadata["name"].tolist() == ["a", "b"]
    assert GenomeTrack(build(tmp_path / "none.gtrack", trk).filename).metadata_dict() == {}


def test_context_manager(trk, tmp_path):
    path = tmp_path / "ok.gtrack"
    with GenomeTrackBuilder(str(path), "u8", "single_stranded", trk) as b:
        b.set_data(I("chr1", "+", 0, 2), np.array([1, 2], np.uint8))
    assert GenomeTrack(str(path))(I("chr1", "+", 0, 2)).ravel().tolist() == [1, 2]

    bad = tmp_path / "bad.gtrack"
    with pytest.raises(KeyError):
        with GenomeTrackBuilder(str(bad), "u8", "single_stranded", trk) as b:
            b.set_data(I("chr1", "+", 0, 40000), np.ones(40000, np.uint8))
            raise KeyError("boom")
    assert not bad.exists()
    assert sorted(os.listdir(tmp_path)) == ["ok.gtrack"]  # no spill or temporary files left


def test_flush_seals_chromosomes(trk, tmp_path):
    b = GenomeTrackBuilder(str(tmp_path / "f.gtrack"), "u8", "single_stranded", trk)
    b.set_data(I("chr1", "+", 0, 2), np.array([1, 2], np.uint8))
    b.flush()
    with pytest.raises(ValueError, match="flushed"):
        b.set_data(I("chr1", "+", 10, 12), np.array([1, 2], np.uint8))
    b.set_data(I("chr2", "+", 10, 12), np.array([3, 4], np.uint8))
    b.finalize()
    t = GenomeTrack(b.filename)
    assert t(I("chr2", "+", 10, 12)).ravel().tolist() == [3, 4]


# --- bad input ---------------------------------------------------------------------------------------------


def test_builder_errors(trk, tmp_path):
    p = str(tmp_path / "e.gtrack")
    with pytest.raises(ValueError, match="etype"):
        GenomeTrackBuilder(p, "u7", "single_stranded", trk)
    with pytest.raises(ValueError) as e:
        GenomeTrackBuilder(p, "u8", "both", trk)
    assert isinstance(e.value, AssertionError)
    with pytest.raises(ValueError, match="dim"):
        GenomeTrackBuilder(p, "u8", "single_stranded", trk, dim=0)
    with pytest.raises(ValueError, match="1 dimensional"):
        GenomeTrackBuilder(p, "m0", "single_stranded", trk, dim=2)
    with pytest.raises(TypeError, match="Genome"):
        GenomeTrackBuilder(p, "u8", "single_stranded", "trk")

    b = GenomeTrackBuilder(p, "u3", "single_stranded", trk, resolution=3)
    with pytest.raises(TypeError, match="unrecognized dtype"):
        b.set_data(I("chr1", "+", 0, 6), np.zeros(2, np.complex64))
    with pytest.raises(TypeError, match="Cannot encode as u3"):
        b.set_data(I("chr1", "+", 0, 6), np.zeros(2, np.int8))
    with pytest.raises(ValueError, match="aligned"):
        b.set_data(I("chr1", "+", 1, 7), np.zeros(2, np.uint8))
    with pytest.raises(ValueError, match="rows"):
        b.set_data(I("chr1", "+", 0, 6), np.zeros(3, np.uint8))
    with pytest.raises(ValueError, match="columns"):
        b.set_data(I("chr1", "+", 0, 6), np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match=r"range \[0,7\]"):
        b.set_data(I("chr1", "+", 0, 6), np.array([1, 9], np.uint8))
    with pytest.raises(ValueError, match="integral"):
        b.set_data(I("chr1", "+", 0, 6), np.array([1, 2.5], np.float32))
    with pytest.raises(ValueError, match="negative strand"):
        b.set_data(I("chr1", "-", 0, 6), np.zeros(2, np.uint8))
    b.set_data(I("chr1", "+", 0, 6), np.zeros(2, np.uint8))
    b.set_data(I("chr1", "+", 6, 12), np.zeros(2, np.uint8))  # touching is fine
    with pytest.raises(ValueError, match="Overlapping"):
        b.set_data(I("chr1", "+", 9, 15), np.zeros(2, np.uint8))
    with pytest.raises(RuntimeError, match="after data"):
        b.set_default_value(3)
    with pytest.raises(ValueError, match="Reference genome"):
        b.set_data(_other_refg().expand(0, 3), np.zeros(2, np.uint8))
    b.set_data(I("chr1", "+", 30, 36), np.zeros((4, 2), np.uint8)[::2, 0])  # non-contiguous input is copied
    b.finalize()
    with pytest.raises(RuntimeError, match="already"):
        b.finalize()
    with pytest.raises(RuntimeError):
        b.set_data(I("chr1", "+", 60, 66), np.zeros(2, np.uint8))
    m = GenomeTrackBuilder(p, "m0", "single_stranded", trk)
    with pytest.raises(ValueError, match="None"):
        m.set_data(I("chr1", "+", 0, 3), np.ones(3, np.bool_))


def test_missing_and_corrupt_files(trk, tmp_path):
    with pytest.raises(OSError) as e:
        GenomeTrack(str(tmp_path / "missing.gtrack"))
    assert type(e.value) is OSError
    rng = np.random.default_rng(0)
    t = build(
        tmp_path / "good.gtrack",
        trk,
        "u4",
        "strand_aware",
        dim=2,
        data=[
            (I("chr1", "+", 0, 100), rng.integers(0, 16, (100, 2)).astype(np.uint8)),
            (I("chr1", "-", 200, 300), rng.integers(0, 16, (100, 2)).astype(np.uint8)),
        ],
    )
    with open(t.filename, "rb") as f:
        good = f.read()

    def corrupt(name, data, match):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(OSError, match=match):
            GenomeTrack(str(path))

    corrupt("trunc.gtrack", good[:-9], "truncated|corrupt")
    corrupt("magic.gtrack", b"XXXXXXX\0" + good[8:], "magic")
    corrupt("version.gtrack", good[:8] + struct.pack("<I", 99) + good[12:], "version 99")
    corrupt("empty.gtrack", b"", "magic")
    hdr = 32
    table_offset = struct.unpack_from("<Q", good, hdr + 72)[0]
    index_offset = struct.unpack_from("<Q", good, table_offset + 16)[0]
    bad = bytearray(good)
    struct.pack_into("<Q", bad, table_offset + 16, len(good) + 64)  # index past the end
    corrupt("index.gtrack", bytes(bad), "corrupt|truncated")
    bad = bytearray(good)
    struct.pack_into("<Q", bad, index_offset, len(good) - 2)  # payload outside the data region
    corrupt("payload.gtrack", bytes(bad), "data region")
    bad = bytearray(good)
    struct.pack_into("<I", bad, index_offset + 8, 500)  # start after end
    corrupt("order.gtrack", bytes(bad), "sorted")
    bad = bytearray(good)
    bad[hdr] = 40  # unknown etype
    corrupt("etype.gtrack", bytes(bad), "etype")
