"""LiftOver: moving positions, intervals and variants between assemblies with UCSC chain files.

The chain file is parsed once into a C++ index (``_core.LiftOver``); every lift runs there. See
docs/liftover.md for the rules (UCSC liftOver's) and where pyliftover and agct answer differently.
"""

from __future__ import annotations

import os
import re
from typing import NamedTuple

import numpy as np

from . import _core
from ._io import open_binary
from .interval import Interval
from .variant import Variant

#: UCSC's reason for each status code of ``lift_arrays`` (index 0, ``""``, is "mapped").
REASONS: tuple[str, ...] = tuple(_core.LIFT_REASONS)

_UCSC_NAME = re.compile(r"^[A-Za-z0-9_.-]+To([A-Z][A-Za-z0-9_]*)\.over\.chain(\.gz)?$")


def target_from_filename(path: str) -> str | None:
    """The destination assembly a UCSC chain file name spells (``hg19ToHg38.over.chain.gz`` -> ``hg38``),
    or None for any other name."""
    m = _UCSC_NAME.match(os.path.basename(path))
    return m.group(1)[0].lower() + m.group(1)[1:] if m else None


class LiftedArrays(NamedTuple):
    """Result of :meth:`LiftOver.lift_arrays`: new arrays (copies), one row per input row."""

    chrom: np.ndarray  #: int32 index into ``target_chromosomes``; -1 where unmapped
    start: np.ndarray  #: int64 DNA0 start on the target (0 where unmapped)
    end: np.ndarray  #: int64 end, exclusive
    strand: np.ndarray  #: ``S1`` array of ``b"+"`` / ``b"-"``
    status: np.ndarray  #: uint8 code: 0 mapped, else ``REASONS[code]`` says why not


class LiftedVariant(NamedTuple):
    """Result of :meth:`LiftOver.lift_variant`."""

    variant: Variant | None  #: on the target assembly, normalised (left-aligned, VCF anchor for indels)
    reason: str  #: "" when lifted, else why not
    swapped: bool  #: REF and ALT swapped: the target genome carries the ALT allele


_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def _reverse_complement(s: str) -> str:
    return s.translate(_COMPLEMENT)[::-1]


def _trim(start: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drops the bases REF and ALT share at their ends, the prefix (VCF's anchor side) first, moving start
    past it."""
    while ref and alt and ref[0] == alt[0]:
        ref, alt, start = ref[1:], alt[1:], start + 1
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return start, ref, alt


class LiftOver(_core.LiftOver):
    """A UCSC chain file (plain or gzip) indexed for lifting to its target assembly.

    ``LiftOver(chain_file, target=None, min_match=0.95)``: ``target`` is the assembly the chains map to
    (a name, ``Genome`` or anything with ``reference_genome``); lifted Intervals are on it. Without it, a
    UCSC file name says it (``hg19ToHg38.over.chain.gz`` -> ``"hg38"``); any other name is a ValueError.
    ``min_match`` is UCSC's ``-minMatch``: the fraction of an interval's bases that must align for it to
    map (each call may pass its own).

    Malformed files raise ValueError naming the file and line; a truncated gzip raises OSError.
    Pickles by path, target and min_match (the receiver reads the file again).
    """

    def __init__(self, chain_file, target=None, min_match: float = 0.95) -> None:
        path = os.fspath(chain_file)
        if target is None:
            target = target_from_filename(path)
            if target is None:
                raise ValueError(
                    f"cannot tell the target assembly of {path} from its name (UCSC's "
                    "'<source>To<Target>.over.chain'): pass target=<assembly name or Genome>"
                )
        stream, name = open_binary(path)
        try:
            super().__init__(stream, name, target, min_match)
        finally:
            stream.close()
        self._path = path

    @property
    def path(self) -> str:
        """The chain file."""
        return self._path

    def __repr__(self) -> str:
        return f"<LiftOver {self._path!r} -> {self.target}, {self.num_chains} chains>"

    def __reduce__(self):
        return (LiftOver, (self._path, self.target, self.min_match))

    def source_indices(self, chromosomes) -> np.ndarray:
        """int32 indexes into ``source_chromosomes`` of chromosome names (for ``lift_arrays``); KeyError
        names one the chains lack."""
        index = {name: i for i, name in enumerate(self.source_chromosomes)}
        try:
            return np.fromiter((index[c] for c in chromosomes), dtype=np.int32)
        except KeyError as e:
            raise KeyError(f"chromosome {e.args[0]!r} is not a source chromosome of {self._path}") from None

    def lift_arrays(self, chrom, start, end, strand=None, min_match: float | None = None) -> LiftedArrays:
        """Lifts many intervals given as arrays, in C++ without the GIL.

        ``chrom``: int indexes into ``source_chromosomes`` (see :meth:`source_indices`); ``start``/``end``:
        DNA0 coordinates; ``strand``: ``"+"``/``"-"`` values (any str or bytes array), or None for all
        ``+``. Each row follows :meth:`lift`; unmapped rows have ``chrom == -1`` and a nonzero
        ``status`` whose UCSC reason is ``REASONS[status]``. IndexError/ValueError name a bad row.
        """
        strand_bytes = None
        if strand is not None:
            strand_bytes = np.ascontiguousarray(np.asarray(strand).astype("S1", copy=False)).view(np.uint8)
        c, s, e, st, status = self._lift_arrays(chrom, start, end, strand_bytes, min_match)
        return LiftedArrays(c, s, e, st.view("S1"), status)

    def lift_variant(self, variant: Variant, genome) -> LiftedVariant:
        """Lifts a Variant to the target assembly, checking REF on ``genome`` (a Genome of the target).

        As bcftools' liftover plugin: the variant's minimal REF span must lift base for base (one chain,
        no gap inside); alleles are reverse-complemented on a reversed chain; when the target genome
        carries the ALT allele instead of REF, REF and ALT are swapped (``swapped=True``): for a
        substitution the target bases equal ALT, for a deletion the flanking bases are adjacent in the
        target, for an insertion the target holds exactly the inserted bases between them. The result is
        normalised as ``bcftools norm`` does: trimmed, left-aligned, indels with their VCF anchor base.
        Unmapped variants come back with ``variant=None`` and the reason (UCSC's, or "REF mismatch in new",
        "REF spans a gap in new").
        """
        if _core._assembly_name(genome) != self.target:
            raise ValueError(f"genome {genome!r} is not on this chain file's target assembly {self.target}")
        src = variant.reference_genome
        start, ref, alt = _trim(variant.start, variant.ref.upper(), variant.alt.upper())
        span = Interval(variant.chromosome, "+", start, start + len(ref), src)
        lifted, reason = self.lift_with_reason(span, min_match=1.0)
        if lifted is not None:
            if lifted.end - lifted.start != len(ref):
                return LiftedVariant(None, "REF spans a gap in new", False)
            if lifted.strand == "-":
                ref, alt = _reverse_complement(ref), _reverse_complement(alt)
            here = genome.dna(lifted.as_positive_strand()).upper()
            if here == ref:
                return self._normalised(genome, lifted, ref, alt, False)
            if len(alt) == len(ref) and here == alt:
                return self._normalised(genome, lifted, alt, ref, True)
            return LiftedVariant(None, "REF mismatch in new", False)
        if (ref == "") != (alt == ""):  # an indel the target may carry: look at its flanking bases
            left = self.lift(Interval(variant.chromosome, "+", start - 1, start, src), min_match=1.0)
            right = self.lift(
                Interval(variant.chromosome, "+", start + len(ref), start + len(ref) + 1, src), 1.0
            )
            if left is not None and right is not None and left.chromosome == right.chromosome:
                if left.strand == right.strand == "+" and left.end <= right.start:
                    gap = Interval(left.chromosome, "+", left.end, right.start, self.target)
                    ref_t, alt_t = ref, alt
                elif left.strand == right.strand == "-" and right.end <= left.start:
                    gap = Interval(left.chromosome, "+", right.end, left.start, self.target)
                    ref_t, alt_t = _reverse_complement(ref), _reverse_complement(alt)
                else:
                    return LiftedVariant(None, reason, False)
                if genome.dna(gap).upper() == alt_t:
                    return self._normalised(genome, gap, alt_t, ref_t, True)
        return LiftedVariant(None, reason or "REF mismatch in new", False)

    def _normalised(self, genome, where: Interval, ref: str, alt: str, swapped: bool) -> LiftedVariant:
        """The target Variant REF>ALT at ``where``: trimmed, indels left-aligned and anchored (as bcftools
        norm)."""
        chrom = where.chromosome
        pos, ref, alt = _trim(where.start, ref, alt)

        def base(p: int) -> str:
            return genome.dna(Interval(chrom, "+", p, p + 1, self.target)).upper()

        if not ref or not alt:
            seq = ref or alt
            while pos > 0 and seq and base(pos - 1) == seq[-1]:
                seq, pos = base(pos - 1) + seq[:-1], pos - 1
            ref, alt = (seq, "") if ref else ("", seq)
            if pos > 0:
                anchor = base(pos - 1)
                ref, alt, pos = anchor + ref, anchor + alt, pos - 1
        return LiftedVariant(Variant(chrom, pos, ref, alt, self.target), "", swapped)


__all__ = ["REASONS", "LiftOver", "LiftedArrays", "LiftedVariant", "target_from_filename"]
