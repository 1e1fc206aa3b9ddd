"""GenomeTrack vs pyBigWig (and the reference GenomeKit) on a genome-wide-scale synthetic track.

The same float16 values (default 200 Mbp, resolution 128, dim 1 and dim 64, 30% of the genome in
zero runs) are written as a genome_kit .gtrack, as bigWig files through pyBigWig (one per dim,
every value written, no zoom levels: the smallest bigWig of that data) and, when /work/venv-ref
exists, as a reference GenomeKit .gtrack. Then random 1 kb and 1 Mbp windows are read (per-base
values, as each library returns them) and we print reads/s, GB/s of decoded output, file sizes and
ratios. Read times are CPU time of the reading thread (time.thread_time), so that load from other
processes on a shared machine does not count.

A second part (the encoding matrix) compares genome_kit with the reference GenomeKit alone, through one
timing script run by both interpreters: u8, f8, f16 and f32 tracks at resolution 1 and 128, dim 1 and
64, read as 1 kb and 1 Mbp windows on both strands, decoded as the default dtype and as float32.
Both interpreters stay up as workers and alternate passes over the same windows (so load from other
processes hits both alike); a pass repeats the windows until it has used 0.05 s of CPU time (thread CPU
time, so time spent descheduled on a shared machine does not count), and each case keeps its best of 5
passes; both sides' outputs must be identical.

    python benchmarks/bench_tracks.py [--mbp 200] [--dims 1,64] [--no-ref] [--keep DIR]
                                      [--matrix/--no-matrix] [--matrix-only] [--matrix-scale 1.0]

Needs pyBigWig (``pip install 'genome_kit[bench]'``). Takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

R = 128
CHROM_MBP = 50
REF_PYTHON = "/work/venv-ref/bin/python"


def make_data(rng, rows, dim):
    """Signal-like float16 values: log-normal, with 30% of the rows in zero runs of 64-rows blocks."""
    vals = np.exp(rng.standard_normal((rows, dim), np.float32) * 1.5).astype(np.float16)
    blocks = rng.random(rows // 64 + 1) < 0.3
    vals[np.repeat(blocks, 64)[:rows]] = 0
    return vals


def timed(fn, n):
    """CPU seconds of this thread for fn(0) .. fn(n - 1): time spent descheduled on a shared machine
    does not count (every library here reads in the calling thread)."""
    t = time.thread_time()
    for k in range(n):
        fn(k)
    return time.thread_time() - t


def dir_size(paths):
    return sum(os.path.getsize(p) for p in paths)


REF_SCRIPT = r"""
import json, os, sys, time
import numpy as np
import genome_kit as gk
with open(sys.argv[1]) as f:
    cfg = json.load(f)
g = gk.Genome("benchg")
out = {}
t = time.perf_counter()
b = gk.GenomeTrackBuilder(cfg["path"], "f16", "single_stranded", g, dim=cfg["dim"], resolution=cfg["R"])
b.set_default_value(0)
b.set_sparsity(64)
for chrom, npy in cfg["chroms"]:
    data = np.load(npy)
    b.set_data(gk.Interval(chrom, "+", 0, data.shape[0] * cfg["R"], g), data)
b.finalize()
out["build_s"] = time.perf_counter() - t
out["size"] = os.path.getsize(cfg["path"])
tr = gk.GenomeTrack(cfg["path"])
for name, wins in cfg["windows"].items():
    ivs = [gk.Interval(c, "+", s, e, g) for c, s, e in wins]
    t = time.thread_time()
    for iv in ivs:
        tr(iv)
    out[name] = time.thread_time() - t
print(json.dumps(out))
"""


def bench_dim(dim, chroms, work, genome, rng, have_ref):
    """Builds and reads one dim; prints its table."""
    import pyBigWig

    import genome_kit as gk

    n_1k = {1: 20000, 64: 5000}.get(dim, 5000)
    n_1k_bw = {1: 3000, 64: 100}.get(dim, 100)
    n_1m = {1: 50, 64: 4}.get(dim, 4)
    n_1m_bw = {1: 10, 64: 2}.get(dim, 2)
    print(f"\n## dim {dim}")
    # -- data
    npys = []
    for c, n in chroms:
        path = os.path.join(work, f"{c}.d{dim}.npy")
        np.save(path, make_data(rng, n // R, dim))
        npys.append((c, path))

    # -- genome_kit build
    ours = os.path.join(work, f"ours.d{dim}.gtrack")
    t = time.perf_counter()
    with gk.GenomeTrackBuilder(ours, "f16", "single_stranded", genome, dim=dim, resolution=R) as b:
        b.set_default_value(0)
        b.set_sparsity(64)
        for c, npy in npys:
            data = np.load(npy)
            b.set_data(gk.Interval(c, "+", 0, data.shape[0] * R, genome), data)
    build_ours = time.perf_counter() - t

    # -- bigWig build (one file per dim: bigWig holds one value per position)
    t = time.perf_counter()
    bws = []
    datas = {c: np.load(npy, mmap_mode="r") for c, npy in npys}
    for d in range(dim):
        path = os.path.join(work, f"bw.d{dim}.{d}.bw")
        bw = pyBigWig.open(path, "w")
        bw.addHeader(chroms, maxZooms=0)
        for c, _ in chroms:
            bw.addEntries(c, 0, values=datas[c][:, d].astype(np.float64), span=R, step=R)
        bw.close()
        bws.append(path)
    build_bw = time.perf_counter() - t

    # -- windows
    def windows(n, length):
        out = []
        for _ in range(n):
            c, size = chroms[rng.integers(len(chroms))]
            s = int(rng.integers(0, size - length))
            out.append((c, s, s + length))
        return out

    w1k, w1m = windows(n_1k, 1000), windows(n_1m, 1_000_000)

    # -- sanity: identical values
    track = gk.GenomeTrack(ours)
    handles = [pyBigWig.open(p) for p in bws]
    for c, s, e in w1k[:50]:
        got = track(gk.Interval(c, "+", s, e, genome), np.float32)
        want = np.stack([h.values(c, s, e, numpy=True) for h in handles], axis=1)
        np.testing.assert_array_equal(got, want)

    # -- reads: genome_kit
    ivs1k = [gk.Interval(c, "+", s, e, genome) for c, s, e in w1k]
    ivs1m = [gk.Interval(c, "+", s, e, genome) for c, s, e in w1m]
    # Plain loops, as in the reference's script (a lambda per read would cost as much as a 1 kb read).
    f32 = np.float32
    t = time.thread_time()
    for iv in ivs1k:
        track(iv)
    t_1k = time.thread_time() - t
    t = time.thread_time()
    for iv in ivs1k:
        track(iv, f32)
    t_1k32 = time.thread_time() - t
    nbatch = 100
    t_batch = timed(lambda k: track.batch(ivs1k[k * nbatch : (k + 1) * nbatch]), len(ivs1k) // nbatch)
    buf = np.empty((nbatch, 1000, dim), np.float16)
    t_batch_out = timed(
        lambda k: track.batch(ivs1k[k * nbatch : (k + 1) * nbatch], out=buf), len(ivs1k) // nbatch
    )
    t = time.thread_time()
    for iv in ivs1m:
        track(iv)
    t_1m = time.thread_time() - t

    # -- reads: pyBigWig (float32 per base, one file per dim)
    nb = n_1k_bw
    t_bw_1k = timed(lambda k: [h.values(*w1k[k], numpy=True) for h in handles], nb)
    nbm = n_1m_bw
    t_bw_1m = timed(lambda k: [h.values(*w1m[k], numpy=True) for h in handles], nbm)
    for h in handles:
        h.close()

    # -- reference GenomeKit
    ref = None
    if have_ref:
        cfg = {
            "path": os.path.join(work, f"ref.d{dim}.gtrack"),
            "dim": dim,
            "R": R,
            "chroms": npys,
            "windows": {"w1k": w1k, "w1m": w1m},  # the same windows genome_kit reads
        }
        env = dict(os.environ, GENOMEKIT_DATA_DIR=work, GENOMEKIT_QUIET="1")
        env.pop("PYTHONPATH", None)
        cfg_path = os.path.join(work, "ref_config.json")
        with open(cfg_path, "w") as f:
            json.dump(cfg, f)
        p = subprocess.run([REF_PYTHON, "-c", REF_SCRIPT, cfg_path], env=env, capture_output=True, text=True)
        if p.returncode == 0:
            ref = json.loads(p.stdout.strip().splitlines()[-1])
            ref["n1k"], ref["n1m"] = len(cfg["windows"]["w1k"]), len(cfg["windows"]["w1m"])
        else:
            print("reference failed:", p.stderr.strip().splitlines()[-1:])

    # -- report
    def line(name, n, secs, length, itemsize):
        rate = n / secs
        gbs = n * length * dim * itemsize / secs / 1e9
        print(f"{name:44s} {rate:12,.0f} reads/s {gbs:8.2f} GB/s")
        return rate

    size_ours, size_bw = os.path.getsize(ours), dir_size(bws)

    def size_line(name, size, secs):
        print(f"{'file size: ' + name:44s} {size / 1e6:10.1f} MB  (build {secs:.1f} s)")

    size_line("genome_kit .gtrack", size_ours, build_ours)
    size_line("bigWig (pyBigWig, no zooms)", size_bw, build_bw)
    if ref:
        size_line("reference GenomeKit .gtrack", ref["size"], ref["build_s"])
    r1 = line("1 kb   genome_kit track(iv) float16", len(ivs1k), t_1k, 1000, 2)
    line("1 kb   genome_kit track(iv, np.float32)", len(ivs1k), t_1k32, 1000, 4)
    line("1 kb   genome_kit batch of 100 (per window)", len(ivs1k), t_batch, 1000, 2)
    line("1 kb   genome_kit batch of 100 into out=", len(ivs1k), t_batch_out, 1000, 2)
    b1 = line("1 kb   pyBigWig values (all dims)", nb, t_bw_1k, 1000, 4)
    rr1 = line("1 kb   reference GenomeKit", ref["n1k"], ref["w1k"], 1000, 2) if ref else None
    r2 = line("1 Mbp  genome_kit track(iv) float16", len(ivs1m), t_1m, 1_000_000, 2)
    b2 = line("1 Mbp  pyBigWig values (all dims)", nbm, t_bw_1m, 1_000_000, 4)
    rr2 = line("1 Mbp  reference GenomeKit", ref["n1m"], ref["w1m"], 1_000_000, 2) if ref else None
    print(
        f"ratio genome_kit / pyBigWig: 1 kb {r1 / b1:.1f}x, 1 Mbp {r2 / b2:.1f}x, "
        f"size {size_ours / size_bw:.2f}"
    )
    if ref:
        print(
            f"ratio genome_kit / reference: 1 kb {r1 / rr1:.1f}x, 1 Mbp {r2 / rr2:.1f}x, "
            f"size {size_ours / ref['size']:.2f}"
        )
    for p in [ours, *bws, *(path for _, path in npys)]:
        os.remove(p)


MATRIX_WORKER = r"""
import hashlib, json, os, sys, time
import numpy as np
import genome_kit as gk
g = gk.Genome("benchg")
tracks = {}
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["op"] == "open":
        case = cmd["case"]
        path = case["path"] + cmd["suffix"]
        b = gk.GenomeTrackBuilder(
            path, case["etype"], "single_stranded", g, dim=case["dim"], resolution=case["R"]
        )
        b.set_default_value(0)
        b.set_sparsity(64)
        data = np.load(case["npy"])
        b.set_data(gk.Interval("chr1", "+", 0, data.shape[0] * case["R"], g), data)
        b.finalize()
        del data
        tracks[case["name"]] = (path, gk.GenomeTrack(path), case)
        reply = {}
    elif cmd["op"] == "time":
        path, tr, case = tracks[cmd["name"]]
        wins = case["windows"][cmd["window"]]
        ivs = [gk.Interval("chr1", cmd["strand"], s, s + wins["len"], g) for s in wins["starts"]]
        dt = None if cmd["dtype"] == "default" else getattr(np, cmd["dtype"])
        h = hashlib.sha1()
        for iv in ivs[:3]:
            h.update(np.ascontiguousarray(tr(iv, dt), np.float32).tobytes())
        # CPU time of this thread, not wall time: the machine may be shared, and time spent descheduled
        # is not the library's. Whole passes over the windows until min_cpu seconds are spent.
        n, t0 = 0, time.thread_time()
        while True:
            for iv in ivs:
                tr(iv, dt)
            n += len(ivs)
            if time.thread_time() - t0 >= cmd["min_cpu"]:
                break
        reply = {"s": time.thread_time() - t0, "n": n, "sha": h.hexdigest()}
    elif cmd["op"] == "close":
        path, tr, case = tracks.pop(cmd["name"])
        del tr
        os.remove(path)
        reply = {}
    print(json.dumps(reply), flush=True)
"""


class Worker:
    """One interpreter (ours or the reference's) running MATRIX_WORKER, driven line by line."""

    def __init__(self, python, env, suffix, cwd):
        self.suffix = suffix
        self.p = subprocess.Popen(
            [python, "-c", MATRIX_WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=cwd,  # not the checkout: the reference must not import our genome_kit
        )

    def __call__(self, **cmd):
        cmd["suffix"] = self.suffix
        self.p.stdin.write(json.dumps(cmd) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            sys.exit(f"matrix worker ({self.suffix}) died")
        return json.loads(line)

    def close(self):
        self.p.stdin.close()
        self.p.wait()


MATRIX_ETYPES = ("u8", "f8", "f16", "f32")


def matrix_data(rng, etype, rows, dim):
    """Values each etype stores exactly (u8: 0..255, f8: its default dictionary, f16/f32: log-normal),
    with 30% of the rows in zero runs of 64 rows (dropped by set_sparsity(64))."""
    if etype == "u8":
        vals = rng.integers(0, 256, (rows, dim), dtype=np.uint8)
    elif etype == "f8":
        vals = np.linspace(0, 1, 256, dtype=np.float32)[rng.integers(0, 256, (rows, dim))]
    else:
        vals = np.exp(rng.standard_normal((rows, dim), np.float32) * 1.5)
        vals = vals.astype(np.float16 if etype == "f16" else np.float32)
    blocks = rng.random(rows // 64 + 1) < 0.3
    vals[np.repeat(blocks, 64)[:rows]] = 0
    return vals


def bench_matrix(work, rng, scale, passes=5, min_cpu=0.05, only=None):
    """Every matrix case through MATRIX_SCRIPT, in our interpreter and the reference's; prints a table."""
    cases = []
    chrom_len = CHROM_MBP * 1_000_000
    for dim in (1, 64):
        for res in (1, 128):
            # Stored span: the whole chromosome, but at most ~80M values per track (R=1, dim 64: 1.25 Mbp).
            span = min(chrom_len, (80_000_000 // dim) * res)
            span -= span % res
            n1k = max(50, int({1: 4000, 64: 1000}[dim] * scale))
            n1m = max(2, int({1: 20, 64: 3}[dim] * scale))
            for etype in MATRIX_ETYPES:
                name = f"{etype} R={res} dim={dim}"
                if only and not any(o in name for o in only):
                    continue
                npy = os.path.join(work, f"m.{etype}.{res}.{dim}.npy")
                np.save(npy, matrix_data(rng, etype, span // res, dim))
                windows = {
                    "1kb": {"len": 1000, "starts": rng.integers(0, span - 1000, n1k).tolist()},
                    "1Mbp": {"len": 1_000_000, "starts": rng.integers(0, span - 1_000_000, n1m).tolist()},
                }
                dtypes = ["default"] if etype == "f32" else ["default", "float32"]
                cases.append(
                    {
                        "name": name,
                        "etype": etype,
                        "R": res,
                        "dim": dim,
                        "npy": npy,
                        "path": os.path.join(work, f"m.{etype}.{res}.{dim}.gtrack"),
                        "windows": windows,
                        "dtypes": dtypes,
                    }
                )
    env = dict(os.environ, GENOMEKIT_DATA_DIR=work, GENOMEKIT_QUIET="1")
    ours_env, ref_env = dict(env), dict(env)
    ref_env.pop("PYTHONPATH", None)
    import genome_kit

    ours_env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(genome_kit.__file__)))
    workers = {
        "ours": Worker(sys.executable, ours_env, ".ours", work),
        "ref": Worker(REF_PYTHON, ref_env, ".ref", work),
    }
    # Passes alternate between the two interpreters so that load from other processes on the machine
    # hits both alike; each case keeps its best pass per side.
    results = {"ours": {}, "ref": {}}
    for c in cases:
        for w in workers.values():
            w(op="open", case=c)
        for side in workers:
            results[side][c["name"]] = {}
        for wname in c["windows"]:
            for strand in "+-":
                for dname in c["dtypes"]:
                    key = f"{wname} {strand} {dname}"
                    for _ in range(passes):
                        for side, w in workers.items():
                            r = w(
                                op="time",
                                name=c["name"],
                                window=wname,
                                strand=strand,
                                dtype=dname,
                                min_cpu=min_cpu,
                            )
                            best = results[side][c["name"]].get(key)
                            if best is None or r["s"] / r["n"] < best["s"] / best["n"]:
                                results[side][c["name"]][key] = r
        for w in workers.values():
            w(op="close", name=c["name"])
        os.remove(c["npy"])
    for w in workers.values():
        w.close()

    print(
        f"\n## encoding matrix: genome_kit vs reference GenomeKit "
        f"(reads per CPU second, best of {passes} alternating passes of >= {min_cpu} s; ratio > 1: faster)"
    )
    print(f"{'case':22s} {'window':18s} {'genome_kit':>12s} {'reference':>12s} {'ratio':>7s}")
    slow = []
    for c in cases:
        ours, ref = results["ours"][c["name"]], results["ref"][c["name"]]
        for key, o in ours.items():
            r = ref[key]
            if o["sha"] != r["sha"]:
                sys.exit(f"matrix: genome_kit and the reference disagree on {c['name']} {key}")
            ratio = (r["s"] / r["n"]) / (o["s"] / o["n"])
            flag = "  <-- slower" if ratio < 1 else ""
            rates = f"{o['n'] / o['s']:12,.0f} {r['n'] / r['s']:12,.0f}"
            print(f"{c['name']:22s} {key:18s} {rates} {ratio:7.2f}{flag}")
            if ratio < 1:
                slow.append(f"{c['name']} {key}")
    ratios = [
        (results["ref"][c["name"]][k]["s"] / results["ref"][c["name"]][k]["n"]) / (v["s"] / v["n"])
        for c in cases
        for k, v in results["ours"][c["name"]].items()
    ]
    print(
        f"matrix: {len(ratios)} cases, ratio min {min(ratios):.2f}x, median {float(np.median(ratios)):.2f}x, "
        f"max {max(ratios):.2f}x; slower than the reference: {len(slow)}"
    )


def run(args):
    import genome_kit as gk
    from genome_kit import gk_data
    from genome_kit.data_manager import DefaultDataManager

    work = args.keep or tempfile.mkdtemp(prefix="bench_tracks_")
    os.makedirs(work, exist_ok=True)
    nchrom = max(1, args.mbp // CHROM_MBP)
    chroms = [(f"chr{k + 1}", CHROM_MBP * 1_000_000) for k in range(nchrom)]
    with open(os.path.join(work, "benchg.chrom.sizes"), "w") as f:
        f.writelines(f"{c}\t{n}\n" for c, n in chroms)
    with open(os.path.join(work, "benchg.chromAlias.txt"), "w") as f:  # the reference wants one
        f.writelines(f"{c}\t{c[3:]}\n" for c, _ in chroms)
    gk_data.data_manager = DefaultDataManager(work, bucket_name="")
    genome = gk.Genome("benchg")
    have_ref = os.path.exists(REF_PYTHON) and not args.no_ref
    total_mbp = sum(n for _, n in chroms) / 1e6
    print(f"# {total_mbp:.0f} Mbp ({nchrom} chromosomes), float16, resolution {R}; work dir {work}")

    rng = np.random.default_rng(1)
    if not args.matrix_only:
        for dim in args.dims:
            bench_dim(dim, chroms, work, genome, rng, have_ref)
    if args.matrix and have_ref:
        bench_matrix(work, rng, args.matrix_scale, only=args.matrix_cases)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mbp", type=int, default=200, help="genome size in Mbp (multiples of 50)")
    ap.add_argument("--dims", default="1,64", help="comma-separated dims to run")
    ap.add_argument("--no-ref", action="store_true", help="skip the reference GenomeKit")
    ap.add_argument("--keep", help="work directory to keep (default: a temporary one)")
    ap.add_argument(
        "--matrix",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the encoding matrix against the reference (default on)",
    )
    ap.add_argument("--matrix-only", action="store_true", help="run only the encoding matrix")
    ap.add_argument("--matrix-scale", type=float, default=1.0, help="scale the matrix's read counts")
    ap.add_argument(
        "--matrix-cases", type=lambda v: v.split(","), help="comma-separated substrings of case names to run"
    )
    args = ap.parse_args()
    args.dims = [int(d) for d in args.dims.split(",")]
    try:
        import pyBigWig  # noqa: F401
    except ImportError:
        sys.exit("bench_tracks needs pyBigWig: pip install 'genome_kit[bench]'")
    run(args)


if __name__ == "__main__":
    main()
