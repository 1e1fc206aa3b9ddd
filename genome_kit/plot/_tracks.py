"""Track panels: :class:`Tracks` (one panel per track) and :class:`OverlaidTracks` (REF vs ALT)."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import _style
from ._panels import Panels, format_label, label_panel, small_y_axis
from ._window import Column, Window, check_track_sources, track_columns


def _colors(colors, n: int, default: str, what: str) -> list:
    if colors is None:
        return [default] * n
    if isinstance(colors, str):
        return [colors] * n
    colors = list(colors)
    if len(colors) != n:
        raise ValueError(f"{what}: {len(colors)} track_colors for {n} tracks")
    return colors


#: More bins than this per inch of panel are drawn pooled: each group of bins as the band from its
#: smallest to its largest value, which is what the full resolution looks like on screen or paper.
_BINS_PER_INCH = 300


def _steps(ax, column: Column, window: Window, filled: bool, gid: str, **style):
    """Draws a column as steps over its bins (filled down to 0, or a line)."""
    from matplotlib.patches import StepPatch

    values, edges = column.values, column.edges
    baseline: Any = 0.0 if filled else None  # None: a line; an array: the band's bottom
    limit = int(window.axes_width * _BINS_PER_INCH)
    if len(values) > 2 * limit:
        group = -(-len(values) // limit)
        padded = np.full(group * -(-len(values) // group), np.nan)
        padded[: len(values)] = values
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a group of NaN only stays NaN
            top, bottom = (
                np.nanmax(padded.reshape(-1, group), axis=1),
                np.nanmin(padded.reshape(-1, group), axis=1),
            )
        if filled:
            top, bottom = np.fmax(top, 0.0), np.fmin(bottom, 0.0)
        stride = column.resolution * group
        edges = np.minimum(column.start + stride * np.arange(len(top) + 1), edges[-1])
        values, baseline, filled = top, bottom, True
    patch = StepPatch(values, edges, baseline=baseline, fill=filled, gid=gid, **style)
    ax.add_artist(patch)  # not add_patch: it walks every vertex in Python to update the data limits
    return patch


def _ylim(columns: list[Column]) -> tuple[float, float]:
    """From min(0, smallest) to max(0, largest) over the columns, NaN ignored."""
    lo, hi = 0.0, 0.0
    for c in columns:
        finite = c.values[np.isfinite(c.values)]
        if finite.size:
            lo, hi = min(lo, float(finite.min())), max(hi, float(finite.max()))
    if hi == lo:
        hi = lo + 1.0
    pad = 0.05 * (hi - lo)
    return (lo - pad if lo < 0 else lo, hi + pad)


def _check_count(n: int, max_num_tracks: int, what: str) -> None:
    if n == 0:
        raise ValueError(f"{what} has no tracks")
    if n > max_num_tracks:
        raise ValueError(
            f"{what} has {n} tracks, more than max_num_tracks={max_num_tracks}: select the tracks to show "
            "(TrackData.select_tracks_by_name, filter_tracks) or raise max_num_tracks"
        )


@dataclasses.dataclass(frozen=True, eq=False)
class Tracks:
    """One panel per track, stacked: values drawn as steps over their bins, filled or as a line.

    Parameters
    ----------
    tdata : TrackData, GenomeTrack, or a list of them
        TrackData is drawn over the part of its interval inside the plotted one; a GenomeTrack is
        read over the plotted interval at its own resolution (a stranded track gives a ``+`` and a
        ``-`` panel per dim). Values are drawn in genomic order (see :mod:`genome_kit.plot`).
    filled : bool
        Fill the area under the values (default) or draw only the line.
    track_colors : str or list of str, optional
        One colour for all tracks or one per track (matplotlib colour names).
    shared_y_scale : bool
        All panels share one y range (from the smallest to the largest value), else each its own.
    ylabel_template : str
        Panel label, formatted with the track's metadata columns (default ``{name}:{strand}``).
    max_num_tracks : int
        More tracks than this is a ValueError (a guard against drawing thousands of panels).
    track_height : float
        Inches per panel.
    global_ylims : (float, float), optional
        A fixed y range for every panel.
    """

    tdata: Any
    filled: bool = True
    track_colors: str | Sequence[str] | None = None
    shared_y_scale: bool = False
    ylabel_template: str = "{name}:{strand}"
    max_num_tracks: int = 50
    track_height: float = 0.45
    global_ylims: tuple[float, float] | None = None

    def __post_init__(self):
        check_track_sources(self.tdata, "Tracks")

    def _layout(self, window: Window) -> Panels:
        columns = track_columns(self.tdata, window, "Tracks")
        _check_count(len(columns), self.max_num_tracks, "Tracks")
        colors = _colors(self.track_colors, len(columns), _style.TRACK_COLOR, "Tracks")
        labels = [format_label(self.ylabel_template, c.meta, "Tracks") for c in columns]
        shared = self.global_ylims or (_ylim(columns) if self.shared_y_scale else None)

        def draw(axes):
            for ax, column, color, label in zip(axes, columns, colors, labels, strict=True):
                _steps(
                    ax,
                    column,
                    window,
                    self.filled,
                    "track",
                    color=color,
                    linewidth=0 if self.filled else None,
                )
                ax.set_ylim(*(shared or _ylim([column])))
                label_panel(ax, label)
                small_y_axis(ax)

        return Panels([self.track_height] * len(columns), draw)


@dataclasses.dataclass(frozen=True, eq=False)
class OverlaidTracks:
    """Several versions of the same tracks overlaid, one panel per track: e.g. REF vs ALT.

    Parameters
    ----------
    tdata : mapping of str to TrackData or GenomeTrack
        ``{"REF": ref, "ALT": alt}``: every entry has the same tracks (names and strands, in order).
    colors : mapping of str to colour, optional
        A colour per key (default: matplotlib's cycle).
    shared_y_scale, ylabel_template, max_num_tracks, track_height, global_ylims
        As for :class:`Tracks`.
    alpha : float
        Opacity of the lines.
    legend_loc : str, optional
        Where the first panel names the keys (a matplotlib legend location); None for no legend.
    """

    tdata: Mapping[str, Any]
    colors: Mapping[str, str] | None = None
    shared_y_scale: bool = False
    ylabel_template: str = "{name}:{strand}"
    max_num_tracks: int = 50
    track_height: float = 0.45
    global_ylims: tuple[float, float] | None = None
    alpha: float = 0.85
    legend_loc: str | None = "upper right"

    def __post_init__(self):
        if not isinstance(self.tdata, Mapping) or not self.tdata:
            raise ValueError("OverlaidTracks needs a non-empty mapping such as {'REF': ref, 'ALT': alt}")
        for key, source in self.tdata.items():
            check_track_sources(source, f"OverlaidTracks[{key!r}]")
        if self.colors is not None and set(self.colors) != set(self.tdata):
            raise ValueError(
                f"OverlaidTracks colors name {sorted(self.colors)}, the tracks {sorted(self.tdata)}"
            )

    def _layout(self, window: Window) -> Panels:
        keys = list(self.tdata)
        by_key = {k: track_columns(self.tdata[k], window, f"OverlaidTracks[{k!r}]") for k in keys}
        first = by_key[keys[0]]
        ident = [(c.meta.get("name"), c.meta.get("strand")) for c in first]
        for k in keys[1:]:
            other = [(c.meta.get("name"), c.meta.get("strand")) for c in by_key[k]]
            if other != ident:
                raise ValueError(
                    f"OverlaidTracks: {k!r} has the tracks {other}, {keys[0]!r} has {ident} "
                    "(the same, in the same order, are needed)"
                )
        _check_count(len(first), self.max_num_tracks, "OverlaidTracks")
        cycle = [f"C{i}" for i in range(len(keys))]
        colors = dict(self.colors) if self.colors is not None else dict(zip(keys, cycle, strict=True))
        labels = [format_label(self.ylabel_template, c.meta, "OverlaidTracks") for c in first]
        shared = self.global_ylims or (
            _ylim([c for cs in by_key.values() for c in cs]) if self.shared_y_scale else None
        )

        def draw(axes):
            for i, (ax, label) in enumerate(zip(axes, labels, strict=True)):
                for k in keys:
                    column = by_key[k][i]
                    _steps(
                        ax,
                        column,
                        window,
                        False,
                        "overlaid_track",
                        color=colors[k],
                        alpha=self.alpha,
                        label=k,
                    )
                ax.set_ylim(*(shared or _ylim([by_key[k][i] for k in keys])))
                label_panel(ax, label)
                small_y_axis(ax)
            if self.legend_loc is not None:
                axes[0].legend(loc=self.legend_loc, frameon=False, ncols=len(keys), handlelength=1.2)

        return Panels([self.track_height] * len(first), draw)
