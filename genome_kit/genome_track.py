"""GenomeTrack and GenomeTrackBuilder: compact memory-mapped numeric tracks.

A track stores ``dim`` values per position (or per ``resolution`` bases) on
one reference genome, for one strand (``single_stranded``) or each strand
(``strand_unaware`` / ``strand_aware``), in one of 17 encodings (``m0`` masks,
``u1``-``u6``/``u8``/``i8`` integers, dictionary-coded ``f2``-``f6``/``f8``,
``f16``, ``f32``). Files use genome_kit's own ``.gtrack`` format (see
docs/formats.md); building and reading are implemented in C++.
"""

from __future__ import annotations

import json
import os

import numpy as np

from . import _core, gk_data
from ._io import open_binary
from .genome import Genome
from .interval import Interval
from .track_data import TrackData
from .track_export import value_runs, write_bedgraph, write_bigwig

__all__ = ["GenomeTrack", "GenomeTrackBuilder"]

_STRANDEDNESS = ("single_stranded", "strand_unaware", "strand_aware")
_METADATA_COLUMNS = ("name", "strand", "ontology_curie", "biosample")
_HISTOGRAM_SLICE = 100_000
_EXPORT_CHUNK = 1 << 20


class _StrandednessError(ValueError, AssertionError):
    """An unknown strandedness. Both a ValueError and, as in the reference
    GenomeKit (whose callers may catch it), an AssertionError; it also keeps
    that name so behaviour checks against the reference see the same type."""


_StrandednessError.__name__ = _StrandednessError.__qualname__ = "AssertionError"


class GenomeTrack(_core.TrackFile):
    """A memory-mapped ``.gtrack`` file.

    ``track(interval, dtype=None, out=None)`` returns the values of
    ``interval`` as a new ``(len(interval), dim)`` array: rows in 5'→3' order
    (reversed for ``-`` intervals), the default value where nothing is
    stored, any alignment of the interval against the resolution. ``dtype``
    is a numpy type the etype decodes to (see ``docs/tracks.md``); ``out``
    (1-D or 2-D, writable, positive row stride) is filled and returned
    instead, decoded as its own dtype. ``track.batch(intervals)`` reads N
    equal-length intervals into one ``(N, len, dim)`` array and
    ``track.view(interval)`` returns a zero-copy read-only view where the
    stored bytes are the answer. Reads release the GIL and are thread safe.

    Opening validates the whole file (OSError if it is not a valid track);
    tracks pickle by path.

    Parameters
    ----------
    infile : str or os.PathLike
        Path of a ``.gtrack`` file written by :class:`GenomeTrackBuilder`.
    """

    def __init__(self, infile):
        path = gk_data.resolve_path(infile)
        try:
            super().__init__(path)
        except FileNotFoundError as e:  # the reference raises OSError itself
            raise OSError(str(e)) from None

    @staticmethod
    def gtrack_version() -> int:
        """Version of the ``.gtrack`` format this genome_kit reads and writes."""
        return _core.track_format_version()

    def __reduce__(self):
        # By path, with the data-manager set-up that resolves its assembly in another process.
        return (_unpickle_track, (gk_data.pickled_setup(), type(self), self.filename))

    def __repr__(self) -> str:
        return (
            f"<GenomeTrack {self.filename!r}: {self.etype}, dim={self.dim}, resolution={self.resolution}, "
            f"{'stranded' if self.stranded else 'unstranded'}, {self.reference_genome}>"
        )

    def close(self) -> None:
        """No-op kept for compatibility: the mapping is released with the object
        (views returned by :meth:`view` keep it alive)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def metadata(self):
        """Per-dim metadata (name, strand, ontology_curie, biosample, ...) as a
        pandas DataFrame with one row per dim (requires pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("GenomeTrack.metadata needs pandas: pip install 'genome_kit[pandas]'") from None
        return pd.DataFrame(self.metadata_dict(), index=pd.RangeIndex(self.dim, name="dim"))

    def metadata_dict(self) -> dict[str, list]:
        """Per-dim metadata as ``{column: [value per dim]}`` (no pandas needed)."""
        raw = self._metadata_bytes
        if not raw:
            return {}
        try:
            columns = json.loads(raw.decode("utf-8"))["columns"]
            if not isinstance(columns, dict):
                raise TypeError("'columns' is not an object")
        except (ValueError, KeyError, TypeError) as e:  # UnicodeDecodeError, JSONDecodeError are ValueErrors
            raise OSError(
                f"{self.filename} is corrupt: its metadata is not genome_kit's JSON ({e})"
            ) from None
        return columns

    def read(self, interval: Interval, resolution: int | None = None, aggregation: str = "mean") -> TrackData:
        """The values of ``interval`` as a :class:`TrackData` carrying the file's metadata.

        The metadata is the file's (``set_metadata``), completed where it lacks them
        with ``name`` (the file name, plus ``_<dim>`` when dim > 1) and ``strand``
        (``.`` for an unstranded track, else the interval's strand).

        Parameters
        ----------
        interval : Interval
            Its length must be a multiple of ``resolution``.
        resolution : int, optional
            Bases per bin, a multiple of the track's resolution (default: the track's
            own, so a 128 bp track comes back as its stored bins). Bins are pooled
            from the stored values in C++ (see ``__call__``), as float32.
        aggregation : str
            ``"mean"``, ``"sum"`` (of stored values, weighted by the share of their
            bases in the bin) or ``"max"``.
        """
        res = self.resolution if resolution is None else resolution
        # the pooled path also for 1 bp: windows reaching past either chromosome end read the default there
        values = self(interval, resolution=res, aggregation=aggregation)
        return TrackData(values, self._track_metadata(interval.strand), res, interval)

    def _track_metadata(self, strand: str) -> dict[str, list]:
        columns = dict(self.metadata_dict())
        if "name" not in columns:
            stem = os.path.basename(self.filename).split(".")[0]
            columns["name"] = [stem] if self.dim == 1 else [f"{stem}_{d}" for d in range(self.dim)]
        if "strand" not in columns:
            columns["strand"] = [strand if self.stranded else "."] * self.dim
        return columns

    def to_bedgraph(self, path, dim: int = 0, strand: str = "+") -> None:
        """Writes one dim (of one strand, for a stranded track) of the whole genome as
        bedGraph: runs of equal value, NaN left out (atomic)."""
        write_bedgraph(path, self._genome_runs(dim, strand))

    def to_bigwig(self, path, dim: int = 0, strand: str = "+") -> None:
        """As :meth:`to_bedgraph`, as a bigWig file (needs pyBigWig: ``pip install 'genome_kit[bigwig]'``)."""
        genome = Genome(self.reference_genome)
        sizes = [(c, genome.chromosome_size(c)) for c in genome.chromosomes]
        write_bigwig(path, self._genome_runs(dim, strand), sizes)

    def _genome_runs(self, dim: int, strand: str):
        if not 0 <= dim < self.dim:
            raise IndexError(f"dim {dim} is not in [0, {self.dim})")
        if strand not in ("+", "-"):
            raise ValueError(f"strand must be '+' or '-', got {strand!r}")
        genome = Genome(self.reference_genome)
        for chrom in genome.chromosomes:
            size = genome.chromosome_size(chrom)
            for start in range(0, size, _EXPORT_CHUNK):
                iv = Interval(chrom, strand, start, min(size, start + _EXPORT_CHUNK), genome)
                values = self(iv, np.float32)[:, dim]
                yield value_runs(chrom, start, values[::-1] if strand == "-" else values)

    def histogram(self, region, separate_dims: bool = False):
        """Counts of each distinct value (decoded as float16) over a region.

        Parameters
        ----------
        region : Genome, Interval or sequence of Interval
            A Genome means every chromosome of its assembly (both strands of a
            stranded track).
        separate_dims : bool
            One histogram per dim instead of one over all dims.

        Returns
        -------
        dict or list of dict
            ``{np.float16 value: np.int64 count}`` in increasing value order; NaN
            is left out and -0 counted as +0.
        """
        counts = np.zeros((self.dim if separate_dims else 1, 1 << 16), np.int64)
        for iv in self._histogram_intervals(region):
            for s in range(iv.start, iv.end, _HISTOGRAM_SLICE):
                end = min(iv.end, s + _HISTOGRAM_SLICE)
                sub = Interval(iv.chromosome, iv.strand, s, end, self.reference_genome)
                bits = self(sub, np.float16).view(np.uint16)
                if separate_dims:
                    for d in range(self.dim):
                        counts[d] += np.bincount(bits[:, d], minlength=1 << 16)
                else:
                    counts[0] += np.bincount(bits.ravel(), minlength=1 << 16)
        out = [_histogram_dict(c) for c in counts]
        return out if separate_dims else out[0]

    def _histogram_intervals(self, region):
        if isinstance(region, Interval):
            return [region]
        if hasattr(region, "reference_genome") and hasattr(region, "chromosomes"):
            strands = "+-" if self.stranded else "+"
            return [
                Interval(c, s, 0, region.chromosome_size(c), self.reference_genome)
                for c in region.chromosomes
                for s in strands
            ]
        return list(region)


def _histogram_dict(counts: np.ndarray) -> dict:
    counts = counts.copy()
    counts[0] += counts[0x8000]  # -0 is +0
    counts[0x8000] = 0
    codes = np.arange(1 << 16, dtype=np.uint32)
    is_nan = ((codes & 0x7C00) == 0x7C00) & ((codes & 0x3FF) != 0)
    counts[is_nan] = 0
    present = np.nonzero(counts)[0]
    values = present.astype(np.uint16).view(np.float16)
    order = np.argsort(values.astype(np.float32), kind="stable")
    return {values[i]: counts[present[i]] for i in order}


class GenomeTrackBuilder:
    """Writes a ``.gtrack`` file.

    Configure first (``set_default_value``, ``set_sparsity``, ``set_clamping``,
    ``set_dict``, ``set_transform``, ``set_restriction``, ``set_metadata``),
    then add data (``set_data`` and the ``set_data_from_*`` importers), then
    call ``finalize()``. As a context manager it finalises on a clean exit
    and discards everything (no output file) when the block raises. The
    output appears atomically: complete or not at all.

    Parameters
    ----------
    outfile : str or os.PathLike
        Path of the track to write.
    etype : str
        Encoding: ``m0, u1, u2, u3, u4, u5, u6, u8, i8, f2, f3, f4, f5, f6, f8, f16, f32``.
    strandedness : str
        ``single_stranded`` (one data set serves both strands; ``-`` data is an
        error), ``strand_unaware`` (per strand, data in reference order) or
        ``strand_aware`` (per strand, ``-`` data given 5'→3').
    reference_genome : Genome
        The genome (or any object with a ``reference_genome``, not a str).
    dim : int
        Values per position (>= 1; 1 for ``m0``).
    resolution : int
        Bases per stored value (>= 1).
    """

    def __init__(self, outfile, etype, strandedness, reference_genome, dim=1, resolution=1):
        if isinstance(reference_genome, str):
            raise TypeError(f"Expected Genome, got 'str' ({reference_genome!r}): pass genome_kit.Genome(...)")
        if strandedness not in _STRANDEDNESS:
            raise _StrandednessError(
                f"strandedness must be one of 'single_stranded', 'strand_unaware', or 'strand_aware', "
                f"got {strandedness!r}"
            )
        path = os.fspath(outfile)
        self._b = _core.TrackBuilder(path, etype, strandedness, reference_genome, dim, resolution)
        self._strandedness = strandedness

    # --- properties ---
    filename = property(lambda self: self._b.filename, doc="Path of the output file.")
    dim = property(lambda self: self._b.dim, doc="Values per position.")
    resolution = property(lambda self: self._b.resolution, doc="Bases per stored value.")
    stranded = property(lambda self: self._b.stranded, doc="Whether each strand has its own data.")
    etype = property(lambda self: self._b.etype, doc="Encoding name.")
    dtype = property(lambda self: self._b.dtype, doc="Default numpy type of decoded values.")
    reference_genome = property(lambda self: self._b.reference_genome, doc="Assembly name.")
    refg = reference_genome
    data_size = property(lambda self: self._b.data_size, doc="Positions stored so far, in resolution units.")
    index_size = property(lambda self: self._b.index_size, doc="Blocks stored so far.")

    def __repr__(self) -> str:
        return f"<GenomeTrackBuilder {self.filename!r}: {self.etype}, {self._strandedness}, dim={self.dim}>"

    # --- configuration (before any data) ---
    def set_default_value(self, value: float) -> None:
        """Value of positions without data (default: NaN for float decodes, 0 for integer/bool decodes)."""
        self._b.set_default_value(float(value))

    def set_sparsity(self, min_run: int = 64, min_delta: float = 0.0) -> None:
        """Drop runs of at least ``min_run`` positions whose values (every dim)
        are within ``min_delta`` of the default; with ``min_delta > 0`` stored
        values that close to the default are stored as the default."""
        self._b.set_sparsity(int(min_run), float(min_delta))

    def set_clamping(self) -> None:
        """Clamp values to the dictionary range (f2..f8) or to ±65504 (f16) instead of raising."""
        self._b.set_clamping()

    def set_dict(self, array) -> None:
        """Dictionary of an f2..f8 track: 2**bits float16/float32 values,
        finite, non-decreasing, NaN allowed only last (default ``linspace(0, 1)``)."""
        self._b.set_dict(array)

    def set_transform(self, a: float, b: float, c: float, d: float) -> None:
        """Map float input affinely from [a, b] to [c, d] before encoding."""
        self._b.set_transform(float(a), float(b), float(c), float(d))

    def set_restriction(self, interval: Interval) -> None:
        """Keep only data inside ``interval`` (strand ignored, rounded outward to the resolution)."""
        self._b.set_restriction(interval)

    def set_metadata(self, metadata=None, **columns) -> None:
        """Per-dim metadata stored in the file (``GenomeTrack.metadata``).

        Parameters
        ----------
        metadata : pandas.DataFrame or mapping, optional
            One row / one list entry per dim, e.g. columns ``name``, ``strand``
            (``+``, ``-`` or ``.``), ``ontology_curie`` (e.g. ``UBERON:0002048``),
            ``biosample``. Values are str, int, float, bool or None.
        **columns
            The same as keyword lists: ``set_metadata(name=[...], strand=[...])``.
        """
        cols: dict[str, list] = {}
        if metadata is not None:
            if hasattr(metadata, "to_dict") and hasattr(metadata, "columns"):  # a DataFrame
                cols.update({str(k): list(v) for k, v in metadata.to_dict(orient="list").items()})
            else:
                cols.update({str(k): list(v) for k, v in dict(metadata).items()})
        cols.update({k: list(v) for k, v in columns.items()})
        for k, v in cols.items():
            if len(v) != self.dim:
                raise ValueError(f"metadata column {k!r} has {len(v)} entries, the track has dim {self.dim}")
            for x in v:
                if x is not None and not isinstance(x, (str, int, float, bool)):
                    raise TypeError(
                        f"metadata column {k!r}: values must be str, int, float, bool or None, got {x!r}"
                    )
        if "strand" in cols:
            bad = [s for s in cols["strand"] if s not in ("+", "-", ".", None)]
            if bad:
                raise ValueError(f"metadata strand values must be '+', '-' or '.', got {bad[0]!r}")
        blob = json.dumps({"version": 1, "columns": cols}, allow_nan=True).encode("utf-8")
        self._b._set_metadata(blob)

    # --- data ---
    def set_data(self, interval: Interval, data) -> None:
        """Values for ``interval``: an array of ``len(interval) / resolution``
        rows (1-D when dim is 1, else ``(rows, dim)``) of dtype bool, uint8,
        int8, float16 or float32 (as the etype accepts); ``None`` for m0.
        Interval ends must be multiples of the resolution; blocks on one
        chromosome and strand must not overlap (touching is fine). float64
        (numpy's default) is converted to float32; a finite value beyond the
        float32 range is a ``ValueError``."""
        if isinstance(data, np.ndarray) and data.dtype == np.float64:
            finite = np.abs(data[np.isfinite(data)])
            if finite.size and finite.max() > np.finfo(np.float32).max:
                raise ValueError(f"value {finite.max()!r} is beyond the float32 range of track data")
            data = data.astype(np.float32)
        self._b.set_data(interval, data)

    def _each_file(self, kind: str, pos_file, neg_file, fn) -> None:
        if neg_file is not None and not self.stranded:
            raise ValueError(f"{kind}: a second (negative strand) file needs a stranded track")
        for source, strand in ((pos_file, "+"), (neg_file, "-")):
            if source is None:
                continue
            stream, name = open_binary(source)
            try:
                fn(stream, name, strand)
            finally:
                if stream is not source and getattr(stream, "close", None):
                    stream.close()

    def set_data_from_wig(self, pos_file, neg_file=None, *, track: str | int | None = None) -> None:
        """Adds a WIG file (fixedStep/variableStep/BED-style sections; gzip ok;
        columns separated by tabs or spaces; one value column per dim);
        ``neg_file`` holds the ``-`` strand of a stranded track. ``track``
        reads only one section of a file with several ``track`` lines: the
        ``name=`` of its track line, or its 0-based position. Not for
        strand_aware tracks. Errors name the file and line."""
        if track is not None and not isinstance(track, (str, int)):
            raise TypeError(f"track must be a track line's name (str) or position (int), got {track!r}")
        if isinstance(track, int) and track < 0:
            raise ValueError(f"track position must be >= 0, got {track}")
        name, index = (track, -1) if isinstance(track, str) else ("", -1 if track is None else track)
        self._each_file("WIG", pos_file, neg_file, lambda s, n, st: self._b._add_wig(s, n, st, name, index))

    def set_data_from_bedgraph(self, pos_file, neg_file=None) -> None:
        """Adds a bedGraph file (chrom, start, end, value; gzip ok; dim 1)."""
        self._each_file(
            "bedGraph", pos_file, neg_file, lambda s, n, st: self._b._add_text("bedgraph", s, n, st)
        )

    def set_data_from_bed(self, bedfile, categories=None) -> None:
        """Adds BED intervals: value = score column (or 1), or with
        ``categories`` the index of the name column in that list; the strand
        column must be ``.``/absent for unstranded tracks, ``+``/``-`` otherwise."""
        stream, name = open_binary(bedfile)
        try:
            self._b._add_bed(stream, name, [str(c) for c in (categories or [])])
        finally:
            if stream is not bedfile:
                stream.close()

    def set_data_from_bigwig(self, pos_file, neg_file=None) -> None:
        """Adds a bigWig file (requires pyBigWig: ``pip install 'genome_kit[bigwig]'``);
        merged like bedGraph records."""
        try:
            import pyBigWig
        except ImportError:
            msg = "set_data_from_bigwig needs pyBigWig: pip install 'genome_kit[bigwig]'"
            raise ImportError(msg) from None
        if neg_file is not None and not self.stranded:
            raise ValueError("bigWig: a second (negative strand) file needs a stranded track")
        chunk = self.resolution * max(1, (1 << 22) // self.resolution)
        for source, strand in ((pos_file, "+"), (neg_file, "-")):
            if source is None:
                continue
            path = os.fspath(source)
            if not os.path.exists(path):
                raise OSError(f"cannot open {path}: no such file")
            bw = pyBigWig.open(path)
            if bw is None or not bw.isBigWig():
                raise ValueError(f"{path} is not a bigWig file")
            try:
                for chrom, size in bw.chroms().items():
                    for s in range(0, size, chunk):
                        e = min(size, s + chunk)
                        runs = bw.intervals(chrom, s, e)
                        if not runs:
                            continue
                        a = np.asarray(runs, dtype=np.float64)
                        starts = np.maximum(a[:, 0], s).astype(np.int64)
                        ends = np.minimum(a[:, 1], e).astype(np.int64)
                        self._b._add_runs(chrom, strand, starts, ends, a[:, 2].astype(np.float32), path)
            finally:
                bw.close()

    # --- output ---
    def flush(self) -> None:
        """Seals the chromosomes that have data so far (no more data may be added to them)."""
        self._b.flush()

    def finalize(self) -> None:
        """Writes the file (atomically). RuntimeError if called twice."""
        self._b.finalize()

    def close(self) -> None:
        """No-op kept for compatibility (use ``finalize`` or a ``with`` block)."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            if not self._b.finalized:
                self.finalize()
        else:
            self._b._abort()  # no output file; the spill file is removed


def _unpickle_track(_setup, cls, path: str):
    return cls(path)
