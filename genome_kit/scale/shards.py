"""Shards of a genome-wide job: one file (npz, Parquet) or directory (Zarr) per partition.

A shard holds named columns with one row per window: numeric arrays of any row shape
(``dna`` ``(n, L, 4)``, ``targets`` ``(n, L / resolution, T)``) and string columns
(``chrom``, alleles). Each shard carries its own description (job fingerprint, partition,
column dtypes and row shapes) so that a resumed run can check what it finds and a reader
needs nothing else. Writes are atomic (a temporary next to the shard, then a rename).
"""

from __future__ import annotations

import json
import os
import zipfile
from typing import Any

import numpy as np

from .._io import atomic_path

__all__ = ["FORMATS", "read_shard", "read_shard_meta", "shard_name", "write_shard"]

#: shard formats and their file (or directory) extensions
FORMATS = {"npz": ".npz", "parquet": ".parquet", "zarr": ".zarr"}
_META = "genome_kit_shard"  # the description's key in every format
_EXTRA = {"parquet": ("pyarrow", "parquet"), "zarr": ("zarr", "zarr")}


def shard_name(index: int, fmt: str) -> str:
    """File name of partition ``index``'s shard."""
    return f"part-{index:05d}{FORMATS[fmt]}"


def check_format(fmt: str) -> None:
    """ValueError for an unknown format, ImportError naming the extra for a missing library."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}, got {fmt!r}")
    if fmt in _EXTRA:
        module, extra = _EXTRA[fmt]
        try:
            __import__(module)
        except ImportError:
            raise ImportError(f"{fmt} shards need {module}: pip install 'genome_kit[{extra}]'") from None


def _format_of(path: str) -> str:
    for fmt, ext in FORMATS.items():
        if os.fspath(path).rstrip("/").endswith(ext):
            return fmt
    raise ValueError(f"{path} is not a shard: its name must end with one of {sorted(FORMATS.values())}")


def write_shard(path: str, columns: dict[str, np.ndarray], meta: dict) -> None:
    """Writes ``columns`` (equal row counts) and ``meta`` to ``path`` atomically; the format
    follows the extension. The column layout is added to the stored description."""
    meta = dict(
        meta, columns={k: {"dtype": v.dtype.str, "shape": list(v.shape[1:])} for k, v in columns.items()}
    )
    fmt = _format_of(path)
    with atomic_path(path, FORMATS[fmt]) as tmp:
        _WRITERS[fmt](tmp, columns, meta)


def read_shard(path) -> dict[str, np.ndarray]:
    """The columns of a shard as numpy arrays (string columns as ``str`` arrays)."""
    path = os.fspath(path)
    meta = read_shard_meta(path)
    return _READERS[_format_of(path)](path, meta)


def read_shard_meta(path) -> dict:
    """The description a shard was written with (``job``, ``partition``, ``rows``, ``columns``...)."""
    path = os.fspath(path)
    fmt = _format_of(path)
    try:
        text = _META_READERS[fmt](path)
        meta = json.loads(text)
    except (KeyError, ValueError, EOFError, zipfile.BadZipFile) as e:  # pyarrow's errors are ValueErrors
        raise OSError(f"{path} is not a genome_kit shard ({type(e).__name__}: {e})") from None
    return meta


# --- npz: one array per column, the description as a 0-d string array ---
def _write_npz(tmp: str, columns: dict, meta: dict) -> None:
    with open(tmp, "wb") as f:
        arrays: dict[str, Any] = {**columns, _META: np.array(json.dumps(meta))}
        np.savez(f, **arrays)


def _npz_meta(path: str) -> str:
    with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:  # our handle: closed on a bad zip too
        return str(z[_META][()])


def _read_npz(path: str, meta: dict) -> dict:
    with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:
        return {name: z[name] for name in meta["columns"]}


# --- Parquet: a multi-dimensional row is one fixed-size binary value (its bytes, C order, little endian) ---
# (A fixed-size list of numbers would be stored value by value with repetition levels: 15x slower to write
# and 5x larger for one-hot rows.) Dtype and row shape are in the description.
def _write_parquet(tmp: str, columns: dict, meta: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays, blobs = {}, []
    for name, values in columns.items():
        if values.ndim == 1:
            arrays[name] = pa.array(values)
        else:
            rows = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<"))
            width = rows.itemsize * int(np.prod(rows.shape[1:]))
            arrays[name] = pa.FixedSizeBinaryArray.from_buffers(
                pa.binary(width), len(rows), [None, pa.py_buffer(rows)]
            )
            blobs.append(name)
    table = pa.table(arrays).replace_schema_metadata({_META: json.dumps(meta)})
    plain = [n for n in columns if n not in blobs]  # blobs: no dictionary, no min/max statistics
    pq.write_table(table, tmp, use_dictionary=plain, write_statistics=plain)


def _parquet_meta(path: str) -> str:
    import pyarrow.parquet as pq

    return pq.read_schema(path).metadata[_META.encode()].decode()


def _read_parquet(path: str, meta: dict) -> dict:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    out = {}
    for name, layout in meta["columns"].items():
        column = table.column(name).combine_chunks()
        dtype = np.dtype(layout["dtype"])
        if layout["shape"]:
            data = column.buffers()[1]
            start = column.offset * column.type.byte_width
            raw = np.frombuffer(data, np.uint8)[start : start + len(column) * column.type.byte_width]
            out[name] = raw.view(dtype.newbyteorder("<")).astype(dtype).reshape(len(column), *layout["shape"])
        else:
            out[name] = column.to_numpy(zero_copy_only=False).astype(dtype, copy=False)
    return out


# --- Zarr v3: a group per shard; string columns (no stable v3 string type yet) in its attributes ---
_ZARR_CHUNK_BYTES = 16 << 20  # rows per chunk: about this many bytes


def _write_zarr(tmp: str, columns: dict, meta: dict) -> None:
    import zarr
    from zarr.codecs import BloscCodec

    # lz4 + bit shuffle: 3x faster than zarr's default zstd and smaller on one-hot and float rows
    codec = BloscCodec(cname="lz4", clevel=5, shuffle="bitshuffle")
    group: Any = zarr.open_group(tmp, mode="w")  # Any: zarr's types are absent where it is not installed
    strings = {}
    for name, values in columns.items():
        if values.dtype.kind == "U":
            strings[name] = values.tolist()
        else:
            row = max(1, values[:1].nbytes)
            rows = max(1, min(len(values), _ZARR_CHUNK_BYTES // row))
            chunks = (rows, *(max(1, n) for n in values.shape[1:]))  # zarr needs sizes > 0
            group.create_array(name, data=values, chunks=chunks, compressors=codec)
    group.attrs.update({_META: json.dumps(meta), "strings": strings})


def _zarr_meta(path: str) -> str:
    import zarr

    if not os.path.isdir(path):
        raise OSError(f"{path} is not a Zarr directory")
    group: Any = zarr.open_group(path, mode="r")
    return group.attrs[_META]


def _read_zarr(path: str, meta: dict) -> dict:
    import zarr

    group: Any = zarr.open_group(path, mode="r")
    strings = group.attrs["strings"]
    out = {}
    for name, layout in meta["columns"].items():
        if name in strings:
            out[name] = np.array(strings[name], dtype=layout["dtype"])
        else:
            out[name] = group[name][...]
    return out


_WRITERS = {"npz": _write_npz, "parquet": _write_parquet, "zarr": _write_zarr}
_READERS = {"npz": _read_npz, "parquet": _read_parquet, "zarr": _read_zarr}
_META_READERS = {"npz": _npz_meta, "parquet": _parquet_meta, "zarr": _zarr_meta}
