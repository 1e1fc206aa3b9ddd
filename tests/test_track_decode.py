"""GenomeTrack read paths against a numpy model: every encoding through each decode kernel (bulk copies,
8-bit tables, packed bits, half→float), forward and reversed ('-') rows, narrow and wide dims, long blocks
that span several scratch chunks, many small blocks (the index's jump table), unaligned windows, and the
fast __call__ entry point's argument handling."""

from __future__ import annotations

import os

import numpy as np
import pytest

import genome_kit as gk
from genome_kit import GenomeTrack, GenomeTrackBuilder, _core

ETYPES = "m0 u1 u2 u3 u4 u5 u6 u8 i8 f2 f3 f4 f5 f6 f8 f16 f32".split()
CHROM = 2_000_000


@pytest.fixture(scope="module")
def dec(data_dir):
    """An assembly "dec" with one long and one short chromosome (sizes only)."""
    with open(os.path.join(data_dir, "dec.chrom.sizes"), "w") as f:
        f.write(f"chr1\t{CHROM}\nchr2\t1000\n")
    return gk.Genome("dec")


def I(strand, start, end, chrom="chr1"):  # noqa: E743 - short name keeps the tables readable
    return gk.Interval(chrom, strand, start, end, "dec")


def values(etype, rng, n, dim):
    """Encodable input and what a float32 decode returns for it."""
    if etype == "m0":
        return None, np.ones((n, 1), np.float32)
    if etype.startswith("u"):
        raw = rng.integers(0, 1 << int(etype[1:]), (n, dim)).astype(np.uint8)
        return raw, raw.astype(np.float32)
    if etype == "i8":
        raw = rng.integers(-128, 128, (n, dim)).astype(np.int8)
        return raw, raw.astype(np.float32)
    if etype == "f16":
        raw = (rng.standard_normal((n, dim)) * 100).astype(np.float16)
        return raw, raw.astype(np.float32)
    if etype == "f32":
        raw = (rng.standard_normal((n, dim)) * 1e6).astype(np.float32)
        return raw, raw
    table = np.linspace(0, 1, 1 << int(etype[1:])).astype(np.float32)
    idx = rng.integers(0, len(table), (n, dim))
    return table[idx], table[idx]


# Blocks (coarse rows): long ones crossing several 4096-value scratch chunks, odd lengths and offsets so
# packed groups of 8 values start mid-byte, and runs of tiny blocks with gaps for the jump table.
def layout(rng, dim):
    long_rows = max(9000 // dim, 300)
    blocks = [(3, 3 + long_rows), (3 + long_rows + 5, 3 + 2 * long_rows + 2)]
    at = blocks[-1][1] + 17
    for _ in range(300):
        n = int(rng.integers(1, 12))
        blocks.append((at, at + n))
        at += n + int(rng.integers(0, 9))  # touching blocks included
    return blocks


def build(dec, path, etype, dim, res, rng, default=3.0):
    dim = 1 if etype == "m0" else dim
    default = 0.0 if etype in ("m0", "u1") else default
    blocks = layout(rng, dim)
    model = np.full((blocks[-1][1] + 3100, dim), default, np.float32)  # coarse rows any window reaches
    with GenomeTrackBuilder(path, etype, "single_stranded", dec, dim=dim, resolution=res) as b:
        b.set_default_value(default)
        for s, e in blocks:
            data, decoded = values(etype, rng, e - s, dim)
            b.set_data(I("+", s * res, e * res), data)
            model[s:e] = decoded
    return GenomeTrack(path), model, dim, blocks[-1][1] * res


def expected(model, res, iv):
    before = max(0, min(iv.end, 0) - iv.start)  # positions before 0 read the default (model's last row)
    start = iv.start + before
    n = iv.end - start
    rows = np.repeat(model[start // res : (iv.end - 1) // res + 1], res, axis=0) if n > 0 else model[:0]
    rows = np.concatenate([np.repeat(model[-1:], before, axis=0), rows[start % res : start % res + n]])
    return rows[::-1] if iv.strand == "-" else rows


def windows(rng, span):
    """Window (start, end) pairs in bases: edges, past the data, empty, and random (unaligned when R > 1)."""
    out = [(0, 1), (0, 40), (2, 9), (span - 3, span + 50), (span + 10, span + 20), (7, 7)]
    out += [(-5, 10), (-40, -2), (-111, 75), (-3, 0)]  # before 0: padded with the default
    for _ in range(40):
        s = int(rng.integers(0, span))
        out.append((s, s + int(rng.integers(1, 3000))))
    return out


# R = 37: repeated rows of 37 values (runs of 37-148 bytes: vector stores with an overlapping last one).
GRID = [(e, d, r) for e in ETYPES for d in ((1,) if e == "m0" else (1, 5, 16, 64)) for r in (1, 3, 37)]
# Rows of 2, 4 and 8 bytes: reversed ('-') as single wider values.
GRID += [(e, d, 1) for e in ("u8", "i8", "f16", "f32") for d in (2, 4, 8)]


@pytest.mark.parametrize("etype,dim,res", GRID)
def test_every_kernel_matches_the_model(dec, tmp_path, etype, dim, res):
    rng = np.random.default_rng(ETYPES.index(etype) * 1000 + dim * 10 + res)
    track, model, dim, span = build(dec, str(tmp_path / "t.gtrack"), etype, dim, res, rng)
    native_dtype = np.dtype(track.dtype)
    for s, e in windows(rng, span):
        for strand in "+-":
            iv = I(strand, s, e)
            want = expected(model, res, iv)
            got = track(iv, np.float32)
            assert got.shape == (e - s, dim) and got.dtype == np.float32
            np.testing.assert_array_equal(got, want, err_msg=f"{etype} dim={dim} R={res} {iv}")
            native = track(iv)
            assert native.dtype == native_dtype
            np.testing.assert_array_equal(
                native.astype(np.float32), want.astype(native_dtype).astype(np.float32)
            )
            if e == s:
                continue
            # A strided out= takes the row-by-row path.
            buf = np.full((e - s, dim + 3), 99, np.float32)
            track(iv, out=buf[:, :dim])
            np.testing.assert_array_equal(buf[:, :dim], want)
            assert (buf[:, dim:] == 99).all()
    # batch reads agree with single reads
    ivs = [I("-" if k % 2 else "+", s, s + 700) for k, s in enumerate(range(-350, span, max(span // 7, 1)))]
    got = track.batch(ivs, np.float32)
    for k, iv in enumerate(ivs):
        np.testing.assert_array_equal(got[k], expected(model, res, iv))


def test_jump_table_many_blocks(dec, tmp_path):
    """Thousands of blocks: every boundary, gap and block interior reads back (lookups go through the
    jump table's buckets, including the first and last ones)."""
    rng = np.random.default_rng(5)
    path = str(tmp_path / "j.gtrack")
    model = np.full(CHROM, -1, np.float32)
    starts = np.sort(rng.choice(CHROM // 4, 5000, replace=False)) * 4
    with GenomeTrackBuilder(path, "i8", "single_stranded", dec) as b:
        b.set_default_value(-1)
        for k, s in enumerate(starts):
            n = int(rng.integers(1, 4))
            vals = np.full(n, k % 100, np.int8)
            b.set_data(I("+", int(s), int(s) + n), vals)
            model[s : s + n] = k % 100
    t = GenomeTrack(path)
    assert t.num_blocks == 5000
    probes = [0, 1, CHROM - 1, CHROM, CHROM + 5000]
    for s in starts[::7]:
        probes += [int(s) - 1, int(s), int(s) + 1, int(s) + 3]
    for p in probes:
        for n in (1, 5, 37):
            p = max(p, 0)
            got = t(I("+", p, p + n), np.float32)[:, 0]
            want = np.concatenate([model[p : p + n], np.full(max(0, p + n - CHROM), -1, np.float32)])[:n]
            np.testing.assert_array_equal(got, want, err_msg=f"{p}+{n}")
    whole = t(I("-", 0, CHROM))[:, 0]
    np.testing.assert_array_equal(whole, model[::-1].astype(np.int8))


def test_half_conversion_every_bit_pattern(dec, tmp_path):
    """All 65536 float16 bit patterns (zeros, subnormals, inf, NaN payloads) decode to float32 exactly as
    numpy converts them, through both the run-time dispatched kernel and the portable one."""
    halves = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
    want = halves.astype(np.float32)
    for portable in (False, True):
        got = _core._halves_to_floats(halves, portable)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(
            got.view(np.uint32) & ~np.uint32(0x00400000), want.view(np.uint32) & ~np.uint32(0x00400000)
        )
        finite = np.isfinite(want)
        np.testing.assert_array_equal(got[finite].view(np.uint32), want[finite].view(np.uint32))
    # and through a track (bulk path, both strands)
    path = str(tmp_path / "h.gtrack")
    finite16 = halves[np.isfinite(halves)]
    with GenomeTrackBuilder(path, "f16", "single_stranded", dec) as b:
        b.set_data(I("+", 0, len(finite16)), finite16)
    t = GenomeTrack(path)
    got = t(I("+", 0, len(finite16)), np.float32)[:, 0]
    np.testing.assert_array_equal(got.view(np.uint32), finite16.astype(np.float32).view(np.uint32))
    got = t(I("-", 0, len(finite16)), np.float32)[:, 0]
    np.testing.assert_array_equal(got[::-1].view(np.uint32), finite16.astype(np.float32).view(np.uint32))


def test_call_arguments(dec, tmp_path):
    """The fast __call__ parses positional and keyword arguments like a Python signature."""
    path = str(tmp_path / "c.gtrack")
    with GenomeTrackBuilder(path, "u8", "single_stranded", dec) as b:
        b.set_data(I("+", 10, 20), np.arange(10, dtype=np.uint8))
    t = GenomeTrack(path)
    iv = I("+", 12, 15)
    want = np.array([[2], [3], [4]], np.uint8)
    np.testing.assert_array_equal(t(iv), want)
    np.testing.assert_array_equal(t(interval=iv), want)
    assert t(iv, np.float32).dtype == np.float32
    assert t(iv, dtype=np.float16).dtype == np.float16
    assert t(iv, np.dtype("float32")).dtype == np.float32
    assert t(iv, "float32").dtype == np.float32
    assert t(iv, None).dtype == np.uint8
    out = np.zeros((3, 1), np.float32)
    assert t(iv, out=out) is out
    assert t(iv, None, out) is out
    np.testing.assert_array_equal(out, want)
    # a subclass of Interval (Variant) takes the generic path
    np.testing.assert_array_equal(t(gk.Variant("chr1", 12, "A", "C", "dec")), [[2]])
    with pytest.raises(TypeError, match="missing required argument 'interval'"):
        t()
    with pytest.raises(TypeError, match="at most 3 arguments"):
        t(iv, None, None, None)
    with pytest.raises(TypeError, match="unexpected keyword argument 'dtyp'"):
        t(iv, dtyp=np.float32)
    with pytest.raises(TypeError, match="multiple values for argument 'interval'"):
        t(iv, interval=iv)
    with pytest.raises(TypeError, match="expected an Interval"):
        t("chr1:12-15")
    with pytest.raises(TypeError, match="Cannot decode as int8"):
        t(iv, np.int8)
    with pytest.raises(TypeError, match="Cannot decode as float64"):
        t(iv, np.float64)
    with pytest.raises(ValueError, match="Row mismatch"):
        t(iv, out=np.zeros((2, 1), np.uint8))
    with pytest.raises(TypeError):
        GenomeTrack.__call__(object(), iv)
    assert "interval" in (GenomeTrack.__call__.__doc__ or "")


def test_large_results_reuse_buffers(dec, tmp_path):
    """Results of >= 16 MiB come from the buffer cache: each array stays intact while alive, owns a
    distinct buffer, and a freed buffer is reused without leaking old contents into the new result."""
    path = str(tmp_path / "big.gtrack")
    rows = 2 << 20
    data = (np.arange(rows, dtype=np.float32) % 1000).astype(np.float16)[:, None]
    with GenomeTrackBuilder(path, "f16", "single_stranded", dec, dim=1, resolution=1) as b:
        b.set_data(I("+", 0, CHROM), data[:CHROM])
    t = GenomeTrack(path)
    iv = I("+", 0, CHROM)
    a = t(iv, np.float32)
    assert a.nbytes < 16 << 20  # this one from numpy
    big = [I("+", 0, CHROM) for _ in range(3)]
    xs = t.batch(big * 12, np.float32)  # 12 * 3 * 400000 * 4 bytes = 57.6 MB
    assert xs.flags.c_contiguous and xs.flags.writeable and xs.flags.aligned
    ys = t.batch(big * 12, np.float32)
    assert not np.shares_memory(xs, ys)
    np.testing.assert_array_equal(xs, ys)
    xs[:] = -5
    del xs
    zs = t.batch([I("-", 0, CHROM)] * 36, np.float32)  # may reuse the freed buffer
    np.testing.assert_array_equal(zs[7, :, 0], data[:CHROM, 0][::-1].astype(np.float32))
    np.testing.assert_array_equal(ys[35, :, 0], data[:CHROM, 0].astype(np.float32))
    zs += 1  # writeable
    assert zs.base is not None
