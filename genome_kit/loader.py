"""Training batches for sequence models: :class:`WindowLoader`.

A loader owns a list of equal-length windows (from a BED file, a list of Intervals, or a
tiling of chromosomes minus excluded regions) and yields, per batch, one-hot DNA ``(N, L, 4)``
and track targets at the model's resolution ``(N, L / resolution, T)`` with their metadata.
Batches are filled by C++ threads without the GIL (src/core/batch_filler.cpp) into buffers
the loader reuses once the consumer has dropped them, while the previous batch is in use.

Augmentations (random shift, reverse complement), the shuffle order and sharding across
data-loader workers and distributed ranks are all drawn from ``(seed, epoch)``: every epoch is
reproducible, each epoch differs, and the shards of an epoch are disjoint and cover it.
Adapters: :meth:`WindowLoader.torch_dataset` / :meth:`WindowLoader.torch_dataloader` (PyTorch,
``pip install "genome_kit[torch]"``) and :meth:`WindowLoader.jax_batches` (JAX). See docs/loader.md.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _core
from .bed import read_bed
from .genome import Genome
from .genome_track import GenomeTrack
from .interval import Interval
from .variant import Variant

__all__ = ["Target", "WindowLoader"]

_SQUASH = {None: "none", "sqrt": "sqrt", "pow75": "pow75"}


@dataclass(frozen=True)
class Target:
    """One track of the targets and the transform of its values (Borzoi's target transforms).

    Values are pooled to the loader's resolution with ``aggregation`` (``"mean"``, ``"sum"``,
    ``"max"``, as ``GenomeTrack.read``), then, in this order: multiplied by ``scale``; squashed
    (``"sqrt"``: ``-1 + sqrt(1 + x)``, ``"pow75"``: ``-1 + (1 + x) ** 0.75``); soft clipped
    (``x > clip_soft`` becomes ``clip_soft - 1 + sqrt(x - clip_soft + 1)``); clipped to
    ``[-clip, clip]``. A bin that pools a NaN stays NaN, or becomes ``nan`` when given.
    A stranded track gives two column groups: its dims on ``+`` then on ``-``.
    """

    track: GenomeTrack
    aggregation: str = "mean"
    scale: float = 1.0
    squash: str | None = None
    clip_soft: float | None = None
    clip: float | None = None
    nan: float | None = None

    def __post_init__(self):
        if not isinstance(self.track, _core.TrackFile):
            raise TypeError(f"Target.track must be a GenomeTrack, got {type(self.track).__name__}")
        if self.aggregation not in ("mean", "sum", "max"):
            raise ValueError(f"aggregation must be 'mean', 'sum' or 'max', got {self.aggregation!r}")
        if self.squash not in _SQUASH:
            raise ValueError(f"squash must be None, 'sqrt' or 'pow75', got {self.squash!r}")
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"scale must be a positive finite number, got {self.scale!r}")
        for name in ("clip_soft", "clip"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be positive, got {value!r}")

    def _spec(self) -> tuple:
        inf = float("inf")
        return (
            self.track,
            self.aggregation,
            bool(self.track.stranded),
            float(self.scale),
            _SQUASH[self.squash],
            inf if self.clip_soft is None else float(self.clip_soft),
            inf if self.clip is None else float(self.clip),
            None if self.nan is None else float(self.nan),
        )

    def _columns(self) -> tuple[list[str], list[str]]:
        """Names and strands of this target's columns."""
        md = self.track._track_metadata("+")
        names = [str(n) for n in md["name"]]
        if self.track.stranded:
            return names + names, ["+"] * len(names) + ["-"] * len(names)
        return names, [str(s) for s in md["strand"]]


@dataclass(frozen=True)
class _Windows:
    """Equal-length windows as arrays: chromosome index, start, and strand ('-': reverse complemented)."""

    chromosomes: tuple[str, ...]
    chrom_index: np.ndarray  # int32
    starts: np.ndarray  # int64
    reverse: np.ndarray  # bool
    length: int

    def __len__(self) -> int:
        return len(self.starts)


def _windows_of(genome, windows, length: int | None) -> _Windows:
    if isinstance(windows, (str, os.PathLike)):
        windows = read_bed(windows, genome)
    windows = list(windows)
    if not windows:
        raise ValueError("no windows")
    for w in windows:
        if not isinstance(w, Interval):
            raise TypeError(f"windows must be Intervals (or a BED path), got {type(w).__name__}")
    if length is None:
        length = len(windows[0])
        for w in windows:
            if len(w) != length:
                raise ValueError(
                    f"windows of different lengths ({windows[0]} has {length} bp, {w} has {len(w)}): "
                    "pass length= to centre every window on that many bases"
                )
    names: dict[str, int] = {}
    index = np.fromiter((names.setdefault(w.chromosome, len(names)) for w in windows), np.int32, len(windows))
    # centred on the region; a region of odd excess keeps the extra base on its right
    starts = np.fromiter((w.start + (len(w) - length) // 2 for w in windows), np.int64, len(windows))
    reverse = np.fromiter((w.strand == "-" for w in windows), bool, len(windows))
    return _Windows(tuple(names), index, starts, reverse, int(length))


def _tiles(genome, length: int, stride: int, chromosomes, exclude) -> _Windows:
    if length <= 0 or stride <= 0:
        raise ValueError(f"length and stride must be positive, got {length}, {stride}")
    chromosomes = list(genome.chromosomes if chromosomes is None else chromosomes)
    if isinstance(exclude, (str, os.PathLike)):
        exclude = read_bed(exclude, genome)
    excluded: dict[str, list[tuple[int, int]]] = {}
    for iv in exclude or ():
        excluded.setdefault(iv.chromosome, []).append((iv.start, iv.end))
    index, starts = [], []
    for ci, chrom in enumerate(chromosomes):
        size = genome.chromosome_size(chrom)
        s = np.arange(0, size - length + 1, stride, dtype=np.int64)
        regions = sorted(excluded.get(chrom, []))
        if regions and len(s):
            r = np.array(regions, np.int64)
            ends = np.maximum.accumulate(r[:, 1])  # running max: a region may lie inside an earlier one
            last = (
                np.searchsorted(r[:, 0], s + length, side="left") - 1
            )  # last region starting before the tile ends
            s = s[(last < 0) | (ends[np.maximum(last, 0)] <= s)]
        index.append(np.full(len(s), ci, np.int32))
        starts.append(s)
    all_starts = np.concatenate(starts) if starts else np.zeros(0, np.int64)
    if not len(all_starts):
        raise ValueError(f"no {length} bp window fits on {chromosomes} outside the excluded regions")
    return _Windows(
        tuple(chromosomes), np.concatenate(index), all_starts, np.zeros(len(all_starts), bool), int(length)
    )


def _variant_list(genome, variants, sample, haplotype) -> list:
    if variants is None:
        if sample is not None:
            raise ValueError("sample= needs variants= (a VCFTable)")
        return []
    if hasattr(variants, "format") and hasattr(variants, "sample_names"):  # a VCFTable
        rows = np.arange(len(variants))
        if sample is not None:
            names = list(variants.sample_names)
            if isinstance(sample, str):
                if sample not in names:
                    raise KeyError(f"sample {sample!r} is not in {variants.filename} (samples: {names})")
                sample = names.index(sample)
            gt = variants.format("GT")[:, sample]
            if haplotype is None:
                keep = np.isin(gt, (1, 2, 4, 5))  # every sample ALT allele (het or hom)
            elif haplotype in (0, 1):
                keep = np.isin(gt, (2, 5) if haplotype == 0 else (2, 4))  # phased 1|0 / 0|1
            else:
                raise ValueError(f"haplotype must be None, 0 or 1, got {haplotype!r}")
            rows = np.nonzero(keep)[0]
        elif haplotype is not None:
            raise ValueError("haplotype= needs sample=")
        return [variants[int(i)] for i in rows]
    if sample is not None:
        raise ValueError("sample= needs a VCFTable of genotypes as variants")
    if isinstance(variants, (str, Variant)):
        variants = [variants]
    return [Variant.from_string(v, genome) if isinstance(v, str) else v for v in variants]


def _partner(names: list[str], strands: list[str]) -> tuple[list[int], str | None]:
    """Column each column trades places with on reverse complement (TrackData.reverse_complement),
    and the description of a stranded column without a partner (or None)."""
    where = {(n, s): i for i, (n, s) in enumerate(zip(names, strands, strict=True))}
    partner, missing = list(range(len(names))), None
    for i, (n, s) in enumerate(zip(names, strands, strict=True)):
        if s in ("+", "-"):
            other = where.get((n, "-" if s == "+" else "+"))
            if other is None:
                missing = missing or f"track {n!r} on {s} has no partner on the other strand"
            else:
                partner[i] = other
    return partner, missing


class WindowLoader:
    """Batches of one-hot DNA windows and track targets, filled in C++.

    Iterating yields one dict per batch (arrays are views of reused buffers: they stay valid
    while you hold them; the loader fills a new buffer meanwhile):

    * ``dna``: ``(N, L, 4)`` one-hot (channels A, C, G, T; N all zero) of ``dtype``;
    * ``targets``: ``(N, L / resolution, T)`` float32, when there are tracks;
    * ``reference``: the reference one-hot of the same windows, with ``with_reference=True``;
    * ``index``: the window numbers (into :attr:`windows`), ``shift`` the random shift applied,
      ``reverse`` whether the window is reverse complemented, ``intervals`` the windows read
      (shifted, on ``-`` when reverse complemented).

    Column metadata is on the loader: :attr:`track_names`, :attr:`track_strands`.

    Parameters
    ----------
    genome : Genome or VariantGenome
        DNA source; a VariantGenome contributes its variants.
    windows : str, os.PathLike or sequence of Interval
        A BED file or Intervals; a ``-`` window is read reverse complemented. Use
        :meth:`tiled` to tile chromosomes instead.
    length : int, optional
        Window length: each region is re-centred to it. Default: the windows' common length.
    tracks : sequence of GenomeTrack or Target
        Target tracks, in column order (a GenomeTrack is ``Target(track)``).
    resolution : int, optional
        Bases per target bin (default: the coarsest track resolution).
    batch_size : int
    dtype : str or numpy dtype
        ``uint8``, ``float32`` or ``float16``.
    shuffle : bool
        Shuffle the windows each epoch.
    seed : int
        Seed of the shuffle and augmentations, combined with the epoch (:meth:`set_epoch`).
    max_shift : int
        Shift each window by a uniform random ``[-max_shift, max_shift]`` bases.
    reverse_complement : bool
        Reverse complement each window with probability 1/2 (DNA, targets reversed, strand
        partner tracks swapped).
    variants : VCFTable, sequence of Variant/str, optional
        Variants applied to the DNA (windows anchored at their centre keep L bases; targets
        stay on the reference). With a VCFTable and ``sample``, only that sample's ALT alleles
        (``haplotype`` 0 or 1: only those on that phased haplotype).
    with_reference : bool
        Also yield the reference one-hot (``reference``) next to the variant one.
    rank, world_size : int
        Distributed shard of this process (windows ``rank::world_size`` of the epoch order,
        then split by worker).
    worker, num_workers : int
        Data-loader worker shard (set by the PyTorch adapter).
    drop_last : bool
        Drop this shard's last batch when it is short.
    threads : int, optional
        C++ threads per batch (default ``min(4, os.cpu_count())``).
    """

    def __init__(
        self,
        genome,
        windows,
        *,
        length: int | None = None,
        tracks: Sequence = (),
        resolution: int | None = None,
        batch_size: int = 32,
        dtype: Any = "uint8",
        shuffle: bool = False,
        seed: int = 0,
        max_shift: int = 0,
        reverse_complement: bool = False,
        variants=None,
        sample: str | int | None = None,
        haplotype: int | None = None,
        with_reference: bool = False,
        rank: int = 0,
        world_size: int = 1,
        worker: int = 0,
        num_workers: int = 1,
        drop_last: bool = False,
        threads: int | None = None,
    ):
        windows = windows if isinstance(windows, _Windows) else _windows_of(genome, windows, length)
        self._init(locals())

    @classmethod
    def tiled(
        cls,
        genome,
        length: int,
        *,
        stride: int | None = None,
        chromosomes: Sequence[str] | None = None,
        exclude=None,
        **options,
    ) -> WindowLoader:
        """Windows of ``length`` bases every ``stride`` bases (default: ``length``) along each
        chromosome (default: all), keeping those inside the chromosome that overlap no
        ``exclude`` region (a BED path or Intervals, either strand). Other options as for the
        constructor."""
        base = getattr(genome, "genome", genome)
        windows = _tiles(base, int(length), int(stride or length), chromosomes, exclude)
        return cls(genome, windows, **options)

    def _init(self, args: dict) -> None:
        genome, windows = args["genome"], args["windows"]
        variants = args["variants"]
        if not isinstance(genome, Genome):
            if not isinstance(genome, _core.VariantGenome):
                raise TypeError(f"genome must be a Genome or VariantGenome, got {type(genome).__name__}")
            if variants is not None:
                raise ValueError("give variants either in the VariantGenome or as variants=, not both")
            genome, variants = genome.genome, list(genome.variants)
        self.genome: Genome = genome
        self.windows: _Windows = windows
        self._variants = _variant_list(genome, variants, args["sample"], args["haplotype"])
        self.targets: tuple[Target, ...] = tuple(
            t if isinstance(t, Target) else Target(t) for t in args["tracks"]
        )
        res = args["resolution"]
        if res is None:
            res = max((t.track.resolution for t in self.targets), default=1)
        self.resolution = int(res)
        self.batch_size = int(args["batch_size"])
        if self.batch_size <= 0:
            raise ValueError(f"batch_size must be positive, got {self.batch_size}")
        self.dtype = np.dtype(args["dtype"])
        if self.dtype.name not in ("uint8", "float32", "float16"):
            raise ValueError(f"dtype must be uint8, float32 or float16, got {args['dtype']!r}")
        self.shuffle = bool(args["shuffle"])
        self.seed = int(args["seed"])
        self.max_shift = int(args["max_shift"])
        if self.max_shift < 0:
            raise ValueError(f"max_shift must be >= 0, got {self.max_shift}")
        self.reverse_complement = bool(args["reverse_complement"])
        self.with_reference = bool(args["with_reference"])
        if self.with_reference and not self._variants:
            raise ValueError("with_reference=True needs variants")
        self.rank, self.world_size = int(args["rank"]), int(args["world_size"])
        self.worker, self.num_workers = int(args["worker"]), int(args["num_workers"])
        if not 0 <= self.rank < self.world_size:
            raise ValueError(f"rank {self.rank} is not in [0, world_size={self.world_size})")
        if not 0 <= self.worker < self.num_workers:
            raise ValueError(f"worker {self.worker} is not in [0, num_workers={self.num_workers})")
        self.drop_last = bool(args["drop_last"])
        threads = args["threads"]
        self.threads = int(threads) if threads is not None else min(4, os.cpu_count() or 1)
        names: list[str] = []
        strands: list[str] = []
        for t in self.targets:
            n, s = t._columns()
            names += n
            strands += s
        self.track_names: tuple[str, ...] = tuple(names)
        self.track_strands: tuple[str, ...] = tuple(strands)
        self._partner, missing = _partner(names, strands)
        if missing and (self.reverse_complement or bool(self.windows.reverse.any())):
            raise ValueError(f"reverse complement needs strand pairs: {missing}")
        self.epoch = 0
        self._core: _core.BatchFiller | None = None
        self._core_pid = -1
        self._slots: list[dict] = []
        self._slots_pid = -1
        self._filler()  # validates the configuration (and the variants) now

    # --- configuration ---
    @property
    def length(self) -> int:
        """Window length in bases."""
        return self.windows.length

    @property
    def num_windows(self) -> int:
        """Windows of one epoch over all shards."""
        return len(self.windows)

    def set_epoch(self, epoch: int) -> None:
        """Selects the epoch whose order and augmentations the next iteration uses (as
        PyTorch's DistributedSampler.set_epoch: call it before each epoch)."""
        self.epoch = int(epoch)

    def shard(self, **changes) -> WindowLoader:
        """A copy with some of ``rank``, ``world_size``, ``worker``, ``num_workers``, ``threads``,
        ``batch_size``, ``drop_last`` changed (the windows and tracks are shared)."""
        allowed = {"rank", "world_size", "worker", "num_workers", "threads", "batch_size", "drop_last"}
        unknown = set(changes) - allowed
        if unknown:
            raise TypeError(f"shard() cannot change {sorted(unknown)}")
        other = object.__new__(type(self))
        other.__dict__.update(self.__getstate__())
        for k, v in changes.items():
            setattr(other, k, int(v) if k != "drop_last" else bool(v))
        if not 0 <= other.rank < other.world_size or not 0 <= other.worker < other.num_workers:
            raise ValueError(
                f"shard rank={other.rank}/{other.world_size}, "
                f"worker={other.worker}/{other.num_workers} is out of range"
            )
        return other

    def __getstate__(self) -> dict:
        # the C++ filler is rebuilt in the receiving process (the genome and tracks pickle by path)
        return self.__dict__ | {"_core": None, "_core_pid": -1, "_slots": [], "_slots_pid": -1}

    def __repr__(self) -> str:
        return (
            f"<WindowLoader {self.num_windows} windows of {self.length} bp, "
            f"{len(self.track_names)} target columns at {self.resolution} bp, batch_size={self.batch_size}, "
            f"shard {self._shard_id()}/{self._shards()}>"
        )

    def _shard_id(self) -> int:
        return self.rank * self.num_workers + self.worker

    def _shards(self) -> int:
        return self.world_size * self.num_workers

    def _filler(self):
        if (
            self._core is None or self._core_pid != os.getpid()
        ):  # one per process (threads do not survive fork)
            self._core = _core.BatchFiller(
                self.genome.dna,
                list(self.windows.chromosomes),
                self._variants,
                [t._spec() for t in self.targets],
                self._partner,
                self.length,
                self.resolution,
                self.dtype,
                self.with_reference,
            )
            self._core_pid = os.getpid()
        return self._core

    # --- the epoch plan ---
    def plan(self, epoch: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """This shard's windows of an epoch in order: ``(index, shift, reverse)`` arrays.

        The whole epoch is drawn from ``numpy.random.default_rng([seed, epoch])`` (order,
        then shifts, then reverse-complement flips, each per epoch position), and shard ``s`` of
        ``S = world_size * num_workers`` takes positions ``s, s + S, ...``: the same epoch on
        any number of shards is the same set of windows with the same augmentations."""
        epoch = self.epoch if epoch is None else int(epoch)
        n = self.num_windows
        rng = np.random.default_rng([self.seed, epoch])
        order = rng.permutation(n) if self.shuffle else np.arange(n)
        shift = (
            rng.integers(-self.max_shift, self.max_shift + 1, n) if self.max_shift else np.zeros(n, np.int64)
        )
        flip = rng.random(n) < 0.5 if self.reverse_complement else np.zeros(n, bool)
        pos = np.arange(self._shard_id(), n, self._shards())
        index = order[pos]
        return index, shift[pos].astype(np.int64), flip[pos] ^ self.windows.reverse[index]

    def __len__(self) -> int:
        """Batches this shard yields per epoch."""
        n = len(range(self._shard_id(), self.num_windows, self._shards()))
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    # --- iteration ---
    def __iter__(self) -> Iterator[dict]:
        return self.batches()

    def batches(self, epoch: int | None = None) -> Iterator[dict]:
        """The batches of an epoch (default: :attr:`epoch`) as dicts of numpy arrays."""
        core = self._filler()
        index, shift, reverse = self.plan(epoch)
        w = self.windows
        bounds = [(b, min(b + self.batch_size, len(index))) for b in range(0, len(index), self.batch_size)]
        if self.drop_last and bounds and bounds[-1][1] - bounds[-1][0] < self.batch_size:
            bounds.pop()
        slots = self._buffers()
        pending = None
        for lo, hi in bounds:
            sel = index[lo:hi]
            meta = {"index": sel, "shift": shift[lo:hi], "reverse": reverse[lo:hi]}
            slot = self._free_slot(slots)
            views = {k: a[: hi - lo] for k, a in slot.items()}
            starts = w.starts[sel] + meta["shift"]
            job = core.start(
                w.chrom_index[sel],
                starts,
                meta["reverse"],
                views["dna"],
                views.get("reference"),
                views.get("targets"),
                self.threads,
            )
            if pending is not None:
                yield self._finish(*pending)
            pending = (job, views, meta, starts)
            del job, views, slot
        if pending is not None:
            yield self._finish(*pending)

    def _buffers(self) -> list[dict]:
        """This process's batch buffers, kept across epochs (fresh memory would cost page faults)."""
        if self._slots_pid != os.getpid():
            self._slots, self._slots_pid = [], os.getpid()
        return self._slots

    def _free_slot(self, slots: list[dict]) -> dict:
        for slot in slots:
            # a buffer is free when only the slot (and this call) refer to it: no batch, view or job
            if all(sys.getrefcount(a) <= 3 for a in slot.values()):
                return slot
        n, c = self.batch_size, len(self.track_names)
        slot = {"dna": np.empty((n, self.length, 4), self.dtype)}
        if self.with_reference:
            slot["reference"] = np.empty((n, self.length, 4), self.dtype)
        if c:
            slot["targets"] = np.empty((n, self.length // self.resolution, c), np.float32)
        slots.append(slot)
        return slot

    def _finish(self, job, views: dict, meta: dict, starts: np.ndarray) -> dict:
        job.wait()
        w = self.windows
        ref = self.genome.reference_genome
        meta["intervals"] = [
            Interval(w.chromosomes[ci], "-" if r else "+", int(s), int(s) + w.length, ref)
            for ci, s, r in zip(w.chrom_index[meta["index"]], starts, meta["reverse"], strict=True)
        ]
        return views | meta

    # --- adapters ---
    def torch_dataset(self, num_workers: int = 0):
        """This loader as a PyTorch ``IterableDataset`` of batches (dicts of tensors): each
        DataLoader worker takes its own shard and reopens the files (needs torch). Give the
        DataLoader's ``num_workers`` for a right ``len()``."""
        try:
            from .loader_torch import WindowDataset
        except ImportError as e:
            raise ImportError(
                f"WindowLoader.torch_dataset needs torch: pip install 'genome_kit[torch]' ({e})"
            ) from None
        return WindowDataset(self, num_workers)

    def torch_dataloader(self, num_workers: int = 0, pin_memory: bool = False, **kwargs):
        """A ``torch.utils.data.DataLoader`` over :meth:`torch_dataset` (batches are already
        formed: ``batch_size=None``); ``pin_memory`` pins each batch for fast GPU copies."""
        from torch.utils.data import DataLoader

        return DataLoader(
            self.torch_dataset(num_workers),
            batch_size=None,
            num_workers=num_workers,
            pin_memory=pin_memory,
            **kwargs,
        )

    def jax_batches(self, epoch: int | None = None, device=None) -> Iterator[dict]:
        """The batches of an epoch with arrays placed on a JAX device (``jax.device_put``; the
        metadata stays numpy/Python). Needs jax."""
        try:
            import jax
        except ImportError:
            raise ImportError("WindowLoader.jax_batches needs jax: pip install 'genome_kit[jax]'") from None
        arrays = ("dna", "targets", "reference")
        for batch in self.batches(epoch):
            yield {k: jax.device_put(v, device) if k in arrays else v for k, v in batch.items()}
