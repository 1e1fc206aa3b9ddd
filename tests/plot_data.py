"""Real inputs for the plot tests: the yeast sample genome with the SGD annotation (tests/data), the
GENCODE human excerpt on its own chrom.sizes, and tracks computed from the real yeast sequence."""

from __future__ import annotations

import os
import warnings

import numpy as np
from gff_reference_model import chrom_sizes

import genome_kit as gk
from genome_kit.genome_annotation import AnnotationWarning

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
TRACK_END = 20_000  # chrI [0, 20000) carries the base-content tracks


def build_quiet(path: str, outfile: str, genome) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnnotationWarning)
        gk.GenomeAnnotation.build_gencode(path, outfile, genome)


def sgd_genome(data_dir: str, yeast) -> gk.Genome:
    """The SGD annotation of chrI + chrII on the yeast sample assembly."""
    build_quiet(os.path.join(DATA, "sgd_yeast_chr1+2.gff3.gz"), os.path.join(data_dir, "plot_sgd"), yeast)
    return gk.Genome("plot_sgd")


def gencode_genome(data_dir: str) -> gk.Genome:
    """GENCODE v29 genes of chr1 [0, 1.5 Mbp) on an assembly of their chrom.sizes (no sequence)."""
    path = os.path.join(DATA, "gencode_human.gtf.gz")
    with open(os.path.join(data_dir, "plot_hs_asm.chrom.sizes"), "w") as f:
        f.writelines(f"{c}\t{n}\n" for c, n in chrom_sizes(path).items())
    build_quiet(path, os.path.join(data_dir, "plot_hs"), gk.Genome("plot_hs_asm"))
    return gk.Genome("plot_hs")


def base_fractions(genome, start: int, end: int, bin_size: int) -> np.ndarray:
    """[bins, 4]: the fraction of A, C, G, T of the + strand in each bin of chrI [start, end)."""
    onehot = genome.one_hot([genome.interval("chrI", "+", start, end)])[0].astype(np.float32)
    return onehot.reshape(-1, bin_size, 4).mean(axis=1)


def write_tracks(path_dir: str, genome) -> tuple[str, str]:
    """Two real-sequence tracks of chrI [0, 20000) at 10 bp: ``gc.gtrack`` (unstranded GC fraction)
    and ``a.gtrack`` (strand aware: the fraction of A read 5'→3' on each strand)."""
    frac = base_fractions(genome, 0, TRACK_END, 10)
    gc_path, a_path = os.path.join(path_dir, "gc.gtrack"), os.path.join(path_dir, "a.gtrack")
    iv = genome.interval("chrI", "+", 0, TRACK_END)
    with gk.GenomeTrackBuilder(gc_path, "f16", "single_stranded", genome, resolution=10) as b:
        b.set_data(iv, (frac[:, 1] + frac[:, 2]).astype(np.float16))
    with gk.GenomeTrackBuilder(a_path, "f16", "strand_aware", genome, resolution=10) as b:
        b.set_data(iv, frac[:, 0].astype(np.float16))
        b.set_data(iv.as_negative_strand(), frac[::-1, 3].astype(np.float16))  # A of '-' = T of '+', 5'→3'
    return gc_path, a_path
