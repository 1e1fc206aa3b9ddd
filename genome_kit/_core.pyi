"""
Compiled core of genome_kit (use the genome_kit package, not this module)
"""

from __future__ import annotations

import collections.abc
import typing

import numpy
import numpy.typing
import typing_extensions

__all__: list[str] = [
    "ANNOTATION_FORMAT_VERSION",
    "AnnotationFile",
    "BatchFiller",
    "BatchJob",
    "Cds",
    "CdsTable",
    "Exon",
    "ExonTable",
    "Gene",
    "GeneTable",
    "GenomeDNA",
    "Interval",
    "Intron",
    "IntronTable",
    "LIFT_REASONS",
    "LiftOver",
    "TrackBuilder",
    "TrackFile",
    "Transcript",
    "TranscriptTable",
    "Utr",
    "UtrTable",
    "VCFBIN_VERSION",
    "VCFVariant",
    "Variant",
    "VariantGenome",
    "bsd_sum_update",
    "build_vcfbin",
    "track_format_version",
    "write_file_atomic",
    "write_twobit",
]

class Interval:
    """
    A stranded genomic interval in DNA0 coordinates: 0-based, end exclusive,
    ``start <= end`` on either strand (empty intervals are the gap between two
    bases). An optional anchor fixes the output length of variant sequences.
    """
    @staticmethod
    def from_dna0(
        chromosome: str,
        strand: str,
        start: typing.SupportsInt | typing.SupportsIndex,
        end: typing.SupportsInt | typing.SupportsIndex,
        reference_genome: typing.Any,
    ) -> Interval: ...
    @staticmethod
    def from_dna0_coord(
        chromosome: str,
        strand: str,
        position: typing.SupportsInt | typing.SupportsIndex,
        reference_genome: typing.Any,
    ) -> Interval: ...
    @staticmethod
    def from_dna1(
        chromosome: str,
        strand: str,
        start: typing.SupportsInt | typing.SupportsIndex,
        end: typing.SupportsInt | typing.SupportsIndex,
        reference_genome: typing.Any,
    ) -> Interval: ...
    @staticmethod
    def from_rna1(
        chromosome: str,
        start: typing.SupportsInt | typing.SupportsIndex,
        end: typing.SupportsInt | typing.SupportsIndex,
        reference_genome: typing.Any,
    ) -> Interval:
        """
        Interval from RNA1 coordinates: 1-based, inclusive, negative on the '-' strand.
        """
    @staticmethod
    def from_str(text: str, reference_genome: typing.Any = None) -> Interval:
        """
        Parses 'chrom:start-end[:strand]' in DNA0 (0-based, half-open) coordinates, the spelling of AlphaGenome's Interval; strand '+', '-' or '.' (read as '+'), '+' when absent.
        """
    @staticmethod
    def from_ucsc(text: str, strand: str = "+", reference_genome: typing.Any = None) -> Interval:
        """
        Parses UCSC browser text such as 'chr7:117,120,017-117,120,201'.
        """
    @staticmethod
    def spanning(a: Interval, b: Interval) -> Interval:
        """
        Smallest interval covering both.
        """
    def __contains__(self, other: Interval) -> bool: ...
    def __eq__(self, other: object) -> bool: ...
    def __ge__(self, other: Interval) -> bool: ...
    def __getstate__(self) -> tuple[typing.Any, ...]: ...
    def __gt__(self, other: Interval) -> bool: ...
    def __hash__(self) -> int: ...
    def __init__(
        self,
        chromosome: str,
        strand: str,
        start: typing.SupportsIndex,
        end: typing.SupportsIndex,
        reference_genome: typing.Any,
        anchor: typing.Any = None,
        anchor_offset: typing.SupportsIndex = 0,
    ) -> None: ...
    def __le__(self, other: Interval) -> bool: ...
    def __len__(self) -> int: ...
    def __lt__(self, other: Interval) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __reduce_ex__(self, protocol: typing.SupportsIndex) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, arg0: tuple) -> None: ...
    def __str__(self) -> str: ...
    def as_dna0(self) -> tuple[int, int]: ...
    def as_dna1(self) -> tuple[int, int]: ...
    def as_negative_strand(self) -> Interval: ...
    def as_opposite_strand(self) -> Interval: ...
    def as_positive_strand(self) -> Interval: ...
    def as_rna1(self) -> tuple[int, int]: ...
    def as_ucsc(self) -> str: ...
    def center(self) -> int:
        """
        Centre coordinate (rounded toward the 5' end for odd lengths).
        """
    def check_same_chromosome(self, other: Interval) -> None: ...
    def contains(self, other: Interval) -> bool: ...
    def distance(self, other: typing.Any, method: str = "midpoint") -> typing.Any:
        """
        Distance between midpoints (or 5'/3' ends); a list of intervals gives a list.
        """
    def dnstream_of(self, other: Interval) -> bool: ...
    def expand(
        self, upstream: typing.SupportsIndex, downstream: typing.SupportsIndex | None = None
    ) -> Interval:
        """
        Adds bases upstream and downstream (strand aware); one argument expands both sides.
        """
    def intersect(self, other: Interval) -> Interval | None:
        """
        The overlap of two intervals, or None.
        """
    def is_positive_strand(self) -> bool: ...
    def overlaps(self, other: Interval) -> bool: ...
    def resize(self, width: typing.SupportsInt | typing.SupportsIndex) -> Interval:
        """
        Interval of `width` bases with the same centre and strand.
        """
    def shift(self, amount: typing.SupportsIndex) -> Interval:
        """
        Moves the interval `amount` bases downstream.
        """
    def subtract(self, other: Interval) -> list[Interval]:
        """
        The parts of this interval not covered by `other` (0, 1 or 2 intervals).
        """
    def upstream_of(self, other: Interval) -> bool: ...
    def with_anchor(
        self, anchor: typing.Any, anchor_offset: typing.SupportsInt | typing.SupportsIndex = 0
    ) -> Interval: ...
    def within(self, other: Interval) -> bool: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...
    @property
    def reference_genome(self) -> typing.Any: ...
    @property
    def refg(self) -> typing.Any: ...
    @property
    def anchor(self) -> typing.Any: ...
    @property
    def anchor_offset(self) -> typing.Any: ...
    @property
    def sys(self) -> typing.Any: ...
    @property
    def interval(self) -> typing.Any:
        """
        This interval as a plain Interval (a copy).
        """
    @property
    def end5(self) -> typing.Any:
        """
        Empty interval at the 5' end (anchor kept).
        """
    @property
    def end3(self) -> typing.Any:
        """
        Empty interval at the 3' end (anchor kept).
        """
    @property
    def midpoint(self) -> typing.Any:
        """
        Centre of the interval: empty for even lengths, the middle base for odd ones.
        """

class Variant(Interval):
    """
    A sequence variant: the '+' strand Interval spanning its reference allele
    (an insertion is the empty interval before base ``start``) with ``ref`` and
    ``alt`` alleles. ``Variant(chromosome, start, ref, alt, reference_genome)``
    takes a DNA0 start and does not check the alleles; ``Variant.from_string``
    (DNA1 text such as ``"chr7:117,120,149:AT:G"``) validates against the genome.
    """
    @staticmethod
    def from_string(variant: str, genome: typing.Any) -> Variant:
        """
        Parses ``chrom:pos:ref:alt`` (DNA1 position, commas allowed, empty alleles as
        ``""``, ``-`` or ``.``, case-insensitive, Ensembl chromosome names accepted)
        and checks the reference allele against ``genome``: ValueError naming the
        expected and found bases on a mismatch, IndexError outside the chromosome.
        """
    @staticmethod
    def spanning(x: typing.Any, y: typing.Any, variants: typing.Any = None) -> typing.Any:
        """
        Smallest interval covering ``x`` and ``y``, aware of anchors and variants.

        Without anchors this is :meth:`Interval.spanning`. Otherwise ``variants`` (a
        list of Variants; a single Variant is accepted) is required, both intervals
        must share chromosome, strand and assembly, and anchors must lie within
        their intervals (ValueError). The result is anchored like whichever of ``x``
        and ``y`` has the leftmost (anchor, anchor_offset) and is the smallest such
        interval whose anchored variant DNA contains the variant DNA of both: ``y``
        is mapped into ``x``'s anchored frame through the length changes of the
        variants between them. Variants on other chromosomes are ignored; variants on
        another assembly or overlapping each other raise ValueError.

        Example: with ``v = Variant("chr1", 100, "", 10 * "N", genome)``,
        ``Variant.spanning(Interval("chr1", "+", 100, 150, genome, 100),
        Interval("chr1", "+", 200, 250, genome), [v])`` is
        ``Interval("chr1", "+", 100, 260, genome, 100)``.
        """
    def __eq__(self, arg0: typing.Any) -> bool: ...
    def __ge__(self, arg0: typing.Any) -> bool: ...
    def __getstate__(self) -> tuple[typing.Any, ...]: ...
    def __gt__(self, arg0: typing.Any) -> bool: ...
    def __hash__(self) -> int: ...
    def __init__(
        self,
        chromosome: str,
        start: typing.SupportsInt | typing.SupportsIndex,
        ref: str,
        alt: str,
        reference_genome: typing.Any,
    ) -> None: ...
    def __le__(self, arg0: typing.Any) -> bool: ...
    def __lt__(self, arg0: typing.Any) -> bool: ...
    def __ne__(self, arg0: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, arg0: tuple) -> None: ...
    def __str__(self) -> str: ...
    def as_variant_string(self) -> str:
        """
        ``chrom:pos1:ref:alt`` with a DNA1 position.
        """
    @property
    def anchor(self) -> typing.Any:
        """
        Variants carry no anchor (TypeError).
        """
    @property
    def anchor_offset(self) -> typing.Any:
        """
        Variants carry no anchor (TypeError).
        """
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...
    @property
    def position(self) -> typing.Any:
        """
        DNA0 start of the reference allele.
        """
    @property
    def ref(self) -> str:
        """
        Reference allele ('' for insertions).
        """
    @property
    def alt(self) -> str:
        """
        Alternative allele ('' for deletions).
        """

class VCFVariant(Variant):
    """
    A Variant read from a VCFTable. Besides the Variant attributes it exposes the
    table's INFO and FORMAT fields by id: ``v.AF``, ``v.DP`` (INFO first), ``v.GT``
    (FORMAT: the first sample's value). Fields with several values per variant
    raise ValueError (use ``VCFTable.info``/``format``). Equal to another
    VCFVariant with the same interval and alleles; never equal to a plain Variant.
    """
    def __reduce__(self) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def _same_table(self, handle: _VCFTable) -> bool: ...
    @property
    def _row(self) -> int: ...
    @property
    def _table_path(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...
    @property
    def ref(self) -> str: ...
    @property
    def alt(self) -> str: ...
    def __getattr__(self, name: str) -> typing.Any: ...  # INFO / FORMAT fields

class _VCFTable:
    """
    Memory-mapped .vcfbin (use genome_kit.VCFTable).
    """

    _label: str
    def find_3p_aligned(self, interval: Interval) -> list[VCFVariant]: ...
    def find_3p_within(self, interval: Interval) -> list[VCFVariant]: ...
    def find_5p_aligned(self, interval: Interval) -> list[VCFVariant]: ...
    def find_5p_within(self, interval: Interval) -> list[VCFVariant]: ...
    def find_exact(self, interval: Interval) -> list[VCFVariant]: ...
    def find_overlapping(self, interval: Interval) -> list[VCFVariant]: ...
    def find_within(self, interval: Interval) -> list[VCFVariant]: ...
    def index_of(self, variant: VCFVariant) -> int: ...
    def item(self, row: int) -> VCFVariant: ...
    def __init__(self, path: str) -> None: ...
    def close(self) -> None: ...
    def column(
        self, format: bool, id: str, info_strings: bool = False
    ) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        """
        Zero-copy read-only view (base = this object); ragged columns as object arrays.
        """
    def column_ids(self, format: bool) -> list[str]: ...
    def column_info(self, format: bool, id: str) -> typing.Any: ...
    def find(self, kind: str, interval: Interval) -> list: ...
    def find_rows(self, kind: str, interval: Interval) -> numpy.typing.NDArray[numpy.int64]: ...
    def is_variant_of(self, arg0: typing.Any) -> bool: ...
    def rows_of(self, variants: collections.abc.Iterable) -> numpy.typing.NDArray[numpy.int64]:
        """
        File rows of VCFVariants of this table, as an int64 array.
        """
    def sequence_variations(self, interval: Interval) -> list: ...
    def variant(self, row: typing.SupportsInt | typing.SupportsIndex) -> typing.Any: ...
    def variant_range(
        self, begin: typing.SupportsInt | typing.SupportsIndex, end: typing.SupportsInt | typing.SupportsIndex
    ) -> list: ...
    def variants(self, rows: typing.Any) -> list: ...
    def view(self) -> _VCFTable:
        """
        A handle on the same table that closes independently.
        """
    @property
    def closed(self) -> bool: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def num_samples(self) -> int: ...
    @property
    def path(self) -> str: ...
    @property
    def provenance(self) -> str: ...
    @property
    def refg(self) -> str: ...
    @property
    def sample_names(self) -> list[str]: ...

class GenomeDNA:
    """
    DNA of an assembly, read from a memory-mapped UCSC .2bit file.

    ``GenomeDNA(path, reference_genome=None)``: without a reference genome, it is
    taken from the file name (``hg19.2bit`` -> ``hg19``) with the chromosome sizes
    found beside the file or in the data directory. ``Genome.dna`` is one of these.

    Calling it returns the DNA of an Interval as a str, reverse complemented on the
    '-' strand: ``dna(interval, allow_outside_chromosome=True, soft_mask=False)``.
    Bases beyond the chromosome are N (IndexError when allow_outside_chromosome is
    False); soft_mask=True keeps the file's lower-case soft-masked bases.
    """
    def __call__(
        self, interval: Interval, allow_outside_chromosome: bool = True, soft_mask: bool = False
    ) -> str:
        """
        DNA of an interval as a str (reverse complement on '-').
        """
    def __getstate__(self) -> tuple[typing.Any, ...]: ...
    def __init__(self, path: typing.Any, reference_genome: typing.Any = None) -> None: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, arg0: tuple) -> None: ...
    def chromosome_length(self, chromosome: str) -> int:
        """
        Length of a chromosome's sequence in this file.
        """
    def dna_batch(
        self, intervals: typing.Any, allow_outside_chromosome: bool = True, soft_mask: bool = False
    ) -> list: ...
    def one_hot(
        self, intervals: typing.Any, dtype: typing.Any = "uint8", allow_outside_chromosome: bool = True
    ) -> typing.Any: ...
    @property
    def filename(self) -> str: ...
    @property
    def reference_genome(self) -> str: ...
    @property
    def refg(self) -> str: ...

class VariantGenome:
    """
    Compiled base of genome_kit.VariantGenome.
    """
    def __eq__(self, arg0: typing.Any) -> typing.Any: ...
    def __hash__(self) -> int: ...
    def __init__(self, reference_genome: typing.Any, variants: typing.Any) -> None:
        """
        A Genome with ``variants`` applied: one Variant, one variant string (parsed
        and validated on the genome), or a list/tuple of them.
        """
    def __reduce__(self) -> tuple[type, tuple[typing.Any, list]]: ...
    def __repr__(self) -> str: ...
    def _alignment(
        self, interval: Interval, allow_outside_chromosome: bool = True
    ) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int32]]:
        """
        Per output base: (reference position or insertion gap, index in the insertion or -1).
        """
    def _find_motif(
        self,
        interval: Interval,
        motif: str,
        match_position: typing.SupportsInt | typing.SupportsIndex,
        find_overlapping_motifs: bool,
    ) -> list: ...
    def _one_hot(
        self, intervals: typing.Any, dtype: typing.Any = "uint8", allow_outside_chromosome: bool = True
    ) -> typing.Any: ...
    def _one_hot_pair(
        self, intervals: typing.Any, dtype: typing.Any = "uint8", allow_outside_chromosome: bool = True
    ) -> typing.Any: ...
    def _same_edits(self, arg0: typing.Any) -> bool: ...
    def dna(self, interval: Interval, allow_outside_chromosome: bool = True, soft_mask: bool = False) -> str:
        """
        Variant DNA of ``interval`` (reverse complement on ``-``).

        Without an anchor every variant inside the interval is applied and the
        length follows the indels (an insertion at the start is included, one at the
        end is not). With an anchor the result has the interval's length: the part
        left of the anchor is right-aligned at it, the part right of it
        left-aligned; ``anchor_offset`` puts that many bases of an insertion at the
        anchor on its left (reference orientation, also on ``-``). Bases beyond the
        chromosome are ``N`` (IndexError when ``allow_outside_chromosome=False``).
        ``soft_mask=True`` keeps the lower case of soft-masked reference bases
        (variant bases are upper case).
        """
    def dna_batch(
        self, intervals: typing.Any, allow_outside_chromosome: bool = True, soft_mask: bool = False
    ) -> list:
        """
        Variant DNA of many intervals in one call (decoded without the GIL); element k is ``dna(intervals[k])``.
        """
    @property
    def genome(self) -> typing.Any:
        """
        The wrapped Genome.
        """
    @property
    def reference_genome(self) -> str:
        """
        Name of the reference assembly.
        """
    @property
    def variants(self) -> list:
        """
        The variants, sorted by chromosome and position.
        """

class TrackFile:
    """
    Memory-mapped .gtrack reader (see genome_kit.GenomeTrack).
    """
    def __call__(
        self,
        interval: Interval,
        dtype: typing.Any = None,
        out: typing.Any = None,
        *,
        resolution: typing.SupportsIndex | None = None,
        aggregation: str = "mean",
    ) -> numpy.typing.NDArray[typing.Any]:
        """
        Values of `interval` as a new (len, dim) array (5'→3' on '-'); with `out`, fills and returns it. With `resolution` (a multiple of the track's), (len / resolution, dim) float32 bins pooled from the stored values by `aggregation` ('sum', 'mean' or 'max').
        """
    def __init__(self, path: str) -> None: ...
    def batch(
        self,
        intervals: typing.Any,
        dtype: typing.Any = None,
        out: typing.Any = None,
        resolution: typing.Any = None,
        aggregation: typing.Any = "mean",
    ) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        """
        Values of N equal-length intervals as one (N, len, dim) array; with `resolution`, (N, len / resolution, dim) float32 pooled by `aggregation` ('sum', 'mean', 'max').
        """
    def view(self, interval: Interval) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        """
        Zero-copy read-only view of the stored rows of `interval` (ValueError when the data is not stored in that form).
        """
    @property
    def _metadata_bytes(self) -> bytes: ...
    @property
    def default_value(self) -> float:
        """
        Value of uncovered positions (NaN when never set: 0 for integer decodes).
        """
    @property
    def dictionary(self) -> typing.Any: ...
    @property
    def dim(self) -> int: ...
    @property
    def dtype(self) -> typing.Any: ...
    @property
    def etype(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def intervals(self) -> list[Interval]:
        """
        Blocks of stored data as Intervals (chromosome, strand, start order).
        """
    @property
    def num_blocks(self) -> int: ...
    @property
    def reference_genome(self) -> str: ...
    @property
    def refg(self) -> str: ...
    @property
    def resolution(self) -> int: ...
    @property
    def stranded(self) -> bool: ...

class TrackBuilder:
    """
    Writer of .gtrack files (see genome_kit.GenomeTrackBuilder).
    """
    def __init__(
        self,
        path: str,
        etype: str,
        strandedness: str,
        reference_genome: typing.Any,
        dim: typing.SupportsInt | typing.SupportsIndex = 1,
        resolution: typing.SupportsInt | typing.SupportsIndex = 1,
    ) -> None: ...
    def _abort(self) -> None: ...
    def _add_bed(self, stream: typing.Any, name: str, categories: collections.abc.Sequence[str]) -> None: ...
    def _add_runs(
        self,
        chrom: str,
        strand: str,
        starts: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
        ends: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
        values: typing.Annotated[numpy.typing.ArrayLike, numpy.float32],
        where: str,
    ) -> None: ...
    def _add_text(self, kind: str, stream: typing.Any, name: str, strand: str) -> None: ...
    def _add_wig(
        self,
        stream: typing.Any,
        name: str,
        strand: str,
        track_name: str,
        track_index: typing.SupportsInt | typing.SupportsIndex,
    ) -> None: ...
    def _set_metadata(self, arg0: bytes) -> None: ...
    def finalize(self) -> None: ...
    def flush(self) -> None: ...
    def set_clamping(self) -> None: ...
    def set_data(self, interval: Interval, data: typing.Any) -> None: ...
    def set_default_value(self, value: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    def set_dict(self, array: typing.Any) -> None: ...
    def set_restriction(self, interval: Interval) -> None: ...
    def set_sparsity(
        self,
        min_run: typing.SupportsInt | typing.SupportsIndex = 64,
        min_delta: typing.SupportsFloat | typing.SupportsIndex = 0.0,
    ) -> None: ...
    def set_transform(
        self,
        a: typing.SupportsFloat | typing.SupportsIndex,
        b: typing.SupportsFloat | typing.SupportsIndex,
        c: typing.SupportsFloat | typing.SupportsIndex,
        d: typing.SupportsFloat | typing.SupportsIndex,
    ) -> None: ...
    @property
    def data_size(self) -> int: ...
    @property
    def dim(self) -> int: ...
    @property
    def dtype(self) -> typing.Any: ...
    @property
    def etype(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def finalized(self) -> bool: ...
    @property
    def index_size(self) -> int: ...
    @property
    def reference_genome(self) -> str: ...
    @property
    def resolution(self) -> int: ...
    @property
    def stranded(self) -> bool: ...

class _AnnoRow(Interval):
    """
    Base of the annotation row classes (internal).
    """

class Gene(_AnnoRow):
    """
    A gene: an Interval with id, name, type, level and its transcripts.
    """
    def __eq__(self, other: object) -> bool: ...
    def __ge__(self, other: typing.Any) -> typing.Any: ...
    def __gt__(self, other: typing.Any) -> typing.Any: ...
    def __hash__(self) -> int: ...
    def __le__(self, other: typing.Any) -> typing.Any: ...
    def __lt__(self, other: typing.Any) -> typing.Any: ...
    def __ne__(self, other: object) -> bool: ...
    def __reduce__(self) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def __str__(self) -> str: ...
    def __init__(self, *args, **kwargs) -> None: ...
    @property
    def annotation_genome(self) -> typing.Any:
        """
        The Genome this row belongs to.
        """
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str | None: ...
    @property
    def level(self) -> int | None: ...
    @property
    def transcripts(self) -> list[Transcript]:
        """
        Transcripts of the gene (a new list, file order).
        """
    @property
    def trans(self) -> list[Transcript]: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...

class Transcript(_AnnoRow):
    """
    A transcript: an Interval with exons, introns, CDSs, UTRs.
    """
    def __eq__(self, other: object) -> bool: ...
    def __ge__(self, other: typing.Any) -> typing.Any: ...
    def __gt__(self, other: typing.Any) -> typing.Any: ...
    def __hash__(self) -> int: ...
    def __le__(self, other: typing.Any) -> typing.Any: ...
    def __lt__(self, other: typing.Any) -> typing.Any: ...
    def __ne__(self, other: object) -> bool: ...
    def __reduce__(self) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def __str__(self) -> str: ...
    def __init__(self, *args, **kwargs) -> None: ...
    @property
    def annotation_genome(self) -> typing.Any:
        """
        The Genome this row belongs to.
        """
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str | None: ...
    @property
    def level(self) -> int | None: ...
    @property
    def tsl(self) -> int | None: ...
    @property
    def ccds_id(self) -> str | None: ...
    @property
    def protein_id(self) -> str | None: ...
    @property
    def product(self) -> str | None: ...
    @property
    def tags(self) -> list[str]:
        """
        The source's tag attributes (GENCODE 'basic', 'MANE_Select', 'appris_principal_1', NCBI 'MANE Select'...), a new list; [] when it has none (and for GenomeKit's .dganno files, which keep no tags).
        """
    @property
    def gene(self) -> Gene: ...
    @property
    def exons(self) -> list[Exon]: ...
    @property
    def introns(self) -> list[Intron]: ...
    @property
    def intrs(self) -> list[Intron]: ...
    @property
    def cdss(self) -> list[Cds]: ...
    @property
    def utr5s(self) -> list[Utr]: ...
    @property
    def utr3s(self) -> list[Utr]: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...

class Exon(_AnnoRow):
    """
    An exon of a transcript (index 0 is the 5'-most).
    """
    def __eq__(self, other: object) -> bool: ...
    def __ge__(self, other: typing.Any) -> typing.Any: ...
    def __gt__(self, other: typing.Any) -> typing.Any: ...
    def __hash__(self) -> int: ...
    def __le__(self, other: typing.Any) -> typing.Any: ...
    def __lt__(self, other: typing.Any) -> typing.Any: ...
    def __ne__(self, other: object) -> bool: ...
    def __reduce__(self) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def __str__(self) -> str: ...
    def __init__(self, *args, **kwargs) -> None: ...
    @property
    def annotation_genome(self) -> typing.Any:
        """
        The Genome this row belongs to.
        """
    @property
    def id(self) -> str | None: ...
    @property
    def index(self) -> int: ...
    @property
    def transcript(self) -> Transcript: ...
    @property
    def tran(self) -> Transcript: ...
    @property
    def cds(self) -> Cds | None: ...
    @property
    def utr5(self) -> Utr | None: ...
    @property
    def utr3(self) -> Utr | None: ...
    @property
    def prev_exon(self) -> Exon | None: ...
    @property
    def next_exon(self) -> Exon | None: ...
    @property
    def prev_intron(self) -> Intron | None: ...
    @property
    def next_intron(self) -> Intron | None: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...

class Intron(_AnnoRow):
    """
    An intron: intron i lies between exon i and exon i+1.
    """
    def __eq__(self, other: object) -> bool: ...
    def __ge__(self, other: typing.Any) -> typing.Any: ...
    def __gt__(self, other: typing.Any) -> typing.Any: ...
    def __hash__(self) -> int: ...
    def __le__(self, other: typing.Any) -> typing.Any: ...
    def __lt__(self, other: typing.Any) -> typing.Any: ...
    def __ne__(self, other: object) -> bool: ...
    def __reduce__(self) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def __str__(self) -> str: ...
    def __init__(self, *args, **kwargs) -> None: ...
    @property
    def annotation_genome(self) -> typing.Any:
        """
        The Genome this row belongs to.
        """
    @property
    def index(self) -> int: ...
    @property
    def transcript(self) -> Transcript: ...
    @property
    def tran(self) -> Transcript: ...
    @property
    def prev_intron(self) -> Intron | None: ...
    @property
    def next_intron(self) -> Intron | None: ...
    @property
    def prev_exon(self) -> Exon: ...
    @property
    def next_exon(self) -> Exon: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...

class Cds(_AnnoRow):
    """
    The coding part of an exon.
    """
    def __eq__(self, other: object) -> bool: ...
    def __ge__(self, other: typing.Any) -> typing.Any: ...
    def __gt__(self, other: typing.Any) -> typing.Any: ...
    def __hash__(self) -> int: ...
    def __le__(self, other: typing.Any) -> typing.Any: ...
    def __lt__(self, other: typing.Any) -> typing.Any: ...
    def __ne__(self, other: object) -> bool: ...
    def __reduce__(self) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def __str__(self) -> str: ...
    def __init__(self, *args, **kwargs) -> None: ...
    @property
    def annotation_genome(self) -> typing.Any:
        """
        The Genome this row belongs to.
        """
    @property
    def phase(self) -> int: ...
    @property
    def exon(self) -> Exon: ...
    @property
    def transcript(self) -> Transcript: ...
    @property
    def tran(self) -> Transcript: ...
    @property
    def prev_cds(self) -> Cds | None: ...
    @property
    def next_cds(self) -> Cds | None: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...

class Utr(_AnnoRow):
    """
    An untranslated (5' or 3') part of an exon.
    """
    def __eq__(self, other: object) -> bool: ...
    def __ge__(self, other: typing.Any) -> typing.Any: ...
    def __gt__(self, other: typing.Any) -> typing.Any: ...
    def __hash__(self) -> int: ...
    def __le__(self, other: typing.Any) -> typing.Any: ...
    def __lt__(self, other: typing.Any) -> typing.Any: ...
    def __ne__(self, other: object) -> bool: ...
    def __reduce__(self) -> tuple[typing.Any, ...]: ...
    def __repr__(self) -> str: ...
    def __str__(self) -> str: ...
    def __init__(self, *args, **kwargs) -> None: ...
    @property
    def annotation_genome(self) -> typing.Any:
        """
        The Genome this row belongs to.
        """
    @property
    def exon(self) -> Exon: ...
    @property
    def transcript(self) -> Transcript: ...
    @property
    def tran(self) -> Transcript: ...
    @property
    def prev_utr(self) -> Utr | None: ...
    @property
    def next_utr(self) -> Utr | None: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def strand(self) -> str: ...
    @property
    def chromosome(self) -> str: ...
    @property
    def chrom(self) -> str: ...

class _AnnoTable:
    pass

class GeneTable(_AnnoTable):
    def __getitem__(self, key: typing.Any) -> Gene: ...
    def find_3p_aligned(self, interval: Interval) -> list[Gene]: ...
    def find_3p_within(self, interval: Interval) -> list[Gene]: ...
    def find_5p_aligned(self, interval: Interval) -> list[Gene]: ...
    def find_5p_within(self, interval: Interval) -> list[Gene]: ...
    def find_exact(self, interval: Interval) -> list[Gene]: ...
    def find_overlapping(self, interval: Interval) -> list[Gene]: ...
    def find_within(self, interval: Interval) -> list[Gene]: ...
    def __iter__(self) -> collections.abc.Iterator[Gene]: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[typing.Any, tuple[typing.Any, str]]: ...
    def __repr__(self) -> str: ...
    def _columns(self) -> dict: ...
    def _find_batch(
        self: _AnnoTable,
        method: str,
        chromosomes: typing.Annotated[numpy.typing.ArrayLike, numpy.int32],
        strands: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8],
        starts: typing.Any,
        ends: typing.Any,
    ) -> tuple: ...
    def _find_batch_intervals(self: _AnnoTable, method: str, intervals: typing.Any) -> tuple: ...
    def _refg_name(self) -> str: ...
    def _row_range(
        self, begin: typing.SupportsInt | typing.SupportsIndex, end: typing.SupportsInt | typing.SupportsIndex
    ) -> list:
        """
        Row objects of rows [begin, end) (chunks of table iteration).
        """
    def find_batch(
        self,
        intervals=None,
        method: str = "overlapping",
        *,
        chromosomes=None,
        strands=None,
        starts=None,
        ends=None,
    ):
        """
        Runs one positional query for many intervals at once (the GIL is released).

            Give either ``intervals`` (a sequence of Intervals) or the four arrays
            ``chromosomes`` (names or aliases), ``strands`` (``"+"``/``"-"``),
            ``starts`` and ``ends`` (DNA0). ``method`` is one of ``overlapping``,
            ``within``, ``exact``, ``5p_within``, ``3p_within``, ``5p_aligned``,
            ``3p_aligned`` (same semantics and result order as ``find_<method>``).

            Returns ``(offsets, rows)``: int64 offsets of length ``n + 1`` and the
            uint32 row numbers of all results; the results of query ``i`` are
            ``rows[offsets[i]:offsets[i+1]]`` (use ``table.rows(...)`` for objects).

        """
    def find_by_id(self, id: str) -> list:
        """
        Every row whose id is `id` or `id` plus a version suffix ('.N'), in file order.
        """
    def first_by_name(self, name: str) -> typing.Any:
        """
        First gene (file order) with this name, or None.
        """
    def index_of(self, element: typing.Any) -> int:
        """
        Row number of an element of this table.
        """
    def rows(self, indices: typing.Any) -> list:
        """
        Row objects for an array of row numbers (e.g. from find_batch).
        """
    def to_arrow(self) -> typing.Any:
        """
        All fields of the table as a pyarrow Table (requires pyarrow; a copy).
        """
    def to_pandas(self) -> typing.Any:
        """
        All fields of the table as a pandas DataFrame (one row per table row, file order; a copy).
        """
    def where(self, mask: typing.Any) -> list:
        """
        Rows where a bool mask (one entry per row) is True.
        """
    @property
    def _refg(self) -> str: ...
    @property
    def stranded(self) -> bool: ...

class TranscriptTable(_AnnoTable):
    def __getitem__(self, key: typing.Any) -> Transcript: ...
    def find_3p_aligned(self, interval: Interval) -> list[Transcript]: ...
    def find_3p_within(self, interval: Interval) -> list[Transcript]: ...
    def find_5p_aligned(self, interval: Interval) -> list[Transcript]: ...
    def find_5p_within(self, interval: Interval) -> list[Transcript]: ...
    def find_exact(self, interval: Interval) -> list[Transcript]: ...
    def find_overlapping(self, interval: Interval) -> list[Transcript]: ...
    def find_within(self, interval: Interval) -> list[Transcript]: ...
    def __iter__(self) -> collections.abc.Iterator[Transcript]: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[typing.Any, tuple[typing.Any, str]]: ...
    def __repr__(self) -> str: ...
    def _columns(self) -> dict: ...
    def _find_batch(
        self: _AnnoTable,
        method: str,
        chromosomes: typing.Annotated[numpy.typing.ArrayLike, numpy.int32],
        strands: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8],
        starts: typing.Any,
        ends: typing.Any,
    ) -> tuple: ...
    def _find_batch_intervals(self: _AnnoTable, method: str, intervals: typing.Any) -> tuple: ...
    def _refg_name(self) -> str: ...
    def _row_range(
        self, begin: typing.SupportsInt | typing.SupportsIndex, end: typing.SupportsInt | typing.SupportsIndex
    ) -> list:
        """
        Row objects of rows [begin, end) (chunks of table iteration).
        """
    def find_batch(
        self,
        intervals=None,
        method: str = "overlapping",
        *,
        chromosomes=None,
        strands=None,
        starts=None,
        ends=None,
    ):
        """
        Runs one positional query for many intervals at once (the GIL is released).

            Give either ``intervals`` (a sequence of Intervals) or the four arrays
            ``chromosomes`` (names or aliases), ``strands`` (``"+"``/``"-"``),
            ``starts`` and ``ends`` (DNA0). ``method`` is one of ``overlapping``,
            ``within``, ``exact``, ``5p_within``, ``3p_within``, ``5p_aligned``,
            ``3p_aligned`` (same semantics and result order as ``find_<method>``).

            Returns ``(offsets, rows)``: int64 offsets of length ``n + 1`` and the
            uint32 row numbers of all results; the results of query ``i`` are
            ``rows[offsets[i]:offsets[i+1]]`` (use ``table.rows(...)`` for objects).

        """
    def find_by_id(self, id: str) -> list:
        """
        Every row whose id is `id` or `id` plus a version suffix ('.N'), in file order.
        """
    def index_of(self, element: typing.Any) -> int:
        """
        Row number of an element of this table.
        """
    def rows(self, indices: typing.Any) -> list:
        """
        Row objects for an array of row numbers (e.g. from find_batch).
        """
    def to_arrow(self) -> typing.Any:
        """
        All fields of the table as a pyarrow Table (requires pyarrow; a copy).
        """
    def to_pandas(self) -> typing.Any:
        """
        All fields of the table as a pandas DataFrame (one row per table row, file order; a copy).
        """
    def where(self, mask: typing.Any) -> list:
        """
        Rows where a bool mask (one entry per row) is True.
        """
    @property
    def _refg(self) -> str: ...
    @property
    def stranded(self) -> bool: ...

class ExonTable(_AnnoTable):
    def __getitem__(self, key: typing.Any) -> Exon: ...
    def find_3p_aligned(self, interval: Interval) -> list[Exon]: ...
    def find_3p_within(self, interval: Interval) -> list[Exon]: ...
    def find_5p_aligned(self, interval: Interval) -> list[Exon]: ...
    def find_5p_within(self, interval: Interval) -> list[Exon]: ...
    def find_exact(self, interval: Interval) -> list[Exon]: ...
    def find_overlapping(self, interval: Interval) -> list[Exon]: ...
    def find_within(self, interval: Interval) -> list[Exon]: ...
    def __iter__(self) -> collections.abc.Iterator[Exon]: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[typing.Any, tuple[typing.Any, str]]: ...
    def __repr__(self) -> str: ...
    def _columns(self) -> dict: ...
    def _find_batch(
        self: _AnnoTable,
        method: str,
        chromosomes: typing.Annotated[numpy.typing.ArrayLike, numpy.int32],
        strands: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8],
        starts: typing.Any,
        ends: typing.Any,
    ) -> tuple: ...
    def _find_batch_intervals(self: _AnnoTable, method: str, intervals: typing.Any) -> tuple: ...
    def _refg_name(self) -> str: ...
    def _row_range(
        self, begin: typing.SupportsInt | typing.SupportsIndex, end: typing.SupportsInt | typing.SupportsIndex
    ) -> list:
        """
        Row objects of rows [begin, end) (chunks of table iteration).
        """
    def find_batch(
        self,
        intervals=None,
        method: str = "overlapping",
        *,
        chromosomes=None,
        strands=None,
        starts=None,
        ends=None,
    ):
        """
        Runs one positional query for many intervals at once (the GIL is released).

            Give either ``intervals`` (a sequence of Intervals) or the four arrays
            ``chromosomes`` (names or aliases), ``strands`` (``"+"``/``"-"``),
            ``starts`` and ``ends`` (DNA0). ``method`` is one of ``overlapping``,
            ``within``, ``exact``, ``5p_within``, ``3p_within``, ``5p_aligned``,
            ``3p_aligned`` (same semantics and result order as ``find_<method>``).

            Returns ``(offsets, rows)``: int64 offsets of length ``n + 1`` and the
            uint32 row numbers of all results; the results of query ``i`` are
            ``rows[offsets[i]:offsets[i+1]]`` (use ``table.rows(...)`` for objects).

        """
    def index_of(self, element: typing.Any) -> int:
        """
        Row number of an element of this table.
        """
    def rows(self, indices: typing.Any) -> list:
        """
        Row objects for an array of row numbers (e.g. from find_batch).
        """
    def to_arrow(self) -> typing.Any:
        """
        All fields of the table as a pyarrow Table (requires pyarrow; a copy).
        """
    def to_pandas(self) -> typing.Any:
        """
        All fields of the table as a pandas DataFrame (one row per table row, file order; a copy).
        """
    def where(self, mask: typing.Any) -> list:
        """
        Rows where a bool mask (one entry per row) is True.
        """
    @property
    def _refg(self) -> str: ...
    @property
    def stranded(self) -> bool: ...

class IntronTable(_AnnoTable):
    def __getitem__(self, key: typing.Any) -> Intron: ...
    def find_3p_aligned(self, interval: Interval) -> list[Intron]: ...
    def find_3p_within(self, interval: Interval) -> list[Intron]: ...
    def find_5p_aligned(self, interval: Interval) -> list[Intron]: ...
    def find_5p_within(self, interval: Interval) -> list[Intron]: ...
    def find_exact(self, interval: Interval) -> list[Intron]: ...
    def find_overlapping(self, interval: Interval) -> list[Intron]: ...
    def find_within(self, interval: Interval) -> list[Intron]: ...
    def __iter__(self) -> collections.abc.Iterator[Intron]: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[typing.Any, tuple[typing.Any, str]]: ...
    def __repr__(self) -> str: ...
    def _columns(self) -> dict: ...
    def _find_batch(
        self: _AnnoTable,
        method: str,
        chromosomes: typing.Annotated[numpy.typing.ArrayLike, numpy.int32],
        strands: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8],
        starts: typing.Any,
        ends: typing.Any,
    ) -> tuple: ...
    def _find_batch_intervals(self: _AnnoTable, method: str, intervals: typing.Any) -> tuple: ...
    def _refg_name(self) -> str: ...
    def _row_range(
        self, begin: typing.SupportsInt | typing.SupportsIndex, end: typing.SupportsInt | typing.SupportsIndex
    ) -> list:
        """
        Row objects of rows [begin, end) (chunks of table iteration).
        """
    def find_batch(
        self,
        intervals=None,
        method: str = "overlapping",
        *,
        chromosomes=None,
        strands=None,
        starts=None,
        ends=None,
    ):
        """
        Runs one positional query for many intervals at once (the GIL is released).

            Give either ``intervals`` (a sequence of Intervals) or the four arrays
            ``chromosomes`` (names or aliases), ``strands`` (``"+"``/``"-"``),
            ``starts`` and ``ends`` (DNA0). ``method`` is one of ``overlapping``,
            ``within``, ``exact``, ``5p_within``, ``3p_within``, ``5p_aligned``,
            ``3p_aligned`` (same semantics and result order as ``find_<method>``).

            Returns ``(offsets, rows)``: int64 offsets of length ``n + 1`` and the
            uint32 row numbers of all results; the results of query ``i`` are
            ``rows[offsets[i]:offsets[i+1]]`` (use ``table.rows(...)`` for objects).

        """
    def index_of(self, element: typing.Any) -> int:
        """
        Row number of an element of this table.
        """
    def rows(self, indices: typing.Any) -> list:
        """
        Row objects for an array of row numbers (e.g. from find_batch).
        """
    def to_arrow(self) -> typing.Any:
        """
        All fields of the table as a pyarrow Table (requires pyarrow; a copy).
        """
    def to_pandas(self) -> typing.Any:
        """
        All fields of the table as a pandas DataFrame (one row per table row, file order; a copy).
        """
    def where(self, mask: typing.Any) -> list:
        """
        Rows where a bool mask (one entry per row) is True.
        """
    @property
    def _refg(self) -> str: ...
    @property
    def stranded(self) -> bool: ...

class CdsTable(_AnnoTable):
    def __getitem__(self, key: typing.Any) -> Cds: ...
    def find_3p_aligned(self, interval: Interval) -> list[Cds]: ...
    def find_3p_within(self, interval: Interval) -> list[Cds]: ...
    def find_5p_aligned(self, interval: Interval) -> list[Cds]: ...
    def find_5p_within(self, interval: Interval) -> list[Cds]: ...
    def find_exact(self, interval: Interval) -> list[Cds]: ...
    def find_overlapping(self, interval: Interval) -> list[Cds]: ...
    def find_within(self, interval: Interval) -> list[Cds]: ...
    def __iter__(self) -> collections.abc.Iterator[Cds]: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[typing.Any, tuple[typing.Any, str]]: ...
    def __repr__(self) -> str: ...
    def _columns(self) -> dict: ...
    def _find_batch(
        self: _AnnoTable,
        method: str,
        chromosomes: typing.Annotated[numpy.typing.ArrayLike, numpy.int32],
        strands: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8],
        starts: typing.Any,
        ends: typing.Any,
    ) -> tuple: ...
    def _find_batch_intervals(self: _AnnoTable, method: str, intervals: typing.Any) -> tuple: ...
    def _refg_name(self) -> str: ...
    def _row_range(
        self, begin: typing.SupportsInt | typing.SupportsIndex, end: typing.SupportsInt | typing.SupportsIndex
    ) -> list:
        """
        Row objects of rows [begin, end) (chunks of table iteration).
        """
    def find_batch(
        self,
        intervals=None,
        method: str = "overlapping",
        *,
        chromosomes=None,
        strands=None,
        starts=None,
        ends=None,
    ):
        """
        Runs one positional query for many intervals at once (the GIL is released).

            Give either ``intervals`` (a sequence of Intervals) or the four arrays
            ``chromosomes`` (names or aliases), ``strands`` (``"+"``/``"-"``),
            ``starts`` and ``ends`` (DNA0). ``method`` is one of ``overlapping``,
            ``within``, ``exact``, ``5p_within``, ``3p_within``, ``5p_aligned``,
            ``3p_aligned`` (same semantics and result order as ``find_<method>``).

            Returns ``(offsets, rows)``: int64 offsets of length ``n + 1`` and the
            uint32 row numbers of all results; the results of query ``i`` are
            ``rows[offsets[i]:offsets[i+1]]`` (use ``table.rows(...)`` for objects).

        """
    def index_of(self, element: typing.Any) -> int:
        """
        Row number of an element of this table.
        """
    def rows(self, indices: typing.Any) -> list:
        """
        Row objects for an array of row numbers (e.g. from find_batch).
        """
    def to_arrow(self) -> typing.Any:
        """
        All fields of the table as a pyarrow Table (requires pyarrow; a copy).
        """
    def to_pandas(self) -> typing.Any:
        """
        All fields of the table as a pandas DataFrame (one row per table row, file order; a copy).
        """
    def where(self, mask: typing.Any) -> list:
        """
        Rows where a bool mask (one entry per row) is True.
        """
    @property
    def _refg(self) -> str: ...
    @property
    def stranded(self) -> bool: ...

class UtrTable(_AnnoTable):
    def __getitem__(self, key: typing.Any) -> Utr: ...
    def find_3p_aligned(self, interval: Interval) -> list[Utr]: ...
    def find_3p_within(self, interval: Interval) -> list[Utr]: ...
    def find_5p_aligned(self, interval: Interval) -> list[Utr]: ...
    def find_5p_within(self, interval: Interval) -> list[Utr]: ...
    def find_exact(self, interval: Interval) -> list[Utr]: ...
    def find_overlapping(self, interval: Interval) -> list[Utr]: ...
    def find_within(self, interval: Interval) -> list[Utr]: ...
    def __iter__(self) -> collections.abc.Iterator[Utr]: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[typing.Any, tuple[typing.Any, str]]: ...
    def __repr__(self) -> str: ...
    def _columns(self) -> dict: ...
    def _find_batch(
        self: _AnnoTable,
        method: str,
        chromosomes: typing.Annotated[numpy.typing.ArrayLike, numpy.int32],
        strands: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8],
        starts: typing.Any,
        ends: typing.Any,
    ) -> tuple: ...
    def _find_batch_intervals(self: _AnnoTable, method: str, intervals: typing.Any) -> tuple: ...
    def _refg_name(self) -> str: ...
    def _row_range(
        self, begin: typing.SupportsInt | typing.SupportsIndex, end: typing.SupportsInt | typing.SupportsIndex
    ) -> list:
        """
        Row objects of rows [begin, end) (chunks of table iteration).
        """
    def find_batch(
        self,
        intervals=None,
        method: str = "overlapping",
        *,
        chromosomes=None,
        strands=None,
        starts=None,
        ends=None,
    ):
        """
        Runs one positional query for many intervals at once (the GIL is released).

            Give either ``intervals`` (a sequence of Intervals) or the four arrays
            ``chromosomes`` (names or aliases), ``strands`` (``"+"``/``"-"``),
            ``starts`` and ``ends`` (DNA0). ``method`` is one of ``overlapping``,
            ``within``, ``exact``, ``5p_within``, ``3p_within``, ``5p_aligned``,
            ``3p_aligned`` (same semantics and result order as ``find_<method>``).

            Returns ``(offsets, rows)``: int64 offsets of length ``n + 1`` and the
            uint32 row numbers of all results; the results of query ``i`` are
            ``rows[offsets[i]:offsets[i+1]]`` (use ``table.rows(...)`` for objects).

        """
    def index_of(self, element: typing.Any) -> int:
        """
        Row number of an element of this table.
        """
    def rows(self, indices: typing.Any) -> list:
        """
        Row objects for an array of row numbers (e.g. from find_batch).
        """
    def to_arrow(self) -> typing.Any:
        """
        All fields of the table as a pyarrow Table (requires pyarrow; a copy).
        """
    def to_pandas(self) -> typing.Any:
        """
        All fields of the table as a pandas DataFrame (one row per table row, file order; a copy).
        """
    def where(self, mask: typing.Any) -> list:
        """
        Rows where a bool mask (one entry per row) is True.
        """
    @property
    def _refg(self) -> str: ...
    @property
    def stranded(self) -> bool: ...

class AnnotationFile:
    """
    A mapped .gkanno file (internal).
    """
    def __init__(self, path: str, reference_genome: typing.Any, config: str) -> None: ...
    def table(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> typing.Any: ...
    @property
    def config(self) -> str: ...
    @property
    def filename(self) -> str: ...

class LiftOver:
    """
    Compiled chain-file index; use genome_kit.LiftOver.
    """
    def __init__(
        self,
        stream: typing.Any,
        name: str,
        target: typing.Any,
        min_match: typing.SupportsFloat | typing.SupportsIndex = 0.95,
    ) -> None: ...
    def _lift_arrays(
        self,
        chrom: typing.Any,
        start: typing.Any,
        end: typing.Any,
        strand: typing.Any,
        min_match: typing.Any = None,
    ) -> tuple[
        numpy.typing.NDArray[numpy.int32],
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.int64],
        numpy.typing.NDArray[numpy.uint8],
        numpy.typing.NDArray[numpy.uint8],
    ]: ...
    def convert_coordinate(
        self, chrom: str, pos: typing.SupportsInt | typing.SupportsIndex, strand: str = "+"
    ) -> typing.Any:
        """
        pyliftover's point conversion: every chain block holding base ``pos`` (DNA0) of ``chrom`` as ``(chrom, pos, strand, score)`` tuples by decreasing chain score; ``[]`` in a gap, None for a chromosome the chains lack.
        """
    def lift(self, interval: Interval, min_match: typing.Any = None) -> typing.Any:
        """
        The Interval on the target assembly, or None when UCSC liftOver leaves it unmapped (``lift_with_reason`` says why).
        """
    def lift_with_reason(self, interval: Interval, min_match: typing.Any = None) -> tuple[typing.Any, str]:
        """
        ``(interval, reason)``: the lifted Interval and ``""``, or None and UCSC's reason (``"Deleted in new"``, ``"Partially deleted in new"``, ``"Split in new"``, ``"Duplicated in new"``).
        """
    @property
    def min_match(self) -> float:
        """
        Default fraction of an interval's bases that must align (UCSC -minMatch).
        """
    @property
    def num_chains(self) -> int:
        """
        Number of chains in the file.
        """
    @property
    def source_chromosomes(self) -> list[str]:
        """
        Source (old assembly) chromosome names of the chains, in file order: the indexes ``lift_arrays`` takes.
        """
    @property
    def target(self) -> str:
        """
        Name of the target assembly, the reference genome of lifted Intervals.
        """
    @property
    def target_chromosomes(self) -> list[str]:
        """
        Target (new assembly) chromosome names of the chains, in file order: the indexes ``lift_arrays`` returns.
        """

class BatchJob:
    """
    A batch being filled in the background (BatchFiller.start).
    """
    def wait(self) -> None:
        """
        Waits until the batch is filled; raises the first error of its windows.
        """

class BatchFiller:
    """
    Batch filler of genome_kit.loader.WindowLoader.
    """
    def __init__(
        self,
        dna: typing.Any,
        chromosomes: collections.abc.Sequence[str],
        variants: list,
        targets: list,
        partner: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex],
        length: typing.SupportsInt | typing.SupportsIndex,
        resolution: typing.SupportsInt | typing.SupportsIndex,
        dtype: typing.Any,
        with_reference: bool,
    ) -> None: ...
    def start(
        self,
        chrom_index: typing.Any,
        starts: typing.Any,
        reverse: typing.Any,
        dna: typing.Any,
        reference: typing.Any,
        targets: typing.Any,
        threads: typing.SupportsInt | typing.SupportsIndex,
    ) -> BatchJob:
        """
        Starts filling a batch on `threads` C++ threads and returns its BatchJob at once.
        """
    @property
    def bins(self) -> int: ...
    @property
    def columns(self) -> int: ...
    @property
    def length(self) -> int: ...

def _assembly_name(arg0: typing.Any) -> str:
    """
    Assembly name of a reference-genome argument (loading it if needed).
    """

def _build_gencode(
    stream: typing.Any,
    name: str,
    out_path: str,
    reference_genome: typing.Any,
    allow_unknown_biotypes: bool = False,
) -> dict: ...
def _build_ncbi_refseq(
    stream: typing.Any,
    name: str,
    out_path: str,
    reference_genome: typing.Any,
    allow_unknown_biotypes: bool = False,
) -> dict: ...
def _build_ucsc_refseq(
    ref_gene: typing.Any,
    ref_gene_name: str,
    ref_link: typing.Any,
    ref_link_name: str,
    out_path: str,
    reference_genome: typing.Any,
) -> dict: ...
def _canonical_chromosome(arg0: typing.Any, arg1: str) -> str:
    """
    Canonical name of a chromosome or alias.
    """

def _chrom_index(arg0: typing.Any, arg1: str) -> int:
    """
    Current chromosome index of a name or alias (ValueError if unknown).
    """

def _chromosomes(arg0: typing.Any) -> list:
    """
    Chromosome names of chrom.sizes, in file order.
    """

def _convert_dganno(path: str, out_path: str, reference_genome: typing.Any) -> None:
    """
    Writes the .gkanno image of a GenomeKit .dganno file (atomically).
    """

def _find_motif(
    dna: GenomeDNA,
    interval: Interval,
    motif: str,
    match_position: typing.SupportsInt | typing.SupportsIndex,
    find_overlapping_motifs: bool,
) -> list:
    """
    Motif hits on the reference as empty Intervals (see Genome.find_motif).
    """

def _halves_to_floats(
    halves: numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], portable: bool = False
) -> numpy.typing.NDArray[numpy.float32]:
    """
    float16 bit patterns to float32 through the track decoder's kernel (for tests).
    """

def _is_registered(arg0: str) -> bool: ...
def _register_assembly(name: str, sizes_path: str, alias_path: str = "") -> int: ...
def _register_assembly_alias(arg0: str, arg1: str) -> None: ...
def _set_assembly_loader(arg0: typing.Any) -> None:
    """
    Installs the function C++ calls to load an unknown reference genome by name.
    """

def _unpickle_interval(*args, **kwargs):
    """
    Rebuilds a pickled Interval (internal).
    """

def _variant_pairs(
    dna: GenomeDNA,
    variants: typing.Any,
    intervals: typing.Any,
    width: typing.SupportsInt | typing.SupportsIndex,
    one_hot: typing.Any,
    allow_outside_chromosome: bool,
    out: typing.Any = None,
) -> typing.Any:
    """
    Per-variant REF/ALT windows (see VariantGenome.variant_pairs).
    """

def bsd_sum_update(state: typing.SupportsInt | typing.SupportsIndex, data: typing_extensions.Buffer) -> int:
    """
    BSD ``sum`` (``sum -r``) state after feeding ``data`` to ``state`` (start from 0).
    """

def build_vcfbin(
    stream: typing.Any,
    source_name: str,
    out_path: str,
    reference_genome: typing.Any,
    fields: list,
    genome_dna: typing.Any,
    validate: bool,
    normalize: bool,
    unsupported: str,
    exclude: typing.Any,
    allow: typing.Any,
    ancestral: str,
    split_multiallelic: bool,
    provenance: str,
) -> dict:
    """
    Converts VCF text from a binary stream to a .vcfbin file (see genome_kit.VCFTable.build_vcfbin).
    """

def track_format_version() -> int:
    """
    Version of the .gtrack format this build writes.
    """

def write_file_atomic(path: str, data: bytes) -> None:
    """
    Writes `data` to `path` through a locked temporary file and an atomic rename (stale temporaries of killed writers are reclaimed).
    """

def write_twobit(
    stream: typing.Any,
    source_name: str,
    out_path: str,
    version: typing.SupportsInt | typing.SupportsIndex = -1,
    sizes_path: str = "",
) -> list[tuple[str, int]]:
    """
    Writes FASTA text read from a binary stream to a .2bit file (and, with sizes_path, its chrom.sizes, committed first); returns [(name, size)].
    """

ANNOTATION_FORMAT_VERSION: int = 4
LIFT_REASONS: tuple = (
    "",
    "Deleted in new",
    "Partially deleted in new",
    "Split in new",
    "Duplicated in new",
    "Target chromosome not in the target assembly",
)
VCFBIN_VERSION: int = 4
_Utr3Table = UtrTable
