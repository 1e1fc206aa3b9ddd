"""Transcript panel: exons, CDS (tall), UTRs (thin), introns, strand arrows and labels, packed in rows
so that no two glyphs or labels collide."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from ..genome import Genome
from ..genome_annotation import Gene, GeneTable, GenomeAnnotation, Transcript, TranscriptTable
from . import _style
from ._panels import Panels, format_label, no_y_axis
from ._window import Window

_STYLES = ("full", "compact")
_LABEL_SIZE = 6.0
_GAP = 0.08  # inches kept free between neighbours in a row
_ARROW_SPACING = 0.28  # inches between strand chevrons
# vertical layout of one row (1 data unit, y grows downwards): label band above the glyph
_LABEL_Y, _GLYPH_Y = 0.3, 0.7
_TALL, _THIN = 0.36, 0.18


@dataclasses.dataclass(frozen=True)
class _Glyph:
    """What one row item draws: a transcript (full style) or a gene's merged transcripts (compact)."""

    start: int
    end: int
    strand: str
    tall: list[tuple[int, int]]  # CDS
    thin: list[tuple[int, int]]  # UTRs, exons of non-coding transcripts
    introns: list[tuple[int, int]]
    label: str
    coding: bool


def _merge(blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(blocks):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _spans(rows) -> list[tuple[int, int]]:
    return [(r.start, r.end) for r in rows]


def _fields(t: Transcript) -> dict[str, Any]:
    gene = t.gene
    return {
        "gene_name": gene.name,
        "gene_id": gene.id,
        "gene_type": gene.type,
        "transcript_id": t.id,
        "transcript_type": t.type,
    }


def _transcript_glyph(t: Transcript, template: str) -> _Glyph:
    cds = _spans(t.cdss)
    thin = _spans(t.utr5s) + _spans(t.utr3s) if cds else _spans(t.exons)
    label = format_label(template, _fields(t), "TranscriptAnnotation")
    return _Glyph(t.start, t.end, t.strand, cds, thin, _spans(t.introns), label, bool(cds))


def _gene_glyph(transcripts: list[Transcript], template: str) -> _Glyph:
    exons = _merge([b for t in transcripts for b in _spans(t.exons)])
    cds = _merge([b for t in transcripts for b in _spans(t.cdss)])
    introns = [(a[1], b[0]) for a, b in zip(exons, exons[1:], strict=False)]
    first = transcripts[0]
    label = format_label(template, _fields(first), "TranscriptAnnotation")
    start, end = min(t.start for t in transcripts), max(t.end for t in transcripts)
    return _Glyph(start, end, first.strand, cds, exons, introns, label, bool(cds))


def _transcripts_of(source, window: Window) -> list[Transcript]:
    """The transcripts to draw: those of a table (or genome) overlapping the window, or the given rows."""
    if isinstance(source, (Genome, GenomeAnnotation)):
        source = source.transcripts
    if isinstance(source, (TranscriptTable, GeneTable)):
        found: dict[Any, None] = {}
        for strand in ("+", "-") if source.stranded else ("+",):
            for row in source.find_overlapping(window.interval(strand)):
                for t in row.transcripts if isinstance(row, Gene) else [row]:
                    found[t] = None
        return sorted(found, key=lambda t: (t.start, t.end, t.id))
    rows = list(source)
    out: list[Transcript] = []
    for row in rows:
        if not isinstance(row, (Gene, Transcript)):
            raise TypeError(f"TranscriptAnnotation takes Gene or Transcript rows, got {type(row).__name__}")
        window.check_same_place(row.chromosome, row.interval.reference_genome, repr(row))
        out += row.transcripts if isinstance(row, Gene) else [row]
    visible = [t for t in out if t.end > window.start and t.start < window.end]
    if out and not visible:
        raise ValueError(f"none of the {len(out)} transcripts given overlaps the plotted interval {window}")
    return sorted(dict.fromkeys(visible), key=lambda t: (t.start, t.end, t.id))


def _text_width_inches(text: str) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=_style.FONT, size=_LABEL_SIZE)
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return width / 72.0


def _pack(glyphs: list[_Glyph], window: Window) -> tuple[list[int], list[float]]:
    """Row of each glyph and x of its label (left edge, in bp): greedy, first row with room."""
    bp = window.bp_per_inch
    gap = _GAP * bp
    rows_end: list[float] = []
    rows, label_x = [], []
    for g in glyphs:
        lo, hi = max(g.start, window.start), min(g.end, window.end)
        width = _text_width_inches(g.label) * bp
        x = (lo + hi - width) / 2  # centred on the visible part of the glyph, kept inside the window
        if width <= window.length:
            x = min(max(x, window.start), window.end - width)
        left, right = min(lo, x), max(hi, x + width)
        row = next((r for r, end in enumerate(rows_end) if end + gap <= left), len(rows_end))
        if row == len(rows_end):
            rows_end.append(right)
        else:
            rows_end[row] = right
        rows.append(row)
        label_x.append(x)
    return rows, label_x


def _chevron(direction: int):
    from matplotlib.path import Path

    return Path([(-0.5 * direction, 1.0), (0.5 * direction, 0.0), (-0.5 * direction, -1.0)])


@dataclasses.dataclass(frozen=True, eq=False)
class TranscriptAnnotation:
    """Gene models: CDS tall, UTRs thin, introns as lines with strand chevrons, labelled.

    Parameters
    ----------
    transcripts : Genome, GenomeAnnotation, TranscriptTable, GeneTable, or Gene/Transcript rows
        A table (or an annotated genome) gives every transcript overlapping the plotted interval on
        either strand; rows are drawn as given (genes as all their transcripts). Choose fewer with
        ``filter_protein_coding``, ``longest_transcripts`` or ``filter_mane_select`` first.
    style : ``"full"`` or ``"compact"``
        ``full``: one glyph per transcript in colour (CDS dark, UTRs light, non-coding grey),
        labelled ``{gene_name} ({transcript_id})`` (the gene name alone when the transcript's id
        is that name too). ``compact``: one black glyph per gene (the
        union of its transcripts' exons, CDS tall), labelled with the gene name.
    label_template : str, optional
        Label text from ``gene_name``, ``gene_id``, ``gene_type``, ``transcript_id``,
        ``transcript_type`` (compact style: those of the gene's first transcript).
    row_height : float, optional
        Inches per row of glyphs (default 0.34 full, 0.28 compact).
    colors : mapping, optional
        Overrides of ``cds``, ``utr``, ``noncoding`` and ``intron`` colours.
    """

    transcripts: Any
    style: str = "full"
    label_template: str | None = None
    row_height: float | None = None
    colors: dict[str, str] | None = None

    def __post_init__(self):
        if self.style not in _STYLES:
            raise ValueError(f"TranscriptAnnotation style must be 'full' or 'compact', got {self.style!r}")
        source = self.transcripts
        annotation = isinstance(source, (Genome, GenomeAnnotation, TranscriptTable, GeneTable))
        rows = isinstance(source, Iterable) and not isinstance(source, (str, bytes))
        if not (annotation or rows):
            raise TypeError(
                "TranscriptAnnotation takes a Genome, GenomeAnnotation, TranscriptTable, GeneTable or rows, "
                f"got {type(self.transcripts).__name__}"
            )
        unknown = set(self.colors or {}) - {"cds", "utr", "noncoding", "intron"}
        if unknown:
            raise ValueError(f"TranscriptAnnotation colors: unknown keys {sorted(unknown)}")

    def _palette(self) -> dict[str, str]:
        if self.style == "compact":
            base = dict.fromkeys(("cds", "utr", "noncoding", "intron"), _style.COMPACT_COLOR)
        else:
            base = {
                "cds": _style.CDS_COLOR,
                "utr": _style.UTR_COLOR,
                "noncoding": _style.NONCODING_COLOR,
                "intron": _style.NONCODING_COLOR,
            }
        return {**base, **(self.colors or {})}

    def glyphs(self, window: Window) -> list[_Glyph]:
        transcripts = _transcripts_of(self.transcripts, window)
        if self.style == "full":
            if self.label_template is not None:
                return [_transcript_glyph(t, self.label_template) for t in transcripts]
            # the gene name, and the transcript's id unless it is that name again (SGD: one per gene)
            return [
                _transcript_glyph(
                    t, "{gene_name}" if t.id == t.gene.name else "{gene_name} ({transcript_id})"
                )
                for t in transcripts
            ]
        template = self.label_template or "{gene_name}"
        by_gene: dict[Any, list[Transcript]] = {}
        for t in transcripts:
            by_gene.setdefault(t.gene, []).append(t)
        glyphs = [_gene_glyph(ts, template) for ts in by_gene.values()]
        return sorted(glyphs, key=lambda g: (g.start, g.end))

    def _layout(self, window: Window) -> Panels:
        glyphs = self.glyphs(window)
        rows, label_x = _pack(glyphs, window)
        n_rows = max(rows, default=-1) + 1
        height = self.row_height or (0.34 if self.style == "full" else 0.28)
        palette = self._palette()

        def draw(axes):
            (ax,) = axes
            ax.set_ylim(max(n_rows, 1), 0)
            no_y_axis(ax)
            for glyph, row, x in zip(glyphs, rows, label_x, strict=True):
                self._draw_glyph(ax, glyph, row, x, window, palette)

        return Panels([height * max(n_rows, 1) + 0.05], draw)

    def _draw_glyph(self, ax, g: _Glyph, row: int, label_x: float, window: Window, palette) -> None:
        from matplotlib.collections import LineCollection

        y = row + _GLYPH_Y
        thin_color = palette["utr"] if g.coding else palette["noncoding"]
        if g.introns:
            segments = [[(s, y), (e, y)] for s, e in g.introns]
            ax.add_collection(
                LineCollection(segments, colors=palette["intron"], linewidths=0.7, gid="intron"),
                autolim=False,
            )
        if g.thin:
            bars = ax.broken_barh(
                [(s, e - s) for s, e in g.thin], (y - _THIN / 2, _THIN), color=thin_color, linewidth=0
            )
            bars.set_gid("utr" if g.coding else "exon")
        if g.tall:
            bars = ax.broken_barh(
                [(s, e - s) for s, e in g.tall], (y - _TALL / 2, _TALL), color=palette["cds"], linewidth=0
            )
            bars.set_gid("cds")
        self._draw_arrows(ax, g, y, window, palette)
        ax.text(label_x, row + _LABEL_Y, g.label, fontsize=_LABEL_SIZE, va="center", ha="left", gid="label")

    @staticmethod
    def _draw_arrows(ax, g: _Glyph, y: float, window: Window, palette) -> None:
        """Chevrons pointing 5'→3' along the visible introns (one on the glyph when none fits)."""
        step = _ARROW_SPACING * window.bp_per_inch
        xs = []
        for s, e in g.introns:
            s, e = max(s, window.start), min(e, window.end)
            n = int((e - s) // step)
            xs += [s + (e - s) * (k + 0.5) / n for k in range(n)]
        color = palette["intron"]
        if not xs:
            lo, hi = max(g.start, window.start), min(g.end, window.end)
            xs = [(lo + hi) / 2]
            if any(s <= xs[0] < e for s, e in g.thin + g.tall):
                color = "white"  # on the exon
        ax.plot(
            xs,
            [y] * len(xs),
            linestyle="none",
            marker=_chevron(1 if g.strand != "-" else -1),
            markersize=3.2,
            markerfacecolor="none",
            markeredgecolor=color,
            markeredgewidth=0.7,
            gid="strand_arrows",
        )
