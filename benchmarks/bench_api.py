"""Every public operation, genome_kit side by side with the reference GenomeKit 7.7.0 (and py2bit for DNA).

Both libraries run as persistent worker processes on the same synthetic data: a ~500 Mbp genome (.2bit),
a GENCODE-like annotation (20k genes, ~85k transcripts, ~500k exons by default; each side builds its own
file from the same GFF3), tracks and a VCF. For every operation the driver asks the two workers in turn
(interleaved, alternating who goes first), several times, and keeps the median of each side's process CPU
time; the results of both sides are compared (a digest of a canonical form) and a mismatch is flagged.
Ratio = reference time / ours: above 1, genome_kit is
faster.

    python benchmarks/bench_api.py [--reps 5] [--only SUBSTRING] [--markdown out.md]

Not covered yet (issue 13): opens, track builds and reads, VCF conversion, bigWig import; see
docs/performance.md for the per-area scripts that measure those.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "out", "api")

# ------------------------------------------------------------------------------------------------------------
# Worker: runs under either interpreter (only the public genome_kit API and the standard library).
# ------------------------------------------------------------------------------------------------------------


def canon(x, depth=0):
    """A library-independent form of a result, for comparing the two sides."""
    if depth > 3:
        return None
    if hasattr(x, "chromosome") and hasattr(x, "strand") and hasattr(x, "start"):
        return (x.chromosome, x.strand, x.start, x.end)
    if isinstance(x, (list, tuple)):
        return [canon(v, depth + 1) for v in x[:2000]]
    if isinstance(x, set):
        return len(x)
    if hasattr(x, "tobytes"):
        return hashlib.md5(x.tobytes()).hexdigest()
    return x


class Ops:
    """The measured operations: name -> (callable doing the work once, items per call)."""

    def __init__(self, gk, data_dir):
        self.gk = gk
        self.data = data_dir
        self._cache = {}

    def get(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # --- fixtures ---
    def genome(self):
        return self.get("genome", lambda: self.gk.Genome("bench"))

    def anno(self):
        return self.get("anno", lambda: self.gk.Genome("bench_anno"))

    def intervals(self):
        def make():
            rng = random.Random(3)
            iv = self.gk.Interval
            return [
                iv(f"chr{rng.randint(1, 22)}", rng.choice("+-"), s, s + rng.randint(0, 500), "bench")
                for s in (rng.randint(0, 10_000_000) for _ in range(20000))
            ]

        return self.get("ivs", make)

    def rows(self, table):
        def make():
            t = getattr(self.anno(), table)
            rng = random.Random(5)
            return [t[rng.randrange(len(t))] for _ in range(20000)]

        return self.get("rows:" + table, make)

    # --- operations ---
    def op(self, name):
        gk = self.gk
        N = 100_000
        rep = range(N)
        if name.startswith("Interval"):
            a = gk.Interval("chr1", "+", 1000, 2000, "bench")
            b = gk.Interval("chr1", "+", 1500, 2500, "bench")
            ivs = self.intervals()
            import pickle

            pa = pickle.dumps(a)

            table = {
                "Interval()": (lambda: [gk.Interval("chr1", "+", 1000, 2000, "bench") for _ in rep], N),
                "Interval hash": (lambda: [hash(a) for _ in rep], N),
                "Interval ==": (lambda: [a == b for _ in rep], N),
                "Interval len": (lambda: [len(a) for _ in rep], N),
                "Interval start": (lambda: [a.start for _ in rep], N),
                "Interval end": (lambda: [a.end for _ in rep], N),
                "Interval chromosome": (lambda: [a.chromosome for _ in rep], N),
                "Interval strand": (lambda: [a.strand for _ in rep], N),
                "Interval end5": (lambda: [a.end5 for _ in rep], N),
                "Interval end3": (lambda: [a.end3 for _ in rep], N),
                "Interval end5.expand": (lambda: [a.end5.expand(10, 20) for _ in rep], N),
                "Interval expand": (lambda: [a.expand(10, 20) for _ in rep], N),
                "Interval shift": (lambda: [a.shift(10) for _ in rep], N),
                "Interval as_opposite_strand": (lambda: [a.as_opposite_strand() for _ in rep], N),
                "Interval upstream_of": (lambda: [a.upstream_of(b) for _ in rep], N),
                "Interval dnstream_of": (lambda: [a.dnstream_of(b) for _ in rep], N),
                "Interval overlaps": (lambda: [a.overlaps(b) for _ in rep], N),
                "Interval within": (lambda: [a.within(b) for _ in rep], N),
                "Interval contains": (lambda: [a.contains(b) for _ in rep], N),
                "Interval as_ucsc": (lambda: [a.as_ucsc() for _ in rep], N),
                "Interval pickle.dumps": (lambda: [pickle.dumps(a) for _ in range(N // 4)], N // 4),
                "Interval pickle.loads": (lambda: [pickle.loads(pa) for _ in range(N // 4)], N // 4),
                "Interval sorted 20k": (lambda: sorted(ivs), 1),
                "Interval set() 20k": (lambda: set(ivs), 1),
            }
            return table[name]
        if name.startswith("anno "):
            g = self.anno()
            genes, trans, exons = g.genes, g.transcripts, g.exons
            gl, tl, el = self.rows("genes"), self.rows("transcripts"), self.rows("exons")
            gids = [x.id for x in gl]
            tids = [x.id for x in tl]
            rng = random.Random(9)
            qs = [
                gk.Interval(f"chr{rng.randint(1, 22)}", rng.choice("+-"), s, s + 10_000, "bench")
                for s in (rng.randint(0, 20_000_000) for _ in range(5000))
            ]
            idx = [rng.randrange(len(exons)) for _ in range(20000)]
            table = {
                "anno gene.interval": (lambda: [x.interval for x in gl], len(gl)),
                "anno exon.interval": (lambda: [x.interval for x in el], len(el)),
                "anno len(table)": (lambda: [len(exons) for _ in rep], N),
                "anno gene.id": (lambda: [x.id for x in gl], len(gl)),
                "anno gene.name": (lambda: [x.name for x in gl], len(gl)),
                "anno gene.type": (lambda: [x.type for x in gl], len(gl)),
                "anno gene.transcripts": (lambda: [x.transcripts for x in gl], len(gl)),
                "anno transcript.id": (lambda: [x.id for x in tl], len(tl)),
                "anno transcript.exons": (lambda: [x.exons for x in tl], len(tl)),
                "anno transcript.gene": (lambda: [x.gene for x in tl], len(tl)),
                "anno exon.start": (lambda: [x.start for x in el], len(el)),
                "anno exon.end5": (lambda: [x.end5 for x in el], len(el)),
                "anno exon.index": (lambda: [x.index for x in el], len(el)),
                "anno exon.transcript": (lambda: [x.transcript for x in el], len(el)),
                "anno exon.next_exon": (lambda: [x.next_exon for x in el], len(el)),
                "anno exon.prev_exon": (lambda: [x.prev_exon for x in el], len(el)),
                "anno exons[i]": (lambda: [exons[i] for i in idx], len(idx)),
                "anno genes[id]": (lambda: [genes[i] for i in gids], len(gids)),
                "anno transcripts[id]": (lambda: [trans[i] for i in tids], len(tids)),
                "anno exons.find_overlapping 10 kb": (
                    lambda: [exons.find_overlapping(q) for q in qs],
                    len(qs),
                ),
                "anno transcripts.find_overlapping 10 kb": (
                    lambda: [trans.find_overlapping(q) for q in qs],
                    len(qs),
                ),
                "anno iterate genes": (lambda: [x for x in genes], len(genes)),
            }
            return table[name]
        if name.startswith("dna "):
            g = self.genome()
            rng = random.Random(11)
            sizes = self.get("sizes", lambda: json.load(open(os.path.join(self.data, "sizes.json"))))

            def windows(n, length):
                out = []
                for _ in range(n):
                    c = rng.choice(list(sizes))
                    s = rng.randrange(sizes[c] - length)
                    out.append(gk.Interval(c, rng.choice("+-"), s, s + length, "bench"))
                return out

            w10, w1k, w1m = windows(20000, 10), windows(5000, 1000), windows(8, 1_000_000)
            dna = g.dna
            table = {
                "dna 10 bp": (lambda: [dna(i) for i in w10], len(w10)),
                "dna 1 kb": (lambda: [dna(i) for i in w1k], len(w1k)),
                "dna 1 Mbp": (lambda: [dna(i) for i in w1m], len(w1m)),
            }
            return table[name]
        raise KeyError(name)


def worker(data_dir: str) -> None:
    """Answers {"op": name} lines with {"t": CPU seconds, "digest": ...} lines."""
    os.environ["GENOMEKIT_QUIET"] = "1"
    import genome_kit as gk

    from _common import local_data_manager

    local_data_manager(gk, data_dir)
    ops = Ops(gk, data_dir)
    prepared = {}
    for line in sys.stdin:
        req = json.loads(line)
        name = req["op"]
        try:
            if req.get("build"):
                src, dst = req["build"]
                t = time.process_time()
                gk.GenomeAnnotation.build_gencode(src, os.path.join(data_dir, dst), gk.Genome("bench"))
                out = {"t": time.process_time() - t}
            else:
                if name not in prepared:
                    prepared[name] = ops.op(name)
                fn, n = prepared[name]
                t = time.process_time()
                res = fn()
                dt = time.process_time() - t
                out = {"t": dt, "n": n}
                if req.get("digest"):
                    out["digest"] = hashlib.md5(repr(canon(res)).encode()).hexdigest()
                del res
        except Exception as e:  # an operation this side does not have
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)


# ------------------------------------------------------------------------------------------------------------
# py2bit (DNA rows only): the same windows through py2bit, in the driver's process.
# ------------------------------------------------------------------------------------------------------------

# ------------------------------------------------------------------------------------------------------------
# Driver
# ------------------------------------------------------------------------------------------------------------

OPS = [
    "Interval()",
    "Interval hash",
    "Interval ==",
    "Interval len",
    "Interval start",
    "Interval end",
    "Interval chromosome",
    "Interval strand",
    "Interval end5",
    "Interval end3",
    "Interval end5.expand",
    "Interval expand",
    "Interval shift",
    "Interval as_opposite_strand",
    "Interval upstream_of",
    "Interval dnstream_of",
    "Interval overlaps",
    "Interval within",
    "Interval contains",
    "Interval as_ucsc",
    "Interval pickle.dumps",
    "Interval pickle.loads",
    "Interval sorted 20k",
    "Interval set() 20k",
    "anno gene.interval",
    "anno exon.interval",
    "anno len(table)",
    "anno gene.id",
    "anno gene.name",
    "anno gene.type",
    "anno gene.transcripts",
    "anno transcript.id",
    "anno transcript.exons",
    "anno transcript.gene",
    "anno exon.start",
    "anno exon.end5",
    "anno exon.index",
    "anno exon.transcript",
    "anno exon.next_exon",
    "anno exon.prev_exon",
    "anno exons[i]",
    "anno genes[id]",
    "anno transcripts[id]",
    "anno exons.find_overlapping 10 kb",
    "anno transcripts.find_overlapping 10 kb",
    "anno iterate genes",
    "dna 10 bp",
    "dna 1 kb",
    "dna 1 Mbp",
]


def make_data(scale: float) -> None:
    """Synthetic genome (FASTA -> .2bit with genome_kit's writer), annotation GFF3, chrom sizes."""
    import numpy as np
    from bench_annotations import generate

    import genome_kit as gk

    os.makedirs(DATA, exist_ok=True)
    prefix = os.path.join(DATA, "bench")
    if not os.path.exists(prefix + ".gff3"):
        generate(prefix, scale)
    if os.path.exists(prefix + ".2bit"):
        return
    ends: dict[str, int] = {}
    with open(prefix + ".gff3") as f:
        for line in f:
            if not line.startswith("#"):
                p = line.split("\t", 5)
                ends[p[0]] = max(ends.get(p[0], 0), int(p[4]))
    sizes = {f"chr{c}": ends.get(f"chr{c}", 0) + 200_000 for c in range(1, 23)}
    rng = np.random.default_rng(1)
    letters = np.frombuffer(b"ACGTacgtNN", dtype=np.uint8)
    fasta = prefix + ".fa"
    with open(fasta, "wb") as f:
        for name, n in sizes.items():
            codes = rng.integers(0, 4, n, dtype=np.uint8)
            for s in rng.integers(0, n - 5000, n // 20000):  # soft-masked runs
                codes[s : s + 1000] |= 4
            for s in rng.integers(0, n - 50000, 3):  # N blocks
                codes[s : s + 20000] = 8
            f.write(f">{name}\n".encode())
            f.write(letters[codes].tobytes())
            f.write(b"\n")
    with open(prefix + ".chrom.sizes", "w") as f:
        f.writelines(f"{c}\t{n}\n" for c, n in sizes.items())
    with open(os.path.join(DATA, "sizes.json"), "w") as f:
        json.dump(sizes, f)
    gk.build_assembly(fasta, os.path.join(DATA, "tmp_bench"))
    os.rename(os.path.join(DATA, "tmp_bench.2bit"), prefix + ".2bit")
    for n in os.listdir(DATA):
        if n.startswith("tmp_bench"):
            os.remove(os.path.join(DATA, n))
    os.remove(fasta)


class Side:
    def __init__(self, label: str, python: str, path: str | None, data_dir: str):
        env = dict(os.environ, GENOMEKIT_DATA_DIR=data_dir, GENOMEKIT_QUIET="1", OPENBLAS_NUM_THREADS="1")
        env.pop("PYTHONPATH", None)
        if path:
            env["PYTHONPATH"] = path
        self.label = label
        self.proc = subprocess.Popen(
            [python, os.path.abspath(__file__), "--worker", data_dir],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=HERE,
        )

    def ask(self, req: dict) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            return {"error": "worker died"}
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def side_dir(label: str) -> str:
    d = os.path.join(DATA, label)
    os.makedirs(d, exist_ok=True)
    for n in ("bench.2bit", "bench.chrom.sizes", "bench.chromAlias.txt"):
        dst = os.path.join(d, n)
        if not os.path.exists(dst):
            os.symlink(os.path.join(DATA, n), dst)
    return d


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", metavar="DATA_DIR", help=argparse.SUPPRESS)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", action="append", help="run the operations whose name contains this")
    ap.add_argument("--scale", type=float, default=1 / 3, help="annotation size (1.0 = 60k genes)")
    ap.add_argument("--markdown", help="also write the table as markdown to this file")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return 0

    sys.path.insert(0, HERE)
    from _common import REFERENCE_PYTHON, machine

    make_data(args.scale)
    ops = [o for o in OPS if not args.only or any(s in o for s in args.only)]
    sides = [Side("genome_kit", sys.executable, ROOT, side_dir("ours"))]
    sides.append(Side("reference", REFERENCE_PYTHON, None, side_dir("ref")))
    if any(o.startswith("anno ") for o in ops):
        for s in sides:
            if not os.path.exists(os.path.join(DATA, "ours" if s is sides[0] else "ref", "bench_anno.cfg")):
                r = s.ask({"op": "build", "build": [os.path.join(DATA, "bench.gff3"), "bench_anno"]})
                print(f"  {s.label} annotation build: {r}")
    print(f"machine: {machine()}")
    print(f"{'operation':44s} {'ours':>10s} {'reference':>10s} {'ratio':>7s}")
    rows = []
    for name in ops:
        times: list[list[float]] = [[], []]
        digests: list[str | None] = [None, None]
        err = None
        for r in range(args.reps):
            order = (0, 1) if r % 2 == 0 else (1, 0)
            for k in order:
                res = sides[k].ask({"op": name, "digest": r == 0})
                if "error" in res:
                    err = f"{sides[k].label}: {res['error']}"
                    break
                times[k].append(res["t"] / res["n"])
                if r == 0:
                    digests[k] = res.get("digest")
            if err:
                break
        if err:
            print(f"{name:44s} {err}")
            rows.append((name, None, None, None, err))
            continue
        ours, ref = statistics.median(times[0]), statistics.median(times[1])
        ratio = ref / ours if ours > 0 else float("inf")
        note = "" if digests[0] == digests[1] else "results differ"
        print(f"{name:44s} {fmt(ours):>10s} {fmt(ref):>10s} {ratio:7.2f} {note}", flush=True)
        rows.append((name, ours, ref, ratio, note))
    for s in sides:
        s.close()
    ratios = [r[3] for r in rows if r[3] is not None]
    if ratios:
        worst = min(rows, key=lambda r: r[3] if r[3] is not None else float("inf"))
        print(f"\nworst ratio: {worst[3]:.2f} ({worst[0]}); rows below 1.0: {sum(x < 1.0 for x in ratios)}")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(f"Machine: {machine()}. Median of {args.reps} interleaved runs, CPU time per item.")
            f.write("\n\n")
            f.write("| operation | genome_kit | reference 7.7.0 | ratio |\n|---|---:|---:|---:|\n")
            for name, ours, ref, ratio, note in rows:
                if ratio is None:
                    f.write(f"| {name} | | | {note} |\n")
                else:
                    f.write(f"| {name} | {fmt(ours)} | {fmt(ref)} | {ratio:.2f} {note} |\n")
    return 0


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} us"
    return f"{seconds * 1e9:.0f} ns"


if __name__ == "__main__":
    sys.exit(main())
