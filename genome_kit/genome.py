"""Genome: an assembly (DNA, chromosomes, aliases), optionally with its annotation."""

from __future__ import annotations

import functools
import weakref

from . import _assemblies, gk_data
from .genome_dna import GenomeDNA
from .interval import Interval


class Genome:
    """A reference assembly, or a gene annotation on one, named by its config.

    ``Genome("hg38.p14")`` is an assembly: ``hg38.p14.2bit`` (sequence),
    ``hg38.p14.chrom.sizes`` and optionally ``hg38.p14.chromAlias.txt``.
    ``Genome("gencode.v41")`` is an annotation whose ``gencode.v41.cfg`` names
    its assembly. Files come from the active data manager
    (``genome_kit.gk_data.data_manager``). One instance exists per config;
    Genomes pickle by config.
    """

    _instances: weakref.WeakValueDictionary[str, Genome] = weakref.WeakValueDictionary()
    _config: str
    _refg: str | None  # None until first use in an unpickled Genome (see _unpickle)

    def __new__(cls, config: str):
        # The config is taken here rather than in __init__: subclasses written for GenomeKit choose or
        # rewrite the config in their own __new__, while Python hands __init__ their original arguments.
        if not isinstance(config, str):
            raise TypeError(f"config must be a str, got {type(config).__name__}")
        if not config:
            raise ValueError(
                "No config specified: expected an assembly or annotation name such as 'hg38.p14'"
            )
        if cls is Genome:
            existing = Genome._instances.get(config)
            if existing is not None:
                return existing
        self = super().__new__(cls)
        self._refg = _assemblies.assembly_of(config)
        self._config = config
        if cls is Genome:
            Genome._instances[config] = self
        return self

    def __init__(self, config: str = ""):
        """Nothing left to do: ``__new__`` opened the config (so a subclass may pass any arguments)."""

    # --- identity ---
    @property
    def config(self) -> str:
        """The config name this genome was opened with."""
        return self._config

    @property
    def refg(self) -> str:
        """Name of the reference assembly."""
        if self._refg is None:  # unpickled: resolved on first use (see _unpickle)
            self._refg = _assemblies.assembly_of(self._config)
        return self._refg

    reference_genome = refg

    @property
    def data_dir(self) -> str:
        """Directory of the active data manager."""
        return gk_data.data_manager.data_dir

    def __repr__(self) -> str:
        return f'Genome("{self._config}")'

    def __reduce__(self):
        # With the data-manager set-up chosen in code, so that spawned workers resolve the same files.
        return (_unpickle, (gk_data.pickled_setup(), type(self), self._config))

    def __eq__(self, other) -> bool:
        if not isinstance(other, Genome):
            return NotImplemented
        return self._config == other._config

    def __hash__(self) -> int:
        return hash(("Genome", self._config))

    # --- sequence ---
    @functools.cached_property
    def dna(self) -> GenomeDNA:
        """Callable DNA accessor: ``genome.dna(interval, allow_outside_chromosome=True, soft_mask=False)``."""
        return GenomeDNA(gk_data.get_file(f"{self.refg}.2bit"), self.refg)

    def dna_batch(
        self, intervals, allow_outside_chromosome: bool = True, soft_mask: bool = False
    ) -> list[str]:
        """DNA of many intervals in one call (decoded without the GIL)."""
        return self.dna.dna_batch(intervals, allow_outside_chromosome, soft_mask)

    def one_hot(self, intervals, dtype: str = "uint8", allow_outside_chromosome: bool = True):
        """One-hot DNA of equal-length intervals as a ``(N, L, 4)`` numpy array.

        Channels are A, C, G, T; ``N`` (and any base outside the chromosome)
        is all zeros. ``dtype`` is uint8, float32 or float16 (a name or numpy type); a single
        Interval gives an ``(L, 4)`` array.
        """
        if isinstance(intervals, Interval):
            return self.dna.one_hot([intervals], dtype, allow_outside_chromosome)[0]
        return self.dna.one_hot(intervals, dtype, allow_outside_chromosome)

    # --- chromosomes ---
    @functools.cached_property
    def _sizes(self) -> dict[str, int]:
        sizes = {}
        with open(gk_data.get_file(f"{self.refg}.chrom.sizes")) as f:
            for line in f:
                fields = line.split()
                if fields and not fields[0].startswith("#"):
                    sizes[fields[0]] = int(fields[1])
        return sizes

    @property
    def chromosomes(self) -> list[str]:
        """Chromosome names in the order of ``<refg>.chrom.sizes``."""
        return list(self._sizes)

    def chromosome_size(self, chromosome: str) -> int:
        """Size of a chromosome as named in ``chrom.sizes`` (aliases are not resolved)."""
        try:
            return self._sizes[chromosome]
        except KeyError:
            raise ValueError(
                f"No such chromosome: {chromosome}. \nSupported values: {list(self._sizes)}"
            ) from None

    def chrom_aliases(self, scheme: str | None = None) -> dict:
        """Chromosome aliases from ``<refg>.chromAlias.txt``.

        Without ``scheme``: ``{canonical: {scheme: alias}}``. With a scheme
        (e.g. ``"refseq"``, case-insensitive): ``{alias: canonical}``.
        """
        path = gk_data.get_file(f"{self.refg}.chromAlias.txt")
        with open(path) as f:
            lines = [line.rstrip("\r\n") for line in f if line.strip()]
        header = lines[0].lstrip("#").strip().split("\t") if lines and lines[0].startswith("#") else []
        rows = [line.split("\t") for line in lines if not line.startswith("#")]
        if not header:
            header = [f"column{k}" for k in range(max((len(r) for r in rows), default=0))]
        if scheme is None:
            return {r[0]: {h: (r[k] if k < len(r) else "") for k, h in enumerate(header)} for r in rows}
        wanted = scheme.lower()
        columns = [h.lower() for h in header]
        if wanted not in columns:
            raise ValueError(f"No such alias scheme: {scheme}. \nSupported values: {header}")
        k = columns.index(wanted)
        return {r[k]: r[0] for r in rows if k < len(r) and r[k]}

    # --- annotation ---
    @functools.cached_property
    def annotation(self):
        """The gene annotation (:class:`~genome_kit.GenomeAnnotation`), opened on first use.

        Raises ValueError for an assembly-only genome."""
        from .genome_annotation import GenomeAnnotation

        if self._config == self.refg:
            raise ValueError(f"{self!r} is an assembly, not a registered annotation: no genes on it")
        return GenomeAnnotation(_assemblies.annotation_file(self._config), self.refg, self._config)

    @property
    def anno(self):
        """Alias of :attr:`annotation`."""
        return self.annotation

    @property
    def genes(self):
        """Gene table of the annotation."""
        return self.annotation.genes

    @property
    def transcripts(self):
        """Transcript table of the annotation."""
        return self.annotation.transcripts

    trans = transcripts

    @property
    def exons(self):
        """Exon table of the annotation."""
        return self.annotation.exons

    @property
    def introns(self):
        """Intron table of the annotation."""
        return self.annotation.introns

    @property
    def cdss(self):
        """CDS table of the annotation."""
        return self.annotation.cdss

    @property
    def utr5s(self):
        """5' UTR table of the annotation."""
        return self.annotation.utr5s

    @property
    def utr3s(self):
        """3' UTR table of the annotation."""
        return self.annotation.utr3s

    # --- APPRIS / MANE ---
    @functools.cached_property
    def _appris(self):
        from .appris_mane import load_appris

        return load_appris(self)

    @functools.cached_property
    def _mane(self):
        from .appris_mane import load_mane

        return load_mane(self)

    def appris_transcripts(self, gene=None) -> list:
        """Transcripts with APPRIS data; with ``gene`` (a Gene or gene id) that gene's, most principal first.

        Raises :class:`ApprisNotAvailableError` when the annotation has no APPRIS data."""
        from .appris_mane import gene_row

        table = self._appris
        rows = table.transcripts if gene is None else table.by_gene[gene_row(self, gene)]
        transcripts = self.transcripts
        return [transcripts[r] for r in rows]

    def appris_principality(self, transcript, as_string: bool = False):
        """APPRIS principality of a Transcript (or transcript id): 0 (``PRINCIPAL:1``) .. 6
        (``ALTERNATIVE:2``), None without APPRIS data. ``as_string=True`` gives the label; for a
        transcript without data it raises TypeError, as GenomeKit does."""
        from .appris_mane import APPRIS_PRINCIPALITY_NAMES, transcript_row

        table = self._appris
        p = table.principality[transcript_row(self, transcript)]
        if not as_string:
            return p
        if p is None:
            raise TypeError(f"{transcript!r} has no APPRIS principality, so no label")
        return APPRIS_PRINCIPALITY_NAMES[p]

    def mane_select_transcripts(self, gene=None) -> list:
        """MANE Select transcripts; with ``gene`` (a Gene or gene id) ``[]`` or ``[its transcript]``.

        Raises :class:`ManeNotAvailableError` when the annotation has no MANE data."""
        from .appris_mane import gene_row

        table = self._mane
        if gene is None:
            rows = table.select
        else:
            r = table.select_by_gene[gene_row(self, gene)]
            rows = [] if r is None else [r]
        transcripts = self.transcripts
        return [transcripts[r] for r in rows]

    def mane_plus_clinical_transcripts(self, gene=None) -> list:
        """MANE Plus Clinical transcripts, of all genes or of ``gene`` (a Gene or gene id).

        Raises :class:`ManeNotAvailableError` when the annotation has no MANE data."""
        from .appris_mane import gene_row

        table = self._mane
        rows = table.plus_clinical if gene is None else table.plus_clinical_by_gene[gene_row(self, gene)]
        transcripts = self.transcripts
        return [transcripts[r] for r in rows]

    def interval(self, chromosome: str, strand: str, start: int, end: int) -> Interval:
        """An Interval on this genome's assembly."""
        return Interval(chromosome, strand, start, end, self.refg)

    # --- variants ---
    def variant(self, variant: str):
        """Parses and validates a variant string such as ``"chr7:117,120,149:AT:G"`` on this genome.

        Same as :meth:`Variant.from_string` with this genome.
        """
        from .variant import Variant

        return Variant.from_string(variant, self)

    def variant_dna(self, interval: Interval, variants, allow_outside_chromosome: bool = True) -> str:
        """DNA of ``interval`` with ``variants`` applied (see :class:`VariantGenome`)."""
        from .variant_genome import VariantGenome

        return VariantGenome(self, variants).dna(interval, allow_outside_chromosome)

    def find_motif(
        self, interval: Interval, motif: str, match_position=0, find_overlapping_motifs: bool = False
    ):
        """Positions of ``motif`` in the DNA of ``interval``, as empty Intervals.

        ``match_position``: ``"5p"`` (= 0, the gap before the motif), ``"3p"``
        (= ``len(motif)``, the gap after it) or an int in between. The motif is
        case-insensitive; on ``-`` intervals it is matched on the reverse
        strand. Hits are in ascending coordinate order (also on ``-``); with
        ``find_overlapping_motifs=False`` a hit hides overlapping ones found
        later in ``+`` orientation.
        """
        from .variant_genome import find_motif_reference

        return find_motif_reference(self, interval, motif, match_position, find_overlapping_motifs)


def _unpickle(_setup, cls, config: str) -> Genome:
    """A Genome whose assembly is resolved on first use: a process that cannot resolve ``config``
    fails inside the task that uses it (reported to the sender), not while unpickling its arguments
    (which multiprocessing.Pool cannot report: it would wait forever)."""
    if cls is Genome and (existing := Genome._instances.get(config)) is not None:
        return existing
    genome = object.__new__(cls)
    genome._config, genome._refg = config, None
    if cls is Genome:
        Genome._instances[config] = genome
    return genome
