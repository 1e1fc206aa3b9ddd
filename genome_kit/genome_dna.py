"""DNA sequence of an assembly, read from a memory-mapped UCSC .2bit file (implemented in C++)."""

from ._core import GenomeDNA

__all__ = ["GenomeDNA"]
