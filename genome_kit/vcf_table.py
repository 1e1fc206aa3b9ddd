"""VCFTable: a VCF converted once to a memory-mapped binary table (``.vcfbin``).

Conversion (parsing in C++, streaming, memory bounded) keeps the variants in
file order with the requested INFO and FORMAT fields as typed arrays; reading
maps the file and answers positional queries through the shared interval
index. See ``docs/vcf.md``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import os
import sys
import time
import warnings

import appdirs
import numpy as np

from . import _core, _io, gk_data
from ._core import VCFVariant

__all__ = ["VCFTable", "VCFVariant", "VariantTable"]

_DEFAULT_DTYPES = {"int8", "int16", "int32", "float16", "float32"}
_PROGRESS_MIN_BYTES = 64 << 20
_DIRECT_QUERIES = (
    "find_overlapping",
    "find_within",
    "find_exact",
    "find_5p_within",
    "find_3p_within",
    "find_5p_aligned",
    "find_3p_aligned",
    "sequence_variations",
    "index_of",
)


def _reserved_names() -> set[str]:
    return {n for n in dir(VCFVariant) if not n.startswith("_")}


def _field_requests(ids, is_format: bool) -> list[tuple]:
    """(id, is_format, dtype name or None, default or None) per requested id."""
    if ids is None:
        return []
    if isinstance(ids, str):
        raise TypeError(f"{'fmt_ids' if is_format else 'info_ids'} must be a list or dict of ids, not a str")
    items = ids.items() if isinstance(ids, dict) else ((i, None) for i in ids)
    reserved = _reserved_names()
    out: list[tuple] = []
    for fid, default in items:
        if not isinstance(fid, str) or not fid:
            raise TypeError(f"field ids must be non-empty str, got {fid!r}")
        if fid in reserved:
            raise ValueError(
                f"{'FORMAT' if is_format else 'INFO'} ID {fid!r} clashes with the VCFVariant attribute "
                f"of the same name"
            )
        if default is None:
            out.append((fid, is_format, None, None))
        elif isinstance(default, (bool, np.bool_)):
            raise TypeError(f"default of {fid!r} must be an int or float (or a numpy scalar), got a bool")
        elif isinstance(default, np.generic):
            name = default.dtype.name
            if name not in _DEFAULT_DTYPES:
                raise ValueError(
                    f"default of {fid!r} has dtype {name}; expected one of {sorted(_DEFAULT_DTYPES)}"
                )
            out.append((fid, is_format, name, float(default)))
        elif isinstance(default, int):
            out.append((fid, is_format, "int32", float(default)))
        elif isinstance(default, float):
            out.append((fid, is_format, "float32", default))
        else:
            raise TypeError(
                f"default of {fid!r} must be None, an int, a float or a numpy scalar, got "
                f"{type(default).__name__}"
            )
    return out


def _options(
    genome, info_ids, fmt_ids, validate, exclude, allow, ancestral, split_multiallelic, normalize, unsupported
) -> dict:
    """The build options, checked and with their defaults resolved (also the cache key)."""
    if ancestral not in ("error", "warn", "exclude"):
        raise ValueError(f"ancestral must be 'error', 'warn' or 'exclude', got {ancestral!r}")
    if unsupported not in ("error", "skip", "keep"):
        raise ValueError(f"unsupported must be 'error', 'skip' or 'keep', got {unsupported!r}")
    validate = bool(validate)
    normalize = validate if normalize is None else bool(normalize)
    if normalize and not validate:
        raise ValueError(
            "normalize=True checks REF against the genome as `bcftools norm -f` does: it needs validate=True "
            "(or pass normalize=False)"
        )
    return {
        "refg": genome.refg,
        "fields": _field_requests(info_ids, False) + _field_requests(fmt_ids, True),
        "validate": validate,
        "normalize": normalize,
        "split_multiallelic": normalize if split_multiallelic is None else bool(split_multiallelic),
        "unsupported": unsupported,
        "exclude": [repr(i) for i in exclude or []],
        "allow": [repr(i) for i in allow or []],
        "ancestral": ancestral,
    }


def _default_bin_path(vcfpath: str) -> tuple[str, bool]:
    """Where from_vcf keeps the table of ``vcfpath``: next to it, or (True) in
    the user cache folder when the VCF's folder is not writable."""
    base = vcfpath[:-3] if vcfpath.endswith(".gz") else vcfpath
    directory = os.path.dirname(os.path.abspath(base))
    if os.access(directory, os.W_OK):
        return base + ".bin", False
    digest = hashlib.sha1(os.path.abspath(vcfpath).encode()).hexdigest()[:12]
    cache = os.path.join(appdirs.user_cache_dir("genome_kit"), "vcf")
    return os.path.join(cache, f"{os.path.basename(base)}.{digest}.bin"), True


def _check_genome(reference_genome):
    from .genome import Genome

    if not isinstance(reference_genome, Genome):
        raise TypeError(f"reference_genome must be a Genome, got {type(reference_genome).__name__}")
    return reference_genome


class _Progress:
    """Wraps a binary stream, drawing a progress bar on stderr from the bytes read."""

    def __init__(self, stream, raw, total: int, name: str):
        self._stream, self._raw, self._total, self._name = stream, raw, total, name
        self._last = 0.0

    def readinto(self, buf):
        n = self._stream.readinto(buf)
        now = time.monotonic()
        if now - self._last > 0.5 or not n:
            self._last = now
            try:
                done = self._raw.tell()
            except (OSError, ValueError):
                return n
            frac = min(1.0, done / self._total) if self._total else 1.0
            bar = "#" * int(frac * 30)
            sys.stderr.write(f"\rconverting {os.path.basename(self._name)} [{bar:<30}] {frac * 100:5.1f}%")
            if not n:
                sys.stderr.write("\n")
            sys.stderr.flush()
        return n


def _progress_wanted(size: int) -> bool:
    return size >= _PROGRESS_MIN_BYTES and not os.environ.get("GENOMEKIT_QUIET") and sys.stderr.isatty()


def _provenance(infile, options: dict) -> str:
    src = {}
    if isinstance(infile, (str, os.PathLike)):
        st = os.stat(infile)
        src = {"path": os.path.abspath(os.fspath(infile)), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    return json.dumps({"format": _core.VCFBIN_VERSION, "source": src, "options": options}, sort_keys=True)


def _index_of_other(core, variant) -> int:
    """``index_of`` of an unmasked table (its C++ handle ``core``) for anything but its own VCFVariants."""
    if not isinstance(variant, VCFVariant):
        raise TypeError(f"index_of expects a VCFVariant, got {type(variant).__name__}")
    if not core.is_variant_of(variant):
        if os.path.realpath(variant._table_path) != os.path.realpath(core.path):
            raise ValueError(f"{variant!r} is not a variant of this {core._label}")
    return int(variant._row)


class VariantTable:
    """A memory-mapped, read-only table of variants with positional queries.

    The part of a :class:`VCFTable` that knows only variants: ``len``,
    indexing and iteration in file order, the seven ``find_*`` queries,
    ``where``/``index_of``/``masked`` and ``sequence_variations``. The table is
    unstranded: ``-`` strand queries are answered as ``+`` by
    ``find_overlapping``/``find_within``/``find_exact`` and rejected
    (ValueError) by the 5'/3' queries.
    """

    stranded = False

    def __init__(self, filename):
        path = gk_data.resolve_path(filename)
        try:
            core = _core._VCFTable(path)
        except FileNotFoundError as e:
            # Plain OSError: the table file is missing, same type as any unreadable file.
            raise OSError(f"cannot open VCF table {path}: {e.strerror or e}") from None
        self._init(core, None)

    def _init(self, core, rows):
        self._core = core
        self._rows = rows  # None, or the table's rows as int64 indices of the file
        self._filename = core.path
        if rows is None:
            # An unmasked table answers queries straight from the C++ handle: its bound
            # methods, stored on the instance, shadow the Python ones (same results).
            cls = type(self)
            core._label = cls.__name__
            for name in _DIRECT_QUERIES:
                if getattr(cls, name) is getattr(VariantTable, name):
                    setattr(self, name, getattr(core, name))

    @classmethod
    def _view(cls, core, rows) -> VariantTable:
        t = cls.__new__(cls)
        t._init(core.view(), rows)  # its own handle: closing the view leaves the table open
        return t

    # ------------------------------------------------------------- basics
    @property
    def filename(self) -> str:
        """Path of the ``.vcfbin`` file."""
        return self._filename

    @property
    def reference_genome(self) -> str:
        return self._core.refg

    refg = reference_genome

    def __len__(self) -> int:
        n = self._core.num_rows  # OSError once closed
        return n if self._rows is None else len(self._rows)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}, len() = {len(self)}>"

    def __getitem__(self, index) -> VCFVariant:
        if self._rows is None:
            v = self._core.item(index)  # None unless index is an int in range
            if v is not None:
                return v
        if isinstance(index, (str, slice)):
            raise TypeError(f"{type(self).__name__} indices must be integers, not {type(index).__name__}")
        i = operator.index(index)
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"{type(self).__name__} index {index} out of range for a table of {n} variants")
        return self._core.variant(i if self._rows is None else int(self._rows[i]))

    def variant_range(self, start: int, stop: int) -> list[VCFVariant]:
        """The variants of rows ``start`` to ``stop - 1`` (clipped to the table), made in C++ in one call."""
        n = len(self)
        start, stop = max(0, min(start, n)), max(0, min(stop, n))
        if self._rows is None:
            return self._core.variant_range(start, stop)
        return self._core.variants(self._rows[start:stop])

    def __iter__(self):
        # Chunks of rows made in C++, chained by itertools (no Python frame per variant).
        step = 4096
        chunks = (self.variant_range(b, b + step) for b in range(0, len(self), step))
        return itertools.chain.from_iterable(chunks)

    # ------------------------------------------------------------- queries
    def _find(self, kind: str, interval) -> list[VCFVariant]:
        rows = self._core.find_rows(kind, interval)
        return self._core.variants(rows[self._member(rows)])

    def _member(self, rows: np.ndarray) -> np.ndarray:
        return np.isin(rows, self._rows)

    def find_overlapping(self, interval) -> list[VCFVariant]:
        """Variants sharing a base with ``interval`` (insertions strictly inside it), by start."""
        if self._rows is None:
            return self._core.find("overlapping", interval)
        return self._find("overlapping", interval)

    def find_within(self, interval) -> list[VCFVariant]:
        """Variants inside ``interval``, by end."""
        if self._rows is None:
            return self._core.find("within", interval)
        return self._find("within", interval)

    def find_exact(self, interval) -> list[VCFVariant]:
        """Variants spanning exactly ``interval``."""
        if self._rows is None:
            return self._core.find("exact", interval)
        return self._find("exact", interval)

    def find_5p_within(self, interval) -> list[VCFVariant]:
        """Variants whose first base lies in ``interval`` ('+' only), by start."""
        if self._rows is None:
            return self._core.find("5p_within", interval)
        return self._find("5p_within", interval)

    def find_3p_within(self, interval) -> list[VCFVariant]:
        """Variants whose last base lies in ``interval`` ('+' only), by end."""
        if self._rows is None:
            return self._core.find("3p_within", interval)
        return self._find("3p_within", interval)

    def find_5p_aligned(self, interval) -> list[VCFVariant]:
        """Variants starting where ``interval`` starts ('+' only)."""
        if self._rows is None:
            return self._core.find("5p_aligned", interval)
        return self._find("5p_aligned", interval)

    def find_3p_aligned(self, interval) -> list[VCFVariant]:
        """Variants ending where ``interval`` ends ('+' only)."""
        if self._rows is None:
            return self._core.find("3p_aligned", interval)
        return self._find("3p_aligned", interval)

    def sequence_variations(self, interval) -> list[VCFVariant]:
        """The variants that can change the DNA of ``interval``: those overlapping
        it plus insertions at its 5' boundary; with an anchor the window grows by
        the deletion length around it (an over-estimate). Sorted by start;
        ready for :class:`VariantGenome`."""
        if self._rows is not None:
            raise NotImplementedError("sequence_variations is not available on a masked table")
        return self._core.sequence_variations(interval)

    # ------------------------------------------------------------- selection
    def _bool_mask(self, mask) -> np.ndarray:
        m = np.asarray(mask)
        if m.dtype != np.bool_:
            raise TypeError(f"mask must be a bool array, got dtype {m.dtype}")
        if m.ndim == 2 and m.shape[1] == 1:
            m = m[:, 0]
        if m.ndim != 1 or len(m) != len(self):
            raise ValueError(f"mask must have shape ({len(self)},) or ({len(self)}, 1), got {m.shape}")
        return m

    def _file_rows(self, local: np.ndarray) -> np.ndarray:
        return local.astype(np.int64) if self._rows is None else self._rows[local]

    def where(self, mask) -> list[VCFVariant]:
        """Variants where the bool ``mask`` (one entry per row) is True."""
        m = self._bool_mask(mask)
        return self._core.variants(self._file_rows(np.flatnonzero(m)))

    def index_of(self, variant) -> int:  # unmasked tables: _core.index_of (same results)
        """Row number of a VCFVariant of this table (ValueError if it is from another table)."""
        if not isinstance(variant, VCFVariant):
            raise TypeError(f"index_of expects a VCFVariant, got {type(variant).__name__}")
        if not self._core.is_variant_of(variant):
            if os.path.realpath(variant._table_path) != os.path.realpath(self._filename):
                raise ValueError(f"{variant!r} is not a variant of this {type(self).__name__}")
        row = variant._row
        if self._rows is None:
            return int(row)
        hits = np.flatnonzero(self._rows == row)
        if not len(hits):
            raise ValueError(f"{variant!r} is not in this masked {type(self).__name__}")
        return int(hits[0])

    def indices_of(self, variants) -> np.ndarray:
        """Row numbers of many VCFVariants of this table at once (an int64 array),
        e.g. ``t.format("GT")[t.indices_of(t.find_overlapping(iv))]``."""
        rows = self._core.rows_of(variants)
        if self._rows is None:
            return rows
        order = np.argsort(self._rows, kind="stable")
        ordered = self._rows[order]
        pos = np.searchsorted(ordered, rows)
        ok = pos < len(ordered)
        ok[ok] = ordered[pos[ok]] == rows[ok]
        if not ok.all():
            raise ValueError("a variant is not in this masked {type(self).__name__}")
        return order[pos].astype(np.int64)

    def masked(self, mask) -> VariantTable:
        """A table restricted to a bool mask or a list of row indices (views compose)."""
        m = np.asarray(mask)
        if m.dtype == np.bool_:
            local = np.flatnonzero(self._bool_mask(m))
        elif np.issubdtype(m.dtype, np.integer) or m.size == 0:
            local = m.astype(np.int64).ravel()
            n = len(self)
            if local.size and (local.min() < -n or local.max() >= n):
                raise IndexError(f"mask index out of range for a table of {n} variants")
            local = np.where(local < 0, local + n, local)
        else:
            raise TypeError(f"mask must be a bool array or integer indices, got dtype {m.dtype}")
        return type(self)._view(self._core, self._file_rows(local))

    # ------------------------------------------------------------- lifetime
    def close(self) -> None:
        """Closes the table: later reads and the attributes of its VCFVariants
        raise OSError. Closing a :meth:`masked` view closes only that view. The
        mapping is released once no table, view or numpy array refers to it."""
        self._core.close()

    def __enter__(self) -> VariantTable:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __reduce__(self):
        return (_restore_table, (self._filename, self._rows, gk_data.pickled_setup()))


class VCFTable(VariantTable):
    """A memory-mapped table of VCF variants (``.vcfbin``).

    ``VCFTable(path)`` opens a file written by :meth:`build_vcfbin` or
    :meth:`from_vcf`. Rows are in VCF file order; ``t[i]`` and iteration give
    :class:`VCFVariant` objects; :meth:`info` and :meth:`format` give
    read-only, zero-copy numpy views of the INFO/FORMAT columns. The table is
    unstranded: ``-`` strand queries are answered as ``+`` by
    ``find_overlapping``/``find_within``/``find_exact`` and rejected
    (ValueError) by the 5'/3' queries.
    """

    GT_HOMOZYGOUS_REF = np.int8(0)
    GT_HETEROZYGOUS_UNPHASED = np.int8(1)
    GT_HOMOZYGOUS_ALT = np.int8(2)
    GT_UNKNOWN = np.int8(3)
    GT_HETEROZYGOUS_PHASED_0_1 = np.int8(4)
    GT_HETEROZYGOUS_PHASED_1_0 = np.int8(5)

    SVTYPE_NA = 0
    SVTYPE_DEL = 1
    SVTYPE_INS = 2
    SVTYPE_DUP = 3
    SVTYPE_INV = 4
    SVTYPE_CNV = 5
    SVTYPE_BND = 6

    # ------------------------------------------------------------- building
    @staticmethod
    def vcfbin_version() -> int:
        """Version of the ``.vcfbin`` layout this genome_kit writes and reads."""
        return int(_core.VCFBIN_VERSION)

    @staticmethod
    def build_vcfbin(
        outfile,
        infile,
        reference_genome,
        info_ids=None,
        fmt_ids=None,
        validate=True,
        exclude=None,
        allow=None,
        ancestral="error",
        split_multiallelic=None,
        normalize=None,
        unsupported="skip",
    ) -> None:
        """Converts a VCF (``.vcf``, ``.vcf.gz``/bgzip, or an open stream such as
        ``sys.stdin``) to ``outfile``.

        Parameters
        ----------
        reference_genome : Genome
            Chromosome names (aliases resolved) and, with ``validate``, the
            sequence every REF is checked against.
        info_ids, fmt_ids : list of str or dict
            INFO / FORMAT ids to keep; a dict maps id → default value for
            missing values (None: 0 / 0.0 / header type; an int → int32; a
            float → float32; a numpy int8/int16/int32/float16/float32 scalar →
            that dtype). ``info_ids=["ID"]`` keeps the VCF ID column.
        exclude, allow : list of Interval
            Drop variants overlapping any ``exclude`` interval; when ``allow``
            is given keep only variants overlapping one of its intervals.
        validate : bool
            Check every REF against the genome sequence.
        ancestral : "error", "warn" or "exclude"
            What to do with ``ALT = .`` records.
        split_multiallelic : bool or None
            Store each ALT of a multiallelic record as its own row (Number=A/R/G
            values and GT re-coded per ALT) instead of raising ValueError.
            None (default): the same as ``normalize``.
        normalize : bool or None
            Left-align indels against the genome sequence, with the results of
            ``bcftools norm -f ref.fa -m -any`` (with the default
            ``split_multiallelic``). Needs ``validate``. None (default): the same
            as ``validate``. REF and ALT are always trimmed of shared bases.
        unsupported : "skip", "error" or "keep"
            What to do with a record that cannot be stored as it is (an unknown
            chromosome, a position past its end, a malformed value...): skip it
            (default), raise ValueError, or keep what is representable (the
            field's default for a bad value, REF as written, a symbolic allele
            without END/SVLEN as spanning REF) and skip the rest. A warning gives
            the counts and the first lines.
        """
        genome = _check_genome(reference_genome)
        options = _options(
            genome,
            info_ids,
            fmt_ids,
            validate,
            exclude,
            allow,
            ancestral,
            split_multiallelic,
            normalize,
            unsupported,
        )
        VCFTable._build(outfile, infile, genome, options, exclude, allow, _provenance(infile, options))

    @staticmethod
    def _build(outfile, infile, genome, options: dict, exclude, allow, provenance: str) -> None:
        """Converts with checked ``options`` (see :func:`_options`) and warns about what was left out."""
        unsupported, ancestral = options["unsupported"], options["ancestral"]
        is_path = isinstance(infile, (str, os.PathLike))
        if is_path and not os.path.exists(infile):
            raise OSError(f"cannot open VCF {os.fspath(infile)}: no such file")
        stream, name = _io.open_binary(infile)
        try:
            reader = stream
            if is_path:
                size = os.path.getsize(infile)
                if _progress_wanted(size):
                    raw = getattr(stream, "fileobj", None) or stream
                    reader = _Progress(stream, raw, size, name)  # type: ignore[assignment]
            dna = genome.dna if options["validate"] or options["normalize"] else None
            result = _core.build_vcfbin(
                reader,
                name,
                os.fspath(outfile),
                genome.refg,
                options["fields"],
                dna,
                options["validate"],
                options["normalize"],
                unsupported,
                exclude,
                allow,
                ancestral,
                options["split_multiallelic"],
                provenance,
            )
        finally:
            if is_path:
                stream.close()
        if result["ancestral_lines"]:
            lines = result["ancestral_lines"]
            shown = ", ".join(str(n) for n in lines[:20]) + (" ..." if len(lines) > 20 else "")
            warnings.warn(
                f"{name}: {len(lines)} ancestral allele record(s) (ALT '.') kept as no-change variants, "
                f"lines {shown}",
                stacklevel=3,
            )
        if result["unknown_svtypes"]:
            warnings.warn(
                f"{name}: unknown SVTYPE value(s) {result['unknown_svtypes']} stored as SVTYPE_NA",
                stacklevel=3,
            )
        for what, count, examples in (
            ("skipped", result["skipped"], result["skipped_examples"]),
            ("kept without their unsupported part", result["kept"], result["kept_examples"]),
        ):
            if count:
                shown = "; ".join(examples) + (" ..." if count > len(examples) else "")
                warnings.warn(
                    f"{name}: {count} record(s) {what} (unsupported={unsupported!r}): {shown}", stacklevel=3
                )

    @classmethod
    def from_vcf(
        cls,
        vcfpath,
        reference_genome,
        info_ids=None,
        fmt_ids=None,
        validate=True,
        exclude=None,
        allow=None,
        ancestral="error",
        cache=True,
        vcfbinpath=None,
        split_multiallelic=None,
        normalize=None,
        unsupported="skip",
    ) -> VCFTable:
        """Opens a VCF, converting it to a ``.vcfbin`` first when needed.

        The binary goes to ``vcfbinpath`` or, by default, next to the VCF
        (``x.vcf.gz`` → ``x.vcf.bin``), or into the user cache folder
        (``appdirs.user_cache_dir("genome_kit")/vcf``, a warning says where)
        when the VCF's folder is not writable. With ``cache`` an existing
        binary is reused while the VCF (size and modification time) and the
        options are unchanged; otherwise it is rebuilt. Other arguments as
        :meth:`build_vcfbin`.
        """
        genome = _check_genome(reference_genome)
        vcfpath = os.fspath(vcfpath)
        if not os.path.exists(vcfpath):
            raise OSError(f"cannot open VCF {vcfpath}: no such file")
        fallback = False
        if vcfbinpath is None:
            vcfbinpath, fallback = _default_bin_path(vcfpath)
        vcfbinpath = os.fspath(vcfbinpath)
        options = _options(
            genome,
            info_ids,
            fmt_ids,
            validate,
            exclude,
            allow,
            ancestral,
            split_multiallelic,
            normalize,
            unsupported,
        )
        provenance = _provenance(vcfpath, options)
        if cache and os.path.exists(vcfbinpath):
            try:
                table = cls(vcfbinpath)
            except (OSError, ValueError):
                table = None
            if table is not None and table._core.provenance == provenance:
                return table
        if fallback:
            os.makedirs(os.path.dirname(vcfbinpath), exist_ok=True)
            warnings.warn(
                f"{os.path.dirname(os.path.abspath(vcfpath))} is not writable: the converted table of "
                f"{vcfpath} goes to {vcfbinpath}",
                stacklevel=2,
            )
        cls._build(vcfbinpath, vcfpath, genome, options, exclude, allow, provenance)
        return cls(vcfbinpath)

    @property
    def num_samples(self) -> int:
        return self._core.num_samples

    @property
    def sample_names(self) -> list[str]:
        """Sample names (recorded only when FORMAT fields were kept)."""
        return list(self._core.sample_names)

    @property
    def info_ids(self) -> list[str]:
        """Kept INFO ids, sorted."""
        return list(self._core.column_ids(False))

    @property
    def format_ids(self) -> list[str]:
        """Kept FORMAT ids, sorted."""
        return list(self._core.column_ids(True))

    # ------------------------------------------------------------- columns
    def _column(self, fid: str, is_format: bool, info_strings: bool = False) -> np.ndarray:
        arr = self._core.column(is_format, fid, info_strings)
        if self._rows is None:
            return arr
        out = arr[self._rows]
        out.setflags(write=False)
        return out

    def info(self, id: str) -> np.ndarray:
        """INFO column ``id``: shape ``(n,)`` or ``(n, depth)``.

        A read-only zero-copy view of the file (its ``base`` owns the mapping);
        on a masked table, a read-only copy of the selected rows. ``Number=.``
        numbers give an object array: one read-only zero-copy numpy array (any
        length) per row. KeyError for an id that was not kept, TypeError for a
        string column (read those through ``v.ID`` attributes or
        :meth:`to_pandas`)."""
        return self._column(id, False)

    def format(self, id: str) -> np.ndarray:
        """FORMAT column ``id``: shape ``(n, samples)`` or ``(n, samples, depth)``;
        GT is int8 coded as the ``GT_*`` constants. Views as :meth:`info`;
        String fields give an object array of ``str``."""
        return self._column(id, True)

    # ------------------------------------------------------------- export
    def to_pandas(self, format: bool = False):
        """A pandas DataFrame: one row per variant with chromosome, start, end,
        ref, alt and the INFO columns (multi-valued ones as ``ID_0``, ``ID_1``...).

        With ``format=True`` the FORMAT fields in long form: one row per
        (variant, sample) with ``variant`` (row number), ``sample`` and one
        column per FORMAT id. Needs pandas (``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - pandas is optional
            raise ImportError("VCFTable.to_pandas needs pandas: pip install pandas") from e
        rows = self._rows if self._rows is not None else np.arange(self._core.num_rows, dtype=np.int64)
        if format:
            ns = self.num_samples
            cols: dict[str, object] = {
                "variant": np.repeat(np.arange(len(rows)), ns),
                "sample": np.tile(np.array(self.sample_names, dtype=object), len(rows)),
            }
            for fid in self.format_ids:
                a = self.format(fid)
                if a.ndim == 2:
                    cols[fid] = a.reshape(-1)
                else:
                    for k in range(a.shape[2]):
                        cols[f"{fid}_{k}"] = a[:, :, k].reshape(-1)
            return pd.DataFrame(cols)
        variants = list(self)
        cols = {
            "chromosome": [v.chromosome for v in variants],
            "start": [v.start for v in variants],
            "end": [v.end for v in variants],
            "ref": [v.ref for v in variants],
            "alt": [v.alt for v in variants],
        }
        for fid in self.info_ids:
            a = self._column(fid, False, info_strings=True)
            if a.ndim == 1:
                cols[fid] = a
            else:
                for k in range(a.shape[1]):
                    cols[f"{fid}_{k}"] = a[:, k]
        return pd.DataFrame(cols)


# The data-manager set-up travels after the path (it resolves the table's assembly in another process).
def _restore_table(filename, rows, _setup=None):
    t = VCFTable(filename)
    return t if rows is None else VCFTable._view(t._core, rows)


def _restore_variant(filename, row, _setup=None):
    return VCFTable(filename)[row]


def _variant_reduce(v):
    return (_restore_variant, (v._table_path, v._row, gk_data.pickled_setup()))


VCFVariant.__reduce__ = _variant_reduce
