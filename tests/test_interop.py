"""Interop: Interval.from_str, the usual variant spellings, BED/pandas in and out, bedGraph/bigWig export
of GenomeTrack and TrackData (read back with pyBigWig, an independent reader)."""

from __future__ import annotations

import gzip
import os

import numpy as np
import pandas as pd
import pytest

import genome_kit as gk

pyBigWig = pytest.importorskip("pyBigWig")


@pytest.fixture(scope="module")
def odd_names(data_dir):
    """An assembly whose chromosome names hold '_' and '-' (as hg38's alt and HLA contigs do)."""
    fasta = os.path.join(data_dir, "oddnames.fa")
    with open(fasta, "w") as f:
        f.write(">chrUn_gl000220\nACGTACGTAC\n>HLA-A\nGGGGCCCCAA\n>chr5\nTTTTACGTTT\n")
    gk.build_assembly(fasta, os.path.join(data_dir, "oddnames"))
    return gk.Genome("oddnames")


# --- Interval.from_str ---
def test_interval_from_str(yeast):
    assert gk.Interval.from_str("chrI:100-200:-", yeast) == gk.Interval("chrI", "-", 100, 200, yeast)
    assert gk.Interval.from_str("chrI:1,000-2,000", yeast) == gk.Interval("chrI", "+", 1000, 2000, yeast)
    assert gk.Interval.from_str("chrI:5-6:.", "yeast") == gk.Interval("chrI", "+", 5, 6, yeast)
    for bad in ("chrI:100", "chrI:a-b:+", "chrI:1-2:*", "chrI"):
        with pytest.raises(ValueError, match="chrom:start-end|bad coordinate"):
            gk.Interval.from_str(bad, yeast)


# --- variant spellings ---
def test_variant_spellings_agree(yeast, odd_names):
    ref = yeast.dna(gk.Interval("chrI", "+", 1023, 1024, yeast))
    alt = "A" if ref != "A" else "C"
    expected = gk.Variant.from_string(f"chrI:1024:{ref}:{alt}", yeast)
    spellings = [
        f"chrI:1024:{ref}>{alt}",
        f"chrI_1024_{ref}_{alt}_b38",
        f"chrI_1024_{ref}_{alt}",
        f"chrI-1024-{ref}-{alt}",
    ]
    for text in spellings:
        assert gk.Variant.from_string(text, yeast) == expected, text
        assert yeast.variant(text) == expected, text
    # chromosome names with the separators in them: fields are taken from the right
    assert str(gk.Variant.from_string("chrUn_gl000220_3_G_T", odd_names)) == "chrUn_gl000220:3:G:T"
    assert str(gk.Variant.from_string("HLA-A-9-A-C", odd_names)) == "HLA-A:9:A:C"
    assert str(gk.Variant.from_string("5_5_A_G", odd_names)) == "chr5:5:A:G"  # Open Targets, no 'chr'
    for bad in ("chrI_1024_A", "chrI:1024:A", "chrI-1024", "nonsense"):
        with pytest.raises(ValueError):
            gk.Variant.from_string(bad, yeast)
    with pytest.raises(ValueError, match="does not match the genome"):
        gk.Variant.from_string(f"chrI_1024_{alt}_{ref}", yeast)


# --- BED and DataFrames ---
def test_read_bed(yeast, tmp_path):
    text = (
        "browser position chrI:1-100\ntrack name=x\n# comment\n"
        "chrI\t10\t20\n"
        "chrI\t30\t45\tpeak1\t5\t-\n"
        "chrII\t0\t7\tpeak2\t0\t.\textra\n"
        "chrI 50 60\n"
    )
    path = tmp_path / "x.bed.gz"
    with gzip.open(path, "wt") as f:
        f.write(text)
    intervals, names = gk.read_bed(path, yeast, with_names=True)
    assert intervals == [
        gk.Interval("chrI", "+", 10, 20, yeast),
        gk.Interval("chrI", "-", 30, 45, yeast),
        gk.Interval("chrII", "+", 0, 7, yeast),
        gk.Interval("chrI", "+", 50, 60, yeast),
    ]
    assert names == [None, "peak1", "peak2", None]
    assert gk.read_bed(path, "yeast") == intervals


@pytest.mark.parametrize(
    ("line", "error", "match"),
    [
        ("chrI\tx\t20", ValueError, "integers"),
        ("chrI\t30\t20", ValueError, "start <= end"),
        ("chrI\t-1\t20", ValueError, "start <= end"),
        ("chrI\t1\t2\tn\t0\t*", ValueError, "strand"),
        ("chrI\t1", ValueError, "3 columns"),
        ("chrNope\t1\t2", ValueError, "chrNope"),
        ("chrI\t1\t300000", IndexError, "past chrI"),
        (b"chrI\t1\t2\t\xff", ValueError, "UTF-8"),
    ],
)
def test_read_bed_errors_name_file_and_line(yeast, tmp_path, line, error, match):
    path = tmp_path / "bad.bed"
    data = line if isinstance(line, bytes) else line.encode()
    path.write_bytes(b"chrI\t0\t5\n" + data + b"\n")
    with pytest.raises(error, match=match) as info:
        gk.read_bed(path, yeast)
    assert f"{path}:2" in str(info.value)


def test_bed_and_frame_round_trips(yeast, tmp_path):
    intervals = [gk.Interval("chrII", s, k * 100, k * 100 + 50, yeast) for k, s in enumerate("+-+")]
    gk.write_bed(intervals, tmp_path / "out.bed", names=["a", "b", "c"])
    assert gk.read_bed(tmp_path / "out.bed", yeast, with_names=True) == (intervals, ["a", "b", "c"])
    frame = gk.intervals_to_frame(intervals)
    assert list(frame.columns) == ["Chromosome", "Start", "End", "Strand"]
    assert frame["Start"].tolist() == [0, 100, 200] and frame["Strand"].tolist() == ["+", "-", "+"]
    assert gk.intervals_from_frame(frame, yeast) == intervals
    bed_style = pd.DataFrame({"chrom": ["chrI"], "start": [5], "end": [9]})
    assert gk.intervals_from_frame(bed_style, "yeast") == [gk.Interval("chrI", "+", 5, 9, yeast)]
    with pytest.raises(ValueError, match="end column"):
        gk.intervals_from_frame(pd.DataFrame({"chrom": ["chrI"], "start": [5]}), yeast)


# --- bedGraph / bigWig export ---
def bigwig_values(path, chrom, start, end):
    bw = pyBigWig.open(str(path))
    try:
        return np.array(bw.values(chrom, start, end), dtype=np.float64)
    finally:
        bw.close()


@pytest.mark.parametrize("strand", "+-")
@pytest.mark.parametrize("resolution", [1, 128])
def test_track_data_export(yeast, tmp_path, strand, resolution):
    iv = gk.Interval("chrII", strand, 1024, 1024 + 16 * resolution, yeast)
    values = np.array([1, 1, 2, np.nan, np.nan, 3, 3, 3, 0, 0, 5, 6, 7, 7, np.nan, 1], np.float32)
    td = gk.TrackData(
        np.stack([values, -values], 1), {"name": ["a", "a"], "strand": ["+", "-"]}, resolution, iv
    )
    genomic = np.repeat(values[::-1] if strand == "-" else values, resolution)
    td.to_bigwig(tmp_path / "a.bw", track=0)
    np.testing.assert_array_equal(bigwig_values(tmp_path / "a.bw", "chrII", iv.start, iv.end), genomic)
    td.to_bedgraph(tmp_path / "b.bedGraph", track=1)
    rows = [line.split("\t") for line in (tmp_path / "b.bedGraph").read_text().splitlines()]
    assert len(rows) == 8  # equal neighbours merged, NaN runs left out
    got = np.full(iv.end - iv.start, np.nan)
    for chrom, s, e, v in rows:
        assert chrom == "chrII"
        got[int(s) - iv.start : int(e) - iv.start] = float(v)
    np.testing.assert_array_equal(got, -genomic)
    with pytest.raises(ValueError, match="pick one by index"):
        td.to_bedgraph(tmp_path / "c.bedGraph", track="a")


def test_genome_track_export_matches_reads(yeast, tmp_path):
    path = str(tmp_path / "t.gtrack")
    rng = np.random.default_rng(1)
    with gk.GenomeTrackBuilder(path, "f16", "strand_unaware", yeast, dim=2) as b:
        b.set_default_value(np.nan)
        for strand in "+-":
            iv = gk.Interval("chrI", strand, 1000, 1000 + 3000, yeast)
            b.set_data(iv, np.repeat(rng.integers(0, 4, size=(300, 2)), 10, axis=0).astype(np.float16))
    track = gk.GenomeTrack(path)
    for strand in "+-":
        out = tmp_path / f"t{strand}.bw"
        track.to_bigwig(out, dim=1, strand=strand)
        size = yeast.chromosome_size("chrI")
        expect = track(gk.Interval("chrI", strand, 0, size, yeast), np.float32)[:, 1].astype(np.float64)
        if strand == "-":
            expect = expect[::-1]
        np.testing.assert_array_equal(bigwig_values(out, "chrI", 0, size), expect)
        bw = pyBigWig.open(str(out))
        assert bw.chroms() == {c: yeast.chromosome_size(c) for c in yeast.chromosomes}
        bw.close()
    track.to_bedgraph(tmp_path / "t.bedGraph", dim=0)
    assert (tmp_path / "t.bedGraph").read_text().startswith("chrI\t1000\t")
    with pytest.raises(IndexError, match="dim 2"):
        track.to_bedgraph(tmp_path / "x.bedGraph", dim=2)
