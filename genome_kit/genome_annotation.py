"""Gene annotations: builders, the annotation container and its tables.

The row classes (:class:`Gene`, :class:`Transcript`, :class:`Exon`,
:class:`Intron`, :class:`Cds`, :class:`Utr`) and tables (:class:`GeneTable`,
...) are implemented in C++; rows are Intervals that point into the
memory-mapped annotation file. This module adds the builders, batch queries,
DataFrame/Arrow export and the protein-coding / longest-transcript helpers.
See ``docs/annotations.md``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import warnings

import numpy as np

from . import _core, gk_data
from ._io import atomic_write_text, open_binary

Gene = _core.Gene
Transcript = _core.Transcript
Exon = _core.Exon
Intron = _core.Intron
Cds = _core.Cds
Utr = _core.Utr
GeneTable = _core.GeneTable
TranscriptTable = _core.TranscriptTable
ExonTable = _core.ExonTable
IntronTable = _core.IntronTable
CdsTable = _core.CdsTable
UtrTable = _core.UtrTable

TABLE_NAMES = ("genes", "transcripts", "exons", "introns", "cdss", "utr5s", "utr3s")
ANNOTATION_SUFFIX = ".gkanno"
#: GenomeKit's prebuilt annotations (read, converted on open; never written).
DGANNO_SUFFIX = ".v22.dganno"
_ALL_TABLE_TYPES = (GeneTable, TranscriptTable, ExonTable, IntronTable, CdsTable, UtrTable, _core._Utr3Table)
_FIND_METHODS = ("overlapping", "within", "exact", "5p_within", "3p_within", "5p_aligned", "3p_aligned")

__all__ = [
    "AnnotationWarning",
    "Cds",
    "CdsTable",
    "Exon",
    "ExonTable",
    "Gene",
    "GeneTable",
    "GenomeAnnotation",
    "Intron",
    "IntronTable",
    "Transcript",
    "TranscriptTable",
    "Utr",
    "UtrTable",
    "filter_mane_select",
    "filter_protein_coding",
    "longest_transcript",
]


class AnnotationWarning(UserWarning):
    """A build skipped rows of feature types the gene model does not use."""


def annotation_filename(config: str) -> str:
    """Data file name of an annotation genome_kit builds (``<config>.gkanno``)."""
    return f"{config}{ANNOTATION_SUFFIX}"


def dganno_cache_dir() -> str | None:
    """Where converted ``.dganno`` files are kept: ``$GENOMEKIT_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/genome_kit`` (``~/.cache/genome_kit``); ``GENOMEKIT_CACHE_DIR=none`` keeps
    nothing (every open converts in memory)."""
    d = os.environ.get("GENOMEKIT_CACHE_DIR")
    if d is not None:
        return None if d.strip().lower() in ("", "none") else d
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "genome_kit")


def _converted_dganno(path: str, reference_genome) -> str:
    """A GenomeKit .dganno converted once into genome_kit's layout, in the cache (opened by mmap
    from then on, like a .gkanno); the .dganno itself when there is no usable cache (it is then
    converted in memory on every open)."""
    cache = dganno_cache_dir()
    if cache is None:
        return path
    st = os.stat(path)
    refg = _core._assembly_name(reference_genome)
    key = f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}-{refg}-v{_core.ANNOTATION_FORMAT_VERSION}"
    out = os.path.join(cache, f"{os.path.basename(path)}.{key}{ANNOTATION_SUFFIX}")
    if os.path.exists(out):
        return out
    try:
        os.makedirs(cache, exist_ok=True)
        _core._convert_dganno(path, out, reference_genome)
    except PermissionError:
        return path  # read-only cache location: same rows, converted in memory
    return out


def _refg_of_builder_arg(reference_genome) -> str:
    from .genome import Genome

    if not isinstance(reference_genome, Genome):
        raise TypeError(f"Expected Genome, got '{type(reference_genome).__name__}'.")
    return reference_genome.refg


def _warn_ignored(report: dict, source: str) -> None:
    ignored = report.get("ignored_types") or {}
    if ignored:
        kinds = ", ".join(f"{k} ({n})" for k, n in sorted(ignored.items()))
        warnings.warn(
            AnnotationWarning(
                f"{source}: ignored rows of feature types the gene model does not use: {kinds}"
            ),
            stacklevel=3,
        )


@contextlib.contextmanager
def _annotation_pair(outfile, refg: str):
    """Commits ``<outfile>.cfg`` before the builder commits ``<outfile>.gkanno``:
    a build killed between the two leaves a config whose annotation file is
    missing (a clear FileNotFoundError, fixed by building again), never an
    annotation that no genome name opens. A build that fails puts the
    previous config back. Yields the two paths."""
    cfg = f"{os.fspath(outfile)}.cfg"
    try:
        with open(cfg) as f:
            previous: str | None = f.read()
    except FileNotFoundError:
        previous = None
    atomic_write_text(cfg, f"refg={refg}\n")
    try:
        yield [annotation_filename(os.fspath(outfile)), cfg]
    except BaseException:
        if previous is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(cfg)
        else:
            atomic_write_text(cfg, previous)
        raise


def _open_source(path):
    try:
        return open_binary(path)
    except FileNotFoundError as e:
        # OSError, as the reference raises for an unreadable input (conformance compares type names)
        raise OSError(f"Could not open {os.fspath(path)} for reading ({e.strerror})") from None


class GenomeAnnotation:
    """The gene annotation of a Genome: seven tables over one mapped file.

    Usually reached through a Genome (``genome.genes``, ``genome.exons``,
    ...). ``GenomeAnnotation(path, reference_genome, config)`` opens a file
    directly.
    """

    def __init__(self, path: str, reference_genome, config: str | None = None):
        path = os.fspath(path)
        if config is None:
            base = os.path.basename(path)
            for suffix in (ANNOTATION_SUFFIX, DGANNO_SUFFIX):
                if base.endswith(suffix):
                    base = base[: -len(suffix)]
                    break
            config = base
        self._filename = path
        if path.endswith(".dganno"):
            path = _converted_dganno(path, reference_genome)
        self._file = _core.AnnotationFile(path, reference_genome, config)
        self._tables = [self._file.table(i) for i in range(len(TABLE_NAMES))]

    @property
    def filename(self) -> str:
        """Path of the annotation file (a GenomeKit ``.dganno`` as given, not its converted copy)."""
        return self._filename

    @property
    def genes(self) -> GeneTable:
        return self._tables[0]

    @property
    def transcripts(self) -> TranscriptTable:
        return self._tables[1]

    trans = transcripts

    @property
    def exons(self) -> ExonTable:
        return self._tables[2]

    @property
    def introns(self) -> IntronTable:
        return self._tables[3]

    @property
    def cdss(self) -> CdsTable:
        return self._tables[4]

    @property
    def utr5s(self) -> UtrTable:
        return self._tables[5]

    @property
    def utr3s(self) -> UtrTable:
        return self._tables[6]

    def __repr__(self) -> str:
        return f'<GenomeAnnotation "{self.filename}">'

    def __reduce__(self):
        # By path, with the data-manager set-up that resolves its assembly in another process.
        setup = gk_data.pickled_setup()
        return (_unpickle_annotation, (setup, self.filename, self.genes._refg, self._file.config))

    # --- builders ---
    @staticmethod
    def binary_version() -> int:
        """Version of the annotation file format this genome_kit writes and reads."""
        return int(_core.ANNOTATION_FORMAT_VERSION)

    @staticmethod
    def build_gencode(
        infile, outfile, reference_genome, *, allow_unknown_biotypes: bool = False
    ) -> list[str]:
        """Builds an annotation from a GENCODE, Ensembl or other GFF3 or GTF file (gzip ok).

        GFF3 and GTF are told apart by the attribute syntax. Writes
        ``<outfile>.gkanno`` and ``<outfile>.cfg`` (``refg=<assembly>``) and
        returns both paths. ``reference_genome`` is the assembly's
        :class:`~genome_kit.Genome` (only its ``chrom.sizes`` is read); a row
        past the end of its chromosome is an error. Biotypes are stored as
        the file spells them and checked against the GENCODE, Ensembl and NCBI
        names; ``allow_unknown_biotypes=True`` keeps unknown ones. Exons or CDS
        whose parent is a gene (SGD, GeneMark, prokaryotic files) give the gene
        one implicit transcript with its id (``docs/annotations.md``). Rows of
        feature types the model does not use (other than start/stop codons and
        the like) are skipped with an :class:`AnnotationWarning`. Errors name
        the file and line; a failed build leaves no file behind.
        """
        return _build_from_text(
            _core._build_gencode, infile, outfile, reference_genome, allow_unknown_biotypes
        )

    @staticmethod
    def build_ncbi_refseq(
        infile, outfile, reference_genome, *, allow_unknown_biotypes: bool = False
    ) -> list[str]:
        """Builds an annotation from an NCBI RefSeq GFF3 file (gzip ok).

        Gene ids are the Entrez GeneIDs; transcripts are the ``rna-`` rows
        with a ``transcript_id``; UTRs are computed from exons and CDS. A
        transcript whose CDS pieces do not pair up with its exons (programmed
        frameshifts) gets no CDS. Returns ``[<outfile>.gkanno, <outfile>.cfg]``.
        """
        return _build_from_text(
            _core._build_ncbi_refseq, infile, outfile, reference_genome, allow_unknown_biotypes
        )

    @staticmethod
    def build_ucsc_refseq(ucsc_db_dir, outfile, reference_genome) -> list[str]:
        """Builds an annotation from UCSC ``refGene.txt[.gz]`` and ``refLink.txt[.gz]`` in a directory.

        Transcripts are grouped into genes by Entrez id and locus. Returns
        ``[<outfile>.gkanno, <outfile>.cfg]``.
        """
        refg = _refg_of_builder_arg(reference_genome)
        directory = os.fspath(ucsc_db_dir)

        def find(stem):
            for name in (f"{stem}.txt", f"{stem}.txt.gz"):
                path = os.path.join(directory, name)
                if os.path.isfile(path):
                    return path
            raise FileNotFoundError(f"no {stem}.txt or {stem}.txt.gz in {directory}")

        gene_path, link_path = find("refGene"), find("refLink")
        gene_stream, gene_name = _open_source(gene_path)
        try:
            link_stream, link_name = _open_source(link_path)
            try:
                with _annotation_pair(outfile, refg) as paths:
                    _core._build_ucsc_refseq(gene_stream, gene_name, link_stream, link_name, paths[0], refg)
            finally:
                link_stream.close()
        finally:
            gene_stream.close()
        return paths


def _unpickle_row(genome, table: str, row: int):
    return getattr(genome, table)[row]


def _unpickle_table(genome, table: str):
    return getattr(genome, table)


def _unpickle_annotation(_setup, path: str, reference_genome: str, config: str):
    return GenomeAnnotation(path, reference_genome, config)


# --- table extensions (added to the C++ table classes) -------------------------------------------


def _find_batch(
    self,
    intervals=None,
    method: str = "overlapping",
    *,
    chromosomes=None,
    strands=None,
    starts=None,
    ends=None,
):
    """Runs one positional query for many intervals at once (the GIL is released).

    Give either ``intervals`` (a sequence of Intervals) or the four arrays
    ``chromosomes`` (names or aliases), ``strands`` (``"+"``/``"-"``),
    ``starts`` and ``ends`` (DNA0). ``method`` is one of ``overlapping``,
    ``within``, ``exact``, ``5p_within``, ``3p_within``, ``5p_aligned``,
    ``3p_aligned`` (same semantics and result order as ``find_<method>``).

    Returns ``(offsets, rows)``: int64 offsets of length ``n + 1`` and the
    uint32 row numbers of all results; the results of query ``i`` are
    ``rows[offsets[i]:offsets[i+1]]`` (use ``table.rows(...)`` for objects).
    """
    if method not in _FIND_METHODS:
        raise ValueError(f"method must be one of {_FIND_METHODS}, got {method!r}")
    if intervals is not None:
        # Converted and queried in C++ in one pass (the GIL is released for the queries).
        return self._find_batch_intervals(method, intervals)
    if chromosomes is None or strands is None or starts is None or ends is None:
        raise TypeError("find_batch needs intervals, or chromosomes, strands, starts and ends")
    chroms = np.asarray(chromosomes)
    names, inverse = (
        np.unique(chroms, return_inverse=True) if chroms.size else (np.array([]), np.array([], int))
    )
    refg = self._refg_name()
    ids = np.array([_chrom_id(refg, str(n)) for n in names], dtype=np.int32)
    chrom_ids = np.ascontiguousarray(ids[inverse].reshape(-1) if chroms.size else np.zeros(0, np.int32))
    s = np.asarray(strands)
    if s.dtype.kind in "US":
        s = np.where(s == "-", ord("-"), ord("+")).astype(np.uint8)
    else:
        s = s.astype(np.uint8)
    return self._find_batch(
        method,
        chrom_ids,
        np.ascontiguousarray(s.reshape(-1)),
        _flat(starts),
        _flat(ends),
    )


def _flat(values):
    """An array argument flattened to 1-d (the C++ side checks its integers exactly)."""
    return values.reshape(-1) if isinstance(values, np.ndarray) else values


def _chrom_id(refg: str, name: str) -> int:
    try:
        return _core._chrom_index(refg, name)
    except ValueError:
        return -1  # unknown chromosome: no results, as find_* on an unknown chromosome


def _refg_name(self) -> str:
    return self._refg


def _iter_rows(self):
    # Chunks of row objects made in C++, chained by itertools (no Python frame per row).
    n = len(self)
    step = 4096
    return itertools.chain.from_iterable(self._row_range(b, b + step) for b in range(0, n, step))


def _to_pandas(self):
    """All fields of the table as a pandas DataFrame (one row per table row, file order; a copy)."""
    import pandas as pd

    cols = self._columns()
    codes = cols.pop("_chrom_codes")
    names = cols.pop("_chrom_names")
    chrom = pd.Categorical.from_codes(codes, categories=names)
    data = {"chromosome": chrom}
    data.update(cols)
    return pd.DataFrame(data)


def _to_arrow(self):
    """All fields of the table as a pyarrow Table (requires pyarrow; a copy)."""
    import pyarrow as pa

    cols = self._columns()
    codes = cols.pop("_chrom_codes")
    names = cols.pop("_chrom_names")
    arrays = {"chromosome": pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(names))}
    for k, v in cols.items():
        arrays[k] = pa.array(v)
    return pa.table(arrays)


for _t in _ALL_TABLE_TYPES:
    _t.find_batch = _find_batch
    _t.__iter__ = _iter_rows
    _t._refg_name = _refg_name
    _t.to_pandas = _to_pandas
    _t.to_arrow = _to_arrow


# --- helpers in the style of the AlphaGenome SDK's gene annotation utilities ----------------------


PROTEIN_CODING_TYPES = ("protein_coding", "mRNA")


def filter_protein_coding(transcripts, *, require_cds: bool = True) -> list:
    """Transcripts (or the transcripts of genes) whose type says protein coding.

    That is ``protein_coding`` (GENCODE, Ensembl, NCBI biotypes) or ``mRNA`` (the Sequence Ontology
    feature type that GFF3 files without biotypes use: FlyBase, SGD, GeneMark, NCBI GTF). With
    ``require_cds`` (default) a transcript must also have at least one CDS. Accepts a table, a list
    of transcripts, or genes (their transcripts are used).
    """
    out = []
    for t in _iter_transcripts(transcripts):
        if t.type in PROTEIN_CODING_TYPES and (not require_cds or t.cdss):
            out.append(t)
    return out


def longest_transcript(gene_or_transcripts, *, by: str = "exonic"):
    """The longest transcript of a gene (or of a list of transcripts), or None.

    ``by="exonic"`` compares spliced length (sum of exon lengths), ``"genomic"``
    the transcript's span, ``"cds"`` the coding length. Ties go to the first in
    file order.
    """
    if by not in ("exonic", "genomic", "cds"):
        raise ValueError(f"by must be 'exonic', 'genomic' or 'cds', got {by!r}")
    best, best_len = None, -1
    for t in _iter_transcripts(gene_or_transcripts):
        if by == "genomic":
            n = len(t)
        elif by == "cds":
            n = sum(len(c) for c in t.cdss)
        else:
            n = sum(len(e) for e in t.exons)
        if n > best_len:
            best, best_len = t, n
    return best


def filter_mane_select(transcripts) -> list:
    """Transcripts (or the transcripts of genes) that are their gene's MANE Select transcript.

    Uses the annotation's MANE data (:meth:`Genome.mane_select_transcripts`: GenomeKit's table, or
    the source's ``MANE_Select`` tags); ManeNotAvailableError when it has none.
    """
    out: list = []
    selected: dict[str, set[int]] = {}
    for t in _iter_transcripts(transcripts):
        genome = t.annotation_genome
        rows = selected.get(genome.config)
        if rows is None:
            index_of = genome.transcripts.index_of
            rows = selected[genome.config] = {index_of(x) for x in genome.mane_select_transcripts()}
        if genome.transcripts.index_of(t) in rows:
            out.append(t)
    return out


def longest_transcripts(genes, *, by: str = "exonic") -> list:
    """One longest transcript per gene (genes without transcripts are skipped)."""
    out = []
    for g in genes:
        t = longest_transcript(g, by=by)
        if t is not None:
            out.append(t)
    return out


def _iter_transcripts(x):
    if isinstance(x, Gene):
        yield from x.transcripts
        return
    for item in x:
        if isinstance(item, Gene):
            yield from item.transcripts
        elif isinstance(item, Transcript):
            yield item
        else:
            raise TypeError(f"expected Transcript or Gene objects, got {type(item).__name__}")


def _build_from_text(
    core_builder, infile, outfile, reference_genome, allow_unknown_biotypes: bool
) -> list[str]:
    """Runs a C++ GFF3/GTF builder on a (possibly gzipped) text input; returns the written paths."""
    refg = _refg_of_builder_arg(reference_genome)
    stream, name = _open_source(infile)
    try:
        with _annotation_pair(outfile, refg) as paths:
            report = core_builder(stream, name, paths[0], refg, allow_unknown_biotypes)
    finally:
        stream.close()
    _warn_ignored(report, name)
    return paths
