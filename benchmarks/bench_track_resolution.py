"""Reads at model resolution: a 64-track, 128 bp track read over 1 Mbp windows at 128 bp (pooled in C++
from the stored bins) against reading at 1 bp and pooling in numpy, the way users do it without
`resolution=`; also 2048 bp bins and the batch form. Prints windows/s and the ratios.

    python benchmarks/bench_track_resolution.py [--windows 16] [--mbp 40]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

import genome_kit as gk

from _common import machine


def cpu_rate(fn, n_items: int, rounds: int = 5) -> float:
    """Items per CPU second of this process, median of `rounds` runs."""
    times = []
    for _ in range(rounds):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return n_items / max(float(np.median(times)), 1e-9)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--windows", type=int, default=16, help="1 Mbp windows per round")
    ap.add_argument("--mbp", type=int, default=40, help="chromosome size of the synthetic genome")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    work = tempfile.mkdtemp(prefix="gk-bench-res-")
    gk.gk_data.data_manager = gk.DefaultDataManager(work, bucket_name="")
    size = args.mbp << 20
    with open(os.path.join(work, "synth.chrom.sizes"), "w") as f:
        f.write(f"chr1\t{size}\n")
    genome = gk.Genome("synth")
    path = os.path.join(work, "t.gtrack")
    rng = np.random.default_rng(0)
    tracks, res = 64, 128
    with gk.GenomeTrackBuilder(path, "f16", "single_stranded", genome, dim=tracks, resolution=res) as b:
        b.set_data(
            gk.Interval("chr1", "+", 0, size, genome),
            rng.random((size // res, tracks), np.float32).astype(np.float16),
        )
    track = gk.GenomeTrack(path)
    width = 1 << 20
    starts = rng.integers(0, size - width, args.windows) // res * res
    windows = [gk.Interval("chr1", "+", int(s), int(s) + width, genome) for s in starts]

    def binned(bin_size):
        return lambda: [track(iv, resolution=bin_size, aggregation="mean") for iv in windows]

    def numpy_pooled(bin_size):
        return lambda: [
            track(iv, np.float32).reshape(width // bin_size, bin_size, tracks).mean(axis=1) for iv in windows
        ]

    for bin_size in (128, 2048):
        ours = cpu_rate(binned(bin_size), len(windows))
        naive = cpu_rate(numpy_pooled(bin_size), len(windows), rounds=3)
        batch = cpu_rate(lambda b=bin_size: track.batch(windows, resolution=b), len(windows))
        print(f"\n1 Mbp windows, {tracks} tracks stored at {res} bp, read at {bin_size} bp [windows/s]")
        rows = [
            (f"genome_kit track(iv, resolution={bin_size})", ours),
            (f"genome_kit track.batch(..., resolution={bin_size})", batch),
            ("1 bp read + numpy mean pooling", naive),
        ]
        for name, rate in rows:
            print(f"  {name:<50} {rate:>10,.1f}")
        print(f"  ratio: the resolution read is {ours / naive:,.0f}x the 1 bp read + numpy pooling")


if __name__ == "__main__":
    main()
