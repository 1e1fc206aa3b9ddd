"""DisjointIntervalSequence: a spliced (transcript) coordinate space over disjoint genomic intervals.

The coordinate space is the concatenation of non-overlapping genomic intervals (a transcript's exons, its
CDS pieces, ...) read 5'->3' on their strand: index 0 is the 5'-most base whatever the genomic strand. A
*segment* ``[start, end)`` of that index space, on the coordinate strand or on the opposite one, is the
value a DIS carries; indices may run past either edge of the space (such positions extrapolate linearly
from the nearest edge). See docs/transcript_coordinates.md.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Sequence
from typing import Literal

from .interval import Interval

__all__ = ["DisjointIntervalSequence"]

_OTHER = {"+": "-", "-": "+"}
_REGIONS = {"exons": "exons", "cds": "cdss", "utr5": "utr5s", "utr3": "utr3s"}
_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def _as_int(value, what: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {type(value).__name__} {value!r}") from None


class _Space:
    """The coordinate intervals of a DIS and the index <-> genomic position arithmetic over them."""

    __slots__ = ("intervals", "strand", "chromosome", "refg", "offsets", "length", "_asc_starts", "_asc")

    def __init__(self, intervals: tuple[Interval, ...]):
        self.intervals = intervals  # 5'->3', merged, non-overlapping
        self.strand = intervals[0].strand
        self.chromosome = intervals[0].chromosome
        self.refg = intervals[0].reference_genome
        offsets = [0]
        for iv in intervals:
            offsets.append(offsets[-1] + (iv.end - iv.start))
        self.offsets = tuple(offsets)
        self.length = offsets[-1]
        # the same intervals in ascending genomic order, with their 5'->3' rank
        order = range(len(intervals)) if self.strand == "+" else range(len(intervals) - 1, -1, -1)
        self._asc = tuple(order)
        self._asc_starts = [intervals[i].start for i in self._asc]

    def index_of(self, pos: int) -> int:
        """Index of the genomic boundary ``pos`` (between two bases): a position inside a gap between
        coordinate intervals is the index of the gap's boundary; outside the space it extrapolates."""
        ivs, plus = self.intervals, self.strand == "+"
        # k: the last interval (in ascending genomic order) starting at or before pos
        k = bisect.bisect_right(self._asc_starts, pos) - 1
        if k < 0:  # left of every interval
            return self.length + (ivs[-1].start - pos) if not plus else pos - ivs[0].start
        i = self._asc[k]
        iv = ivs[i]
        if pos <= iv.end:
            return self.offsets[i] + (pos - iv.start if plus else iv.end - pos)
        if k == len(ivs) - 1:  # right of every interval
            return self.length + (pos - iv.end) if plus else iv.end - pos
        # inside the gap after interval i (genomically): its boundary index
        return self.offsets[i + 1] if plus else self.offsets[i]

    def position_of(self, index: int, after: bool) -> int:
        """Genomic boundary position of ``index``. At a boundary between two coordinate intervals two
        positions qualify: the 5' side of the base at ``index`` (``after=True``) or the 3' side of the
        base at ``index - 1`` (``after=False``)."""
        ivs, off, plus = self.intervals, self.offsets, self.strand == "+"
        if index <= 0:
            return ivs[0].start + index if plus else ivs[0].end - index
        if index >= self.length:
            return ivs[-1].end + (index - self.length) if plus else ivs[-1].start - (index - self.length)
        i = (bisect.bisect_right(off, index) if after else bisect.bisect_left(off, index)) - 1
        return ivs[i].start + (index - off[i]) if plus else ivs[i].end - (index - off[i])

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """Genomic ``(start, end)`` pieces of the non-empty index range ``[start, end)``, 5'->3' on the
        coordinate strand; the outer pieces extend past the space's edges when the range does."""
        ivs, off, plus = self.intervals, self.offsets, self.strand == "+"
        last = len(ivs) - 1
        out = []
        for i, iv in enumerate(ivs):
            lo = max(start, off[i]) if i > 0 else start
            hi = min(end, off[i + 1]) if i < last else end
            if lo >= hi:
                continue
            if plus:
                out.append((iv.start + lo - off[i], iv.start + hi - off[i]))
            else:
                out.append((iv.end - (hi - off[i]), iv.end - (lo - off[i])))
        return out

    def gap_holding(self, start: int, end: int) -> bool:
        """True when the genomic ``[start, end)`` lies strictly inside one gap between two coordinate
        intervals (it neither overlaps nor touches any of them)."""
        k = bisect.bisect_right(self._asc_starts, end) - 1
        if k < 0 or k == len(self._asc) - 1:
            return False
        left = self.intervals[self._asc[k]]
        right_start = self._asc_starts[k + 1]
        return left.end < start and end < right_start


class DisjointIntervalSequence:
    """A flattened, 5'->3' coordinate space over disjoint genomic intervals, and a segment of it.

    The **coordinate space** is made of non-overlapping :class:`~genome_kit.Interval` objects on one
    chromosome, strand and assembly (a transcript's exons, say), concatenated 5'->3': index 0 is the
    5'-most base on either genomic strand, and touching intervals are merged. The **segment** is the
    half-open index range ``[start, end)`` (``start <= end``) on the coordinate strand
    (``on_coordinate_strand=True``) or on the opposite strand. Indices may lie outside
    ``[0, coordinate_length]``: those positions extrapolate linearly from the nearest edge.

    Objects are immutable; every operation returns a new one. Build them with :meth:`from_transcript` or
    :meth:`from_intervals`; the constructor is the low-level form.

    Parameters
    ----------
    coordinate_intervals
        Non-empty sequence of Intervals (or Exon/Cds/Utr rows); sorted 5'->3' here.
    coord_name, segment_name
        Optional names of the coordinate space and of the segment.
    on_coordinate_strand
        Whether the segment is on the coordinate intervals' strand.
    start, end
        Segment indices; default to the whole space.

    Raises
    ------
    TypeError
        An element is not an Interval, or an index is not an integer.
    ValueError
        No intervals, intervals on different chromosomes, strands or assemblies, overlapping intervals,
        or ``start > end``.
    """

    __slots__ = ("_space", "_coord_name", "_name", "_on", "_start", "_end")

    def __init__(
        self,
        coordinate_intervals: Sequence[Interval],
        *,
        coord_name: str | None = None,
        segment_name: str | None = None,
        on_coordinate_strand: bool = True,
        start: int | None = None,
        end: int | None = None,
    ):
        space = _make_space(coordinate_intervals)
        s = 0 if start is None else _as_int(start, "start")
        e = space.length if end is None else _as_int(end, "end")
        self._set(space, coord_name, segment_name, bool(on_coordinate_strand), s, e)

    def _set(self, space: _Space, coord_name, name, on: bool, start: int, end: int) -> None:
        if start > end:
            raise ValueError(f"start index {start} cannot be greater than end index {end}")
        self._space = space
        self._coord_name = coord_name
        self._name = name
        self._on = on
        self._start = start
        self._end = end

    @classmethod
    def _over(
        cls, space: _Space, coord_name, name, on: bool, start: int, end: int
    ) -> DisjointIntervalSequence:
        """A DIS over an already validated space (no re-sorting or re-checking of its intervals)."""
        self = object.__new__(cls)
        self._set(space, coord_name, name, on, start, end)
        return self

    # --- construction ---
    @classmethod
    def from_intervals(
        cls,
        intervals: Sequence[Interval],
        *,
        coord_name: str | None = None,
        segment_name: str | None = None,
    ) -> DisjointIntervalSequence:
        """A DIS over ``intervals`` (Intervals or Exon/Cds/Utr rows), the segment spanning all of it."""
        return cls(intervals, coord_name=coord_name, segment_name=segment_name)

    @classmethod
    def from_transcript(
        cls,
        transcript,
        *,
        region: Literal["exons", "cds", "utr5", "utr3"] = "exons",
        coord_name: str | None = None,
        segment_name: str | None = None,
    ) -> DisjointIntervalSequence:
        """A DIS over a transcript's exons (the spliced RNA), its CDS pieces or its 5'/3' UTR pieces;
        both names default to the transcript's id. ValueError for another ``region`` or an empty one
        (the CDS of a non-coding transcript)."""
        attr = _REGIONS.get(region) if isinstance(region, str) else None
        if attr is None:
            raise ValueError(f"Invalid region: {region!r} (expected one of {', '.join(map(repr, _REGIONS))})")
        parts = getattr(transcript, attr)
        if not parts:
            raise ValueError(f"transcript {transcript.id} has no {region} intervals")
        name = transcript.id
        return cls(
            parts,
            coord_name=name if coord_name is None else coord_name,
            segment_name=name if segment_name is None else segment_name,
        )

    def _with(self, start: int, end: int, *, on: bool | None = None, name=True) -> DisjointIntervalSequence:
        """A DIS over the same space; ``name=None`` drops the segment name."""
        return DisjointIntervalSequence._over(
            self._space,
            self._coord_name,
            self._name if name is True else None,
            self._on if on is None else on,
            start,
            end,
        )

    # --- coordinate space ---
    @property
    def coordinate_intervals(self) -> tuple[Interval, ...]:
        """The genomic intervals of the coordinate space, 5'->3'."""
        return self._space.intervals

    @property
    def coordinate_length(self) -> int:
        """Number of bases in the coordinate space."""
        return self._space.length

    @property
    def chromosome(self) -> str:
        return self._space.chromosome

    @property
    def coord_strand(self) -> str:
        """Strand of the coordinate intervals (the transcript's)."""
        return self._space.strand

    @property
    def reference_genome(self) -> str:
        return self._space.refg

    @property
    def coord_name(self) -> str | None:
        return self._coord_name

    @property
    def coord_end5(self) -> DisjointIntervalSequence:
        """Empty segment at the coordinate space's 5' end (index 0, coordinate strand)."""
        return self._with(0, 0, on=True, name=None)

    @property
    def coord_end3(self) -> DisjointIntervalSequence:
        """Empty segment at the coordinate space's 3' end (index ``coordinate_length``, coordinate strand)."""
        n = self._space.length
        return self._with(n, n, on=True, name=None)

    # --- segment ---
    @property
    def name(self) -> str | None:
        """Name of the segment."""
        return self._name

    @property
    def start(self) -> int:
        return self._start

    @property
    def end(self) -> int:
        return self._end

    @property
    def length(self) -> int:
        return self._end - self._start

    def __len__(self) -> int:
        return self._end - self._start

    @property
    def on_coordinate_strand(self) -> bool:
        return self._on

    @property
    def strand(self) -> str:
        """Genomic strand of the segment."""
        return self._space.strand if self._on else _OTHER[self._space.strand]

    @property
    def end5_index(self) -> int:
        """Index of the segment's 5' end (``start`` on the coordinate strand, ``end`` off it)."""
        return self._start if self._on else self._end

    @property
    def end3_index(self) -> int:
        return self._end if self._on else self._start

    @property
    def end5(self) -> DisjointIntervalSequence:
        """Empty segment at this segment's 5' end."""
        i = self.end5_index
        return self._with(i, i, name=None)

    @property
    def end3(self) -> DisjointIntervalSequence:
        i = self.end3_index
        return self._with(i, i, name=None)

    def is_on_coordinate_strand(self) -> bool:
        return self._on

    def is_positive_strand(self) -> bool:
        return self.strand == "+"

    def as_opposite_strand(self) -> DisjointIntervalSequence:
        """The same indices on the other strand (only the segment changes)."""
        return self._with(self._start, self._end, on=not self._on)

    def as_on_coordinate_strand(self) -> DisjointIntervalSequence:
        return self if self._on else self.as_opposite_strand()

    def as_off_coordinate_strand(self) -> DisjointIntervalSequence:
        return self.as_opposite_strand() if self._on else self

    def as_positive_strand(self) -> DisjointIntervalSequence:
        return self if self.strand == "+" else self.as_opposite_strand()

    def as_negative_strand(self) -> DisjointIntervalSequence:
        return self if self.strand == "-" else self.as_opposite_strand()

    # --- moving the segment ---
    def shift(self, amount: int) -> DisjointIntervalSequence:
        """Moves the segment ``amount`` bases downstream (on its own strand; negative moves upstream)."""
        d = _as_int(amount, "amount")
        d = d if self._on else -d
        return self._with(self._start + d, self._end + d)

    def expand(self, upstream: int, dnstream: int | None = None) -> DisjointIntervalSequence:
        """Grows the segment ``upstream`` bases at its 5' end and ``dnstream`` (default: ``upstream``) at
        its 3' end; negative values shrink it. ValueError when it would shrink past zero length."""
        up = _as_int(upstream, "upstream")
        dn = up if dnstream is None else _as_int(dnstream, "dnstream")
        if self._on:
            s, e = self._start - up, self._end + dn
        else:
            s, e = self._start - dn, self._end + up
        if s > e:
            end5, end3 = (s, e) if self._on else (e, s)
            raise ValueError(
                f"Invalid expansion: expand({up}, {dn}) puts the 5' end (index {end5}) past the 3' end "
                f"(index {end3}) of segment [{self._start}, {self._end})"
            )
        return self._with(s, e)

    def cut(self, start: int, end: int) -> DisjointIntervalSequence:
        """The segment ``[start, end)`` (absolute indices, ``start`` the lower one on either strand) of
        the same space and strand."""
        return self._with(_as_int(start, "start"), _as_int(end, "end"))

    def expand_coord(self, upstream: int, dnstream: int | None = None) -> DisjointIntervalSequence:
        """Extends the coordinate space itself: the 5'-most interval by ``upstream`` bases, the 3'-most by
        ``dnstream`` (default: ``upstream``). A segment spanning the whole space grows with it; any other
        segment keeps its genomic bases (its indices move by ``upstream``). ValueError for negative values."""
        up = _as_int(upstream, "upstream")
        dn = up if dnstream is None else _as_int(dnstream, "dnstream")
        if up < 0 or dn < 0:
            raise ValueError(f"expand_coord takes non-negative values, got upstream={up}, dnstream={dn}")
        ivs = list(self._space.intervals)
        ivs[0] = ivs[0].expand(up, 0)
        ivs[-1] = ivs[-1].expand(0, dn)
        space = _Space(tuple(ivs))
        whole = self._start == 0 and self._end == self._space.length
        s, e = (0, space.length) if whole else (self._start + up, self._end + up)
        return DisjointIntervalSequence._over(space, self._coord_name, self._name, self._on, s, e)

    # --- comparisons within one space ---
    def _check_comparable(self, other: DisjointIntervalSequence) -> None:
        if not isinstance(other, DisjointIntervalSequence):
            raise TypeError(f"expected a DisjointIntervalSequence, got {type(other).__name__}")
        if self._space.intervals != other._space.intervals:
            raise ValueError(
                "DIS objects must share the same coordinate intervals "
                f"({self._describe_space()} vs {other._describe_space()})"
            )
        if self._on != other._on:
            side = {True: "on the coordinate strand", False: "off the coordinate strand"}
            raise ValueError(f"Cannot compare a segment {side[self._on]} with one {side[other._on]}")

    def _describe_space(self) -> str:
        ivs = self._space.intervals
        return f"{self.chromosome}:{self.coord_strand} {len(ivs)} intervals {ivs[0].start}..{ivs[-1].end}"

    def _same_empty_point(self, other: DisjointIntervalSequence) -> bool:
        return self._start == self._end == other._start == other._end

    def upstream_of(self, other: DisjointIntervalSequence) -> bool:
        """True if this segment lies wholly 5' of ``other`` (touching counts; two empty segments at one
        index are neither upstream nor downstream of each other)."""
        self._check_comparable(other)
        if self._same_empty_point(other):
            return False
        return self._end <= other._start if self._on else self._start >= other._end

    def dnstream_of(self, other: DisjointIntervalSequence) -> bool:
        """True if this segment lies wholly 3' of ``other`` (see :meth:`upstream_of`)."""
        self._check_comparable(other)
        if self._same_empty_point(other):
            return False
        return self._start >= other._end if self._on else self._end <= other._start

    def within(self, other: DisjointIntervalSequence) -> bool:
        """True if this segment lies inside ``other``'s (ends included)."""
        self._check_comparable(other)
        return other._start <= self._start and self._end <= other._end

    def contains(self, other: DisjointIntervalSequence) -> bool:
        """True if ``other``'s segment lies inside this one (ends included)."""
        return other.within(self)

    def intersect(self, other: DisjointIntervalSequence) -> DisjointIntervalSequence | None:
        """The overlap of two segments of one space and strand, or None when it is empty."""
        self._check_comparable(other)
        s, e = max(self._start, other._start), min(self._end, other._end)
        return self._with(s, e, name=None) if s < e else None

    # --- genomic <-> index ---
    def lower(self) -> list[Interval]:
        """The segment as genomic Intervals, 5'->3' on the segment's strand: one per coordinate interval
        it covers (gaps skipped), extrapolated past the space's edges (so possibly past a chromosome
        end). An empty segment is one empty Interval (at an internal boundary: the start of the
        genomically right-hand interval)."""
        return [
            Interval(self.chromosome, self.strand, s, e, self.reference_genome)
            for s, e in self._genomic_pieces()
        ]

    def _genomic_pieces(self) -> list[tuple[int, int]]:
        """(start, end) of :meth:`lower`."""
        sp = self._space
        if self._start == self._end:  # at an internal boundary: the start of the right-hand interval
            p = sp.position_of(self._start, after=sp.strand == "+")
            return [(p, p)]
        pieces = sp.pieces(self._start, self._end)
        return pieces if self._on else pieces[::-1]

    def genomic_span(self) -> Interval:
        """One Interval from the segment's 5'-most to its 3'-most genomic position (gaps included; an
        empty segment at a boundary between two coordinate intervals spans the gap between them)."""
        sp = self._space
        a = sp.position_of(self._start, after=True)
        b = sp.position_of(self._end, after=False)
        return Interval(self.chromosome, self.strand, min(a, b), max(a, b), self.reference_genome)

    def lift_interval(
        self, other: Interval, intersect_on_lift: bool = False
    ) -> DisjointIntervalSequence | None:
        """The genomic Interval ``other`` as a segment of this space (names: this coordinate space's, no
        segment name), on the coordinate strand when ``other`` is on it.

        By default every base of ``other`` must be one of this segment's bases (an empty ``other`` must
        touch them), else ValueError. With ``intersect_on_lift=True`` the lifted range is clipped to
        this segment instead: ends inside a gap move to the gap's boundary index, ends outside the
        space extrapolate, and None comes back when nothing is left (``other`` lies inside one gap, or
        wholly outside the segment).

        Raises
        ------
        TypeError
            ``other`` is not an Interval.
        ValueError
            Another chromosome or assembly, or (by default) bases outside the segment.
        """
        if not isinstance(other, Interval):
            raise TypeError(f"lift_interval takes an Interval, got {type(other).__name__}")
        if other.chromosome != self.chromosome:
            raise ValueError(
                f"{other!r} is on chromosome {other.chromosome!r}, this DIS on {self.chromosome!r}"
            )
        if other.reference_genome != self.reference_genome:
            raise ValueError(
                f"{other!r} is on assembly {other.reference_genome!r}, this DIS on {self.reference_genome!r}"
            )
        sp = self._space
        lo, hi = other.start, other.end
        if sp.strand == "+":
            a, b = sp.index_of(lo), sp.index_of(hi)
        else:
            a, b = sp.index_of(hi), sp.index_of(lo)
        on = other.strand == sp.strand
        if not intersect_on_lift:
            # every base of `other` is a segment base: none in a gap (gap bases collapse in the lift), and
            # the lifted range inside the segment; an empty `other` must touch one of the segment's pieces
            if hi > lo:
                contained = b - a == hi - lo and self._start <= a and b <= self._end
            else:
                contained = any(s <= lo and hi <= e for s, e in self._genomic_pieces())
            if not contained:
                raise ValueError(
                    f"{other!r} is not within the bases of this DIS's segment "
                    f"[{self._start}, {self._end}) ({self._describe_space()}); "
                    "pass intersect_on_lift=True to clip it to the segment"
                )
            return self._with(a, b, on=on, name=None)
        if sp.gap_holding(lo, hi):
            return None
        s, e = max(a, self._start), min(b, self._end)
        return self._with(s, e, on=on, name=None) if s <= e else None

    # --- sequence ---
    def dna(self, allow_outside_coord: bool = True) -> str:
        """The segment's spliced DNA, 5'->3' on its strand (reverse complemented off a '+' coordinate
        strand). Indices outside ``[0, coordinate_length)`` read as ``N``, or raise ValueError with
        ``allow_outside_coord=False``. Read from ``Genome(reference_genome)``."""
        n = self._space.length
        s, e = self._start, self._end
        if not allow_outside_coord and (s < 0 or e > n):
            raise ValueError(f"DIS segment [{s}, {e}) extends outside the coordinate space [0, {n})")
        inner_s, inner_e = max(s, 0), min(e, n)
        left = max(0, min(e, 0) - s)
        right = max(0, e - max(s, n))
        seq = ""
        if inner_s < inner_e:
            from .genome import Genome  # a genome per call is cheap: Genome objects are cached by name

            genome = Genome(self.reference_genome)
            ivs = [
                Interval(self.chromosome, self.coord_strand, a, b, self.reference_genome)
                for a, b in self._space.pieces(inner_s, inner_e)
            ]
            seq = "".join(genome.dna_batch(ivs))
        seq = "N" * left + seq + "N" * right
        return seq if self._on else seq.translate(_COMPLEMENT)[::-1]

    # --- value semantics ---
    def _key(self):
        return (self._space.intervals, self._coord_name, self._name, self._on, self._start, self._end)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DisjointIntervalSequence):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self):
        return (
            _restore,
            (self._space.intervals, self._coord_name, self._name, self._on, self._start, self._end),
        )

    def __repr__(self) -> str:
        return (
            f"DisjointIntervalSequence(coord_name={self._coord_name!r}, name={self._name!r}, "
            f"{self.chromosome}:{self.coord_strand}, len={self.length}, "
            f"coord_intervals={self._space.intervals!r}, "
            f"start={self._start}, end={self._end}, end5={self.end5_index}, end3={self.end3_index})"
        )


def _restore(intervals, coord_name, name, on, start, end) -> DisjointIntervalSequence:
    return DisjointIntervalSequence(
        intervals, coord_name=coord_name, segment_name=name, on_coordinate_strand=on, start=start, end=end
    )


def _make_space(intervals: Sequence[Interval]) -> _Space:
    """Validates, sorts 5'->3' and merges touching intervals."""
    if isinstance(intervals, (str, bytes)) or not isinstance(intervals, Sequence):
        intervals = list(intervals)  # any iterable of Intervals (a generator, a table slice)
    if len(intervals) == 0:
        raise ValueError("coordinate_intervals must be non-empty")
    for i, iv in enumerate(intervals):
        if not isinstance(iv, Interval):
            raise TypeError(f"coordinate_intervals[{i}] is {type(iv).__name__}, expected Interval")
    first = intervals[0]
    for iv in intervals[1:]:
        for what in ("chromosome", "strand", "reference_genome"):
            if getattr(iv, what) != getattr(first, what):
                raise ValueError(
                    f"All intervals must share the same {what}, got {getattr(first, what)!r} and "
                    f"{getattr(iv, what)!r} ({first!r}, {iv!r})"
                )
    spans = sorted((iv.start, iv.end) for iv in intervals)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            raise ValueError(f"Intervals must not overlap: [{merged[-1][0]}, {merged[-1][1]}) and [{s}, {e})")
        if merged and s == merged[-1][1]:
            merged[-1][1] = e  # touching: one interval
        else:
            merged.append([s, e])
    if first.strand == "-":
        merged.reverse()
    chrom, strand, refg = first.chromosome, first.strand, first.reference_genome
    return _Space(tuple(Interval(chrom, strand, s, e, refg) for s, e in merged))
