"""Writing track values out as bedGraph or bigWig, for genome browsers and other tools.

Values become runs: adjacent positions of equal value are merged into one record, NaN
(no data) is left out. bigWig files are written with pyBigWig
(``pip install 'genome_kit[bigwig]'``). Both writers are atomic.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import numpy as np

from ._io import atomic_path

__all__ = ["value_runs", "write_bedgraph", "write_bigwig"]

Runs = tuple[str, np.ndarray, np.ndarray, np.ndarray]  # chromosome, starts, ends, values


def value_runs(chromosome: str, start: int, values: np.ndarray, resolution: int = 1) -> Runs:
    """Runs of equal values (NaN dropped) of ``values`` laid out in genomic order from ``start``,
    one value per ``resolution`` bases."""
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if v.size == 0:
        empty = np.empty(0, np.int64)
        return chromosome, empty, empty, np.empty(0)
    nan = np.isnan(v)
    new_run = np.ones(v.size, bool)
    new_run[1:] = (v[1:] != v[:-1]) & ~(nan[1:] & nan[:-1])
    first = np.flatnonzero(new_run)
    last = np.append(first[1:], v.size)
    keep = ~nan[first]
    starts = start + first[keep].astype(np.int64) * resolution
    ends = start + last[keep].astype(np.int64) * resolution
    return chromosome, starts, ends, v[first][keep]


def _merged(runs: Iterable[Runs]) -> Iterator[Runs]:
    """Joins a run that continues across two consecutive chunks (same chromosome, touching, same value)."""
    pending: Runs | None = None
    for chrom, starts, ends, vals in runs:
        if not len(starts):
            continue
        if pending is not None:
            p_chrom, p_starts, p_ends, p_vals = pending
            if p_chrom == chrom and p_ends[-1] == starts[0] and p_vals[-1] == vals[0]:
                p_ends = p_ends.copy()
                p_ends[-1] = ends[0]
                starts, ends, vals = starts[1:], ends[1:], vals[1:]
                pending = (p_chrom, p_starts, p_ends, p_vals)
            if len(starts):
                yield pending
                pending = (chrom, starts, ends, vals)
        else:
            pending = (chrom, starts, ends, vals)
    if pending is not None:
        yield pending


def write_bedgraph(path, runs: Iterable[Runs]) -> None:
    """Writes runs (in chromosome order, sorted within each) as a bedGraph file."""
    with atomic_path(os.fspath(path)) as tmp, open(tmp, "w") as f:
        for chrom, starts, ends, vals in _merged(runs):
            f.writelines(f"{chrom}\t{s}\t{e}\t{v:.9g}\n" for s, e, v in zip(starts, ends, vals, strict=True))


def write_bigwig(path, runs: Iterable[Runs], chromosome_sizes: Iterable[tuple[str, int]]) -> None:
    """Writes runs (in the order of ``chromosome_sizes``, sorted within each) as a bigWig file."""
    path = os.fspath(path)
    try:
        import pyBigWig
    except ImportError:
        raise ImportError("writing bigWig needs pyBigWig: pip install 'genome_kit[bigwig]'") from None
    with atomic_path(path, ".bw") as tmp:
        bw = pyBigWig.open(tmp, "w")
        if bw is None:
            raise OSError(f"cannot write {path}")
        try:
            bw.addHeader([(c, int(s)) for c, s in chromosome_sizes])
            for chrom, starts, ends, vals in _merged(runs):
                bw.addEntries(
                    [chrom] * len(starts), starts.tolist(), ends=ends.tolist(), values=vals.tolist()
                )
        finally:
            bw.close()
