"""Every public operation, genome_kit side by side with the reference GenomeKit 7.7.0 (and py2bit for DNA).

Both libraries run as persistent worker processes on the same synthetic data (_api_data.py): a genome sized
to a GENCODE-like annotation (20k genes, ~85k transcripts, ~500k exons by default; each side builds its own
annotation file from the same GFF3), tracks of every kind built by each side from the same values, a bigWig
(the reference, which has no bigWig import, reads the same runs as bedGraph) and VCFs. For every operation
the driver asks the workers in turn (interleaved, alternating who goes first), several times, and keeps the
median of each side's process CPU time; the ratio is the median of the runs' own ratios (each run asks both
sides back to back, so a change of the machine's speed between runs cancels). The results of both sides are
compared (a digest of a canonical form) and a mismatch is flagged. Opens run in a fresh child process of each
worker (open + first read; the import is not timed). Ratio = reference time / ours: above 1, genome_kit is
faster. DNA rows also run through py2bit (its own column).

    python benchmarks/bench_api.py [--reps 15] [--only SUBSTRING] [--full] [--keep DIR] [--markdown out.md]

--full adds the full-scale cases: a sparse hg38-shaped 3.2 Gbp genome (455 sequences, ~5 M soft-mask
blocks) with a GENCODE-scale annotation (60k genes, ~1.5 M exons: open + first query, file size), and the
200k x 1000 VCF (the default run converts 20k x 1000). Scratch data lives in a temporary folder removed at
the end (--keep DIR keeps and reuses it).

`VCFVariant.GT` reads 20,000 random rows of a one-sample table (200k variants). With more samples the two
libraries would not touch the same memory: the reference returns `format("GT").ravel()[row]` (a value of
another row, see docs/differences.md), always within the first 200 KB of the column, while the first
sample's value of a random row of a 200k x 100 table is a cache miss anywhere in 20 MB; the row then times
the memory, not the call. With one sample both read the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# ------------------------------------------------------------------------------------------------------------
# Worker: runs under either interpreter (only the public genome_kit API and the standard library; numpy for
# tracks). In py2bit mode it answers the DNA rows through py2bit instead.
# ------------------------------------------------------------------------------------------------------------

COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


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
    """The measured operations: name -> (callable doing the work once, items per call[, set-up before it])."""

    def __init__(self, gk, side_dir, py2bit=False):
        self.gk = gk
        self.data = side_dir  # this side's files (and links to the shared inputs)
        self.shared = os.path.dirname(side_dir)
        self.py2bit = py2bit
        self._cache = {}
        with open(os.path.join(self.shared, "config.json")) as f:
            self.config = json.load(f)

    def get(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # --- fixtures ---
    def genome(self):
        return self.get("genome", lambda: self.gk.Genome("bench"))

    def anno(self):
        return self.get("anno", lambda: self.gk.Genome("bench_anno"))

    def sizes(self):
        return self.get("sizes", lambda: json.load(open(os.path.join(self.shared, "sizes.json"))))

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

    def windows(self, n, length, seed=11, strand=None, chrom=None):
        """Random windows (chromosome, strand, start, end) of the bench genome, the same on every side."""
        rng = random.Random(seed)
        sizes = self.sizes()
        out = []
        for _ in range(n):
            c = chrom or rng.choice(list(sizes))
            s = rng.randrange(sizes[c] - length)
            out.append((c, strand or rng.choice("+-"), s, s + length))
        return out

    def build_track(self, path, kind):
        """Builds track `kind` (_api_data.TRACKS) at `path` from the shared values."""
        import numpy as np

        gk = self.gk
        etype, dim, res = self.config["tracks"][kind]
        data = self.get("npy:" + kind, lambda: np.load(os.path.join(self.shared, f"track.{kind}.npy")))
        g = self.genome()

        def build():
            b = gk.GenomeTrackBuilder(path, etype, "single_stranded", g, dim=dim, resolution=res)
            b.set_default_value(0)
            b.set_data(gk.Interval("chr1", "+", 0, data.shape[0] * res, g), data)
            b.finalize()

        return build

    def track(self, kind):
        """This side's read-only copy of track `kind` (built on first use), opened."""
        path = os.path.join(self.data, f"read.{kind}.gtrack")
        if not os.path.exists(path):
            self.build_track(path, kind)()
        return path

    def vcfbin(self, name):
        """This side's .vcfbin of shared VCF `name` (converted on first use)."""
        path = os.path.join(self.data, name + ".vcfbin")
        if not os.path.exists(path):
            self.from_vcf(name, path)
        return path

    def from_vcf(self, name, out):
        info, fmt = self.config["vcfs"][name]["info"], self.config["vcfs"][name]["fmt"]
        src = os.path.join(self.shared, name + ".vcf")
        t = self.gk.VCFTable.from_vcf(
            src, self.genome(), info_ids=info, fmt_ids=fmt, validate=False, vcfbinpath=out
        )
        return len(t)

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
        if name.startswith("dna ") or name.startswith("open genome") or name.startswith("open 3.2"):
            return self.dna_op(name)
        if name.startswith("open "):
            return self.open_op(name)
        if name.startswith("track "):
            return self.track_op(name)
        if name.startswith("vcf "):
            return self.vcf_op(name)
        raise KeyError(name)

    def dna_reader(self, genome_name):
        """dna(chromosome, strand, start, end) of this side (py2bit: reverse complement done in Python)."""
        if self.py2bit:
            import py2bit

            tb = py2bit.open(os.path.join(self.shared, genome_name + ".2bit"), True)

            def dna(c, strand, s, e):
                seq = tb.sequence(c, s, e)
                return seq if strand == "+" else seq.translate(COMP)[::-1]

            return dna
        gk = self.gk
        g = gk.Genome(genome_name)
        iv = gk.Interval
        return lambda c, strand, s, e: g.dna(iv(c, strand, s, e, g))

    def dna_op(self, name):
        if name.startswith("open "):  # open + first read, in a fresh process
            genome_name = "big" if name.startswith("open 3.2") else "bench"
            w = ("chr1", "-", 1_000_000, 1_001_000)
            return (lambda: self.dna_reader(genome_name)(*w), 1)
        if self.py2bit:
            dna = self.get("dna", lambda: self.dna_reader("bench"))
            w10, w1k, w1m = (self.windows(n, n_bp) for n, n_bp in ((20000, 10), (5000, 1000), (8, 1_000_000)))
            tables = {
                "dna 10 bp": (lambda: [dna(*w) for w in w10], len(w10)),
                "dna 1 kb": (lambda: [dna(*w) for w in w1k], len(w1k)),
                "dna 1 Mbp": (lambda: [dna(*w) for w in w1m], len(w1m)),
            }
            return tables[name]
        g = self.genome()
        gk = self.gk

        def ivs(n, length):
            return [gk.Interval(*w, g) for w in self.windows(n, length)]

        w10, w1k, w1m = ivs(20000, 10), ivs(5000, 1000), ivs(8, 1_000_000)
        dna = g.dna
        table = {
            "dna 10 bp": (lambda: [dna(i) for i in w10], len(w10)),
            "dna 1 kb": (lambda: [dna(i) for i in w1k], len(w1k)),
            "dna 1 Mbp": (lambda: [dna(i) for i in w1m], len(w1m)),
        }
        return table[name]

    def open_op(self, name):
        """Open + first read of a track or an annotation (run in a fresh process by the worker)."""
        gk = self.gk
        if name.startswith("open track"):
            path = self.track("u8 d4")

            def open_track():
                g = gk.Genome("bench")
                return gk.GenomeTrack(path)(gk.Interval("chr1", "-", 1_000_000, 1_001_000, g))

            return (open_track, 1)
        anno, chrom = ("gencode_anno", "chr7") if "GENCODE" in name else ("bench_anno", "chr3")

        def open_anno():
            g = gk.Genome(anno)
            return g.exons.find_overlapping(gk.Interval(chrom, "+", 5_000_000, 5_100_000, g))

        return (open_anno, 1)

    def track_op(self, name):
        gk = self.gk
        if name.startswith("track build "):
            kind = name[len("track build ") :]
            path = os.path.join(self.data, f"build.{kind}.gtrack")
            build = self.build_track(path, kind)
            return (build, 1, lambda: os.path.exists(path) and os.remove(path))
        if name.startswith("track import bigWig"):
            path = os.path.join(self.data, "import.gtrack")
            g = self.genome()
            ref = not hasattr(gk.GenomeTrackBuilder, "set_data_from_bigwig")

            def imp():
                b = gk.GenomeTrackBuilder(path, "f32", "single_stranded", g)
                b.set_default_value(0)
                if ref:  # the reference has no bigWig import: the same runs as bedGraph
                    b.set_data_from_bedgraph(os.path.join(self.shared, "runs.bedGraph"))
                else:
                    b.set_data_from_bigwig(os.path.join(self.shared, "runs.bw"))
                b.finalize()

            return (imp, 1, lambda: os.path.exists(path) and os.remove(path))
        # track read <kind> <length> [strand]
        words = name.split()
        kind = " ".join(words[2:4])
        length = {"1 kb": 1000, "100 kb": 100_000}[" ".join(words[4:6])]
        strand = words[6] if len(words) > 6 else None
        n = 4000 if length == 1000 else 100
        tr = gk.GenomeTrack(self.track(kind))
        g = self.genome()
        span = self.config["track_span"]
        rng = random.Random(13)
        ivs = [
            gk.Interval("chr1", strand or rng.choice("+-"), s, s + length, g)
            for s in (rng.randrange(span - length) for _ in range(n))
        ]
        return (lambda: [tr(i) for i in ivs], n)

    def vcf_op(self, name):
        if name.startswith("vcf from_vcf "):
            vcf = "".join(name.split()[2:4])  # "vcf from_vcf 200k x100" -> config key "200kx100"
            out = os.path.join(self.data, "convert.vcfbin")
            return (lambda: self.from_vcf(vcf, out), 1, lambda: os.path.exists(out) and os.remove(out))
        table = self.gk.VCFTable(self.vcfbin(self.config["gt_vcf"]))
        rng = random.Random(17)
        vs = [table[rng.randrange(len(table))] for _ in range(20000)]
        return (lambda: [v.GT for v in vs], len(vs))


def run_fresh(side_dir: str, name: str) -> dict:
    """Times `name` in a fresh child process (the child imports genome_kit before its clock starts)."""
    p = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--worker", side_dir],
        input=json.dumps({"op": name, "digest": True}) + "\n",
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    lines = p.stdout.strip().splitlines()
    if not lines:
        return {"error": f"fresh process failed: {p.stderr.strip().splitlines()[-1:]}"}
    return json.loads(lines[-1])


def worker(side_dir: str) -> None:
    """Answers {"op": name} lines with {"t": CPU seconds, "n": items, "digest": ...} lines."""
    os.environ["GENOMEKIT_QUIET"] = "1"
    py2bit = os.environ.get("GK_BENCH_PY2BIT") == "1"
    import genome_kit as gk

    from _common import local_data_manager

    local_data_manager(gk, side_dir)
    ops = Ops(gk, side_dir, py2bit)
    prepared = {}
    fresh = os.environ.get("GK_BENCH_FRESH") == "1"
    for line in sys.stdin:
        req = json.loads(line)
        name = req["op"]
        try:
            if req.get("build"):
                src, dst, genome = req["build"]
                t = time.process_time()
                gk.GenomeAnnotation.build_gencode(src, os.path.join(side_dir, dst), gk.Genome(genome))
                out = {"t": time.process_time() - t}
            elif name.startswith("open ") and not fresh:
                if name not in prepared:  # inputs made here (not timed), the open in a child
                    prepared[name] = ops.op(name)
                os.environ["GK_BENCH_FRESH"] = "1"
                out = run_fresh(side_dir, name)
                del os.environ["GK_BENCH_FRESH"]
            else:
                if name not in prepared:
                    prepared[name] = ops.op(name)
                fn, n, *setup = prepared[name]
                for s in setup:
                    s()
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
# Driver
# ------------------------------------------------------------------------------------------------------------

INTERVAL_OPS = [
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
]
ANNO_OPS = [
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
]
DNA_OPS = ["dna 10 bp", "dna 1 kb", "dna 1 Mbp"]
TRACK_OPS = [
    "track read u8 d4 1 kb -",
    "track read u8 d4 100 kb",
    "track read f32 d1 100 kb",
    "track import bigWig (ref: bedGraph)",
]


def operations(full: bool, vcfs: dict) -> list[str]:
    """Every row, in table order ("size ..." rows are file sizes, computed by the driver)."""
    from _api_data import TRACKS

    ops = INTERVAL_OPS + ANNO_OPS + ["size annotation file"] + DNA_OPS
    ops += ["open genome + dna 1 kb", "open annotation + first query", "open track + read 1 kb"]
    if full:
        ops += [
            "open 3.2 Gbp genome + dna 1 kb",
            "open GENCODE annotation + first query",
            "size GENCODE annotation",
        ]
    ops += [f"track build {k}" for k in TRACKS if k != "f32 d1"] + TRACK_OPS
    ops += [f"vcf from_vcf {n}" for n in vcfs] + ["vcf VCFVariant.GT"]
    return ops


def vcf_cases(full: bool) -> dict:
    big = 200_000 if full else 20_000
    return {
        "200k x100": {"n": 200_000, "samples": 100, "info": ["AF", "DP"], "fmt": ["GT", "DP"]},
        f"{big // 1000}k x1000 GT": {"n": big, "samples": 1000, "info": [], "fmt": ["GT"]},
    }


def make_data(data: str, scale: float, full: bool) -> dict:
    """Every shared input (_api_data.py) and config.json, which the workers read."""
    import _api_data

    sizes = _api_data.make_bench_genome(data, scale)
    span = min(30_000_000 if full else 4_000_000, sizes["chr1"] - 200_000) // 128 * 128
    _api_data.make_tracks(data, span)
    _api_data.make_runs(data, 2_000_000 if full else 300_000, sizes["chr1"])
    vcfs = vcf_cases(full)
    for name, v in vcfs.items():
        _api_data.make_vcf(data, name.split()[0] + name.split()[1], v["n"], v["samples"], sizes["chr1"])
    if full:
        _api_data.make_big_genome(data)
    gt_vcf = {"n": 200_000, "samples": 1, "info": [], "fmt": ["GT"]}  # VCFVariant.GT (see the docstring)
    _api_data.make_vcf(data, "200kx1", gt_vcf["n"], gt_vcf["samples"], sizes["chr1"])
    config = {
        "tracks": _api_data.TRACKS,
        "track_span": span,
        "vcfs": {k.split()[0] + k.split()[1]: v for k, v in vcfs.items()} | {"200kx1": gt_vcf},
        "gt_vcf": "200kx1",
    }
    with open(os.path.join(data, "config.json"), "w") as f:
        json.dump(config, f)
    return vcfs


class Side:
    def __init__(self, label: str, python: str, path: str | None, data_dir: str, py2bit: bool = False):
        env = dict(os.environ, GENOMEKIT_DATA_DIR=data_dir, GENOMEKIT_QUIET="1", OPENBLAS_NUM_THREADS="1")
        env.pop("PYTHONPATH", None)
        env.pop("GK_BENCH_FRESH", None)
        if path:
            env["PYTHONPATH"] = path
        if py2bit:
            env["GK_BENCH_PY2BIT"] = "1"
        self.label = label
        self.proc = subprocess.Popen(
            [python, os.path.abspath(__file__), "--worker", data_dir],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=HERE,  # not the checkout: the reference must not import our genome_kit
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


def side_dir(data: str, label: str) -> str:
    d = os.path.join(data, label)
    os.makedirs(d, exist_ok=True)
    for g in ("bench", "big"):
        for ext in (".2bit", ".chrom.sizes", ".chromAlias.txt"):
            src, dst = os.path.join(data, g + ext), os.path.join(d, g + ext)
            if os.path.exists(src) and not os.path.exists(dst):
                os.symlink(src, dst)
    return d


def file_size(d: str, prefix: str) -> int:
    return sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d) if n.startswith(prefix + "."))


def measure(name: str, sides: list[Side], reps: int) -> tuple[list[float | None], float, str | None, bool]:
    """Median CPU time per item of each side (None: not asked), the ratio (reference / ours), an error,
    whether the results agree. The ratio is the median of the runs' own ratios: each run asks both sides back
    to back, so a change of the machine's speed between runs (other tenants of the host) cancels out."""
    times: list[list[float]] = [[] for _ in sides]
    digests: list[str | None] = [None for _ in sides]
    for r in range(reps):
        order = list(range(len(sides))) if r % 2 == 0 else list(reversed(range(len(sides))))
        for k in order:
            if k == 2 and not (name.startswith("dna ") or name.startswith("open genome") or "Gbp" in name):
                continue
            res = sides[k].ask({"op": name, "digest": r == 0})
            if "error" in res:
                if k == 2:
                    continue
                return [None] * len(sides), 0.0, f"{sides[k].label}: {res['error']}", False
            times[k].append(res["t"] / res["n"])
            if r == 0:
                digests[k] = res.get("digest")
    medians = [statistics.median(t) if t else None for t in times]
    pairs = zip(times[0], times[1], strict=True)  # (ours, reference) of each run
    ratio = statistics.median(ref / ours if ours > 0 else float("inf") for ours, ref in pairs)
    return medians, ratio, None, digests[0] == digests[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", metavar="DATA_DIR", help=argparse.SUPPRESS)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--only", action="append", help="run the operations whose name contains this")
    ap.add_argument("--scale", type=float, default=1 / 3, help="annotation size (1.0 = 60k genes)")
    ap.add_argument(
        "--full", action="store_true", help="add the 3.2 Gbp genome, GENCODE-scale and 200k x 1000 cases"
    )
    ap.add_argument("--keep", metavar="DIR", help="keep the scratch data in DIR (and reuse what is there)")
    ap.add_argument("--markdown", help="also write the table as markdown to this file")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return 0

    sys.path.insert(0, HERE)
    from _common import REFERENCE_PYTHON, machine

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        data = os.path.abspath(args.keep)
    else:
        data = tempfile.mkdtemp(prefix="gk_bench_api_")
    try:
        return run(args, data, REFERENCE_PYTHON, machine())
    finally:
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)


def run(args, data: str, reference_python: str, machine: str) -> int:
    t0 = time.time()
    vcfs = make_data(data, args.scale, args.full)
    print(f"data ready in {time.time() - t0:.0f} s ({data})", flush=True)
    ops = [o for o in operations(args.full, vcfs) if not args.only or any(s in o for s in args.only)]
    sides = [Side("genome_kit", sys.executable, ROOT, side_dir(data, "ours"))]
    sides.append(Side("reference", reference_python, None, side_dir(data, "ref")))
    sides.append(Side("py2bit", sys.executable, ROOT, side_dir(data, "ours"), py2bit=True))
    builds = [("bench.gff3", "bench_anno", "bench")]
    if args.full:
        builds.append(("gencode.gff3", "gencode_anno", "big"))
    for src, dst, genome in builds:
        if not any("anno" in o or "annotation" in o for o in ops):
            break
        for s, label in zip(sides[:2], ("ours", "ref"), strict=True):
            if not os.path.exists(os.path.join(data, label, dst + ".cfg")):
                r = s.ask({"op": "build", "build": [os.path.join(data, src), dst, genome]})
                print(f"  {s.label} build of {dst}: {r}", flush=True)
    print(f"machine: {machine}")
    print(f"{'operation':44s} {'ours':>10s} {'reference':>10s} {'ratio':>7s} {'py2bit':>7s}")
    rows = []
    for name in ops:
        if name.startswith("size "):
            prefix = "gencode_anno" if "GENCODE" in name else "bench_anno"
            ours, ref = (file_size(os.path.join(data, d), prefix) for d in ("ours", "ref"))
            ratio = ref / ours if ours else float("inf")
            print(f"{name:44s} {ours / 1e6:>7.1f} MB {ref / 1e6:>7.1f} MB {ratio:7.2f}", flush=True)
            rows.append((name, f"{ours / 1e6:.1f} MB", f"{ref / 1e6:.1f} MB", ratio, None, ""))
            continue
        (ours_t, ref_t, p2b), ratio, err, same = measure(name, sides, args.reps)
        if err:
            print(f"{name:44s} {err}", flush=True)
            rows.append((name, None, None, None, None, err))
            continue
        p2b_ratio = p2b / ours_t if p2b else None
        note = "" if same else "results differ"
        p2b_col = f"{p2b_ratio:7.2f}" if p2b_ratio else ""
        print(
            f"{name:44s} {fmt(ours_t):>10s} {fmt(ref_t):>10s} {ratio:7.2f} {p2b_col:>7s} {note}", flush=True
        )
        rows.append((name, fmt(ours_t), fmt(ref_t), ratio, p2b_ratio, note))
    for s in sides:
        s.close()
    measured = [r for r in rows if r[3] is not None]
    if measured:
        worst = min(measured, key=lambda r: r[3])
        below = [r[0] for r in measured if r[3] < 1.0]
        print(f"\nworst ratio: {worst[3]:.2f} ({worst[0]}); rows below 1.0: {len(below)} {below}")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(
                f"Machine: {machine}. Median of {args.reps} interleaved runs, CPU time per item; "
                "ratio: median of the runs' own ratios.\n\n"
            )
            f.write("| operation | genome_kit | reference 7.7.0 | ratio | vs py2bit |\n")
            f.write("|---|---:|---:|---:|---:|\n")
            for name, ours, ref, ratio, p2b, note in rows:
                if ratio is None:
                    f.write(f"| {name} | | | {note} | |\n")
                else:
                    p = f"{p2b:.2f}" if p2b else ""
                    f.write(f"| {name} | {ours} | {ref} | {ratio:.2f} {note} | {p} |\n")
    return 0


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} us"
    return f"{seconds * 1e9:.0f} ns"


if __name__ == "__main__":
    sys.exit(main())
