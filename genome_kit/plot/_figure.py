"""``plot(components, interval)``: stacked panels on one genomic x axis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..interval import Interval
from . import _style
from ._annotations import IntervalAnnotation, VariantAnnotation
from ._sequence import SeqLogo
from ._sequence import Sequence as SequenceTrack
from ._tracks import OverlaidTracks, Tracks
from ._transcripts import TranscriptAnnotation
from ._window import Window

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

COMPONENTS = (Tracks, OverlaidTracks, TranscriptAnnotation, SeqLogo, SequenceTrack)
ANNOTATIONS = (VariantAnnotation, IntervalAnnotation)
_GAP = 0.07  # inches between panels
_RIGHT = 0.35  # inches right of the panels (room for the last x tick label)
_BOTTOM = 0.42  # inches for the x tick labels and the axis label
_TOP = 0.12  # inches above the panels (more with a title or annotation labels)


def _as_list(items, what: str) -> list:
    if items is None:
        return []
    if isinstance(items, COMPONENTS + ANNOTATIONS):
        return [items]
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise TypeError(f"{what} must be a list, got {type(items).__name__}")
    return list(items)


def plot(
    components,
    interval: Interval,
    *,
    annotations=(),
    fig_width: float = 6.4,
    label_width: float = 1.2,
    title: str | None = None,
    xlabel: str | None = None,
    dpi: float = 100,
) -> Figure:
    """Draws ``components`` as stacked panels over ``interval``, ``annotations`` across all of them.

    Parameters
    ----------
    components : list
        :class:`Tracks`, :class:`OverlaidTracks`, :class:`TranscriptAnnotation`,
        :class:`SeqLogo` and :class:`Sequence`, top to bottom (each may add several panels).
    interval : Interval
        The window. The x axis is its chromosome's reference coordinates, 0-based, increasing left
        to right whatever the interval's strand (data read on ``-`` is put back in genomic order).
    annotations : list
        :class:`VariantAnnotation` and :class:`IntervalAnnotation`, drawn on every panel.
    fig_width : float
        Inches; the height follows from the panels' heights.
    label_width : float
        Inches left of the panels for their labels.
    title : str, optional
        Figure title.
    xlabel : str, optional
        Label of the x axis (default: the chromosome; ``""`` for none).
    dpi : float
        Resolution of raster output (``fig.savefig("x.png")``).

    Returns
    -------
    matplotlib.figure.Figure
        Not registered with pyplot (no global state, nothing to close); Jupyter displays it, and
        ``fig.savefig`` writes PNG, SVG or PDF.
    """
    mpl = _style.require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    parts = _as_list(components, "components")
    marks = _as_list(annotations, "annotations")
    if not parts:
        raise ValueError("plot needs at least one component (Tracks, TranscriptAnnotation, ...)")
    for part in parts:
        if not isinstance(part, COMPONENTS):
            raise TypeError(
                f"components take {', '.join(c.__name__ for c in COMPONENTS)}, got {type(part).__name__}"
                + (" (annotations go in annotations=)" if isinstance(part, ANNOTATIONS) else "")
            )
    for mark in marks:
        if not isinstance(mark, ANNOTATIONS):
            raise TypeError(
                f"annotations take VariantAnnotation or IntervalAnnotation, got {type(mark).__name__}"
            )
    axes_width = fig_width - label_width - _RIGHT
    if axes_width < 0.5:
        raise ValueError(
            f"fig_width={fig_width} leaves {axes_width:.2f} in for the panels (label_width={label_width})"
        )
    window = Window.of(interval, axes_width)

    with mpl.rc_context(_style.STYLE):
        panels = [part._layout(window) for part in parts]
        heights = [h for p in panels for h in p.heights]
        labelled = any(getattr(m, "labels", None) for m in marks)
        top = _TOP + (0.22 if title else 0) + (0.14 if labelled else 0)
        total = sum(heights) + _GAP * (len(heights) - 1) + top + _BOTTOM
        fig = Figure(figsize=(fig_width, total), dpi=dpi)
        FigureCanvasAgg(fig)  # drawable and measurable without pyplot; savefig picks SVG/PDF by name
        grid = fig.add_gridspec(
            len(heights),
            1,
            height_ratios=heights,
            left=label_width / fig_width,
            right=1 - _RIGHT / fig_width,
            top=1 - top / total,
            bottom=_BOTTOM / total,
            hspace=_GAP / (sum(heights) / len(heights)),
        )
        axes: list[Any] = []
        for i in range(len(heights)):
            axes.append(fig.add_subplot(grid[i, 0], sharex=axes[0] if axes else None))
        axes[0].set_xlim(window.start, window.end)
        k = 0
        for p in panels:
            p.draw(axes[k : k + len(p.heights)])
            k += len(p.heights)
        for ax in axes:
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(axis="x", labelbottom=ax is axes[-1])
            ax.set_xlim(window.start, window.end)
        for mark in marks:
            mark._draw(axes, window)
        last = axes[-1]
        last.xaxis.set_major_locator(MaxNLocator(5))
        last.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{int(round(x)):,}"))
        last.set_xlabel(f"{window.chromosome} position (0-based, bp)" if xlabel is None else xlabel)
        if title:
            fig.suptitle(title, y=1 - 0.06 / total, va="top")
    return fig
