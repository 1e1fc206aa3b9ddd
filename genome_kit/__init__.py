"""genome_kit: fast access to genomes, annotations, tracks, variants and VCFs.

Import as ``import genome_kit as gk``.
"""

import importlib.util
import os
from importlib.metadata import PackageNotFoundError, version

if importlib.util.find_spec(f"{__name__}._core") is None:
    # A source checkout shadows the installed package (python run from the repository root), or it was
    # never built: say what to do instead of failing on a circular import further down.
    raise ImportError(
        f"{os.path.dirname(__file__)} has no compiled genome_kit._core (an unbuilt source tree): after "
        "`pip install .` use the `genome-kit` command or run Python outside the checkout, "
        "or build in place with ./tools/dev_build.sh"
    )

from . import (  # noqa: F401  (_assemblies installs the loader)
    _assemblies,
    gk_data,
    hgvs,  # noqa: F401  (gk.hgvs: HGVS c./n. positions and variant descriptions)
)
from .appris_mane import ApprisNotAvailableError, ManeNotAvailableError
from .assembly_build import build_assembly
from .bed import intervals_from_frame, intervals_to_frame, read_bed, write_bed
from .data_manager import DataManager, DefaultDataManager, GKDataFileNotFoundError
from .diseq import DisjointIntervalSequence
from .genome import Genome
from .genome_annotation import (
    Cds,
    CdsTable,
    Exon,
    ExonTable,
    Gene,
    GeneTable,
    GenomeAnnotation,
    Intron,
    IntronTable,
    Transcript,
    TranscriptTable,
    Utr,
    UtrTable,
)
from .genome_dna import GenomeDNA
from .genome_track import GenomeTrack, GenomeTrackBuilder
from .interval import Interval
from .liftover import LiftOver
from .track_data import AggregationType, TrackData
from .variant import Variant
from .variant_genome import VariantGenome
from .vcf_table import VariantTable, VCFTable, VCFVariant

try:
    __version__ = version("genome_kit")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0+unknown"

__all__ = [
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
    "ApprisNotAvailableError",
    "ManeNotAvailableError",
    "DataManager",
    "DefaultDataManager",
    "DisjointIntervalSequence",
    "GKDataFileNotFoundError",
    "Genome",
    "GenomeDNA",
    "GenomeTrack",
    "GenomeTrackBuilder",
    "Interval",
    "LiftOver",
    "AggregationType",
    "TrackData",
    "VCFTable",
    "VCFVariant",
    "VariantTable",
    "Variant",
    "VariantGenome",
    "__version__",
    "build_assembly",
    "intervals_from_frame",
    "intervals_to_frame",
    "read_bed",
    "write_bed",
    "gk_data",
]
