"""Intervals in and out: BED files, pandas DataFrames and pyranges.

BED is 0-based, half-open, like genome_kit's DNA0 intervals, so coordinates pass
through unchanged. DataFrames use pyranges' column names (``Chromosome``,
``Start``, ``End``, ``Strand``); lower-case BED-style names (``chrom``,
``start``, ``end``, ``strand``) are read too. A strand of ``.`` (or none) reads
as ``+``, the strand genome_kit uses for unstranded intervals.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from ._io import atomic_path, open_binary
from .genome import Genome
from .interval import Interval

__all__ = ["intervals_from_frame", "intervals_to_frame", "read_bed", "write_bed"]

_SKIP = (b"#", b"track", b"browser")


def read_bed(path, genome, *, with_names: bool = False):
    """The intervals of a BED file (BED3 to BED12; gzip ok; ``track``/``browser``/``#`` lines skipped).

    Parameters
    ----------
    path : str, os.PathLike or binary stream
    genome : Genome or str
        Reference genome of the intervals (chromosome aliases apply).
    with_names : bool
        Also return the name column (``None`` where absent) as a second list.

    Raises
    ------
    ValueError
        A malformed record, named by ``file:line`` (non-integer or negative
        coordinates, end < start, a strand other than ``+``, ``-``, ``.``, an
        unknown chromosome).
    IndexError
        A record past the chromosome end (``file:line``).
    """
    if isinstance(genome, str):
        genome = Genome(genome)
    stream, name = open_binary(path)
    intervals: list[Interval] = []
    names: list[str | None] = []
    try:
        for lineno, raw in enumerate(stream, 1):
            line = raw.rstrip(b"\r\n")
            if not line.strip() or line.startswith(_SKIP):
                continue
            try:
                fields = line.decode("utf-8").split("\t")
            except UnicodeDecodeError:
                raise ValueError(f"{name}:{lineno}: not UTF-8 text") from None
            if len(fields) < 3:
                fields = line.decode().split()  # space-separated BED3
            if len(fields) < 3:
                raise ValueError(f"{name}:{lineno}: expected at least 3 columns (chrom, start, end)")
            intervals.append(_interval(fields, genome, f"{name}:{lineno}"))
            names.append(fields[3] if len(fields) > 3 and fields[3] not in ("", ".") else None)
    finally:
        if stream is not path:
            stream.close()
    return (intervals, names) if with_names else intervals


def _interval(fields: list[str], genome, where: str) -> Interval:
    chrom, start_text, end_text = fields[0], fields[1], fields[2]
    strand = fields[5] if len(fields) > 5 else "."
    try:
        start, end = int(start_text), int(end_text)
    except ValueError:
        raise ValueError(f"{where}: coordinates must be integers, got {start_text!r}, {end_text!r}") from None
    if start < 0 or end < start:
        raise ValueError(f"{where}: need 0 <= start <= end, got {start}, {end}")
    if strand not in ("+", "-", "."):
        raise ValueError(f"{where}: strand must be '+', '-' or '.', got {strand!r}")
    try:
        iv = Interval(chrom, "-" if strand == "-" else "+", start, end, genome)
        size = genome.chromosome_size(iv.chromosome)
    except (KeyError, ValueError) as e:
        raise type(e)(f"{where}: {e.args[0] if e.args else e}") from None
    if end > size:
        raise IndexError(f"{where}: {chrom}:{start}-{end} ends past {iv.chromosome} ({size} bp)")
    return iv


def write_bed(intervals: Iterable[Interval], path, names: Iterable[str] | None = None) -> None:
    """Writes BED6 (chrom, start, end, name, score 0, strand), atomically."""
    path = os.fspath(path)
    rows = list(intervals)
    labels = list(names) if names is not None else ["."] * len(rows)
    if len(labels) != len(rows):
        raise ValueError(f"write_bed: {len(labels)} names for {len(rows)} intervals")
    with atomic_path(path) as tmp, open(tmp, "w") as f:
        for iv, label in zip(rows, labels, strict=True):
            f.write(f"{iv.chromosome}\t{iv.start}\t{iv.end}\t{label}\t0\t{iv.strand}\n")


def intervals_to_frame(intervals: Iterable[Interval]):
    """A pandas DataFrame with pyranges' columns ``Chromosome, Start, End, Strand``
    (``pyranges.PyRanges(df)`` takes it as it is)."""
    import pandas as pd

    rows = [(iv.chromosome, iv.start, iv.end, iv.strand) for iv in intervals]
    return pd.DataFrame(rows, columns=["Chromosome", "Start", "End", "Strand"]).astype(
        {"Start": "int64", "End": "int64"}
    )


def intervals_from_frame(frame, genome) -> list[Interval]:
    """Intervals from a DataFrame (or a pyranges object, through its ``.df``) with
    pyranges' or BED-style column names; no strand column means ``+``."""
    if isinstance(genome, str):
        genome = Genome(genome)
    df = getattr(frame, "df", frame)
    cols = {c.lower(): c for c in df.columns}
    aliases = {"chromosome": ("chromosome", "chrom", "chr"), "start": ("start",), "end": ("end",)}
    found = {}
    for key, options in aliases.items():
        column = next((cols[o] for o in options if o in cols), None)
        if column is None:
            raise ValueError(
                f"the frame needs a {key} column (pyranges' {key.title()!r} or BED-style); "
                f"it has {list(df.columns)}"
            )
        found[key] = df[column].tolist()
    strands = df[cols["strand"]].tolist() if "strand" in cols else ["+"] * len(df)
    out = []
    for k, (chrom, start, end, strand) in enumerate(
        zip(found["chromosome"], found["start"], found["end"], strands, strict=True)
    ):
        out.append(_interval([str(chrom), str(start), str(end), ".", "0", str(strand)], genome, f"row {k}"))
    return out
