"""HGVS transcript positions (``c.``/``n.``) and variant descriptions, both directions.

Numbering follows the HGVS nomenclature on the transcript's strand: ``c.1`` is the A of the start codon,
``c.-1`` the base before it (5'UTR), ``c.*1`` the base after the stop codon (3'UTR; the model's CDS
includes the stop codon); ``n.1`` is the first base of a non-coding transcript. Intronic bases count from
the nearest exon base (``c.123+5``, ``c.124-3``; the middle base of an odd-length intron takes ``+``).
Indels are shifted 3' on the transcript's strand and an insertion that repeats the bases 5' of it is a
``dup``. See docs/transcript_coordinates.md.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
from dataclasses import dataclass

from .interval import Interval
from .variant import Variant

__all__ = [
    "HGVSPosition",
    "genomic_position",
    "hgvs_position",
    "hgvs_variant",
    "parse_hgvs",
]

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
_POSITION = re.compile(r"(?P<kind>[cn])\.(?P<pos>[-*]?\d+(?:[+-]\d+)?)\Z")
_ONE = r"[-*]?\d+(?:[+-]\d+)?"
_VARIANT = re.compile(
    rf"(?:(?P<tx>[^:()\s]+)(?:\([^)]*\))?:)?(?P<kind>[cn])\.(?P<p1>{_ONE})(?:_(?P<p2>{_ONE}))?"
    r"(?P<edit>(?P<ref>[ACGTN])>(?P<alt>[ACGTN])|delins(?P<ins2>[ACGTN]+)|del(?P<delref>[ACGTN]*)"
    r"|dup(?P<dupref>[ACGTN]*)|ins(?P<ins>[ACGTN]+)|=)\Z"
)


def _rc(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


@dataclass(frozen=True)
class HGVSPosition:
    """One HGVS transcript position: ``kind`` ``'c'`` (coding) or ``'n'`` (non-coding); ``base`` the exonic
    base it counts from (1-based; negative for the 5'UTR of a coding transcript; counted from the stop codon
    when ``utr3``); ``offset`` the intronic distance from that base (+ 3'-ward, - 5'-ward). ``str()`` gives
    ``c.123+5``, ``c.-14``, ``c.*20-2``."""

    kind: str
    base: int
    offset: int = 0
    utr3: bool = False

    def __post_init__(self):
        if self.kind not in ("c", "n"):
            raise ValueError(f"HGVS position kind must be 'c' or 'n', got {self.kind!r}")
        if (
            self.base == 0
            or (self.utr3 and self.base < 0)
            or (self.kind == "n" and (self.utr3 or self.base < 0))
        ):
            raise ValueError(f"no HGVS position {self._text()}")

    def _text(self) -> str:
        star = "*" if self.utr3 else ""
        off = f"{self.offset:+d}" if self.offset else ""
        return f"{self.kind}.{star}{self.base}{off}"

    def __str__(self) -> str:
        return self._text()

    @classmethod
    def parse(cls, text: str) -> HGVSPosition:
        """``'c.123+5'``, ``'c.-14'``, ``'c.*20-2'``, ``'n.57'``: ValueError naming any other text."""
        m = _POSITION.match(text.strip()) if isinstance(text, str) else None
        if m is None:
            raise ValueError(
                f"not an HGVS c./n. position: {text!r} (expected e.g. 'c.123+5', 'c.-14', 'c.*20')"
            )
        return cls._from_parts(m["kind"], m["pos"], text)

    @classmethod
    def _from_parts(cls, kind: str, pos: str, text: str) -> HGVSPosition:
        m = re.fullmatch(r"(\*?)(-?\d+)([+-]\d+)?", pos)
        if m is None:
            raise ValueError(f"not an HGVS position: {text!r}")
        base = int(m[2])
        if base == 0:
            raise ValueError(f"HGVS positions have no 0: {text!r}")
        return cls(kind, base, int(m[3]) if m[3] else 0, bool(m[1]))


class _TranscriptMap:
    """A transcript's exons in *transcript coordinates*: genomic base ``p`` is ``p`` on the '+' strand and
    ``-p - 1`` on the '-' strand, so that 5'->3' is ascending on both and one arithmetic serves both. Spliced
    index ``i`` of the k-th exon's base ``m`` is ``offsets[k] + m - starts[k]``; ``cds_start`` / ``cds_end``
    are the indices of the first coding base and of the base after the last one (stop codon included)."""

    def __init__(self, transcript):
        exons = list(transcript.exons)
        if not exons:
            raise ValueError(f"transcript {transcript.id} has no exons")
        self.t = transcript
        self.id = transcript.id
        self.plus = transcript.strand == "+"
        self.extent = (min(e.start for e in exons), max(e.end for e in exons))
        spans = [self.mirror_span(e.start, e.end) for e in exons]  # 5'->3' already
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]
        self.offsets = [0]
        for a, b in spans:
            self.offsets.append(self.offsets[-1] + b - a)
        self.length = self.offsets[-1]
        self.kind = "c" if transcript.cdss else "n"
        if self.kind == "c":
            cdss = transcript.cdss
            first = self.mirror_span(cdss[0].start, cdss[0].end)[0]
            last = self.mirror_span(cdss[-1].start, cdss[-1].end)[1] - 1
            self.cds_start = self.index_of(first)[0]
            self.cds_end = self.index_of(last)[0] + 1

    def mirror_span(self, start: int, end: int) -> tuple[int, int]:
        return (start, end) if self.plus else (-end, -start)

    def mirror(self, pos: int) -> int:
        return pos if self.plus else -pos - 1

    def index_of(self, m: int) -> tuple[int, int]:
        """Spliced index and intronic offset of transcript-coordinate base ``m`` (within the exons' extent):
        an intronic base counts from the nearer exon base, ties from the 5' exon (HGVS)."""
        starts, ends, off = self.starts, self.ends, self.offsets
        k = bisect.bisect_right(starts, m) - 1  # the last exon starting at or before m
        if m < ends[k]:
            return off[k] + m - starts[k], 0
        d5 = m - ends[k] + 1  # bases past the 5' exon's last base
        d3 = starts[k + 1] - m  # bases before the 3' exon's first base
        return (off[k + 1] - 1, d5) if d5 <= d3 else (off[k + 1], -d3)

    def check_span(self, pos: int) -> None:
        lo, hi = self.extent
        if not lo <= pos < hi:
            t = self.t
            raise ValueError(
                f"{t.chromosome}:{pos + 1} (DNA1) lies outside transcript {self.id} "
                f"({t.chromosome}:{lo + 1}-{hi}:{t.strand})"
            )

    # --- spliced index <-> HGVS numbering of exonic bases ---
    def number(self, index: int) -> tuple[int, bool]:
        if self.kind == "n":
            return index + 1, False
        if index < self.cds_start:
            return index - self.cds_start, False
        if index < self.cds_end:
            return index - self.cds_start + 1, False
        return index - self.cds_end + 1, True

    def index_of_number(self, pos: HGVSPosition) -> int:
        text = str(pos)
        if pos.kind == "c" and self.kind != "c":
            raise ValueError(f"{text}: transcript {self.id} is non-coding (use n. positions)")
        if pos.kind == "n":
            index = pos.base - 1
        elif pos.utr3:
            index = self.cds_end + pos.base - 1
        elif pos.base < 0:
            index = self.cds_start + pos.base
        else:
            index = self.cds_start + pos.base - 1
        if not 0 <= index < self.length:
            first, last = (self.position(self.mirror(m)) for m in (self.starts[0], self.ends[-1] - 1))
            raise ValueError(
                f"{text} lies beyond transcript {self.id} ({self.length} exonic bases, {first} to {last})"
            )
        return index

    # --- genomic base <-> HGVSPosition ---
    def position(self, pos: int) -> HGVSPosition:
        self.check_span(pos)
        index, offset = self.index_of(self.mirror(pos))
        base, utr3 = self.number(index)
        return HGVSPosition(self.kind, base, offset, utr3)

    def genomic(self, pos: HGVSPosition) -> int:
        text = str(pos)
        index = self.index_of_number(pos)
        k = bisect.bisect_right(self.offsets, index) - 1
        m = self.starts[k] + index - self.offsets[k]
        if pos.offset > 0:
            if m != self.ends[k] - 1 or k == len(self.starts) - 1:
                raise ValueError(f"{text}: {text.split('+')[0]} is not the last base of an exon of {self.id}")
            if m + pos.offset >= self.starts[k + 1]:
                raise ValueError(f"{text}: offset {pos.offset:+d} goes past intron {k + 1} of {self.id}")
        elif pos.offset < 0:
            anchor = text[: text.rindex("-")]
            if m != self.starts[k] or k == 0:
                raise ValueError(f"{text}: {anchor} is not the first base of an exon of {self.id}")
            if m + pos.offset < self.ends[k - 1]:
                raise ValueError(f"{text}: offset {pos.offset:+d} goes past intron {k} of {self.id}")
        return self.mirror(m + pos.offset)


@functools.lru_cache(maxsize=256)
def _map_of(transcript) -> _TranscriptMap:
    """One map per transcript row, reused by calls on the same transcript (a VCF's variants, say)."""
    return _TranscriptMap(transcript)


def hgvs_position(transcript, position: int) -> HGVSPosition:
    """The HGVS ``c.`` (coding transcript) or ``n.`` position of genomic base ``position`` (DNA0) on
    ``transcript``. ValueError outside the transcript's span."""
    return _map_of(transcript).position(_as_int(position))


def genomic_position(transcript, position: str | HGVSPosition) -> int:
    """The genomic base (DNA0) of an HGVS position (``'c.123+5'``, ``'c.*20'``, ``'n.57'`` or an
    :class:`HGVSPosition`) on ``transcript``. ValueError for malformed text, a ``c.`` position on a
    non-coding transcript, a position beyond the transcript or an offset that leaves its intron."""
    pos = HGVSPosition.parse(position) if isinstance(position, str) else position
    return _map_of(transcript).genomic(pos)


def _as_int(value) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"position must be an integer, got {type(value).__name__}") from None


# --- variants -----------------------------------------------------------------------------------------


class _Reference:
    """Reads the '+' strand of one chromosome in chunks (indel shifting may walk along a long repeat)."""

    CHUNK = 256

    def __init__(self, transcript):
        from .genome import Genome

        self.genome = Genome(transcript.reference_genome)
        self.chrom = transcript.chromosome
        self.refg = transcript.reference_genome
        self._cache: dict[int, str] = {}

    def __call__(self, start: int, end: int) -> str:
        if start >= end:
            return ""
        out = []
        for k in range(start // self.CHUNK, (end - 1) // self.CHUNK + 1):
            if k not in self._cache:
                iv = Interval(self.chrom, "+", k * self.CHUNK, (k + 1) * self.CHUNK, self.refg)
                self._cache[k] = self.genome.dna(iv)
            out.append(self._cache[k])
        first = start // self.CHUNK * self.CHUNK
        return "".join(out)[start - first : end - first]


def _trim(start: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drops the bases REF and ALT share at either end (a VCF anchor base, say)."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, start = ref[1:], alt[1:], start + 1
    return start, ref, alt


def hgvs_variant(variant: Variant, transcript, *, prefix: bool = True) -> str:
    """The HGVS description of ``variant`` on ``transcript``: ``'TX:c.123+5G>A'``, ``c.10_12del``,
    ``c.9dup``, ``c.9_10insTT``, ``c.10_11delinsGA`` or ``c.10=`` (``n.`` on a non-coding transcript;
    without the ``TX:`` prefix when ``prefix=False``). Alleles are written on the transcript's strand;
    deletions and insertions are first shifted as far 3' on that strand as the sequence allows (within
    the transcript). The REF allele is checked against the genome. ValueError for a variant on another
    chromosome or assembly, a REF mismatch, or one reaching outside the transcript."""
    if not isinstance(variant, Variant):
        raise TypeError(f"hgvs_variant takes a Variant, got {type(variant).__name__}")
    m = _map_of(transcript)
    t = transcript
    if variant.chromosome != t.chromosome or variant.reference_genome != t.reference_genome:
        raise ValueError(
            f"{variant} is on {variant.chromosome} of {variant.reference_genome}, transcript {t.id} on "
            f"{t.chromosome} of {t.reference_genome}"
        )
    seq = _Reference(t)
    found = seq(variant.start, variant.end)
    if found.upper() != variant.ref.upper():
        raise ValueError(f"{variant}: REF {variant.ref!r} does not match the genome ({found!r})")
    start, ref, alt = _trim(variant.start, variant.ref.upper(), variant.alt.upper())
    plus = t.strand == "+"
    if not ref and not alt:  # REF == ALT
        edit, lo, hi = "=", variant.start, variant.end
        if lo == hi:
            raise ValueError(f"{variant} changes nothing and has no bases to name")
    elif ref and alt:
        lo, hi = start, start + len(ref)
        if len(ref) == len(alt) == 1:
            edit = f"{ref if plus else _rc(ref)}>{alt if plus else _rc(alt)}"
        else:
            edit = f"delins{alt if plus else _rc(alt)}"
    elif ref:  # deletion: shift 3' on the transcript strand, within the transcript
        lo, hi = start, start + len(ref)
        if plus:
            while hi < t.end and seq(lo, lo + 1) == seq(hi, hi + 1):
                lo, hi = lo + 1, hi + 1
        else:
            while lo > t.start and seq(lo - 1, lo) == seq(hi - 1, hi):
                lo, hi = lo - 1, hi - 1
        edit = "del"
    else:  # insertion of alt before base `start`
        p, ins = start, alt
        if plus:
            while p < t.end and seq(p, p + 1) == ins[0]:
                ins, p = ins[1:] + ins[0], p + 1
            if seq(p - len(ins), p) == ins:
                lo, hi, edit = p - len(ins), p, "dup"
            else:
                lo, hi, edit = p - 1, p + 1, f"ins{ins}"
        else:
            while p > t.start and seq(p - 1, p) == ins[-1]:
                ins, p = ins[-1] + ins[:-1], p - 1
            if seq(p, p + len(ins)) == ins:
                lo, hi, edit = p, p + len(ins), "dup"
            else:
                lo, hi, edit = p - 1, p + 1, f"ins{_rc(ins)}"
    first, last = (lo, hi - 1) if plus else (hi - 1, lo)  # 5'->3' on the transcript
    p1, p2 = m.position(first), m.position(last)
    where = str(p1) if first == last else f"{p1}_{str(p2)[2:]}"
    return f"{t.id}:{where}{edit}" if prefix else f"{where}{edit}"


def parse_hgvs(text: str, genome=None, transcript=None) -> Variant:
    """The Variant an HGVS description names: ``'ENST00000357654.9:c.5266dupC'`` with an annotated
    ``genome`` to look the transcript up in, or ``'c.123+5G>A'`` with ``transcript``. Substitutions,
    ``del``, ``dup``, ``ins``, ``delins`` and ``=`` are understood; REF bases given in the text (``c.76A>C``,
    ``c.10delT``, ``c.9dupA``) are checked against the genome. The Variant is on the transcript's assembly,
    its alleles on the '+' strand (a deletion or duplication keeps the position the text gives, not a
    left-normalised one). ValueError names malformed text, an unknown transcript, a position beyond the
    transcript or a REF mismatch."""
    if not isinstance(text, str):
        raise TypeError(f"parse_hgvs takes a str, got {type(text).__name__}")
    m = _VARIANT.match(text.strip())
    if m is None:
        raise ValueError(
            f"not an HGVS c./n. variant description: {text!r} (expected e.g. 'NM_000352.3:c.215A>G', "
            "'c.123+5G>A', 'c.10_12del', 'c.9dup', 'c.9_10insTT', 'c.10delinsGA')"
        )
    if transcript is None:
        if m["tx"] is None:
            raise ValueError(f"{text!r} names no transcript: pass transcript= or write 'ID:c....'")
        if genome is None:
            raise ValueError(f"{text!r}: pass the annotated genome to look transcript {m['tx']} up in")
        try:
            transcript = genome.transcripts[m["tx"]]
        except (KeyError, IndexError):
            transcript = None
        if transcript is None:
            raise ValueError(f"{text!r}: unknown transcript {m['tx']!r} in {genome}") from None
    elif m["tx"] is not None and m["tx"] not in (transcript.id, transcript.id.split(".")[0]):
        raise ValueError(f"{text!r} names transcript {m['tx']}, but transcript {transcript.id} was given")
    tm = _map_of(transcript)
    kind = m["kind"]
    try:
        g1 = tm.genomic(HGVSPosition._from_parts(kind, m["p1"], text))
        g2 = g1 if m["p2"] is None else tm.genomic(HGVSPosition._from_parts(kind, m["p2"], text))
    except ValueError as e:
        raise ValueError(f"{text!r}: {e}") from None
    plus = transcript.strand == "+"
    if (g2 < g1) if plus else (g2 > g1):
        raise ValueError(f"{text!r}: the range runs 3'->5' on transcript {transcript.id}")
    lo, hi = min(g1, g2), max(g1, g2) + 1
    seq = _Reference(transcript)
    ref = seq(lo, hi)
    ref_t = ref if plus else _rc(ref)  # REF on the transcript's strand

    def check(given: str | None) -> None:
        if given and given != ref_t:
            raise ValueError(f"{text!r}: the reference has {ref_t!r} there, not {given!r}")

    def strand_alt(a: str) -> str:
        return a if plus else _rc(a)

    refg = transcript.reference_genome
    chrom = transcript.chromosome
    if m["ref"] is not None:  # substitution
        if lo + 1 != hi:
            raise ValueError(f"{text!r}: a substitution names one base")
        check(m["ref"])
        return Variant(chrom, lo, ref, strand_alt(m["alt"]), refg)
    if m["ins2"] is not None:
        return Variant(chrom, lo, ref, strand_alt(m["ins2"]), refg)
    if m["edit"].startswith("del"):
        check(m["delref"])
        return Variant(chrom, lo, ref, "", refg)
    if m["edit"].startswith("dup"):
        check(m["dupref"])
        return Variant(chrom, hi, "", ref, refg)  # the copy follows the original on either strand
    if m["ins"] is not None:
        if hi - lo != 2:
            raise ValueError(f"{text!r}: an insertion lies between two adjacent positions")
        return Variant(chrom, lo + 1, "", strand_alt(m["ins"]), refg)
    return Variant(chrom, lo, ref, ref, refg)  # '='
