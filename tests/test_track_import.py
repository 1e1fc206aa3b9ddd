"""Track importers: bedGraph, WIG, BED and bigWig on real and malformed files."""

from __future__ import annotations

import gzip
import os

import numpy as np
import pytest

import genome_kit as gk
from genome_kit import GenomeTrack, GenomeTrackBuilder

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
CHIPSEQ = os.path.join(DATA, "chipseq_excerpt.bed")
TEST_BW = os.path.join(DATA, "pybigwig_test.bw")
HG19_NAMES = [f"chr{c}" for c in list(range(1, 23)) + ["X", "Y", "M"]]


@pytest.fixture(scope="module")
def imp(data_dir):
    """Assembly "imp": hg19 chromosome names (tracks do not use the sizes), Ensembl-style aliases."""
    with open(os.path.join(data_dir, "imp.chrom.sizes"), "w") as f:
        f.writelines(f"{c}\t250000000\n" for c in HG19_NAMES)
    with open(os.path.join(data_dir, "imp.chromAlias.txt"), "w") as f:
        f.write("# ucsc\tensembl\n" + "".join(f"{c}\t{c[3:]}\n" for c in HG19_NAMES))
    return gk.Genome("imp")


def I(chrom, strand, start, end):  # noqa: E743
    return gk.Interval(chrom, strand, start, end, "imp")


def write(tmp_path, name, text):
    path = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(path, "wt") as f:
            f.write(text)
    else:
        path.write_text(text)
    return str(path)


def build(tmp_path, genome, method, *files, etype="f16", strandedness="single_stranded", res=1, dim=1, **kw):
    path = str(tmp_path / "out.gtrack")
    b = GenomeTrackBuilder(path, etype, strandedness, genome, dim=dim, resolution=res)
    b.set_default_value(0)
    getattr(b, method)(*files, **kw)
    b.finalize()
    return GenomeTrack(path)


def row(t, *iv):
    return t(I(*iv), np.float32).ravel().tolist()


# --- bedGraph --------------------------------------------------------------------------------------------


def test_bedgraph_merges_and_splits(imp, tmp_path):
    text = (
        "track type=bedGraph name=demo\n# a comment\nbrowser position chr1:1-100\n"
        "chr1\t10\t15\t0.5\nchr1\t15\t20\t1.5\nchr1\t30\t33\t-2\n"  # gap 10 bp: merged
        "chr1\t20000\t20002\t4\n"  # gap > 8192: new block
        "2\t0\t4\t3\n"  # alias of chr2
    )
    t = build(tmp_path, imp, "set_data_from_bedgraph", write(tmp_path, "a.bedGraph.gz", text))
    assert row(t, "chr1", "+", 8, 36) == [0, 0] + [0.5] * 5 + [1.5] * 5 + [0] * 10 + [-2] * 3 + [0] * 3
    assert row(t, "chr1", "-", 18, 22) == [0, 0, 1.5, 1.5]  # unstranded: '-' is the same data reversed
    assert row(t, "chr2", "+", 0, 5) == [3, 3, 3, 3, 0]
    assert t.intervals == [I("chr1", "+", 10, 33), I("chr1", "+", 20000, 20002), I("chr2", "+", 0, 4)]


def test_bedgraph_out_of_range_numbers_round_like_strtod(imp, tmp_path):
    text = "chr1\t0\t1\t1e-400\nchr1\t1\t2\t-1e400\nchr1\t2\t3\t1e400\nchr1\t3\t4\t+2.5\n"
    t = build(tmp_path, imp, "set_data_from_bedgraph", write(tmp_path, "r.bedGraph", text), etype="f32")
    assert row(t, "chr1", "+", 0, 4) == [0.0, float("-inf"), float("inf"), 2.5]


def test_bedgraph_two_strands_and_resolution(imp, tmp_path):
    pos = write(tmp_path, "p.bg", "chr1\t0\t10\t1\nchr1\t10\t23\t2\n")  # last record may end unaligned
    neg = write(tmp_path, "n.bg", "chr1\t5\t10\t7\n")
    t = build(tmp_path, imp, "set_data_from_bedgraph", pos, neg, strandedness="strand_unaware", res=5)
    assert row(t, "chr1", "+", 0, 26) == [1] * 10 + [2] * 15 + [0]
    assert row(t, "chr1", "-", 0, 12) == [0, 0] + [7] * 5 + [0] * 5
    with pytest.raises(ValueError, match="stranded"):
        build(tmp_path, imp, "set_data_from_bedgraph", pos, neg)


@pytest.mark.parametrize(
    "text,line,match",
    [
        ("chr1\t0\t5\t1\nchr1\t5\t9\n", 2, "Expected 4 columns"),
        ("chr1\t0\t5\t1\nchr1\t5\t9\t1\tx\n", 2, "Expected 4 columns"),
        ("chr1\t0\t5\tabc\n", 1, "invalid value 'abc'"),
        ("chr1\t0\tfive\t1\n", 1, "invalid end"),
        ("chrZZ\t0\t5\t1\n", 1, "unknown chromosome 'chrZZ'"),
        ("chr1\t0\t5\t1\nchr1\t3\t8\t1\n", 2, "overlaps"),
        ("chr1\t0\t5\t1\nchr1\t9\t7\t1\n", 2, "invalid record"),
        ("chr1\t1\t5\t1\n", 1, "multiple of the track resolution"),
        ("chr1\t0\t6\t1\nchr1\t7\t9\t1\n", 2, "multiple of the track resolution"),
        ("chr1\t0\t7\t1\nchr1\t9\t12\t1\n", 2, "only the last record"),
    ],
)
def test_bedgraph_malformed(imp, tmp_path, text, line, match):
    path = write(tmp_path, "bad.bedGraph", text)
    res = 3 if "resolution" in match or "last record" in match else 1
    with pytest.raises(ValueError, match=match) as e:
        build(tmp_path, imp, "set_data_from_bedgraph", path, res=res)
    assert f"bad.bedGraph:{line}:" in str(e.value)
    assert not (tmp_path / "out.gtrack").exists()


def test_bedgraph_needs_dim1(imp, tmp_path):
    with pytest.raises(ValueError, match="dim 1"):
        build(tmp_path, imp, "set_data_from_bedgraph", write(tmp_path, "x.bg", ""), dim=2)
    with pytest.raises(OSError):
        build(tmp_path, imp, "set_data_from_bedgraph", str(tmp_path / "missing.bg"))


# --- WIG -------------------------------------------------------------------------------------------------


def test_wig_fixed_variable_and_dims(imp, tmp_path):
    text = (
        "track type=wiggle_0\n"
        "fixedStep chrom=chr1 start=11 step=1\n1\n2\n3\n4\n"
        "fixedStep chrom=chr1 start=15 step=1\n5\n"  # continues the previous block
        "variableStep chrom=chr2 span=2\n101\t9\n105\t8\n"
    )
    t = build(tmp_path, imp, "set_data_from_wig", write(tmp_path, "a.wig", text))
    assert row(t, "chr1", "+", 9, 16) == [0, 1, 2, 3, 4, 5, 0]
    assert row(t, "chr2", "+", 99, 107) == [0, 9, 9, 0, 0, 8, 8, 0]
    assert t.intervals[0] == I("chr1", "+", 10, 15)

    multi = (
        "fixedStep chrom=chr1 start=1 step=4 span=4\n1\t2\n3\t4\nvariableStep chrom=chr1 span=4\n13\t5\t6\n"
    )
    t = build(tmp_path, imp, "set_data_from_wig", write(tmp_path, "m.wig.gz", multi), dim=2, res=4)
    got = t(I("chr1", "+", 0, 16), np.float32)
    assert got[::4].tolist() == [[1, 2], [3, 4], [0, 0], [5, 6]]


@pytest.mark.parametrize(
    "text,line,match",
    [
        ("variableStep chrom=chr1\n11 5 6\n", 2, "Expected 2 columns per line but found 3"),
        ("1.5\n", 1, "before any fixedStep"),
        ("fixedStep chrom=chr1 step=1\n1\n", 1, "needs start="),
        ("fixedStep start=1 step=1\n1\n", 1, "missing chrom="),
        ("fixedStep chrom=chr1 start=1 foo=2\n1\n", 1, "unknown WIG key"),
        ("fixedStep chrom=chrQ start=1\n1\n", 1, "unknown chromosome"),
        ("fixedStep chrom=chr1 start=1 step=1 span=2\n1\n", 1, "span=2"),
        ("fixedStep chrom=chr1 start=1\n1\nx\n", 3, "invalid value"),
        ("variableStep chrom=chr1\n5\t1\n4\t1\n5\t2\n", 4, "Overlapping"),
    ],
)
def test_wig_malformed(imp, tmp_path, text, line, match):
    path = write(tmp_path, "bad.wig", text)
    res = 3 if "span=2" in match else 1
    with pytest.raises(ValueError, match=match) as e:
        build(tmp_path, imp, "set_data_from_wig", path, res=res)
    assert f"bad.wig:{line}" in str(e.value)


# The examples of UCSC's wiggle format page (genome.ucsc.edu/goldenPath/help/wiggle.html): browser and
# track lines, '#' comments, space-separated columns, values with leading spaces, and the BED-style form.
UCSC_VARIABLE_STEP = """browser position chr19:49304200-49310700
browser hide all
#\t150 base wide bar graph at arbitrarily spaced positions,
track type=wiggle_0 name="variableStep" description="variableStep format" visibility=full autoScale=off \
viewLimits=0.0:25.0 color=50,150,255 yLineMark=11.76 yLineOnOff=on priority=10
variableStep chrom=chr19 span=150
49304701 10.0
49304901 12.5
49305401 15.0
49305601 17.5
49305901 20.0
49306081 17.5
49306301 15.0
49306691 12.5
49307871 10.0
"""
UCSC_FIXED_STEP = """#\t200 base wide points graph at every 300 bases, 50 pixel high graph
track type=wiggle_0 name="fixedStep" description="fixedStep format" visibility=full autoScale=off \
viewLimits=0:1000 color=0,200,100 maxHeightPixels=100:50:20 graphType=points priority=20
fixedStep chrom=chr19 start=49307401 step=300 span=200
1000
 900
 800
 700
 600
 500
 400
 300
 200
 100
"""
UCSC_BED_FORM = """track type=wiggle_0 name="BED format" description="BED format" visibility=full \
color=200,100,0 altColor=0,100,200 priority=30
chr19 49302000 49302300 -1.0
chr19 49302300 49302600 -0.75
chr19 49302600 49302900 -0.50
chr19 49302900 49303200 -0.25
chr19 49303200 49303500 0.0
chr19 49303500 49303800 0.25
chr19 49303800 49304100 0.50
chr19 49304100 49304400 0.75
chr19 49304400 49304700 1.00
"""


def expected_wig_values(text, start, end):
    """Per-base values of a one-track WIG text in [start, end), read here independently (0 = no data)."""
    out = np.zeros(end - start, np.float32)
    decl = None
    for line in text.splitlines():
        f = line.split()
        if not f or f[0] in ("browser", "track") or f[0].startswith("#"):
            continue
        if f[0] in ("variableStep", "fixedStep"):
            decl = dict(kv.split("=") for kv in f[1:]) | {"kind": f[0]}
            decl["next"] = int(decl.get("start", 0)) - 1
            continue
        if decl is None:  # BED-style: chrom start end value, 0-based
            s, e, v = int(f[1]), int(f[2]), float(f[3])
        elif decl["kind"] == "variableStep":
            s, v = int(f[0]) - 1, float(f[1])
            e = s + int(decl.get("span", 1))
        else:
            s, v = decl["next"], float(f[0])
            e = s + int(decl.get("span", 1))
            decl["next"] += int(decl.get("step", 1))
        lo, hi = max(s, start), min(e, end)
        if lo < hi:
            out[lo - start : hi - start] = v
    return out.tolist()


@pytest.mark.parametrize("text", [UCSC_VARIABLE_STEP, UCSC_FIXED_STEP, UCSC_BED_FORM])
def test_wig_ucsc_examples_with_spaces(imp, tmp_path, text):
    t = build(tmp_path, imp, "set_data_from_wig", write(tmp_path, "ucsc.wig", text), etype="f32")
    lo, hi = 49301000, 49311000
    assert row(t, "chr19", "+", lo, hi) == expected_wig_values(text, lo, hi)
    assert len(t.intervals) == 1


def test_wig_sections_of_several_tracks_that_overlap_say_so(imp, tmp_path):
    path = write(tmp_path, "ucsc.wig", UCSC_VARIABLE_STEP + UCSC_FIXED_STEP)
    with pytest.raises(ValueError, match=r"ucsc.wig:.*Overlapping.*2 'track' sections.*its own GenomeTrack"):
        build(tmp_path, imp, "set_data_from_wig", path, etype="f32")
    # sections that do not overlap are one track's data; BED-style lines may use aliases ('19')
    bed_form = UCSC_BED_FORM.replace("\nchr19 ", "\n19 ")
    t = build(tmp_path, imp, "set_data_from_wig", write(tmp_path, "two.wig", bed_form + UCSC_VARIABLE_STEP))
    assert row(t, "chr19", "+", 49304699, 49304701) == [1.0, 10.0]


@pytest.mark.parametrize("track, text", [("fixedStep", UCSC_FIXED_STEP), (0, UCSC_VARIABLE_STEP)])
def test_wig_one_section_of_a_file_of_several_tracks(imp, tmp_path, track, text):
    path = write(tmp_path, "ucsc.wig", UCSC_VARIABLE_STEP + UCSC_FIXED_STEP)
    t = build(tmp_path, imp, "set_data_from_wig", path, etype="f32", track=track)
    lo, hi = 49301000, 49311000
    assert row(t, "chr19", "+", lo, hi) == expected_wig_values(text, lo, hi)


def test_wig_asking_for_an_absent_track_lists_the_tracks(imp, tmp_path):
    path = write(tmp_path, "ucsc.wig", UCSC_VARIABLE_STEP + UCSC_FIXED_STEP)
    with pytest.raises(
        ValueError, match=r"ucsc.wig: no track line named 'x' .*0: 'variableStep', 1: 'fixedStep'"
    ):
        build(tmp_path, imp, "set_data_from_wig", path, track="x")
    with pytest.raises(ValueError, match="no track line number 2"):
        build(tmp_path, imp, "set_data_from_wig", path, track=2)
    with pytest.raises(TypeError):
        build(tmp_path, imp, "set_data_from_wig", path, track=1.5)


def test_wig_not_for_strand_aware(imp, tmp_path):
    with pytest.raises(ValueError, match="strand_aware"):
        build(tmp_path, imp, "set_data_from_wig", write(tmp_path, "a.wig", ""), strandedness="strand_aware")


# --- BED -------------------------------------------------------------------------------------------------


def read_bed(path):
    with open(path) as f:
        return [
            (c, int(s), int(e), st)
            for c, s, e, _, _, st in (line.split("\t") for line in f.read().splitlines())
        ]


def test_bed_real_chipseq_mask(imp, tmp_path):
    """Real ChIP-seq reads (pyranges example data) as a stranded mask."""
    reads = read_bed(CHIPSEQ)
    t = build(tmp_path, imp, "set_data_from_bed", CHIPSEQ, etype="m0", strandedness="strand_unaware")
    assert t.dtype is np.bool_
    for c, s, e, st in reads:
        assert t(I(c, st, s, e)).all()
    covered = sum(iv.end - iv.start for iv in t.intervals)
    assert covered == len({(c, st, p) for c, s, e, st in reads for p in range(s, e)})
    with pytest.raises(ValueError, match="Expected '.' for unstranded track") as e:
        build(tmp_path, imp, "set_data_from_bed", CHIPSEQ, etype="m0")
    assert "chipseq_excerpt.bed:1:" in str(e.value)


def test_bed_scores_and_categories(imp, tmp_path):
    text = "chr1\t10\t15\tfoo\t3\t+\nchr1\t20\t22\tbar\t5\t-\nchr2\t0\t3\tfoo\t7\t+\n"
    path = write(tmp_path, "a.bed", text)
    t = build(tmp_path, imp, "set_data_from_bed", path, etype="u8", strandedness="strand_aware")
    assert row(t, "chr1", "+", 9, 16) == [0, 3, 3, 3, 3, 3, 0]
    assert row(t, "chr1", "-", 19, 23) == [0, 5, 5, 0]
    t = build(
        tmp_path,
        imp,
        "set_data_from_bed",
        path,
        etype="u2",
        strandedness="strand_unaware",
        categories=["x", "bar", "foo"],
    )
    assert row(t, "chr2", "+", 0, 4) == [2, 2, 2, 0]
    assert row(t, "chr1", "-", 20, 22) == [1, 1]
    with pytest.raises(ValueError, match="not one of the categories") as e:
        build(
            tmp_path,
            imp,
            "set_data_from_bed",
            path,
            etype="u2",
            strandedness="strand_unaware",
            categories=["foo"],
        )
    assert "a.bed:2:" in str(e.value)
    with pytest.raises(ValueError, match="do not fit"):
        build(
            tmp_path,
            imp,
            "set_data_from_bed",
            path,
            etype="u1",
            strandedness="strand_unaware",
            categories="abc",
        )
    unstranded = write(tmp_path, "u.bed", "chr1\t10\t15\nchr1\t20\t22\tname\t.\t.\n")
    t = build(tmp_path, imp, "set_data_from_bed", unstranded, etype="u8")
    assert row(t, "chr1", "-", 9, 23) == [0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0]
    with pytest.raises(ValueError, match="at least 3 columns") as e:
        build(tmp_path, imp, "set_data_from_bed", write(tmp_path, "b.bed", "chr1\t10\n"), etype="u8")
    assert "b.bed:1:" in str(e.value)


# --- bigWig ----------------------------------------------------------------------------------------------


def test_bigwig_real_file_matches_pybigwig(imp, tmp_path):
    """pyBigWig's own test file, imported and compared with pyBigWig's values."""
    pyBigWig = pytest.importorskip("pyBigWig")
    path = str(tmp_path / "bw.gtrack")
    with GenomeTrackBuilder(path, "f32", "single_stranded", imp) as b:
        b.set_data_from_bigwig(TEST_BW)
    t = GenomeTrack(path)
    bw = pyBigWig.open(TEST_BW)
    try:
        for chrom in bw.chroms():
            for s, e in ((0, 400), (90, 160), (0, 3), (140, 1000)):
                want = np.array(bw.values(chrom, s, e), np.float32)
                got = t(gk.Interval(chrom, "+", s, e, "imp"), np.float32).ravel()
                np.testing.assert_array_equal(got, want, err_msg=f"{chrom}:{s}-{e}")
    finally:
        bw.close()


def test_bigwig_synthetic_matches_pybigwig_and_wig(imp, tmp_path):
    """A bigWig written by pyBigWig, imported at f16, equals the values pyBigWig reads
    (rounded to float16); the same data as bigWigToWig-style WIG gives the same track."""
    pyBigWig = pytest.importorskip("pyBigWig")
    rng = np.random.default_rng(7)
    bw_path = str(tmp_path / "s.bw")
    bw = pyBigWig.open(bw_path, "w")
    bw.addHeader([("chr1", 2_000_000), ("chr2", 500_000)])
    runs = {}
    for chrom, size in (("chr1", 2_000_000), ("chr2", 500_000)):
        starts = np.sort(rng.choice(size // 10, 3000, replace=False)) * 10
        ends = starts + rng.integers(1, 10, starts.size)
        vals = rng.standard_normal(starts.size).astype(np.float32) * 10
        bw.addEntries([chrom] * starts.size, starts.tolist(), ends=ends.tolist(), values=vals.tolist())
        runs[chrom] = (starts, ends, vals)
    bw.close()

    path = str(tmp_path / "s.gtrack")
    with GenomeTrackBuilder(path, "f16", "single_stranded", imp) as b:
        b.set_data_from_bigwig(bw_path)
    t = GenomeTrack(path)
    bw = pyBigWig.open(bw_path)
    try:
        for s in rng.integers(0, 1_990_000, 30):
            want = np.nan_to_num(np.array(bw.values("chr1", int(s), int(s) + 5000), np.float32), nan=np.nan)
            got = t(I("chr1", "+", int(s), int(s) + 5000), np.float32).ravel()
            np.testing.assert_array_equal(got, want.astype(np.float16).astype(np.float32))
    finally:
        bw.close()

    # the same data as WIG (one variableStep section per record, tab separated as bigWigToWig writes)
    lines = []
    for chrom, (starts, ends, vals) in runs.items():
        for s, e, v in zip(starts, ends, vals, strict=True):
            lines.append(f"variableStep chrom={chrom} span={e - s}\n{s + 1}\t{v:.9g}")
    wig = write(tmp_path, "s2.wig", "\n".join(lines) + "\n")
    w = GenomeTrackBuilder(str(tmp_path / "w.gtrack"), "f16", "single_stranded", imp)
    w.set_data_from_wig(wig)
    w.finalize()
    tw = GenomeTrack(str(tmp_path / "w.gtrack"))
    for s in rng.integers(0, 1_990_000, 30):
        iv = I("chr1", "+", int(s), int(s) + 5000)
        np.testing.assert_array_equal(tw(iv), t(iv))
