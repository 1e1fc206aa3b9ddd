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


__all__ = ["REASONS", "LiftOver", "LiftedArrays", "target_from_filename"]
