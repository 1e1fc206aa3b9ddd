"""LiftOver: genome_kit vs agct and pyliftover on UCSC's real hg19ToHg38 chain (tests/data), same positions.

Measures (1) one call per item: genome_kit ``lift`` of a 1 bp Interval and ``convert_coordinate``, agct
``convert_coordinate`` (interval query, its per-call API) and pyliftover ``convert_coordinate``; (2) batch
``lift_arrays`` of random 1 bp - 10 kb intervals on one core (target: 10 million intervals/s); (3) opening
the chain file. The reference GenomeKit has no liftover, so it has no column here.

Rates are CPU time of the measuring thread ("on one core"): the machine is shared, and wall time would
measure the other processes' load; the batch line also shows the wall-clock rate.

    python benchmarks/bench_liftover.py [--n 2000000]
"""

from __future__ import annotations

import argparse
import gzip
import os
import time

import numpy as np

import genome_kit as gk
from genome_kit import gk_data
from genome_kit.data_manager import DefaultDataManager

from _common import machine, rate, scratch, table


def cpu_rate(fn, n_items: int, min_seconds: float = 0.3, max_rounds: int = 30) -> float:
    """Items per CPU second of this thread (the best of several rounds of fn())."""
    best, spent, rounds = float("inf"), 0.0, 0
    while (spent < min_seconds or rounds < 3) and rounds < max_rounds:
        t = time.thread_time()
        fn()
        dt = time.thread_time() - t
        best, spent, rounds = min(best, dt), spent + dt, rounds + 1
    return n_items / best


HERE = os.path.dirname(os.path.abspath(__file__))
CHAIN = os.path.join(HERE, "..", "tests", "data", "hg19ToHg38.over.chain.gz")


def setup(work: str) -> tuple[gk.LiftOver, str, dict[str, int]]:
    """Writes hg19/hg38 chrom.sizes from the chain headers, and a plain copy of the chain for agct."""
    t_sizes, q_sizes = {}, {}
    plain = os.path.join(work, "hg19ToHg38.over.chain")
    with gzip.open(CHAIN, "rt") as f, open(plain, "w") as out:
        for line in f:
            out.write(line)
            if line.startswith("chain"):
                x = line.split()
                t_sizes[x[2]], q_sizes[x[7]] = int(x[3]), int(x[8])
    for name, sizes in (("hg19", t_sizes), ("hg38", q_sizes)):
        with open(os.path.join(work, f"{name}.chrom.sizes"), "w") as f:
            f.writelines(f"{k}\t{v}\n" for k, v in sizes.items())
    gk_data.data_manager = DefaultDataManager(work, bucket_name="")
    return gk.LiftOver(CHAIN), plain, t_sizes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2_000_000, help="intervals in the batch measurement")
    ap.add_argument("--calls", type=int, default=20_000, help="items in the per-call measurements")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    print(f"bench_liftover on {machine()}")
    print("The reference GenomeKit (7.7.0) has no liftover: no reference column in this benchmark.")
    with scratch("bench_liftover-", args.keep) as work:
        run(args, work)


def run(args, work: str) -> None:
    t = time.perf_counter()
    lo, plain, sizes = setup(work)
    open_gk = time.perf_counter() - t
    rng = np.random.default_rng(1)
    main_chroms = [c for c in lo.source_chromosomes if "_" not in c and c in sizes]
    chrom_names = rng.choice(main_chroms, args.calls)
    pos = [int(rng.integers(0, sizes[c] - 1)) for c in chrom_names]
    ivs = [gk.Interval(c, "+", p, p + 1, "hg19") for c, p in zip(chrom_names, pos, strict=True)]
    items = list(zip(chrom_names.tolist(), pos, strict=True))

    # --- per call ---
    results: dict[str, float | None] = {}
    results["genome_kit lift(Interval)"] = 1e6 / cpu_rate(lambda: [lo.lift(iv) for iv in ivs], len(ivs))
    conv = lo.convert_coordinate
    per_point = cpu_rate(lambda: [conv(c, p) for c, p in items], len(items))
    results["genome_kit convert_coordinate"] = 1e6 / per_point
    try:
        import agct

        t = time.perf_counter()
        ac = agct.Converter(chainfile=plain)
        open_agct: float | None = time.perf_counter() - t
        acc = ac.convert_coordinate
        results["agct"] = 1e6 / cpu_rate(lambda: [acc(c, p, p + 1) for c, p in items], len(items))
    except ImportError:
        results["agct"], open_agct = None, None
    try:
        import pyliftover

        t = time.perf_counter()
        pl = pyliftover.LiftOver(CHAIN)
        open_pl: float | None = time.perf_counter() - t
        plc = pl.convert_coordinate
        results["pyliftover"] = 1e6 / cpu_rate(lambda: [plc(c, p) for c, p in items], len(items))
    except ImportError:
        results["pyliftover"], open_pl = None, None
    print(f"\nper call, {len(items):,} random hg19 positions [CPU microseconds per call, lower is better]")
    base = results["genome_kit lift(Interval)"]
    for name, us in results.items():
        if us is None:
            print(f"  {name:<32} {'n/a (not installed)':>14}")
            continue
        ratio = "" if name.startswith("genome_kit") else f"  genome_kit lift is {us / base:,.1f}x faster"
        print(f"  {name:<32} {us:>10.3f}{ratio}")

    # --- batch ---
    n = args.n
    src_index = {c: i for i, c in enumerate(lo.source_chromosomes)}
    pool = np.array([src_index[c] for c in rng.choice(main_chroms, 1000)], dtype=np.int32)
    chrom = pool[rng.integers(0, 1000, n)]
    limit = np.array([sizes[lo.source_chromosomes[c]] for c in range(len(lo.source_chromosomes))])[chrom]
    start = (rng.random(n) * (limit - 10_001)).astype(np.int64)
    end = start + rng.integers(1, 10_001, n)
    strand = rng.choice(np.array([b"+", b"-"]), n)
    out = lo.lift_arrays(chrom, start, end, strand)  # warm-up, and the mapped share
    batch = cpu_rate(lambda: lo.lift_arrays(chrom, start, end, strand), n)
    batch_wall = rate(lambda: lo.lift_arrays(chrom, start, end, strand), n)
    sorted_order = np.lexsort((start, chrom))
    cs, ss, es, sts = chrom[sorted_order], start[sorted_order], end[sorted_order], strand[sorted_order]
    batch_sorted = cpu_rate(lambda: lo.lift_arrays(cs, ss, es, sts), n)
    per_call_rate = 1e6 / base
    table(
        f"batch lift_arrays, {n:,} random 1 bp - 10 kb hg19 intervals, one core "
        f"({(out.status == 0).mean():.1%} mapped)",
        "intervals/s",
        {
            "genome_kit": batch,
            "genome_kit (sorted input)": batch_sorted,
            "genome_kit (wall clock)": batch_wall,
            "genome_kit lift() per call": per_call_rate,
            "agct per call": 1e6 / results["agct"] if results["agct"] else None,
            "pyliftover per call (1 bp)": 1e6 / results["pyliftover"] if results["pyliftover"] else None,
        },
    )
    for label, value in (("random", batch), ("sorted", batch_sorted)):
        verdict = "meets" if value >= 10e6 else "MISSES"
        print(f"  target 10,000,000 intervals/s, {label} input: {verdict} ({value / 1e6:.1f} M/s)")

    print("\nopening the chain file [seconds, lower is better]")
    print(f"  {'genome_kit (gzip)':<32} {open_gk:>10.3f}")
    if open_agct is not None:
        print(f"  {'agct (plain text)':<32} {open_agct:>10.3f}")
    if open_pl is not None:
        print(f"  {'pyliftover (gzip)':<32} {open_pl:>10.3f}")


if __name__ == "__main__":
    main()
