"""Hostile text input: bytes that are not UTF-8 and records past the chromosome end give a
ValueError naming the file and line (never UnicodeDecodeError, MemoryError or a long build)."""

from __future__ import annotations

import pytest

import genome_kit as gk
from genome_kit import GenomeTrackBuilder

BAD = b"\xff\xfe"  # never valid in UTF-8
BG, WIG, BED = "set_data_from_bedgraph", "set_data_from_wig", "set_data_from_bed"


def _write(tmp_path, name, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _track(tmp_path, genome, method, path):
    b = GenomeTrackBuilder(str(tmp_path / "out.gtrack"), "f32", "single_stranded", genome)
    b.set_default_value(0)
    getattr(b, method)(path)
    b.finalize()


TRACK_CASES = [
    (
        BG,
        "a.bedGraph",
        b"chr1\t0\t5\t1\nchr" + BAD + b"\t0\t5\t1\n",
        2,
        "unknown chromosome",
    ),
    (BG, "b.bedGraph", b"chr1\t0\t5\t1" + BAD + b"\n", 1, "invalid value"),
    (
        WIG,
        "a.wig",
        b"fixedStep chrom=chr" + BAD + b" start=1 step=1\n1\n",
        1,
        "unknown chromosome",
    ),
    (
        WIG,
        "b.wig",
        b"fixedStep chrom=chr1 start=1 step=1\n1" + BAD + b"\n",
        2,
        "invalid value",
    ),
    (BED, "a.bed", b"chr1\t0\t5\nchr" + BAD + b"\t0\t5\n", 2, "unknown chromosome"),
]


@pytest.mark.parametrize("method,name,data,line,match", TRACK_CASES)
def test_track_text_not_utf8_names_file_and_line(tiny, tmp_path, method, name, data, line, match):
    with pytest.raises(ValueError, match=match) as e:
        _track(tmp_path, tiny, method, _write(tmp_path, name, data))
    assert f"{name}:{line}:" in str(e.value)
    assert "\\xff\\xfe" in str(e.value)  # the offending bytes, escaped


def test_track_free_text_may_hold_any_bytes(tiny, tmp_path):
    # comments, track lines and the BED name column are free text that the importers ignore
    _track(
        tmp_path,
        tiny,
        BG,
        _write(tmp_path, "c.bedGraph", b"track name=" + BAD + b"\n#" + BAD + b"\nchr1\t0\t5\t1\n"),
    )
    _track(tmp_path, tiny, BED, _write(tmp_path, "n.bed", b"chr1\t0\t5\tn" + BAD + b"\t3\n"))


@pytest.mark.parametrize(
    "method,name,data,line",
    [
        (BG, "h.bedGraph", b"chr2\t0\t300000000\t1\n", 1),
        (BG, "i.bedGraph", b"chr1\t0\t5\t1\nchr2\t0\t2147483648\t1\n", 2),
        (BG, "j.bedGraph", b"chr2\t0\t41\t1\n", 1),  # chr2 has 40 bp
        (BED, "h.bed", b"chr1\t0\t5\nchr2\t0\t300000000\n", 2),
        (WIG, "h.wig", b"fixedStep chrom=chr2 start=39 step=1\n1\n1\n1\n", 4),
    ],
)
def test_track_records_past_chromosome_end_rejected(tiny, tmp_path, method, name, data, line):
    with pytest.raises(ValueError, match=r"ends past the end of chr2 \(size 40\)") as e:
        _track(tmp_path, tiny, method, _write(tmp_path, name, data))
    assert f"{name}:{line}:" in str(e.value)


def test_track_record_up_to_chromosome_end_accepted(tiny, tmp_path):
    _track(tmp_path, tiny, BG, _write(tmp_path, "e.bedGraph", b"chr2\t30\t40\t2\n"))
    t = gk.GenomeTrack(str(tmp_path / "out.gtrack"))
    assert t(gk.Interval("chr2", "+", 38, 40, tiny)).ravel().tolist() == [2, 2]


def test_set_data_accepts_float64_with_range_check(tiny, tmp_path):
    import numpy as np

    path = str(tmp_path / "f.gtrack")
    iv = gk.Interval("chr1", "+", 0, 4, tiny)
    b = GenomeTrackBuilder(path, "f32", "single_stranded", tiny)
    with pytest.raises(ValueError, match="float32 range"):
        b.set_data(iv, np.array([1.0, 2.0, 1e300, 0.0]))
    b.set_data(iv, np.array([0.5, -1.0, np.nan, 3.0]))  # float64, numpy's default
    b.finalize()
    out = gk.GenomeTrack(path)(iv).ravel()
    assert out[[0, 1, 3]].tolist() == [0.5, -1.0, 3.0] and np.isnan(out[2])
