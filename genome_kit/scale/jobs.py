"""Genome-wide jobs: what one partition computes, from handles that pickle by path.

A job holds its handles (Genome, GenomeTrack, VCFTable; they pickle by path and reopen
lazily in the worker) and its parameters; ``partitions()`` cuts its rows into
:class:`Partition` ranges and ``compute(partition)`` returns the columns of one shard.
The sequence and track work is done by the batch APIs in C++ (``Genome.one_hot``,
``GenomeTrack.batch``, ``VariantGenome.variant_pairs``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..bed import read_bed
from ..genome import Genome
from ..interval import Interval
from ..variant import Variant
from ..variant_genome import VariantGenome
from ..vcf_table import VariantTable

__all__ = ["Partition", "VariantPairsJob", "WindowJob"]

#: what to do with a window that reaches past either end of its chromosome
OUTSIDE = ("pad", "error", "shift", "drop")
_SHARD_BYTES = 64 << 20  # default partition size: about this many bytes of arrays per shard
_DNA_DTYPES = ("uint8", "float32", "float16")


@dataclass(frozen=True)
class Partition:
    """Rows ``[start, stop)`` of a job, written as shard number ``index``."""

    index: int
    start: int
    stop: int


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")


def _check_positive(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _dna_dtype(dtype) -> str:
    name = np.dtype(dtype).name
    _check_choice("dtype", name, _DNA_DTYPES)
    return name


def _partitions(rows: int, size: int) -> list[Partition]:
    return [Partition(i, b, min(rows, b + size)) for i, b in enumerate(range(0, rows, size))]


def _place(
    starts: np.ndarray, sizes: np.ndarray, width: int, outside: str, name
) -> tuple[np.ndarray, np.ndarray]:
    """Window starts after the ``outside`` policy, and the mask of windows kept.

    ``name(i)`` describes row ``i`` for error messages."""
    past = (starts < 0) | (starts + width > sizes)
    keep = np.ones(len(starts), dtype=bool)
    if not past.any() or outside == "pad":
        return starts, keep
    first = int(np.argmax(past))
    if outside == "error":
        raise IndexError(
            f"{name(first)}: its {width} bp window [{starts[first]}, {starts[first] + width}) reaches past "
            f"the chromosome ({sizes[first]} bp); choose outside='pad', 'shift' or 'drop'"
        )
    if outside == "drop":
        return starts, ~past
    small = width > sizes
    if small.any():  # shift
        i = int(np.argmax(small))
        raise IndexError(f"{name(i)}: a {width} bp window cannot fit in its chromosome ({sizes[i]} bp)")
    return np.clip(starts, 0, sizes - width), keep


def _hash(description: dict, *arrays: np.ndarray) -> str:
    h = hashlib.sha256(json.dumps(description, sort_keys=True).encode())
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:32]


def _str_column(values: Sequence[str]) -> np.ndarray:
    return np.array(values, dtype=str) if len(values) else np.array([], dtype="<U1")


class WindowJob:
    """One-hot DNA and track targets for every region of a BED file (or interval list).

    Each shard holds, per kept region: ``dna`` ``(n, width, 4)`` (A, C, G, T; ``N``
    all zero), ``targets`` ``(n, width / resolution, T)`` float32 (the tracks' dims
    side by side, 5'→3' on ``-`` regions, as ``GenomeTrack.batch``), and ``region``
    (index of the region in the input), ``chrom``, ``start``, ``end``, ``strand`` of
    the window.

    Parameters
    ----------
    genome : Genome
    regions : str, os.PathLike or iterable of Interval
        A BED file (read with :func:`genome_kit.read_bed`: an unknown chromosome or a
        malformed line is a ValueError naming ``file:line``) or intervals.
    width : int, optional
        Window length, centred on each region (start ``(start + end) // 2 - width // 2``).
        Default: the regions themselves, which must then all have one length.
    tracks : GenomeTrack or sequence of GenomeTrack
        Target tracks, on the genome's assembly.
    resolution : int
        Bases per target bin: divides ``width``, a multiple of every track's resolution.
    aggregation : str
        ``"mean"``, ``"sum"`` or ``"max"`` over each bin (see ``GenomeTrack.batch``).
    outside : str
        A window reaching past either chromosome end: ``"pad"`` (``N`` bases and the
        tracks' default values), ``"error"`` (IndexError naming the region, raised
        here), ``"shift"`` (moved inside the chromosome) or ``"drop"`` (left out).
    dtype : str
        One-hot dtype: ``uint8``, ``float32`` or ``float16``.
    partition_size : int, optional
        Regions per shard (default: about 64 MB of arrays per shard).
    """

    kind = "windows"

    def __init__(
        self,
        genome: Genome,
        regions,
        *,
        width: int | None = None,
        tracks=(),
        resolution: int = 1,
        aggregation: str = "mean",
        outside: str = "pad",
        dtype="uint8",
        partition_size: int | None = None,
    ):
        if not isinstance(genome, Genome):
            raise TypeError(f"genome must be a Genome, got {type(genome).__name__}")
        _check_choice("outside", outside, OUTSIDE)
        _check_choice("aggregation", aggregation, ("mean", "sum", "max"))
        self.genome = genome
        self.tracks = [tracks] if not isinstance(tracks, (list, tuple)) else list(tracks)
        self.resolution = _check_positive("resolution", resolution)
        self.aggregation = aggregation
        self.outside = outside
        self.dtype = _dna_dtype(dtype)
        self.source = os.fspath(regions) if isinstance(regions, (str, os.PathLike)) else "<intervals>"
        self._read_regions(regions)
        self.width = self._width(width)
        self._check_tracks()
        self._sizes = np.array([genome.chromosome_size(c) for c in self._chrom_names], dtype=np.int64)
        starts = (self._starts + self._ends) // 2 - self.width // 2 if width is not None else self._starts
        self._win_starts, self._keep = _place(
            starts, self._sizes[self._chroms], self.width, outside, self._region_name
        )
        row_bytes = self.width * 4 * np.dtype(self.dtype).itemsize + 4 * self.num_targets * (
            self.width // self.resolution
        )
        self.partition_size = _check_positive(
            "partition_size", partition_size or max(1, _SHARD_BYTES // row_bytes)
        )
        self.fingerprint = _hash(
            self.describe(), self._chroms, self._starts, self._ends, self._minus, self._win_starts, self._keep
        )

    def _read_regions(self, regions) -> None:
        if isinstance(regions, (str, os.PathLike)):
            regions = read_bed(regions, self.genome)
        names: dict[str, int] = {}
        chroms, starts, ends, minus = [], [], [], []
        refg = self.genome.refg
        for i, iv in enumerate(regions):
            if not isinstance(iv, Interval):
                raise TypeError(f"region {i} is a {type(iv).__name__}, not an Interval")
            if iv.reference_genome != refg:
                raise ValueError(f"region {i} ({iv}) is on {iv.reference_genome}, the genome is {refg}")
            chroms.append(names.setdefault(iv.chromosome, len(names)))
            starts.append(iv.start)
            ends.append(iv.end)
            minus.append(iv.strand == "-")
        self._chrom_names = list(names)
        self._chroms = np.array(chroms, dtype=np.int32)
        self._starts = np.array(starts, dtype=np.int64)
        self._ends = np.array(ends, dtype=np.int64)
        self._minus = np.array(minus, dtype=bool)

    def _region_name(self, i: int) -> str:
        strand = "-" if self._minus[i] else "+"
        where = f"{self._chrom_names[self._chroms[i]]}:{self._starts[i]}-{self._ends[i]} {strand}"
        return f"region {i} of {self.source} ({where})"

    def _width(self, width) -> int:
        if width is not None:
            width = _check_positive("width", width)
        elif len(self._starts):
            lengths = self._ends - self._starts
            odd = np.flatnonzero(lengths != lengths[0])
            if len(odd):
                raise ValueError(
                    f"{self._region_name(int(odd[0]))} is {lengths[odd[0]]} bp, region 0 is {lengths[0]} bp: "
                    "regions of different lengths need width="
                )
            width = int(lengths[0])
        else:
            raise ValueError(f"{self.source} has no regions: give width=")
        if width % self.resolution:
            raise ValueError(f"width {width} is not a multiple of resolution {self.resolution}")
        return width

    def _check_tracks(self) -> None:
        for track in self.tracks:
            if track.reference_genome != self.genome.refg:
                raise ValueError(
                    f"track {track.filename} is on {track.reference_genome}, the genome is {self.genome.refg}"
                )
            if self.resolution % track.resolution:
                raise ValueError(
                    f"resolution {self.resolution} is not a multiple of the resolution of track "
                    f"{track.filename} ({track.resolution} bp)"
                )

    @property
    def num_targets(self) -> int:
        """T: the number of target columns (the tracks' dims added up)."""
        return sum(t.dim for t in self.tracks)

    def __len__(self) -> int:
        """Regions in the input (dropped ones included)."""
        return len(self._starts)

    def target_names(self) -> list[str]:
        """Name of every target column, ``<track file stem>`` (``_<dim>`` when dim > 1)."""
        names = []
        for track in self.tracks:
            stem = os.path.basename(track.filename).split(".")[0]
            names += [stem] if track.dim == 1 else [f"{stem}_{d}" for d in range(track.dim)]
        return names

    def describe(self) -> dict:
        """Parameters of the job (JSON), as recorded in the manifest."""
        return {
            "kind": self.kind,
            "genome": self.genome.config,
            "source": self.source,
            "regions": len(self),
            "width": self.width,
            "tracks": [t.filename for t in self.tracks],
            "targets": self.target_names(),
            "resolution": self.resolution,
            "aggregation": self.aggregation,
            "outside": self.outside,
            "dtype": self.dtype,
            "partition_size": self.partition_size,
        }

    def partitions(self) -> list[Partition]:
        """The row ranges of the shards, in order."""
        return _partitions(len(self), self.partition_size)

    def _empty_dna(self) -> np.ndarray:
        return np.zeros((0, self.width, 4), self.dtype)

    def compute(self, partition: Partition) -> tuple[dict[str, np.ndarray], list[dict]]:
        """The columns of one shard, and the rows skipped for a reason (none here)."""
        rows = np.arange(partition.start, partition.stop)
        rows = rows[self._keep[rows]]
        names = [self._chrom_names[c] for c in self._chroms[rows]]
        starts = self._win_starts[rows]
        strands = np.where(self._minus[rows], "-", "+")
        refg = self.genome.refg
        windows = [
            Interval(c, s, b, b + self.width, refg)
            for c, s, b in zip(names, strands.tolist(), starts.tolist(), strict=True)
        ]
        pad = self.outside == "pad"
        columns = {
            "region": rows.astype(np.int64),
            "chrom": _str_column(names),
            "start": starts,
            "end": starts + self.width,
            "strand": _str_column(strands.tolist()),
            "dna": self.genome.one_hot(windows, self.dtype, pad) if windows else self._empty_dna(),
        }
        if self.tracks:
            bins = self.width // self.resolution
            columns["targets"] = (
                np.concatenate(
                    [
                        t.batch(windows, resolution=self.resolution, aggregation=self.aggregation)
                        for t in self.tracks
                    ],
                    axis=2,
                )
                if windows
                else np.zeros((0, bins, self.num_targets), np.float32)
            )
        return columns, []


class VariantPairsJob:
    """REF and ALT one-hot windows for every variant of a VCF table (or variant list).

    Each variant gets a ``width`` bp window on ``+`` starting ``width // 2`` bases before
    it and anchored at its start (``Interval(..., anchor=variant.start)``), so REF and ALT
    have the same length and align base for base left of the variant: an insertion pushes
    bases out on the right, a deletion pulls bases in on the right (the rule of
    ``VariantGenome.variant_pairs``; see docs/variants.md). Only the variant itself is
    applied to its ALT window.

    Each shard holds, per variant: ``ref`` and ``alt`` ``(n, width, 4)``, ``row`` (its
    index in the table), ``chrom``, ``position`` (0-based start), ``ref_allele``,
    ``alt_allele`` and ``window_start``.

    Parameters
    ----------
    genome : Genome
    variants : VCFTable or sequence of Variant
        A table pickles by path, so workers open it themselves.
    width : int
    outside : str
        As for :class:`WindowJob` (``"pad"``, ``"error"``, ``"shift"``, ``"drop"``); a
        shifted window keeps its anchor on the variant. Checked per partition.
    invalid : str
        A variant that cannot be applied (its REF differs from the genome, a symbolic
        ALT...): ``"error"`` (ValueError naming it) or ``"skip"`` (left out, listed in
        the manifest with the reason).
    dtype, partition_size
        As for :class:`WindowJob`.
    """

    kind = "variant_pairs"

    def __init__(
        self,
        genome: Genome,
        variants,
        width: int,
        *,
        outside: str = "pad",
        invalid: str = "error",
        dtype="uint8",
        partition_size: int | None = None,
    ):
        if not isinstance(genome, Genome):
            raise TypeError(f"genome must be a Genome, got {type(genome).__name__}")
        _check_choice("outside", outside, OUTSIDE)
        _check_choice("invalid", invalid, ("error", "skip"))
        self.genome = genome
        self.width = _check_positive("width", width)
        self.outside = outside
        self.invalid = invalid
        self.dtype = _dna_dtype(dtype)
        self.variants: VariantTable | list
        if isinstance(variants, VariantTable):
            self.variants = variants
            self.source = variants.filename
            content: list = [variants.filename, len(variants), os.path.getsize(variants.filename)]
            if variants.reference_genome != genome.refg:
                raise ValueError(
                    f"{self.source} is on {variants.reference_genome}, the genome is {genome.refg}"
                )
        elif isinstance(variants, Iterable) and not isinstance(variants, (str, bytes)):
            self.variants = list(variants)
            self.source = "<variants>"
            content = []
            for i, v in enumerate(self.variants):
                if not isinstance(v, Variant):
                    raise TypeError(f"variant {i} is a {type(v).__name__}, not a Variant")
                if v.reference_genome != genome.refg:
                    raise ValueError(
                        f"variant {i} ({v}) is on {v.reference_genome}, the genome is {genome.refg}"
                    )
                content.append(str(v))
        else:
            raise TypeError(
                f"variants must be a VCFTable or a list of Variants, got {type(variants).__name__}"
            )
        self._sizes = {c: genome.chromosome_size(c) for c in genome.chromosomes}
        row_bytes = 2 * self.width * 4 * np.dtype(self.dtype).itemsize
        self.partition_size = _check_positive(
            "partition_size", partition_size or max(1, _SHARD_BYTES // row_bytes)
        )
        self.fingerprint = _hash({**self.describe(), "content": content})

    def __len__(self) -> int:
        return len(self.variants)

    def describe(self) -> dict:
        """Parameters of the job (JSON), as recorded in the manifest."""
        return {
            "kind": self.kind,
            "genome": self.genome.config,
            "source": self.source,
            "variants": len(self),
            "width": self.width,
            "outside": self.outside,
            "invalid": self.invalid,
            "dtype": self.dtype,
            "partition_size": self.partition_size,
        }

    def partitions(self) -> list[Partition]:
        """The row ranges of the shards, in order."""
        return _partitions(len(self), self.partition_size)

    def _rows(self, start: int, stop: int) -> list:
        table = self.variants
        if not isinstance(table, VariantTable):
            return table[start:stop]
        return table.variant_range(start, stop)

    def compute(self, partition: Partition) -> tuple[dict[str, np.ndarray], list[dict]]:
        """The columns of one shard, and the variants skipped by ``invalid="skip"``."""
        variants = self._rows(partition.start, partition.stop)
        rows = np.arange(partition.start, partition.stop, dtype=np.int64)
        positions = np.array([v.start for v in variants], dtype=np.int64)
        sizes = np.array([self._sizes[v.chromosome] for v in variants], dtype=np.int64)

        def name(i: int) -> str:
            return f"variant {rows[i]} of {self.source} ({variants[i]})"

        starts, keep = _place(positions - self.width // 2, sizes, self.width, self.outside, name)
        windows = [
            Interval(v.chromosome, "+", b, b + self.width, self.genome.refg, p)
            for v, b, p in zip(variants, starts.tolist(), positions.tolist(), strict=True)
        ]
        pad = self.outside == "pad"

        def pairs(chosen):
            if not len(chosen):
                empty = np.zeros((0, self.width, 4), self.dtype)
                return empty, empty.copy()
            return VariantGenome.variant_pairs(
                self.genome,
                [variants[i] for i in chosen],
                intervals=[windows[i] for i in chosen],
                one_hot=True,
                dtype=self.dtype,
                allow_outside_chromosome=pad,
            )

        kept = np.flatnonzero(keep)
        skipped: list[dict] = []
        try:
            ref, alt = pairs(kept)
        except (ValueError, IndexError):  # find the variants that cannot be applied, one by one
            bad = []
            for i in kept:
                try:
                    pairs([i])
                except (ValueError, IndexError) as e:
                    if self.invalid == "error":
                        raise type(e)(f"{name(int(i))}: {e}") from None
                    bad.append(i)
                    skipped.append({"row": int(rows[i]), "variant": str(variants[i]), "error": str(e)})
            kept = np.setdiff1d(kept, bad)
            ref, alt = pairs(kept)
        chosen = [variants[i] for i in kept]
        columns = {
            "row": rows[kept],
            "chrom": _str_column([v.chromosome for v in chosen]),
            "position": positions[kept],
            "ref_allele": _str_column([v.ref for v in chosen]),
            "alt_allele": _str_column([v.alt for v in chosen]),
            "window_start": starts[kept],
            "ref": ref,
            "alt": alt,
        }
        return columns, skipped
