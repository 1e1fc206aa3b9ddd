"""Building annotations for tests."""

from __future__ import annotations

import os
import warnings

import genome_kit as gk
from genome_kit.genome_annotation import AnnotationWarning


def build_annotation(source: str, data_dir: str, config: str, reference_genome: gk.Genome) -> gk.Genome:
    """Builds a GFF3/GTF file as ``config`` in ``data_dir`` (silencing the AnnotationWarning about feature
    types the gene model skips) and opens it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnnotationWarning)
        gk.GenomeAnnotation.build_gencode(source, os.path.join(data_dir, config), reference_genome)
    return gk.Genome(config)
