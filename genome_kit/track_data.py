"""TrackData: values of many tracks over one genomic window, with per-track metadata.

The container AlphaGenome, Enformer and Borzoi users know: ``values`` shaped
``[*positions, tracks]`` (one or more positional axes of equal length, e.g. two
for contact maps), ``metadata`` (a pandas DataFrame, one row per track, with
``name`` and ``strand`` columns; ``(name, strand)`` unique), the
``resolution`` in bases per positional bin and, optionally, the ``interval``
the values cover. Objects are immutable: every operation returns a new one.

Orientation: values run 5'→3' along ``interval.strand``, as
``GenomeTrack`` reads do (a ``-`` window is read reversed). Positions given to
:meth:`TrackData.slice_by_positions`, :meth:`TrackData.pad` and
:meth:`TrackData.resize` count from the first value, so on a ``+`` interval
they count from ``interval.start`` exactly as in AlphaGenome, and on a ``-``
interval from ``interval.end``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._io import atomic_path
from .interval import Interval
from .track_export import value_runs, write_bedgraph, write_bigwig

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["AggregationType", "TrackData", "concat", "interleave"]

_STRANDS = ("+", "-", ".")


class AggregationType(str, enum.Enum):
    """How values are combined when the resolution changes.

    ``SUM`` suits counts (coverage): downsampling adds the bins, upsampling
    divides each bin by the factor so totals are kept. ``MEAN`` suits
    averages, ``MAX`` masks and peaks: upsampling repeats the bin.
    """

    SUM = "sum"
    MEAN = "mean"
    MAX = "max"


def _aggregation(kind) -> AggregationType:
    try:
        return AggregationType(kind.value if isinstance(kind, enum.Enum) else kind)
    except ValueError:
        raise ValueError(f"aggregation must be 'sum', 'mean' or 'max', got {kind!r}") from None


_POOL: dict[AggregationType, Callable[..., np.ndarray]] = {
    AggregationType.SUM: np.sum,
    AggregationType.MEAN: np.mean,
    AggregationType.MAX: np.max,
}


def _pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("TrackData needs pandas: pip install 'genome_kit[pandas]'") from None
    return pd


def _as_metadata(metadata) -> pd.DataFrame:
    pd = _pandas()
    if isinstance(metadata, pd.DataFrame):
        return metadata.reset_index(drop=True)
    if isinstance(metadata, Mapping):
        return pd.DataFrame({str(k): list(v) for k, v in metadata.items()})
    raise TypeError(
        f"metadata must be a pandas DataFrame or a mapping of columns, got {type(metadata).__name__}"
    )


@dataclasses.dataclass(frozen=True, eq=False)
class TrackData:
    """Track values ``[*positions, tracks]`` with metadata, resolution and interval.

    Parameters
    ----------
    values : numpy.ndarray
        ``[tracks]``, ``[positions, tracks]`` or ``[positions, positions, tracks]``
        (all positional axes of the same length); bool, integer or float.
    metadata : pandas.DataFrame or mapping of columns
        One row per track; ``name`` and ``strand`` (``+``, ``-`` or ``.``)
        required, ``(name, strand)`` unique; other columns (``ontology_curie``,
        ``biosample_name``, ``assay``, ``gtex_tissue``, ...) are kept as they are.
    resolution : int
        Bases per positional bin (>= 1).
    interval : Interval, optional
        The window the values cover: its length must be ``positions * resolution``
        (an anchor is dropped: only the window is kept).
    """

    values: np.ndarray
    metadata: pd.DataFrame
    resolution: int = 1
    interval: Interval | None = None

    def __post_init__(self):
        values = np.asarray(self.values)
        if values.ndim < 1:
            raise ValueError("values must have a track axis (shape [*positions, tracks])")
        if values.dtype.kind not in "biuf":
            raise TypeError(f"values must be bool, integer or float, got dtype {values.dtype}")
        metadata = _as_metadata(self.metadata)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "metadata", metadata)
        if (
            isinstance(self.resolution, bool)
            or int(self.resolution) != self.resolution
            or self.resolution < 1
        ):
            raise ValueError(f"resolution must be a positive integer, got {self.resolution!r}")
        object.__setattr__(self, "resolution", int(self.resolution))
        if values.shape[-1] != len(metadata):
            raise ValueError(f"values have {values.shape[-1]} tracks but metadata has {len(metadata)} rows")
        if len(set(values.shape[:-1])) > 1:
            raise ValueError(f"positional axes must have the same length, got shape {values.shape}")
        missing = {"name", "strand"} - set(metadata.columns)
        if missing:
            raise ValueError(f"metadata needs the columns 'name' and 'strand' (missing {sorted(missing)})")
        bad = [s for s in metadata["strand"] if s not in _STRANDS]
        if bad:
            raise ValueError(f"metadata strand must be '+', '-' or '.', got {bad[0]!r}")
        dup = metadata.duplicated(["name", "strand"])
        if dup.any():
            row = metadata[dup].iloc[0]
            raise ValueError(
                f"metadata (name, strand) must be unique: {(row['name'], row['strand'])!r} repeats"
            )
        if self.interval is not None:
            iv = self.interval
            if not isinstance(iv, Interval):
                raise TypeError(f"interval must be a genome_kit.Interval, got {type(iv).__name__}")
            if iv.anchor is not None or type(iv) is not Interval:  # the window only: no anchor, no alleles
                object.__setattr__(
                    self, "interval", Interval(iv.chromosome, iv.strand, iv.start, iv.end, iv.refg)
                )
            if values.ndim > 1 and len(self.interval) != self.width:
                raise ValueError(
                    f"interval {self.interval} has length {len(self.interval)}, the values cover "
                    f"{self.positions} bins x {self.resolution} bp = {self.width} bp"
                )

    # --- description ---
    @property
    def positional_axes(self) -> list[int]:
        """The axes of ``values`` that run along the genome (all but the last)."""
        return list(range(self.values.ndim - 1))

    @property
    def positions(self) -> int:
        """Number of positional bins (0 when there is no positional axis)."""
        return self.values.shape[0] if self.values.ndim > 1 else 0

    @property
    def num_tracks(self) -> int:
        return int(self.values.shape[-1])

    @property
    def width(self) -> int:
        """Bases covered: ``positions * resolution``."""
        return self.positions * self.resolution

    @property
    def names(self) -> np.ndarray:
        """Track names (a name repeats across strands)."""
        return self.metadata["name"].to_numpy()

    @property
    def strands(self) -> np.ndarray:
        return self.metadata["strand"].to_numpy()

    @property
    def ontology_terms(self) -> list | None:
        """The ``ontology_curie`` column as a list (None where missing), or None without the column."""
        if "ontology_curie" not in self.metadata.columns:
            return None
        pd = _pandas()
        return [c if pd.notna(c) else None for c in self.metadata["ontology_curie"]]

    def __repr__(self) -> str:
        where = f", interval={self.interval}" if self.interval is not None else ""
        return (
            f"<TrackData {self.values.dtype} {tuple(self.values.shape)}: {self.num_tracks} tracks, "
            f"resolution={self.resolution}{where}>"
        )

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)

    def _replace(self, **changes) -> TrackData:
        return dataclasses.replace(self, **changes)

    def copy(self) -> TrackData:
        """A deep copy (values and metadata)."""
        return self._replace(values=self.values.copy(), metadata=self.metadata.copy())

    def with_name_suffix(self, suffix: str) -> TrackData:
        metadata = self.metadata.copy()
        metadata["name"] = metadata["name"].astype(str) + suffix
        return self._replace(metadata=metadata)

    def with_metadata_column(self, name: str, value) -> TrackData:
        metadata = self.metadata.copy()
        metadata[name] = value
        return self._replace(metadata=metadata)

    # --- positions ---
    def bin_index(self, relative_position: int) -> int:
        """The bin holding base ``relative_position`` (counted from the first value)."""
        return int(relative_position) // self.resolution

    def _check_multiple(self, what: str, bases: int) -> int:
        if bases % self.resolution:
            raise ValueError(f"{what} ({bases}) must be a multiple of the resolution {self.resolution}")
        return bases // self.resolution

    def _positional_take(self, index) -> np.ndarray:
        full: list[Any] = [slice(None)] * self.values.ndim
        for axis in self.positional_axes:
            full[axis] = index
        return self.values[tuple(full)]

    def _shifted_interval(self, first: int, last: int) -> Interval | None:
        """The interval of the bases [first, last) counted from the first value."""
        iv = self.interval
        if iv is None:
            return None
        if iv.strand == "-":
            return Interval(iv.chromosome, "-", iv.end - last, iv.end - first, iv.reference_genome)
        return Interval(iv.chromosome, iv.strand, iv.start + first, iv.start + last, iv.reference_genome)

    def slice_by_positions(self, start: int, end: int) -> TrackData:
        """The bases ``[start, end)`` counted from the first value (multiples of the resolution)."""
        if not self.positional_axes:
            raise ValueError("slice_by_positions needs positional axes")
        start, end = int(start), int(end)
        if not 0 <= start <= end <= self.width:
            raise IndexError(f"positions [{start}, {end}) are not within [0, {self.width})")
        lo = self._check_multiple("start", start)
        hi = self._check_multiple("end", end)
        return self._replace(
            values=self._positional_take(slice(lo, hi)), interval=self._shifted_interval(start, end)
        )

    def slice_by_interval(self, interval: Interval, match_resolution: bool = False) -> TrackData:
        """The part covering ``interval`` (same chromosome, inside :attr:`interval`; its strand is ignored).

        With ``match_resolution`` the interval is first widened outward to whole bins."""
        iv = self.interval
        if iv is None:
            raise ValueError("slice_by_interval needs the TrackData to have an interval")
        if interval.chromosome != iv.chromosome or not (iv.start <= interval.start <= interval.end <= iv.end):
            raise ValueError(f"{interval} is not inside {iv}")
        if iv.strand == "-":
            first, last = iv.end - interval.end, iv.end - interval.start
        else:
            first, last = interval.start - iv.start, interval.end - iv.start
        if match_resolution:
            first -= first % self.resolution
            last += -last % self.resolution
        return self.slice_by_positions(first, last)

    def pad(self, start_pad: int, end_pad: int, value: float = 0) -> TrackData:
        """Adds ``start_pad`` bases before the first value and ``end_pad`` after the
        last (multiples of the resolution), filled with ``value``; the interval grows with them."""
        if start_pad < 0 or end_pad < 0:
            raise ValueError(f"pad amounts must be >= 0, got {start_pad}, {end_pad}")
        before = self._check_multiple("start_pad", int(start_pad))
        after = self._check_multiple("end_pad", int(end_pad))
        widths = [(0, 0)] * self.values.ndim
        for axis in self.positional_axes:
            widths[axis] = (before, after)
        values = np.pad(self.values, widths, constant_values=np.asarray(value, self.values.dtype))
        return self._replace(
            values=values, interval=self._shifted_interval(-int(start_pad), self.width + end_pad)
        )

    def resize(self, width: int, value: float = 0) -> TrackData:
        """Crops or pads (with ``value``) to ``width`` bases about the centre; an odd
        number of bins to remove or add puts the extra bin at the start."""
        bins = self._check_multiple("width", int(width))
        res = self.resolution
        change = bins - self.positions
        if change >= 0:
            before = (change + 1) // 2
            return self.pad(before * res, (change - before) * res, value)
        first = (1 - change) // 2
        return self.slice_by_positions(first * res, (first + bins) * res)

    # --- resolution ---
    def upsample(self, resolution: int, aggregation_type="sum") -> TrackData:
        """To a finer resolution (a divisor of the current one): each bin repeats;
        with ``sum`` the repeats share its value (divided by the factor)."""
        kind = _aggregation(aggregation_type)
        if resolution == self.resolution:
            return self
        if resolution < 1 or self.resolution % resolution:
            raise ValueError(f"upsample: {resolution} must divide the current resolution {self.resolution}")
        factor = self.resolution // resolution
        values = self.values
        for axis in self.positional_axes:
            values = np.repeat(values, factor, axis=axis)
            if kind is AggregationType.SUM:
                values = values / factor
        return self._replace(values=values, resolution=resolution)

    def downsample(self, resolution: int, aggregation_type="sum") -> TrackData:
        """To a coarser resolution (a multiple of the current one), pooling bins by sum, mean or max."""
        kind = _aggregation(aggregation_type)
        if resolution == self.resolution:
            return self
        if resolution < self.resolution or resolution % self.resolution:
            raise ValueError(
                f"downsample: {resolution} must be a multiple of the resolution {self.resolution}"
            )
        factor = resolution // self.resolution
        if self.positions % factor:
            raise ValueError(
                f"downsample: {self.positions} bins do not split into groups of {factor} (width {self.width})"
            )
        pool = _POOL[kind]
        values = self.values
        for axis in self.positional_axes:
            shape = values.shape[:axis] + (values.shape[axis] // factor, factor) + values.shape[axis + 1 :]
            values = pool(values.reshape(shape), axis=axis + 1)
        return self._replace(values=values, resolution=resolution)

    def change_resolution(self, resolution: int, aggregation_type="sum") -> TrackData:
        """:meth:`downsample` or :meth:`upsample`, whichever ``resolution`` needs."""
        if resolution >= self.resolution:
            return self.downsample(resolution, aggregation_type)
        return self.upsample(resolution, aggregation_type)

    # --- tracks ---
    def select_tracks_by_index(self, index) -> TrackData:
        idx = np.arange(self.num_tracks)[index]
        idx = np.atleast_1d(idx)
        return self._replace(values=self.values[..., idx], metadata=self.metadata.iloc[idx])

    def filter_tracks(self, mask) -> TrackData:
        """The tracks where the boolean ``mask`` (one entry per track) is true."""
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (self.num_tracks,):
            raise ValueError(f"mask must be {self.num_tracks} booleans, got {mask.dtype} {mask.shape}")
        return self.select_tracks_by_index(np.flatnonzero(mask))

    def filter_to_positive_strand(self) -> TrackData:
        return self.filter_tracks(self.strands == "+")

    def filter_to_negative_strand(self) -> TrackData:
        return self.filter_tracks(self.strands == "-")

    def filter_to_unstranded(self) -> TrackData:
        return self.filter_tracks(self.strands == ".")

    def filter_to_stranded(self) -> TrackData:
        return self.filter_tracks(self.strands != ".")

    def filter_to_nonnegative_strand(self) -> TrackData:
        """``+`` and unstranded tracks."""
        return self.filter_tracks(self.strands != "-")

    def filter_to_nonpositive_strand(self) -> TrackData:
        """``-`` and unstranded tracks."""
        return self.filter_tracks(self.strands != "+")

    def select_tracks_by_name(self, names) -> TrackData:
        """Every track (each strand) of each name, in the order of ``names``."""
        names = [names] if isinstance(names, str) else list(names)
        by_name: dict[str, list[int]] = {}
        for i, n in enumerate(self.names):
            by_name.setdefault(n, []).append(i)
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise KeyError(f"no track named {unknown[0]!r}")
        return self.select_tracks_by_index([i for n in names for i in by_name[n]])

    def groupby(self, column: str) -> dict:
        """``{value: TrackData of the tracks with that value}`` for a metadata column."""
        if column not in self.metadata.columns:
            raise KeyError(f"no metadata column {column!r}")
        col = self.metadata[column]
        return {key: self.filter_tracks((col == key).to_numpy()) for key in col.unique()}

    def reverse_complement(self) -> TrackData:
        """The other strand's view: positions reversed, each ``+`` track trading places
        with its ``-`` partner of the same name (values and metadata move together),
        the interval on the opposite strand. Every stranded track needs its partner."""
        order = np.arange(self.num_tracks)
        partner = {(n, s): i for i, (n, s) in enumerate(zip(self.names, self.strands, strict=True))}
        for i, (name, strand) in enumerate(zip(self.names, self.strands, strict=True)):
            if strand == ".":
                continue
            other = partner.get((name, "-" if strand == "+" else "+"))
            if other is None:
                raise ValueError(
                    f"reverse_complement: track {name!r} on {strand} has no partner on the other strand"
                )
            order[i] = other
        flipped = self.values[..., order]
        full: list[Any] = [slice(None)] * self.values.ndim
        for axis in self.positional_axes:
            full[axis] = slice(None, None, -1)
        interval = self.interval.as_opposite_strand() if self.interval is not None else None
        return self._replace(
            values=flipped[tuple(full)], metadata=self.metadata.iloc[order], interval=interval
        )

    # --- indexing: td[positions], td[positions, tracks] ---
    def __getitem__(self, index) -> TrackData:
        """``td[bins]`` / ``td[bins, tracks]``: bins as an int or slice of bins, or an
        Interval; tracks as an int, name, slice, list of ints or names, or bool mask.
        Without positional axes a single index selects tracks."""
        if isinstance(index, tuple):
            if len(index) != 2:
                raise IndexError("index as td[positions] or td[positions, tracks]")
            where, tracks = index
        elif self.positional_axes:
            where, tracks = index, None
        else:
            where, tracks = None, index
        out = self
        if isinstance(where, Interval):
            out = out.slice_by_interval(where)
        elif isinstance(where, (int, np.integer)) and not isinstance(where, bool):
            bin_ = int(where) + (out.positions if where < 0 else 0)
            out = out.slice_by_positions(bin_ * out.resolution, (bin_ + 1) * out.resolution)
        elif isinstance(where, slice):
            lo, hi, step = where.indices(out.positions)
            if step != 1:
                raise IndexError("positional slices must have step 1")
            out = out.slice_by_positions(lo * out.resolution, max(lo, hi) * out.resolution)
        elif where is not None:
            raise IndexError(f"unsupported positional index {where!r}")
        return out if tracks is None else out._select(tracks)

    def _select(self, tracks) -> TrackData:
        if isinstance(tracks, str):
            return self.select_tracks_by_name([tracks])
        if isinstance(tracks, (int, np.integer, slice)):
            return self.select_tracks_by_index(tracks)
        arr = np.asarray(tracks)
        if arr.dtype == bool:
            return self.filter_tracks(arr)
        if arr.dtype.kind in "US" or (arr.dtype == object and all(isinstance(t, str) for t in arr)):
            return self.select_tracks_by_name([str(t) for t in arr])
        if arr.dtype.kind in "iu":
            return self.select_tracks_by_index(arr)
        raise IndexError(f"unsupported track index {tracks!r}")

    # --- arithmetic ---
    def _operand(self, other):
        if isinstance(other, TrackData):
            if other.resolution != self.resolution or other.values.shape != self.values.shape:
                raise ValueError(
                    f"TrackData differ: {self.values.shape} at resolution {self.resolution} vs "
                    f"{other.values.shape} at resolution {other.resolution}"
                )
            if str(other.interval) != str(self.interval):
                raise ValueError(f"TrackData cover different intervals: {self.interval} vs {other.interval}")
            if not (np.array_equal(other.names, self.names) and np.array_equal(other.strands, self.strands)):
                raise ValueError("TrackData have different tracks (names and strands must match in order)")
            return other.values
        return other

    def _arith(self, other, op) -> TrackData:
        return self._replace(values=op(self.values, self._operand(other)))

    def __add__(self, other):
        return self._arith(other, np.add)

    def __radd__(self, other):
        return self._arith(other, lambda a, b: np.add(b, a))

    def __sub__(self, other):
        return self._arith(other, np.subtract)

    def __rsub__(self, other):
        return self._arith(other, lambda a, b: np.subtract(b, a))

    def __mul__(self, other):
        return self._arith(other, np.multiply)

    def __rmul__(self, other):
        return self._arith(other, lambda a, b: np.multiply(b, a))

    def __truediv__(self, other):
        return self._arith(other, np.true_divide)

    def __neg__(self):
        return self._replace(values=-self.values)

    def __abs__(self):
        return self._replace(values=np.abs(self.values))

    # --- files ---
    def save(self, path) -> None:
        """Writes ``path`` (``.npz``, atomically): values, metadata (JSON), resolution and interval.
        Read it back with :meth:`load`."""
        header: dict[str, Any] = {"version": 1, "resolution": self.resolution, "interval": None}
        if self.interval is not None:
            iv = self.interval
            header["interval"] = [iv.chromosome, iv.strand, iv.start, iv.end, iv.reference_genome]
        header["metadata"] = json.loads(self.metadata.to_json(orient="split", index=False))
        with atomic_path(os.fspath(path), ".npz") as tmp:
            np.savez(tmp, values=self.values, header=np.frombuffer(json.dumps(header).encode(), np.uint8))

    def to_bedgraph(self, path, track=0) -> None:
        """Writes one track (index, or name when it has one strand) over :attr:`interval` as
        bedGraph: runs of equal value, NaN left out (atomic)."""
        write_bedgraph(path, [self._runs(track)])

    def to_bigwig(self, path, track=0) -> None:
        """As :meth:`to_bedgraph`, as a bigWig file with the interval's genome as header
        (needs pyBigWig: ``pip install 'genome_kit[bigwig]'``)."""
        from .genome import Genome

        runs = self._runs(track)
        genome = Genome(self.interval.reference_genome)  # type: ignore[union-attr]  # checked by _runs
        write_bigwig(path, [runs], [(c, genome.chromosome_size(c)) for c in genome.chromosomes])

    def _runs(self, track):
        if self.interval is None or self.values.ndim != 2:
            raise ValueError("exporting needs an interval and values shaped [positions, tracks]")
        column = self._select(track)
        if column.num_tracks != 1:
            raise ValueError(f"track {track!r} names {column.num_tracks} tracks: pick one by index")
        values = column.values[:, 0]
        iv = self.interval
        return value_runs(
            iv.chromosome, iv.start, values[::-1] if iv.strand == "-" else values, self.resolution
        )

    @classmethod
    def load(cls, path) -> TrackData:
        """Reads a file written by :meth:`save`."""
        pd = _pandas()
        path = os.fspath(path)
        try:
            with np.load(path, allow_pickle=False) as f:
                values = f["values"]
                header = json.loads(f["header"].tobytes().decode())
        except (KeyError, ValueError, UnicodeDecodeError) as e:
            raise OSError(f"{path} is not a TrackData file: {e}") from None
        meta = header["metadata"]
        metadata = pd.DataFrame(meta["data"], columns=meta["columns"])
        interval = Interval(*header["interval"]) if header["interval"] else None
        return cls(values, metadata, header["resolution"], interval)


def concat(track_datas: Sequence[TrackData], key_column: tuple[str, Sequence] | None = None) -> TrackData:
    """The tracks of several TrackData side by side (same shape, resolution and interval).

    ``key_column=("sample", ["ref", "alt"])`` adds a metadata column naming the input of each track."""
    pd = _pandas()
    items = list(track_datas)
    if not items:
        raise ValueError("concat needs at least one TrackData")
    _check_same_frame(items, "concat")
    metas = [t.metadata for t in items]
    if key_column is not None:
        column, keys = key_column
        if len(keys) != len(items):
            raise ValueError(f"key_column has {len(keys)} keys for {len(items)} TrackData")
        metas = [m.assign(**{column: k}) for m, k in zip(metas, keys, strict=True)]
    values = np.concatenate([t.values for t in items], axis=-1)
    return TrackData(values, pd.concat(metas, ignore_index=True), items[0].resolution, items[0].interval)


def interleave(track_datas: Sequence[TrackData], name_prefixes: Sequence[str]) -> TrackData:
    """Tracks of several same-shaped TrackData alternated: a0 b0 a1 b1 ...; each input's
    names get its prefix so that (name, strand) stays unique."""
    pd = _pandas()
    items = list(track_datas)
    if not items or len(name_prefixes) != len(items):
        raise ValueError(
            f"interleave needs one name prefix per TrackData, got {len(name_prefixes)} for {len(items)}"
        )
    _check_same_frame(items, "interleave")
    if len({t.values.shape for t in items}) != 1:
        raise ValueError(f"interleave needs equal shapes, got {[t.values.shape for t in items]}")
    k = len(items)
    values = np.stack([t.values for t in items], axis=-1).reshape(items[0].values.shape[:-1] + (-1,))
    metas = [
        t.metadata.assign(name=prefix + t.metadata["name"].astype(str))
        for t, prefix in zip(items, name_prefixes, strict=True)
    ]
    order = np.arange(items[0].num_tracks * k).reshape(k, -1).T.ravel()  # row i*k+j <- input j, track i
    metadata = pd.concat(metas, ignore_index=True).iloc[order].reset_index(drop=True)
    return TrackData(values, metadata, items[0].resolution, items[0].interval)


def _check_same_frame(items: list[TrackData], what: str) -> None:
    first = items[0]
    for t in items[1:]:
        if t.resolution != first.resolution:
            raise ValueError(f"{what}: resolutions differ ({first.resolution} vs {t.resolution})")
        if t.values.shape[:-1] != first.values.shape[:-1]:
            raise ValueError(f"{what}: positional shapes differ ({first.values.shape} vs {t.values.shape})")
        if str(t.interval) != str(first.interval):
            raise ValueError(f"{what}: intervals differ ({first.interval} vs {t.interval})")
