"""DNA sequence of an assembly, read from a memory-mapped UCSC .2bit file."""

from __future__ import annotations

import os

from . import _assemblies, _core


class GenomeDNA(_core.TwoBitFile):
    """Callable DNA accessor over a ``.2bit`` file.

    ``GenomeDNA(path)`` takes the reference genome from the file name
    (``hg19.2bit`` → ``hg19``) and its chromosome sizes from beside the file
    or from the data directory; ``Genome.dna`` is one of these.

    Calling it returns the DNA of an Interval as a str, reverse complemented
    on the ``-`` strand::

        dna(interval, allow_outside_chromosome=True, soft_mask=False)

    Bases beyond the chromosome are ``N`` (or IndexError when
    ``allow_outside_chromosome=False``); ``soft_mask=True`` keeps the
    lower-case soft-masked bases of the file.
    """

    def __init__(self, path, reference_genome=None):
        path = os.fspath(path)
        if reference_genome is None:
            reference_genome = _assemblies.load_beside(path)
        super().__init__(path, reference_genome)

    def __repr__(self) -> str:
        return f"<GenomeDNA {self.filename!r}>"

    def __reduce__(self):
        return (GenomeDNA, (self.filename, self.reference_genome))
