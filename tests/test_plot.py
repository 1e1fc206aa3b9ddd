"""genome_kit.plot on real data: what each component draws (panels, glyphs, labels, positions in data
coordinates), the orientation rules, the errors, and the ``genome-kit plot`` command."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

import plot_data  # noqa: E402

import genome_kit as gk  # noqa: E402
from genome_kit import plot as gkp  # noqa: E402

# HES4 (-), ISG15 (+) and three lncRNA/pseudogenes of GENCODE v29 overlap this window
HES4_ISG15 = ("chr1", 998_000, 1_016_000)


@pytest.fixture(scope="module")
def hs(data_dir):
    return plot_data.gencode_genome(data_dir)


@pytest.fixture(scope="module")
def sgd(data_dir, yeast):
    return plot_data.sgd_genome(data_dir, yeast)


@pytest.fixture(scope="module")
def tracks(tmp_path_factory, yeast):
    gc, a = plot_data.write_tracks(str(tmp_path_factory.mktemp("plot_tracks")), yeast)
    return gk.GenomeTrack(gc), gk.GenomeTrack(a)


def artists(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def ylabels(fig):
    return [ax.get_ylabel() for ax in fig.axes]


def trackdata(genome, strand="+", start=1000, end=3000, res=100):
    """GC and A fractions of the yeast sequence as a 3-track TrackData (values 5'→3' on ``strand``)."""
    frac = plot_data.base_fractions(genome, start, end, res)
    values = np.stack([frac[:, 1] + frac[:, 2], frac[:, 0], frac[:, 3]], axis=1)
    meta = {"name": ["GC", "A", "A"], "strand": [".", "+", "-"], "assay": ["seq", "seq", "seq"]}
    iv = genome.interval("chrI", "+", start, end)
    td = gk.TrackData(values, meta, res, iv)
    return td.reverse_complement() if strand == "-" else td


# --- Tracks ---


def test_tracks_one_panel_per_track_with_name_strand_labels_and_bins_in_data_coordinates(yeast):
    td = trackdata(yeast)
    fig = gkp.plot([gkp.Tracks(td)], td.interval)
    assert ylabels(fig) == ["GC:.", "A:+", "A:-"]
    for k, ax in enumerate(fig.axes):
        (steps,) = artists(ax, "track")
        values, edges, _ = steps.get_data()
        np.testing.assert_array_equal(edges, np.arange(1000, 3001, 100))
        np.testing.assert_allclose(values, td.values[:, k])
        assert steps.get_fill()
        assert ax.get_xlim() == (1000, 3000)
    assert fig.axes[-1].get_xlabel().startswith("chrI")


def test_tracks_line_colours_template_and_y_scales(yeast):
    td = trackdata(yeast)
    colors = ["black", "green", "red"]
    own = gkp.plot(
        [gkp.Tracks(td, filled=False, track_colors=colors, ylabel_template="{assay} {name}")], td.interval
    )
    assert ylabels(own) == ["seq GC", "seq A", "seq A"]
    for ax, color in zip(own.axes, colors, strict=True):
        (steps,) = artists(ax, "track")
        assert not steps.get_fill()
        assert steps.get_edgecolor()[:3] == pytest.approx(
            {"black": (0, 0, 0), "green": (0, 0.5, 0), "red": (1, 0, 0)}[color], abs=0.01
        )
    assert len({ax.get_ylim() for ax in own.axes}) == 3  # each its own scale
    shared = gkp.plot([gkp.Tracks(td, shared_y_scale=True)], td.interval)
    (ylim,) = {ax.get_ylim() for ax in shared.axes}
    assert ylim[0] == 0 and ylim[1] >= td.values.max()


def test_global_ylims_xlabel_and_no_legend(yeast):
    ref = trackdata(yeast)
    fig = gkp.plot(
        [gkp.Tracks(ref, global_ylims=(-1, 2)), gkp.OverlaidTracks({"a": ref, "b": ref}, legend_loc=None)],
        ref.interval,
        xlabel="",
    )
    assert [ax.get_ylim() for ax in fig.axes[:3]] == [(-1, 2)] * 3
    assert fig.axes[3].get_legend() is None and fig.axes[-1].get_xlabel() == ""


def test_trackdata_of_a_minus_interval_is_drawn_in_genomic_order(yeast):
    plus, minus = trackdata(yeast), trackdata(yeast, "-")
    assert minus.interval.strand == "-"
    a = gkp.plot([gkp.Tracks(plus)], plus.interval)
    b = gkp.plot([gkp.Tracks(minus)], plus.interval.as_negative_strand())
    # reverse_complement swapped the A:+ and A:- tracks and reversed the positions: the same picture
    got = {ax.get_ylabel(): artists(ax, "track")[0].get_data().values for ax in b.axes}
    for ax in a.axes:
        np.testing.assert_allclose(got[ax.get_ylabel()], artists(ax, "track")[0].get_data().values)
    assert b.axes[0].get_xlim() == (1000, 3000)


def test_genometrack_of_another_assembly_is_refused(tracks, tiny):
    with pytest.raises(ValueError, match="is on assembly 'yeast', the plotted interval .* on 'tiny'"):
        gkp.plot([gkp.Tracks(tracks[0])], tiny.interval("chr1", "+", 0, 40))


def test_genometrack_is_read_over_the_window_both_strands_in_genomic_order(yeast, tracks):
    gc, a = tracks
    iv = yeast.interval("chrI", "-", 5003, 5497)  # not aligned to the 10 bp bins: whole bins are drawn
    fig = gkp.plot([gkp.Tracks([gc, a])], iv)
    assert ylabels(fig) == ["gc:.", "a:+", "a:-"]
    frac = plot_data.base_fractions(yeast, 5000, 5500, 10)
    want = [frac[:, 1] + frac[:, 2], frac[:, 0], frac[:, 3]]  # the '-' track's A is the '+' strand's T
    for ax, expected in zip(fig.axes, want, strict=True):
        values, edges, _ = artists(ax, "track")[0].get_data()
        assert (edges[0], edges[-1]) == (5000, 5500)
        np.testing.assert_allclose(values, expected, atol=2e-3)  # float16 storage


def test_more_bins_than_the_panel_can_show_are_drawn_as_their_min_max_band(hs):
    """A 1 Mbp window at 1 bp: drawn pooled (fast), the band keeps every extreme, NaN stays a gap."""
    iv = gk.Interval("chr1", "+", 0, 1_000_000, hs)
    values = np.sin(np.arange(1_000_000) / 3000.0)
    values[500_000:520_000] = np.nan
    values[123_457] = 5.0  # one spike in a million
    td = gk.TrackData(values[:, None], {"name": ["sine"], "strand": ["."]}, 1, iv)
    for filled in (True, False):
        fig = gkp.plot([gkp.Tracks(td, filled=filled)], iv, fig_width=5)
        top, edges, bottom = artists(fig.axes[0], "track")[0].get_data()
        assert len(top) <= 2 * 300 * (5 - 1.2 - 0.35)
        assert (edges[0], edges[-1]) == (0, 1_000_000)
        assert np.nanmax(top) == 5.0 and np.nanmin(bottom) == pytest.approx(-1, abs=1e-6)
        assert np.isnan(top).any() == (not filled)  # the all-NaN groups: a gap (filled: down to 0)
        spike = np.searchsorted(edges, 123_457, side="right") - 1
        assert top[spike] == 5.0


def test_many_tracks_and_the_guard(yeast):
    iv = yeast.interval("chrI", "+", 0, 800)
    values = plot_data.base_fractions(yeast, 0, 800, 10).repeat(10, axis=1)  # 40 tracks
    td = gk.TrackData(values, {"name": [f"t{i}" for i in range(40)], "strand": ["."] * 40}, 10, iv)
    assert len(gkp.plot([gkp.Tracks(td, track_height=0.1)], iv).axes) == 40
    with pytest.raises(ValueError, match="40 tracks, more than max_num_tracks=20"):
        gkp.plot([gkp.Tracks(td, max_num_tracks=20)], iv)


# --- OverlaidTracks ---


def test_overlaid_ref_and_alt_share_each_panel(yeast):
    ref = trackdata(yeast)
    alt = ref.copy()
    alt.values[5:8] += 0.5
    fig = gkp.plot(
        [gkp.OverlaidTracks({"REF": ref, "ALT": alt}, colors={"REF": "grey", "ALT": "red"})], ref.interval
    )
    assert ylabels(fig) == ["GC:.", "A:+", "A:-"]
    for k, ax in enumerate(fig.axes):
        steps = artists(ax, "overlaid_track")
        assert [s.get_label() for s in steps] == ["REF", "ALT"]
        np.testing.assert_allclose(
            steps[1].get_data().values - steps[0].get_data().values, alt.values[:, k] - ref.values[:, k]
        )
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["REF", "ALT"]
    other = ref.select_tracks_by_name(["A"])
    with pytest.raises(ValueError, match="'ALT' has the tracks"):
        gkp.plot([gkp.OverlaidTracks({"REF": ref, "ALT": other})], ref.interval)


# --- TranscriptAnnotation ---


def visible_transcripts(genome, iv):
    found = {
        t
        for s in "+-"
        for t in genome.transcripts.find_overlapping(
            iv.as_positive_strand() if s == "+" else iv.as_negative_strand()
        )
    }
    return sorted(found, key=lambda t: (t.start, t.end, t.id))


def test_full_style_draws_every_transcript_cds_tall_utrs_thin_introns_and_arrows(hs):
    iv = gk.Interval(*HES4_ISG15[:1], "+", *HES4_ISG15[1:], hs)
    fig = gkp.plot([gkp.TranscriptAnnotation(hs)], iv)
    (ax,) = fig.axes
    expected = visible_transcripts(hs, iv)
    labels = [t.get_text() for t in artists(ax, "label")]
    assert sorted(labels) == sorted(f"{t.gene.name} ({t.id})" for t in expected)
    assert {"HES4 (ENST00000304952.10)", "ISG15 (ENST00000649529.1)"} <= set(labels)
    cds = [p for c in artists(ax, "cds") for p in c.get_paths()]
    utr = [p for c in artists(ax, "utr") for p in c.get_paths()]
    assert len(cds) == sum(len(t.cdss) for t in expected)
    assert len(utr) == sum(len(t.utr5s) + len(t.utr3s) for t in expected if t.cdss)
    assert sum(len(c.get_segments()) for c in artists(ax, "intron")) == sum(len(t.introns) for t in expected)
    # CDS boxes are taller than UTR boxes; their x extents are the CDS coordinates
    cds_height = {round(np.ptp(p.vertices[:, 1]), 6) for p in cds}
    utr_height = {round(np.ptp(p.vertices[:, 1]), 6) for p in utr}
    assert len(cds_height) == len(utr_height) == 1 and cds_height.pop() == 2 * utr_height.pop()
    want = sorted((c.start, c.end) for t in expected for c in t.cdss)
    assert sorted((p.vertices[:, 0].min(), p.vertices[:, 0].max()) for p in cds) == want
    # chevrons point 5'→3': right on '+', left on '-'
    arrows = artists(ax, "strand_arrows")
    assert len(arrows) == len(expected)
    directions = {np.sign(a.get_marker().vertices[1, 0] - a.get_marker().vertices[0, 0]) for a in arrows}
    assert directions == {1.0, -1.0}


def test_labels_and_glyphs_never_collide(hs):
    iv = gk.Interval("chr1", "+", 940_000, 1_020_000, hs)  # SAMD11 .. AGRN: dense, many labels
    fig = gkp.plot([gkp.TranscriptAnnotation(hs)], iv, fig_width=5)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    boxes = [t.get_window_extent(renderer) for t in artists(ax, "label")]
    assert len(boxes) > 30
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    inside = ax.get_window_extent(renderer)
    assert all(inside.x0 - 1 <= b.x0 and b.x1 <= inside.x1 + 1 for b in boxes)  # kept inside the panel


def test_compact_style_draws_one_black_glyph_per_gene(hs):
    iv = gk.Interval(*HES4_ISG15[:1], "-", *HES4_ISG15[1:], hs)  # the strand of the window changes nothing
    fig = gkp.plot([gkp.TranscriptAnnotation(hs, style="compact")], iv)
    (ax,) = fig.axes
    genes = {t.gene.name for t in visible_transcripts(hs, iv)}
    assert sorted(t.get_text() for t in artists(ax, "label")) == sorted(genes)
    for c in artists(ax, "cds") + artists(ax, "utr") + artists(ax, "exon"):
        assert tuple(c.get_facecolor()[0][:3]) == (0, 0, 0)
    # the ISG15 glyph is the union of its 4 transcripts' CDSs
    isg15 = [t for t in visible_transcripts(hs, iv) if t.gene.name == "ISG15"]
    union = sorted({(c.start, c.end) for t in isg15 for c in t.cdss})
    drawn = sorted(
        (p.vertices[:, 0].min(), p.vertices[:, 0].max()) for c in artists(ax, "cds") for p in c.get_paths()
    )
    assert all(any(a <= s and e <= b for a, b in drawn) for s, e in union)
    assert ax.get_ylim()[0] < gkp.plot([gkp.TranscriptAnnotation(hs)], iv).axes[0].get_ylim()[0]  # fewer rows


def test_rows_of_sgd_genes_spliced_orf_and_trna(sgd):
    gene = sgd.genes["YAL001C"]  # a spliced ORF on '-'
    (t,) = gene.transcripts
    iv = gene.interval.expand(200, 200)
    fig = gkp.plot([gkp.TranscriptAnnotation([gene], label_template="{gene_id} {transcript_type}")], iv)
    (ax,) = fig.axes
    assert [x.get_text() for x in artists(ax, "label")] == ["YAL001C mRNA"]
    default = gkp.plot([gkp.TranscriptAnnotation([gene])], iv).axes[0]
    assert [x.get_text() for x in artists(default, "label")] == ["YAL001C"]  # not "YAL001C (YAL001C)"
    assert len(artists(ax, "cds")[0].get_paths()) == len(t.cdss) == 2
    assert artists(ax, "utr") == []  # SGD gives no UTRs
    (introns,) = artists(ax, "intron")
    assert [tuple(seg[:, 0]) for seg in introns.get_segments()] == [(i.start, i.end) for i in t.introns]
    trna = sgd.genes["tP(UGG)A"].transcripts[0]
    fig = gkp.plot([gkp.TranscriptAnnotation([trna])], trna.interval.expand(20, 20))
    assert len(artists(fig.axes[0], "exon")[0].get_paths()) == 2  # non-coding: exons, thin


# --- sequence ---


def test_sequence_letters_one_per_base_coloured_by_base(yeast):
    iv = yeast.interval("chrI", "+", 1000, 1060)
    fig = gkp.plot([gkp.Sequence(yeast)], iv)
    (letters,) = artists(fig.axes[0], "sequence")
    dna = yeast.dna(iv)
    paths = letters.get_paths()
    assert len(paths) == 60
    assert [int(p.get_extents().x0) for p in paths] == list(range(1000, 1060))
    colors = {b: tuple(c) for b, c in zip(dna, letters.get_facecolor(), strict=True)}
    assert len(colors) == 4 and len(set(colors.values())) == 4


def test_seqlogo_heights_and_minus_strand_scores(yeast):
    iv = yeast.interval("chrI", "-", 2000, 2040)
    onehot = yeast.one_hot([iv])[0].astype(float)  # the '-' strand's bases, 5'→3'
    weights = np.linspace(-1.0, 1.0, 40)
    fig = gkp.plot([gkp.SeqLogo(onehot * weights[:, None], iv, ylabel="contrib")], iv)
    (logo,) = artists(fig.axes[0], "seqlogo")
    paths = logo.get_paths()
    assert len(paths) == 40  # one letter per base (one-hot scores), none of the weights is 0
    bottoms = {}
    for p in paths:
        box = p.get_extents()
        bottoms[int(box.x0)] = (box.y0, box.y1)
    # genomic position 2000 is the '-' interval's last base: weight +1, drawn above the axis
    assert bottoms[2000][1] == pytest.approx(1.0, abs=0.02) and bottoms[2000][0] == pytest.approx(0, abs=0.02)
    assert bottoms[2039][0] == pytest.approx(-1.0, abs=0.02)
    # the letters are the '+' strand's bases: complemented and reversed back
    plus = yeast.dna(iv.as_positive_strand())
    colors = [tuple(c) for c in logo.get_facecolor()]
    by_base = {}
    for p, c in zip(paths, colors, strict=True):
        by_base.setdefault(plus[int(p.get_extents().x0) - 2000], set()).add(c)
    assert all(len(v) == 1 for v in by_base.values()) and len(
        {c for v in by_base.values() for c in v}
    ) == len(by_base)


def test_seqlogo_of_a_trackdata_and_a_variant_genome_sequence(yeast):
    iv = yeast.interval("chrI", "+", 3000, 3020)
    onehot = yeast.one_hot([iv])[0].astype(np.float32)
    td = gk.TrackData(onehot, {"name": list("ACGT"), "strand": ["+"] * 4}, 1, iv)
    fig = gkp.plot([gkp.SeqLogo(td, ylim=(0, 2))], iv)
    (logo,) = artists(fig.axes[0], "seqlogo")
    assert len(logo.get_paths()) == 20 and fig.axes[0].get_ylim() == (0, 2)
    ref = yeast.dna(yeast.interval("chrI", "+", 3005, 3006))
    snv = gk.VariantGenome(yeast, [gk.Variant("chrI", 3005, ref, "T" if ref != "T" else "A", yeast)])
    (letters,) = artists(gkp.plot([gkp.Sequence(snv)], iv).axes[0], "sequence")
    assert len(letters.get_paths()) == 20
    deletion = gk.VariantGenome(
        yeast, [gk.Variant("chrI", 3005, yeast.dna(yeast.interval("chrI", "+", 3005, 3008)), "", yeast)]
    )
    with pytest.raises(ValueError, match="has 17 bases"):
        gkp.plot([gkp.Sequence(deletion)], iv)
    with pytest.raises(ValueError, match="4 tracks"):
        gkp.SeqLogo(td.select_tracks_by_index([0, 1]))


# --- annotations across panels ---


def test_variant_and_interval_annotations_on_every_panel(yeast):
    td = trackdata(yeast)
    iv = td.interval
    snv = yeast.variant("chrI:1,501:" + yeast.dna(yeast.interval("chrI", "+", 1500, 1501)) + ":A")
    deletion = gk.Variant("chrI", 2000, yeast.dna(yeast.interval("chrI", "+", 2000, 2030)), "", yeast)
    region = yeast.interval("chrI", "+", 2500, 2700)
    fig = gkp.plot(
        [gkp.Tracks(td), gkp.Sequence(yeast, max_width=2000)],
        iv,
        annotations=[
            gkp.VariantAnnotation([snv, deletion], labels=["snv", "del"]),
            gkp.IntervalAnnotation([region]),
        ],
    )
    assert len(fig.axes) == 4
    for ax in fig.axes:
        line, span = artists(ax, "variant")
        assert line.get_xdata()[0] == 1500.5
        assert (span.get_x(), span.get_x() + span.get_width()) == (2000, 2030)  # the deleted bases
        (shade,) = artists(ax, "interval")
        assert (shade.get_x(), shade.get_x() + shade.get_width()) == (2500, 2700)
    assert [t.get_text() for t in artists(fig.axes[0], "annotation_label")] == ["snv", "del"]


# --- output and errors ---


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_savefig_formats(yeast, tmp_path, fmt, magic):
    td = trackdata(yeast)
    path = tmp_path / f"x.{fmt}"
    gkp.plot([gkp.Tracks(td)], td.interval, title="t").savefig(path)
    assert path.read_bytes().startswith(magic)


def test_bad_input_raises_clear_errors(yeast, hs, tiny):
    td = trackdata(yeast)
    other_chrom = yeast.interval("chrII", "+", 1000, 3000)
    with pytest.raises(ValueError, match="at least one component"):
        gkp.plot([], td.interval)
    with pytest.raises(
        ValueError, match=r"Tracks \(.*chrI.*\) is on chrI, the plotted interval chrII:1000-3000"
    ):
        gkp.plot([gkp.Tracks(td)], other_chrom)
    with pytest.raises(ValueError, match="nothing of the plotted interval"):
        gkp.plot([gkp.Tracks(td)], yeast.interval("chrI", "+", 5000, 6000))
    on_tiny = gk.TrackData(
        np.zeros((4, 1)), {"name": ["x"], "strand": ["."]}, 10, tiny.interval("chr1", "+", 0, 40)
    )
    with pytest.raises(ValueError, match="is on assembly 'tiny', the plotted interval .* on 'plot_hs_asm'"):
        gkp.plot([gkp.Tracks(on_tiny)], gk.Interval("chr1", "+", 0, 40, hs))
    with pytest.raises(TypeError, match="TrackData or GenomeTrack, got ndarray"):
        gkp.Tracks(td.values)
    with pytest.raises(TypeError, match="annotations go in annotations="):
        gkp.plot([gkp.IntervalAnnotation([td.interval])], td.interval)
    with pytest.raises(TypeError, match="must be a genome_kit.Interval"):
        gkp.plot([gkp.Tracks(td)], "chrI:1000-3000")
    with pytest.raises(KeyError, match="'tissue'; available"):
        gkp.plot([gkp.Tracks(td, ylabel_template="{tissue}")], td.interval)
    with pytest.raises(ValueError, match="is on chrII"):
        gkp.plot([gkp.Tracks(td)], td.interval, annotations=[gkp.IntervalAnnotation([other_chrom])])
    with pytest.raises(ValueError, match="more than max_width=1000"):
        gkp.plot([gkp.Sequence(yeast)], yeast.interval("chrI", "+", 0, 1001))
    with pytest.raises(TypeError, match="TranscriptAnnotation takes a Genome"):
        gkp.TranscriptAnnotation("HES4")
    with pytest.raises(TypeError, match="Gene or Transcript rows, got Interval"):
        gkp.plot([gkp.TranscriptAnnotation([td.interval])], td.interval)
    with pytest.raises(ValueError, match="none of the 4 transcripts given overlaps"):
        gkp.plot(
            [gkp.TranscriptAnnotation([hs.genes.first_by_name("HES4")])],
            gk.Interval("chr1", "+", 0, 1000, hs),
        )
    with pytest.raises(ValueError, match="style must be 'full' or 'compact'"):
        gkp.TranscriptAnnotation(hs, style="dense")
    with pytest.raises(ValueError, match="scores must be shaped"):
        gkp.SeqLogo(np.zeros((10, 4)), td.interval)


def test_importing_genome_kit_plot_does_not_import_matplotlib(child_env, tmp_path):
    code = "import sys, genome_kit, genome_kit.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=child_env, cwd=tmp_path, capture_output=True, text=True
    )
    assert out.stdout.strip() == "False", out.stderr


# --- command line ---


def test_cli_region_tracks_and_annotation_to_png(child_env, data_dir, sgd, tracks, tmp_path):
    """The installed command, in a child process: a region, two tracks, the annotation, a variant."""
    from matplotlib.image import imread

    gc, a = tracks
    png = tmp_path / "r.png"
    ref = sgd.dna(sgd.interval("chrI", "+", 4999, 5000))
    env = dict(child_env, GENOMEKIT_DATA_DIR=data_dir, GENOMEKIT_STORAGE_BUCKET="")
    args = [
        "chrI:1,000-19,000",
        "-g",
        "plot_sgd",
        "-t",
        gc.filename,
        "-t",
        a.filename,
        "-v",
        f"chrI:5000:{ref}:T",
    ]
    out = subprocess.run(
        [sys.executable, "-m", "genome_kit", "plot", *args, "-o", str(png), "--width", "5", "--dpi", "80"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(png)
    assert imread(png).shape[1] == 400  # 5 in x 80 dpi


def cli(*args) -> int:
    from genome_kit.__main__ import main

    return main(["plot", *args])


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_cli_gene_name_to_svg_and_pdf(sgd, tmp_path, capsys, fmt):
    path = tmp_path / f"YAL001C.{fmt}"
    assert cli("YAL001C", "-g", "plot_sgd", "--style", "compact", "--sequence", "-o", str(path)) == 1
    assert "more than max_width=1000" in capsys.readouterr().err  # the gene and its flanks are 3.5 kb
    assert cli("YAL001C", "-g", "plot_sgd", "--style", "compact", "-o", str(path)) == 0
    assert path.stat().st_size > 1000
    if fmt == "svg":
        svg = path.read_text()
        assert "YAL001C" in svg and "chrI:" in svg  # the gene label and the default title


def test_cli_errors_name_the_problem(sgd, tmp_path, capsys):
    assert cli("NOSUCHGENE", "-g", "plot_sgd", "-o", str(tmp_path / "x.png")) == 1
    assert (
        "'NOSUCHGENE' is neither a region (chrom:start-end) nor a gene name or id in plot_sgd"
        in capsys.readouterr().err
    )
    assert cli("chrI:0-100", "-g", "plot_sgd", "-o", str(tmp_path / "x.jpg")) == 1
    assert "must end in .png, .svg or .pdf" in capsys.readouterr().err
    assert cli("chrI:0-999999999", "-g", "plot_sgd", "-o", str(tmp_path / "x.png")) == 1
    assert "need 0 <= start < end <= 230208" in capsys.readouterr().err
    assert cli("chrV:0-100", "-g", "plot_sgd", "-o", str(tmp_path / "x.png")) == 1
    assert "no chromosome 'chrV' in plot_sgd" in capsys.readouterr().err
    assert cli("chrI:0-100", "-g", "yeast", "-o", str(tmp_path / "x.png")) == 1
    assert "nothing to draw" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
