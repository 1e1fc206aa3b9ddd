"""Track reads at a resolution (pooled in C++ from the stored rows) against plain numpy pooling of base
reads, for stored resolutions 1 and 128, stranded and unstranded tracks, windows on both strands, unaligned
windows and windows past the chromosome ends; GenomeTrack.read -> TrackData with the file's metadata."""

from __future__ import annotations

import os

import numpy as np
import pytest

import genome_kit as gk

DIM = 3


@pytest.fixture(
    scope="module", params=[(1, "strand_unaware"), (128, "single_stranded"), (128, "strand_unaware")]
)
def track(request, yeast, tmp_path_factory):
    stored, strandedness = request.param
    path = str(tmp_path_factory.mktemp("res") / f"t{stored}{strandedness}.gtrack")
    rng = np.random.default_rng(stored)
    size = yeast.chromosome_size("chrI")
    with gk.GenomeTrackBuilder(path, "f32", strandedness, yeast, dim=DIM, resolution=stored) as b:
        b.set_default_value(-1)
        for strand in "+-" if strandedness != "single_stranded" else "+":
            rows = size // stored - 8  # data ends before the chromosome does; blocks with gaps
            iv = gk.Interval("chrI", strand, 4 * stored, (4 + rows // 2) * stored, yeast)
            b.set_data(iv, rng.normal(size=(rows // 2, DIM)).astype(np.float32))
            iv2 = gk.Interval("chrI", strand, (8 + rows // 2) * stored, (4 + rows) * stored, yeast)
            b.set_data(iv2, rng.normal(size=(rows - rows // 2 - 4, DIM)).astype(np.float32))
    return gk.GenomeTrack(path)


def base_values(track, iv):
    """Per-base values of iv (5'->3'), the default outside the chromosome: the naive reference."""
    size = gk.Genome(track.reference_genome).chromosome_size(iv.chromosome)
    inside = gk.Interval(iv.chromosome, "+", max(iv.start, 0), min(iv.end, size), iv.reference_genome)
    default = np.float32(track.default_value)
    vals = np.full((len(iv), track.dim), default, np.float32)
    if inside.end > inside.start:
        vals[inside.start - iv.start : inside.end - iv.start] = (
            track(inside.as_opposite_strand(), np.float32)[::-1]
            if iv.strand == "-"
            else track(inside, np.float32)
        )
    return vals[::-1] if iv.strand == "-" else vals


def pooled(values, bin_size, aggregation, stored):
    x = values.astype(np.float64).reshape(-1, bin_size, values.shape[1])
    return {"mean": x.mean(1), "sum": x.sum(1) / stored, "max": x.max(1)}[aggregation]


@pytest.mark.parametrize("aggregation", ["mean", "sum", "max"])
@pytest.mark.parametrize("bin_size", [1, 128, 2048])
def test_binned_reads_match_numpy_pooling(yeast, track, bin_size, aggregation):
    if bin_size % track.resolution:  # finer than stored: refused, not invented
        with pytest.raises(ValueError, match="multiple of the track's resolution"):
            track(gk.Interval("chrI", "+", 0, 2048, yeast), resolution=bin_size, aggregation=aggregation)
        return
    size = yeast.chromosome_size("chrI")
    width = 4 * 2048
    starts = [0, 128 * 5, 128 * 5 + 37, size // 2 + 3, size - width, size - width // 2, -width // 2, -5]
    for start in starts:
        for strand in "+-":
            iv = gk.Interval("chrI", strand, start, start + width, yeast)
            got = track(iv, resolution=bin_size, aggregation=aggregation)
            expect = pooled(base_values(track, iv), bin_size, aggregation, track.resolution)
            assert got.dtype == np.float32 and got.shape == (width // bin_size, DIM)
            np.testing.assert_allclose(
                got, expect, rtol=2e-6, atol=2e-5, err_msg=f"{iv} {bin_size} {aggregation}"
            )
    ivs = [gk.Interval("chrI", s, 1000 + 7 * k, 1000 + 7 * k + width, yeast) for k, s in enumerate("+-+")]
    batch = track.batch(ivs, resolution=bin_size, aggregation=aggregation)
    for k, iv in enumerate(ivs):
        np.testing.assert_array_equal(batch[k], track(iv, resolution=bin_size, aggregation=aggregation))


def test_binned_read_errors(yeast, track):
    iv = gk.Interval("chrI", "+", 0, 4096, yeast)
    with pytest.raises(ValueError, match="multiple of the resolution"):
        track(gk.Interval("chrI", "+", 0, 4000, yeast), resolution=256)
    if track.resolution > 1:
        with pytest.raises(ValueError, match="multiple of the track's resolution"):
            track(iv, resolution=64)
    with pytest.raises(ValueError, match="aggregation"):
        track(iv, resolution=256, aggregation="median")
    with pytest.raises(ValueError, match="positive"):
        track(iv, resolution=0)
    with pytest.raises(TypeError, match="float32"):
        track(iv, np.float16, resolution=256)
    out = np.empty((16, DIM), np.float32)
    assert track(iv, out=out, resolution=256) is out
    np.testing.assert_array_equal(out, track(iv, resolution=256))
    with pytest.raises(ValueError, match="shape"):
        track(iv, out=np.empty((15, DIM), np.float32), resolution=256)


def test_read_returns_track_data(yeast, tmp_path):
    path = str(tmp_path / "meta.gtrack")
    with gk.GenomeTrackBuilder(path, "f16", "single_stranded", yeast, dim=2, resolution=128) as b:
        b.set_metadata(name=["CAGE", "CAGE"], strand=["+", "-"], ontology_curie=["UBERON:0001114"] * 2)
        b.set_data(
            gk.Interval("chrII", "+", 0, 128 * 10, yeast), np.arange(20, dtype=np.float16).reshape(10, 2)
        )
    track = gk.GenomeTrack(path)
    iv = gk.Interval("chrII", "+", 0, 1280, yeast)
    td = track.read(iv)
    assert td.resolution == 128 and td.values.shape == (10, 2) and td.interval == iv
    assert list(td.strands) == ["+", "-"] and td.ontology_terms == ["UBERON:0001114"] * 2
    np.testing.assert_array_equal(td.values[:, 1], np.arange(1, 20, 2))
    coarse = track.read(iv.resize(2560), resolution=512, aggregation="sum")
    assert coarse.values.shape == (5, 2) and coarse.resolution == 512
    rc = td.reverse_complement()
    np.testing.assert_array_equal(rc.values[:, 0], td.values[::-1, 1])
    # without metadata in the file: the name from the file, the strand from the track and interval
    plain = str(tmp_path / "plain.gtrack")
    with gk.GenomeTrackBuilder(plain, "f32", "strand_unaware", yeast, dim=2) as b:
        b.set_data(gk.Interval("chrII", "-", 0, 4, yeast), np.ones((4, 2), np.float32))
    td = gk.GenomeTrack(plain).read(gk.Interval("chrII", "-", 0, 4, yeast))
    assert list(td.names) == ["plain_0", "plain_1"] and list(td.strands) == ["-", "-"]
    assert os.path.exists(plain)


def test_read_pads_windows_past_chromosome_ends(yeast, tmp_path):
    path = str(tmp_path / "ends.gtrack")
    size = yeast.chromosome_size("chrII")
    with gk.GenomeTrackBuilder(path, "f32", "single_stranded", yeast) as b:
        b.set_default_value(0)
        b.set_data(gk.Interval("chrII", "+", 0, 8, yeast), np.arange(1, 9, dtype=np.float32))
        b.set_data(gk.Interval("chrII", "+", size - 4, size, yeast), np.full(4, 7, np.float32))
    track = gk.GenomeTrack(path)
    left = track.read(gk.Interval("chrII", "+", -4, 4, yeast))
    np.testing.assert_array_equal(left.values[:, 0], [0, 0, 0, 0, 1, 2, 3, 4])
    right = track.read(gk.Interval("chrII", "-", size - 2, size + 2, yeast))
    np.testing.assert_array_equal(right.values[:, 0], [0, 0, 7, 7])  # 5'->3' on '-'


def test_plain_and_batch_reads_pad_as_read_does(yeast, tmp_path):
    # track(iv) and track.batch pad windows reaching before 0 or past the end, as read() and binned reads do
    path = str(tmp_path / "pad.gtrack")
    size = yeast.chromosome_size("chrII")
    with gk.GenomeTrackBuilder(path, "f16", "single_stranded", yeast) as b:
        b.set_default_value(-1)
        b.set_data(gk.Interval("chrII", "+", 0, 8, yeast), np.arange(1, 9, dtype=np.float16))
        b.set_data(gk.Interval("chrII", "+", size - 4, size, yeast), np.full(4, 7, np.float16))
    track = gk.GenomeTrack(path)
    windows = [gk.Interval("chrII", s, a, a + 16, yeast) for s in "+-" for a in (-12, -16, size - 8)]
    for iv in windows:
        plain = track(iv, np.float32)
        np.testing.assert_array_equal(plain, track.read(iv).values)
        np.testing.assert_array_equal(plain, track(iv, resolution=1))
    np.testing.assert_array_equal(track(windows[0])[:, 0], [-1] * 12 + [1, 2, 3, 4])
    np.testing.assert_array_equal(track(windows[3])[:, 0], [4, 3, 2, 1] + [-1] * 12)  # '-': 5'->3'
    np.testing.assert_array_equal(track.batch(windows), np.stack([track(iv) for iv in windows]))


def test_view_before_0_is_not_a_view(yeast, tmp_path):
    # found by tools/fuzz.sh (gtrack): view() of a window starting before 0 read the block index out of bounds
    path = str(tmp_path / "v.gtrack")
    with gk.GenomeTrackBuilder(path, "f32", "single_stranded", yeast) as b:
        b.set_default_value(0)
        b.set_data(gk.Interval("chrII", "+", 0, 8, yeast), np.arange(1, 9, dtype=np.float32))
    track = gk.GenomeTrack(path)
    for start in (-4, -(2**40)):
        with pytest.raises(ValueError, match="zero-copy"):
            track.view(gk.Interval("chrII", "+", start, 4, yeast))
    np.testing.assert_array_equal(track(gk.Interval("chrII", "+", -(2**20), 2, yeast))[-4:, 0], [0, 0, 1, 2])
