"""Running a job's partitions in this process, on Dask distributed or on Ray Data.

Every engine does the same three steps: ``_prepare`` (check the output directory and find
the shards already written by this job), ``write_partition`` for each missing partition
(where the engine puts it; the job reaches the workers by pickle, its handles reopen by
path there), and ``_finish`` (the manifest, written last and atomically). A run that
stopped half way is resumed by running it again: complete shards are kept (a shard
exists only once complete, see ``shards.write_shard``).
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass

import numpy as np

from .._io import atomic_write_text
from .jobs import Partition
from .shards import FORMATS, check_format, read_shard, read_shard_meta, shard_name, write_shard

__all__ = ["MANIFEST", "Manifest", "read_manifest", "run", "run_dask", "run_ray", "write_partition"]

MANIFEST = "manifest.json"
_MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    """What a finished job wrote: ``directory``, shard ``format``, the job's parameters
    (``job``, its ``fingerprint``) and one record per shard (``partition``, ``path``
    relative to the directory, input rows ``start``/``stop``, ``rows`` written,
    ``dropped`` by ``outside="drop"``, ``skipped`` variants with their reason, ``bytes``)."""

    directory: str
    format: str
    job: dict
    fingerprint: str
    shards: tuple[dict, ...]

    @property
    def rows(self) -> int:
        """Rows written, over all shards."""
        return sum(s["rows"] for s in self.shards)

    def paths(self) -> list[str]:
        """Absolute path of every shard, in partition order."""
        return [os.path.join(self.directory, s["path"]) for s in self.shards]

    def read(self) -> dict[str, np.ndarray]:
        """Every shard's columns concatenated in partition order (for results that fit in memory)."""
        parts = [read_shard(p) for p in self.paths()]
        if not parts:
            return {}
        return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}

    def to_json(self) -> str:
        return json.dumps(
            {
                "genome_kit_manifest": _MANIFEST_VERSION,
                "format": self.format,
                "job": self.job,
                "fingerprint": self.fingerprint,
                "rows": self.rows,
                "shards": list(self.shards),
            },
            indent=1,
        )


def read_manifest(directory) -> Manifest:
    """The manifest of a finished job's output directory (FileNotFoundError before it finished)."""
    directory = os.path.abspath(os.fspath(directory))
    path = os.path.join(directory, MANIFEST)
    with open(path) as f:
        try:
            data = json.load(f)
            if data.get("genome_kit_manifest") != _MANIFEST_VERSION:
                raise ValueError(f"unknown manifest version {data.get('genome_kit_manifest')!r}")
            return Manifest(
                directory, data["format"], data["job"], data["fingerprint"], tuple(data["shards"])
            )
        except (ValueError, KeyError, AttributeError) as e:
            raise ValueError(f"{path} is not a genome_kit manifest ({e})") from None


def _size(path: str) -> int:
    if not os.path.isdir(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def _record(meta: dict, path: str) -> dict:
    skipped = meta["skipped"]
    return {
        "partition": meta["partition"],
        "path": os.path.basename(path),
        "start": meta["start"],
        "stop": meta["stop"],
        "rows": meta["rows"],
        "dropped": meta["stop"] - meta["start"] - meta["rows"] - len(skipped),
        "skipped": skipped,
        "bytes": _size(path),
    }


def write_partition(partition: Partition, job, directory: str, fmt: str) -> dict:
    """Computes one partition and writes its shard atomically; returns its manifest record.

    This is the function the engines ship to their workers."""
    columns, skipped = job.compute(partition)
    meta = {
        "job": job.fingerprint,
        "kind": job.kind,
        "partition": partition.index,
        "start": partition.start,
        "stop": partition.stop,
        "rows": len(next(iter(columns.values()))),
        "skipped": skipped,
    }
    path = os.path.join(directory, shard_name(partition.index, fmt))
    write_shard(path, columns, meta)
    return _record(meta, path)


def _prepare(job, directory, fmt: str) -> tuple[str, list[Partition], list[dict]]:
    """The absolute output directory, the partitions still to write and the records of those written."""
    check_format(fmt)
    directory = os.path.abspath(os.fspath(directory))
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as e:
        raise type(e)(e.errno, f"cannot create the output directory {directory}: {e.strerror}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(f"the output directory {directory} is not writable")
    partitions = job.partitions()
    existing = {
        name for name in os.listdir(directory) if name.startswith("part-") and name.endswith(FORMATS[fmt])
    }
    done, pending = [], []
    for p in partitions:
        name = shard_name(p.index, fmt)
        if name in existing:
            existing.discard(name)
            done.append(_checked_record(job, os.path.join(directory, name)))
        else:
            pending.append(p)
    for name in sorted(existing):  # shards beyond this job's partitions: another job's
        _checked_record(job, os.path.join(directory, name))
        raise ValueError(f"{os.path.join(directory, name)} is not one of this job's shards")
    return directory, pending, done


def _checked_record(job, path: str) -> dict:
    meta = read_shard_meta(path)
    if meta.get("job") != job.fingerprint:
        raise ValueError(
            f"{path} was written by another job (or the same job with other inputs or parameters): "
            "write to an empty directory, or delete the old shards"
        )
    return _record(meta, path)


def _finish(job, directory: str, fmt: str, records: list[dict]) -> Manifest:
    shards = tuple(sorted(records, key=lambda r: r["partition"]))
    manifest = Manifest(directory, fmt, job.describe(), job.fingerprint, shards)
    atomic_write_text(os.path.join(directory, MANIFEST), manifest.to_json())
    return manifest


def run(job, directory, format: str = "npz") -> Manifest:
    """Runs ``job`` in this process, writing ``directory/part-NNNNN.<format>`` shards and
    ``directory/manifest.json``; shards already written by the same job are kept.

    ``format`` is ``"npz"``, ``"parquet"`` (pyarrow) or ``"zarr"`` (zarr v3)."""
    directory, pending, done = _prepare(job, directory, format)
    return _finish(
        job, directory, format, done + [write_partition(p, job, directory, format) for p in pending]
    )


def run_dask(job, directory, format: str = "npz", *, client=None) -> Manifest:
    """As :func:`run`, one task per partition on a Dask distributed cluster.

    ``client`` defaults to the current one (``distributed.get_client()``). The job is
    sent to every worker once (``client.scatter(..., broadcast=True)``); ``directory``
    must be on a file system the workers share."""
    try:
        import distributed
    except ImportError:
        raise ImportError("run_dask needs dask distributed: pip install 'genome_kit[dask]'") from None
    if client is None:
        client = distributed.get_client()  # ValueError when there is none
    directory, pending, done = _prepare(job, directory, format)
    records = []
    if pending:
        [shipped] = client.scatter([job], broadcast=True)
        futures = client.map(
            write_partition, pending, job=shipped, directory=directory, fmt=format, pure=False
        )
        records = client.gather(futures)
    return _finish(job, directory, format, done + records)


def _ray_batch(batch: dict, job_ref, directory: str, fmt: str) -> dict:
    """Ray Data ``map_batches`` function: writes the shards of the partitions in ``batch``."""
    import ray

    job = ray.get(job_ref)
    records = [
        write_partition(Partition(int(i), int(b), int(e)), job, directory, fmt)
        for i, b, e in zip(batch["index"], batch["start"], batch["stop"], strict=True)
    ]
    return {"record": np.array([json.dumps(r) for r in records])}


def run_ray(job, directory, format: str = "npz") -> Manifest:
    """As :func:`run`, on Ray Data: ``from_items(partitions).map_batches(...)``, one
    partition per batch.

    Connects to the Ray cluster of this process (``ray.init(...)`` first to choose one;
    otherwise Ray starts a local one). The job goes to the object store once
    (``ray.put``); ``directory`` must be on a file system the workers share."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise ImportError("run_ray needs Ray Data: pip install 'genome_kit[ray]'") from None
    directory, pending, done = _prepare(job, directory, format)
    records = []
    if pending:
        if not ray.is_initialized():
            ray.init()
        items = [{"index": p.index, "start": p.start, "stop": p.stop} for p in pending]
        write = functools.partial(_ray_batch, job_ref=ray.put(job), directory=directory, fmt=format)
        dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
            write, batch_size=1, batch_format="numpy"
        )
        records = [json.loads(str(row["record"])) for row in dataset.take_all()]
    return _finish(job, directory, format, done + records)
