"""Genome-wide jobs (genome_kit.scale) in one process, on a Dask LocalCluster and on local Ray Data:
the same window + targets job over a BED file and the same REF/ALT pairs job over a VCF, written to
shards by each engine. Prints windows/s per engine and the ratio to the single-process run, the job
set-up time (BED parsing included) and the compute-only rate (no shard writing).

    python benchmarks/bench_scale.py [--regions 50000] [--variants 25000] [--width 512] [--workers 2]
                                     [--format npz] [--engines local,dask,ray]

Clusters are started before the clock and warmed up on a small job (workers import genome_kit once);
each timed run writes into a fresh directory, removed afterwards with the whole work folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import warnings

import numpy as np

import genome_kit as gk
from genome_kit import scale

from _common import machine

SAMPLE = os.path.join(os.path.dirname(gk.__file__), "sample_data", "sacCer.sample.fa.gz")


def make_inputs(work: str, n_regions: int, n_variants: int):
    gk.build_assembly(SAMPLE, os.path.join(work, "bench"))
    g = gk.Genome("bench")
    rng = np.random.default_rng(0)
    tracks = []
    for name, dim in (("signal", 1), ("marks", 4)):
        path = os.path.join(work, f"{name}.gtrack")
        with gk.GenomeTrackBuilder(path, "f16", "single_stranded", g, dim=dim) as b:
            for chrom in g.chromosomes:
                size = g.chromosome_size(chrom)
                b.set_data(g.interval(chrom, "+", 0, size), rng.random((size, dim), dtype=np.float32))
        tracks.append(gk.GenomeTrack(path))
    bed = os.path.join(work, "regions.bed")
    chroms = rng.integers(0, 2, n_regions)
    with open(bed, "w") as f:
        for c, s, strand in zip(chroms, rng.random(n_regions), rng.integers(0, 2, n_regions), strict=True):
            chrom = g.chromosomes[c]
            start = int(s * (g.chromosome_size(chrom) - 1000))
            f.write(f"{chrom}\t{start}\t{start + 200}\t.\t0\t{'+-'[strand]}\n")
    seq = g.dna(g.interval("chrII", "+", 0, g.chromosome_size("chrII")))
    positions = np.unique(rng.integers(10, len(seq) - 10, n_variants * 2))[:n_variants]
    positions = positions[np.r_[True, np.diff(positions) > 4]]  # no two variants overlap
    vcf_text = ["##fileformat=VCFv4.2", "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    for k, p in enumerate(positions):
        ref = seq[p : p + 1 + (k % 3 == 1) * 3]
        alt = {0: "ACGT"[("ACGT".index(ref) + 1) % 4] if ref in "ACGT" else "A", 1: ref[0], 2: ref + "TG"}[
            k % 3
        ]
        vcf_text.append(f"chrII\t{p + 1}\t.\t{ref}\t{alt}\t.\t.\t.")
    vcf_path = os.path.join(work, "variants.vcf")
    with open(vcf_path, "w") as f:
        f.write("\n".join(vcf_text) + "\n")
    return g, tracks, bed, gk.VCFTable.from_vcf(vcf_path, g)


def start_dask(workers: int):
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return cluster, distributed.Client(cluster)


def start_ray(workers: int, temp: str):
    import ray
    import ray.data

    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, _temp_dir=temp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ray.data.DataContext.get_current()
    return ray


def timed(fn, out: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    fn(out)
    dt = time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=50_000, help="BED regions of the window job")
    ap.add_argument("--variants", type=int, default=25_000, help="variants of the pairs job")
    ap.add_argument("--width", type=int, default=512, help="window length (bp)")
    ap.add_argument("--resolution", type=int, default=32, help="target bin size (bp)")
    ap.add_argument("--workers", type=int, default=2, help="Dask workers / Ray CPUs")
    ap.add_argument("--format", default="npz", choices=sorted(scale.FORMATS))
    ap.add_argument("--engines", default="local,dask,ray")
    ap.add_argument("--partitions", type=int, default=16, help="partitions per job")
    args = ap.parse_args()
    engines = args.engines.split(",")
    print(f"machine: {machine()}")
    work = tempfile.mkdtemp(prefix="gk-bench-scale-")
    ray_temp = tempfile.mkdtemp(prefix="gkray")
    gk.gk_data.data_manager = gk.DefaultDataManager(work, bucket_name="")
    cluster = client = ray = None
    try:
        g, tracks, bed, vcf = make_inputs(work, args.regions, args.variants)
        t = time.perf_counter()
        windows = scale.WindowJob(
            g, bed, width=args.width, tracks=tracks, resolution=args.resolution,
            partition_size=-(-args.regions // args.partitions),
        )  # fmt: skip
        setup = time.perf_counter() - t
        pairs = scale.VariantPairsJob(g, vcf, args.width, partition_size=-(-len(vcf) // args.partitions))
        jobs = {"windows + targets": windows, "REF/ALT pairs": pairs}
        print(
            f"window job: {len(windows)} regions of {args.width} bp, targets {windows.num_targets} tracks at "
            f"{args.resolution} bp; set-up (read_bed + checks) {setup:.2f} s "
            f"({len(windows) / setup:,.0f} regions/s)"
        )
        print(
            f"pairs job: {len(pairs)} variants of chrII, {args.width} bp; {args.partitions} partitions each"
        )
        print(f"format {args.format}; {args.workers} Dask workers / Ray CPUs")

        runners = {"local": lambda job, out: scale.run(job, out, args.format)}
        if "dask" in engines:
            cluster, client = start_dask(args.workers)
            runners["dask"] = lambda job, out: scale.run_dask(job, out, args.format, client=client)
        if "ray" in engines:
            ray = start_ray(args.workers, ray_temp)
            runners["ray"] = lambda job, out: scale.run_ray(job, out, args.format)
        warm = scale.VariantPairsJob(g, vcf, 16, partition_size=max(1, len(vcf) // 4))
        for name, runner in runners.items():
            if name != "local":
                timed(lambda out, runner=runner: runner(warm, out), os.path.join(work, "warm"))

        for title, job in jobs.items():
            parts = job.partitions()
            t = time.perf_counter()
            for p in parts:
                job.compute(p)
            compute = len(job) / (time.perf_counter() - t)
            print(f"\n{title} [rows/s, higher is better]")
            print(f"  {'compute only, this process':<34} {compute:>12,.0f}")
            base = None
            for name, runner in runners.items():
                rate = len(job) / timed(
                    lambda out, runner=runner, job=job: runner(job, out), os.path.join(work, "o")
                )
                base = base or rate
                print(f"  {name + ' (shards written)':<34} {rate:>12,.0f}   {rate / base:5.2f}x local")
    finally:
        if client is not None:
            client.close()
            cluster.close()
        if ray is not None:
            ray.shutdown()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(ray_temp, ignore_errors=True)


if __name__ == "__main__":
    main()
