"""Base-resolution panels: :class:`SeqLogo` (letters scaled by scores) and :class:`Sequence` (the DNA)."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np

from ..interval import Interval
from ..track_data import TrackData
from . import _style
from ._panels import Panels, label_panel, no_y_axis, small_y_axis
from ._window import Window

_BASES = "ACGT"


@functools.cache
def _unit_letter(letter: str):
    """The glyph of ``letter`` scaled into the unit box [0.05, 0.95] x [0, 1]."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath
    from matplotlib.transforms import Affine2D

    path = TextPath((0, 0), letter, size=1, prop=FontProperties(family=_style.FONT, weight="bold"))
    box = path.get_extents()
    fit = Affine2D().translate(-box.x0, -box.y0).scale(0.9 / box.width, 1.0 / box.height).translate(0.05, 0)
    return fit.transform_path(path)


def _check_width(window: Window, max_width: int, what: str) -> None:
    if window.length > max_width:
        raise ValueError(
            f"{what} draws one letter per base: the plotted interval has {window.length} bases, more than "
            f"max_width={max_width} (plot a narrower interval or raise max_width)"
        )


def _draw_letters(ax, letters: list[tuple[str, float, float, float]], gid: str) -> None:
    """``letters``: (base, x, bottom, height) in data coordinates, as one collection."""
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import Affine2D

    paths = [
        Affine2D().scale(1.0, h).translate(x, y).transform_path(_unit_letter(b)) for b, x, y, h in letters
    ]
    colors = [_style.BASE_COLORS.get(b, "#9a9a9a") for b, _, _, _ in letters]
    collection = PathCollection(
        paths, facecolors=colors, edgecolors="none", linewidths=0, transform=ax.transData
    )
    collection.set_gid(gid)
    ax.add_collection(collection, autolim=False)


@dataclasses.dataclass(frozen=True, eq=False)
class SeqLogo:
    """A sequence logo: at each base the letters A, C, G, T stacked with heights given by scores
    (e.g. contribution scores: positive above the axis, negative below).

    Parameters
    ----------
    scores : numpy.ndarray or TrackData
        ``[length, 4]`` scores of A, C, G, T along ``scores_interval`` 5'→3' (on a ``-`` interval the
        columns are the bases of the ``-`` strand; they are complemented and reversed into genomic
        order), or a TrackData at resolution 1 with 4 tracks in that order (its interval is used).
    scores_interval : Interval, optional
        The bases the rows of an array cover (``len(scores_interval) == length``).
    fig_height : float
        Inches.
    ylabel : str
        Panel label.
    ylim : (float, float), optional
        A fixed y range (default: from the lowest to the highest stack).
    max_width : int
        The largest plotted interval (bases) drawn letter by letter; wider is a ValueError.
    """

    scores: Any
    scores_interval: Interval | None = None
    fig_height: float = 0.7
    max_width: int = 1000
    ylabel: str = ""
    ylim: tuple[float, float] | None = None

    def __post_init__(self):
        scores, interval = self.scores, self.scores_interval
        if isinstance(scores, TrackData):
            if scores.resolution != 1 or scores.values.ndim != 2 or scores.num_tracks != 4:
                raise ValueError(
                    "SeqLogo takes a TrackData at resolution 1 with 4 tracks (A, C, G, T), got "
                    f"{scores.values.shape} at resolution {scores.resolution}"
                )
            if interval is not None:
                raise ValueError("SeqLogo: a TrackData has its own interval; do not pass scores_interval")
            interval, scores = scores.interval, scores.values
        if not isinstance(interval, Interval):
            raise TypeError("SeqLogo needs scores_interval, the Interval the scores cover")
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim != 2 or scores.shape[1] != 4 or scores.shape[0] != len(interval):
            raise ValueError(
                f"SeqLogo scores must be shaped [{len(interval)}, 4] for {interval}, got {scores.shape}"
            )
        if interval.strand == "-":
            scores = scores[::-1, ::-1]  # genomic order; A,C,G,T of '-' are T,G,C,A of '+'
        object.__setattr__(self, "scores", scores)
        object.__setattr__(
            self,
            "scores_interval",
            Interval(interval.chromosome, "+", interval.start, interval.end, interval.reference_genome),
        )

    def _layout(self, window: Window) -> Panels:
        _check_width(window, self.max_width, "SeqLogo")
        iv = self.scores_interval
        assert iv is not None  # set by __post_init__
        window.check_same_place(iv.chromosome, iv.reference_genome, f"SeqLogo ({iv})")
        lo, hi = max(iv.start, window.start), min(iv.end, window.end)
        if hi <= lo:
            raise ValueError(f"SeqLogo covers {iv}, nothing of the plotted interval {window}")
        letters = []
        for pos in range(lo, hi):
            row = self.scores[pos - iv.start]
            up = down = 0.0
            for k in np.argsort(np.abs(row)):  # the largest letter outermost
                h = float(row[k])
                if h > 0:
                    letters.append((_BASES[k], float(pos), up, h))
                    up += h
                elif h < 0:
                    down += h
                    letters.append((_BASES[k], float(pos), down, -h))
        window_scores = self.scores[lo - iv.start : hi - iv.start]
        top = float(np.clip(window_scores, 0, None).sum(axis=1).max(initial=0))
        bottom = float(np.clip(window_scores, None, 0).sum(axis=1).min(initial=0))
        if top == bottom:
            top = 1.0

        def draw(axes):
            (ax,) = axes
            _draw_letters(ax, letters, "seqlogo")
            pad = 0.05 * (top - bottom)
            ax.set_ylim(*(self.ylim or (bottom - (pad if bottom < 0 else 0), top + pad)))
            if bottom < 0:
                ax.axhline(0, color="#777777", linewidth=0.4)
            label_panel(ax, self.ylabel)
            small_y_axis(ax)

        return Panels([self.fig_height], draw)


@dataclasses.dataclass(frozen=True, eq=False)
class Sequence:
    """The DNA of the plotted interval, one coloured letter per base (``+`` strand, left to right).

    Parameters
    ----------
    genome : Genome or VariantGenome
        Anything with ``dna(interval)``; a VariantGenome whose variants change the length of the
        window is a ValueError (the letters would no longer sit on their reference positions).
    fig_height, max_width, ylabel
        As for :class:`SeqLogo`.
    """

    genome: Any
    fig_height: float = 0.3
    max_width: int = 1000
    ylabel: str = ""

    def __post_init__(self):
        if not callable(getattr(self.genome, "dna", None)):
            raise TypeError(f"Sequence needs a Genome or VariantGenome, got {type(self.genome).__name__}")

    def _layout(self, window: Window) -> Panels:
        _check_width(window, self.max_width, "Sequence")
        dna = self.genome.dna(window.interval("+")).upper()
        if len(dna) != window.length:
            raise ValueError(
                f"Sequence: the DNA of {window} has {len(dna)} bases (variants change its length); "
                "plot the reference or a window without indels"
            )
        letters = [(b, float(window.start + i), 0.0, 1.0) for i, b in enumerate(dna)]

        def draw(axes):
            (ax,) = axes
            _draw_letters(ax, letters, "sequence")
            ax.set_ylim(0, 1)
            no_y_axis(ax)
            label_panel(ax, self.ylabel)

        return Panels([self.fig_height], draw)
