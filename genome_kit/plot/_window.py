"""The plotted window and the track values brought onto it.

Coordinates: the x axis is always the reference genome's, 0-based, increasing left to right,
whatever the strand of the plotted interval or of the data. A bin covering ``[s, e)`` is drawn
from ``x = s`` to ``x = e``. Values read 5'→3' on a ``-`` interval (a ``-`` TrackData, a ``-``
strand read of a GenomeTrack) are reversed back into genomic order before drawing, so a
``-`` strand track and its ``+`` partner line up base for base.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..genome_track import GenomeTrack
from ..interval import Interval
from ..track_data import TrackData


@dataclasses.dataclass(frozen=True)
class Window:
    """Where the figure looks: ``[start, end)`` of ``chromosome`` on ``reference_genome``."""

    chromosome: str
    start: int
    end: int
    strand: str
    reference_genome: str
    axes_width: float  # inches of the data area, for layouts that depend on text widths

    @classmethod
    def of(cls, interval: Interval, axes_width: float) -> Window:
        if not isinstance(interval, Interval):
            raise TypeError(f"interval must be a genome_kit.Interval, got {type(interval).__name__}")
        if interval.end <= interval.start:
            raise ValueError(f"cannot plot the empty interval {interval}")
        return cls(
            interval.chromosome,
            interval.start,
            interval.end,
            interval.strand,
            str(interval.reference_genome),
            axes_width,
        )

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def bp_per_inch(self) -> float:
        return self.length / self.axes_width

    def interval(self, strand: str = "+", start: int | None = None, end: int | None = None) -> Interval:
        s = self.start if start is None else start
        e = self.end if end is None else end
        return Interval(self.chromosome, strand, s, e, self.reference_genome)

    def __str__(self) -> str:
        return f"{self.chromosome}:{self.start}-{self.end} ({self.reference_genome})"

    def check_same_place(self, chromosome: str, reference_genome: Any, what: str) -> None:
        """ValueError unless ``what`` lies on the plotted chromosome of the plotted assembly."""
        if chromosome != self.chromosome:
            raise ValueError(
                f"{what} is on {chromosome}, the plotted interval {self} is on {self.chromosome}"
            )
        refg = str(reference_genome)
        if refg != self.reference_genome:
            raise ValueError(
                f"{what} is on assembly {refg!r}, the plotted interval {self} on {self.reference_genome!r}"
            )


@dataclasses.dataclass(frozen=True)
class Column:
    """One track's values in genomic order: ``values[i]`` covers
    ``[start + i * resolution, start + (i + 1) * resolution)``."""

    values: np.ndarray
    start: int
    resolution: int
    meta: dict

    @property
    def edges(self) -> np.ndarray:
        return self.start + self.resolution * np.arange(len(self.values) + 1, dtype=np.int64)


def _columns_of_trackdata(td: TrackData, window: Window, what: str) -> list[Column]:
    if td.interval is None:
        raise ValueError(f"{what}: a TrackData needs an interval to be plotted")
    if td.values.ndim != 2:
        raise ValueError(
            f"{what}: values shaped [positions, tracks] are plotted, got shape {td.values.shape}"
        )
    iv = td.interval
    window.check_same_place(iv.chromosome, iv.reference_genome, f"{what} ({iv})")
    res = td.resolution
    values = td.values[::-1] if iv.strand == "-" else td.values  # back to genomic order
    lo = max(0, (window.start - iv.start) // res)
    hi = min(len(values), -(-(window.end - iv.start) // res))
    if hi <= lo:
        raise ValueError(f"{what} covers {iv}, nothing of the plotted interval {window}")
    start = iv.start + lo * res
    rows = td.metadata.to_dict("records")
    return [
        Column(np.asarray(values[lo:hi, k], dtype=np.float64), start, res, rows[k])
        for k in range(td.num_tracks)
    ]


def _columns_of_genometrack(track: GenomeTrack, window: Window, what: str) -> list[Column]:
    window.check_same_place(window.chromosome, track.reference_genome, what)
    res = track.resolution
    start, end = window.start - window.start % res, window.end + (-window.end) % res  # whole stored bins
    columns: list[Column] = []
    for strand in ("+", "-") if track.stranded else ("+",):
        td = track.read(window.interval(strand, start, end))
        if track.stranded:
            td = td.with_metadata_column("strand", strand)
        columns += _columns_of_trackdata(td, window, what)
    return columns


def track_columns(sources, window: Window, what: str) -> list[Column]:
    """The columns of a TrackData, a GenomeTrack, or a list of them, over ``window``."""
    items = sources if isinstance(sources, (list, tuple)) else [sources]
    columns: list[Column] = []
    for k, item in enumerate(items):
        name = f"{what}[{k}]" if len(items) > 1 else what
        if isinstance(item, TrackData):
            columns += _columns_of_trackdata(item, window, name)
        elif isinstance(item, GenomeTrack):
            columns += _columns_of_genometrack(item, window, name)
        else:
            raise TypeError(f"{name} must be a TrackData or a GenomeTrack, got {type(item).__name__}")
    return columns


def check_track_sources(sources, what: str) -> None:
    """TypeError at construction for anything that is not track data (the values are read at draw time)."""
    items = sources if isinstance(sources, (list, tuple)) else [sources]
    if not items:
        raise ValueError(f"{what} needs at least one TrackData or GenomeTrack")
    for item in items:
        if not isinstance(item, (TrackData, GenomeTrack)):
            raise TypeError(f"{what} takes TrackData or GenomeTrack, got {type(item).__name__}")
