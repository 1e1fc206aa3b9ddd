"""Work done in other processes by tests/test_multiprocess.py (importable by spawn and forkserver
workers, which cannot import test modules). Everything a worker uses arrives through pickle."""

from __future__ import annotations

import numpy as np

import genome_kit as gk


def read_window(handles: dict):
    """What a model's input pipeline reads for one window, from every kind of handle and row."""
    iv = handles["interval"]
    genome = handles["genome"]
    return (
        genome.dna(iv),
        handles["dna"](iv),
        handles["variant_genome"].dna(iv.with_anchor("center")),
        int(genome.one_hot([iv]).argmax(axis=2).sum()),
        [g.id for g in handles["genes"].find_overlapping(iv)],
        [t.id for t in handles["transcripts"].find_overlapping(iv)],
        len(handles["annotation"].exons.find_overlapping(iv)),
        (handles["gene"].id, handles["exon"].index, str(handles["transcript"])),
        handles["track"](iv).ravel().tolist(),
        [str(v) for v in handles["vcf"].find_overlapping(iv)],
        (str(handles["vcf_row"]), str(handles["variant"])),
    )


def dna_of(item):
    """(genome, chromosome, start, end, allow_outside): the genome resolves its files only here."""
    genome, chrom, start, end, allow_outside = item
    return genome.dna(genome.interval(chrom, "+", start, end), allow_outside)


def choose_empty_data_dir(path: str) -> None:
    """Pool initializer: this worker's own set-up, where no genome exists."""
    gk.gk_data.data_manager = gk.DefaultDataManager(path)


class Windows:
    """A map-style dataset (what torch.utils.data.DataLoader needs): one-hot variant windows."""

    def __init__(self, variant_genome, intervals):
        self.variant_genome = variant_genome
        self.intervals = intervals

    def __len__(self) -> int:
        return len(self.intervals)

    def __getitem__(self, i: int):
        iv = self.intervals[i]
        return self.variant_genome.one_hot(iv).astype(np.float32), np.int64(iv.start)
