"""Building an assembly (``.2bit`` + ``.chrom.sizes``) from FASTA."""

from __future__ import annotations

import os

from . import _core
from ._io import open_binary


def build_assembly(fasta_path, outfile_prefix, version: int | None = None) -> list[str]:
    """Converts a FASTA (or FASTA.gz) file to ``<prefix>.2bit`` and ``<prefix>.chrom.sizes``.

    IUPAC ambiguity codes become ``N`` blocks and lower-case bases soft-mask
    blocks. ``version`` 0 (32-bit offsets) or 1 (64-bit); by default 0 unless
    the file would exceed 4 GiB. Both files are written atomically, the sizes
    first: a build killed at any point never leaves a ``.2bit`` without its
    sizes, and a ``.2bit`` left by another build is refused on open (its
    lengths disagree with the sizes). Returns their paths.
    """
    if version not in (None, 0, 1):
        raise ValueError(f"2bit version must be 0, 1 or None, got {version!r}")
    prefix = os.fspath(outfile_prefix)
    twobit, sizes_path = f"{prefix}.2bit", f"{prefix}.chrom.sizes"
    stream, name = open_binary(fasta_path)
    try:
        _core.write_twobit(stream, name, twobit, -1 if version is None else version, sizes_path)
    finally:
        if stream is not fasta_path:
            stream.close()
    return [twobit, sizes_path]
