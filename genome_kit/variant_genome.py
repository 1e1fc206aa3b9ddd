"""VariantGenome: a Genome with variants applied (sequence work done in C++)."""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np

from . import _core
from .genome import Genome
from .interval import Interval
from .track_data import TrackData
from .variant import Variant

__all__ = ["VariantGenome"]


def _match_position(motif: str, match_position) -> int:
    if isinstance(match_position, str):
        if match_position == "5p":
            return 0
        if match_position == "3p":
            return len(motif)
        # TypeError as the reference: only the two keywords are valid strings.
        raise TypeError(f"match_position must be '5p', '3p' or an int, got {match_position!r}")
    if isinstance(match_position, bool) or not isinstance(match_position, (int, np.integer)):
        raise TypeError(f"match_position must be '5p', '3p' or an int, got {type(match_position).__name__}")
    if not 0 <= match_position <= len(motif):
        raise ValueError(
            f"match_position must be in [0, {len(motif)}] for motif {motif!r}, got {match_position}"
        )
    return int(match_position)


def _check_motif(motif) -> str:
    if not isinstance(motif, str):
        raise TypeError(f"motif must be a str, got {type(motif).__name__}")
    if not motif:
        raise ValueError("find_motif needs a non-empty motif")
    return motif


def find_motif_reference(genome, interval, motif, match_position=0, find_overlapping_motifs=False):
    """Implementation of :meth:`Genome.find_motif`."""
    motif = _check_motif(motif)
    mp = _match_position(motif, match_position)
    return _core._find_motif(genome.dna, interval, motif, mp, bool(find_overlapping_motifs))


def _anchored(interval: Interval) -> Interval:
    """``interval`` itself when anchored, else anchored at its centre."""
    if Interval.anchor.__get__(interval) is not None:  # Interval.anchor, also for Variants (which raise)
        return interval
    return interval.with_anchor("center")


def _genome_property(name: str) -> Any:
    """A read-only attribute of the wrapped genome, for metadata variants do not change."""
    return property(lambda self: getattr(self.genome, name), doc=getattr(Genome, name).__doc__)


def _genome_method(name: str) -> Any:
    """A method of the wrapped genome, for metadata variants do not change."""

    @functools.wraps(getattr(Genome, name))
    def method(self, *args, **kwargs):
        return getattr(self.genome, name)(*args, **kwargs)

    return method


class VariantGenome(_core.VariantGenome):
    """A reference genome with variants applied.

    ``VariantGenome(genome, variants)`` takes a :class:`Genome` and one
    :class:`Variant`, one variant string (parsed and validated on ``genome``),
    or a list/tuple of them. All variants are checked once here: same
    assembly (ValueError), ALT made of ``ACGTN`` (ValueError), REF inside its
    chromosome (IndexError) and equal to the genome's bases (ValueError
    naming both), and no two variants overlapping (ValueError).

    Every sequence method of :class:`Genome` applies the variants here:
    ``dna``, ``dna_batch``, ``one_hot``, ``find_motif`` and ``variant_dna``;
    anchored intervals (``interval.with_anchor(...)``) keep their reference
    length. Metadata that variants do not change (chromosomes and their
    sizes, aliases, the annotation and its tables, APPRIS/MANE selections, ``interval()``, ``config``)
    is the wrapped genome's. Nothing else is forwarded: ``vg.genome`` is the
    reference. Pickles as ``(genome, variants)``. See ``docs/variants.md``.
    """

    # Construction, ``genome``, ``reference_genome``, ``variants``, ``dna``, ``dna_batch``, ``__repr__``,
    # ``__eq__``, ``__hash__`` and pickling are compiled (src/bindings/bind_variant_genome.cpp):
    # VariantGenome(genome, v).dna(iv) is the per-variant scoring path and runs no Python code.

    # --- metadata of the wrapped genome (the same with variants applied) ---
    config = _genome_property("config")
    refg = _genome_property("refg")
    data_dir = _genome_property("data_dir")
    chromosomes = _genome_property("chromosomes")
    chromosome_size = _genome_method("chromosome_size")
    chrom_aliases = _genome_method("chrom_aliases")
    interval = _genome_method("interval")
    annotation = _genome_property("annotation")
    anno = _genome_property("anno")
    genes = _genome_property("genes")
    transcripts = _genome_property("transcripts")
    trans = _genome_property("trans")
    exons = _genome_property("exons")
    introns = _genome_property("introns")
    cdss = _genome_property("cdss")
    utr5s = _genome_property("utr5s")
    utr3s = _genome_property("utr3s")
    appris_transcripts = _genome_method("appris_transcripts")
    appris_principality = _genome_method("appris_principality")
    mane_select_transcripts = _genome_method("mane_select_transcripts")
    mane_plus_clinical_transcripts = _genome_method("mane_plus_clinical_transcripts")

    # --- sequence (dna() and dna_batch() are compiled methods of the base class) ---
    def one_hot(self, intervals, dtype: str = "uint8", allow_outside_chromosome: bool = True) -> np.ndarray:
        """One-hot variant DNA of intervals as a ``(N, L, 4)`` numpy array, filled in C++.

        As :meth:`Genome.one_hot` with the variants applied: every variant
        sequence must have ``L`` bases (anchored intervals keep their length;
        an unanchored one follows the indels inside it). A single Interval
        gives an ``(L, 4)`` array.
        """
        if isinstance(intervals, Interval):
            return self._one_hot([intervals], dtype, allow_outside_chromosome)[0]
        return self._one_hot(intervals, dtype, allow_outside_chromosome)

    def variant_dna(self, interval: Interval, variants, allow_outside_chromosome: bool = True) -> str:
        """DNA of ``interval`` with ``variants`` applied on top of this genome's variants.

        ``variants`` as for the constructor; they must not overlap this
        genome's variants (ValueError).
        """
        extra = list(variants) if isinstance(variants, (list, tuple)) else [variants]
        return VariantGenome(self.genome, self.variants + extra).dna(interval, allow_outside_chromosome)

    def reference_alignment(self, interval: Interval, allow_outside_chromosome: bool = True) -> np.ndarray:
        """Reference position of every base of ``dna(interval)``: int64 array, -1 for inserted bases.

        In output order (so descending positions on the ``-`` strand).
        """
        pos, ins = self._alignment(interval, allow_outside_chromosome)
        pos[ins >= 0] = -1
        return pos

    def map_to_reference(
        self,
        values,
        interval: Interval | None = None,
        allow_outside_chromosome: bool = True,
        aggregation="mean",
    ):
        """Maps values computed on ``dna(interval)`` (ALT) onto the reference bases of ``interval``.

        The SpliceAI/AlphaGenome indel rule, so that REF and ALT outputs compare
        position by position: a surviving reference base keeps its value;
        deleted reference bases (and bases an anchored window pushed out) are 0;
        the values of inserted bases are summarised by their maximum together
        with the reference base immediately left of the insertion in reference
        (``+``) orientation, or the base to its right if that one is outside the
        window. Values stay in the orientation of the interval's DNA.

        Parameters
        ----------
        values : array or TrackData
            A per-base array of shape ``(len(dna(interval)), ...)``, or a
            :class:`TrackData` of model outputs on the ALT sequence (any
            resolution, stranded or not; ``interval`` then defaults to its
            interval). Coarser bins are spread over their bases (``aggregation``
            as in :meth:`TrackData.upsample`), mapped, and pooled back.
        interval : Interval
            The window (anchored or not) whose variant DNA the values describe.
        aggregation : str
            For TrackData at a resolution above 1: ``"mean"``, ``"sum"`` or ``"max"``.

        Returns
        -------
        numpy.ndarray of shape ``(len(interval), ...)``, or a TrackData on the
        reference interval with the same tracks and resolution.
        """
        if isinstance(values, TrackData):
            return self._map_track_data(values, interval, allow_outside_chromosome, aggregation)
        if interval is None:
            raise TypeError("map_to_reference needs the interval of the values")
        values = np.asarray(values)
        pos, ins = self._alignment(interval, allow_outside_chromosome)
        if values.shape[:1] != pos.shape:
            raise ValueError(
                f"values has {values.shape[0] if values.ndim else 0} rows "
                f"but dna(interval) has {len(pos)} bases"
            )
        start, end = interval.start, interval.end
        n = end - start
        out = np.zeros((n,) + values.shape[1:], dtype=values.dtype)
        minus = interval.strand == "-"

        def index(p):
            return (end - 1 - p) if minus else (p - start)

        is_ref = ins < 0
        inside = is_ref & (pos >= start) & (pos < end)
        out[index(pos[inside])] = values[inside]
        inserted = ~is_ref
        if inserted.any():
            # Target: the base left of the insertion gap (+ orientation), else the one right of it.
            gap = pos[inserted]
            target = np.where(gap - 1 >= start, gap - 1, gap)
            ok = (target >= start) & (target < end)
            np.maximum.at(out, index(target[ok]), values[inserted][ok])
        return out

    def _map_track_data(
        self, alt: TrackData, interval, allow_outside_chromosome: bool, aggregation
    ) -> TrackData:
        iv = alt.interval if interval is None else interval
        if iv is None:
            raise ValueError("map_to_reference: the TrackData has no interval; pass the interval")
        if alt.values.ndim != 2:
            raise ValueError("map_to_reference: TrackData values must be [positions, tracks]")
        res = alt.resolution
        if len(iv) % res:
            raise ValueError(f"map_to_reference: {iv} is not a whole number of {res} bp bins")
        per_base = alt.upsample(1, aggregation).values if res > 1 else alt.values
        mapped = self.map_to_reference(per_base, iv, allow_outside_chromosome)
        return TrackData(mapped, alt.metadata, 1, iv).downsample(res, aggregation)

    def dna_pair(self, interval: Interval, allow_outside_chromosome: bool = True) -> tuple[str, str]:
        """(REF, ALT) sequences of equal length for ``interval``.

        REF is the reference DNA of the interval; ALT is the anchored variant
        DNA (an unanchored interval is anchored at its centre).
        """
        iv = _anchored(interval)
        ref = self.genome.dna(
            Interval(iv.chromosome, iv.strand, iv.start, iv.end, iv.reference_genome),
            allow_outside_chromosome,
        )
        return ref, self.dna(iv, allow_outside_chromosome)

    def one_hot_pair(self, intervals, dtype: str = "uint8", allow_outside_chromosome: bool = True):
        """One-hot (REF, ALT) arrays for equal-length intervals, in one C++ pass.

        Each array is ``(N, L, 4)`` (channels A, C, G, T; ``N`` all zero),
        or ``(L, 4)`` for a single Interval. Unanchored intervals are
        anchored at their centre, so REF and ALT align base for base outside
        the variants.
        """
        if isinstance(intervals, Interval):
            ref, alt = self._one_hot_pair([_anchored(intervals)], dtype, allow_outside_chromosome)
            return ref[0], alt[0]
        return self._one_hot_pair([_anchored(iv) for iv in intervals], dtype, allow_outside_chromosome)

    @staticmethod
    def variant_pairs(
        genome,
        variants,
        width: int | None = None,
        intervals=None,
        one_hot: bool = False,
        dtype: str = "uint8",
        allow_outside_chromosome: bool = True,
        out=None,
    ):
        """REF and ALT windows for many variants, each with only its own variant applied, in one C++ pass.

        Same result as ``VariantGenome(genome, v).dna_pair(window)`` for every
        variant ``v``, without a Python round trip per variant (the batch
        form of per-variant scoring, as in SpliceAI/AlphaGenome). Windows are
        ``intervals`` (one per variant; anchored ones keep their length) or
        ``width`` bases on ``+`` starting ``width // 2`` before each variant
        and anchored at its start. Returns ``(refs, alts)``: two lists of str,
        or with ``one_hot=True`` two ``(N, L, 4)`` arrays of ``dtype``.

        ``out=(ref, alt)``: two writeable C-contiguous ``(N, L, 4)`` arrays,
        both uint8 or both float32, filled in place and returned (one-hot; no
        new allocation). For more variants than fit in memory at once, see
        :meth:`iter_variant_pairs`.
        """
        if (width is None) == (intervals is None):
            raise ValueError("give exactly one of width and intervals")
        if isinstance(variants, Variant):
            variants = [variants]
        return _core._variant_pairs(
            genome.dna,
            variants,
            intervals,
            -1 if width is None else width,
            dtype if one_hot or out is not None else None,
            allow_outside_chromosome,
            out,
        )

    @staticmethod
    def iter_variant_pairs(
        genome,
        variants,
        width: int | None = None,
        intervals=None,
        one_hot: bool = False,
        dtype: str = "uint8",
        allow_outside_chromosome: bool = True,
        chunk_size: int = 4096,
    ):
        """:meth:`variant_pairs` of ``chunk_size`` variants at a time: yields ``(refs, alts)`` per chunk.

        Memory stays at one chunk's windows whatever the number of variants
        (500,000 one-hot 2 kb pairs are 8 GB at once, 64 MB per 4096-variant
        chunk); ``variants`` (and ``intervals``) may be any iterables,
        consumed as the chunks are made. Each chunk is a new result; to fill
        buffers of your own, call :meth:`variant_pairs` with ``out=`` per chunk.
        """
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        if (width is None) == (intervals is None):
            raise ValueError("give exactly one of width and intervals")
        vs = iter([variants] if isinstance(variants, Variant) else variants)
        ivs = None if intervals is None else iter(intervals)
        while True:
            chunk = list(itertools.islice(vs, chunk_size))
            windows = None if ivs is None else list(itertools.islice(ivs, len(chunk)))
            if not chunk:
                if ivs is not None and next(ivs, None) is not None:
                    raise ValueError(
                        "variant_pairs needs one interval per variant: more intervals than variants"
                    )
                return
            yield VariantGenome.variant_pairs(
                genome, chunk, width, windows, one_hot, dtype, allow_outside_chromosome
            )

    def find_motif(
        self, interval: Interval, motif: str, match_position=0, find_overlapping_motifs: bool = False
    ):
        """Motif hits in the variant sequence of ``interval``.

        Hits are empty Intervals anchored at their reference position, in
        ascending coordinate order on both strands. A hit inside an insertion
        is at the insertion's position with ``anchor_offset`` = its index in
        the inserted bases (just after an insertion: the insertion length).
        ``match_position`` as for :meth:`Genome.find_motif`.
        """
        motif = _check_motif(motif)
        mp = _match_position(motif, match_position)
        return self._find_motif(interval, motif, mp, bool(find_overlapping_motifs))
