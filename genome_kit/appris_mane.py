"""APPRIS principal isoforms and MANE transcripts of an annotation.

GenomeKit publishes them beside its annotations as pickled tables of row
numbers: ``appris.<config>.v7.pkl`` (principality per transcript row, the rows
with APPRIS data, and each gene's rows by principality) and
``mane.<config>.v1.pkl`` (MANE Select rows, the Select row per gene, MANE Plus
Clinical rows, and those per gene). They are read with an unpickler that only
builds lists, tuples, ints and None (numpy arrays are accepted and turned into
lists): a pickle can name any callable, and these files come from a download.
Row numbers only mean something for the annotation they were made for, so a
table is checked against the annotation (lengths, ranges, every per-gene row
belongs to that gene) before use.
"""

from __future__ import annotations

import pickle

from . import gk_data
from .data_manager import GKDataFileNotFoundError

__all__ = ["APPRIS_PRINCIPALITY_NAMES", "ApprisNotAvailableError", "ManeNotAvailableError"]

#: Principality index → APPRIS label.
APPRIS_PRINCIPALITY_NAMES = (
    "PRINCIPAL:1",
    "PRINCIPAL:2",
    "PRINCIPAL:3",
    "PRINCIPAL:4",
    "PRINCIPAL:5",
    "ALTERNATIVE:1",
    "ALTERNATIVE:2",
)


class ApprisNotAvailableError(RuntimeError):
    """The annotation has no APPRIS data."""


class ManeNotAvailableError(RuntimeError):
    """The annotation has no MANE data."""


# What the tables may contain: plain containers, and numpy arrays as written by numpy.
_ALLOWED = {
    ("builtins", "list"),
    ("builtins", "tuple"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
}


class _TableUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in an APPRIS/MANE table")
        return super().find_class(module, name)


def _plain(x):
    """numpy arrays and scalars → lists and ints."""
    tolist = getattr(x, "tolist", None)
    if tolist is not None:
        x = tolist()
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


def read_table(path: str, parts: int) -> list:
    """The ``parts`` lists of a pickled table (OSError naming the file when it is not one)."""
    try:
        with open(path, "rb") as f:
            data = _TableUnpickler(f).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError) as e:
        raise OSError(f"{path} is not a readable APPRIS/MANE table: {e}") from None
    data = _plain(data)
    if not isinstance(data, list) or len(data) != parts:
        raise OSError(f"{path} is not a readable APPRIS/MANE table: expected {parts} lists")
    return data


class _Check:
    """Validation of a table's row numbers against an annotation."""

    def __init__(self, path: str, anno):
        self.path = path
        self.num_genes = len(anno.genes)
        self.num_trans = len(anno.transcripts)
        self.gene_of = anno.transcripts._columns()["gene_index"].tolist()

    def fail(self, what: str):
        raise OSError(f"{self.path} does not match this annotation: {what}")

    def rows(self, rows, what: str, gene: int | None = None) -> list[int]:
        if not isinstance(rows, list):
            self.fail(f"{what} is not a list")
        for r in rows:
            if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < self.num_trans:
                self.fail(f"{what}: transcript row {r!r} (the annotation has {self.num_trans})")
            if gene is not None and self.gene_of[r] != gene:
                self.fail(f"{what}: transcript row {r} belongs to gene row {self.gene_of[r]}")
        return rows

    def per_gene(self, lists, what: str) -> list:
        if not isinstance(lists, list) or len(lists) != self.num_genes:
            n = len(lists) if isinstance(lists, list) else "?"
            self.fail(f"{what} has {n} entries, the annotation has {self.num_genes} genes")
        return lists


class ApprisTable:
    """Principality per transcript row, rows with data, each gene's rows by principality."""

    def __init__(self, principality: list, transcripts: list[int], by_gene: list[list[int]]):
        self.principality = principality
        self.transcripts = transcripts
        self.by_gene = by_gene

    @classmethod
    def from_pickle(cls, path: str, anno) -> ApprisTable:
        p, rows, by_gene = read_table(path, 3)
        c = _Check(path, anno)
        if not isinstance(p, list) or len(p) != c.num_trans:
            c.fail(f"{len(p) if isinstance(p, list) else '?'} principalities, transcripts {c.num_trans}")
        for v in p:
            if v is not None and (not isinstance(v, int) or not 0 <= v < len(APPRIS_PRINCIPALITY_NAMES)):
                c.fail(f"principality {v!r}")
        c.rows(rows, "APPRIS transcripts")
        for g, lst in enumerate(c.per_gene(by_gene, "APPRIS transcripts by gene")):
            c.rows(lst, f"APPRIS transcripts of gene row {g}", g)
        return cls(p, rows, by_gene)


class ManeTable:
    """MANE Select rows, Select row per gene, Plus Clinical rows, Plus Clinical rows per gene."""

    def __init__(self, select: list[int], select_by_gene: list, plus_clinical: list[int], plus_by_gene: list):
        self.select = select
        self.select_by_gene = select_by_gene
        self.plus_clinical = plus_clinical
        self.plus_clinical_by_gene = plus_by_gene

    @classmethod
    def from_pickle(cls, path: str, anno) -> ManeTable:
        select, select_by_gene, plus, plus_by_gene = read_table(path, 4)
        c = _Check(path, anno)
        c.rows(select, "MANE Select transcripts")
        for g, r in enumerate(c.per_gene(select_by_gene, "MANE Select by gene")):
            if r is not None:
                c.rows([r], f"MANE Select of gene row {g}", g)
        c.rows(plus, "MANE Plus Clinical transcripts")
        for g, lst in enumerate(c.per_gene(plus_by_gene, "MANE Plus Clinical by gene")):
            c.rows(lst, f"MANE Plus Clinical of gene row {g}", g)
        return cls(select, select_by_gene, plus, plus_by_gene)


# --- from the source's tags (genome_kit's own builds of GENCODE/Ensembl and NCBI files) ---

_APPRIS_TAGS = {f"appris_principal_{k}": k - 1 for k in range(1, 6)}
_APPRIS_TAGS.update({f"appris_alternative_{k}": 4 + k for k in range(1, 3)})
_MANE_SELECT_TAGS = ("MANE_Select", "MANE Select")
_MANE_PLUS_TAGS = ("MANE_Plus_Clinical", "MANE Plus Clinical")


def _tags_and_genes(anno):
    gene_of = anno.transcripts._columns()["gene_index"].tolist()
    return [t.tags for t in anno.transcripts], gene_of


def _id_order(transcript_id: str) -> str:
    """The id without its letters prefix ('ENST', 'NM_'), for GenomeKit's tie order."""
    return transcript_id.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")


def appris_from_tags(anno) -> ApprisTable | None:
    """The APPRIS table given by the transcripts' appris_* tags, None if no transcript has one."""
    tags, gene_of = _tags_and_genes(anno)
    principality = [next((_APPRIS_TAGS[x] for x in ts if x in _APPRIS_TAGS), None) for ts in tags]
    rows = [r for r, p in enumerate(principality) if p is not None]
    if not rows:
        return None
    by_gene: list[list[int]] = [[] for _ in range(len(anno.genes))]
    for r in rows:
        by_gene[gene_of[r]].append(r)
    transcripts = anno.transcripts
    for lst in by_gene:
        lst.sort(key=lambda r: (principality[r], _id_order(transcripts[r].id)))
    return ApprisTable(principality, rows, by_gene)


def mane_from_tags(anno) -> ManeTable | None:
    """The MANE table given by the transcripts' MANE tags, None if no transcript has one."""
    tags, gene_of = _tags_and_genes(anno)
    select = [r for r, ts in enumerate(tags) if any(x in _MANE_SELECT_TAGS for x in ts)]
    plus = [r for r, ts in enumerate(tags) if any(x in _MANE_PLUS_TAGS for x in ts)]
    if not select and not plus:
        return None
    select_by_gene: list[int | None] = [None] * len(anno.genes)
    for r in select:
        if select_by_gene[gene_of[r]] is None:  # one per gene: the first in file order
            select_by_gene[gene_of[r]] = r
    plus_by_gene: list[list[int]] = [[] for _ in range(len(anno.genes))]
    for r in plus:
        plus_by_gene[gene_of[r]].append(r)
    return ManeTable(select, select_by_gene, plus, plus_by_gene)


def _published(filename: str) -> str | None:
    try:
        return gk_data.get_file(filename)
    except GKDataFileNotFoundError:
        return None


def load_appris(genome) -> ApprisTable:
    """The APPRIS table of an annotation genome (ApprisNotAvailableError if it has none)."""
    anno = genome.annotation  # ValueError for an assembly
    path = _published(f"appris.{genome.config}.v7.pkl")
    if path is not None:
        return ApprisTable.from_pickle(path, anno)
    table = appris_from_tags(anno)
    if table is not None:
        return table
    raise ApprisNotAvailableError(f"APPRIS not available for {anno.filename}")


def load_mane(genome) -> ManeTable:
    """The MANE table of an annotation genome (ManeNotAvailableError if it has none)."""
    anno = genome.annotation
    path = _published(f"mane.{genome.config}.v1.pkl")
    if path is not None:
        return ManeTable.from_pickle(path, anno)
    table = mane_from_tags(anno)
    if table is not None:
        return table
    raise ManeNotAvailableError(f"MANE not available for {genome.config}")


def gene_row(genome, gene) -> int:
    """Row of a Gene (or gene id) in the genome's gene table."""
    if isinstance(gene, str):
        gene = genome.genes[gene]
    return genome.genes.index_of(gene)


def transcript_row(genome, transcript) -> int:
    if isinstance(transcript, str):
        transcript = genome.transcripts[transcript]
    return genome.transcripts.index_of(transcript)
