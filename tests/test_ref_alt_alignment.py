"""REF/ALT alignment of track outputs for variant scoring: VariantGenome.map_to_reference on TrackData
(stranded tracks, anchored windows, resolutions 1/128/2048) against the per-base mapping + numpy pooling,
and the SpliceAI rule checked on a signal that follows the reference."""

from __future__ import annotations

import numpy as np
import pytest

import genome_kit as gk

META = {"name": ["a", "a", "b"], "strand": ["+", "-", "."]}


@pytest.fixture(scope="module")
def vg(yeast):
    def var(pos, ref_len, alt):
        ref = yeast.dna(gk.Interval("chrI", "+", pos, pos + ref_len, yeast))
        return gk.Variant("chrI", pos, ref, alt, yeast)

    # a 3 bp deletion and a 5 bp insertion near the centre of a 4096 bp window at 20000
    return gk.VariantGenome(yeast, [var(21000, 3, ""), var(22100, 0, "ACGTA")])


def windows(yeast, width):
    plain = gk.Interval("chrI", "+", 20000, 20000 + width, yeast)
    for strand in "+-":
        iv = plain if strand == "+" else plain.as_opposite_strand()
        yield iv.with_anchor("center")


@pytest.mark.parametrize("aggregation", ["mean", "sum", "max"])
@pytest.mark.parametrize("resolution", [1, 128, 2048])
def test_track_data_mapping_matches_per_base_mapping(yeast, vg, resolution, aggregation):
    rng = np.random.default_rng(resolution)
    for iv in windows(yeast, 4096):
        assert len(vg.dna(iv)) == len(iv)  # anchored: ALT has the reference length
        alt_values = rng.random((len(iv) // resolution, 3)).astype(np.float32)
        alt = gk.TrackData(alt_values, META, resolution)
        ref = vg.map_to_reference(alt, iv, aggregation=aggregation)
        per_base = np.repeat(alt_values, resolution, axis=0) / (resolution if aggregation == "sum" else 1)
        mapped = vg.map_to_reference(per_base, iv).reshape(-1, resolution, 3)
        expect = {"mean": mapped.mean(1), "sum": mapped.sum(1), "max": mapped.max(1)}[aggregation]
        np.testing.assert_allclose(ref.values, expect, rtol=1e-5)
        assert ref.resolution == resolution and ref.metadata.equals(alt.metadata)
        assert (ref.interval.start, ref.interval.end, ref.interval.strand) == (iv.start, iv.end, iv.strand)


def test_spliceai_rule_on_a_reference_signal(yeast, vg):
    """ALT outputs that follow the reference position align with REF outputs everywhere but the
    deleted bases (0 in ALT) and the base left of the insertion (max over it and the inserted bases)."""
    for iv in windows(yeast, 4096):
        pos = vg.reference_alignment(iv)
        alt_signal = np.where(pos >= 0, pos, 10**6).astype(np.float64)[:, None]  # inserted bases: a peak
        ref_pos = np.arange(iv.start, iv.end)[:: -1 if iv.strand == "-" else 1]
        ref = gk.TrackData(ref_pos.astype(np.float64)[:, None], {"name": ["x"], "strand": ["."]}, 1, iv)
        mapped = vg.map_to_reference(gk.TrackData(alt_signal, {"name": ["x"], "strand": ["."]}, 1), iv)
        diff = (mapped - ref).values[:, 0]
        changed = {int(ref_pos[k]): diff[k] for k in np.flatnonzero(diff)}
        deleted = {p: -float(p) for p in (21000, 21001, 21002)}
        # anchored at the centre (22048), the 5 inserted bases right of it push the window's last 5
        # reference bases out of the ALT sequence: they have no ALT value (0) either
        pushed_out = {p: -float(p) for p in range(24091, 24096)}
        assert changed == {**deleted, **pushed_out, 22099: 10**6 - 22099}, iv
        assert mapped.interval == ref.interval


def test_mapping_errors(yeast, vg):
    iv = gk.Interval("chrI", "+", 20000, 24096, yeast).with_anchor("center")
    with pytest.raises(ValueError, match="no interval"):
        vg.map_to_reference(gk.TrackData(np.zeros((4096, 1)), {"name": ["x"], "strand": ["."]}))
    with pytest.raises(ValueError, match="whole number of 128 bp bins"):
        short = gk.Interval("chrI", "+", 20000, 23990, yeast)
        vg.map_to_reference(gk.TrackData(np.zeros((31, 1)), {"name": ["x"], "strand": ["."]}, 128), short)
    with pytest.raises(TypeError, match="needs the interval"):
        vg.map_to_reference(np.zeros(10))
    binned = gk.TrackData(np.zeros((32, 1)), {"name": ["x"], "strand": ["."]}, 128)
    assert vg.map_to_reference(binned, iv).values.shape == (32, 1)
