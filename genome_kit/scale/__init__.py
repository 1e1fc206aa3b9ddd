"""Genome-wide jobs past one process: REF/ALT one-hot pairs for every variant of a VCF,
one-hot windows and track targets for every region of a BED file.

A job is cut into partitions, each written as one shard (npz, Parquet or Zarr) atomically,
with a manifest at the end; running it again resumes it. The same job runs in this process
(:func:`run`), on Dask distributed (:func:`run_dask`) or on Ray Data (:func:`run_ray`), with
the same shards. See docs/scale_out.md.
"""

from .jobs import OUTSIDE, Partition, VariantPairsJob, WindowJob
from .run import MANIFEST, Manifest, read_manifest, run, run_dask, run_ray, write_partition
from .shards import FORMATS, read_shard, read_shard_meta

__all__ = [
    "FORMATS",
    "MANIFEST",
    "OUTSIDE",
    "Manifest",
    "Partition",
    "VariantPairsJob",
    "WindowJob",
    "read_manifest",
    "read_shard",
    "read_shard_meta",
    "run",
    "run_dask",
    "run_ray",
    "write_partition",
]
