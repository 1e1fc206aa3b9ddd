"""TrackData against plain numpy on random data: slicing, padding, resolution changes, strand filters,
reverse complement, concat/interleave, indexing, arithmetic, save/load."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import genome_kit as gk
from genome_kit import track_data as tdm

RESOLUTIONS = (1, 128, 2048)


def make_metadata(n_names=3, stranded=True, unstranded=1):
    rows = []
    for i in range(n_names):
        for s in "+-" if stranded else ".":
            rows.append({"name": f"t{i}", "strand": s, "ontology_curie": f"UBERON:{i:07d}", "assay": "RNA"})
    rows += [
        {"name": f"u{i}", "strand": ".", "ontology_curie": None, "assay": "DNASE"} for i in range(unstranded)
    ]
    return pd.DataFrame(rows)


def coordinate_track(interval, resolution, metadata):
    """Values = genomic start of each bin (in the data's 5'->3' order) plus 1e6 * track: any slice of it
    tells which bases and tracks it holds."""
    starts = np.arange(interval.start, interval.end, resolution, dtype=np.float64)
    if interval.strand == "-":
        starts = starts[::-1]
    return starts[:, None] + 1e6 * np.arange(len(metadata))[None, :]


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(7)


def windows(yeast, resolution):
    size = yeast.chromosome_size("chrI")
    width = 8 * resolution
    return [
        gk.Interval("chrI", strand, start, start + width, yeast)
        for strand in "+-"
        for start in (0, 3 * resolution, size - width)  # chromosome start, middle, end
    ]


# --- construction ---
def test_validation(yeast):
    meta = make_metadata()
    with pytest.raises(ValueError, match="tracks but metadata"):
        gk.TrackData(np.zeros((4, 2)), meta)
    with pytest.raises(ValueError, match="'name' and 'strand'"):
        gk.TrackData(np.zeros((4, 1)), pd.DataFrame({"name": ["a"]}))
    with pytest.raises(ValueError, match="unique"):
        gk.TrackData(np.zeros((4, 2)), pd.DataFrame({"name": ["a", "a"], "strand": ["+", "+"]}))
    with pytest.raises(ValueError, match="strand must be"):
        gk.TrackData(np.zeros((4, 1)), pd.DataFrame({"name": ["a"], "strand": ["x"]}))
    with pytest.raises(ValueError, match="resolution"):
        gk.TrackData(np.zeros((4, 1)), {"name": ["a"], "strand": ["."]}, resolution=0)
    with pytest.raises(ValueError, match="has length 100"):
        gk.TrackData(
            np.zeros((4, 1)), {"name": ["a"], "strand": ["."]}, 1, gk.Interval("chrI", "+", 0, 100, yeast)
        )
    with pytest.raises(ValueError, match="same length"):
        gk.TrackData(np.zeros((4, 5, 1)), {"name": ["a"], "strand": ["."]})
    with pytest.raises(TypeError, match="dtype"):
        gk.TrackData(np.array([["x"]]), {"name": ["a"], "strand": ["."]})
    td = gk.TrackData(np.zeros((4, 7), np.float16), meta, 128, gk.Interval("chrI", "+", 0, 512, yeast))
    assert (td.num_tracks, td.width, td.positions, td.values.dtype) == (7, 512, 4, np.float16)
    assert list(td.names) == ["t0", "t0", "t1", "t1", "t2", "t2", "u0"]
    assert td.ontology_terms[:2] == ["UBERON:0000000", "UBERON:0000000"] and td.ontology_terms[-1] is None
    assert "7 tracks, resolution=128" in repr(td)
    with pytest.raises(dataclasses_frozen_error()):
        td.resolution = 1  # type: ignore[misc]


def dataclasses_frozen_error():
    import dataclasses

    return dataclasses.FrozenInstanceError


# --- slicing by positions and intervals, on both strands, at chromosome ends ---
@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_slices_hold_the_bins_of_their_interval(yeast, resolution):
    meta = make_metadata()
    for iv in windows(yeast, resolution):
        td = gk.TrackData(coordinate_track(iv, resolution, meta), meta, resolution, iv)
        for a, b in ((0, 8), (2, 5), (7, 8), (3, 3)):
            part = td.slice_by_positions(a * resolution, b * resolution)
            np.testing.assert_array_equal(part.values, td.values[a:b])
            np.testing.assert_array_equal(part.values, coordinate_track(part.interval, resolution, meta))
            assert part.interval.strand == iv.strand and len(part.interval) == (b - a) * resolution
            again = td.slice_by_interval(part.interval)
            np.testing.assert_array_equal(again.values, part.values)
            assert again.interval == part.interval
        if resolution > 1:
            with pytest.raises(ValueError, match="multiple of the resolution"):
                td.slice_by_positions(1, resolution)
            inner = gk.Interval("chrI", iv.strand, iv.start + 1, iv.start + resolution + 1, yeast)
            wide = td.slice_by_interval(inner, match_resolution=True)
            assert (wide.interval.start, wide.interval.end) == (iv.start, iv.start + 2 * resolution)
        with pytest.raises(IndexError):
            td.slice_by_positions(0, td.width + resolution)
        with pytest.raises(ValueError, match="not inside"):
            td.slice_by_interval(gk.Interval("chrII", "+", 0, resolution, yeast))


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_pad_and_resize_match_numpy(yeast, rng, resolution):
    meta = make_metadata(stranded=False, unstranded=2)
    iv = gk.Interval("chrI", "-", 10 * resolution, 20 * resolution, yeast)
    values = rng.normal(size=(10, len(meta))).astype(np.float32)
    td = gk.TrackData(values, meta, resolution, iv)
    padded = td.pad(2 * resolution, 3 * resolution, value=np.nan)
    np.testing.assert_array_equal(padded.values, np.pad(values, ((2, 3), (0, 0)), constant_values=np.nan))
    # on '-' the first value is the 3' end of the genome window: padding before it extends iv.end
    assert (padded.interval.start, padded.interval.end) == (
        iv.start - 3 * resolution,
        iv.end + 2 * resolution,
    )
    for bins in range(1, 16):
        out = td.resize(bins * resolution)
        change = bins - 10
        if change >= 0:
            before = (change + 1) // 2
            expect = np.pad(values, ((before, change - before), (0, 0)))
        else:
            first = (-change + 1) // 2
            expect = values[first : first + bins]
        np.testing.assert_array_equal(out.values, expect)
        assert len(out.interval) == bins * resolution
        assert out.interval.start + out.interval.end in (
            iv.start + iv.end + d for d in (-resolution, 0, resolution)
        )


# --- resolution changes against loops ---
@pytest.mark.parametrize("aggregation", ["sum", "mean", "max"])
@pytest.mark.parametrize(("fine", "coarse"), [(1, 128), (128, 2048), (1, 2048)])
def test_downsample_and_upsample_match_loops(yeast, rng, fine, coarse, aggregation):
    meta = make_metadata()
    factor = coarse // fine
    bins = 3 * factor
    values = rng.integers(0, 50, size=(bins, len(meta))).astype(np.float32)
    td = gk.TrackData(values, meta, fine, gk.Interval("chrI", "+", 0, bins * fine, yeast))
    down = td.downsample(coarse, aggregation)
    pool = {"sum": np.sum, "mean": np.mean, "max": np.max}[aggregation]
    expect = np.array(
        [[pool(values[i * factor : (i + 1) * factor, t]) for t in range(len(meta))] for i in range(3)]
    )
    np.testing.assert_allclose(down.values, expect, rtol=1e-6)
    assert down.resolution == coarse and down.interval == td.interval
    up = down.upsample(fine, aggregation)
    expect_up = np.array(
        [down.values[i // factor] / (factor if aggregation == "sum" else 1) for i in range(bins)]
    )
    np.testing.assert_allclose(up.values, expect_up, rtol=1e-6)
    assert td.change_resolution(coarse, gk.AggregationType(aggregation)).resolution == coarse
    assert down.change_resolution(fine, aggregation).resolution == fine
    if aggregation == "sum":  # totals survive a round trip
        np.testing.assert_allclose(
            up.values.sum(0, dtype=np.float64), values.sum(0, dtype=np.float64), rtol=1e-4
        )


def test_resolution_errors(yeast):
    td = gk.TrackData(np.ones((6, 1)), {"name": ["a"], "strand": ["."]}, 128)
    with pytest.raises(ValueError, match="multiple of the resolution"):
        td.downsample(200)
    with pytest.raises(ValueError, match="groups of 4"):
        td.downsample(512)
    with pytest.raises(ValueError, match="must divide"):
        td.upsample(100)
    with pytest.raises(ValueError, match="aggregation"):
        td.downsample(256, "median")


def test_contact_map_axes_move_together(rng):
    values = rng.normal(size=(8, 8, 2))
    td = gk.TrackData(values, {"name": ["a", "b"], "strand": [".", "."]}, 2048)
    np.testing.assert_array_equal(td.slice_by_positions(2048, 3 * 2048).values, values[1:3, 1:3])
    down = td.downsample(4096, "mean")
    np.testing.assert_allclose(down.values, values.reshape(4, 2, 4, 2, 2).mean(axis=(1, 3)))


# --- tracks ---
def test_strand_filters_and_selection(rng):
    meta = make_metadata(n_names=2, unstranded=2)
    td = gk.TrackData(rng.normal(size=(5, len(meta))), meta)
    strands = list(meta["strand"])
    cases = {
        "filter_to_positive_strand": {"+"},
        "filter_to_negative_strand": {"-"},
        "filter_to_unstranded": {"."},
        "filter_to_stranded": {"+", "-"},
        "filter_to_nonnegative_strand": {"+", "."},
        "filter_to_nonpositive_strand": {"-", "."},
    }
    for method, keep in cases.items():
        out = getattr(td, method)()
        idx = [i for i, s in enumerate(strands) if s in keep]
        np.testing.assert_array_equal(out.values, td.values[:, idx])
        assert list(out.strands) == [strands[i] for i in idx]
    both = td.select_tracks_by_name(["t1", "u0"])
    assert list(zip(both.names, both.strands, strict=True)) == [("t1", "+"), ("t1", "-"), ("u0", ".")]
    np.testing.assert_array_equal(both.values, td.values[:, [2, 3, 4]])
    with pytest.raises(KeyError, match="nope"):
        td.select_tracks_by_name(["nope"])
    np.testing.assert_array_equal(td.select_tracks_by_index([5, 0]).values, td.values[:, [5, 0]])
    groups = td.groupby("assay")
    assert list(groups) == ["RNA", "DNASE"] and groups["DNASE"].num_tracks == 2
    with pytest.raises(ValueError, match="booleans"):
        td.filter_tracks([True])


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_reverse_complement_swaps_strand_pairs(yeast, rng, resolution):
    meta = make_metadata(n_names=3, unstranded=2).sample(frac=1, random_state=3)  # pairs in any order
    iv = gk.Interval("chrI", "+", 0, 4 * resolution, yeast)
    values = rng.normal(size=(4, len(meta)))
    td = gk.TrackData(values, meta, resolution, iv)
    rc = td.reverse_complement()
    pairs = list(zip(meta["name"], meta["strand"], strict=True))
    for i, (name, strand) in enumerate(pairs):
        j = i if strand == "." else pairs.index((name, "-" if strand == "+" else "+"))
        np.testing.assert_array_equal(rc.values[:, i], values[::-1, j])
        assert (rc.names[i], rc.strands[i]) == pairs[j]
    assert rc.interval == iv.as_opposite_strand()
    back = rc.reverse_complement()
    np.testing.assert_array_equal(back.values, values)
    assert back.metadata.equals(td.metadata) and back.interval == iv
    lonely = gk.TrackData(np.zeros((2, 1)), {"name": ["a"], "strand": ["+"]})
    with pytest.raises(ValueError, match="no partner"):
        lonely.reverse_complement()


def test_concat_and_interleave(rng):
    a = gk.TrackData(rng.normal(size=(4, 3)), {"name": list("abc"), "strand": ["+", "-", "."]}, 128)
    b = gk.TrackData(rng.normal(size=(4, 3)), {"name": list("def"), "strand": ["+", "-", "."]}, 128)
    both = tdm.concat([a, b], key_column=("source", ["ref", "alt"]))
    np.testing.assert_array_equal(both.values, np.concatenate([a.values, b.values], axis=1))
    assert list(both.metadata["source"]) == ["ref"] * 3 + ["alt"] * 3
    mixed = tdm.interleave([a, b], ["REF_", "ALT_"])
    for i in range(3):
        np.testing.assert_array_equal(mixed.values[:, 2 * i], a.values[:, i])
        np.testing.assert_array_equal(mixed.values[:, 2 * i + 1], b.values[:, i])
    assert list(mixed.names[:2]) == ["REF_a", "ALT_d"]
    with pytest.raises(ValueError, match="unique"):
        tdm.concat([a, a])
    with pytest.raises(ValueError, match="resolutions differ"):
        tdm.concat([a, gk.TrackData(b.values, b.metadata, 1)])


def test_indexing(yeast, rng):
    meta = make_metadata(n_names=2, unstranded=1)
    iv = gk.Interval("chrI", "+", 1280, 1280 + 10 * 128, yeast)
    td = gk.TrackData(rng.normal(size=(10, len(meta))), meta, 128, iv)
    np.testing.assert_array_equal(td[2:5].values, td.values[2:5])
    np.testing.assert_array_equal(td[-1].values, td.values[-1:])
    np.testing.assert_array_equal(td[:, "t1"].values, td.values[:, 2:4])
    np.testing.assert_array_equal(td[3, 0].values, td.values[3:4, :1])
    np.testing.assert_array_equal(td[:, ["u0", "t0"]].values, td.values[:, [4, 0, 1]])
    np.testing.assert_array_equal(
        td[:, np.array([True, False, False, False, True])].values, td.values[:, [0, 4]]
    )
    sub = gk.Interval("chrI", "+", 1280 + 256, 1280 + 512, yeast)
    np.testing.assert_array_equal(td[sub].values, td.values[2:4])
    with pytest.raises(IndexError, match="step"):
        td[::2]


def test_arithmetic(rng):
    meta = {"name": ["a", "b"], "strand": [".", "."]}
    x = gk.TrackData(rng.normal(size=(6, 2)), meta, 128)
    y = gk.TrackData(rng.normal(size=(6, 2)), meta, 128)
    np.testing.assert_allclose((x - y).values, x.values - y.values)
    np.testing.assert_allclose((2 * x + 1).values, 2 * x.values + 1)
    np.testing.assert_allclose((x / 4).values, x.values / 4)
    np.testing.assert_allclose((-x).values, -x.values)
    np.testing.assert_allclose((1 - x).values, 1 - x.values)
    with pytest.raises(ValueError, match="different tracks"):
        x + gk.TrackData(y.values, {"name": ["a", "c"], "strand": [".", "."]}, 128)
    with pytest.raises(ValueError, match="resolution"):
        x + gk.TrackData(y.values, meta, 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int32, np.bool_])
def test_save_and_load(yeast, tmp_path, rng, dtype):
    meta = make_metadata(n_names=1)
    iv = gk.Interval("chrII", "-", 2048, 2048 * 3, yeast)
    td = gk.TrackData((rng.normal(size=(2, len(meta))) * 10).astype(dtype), meta, 2048, iv)
    td.save(tmp_path / "x.npz")
    back = gk.TrackData.load(tmp_path / "x.npz")
    np.testing.assert_array_equal(back.values, td.values)
    assert back.values.dtype == dtype and back.resolution == 2048 and back.interval == iv
    pd.testing.assert_frame_equal(back.metadata, td.metadata)
    np.savez(tmp_path / "other.npz", values=np.zeros(3))
    with pytest.raises(OSError, match="not a TrackData file"):
        gk.TrackData.load(tmp_path / "other.npz")
