"""Training batches: genome_kit.loader.WindowLoader vs the peers' loaders, same windows and tracks.

A synthetic genome (default 24 Mbp in 2 chromosomes, with N blocks) is written as FASTA (.fai,
.sizes) and as .2bit; 64 tracks at 128 bp as one genome_kit .gtrack (dim 64, float16) and as 64
bigWig files (one per track, every value, no zoom levels). Three cases, the same windows for all:

* ``2^17 bp + 64 tracks``: one-hot DNA (uint8) and the 64 tracks pooled (mean) to 128 bp bins;
* ``2^20 bp DNA only``: one-hot DNA (uint8);
* ``2 kb + variants``: REF and ALT one-hot of a window centred on each of many SNVs.

Contenders: WindowLoader (1 C++ thread = one core, then 2), a plain Python loop over genome_kit's
own APIs, kipoiseq + pyBigWig, gReLU's datasets (which read every window and track into memory when
built: timed with that), GenVarLoader's reference dataset (DNA only: its tracks are per-sample
bigWigs and its variants need a normalised VCF per sample), and the reference GenomeKit 7.7.0 in
its venv. Peers run in ``--peers-python`` (a venv with kipoiseq, gReLU and GenVarLoader installed
beside torch==2.13.0; ``python -m venv --system-site-packages /work/venv-peers &&
/work/venv-peers/bin/pip install -c <(echo torch==2.13.0) kipoiseq genvarloader grelu``, about 10
minutes); a peer that does not import is skipped with its reason. Each result is checked against ours.

The DNA-only case also measures memcpy bandwidth (numpy copy of 256 MiB, bytes written per
second, one core) right before timing WindowLoader, and prints the fraction of it that
WindowLoader's one-hot output (bytes written per second) reaches with 1 and with 2 threads.

    python benchmarks/bench_loader.py [--mbp 24] [--keep DIR] [--no-ref] [--peers-python PATH]
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

from _common import REFERENCE_PYTHON, machine, rate

L_BIG, L_HUGE, L_VAR = 1 << 17, 1 << 20, 2000
R, DIM = 128, 64

# One-hot of ASCII letters, shared by every plain loop (ours, the peers', the reference's).
LUT = """
import numpy as np
LUT = np.zeros((256, 4), np.uint8)
for k, c in enumerate(b"ACGT"):
    LUT[c, k] = LUT[c + 32, k] = 1
def ohe(seq):
    return LUT[np.frombuffer(seq.encode() if isinstance(seq, str) else seq, np.uint8)]
def summary(dna, targets=None):
    total = float(np.nansum(targets)) if targets is not None else 0.0
    return [int((dna.argmax(-1) * dna.max(-1)).sum()), total]
"""

PEER_SCRIPT = (
    LUT
    + r"""
import json, os, sys, time
cfg = json.load(open(sys.argv[1]))
case, who = cfg["case"], cfg["who"]
fasta, bws, wins = cfg["fasta"], cfg["bigwigs"], cfg["windows"]
out = {}

def timed(fn):
    t = time.perf_counter(); s = fn(); return time.perf_counter() - t, s

if who == "kipoiseq":
    from kipoiseq import Interval, Variant
    from kipoiseq.extractors import FastaStringExtractor, VariantSeqExtractor
    from kipoiseq.transforms.functional import one_hot_dna
    fa = FastaStringExtractor(fasta, use_strand=False, force_upper=True)
    def oh(s):
        return one_hot_dna(s, neutral_value=0, dtype=np.uint8)
    if case == "tracks":
        import pyBigWig
        handles = [pyBigWig.open(p) for p in bws]
        def run():
            s = None
            for c, a, b in wins:
                x = oh(fa.extract(Interval(c, a, b)))
                y = np.stack([np.nan_to_num(h.values(c, a, b, numpy=True)).reshape(-1, cfg["R"]).mean(1)
                              for h in handles], axis=1)
                s = s or summary(x, y)
            return s
    elif case == "dna":
        def run():
            s = None
            for c, a, b in wins:
                x = oh(fa.extract(Interval(c, a, b)))
                s = s or summary(x)
            return s
    else:
        vx = VariantSeqExtractor(fasta)
        def run():
            s = None
            for (c, a, b), (vc, vp, ref, alt) in zip(wins, cfg["variants"]):
                iv = Interval(c, a, b)
                r = oh(fa.extract(iv))
                x = oh(vx.extract(iv, [Variant(vc, vp + 1, ref, alt)], anchor=a + (b - a) // 2))
                s = s or summary(x)
            return s
    out["secs"], out["summary"] = timed(run)

elif who == "grelu":
    import pandas as pd
    import grelu.data.dataset as gd
    frame = pd.DataFrame(wins, columns=["chrom", "start", "end"])
    frame["strand"] = "+"
    if case == "tracks":
        def build():
            return gd.BigWigSeqDataset(frame, bws, seq_len=cfg["L"], genome=fasta, label_len=cfg["L"],
                                     bin_size=cfg["R"], label_aggfunc="mean")
        def run(ds):
            s = None
            for i in range(len(ds)):
                x, y = ds[i]
                s = s or summary(x.numpy().T.astype(np.uint8), y.numpy())
            return s
    elif case == "dna":
        def build():
            return gd.SeqDataset(frame, seq_len=cfg["L"], genome=fasta)
        def run(ds):
            s = None
            for i in range(len(ds)):
                s = s or summary(ds[i].numpy().T.astype(np.uint8))
            return s
    else:
        v = pd.DataFrame([(c, p + 1, r, a) for c, p, r, a in cfg["variants"]],
                         columns=["chrom", "pos", "ref", "alt"])
        def build():
            return gd.VariantDataset(v, seq_len=cfg["L"], genome=fasta)
        def run(ds):
            s = None
            for i in range(len(ds)):  # REF, ALT of each variant
                x = ds[i]
                if i == 1:
                    s = summary(x.numpy().T.astype(np.uint8))
            return s
    out["load"], ds = timed(build)
    out["secs"], out["summary"] = timed(lambda: run(ds))

elif who == "genvarloader":
    import polars as pl
    import genvarloader as gvl
    if case != "dna":
        raise SystemExit("only the DNA case")
    bed = pl.DataFrame({"chrom": [w[0] for w in wins], "chromStart": [w[1] for w in wins],
                        "chromEnd": [w[2] for w in wins]})
    def build():
        return gvl.RefDataset(gvl.Reference.from_path(fasta), bed, output_length=cfg["L"])
    def run(ds):
        s = None
        for i in range(len(wins)):
            x = ds[i]
            s = s or summary(ohe(np.asarray(x).tobytes()))
        return s
    out["load"], ds = timed(build)
    out["secs"], out["summary"] = timed(lambda: run(ds))
print(json.dumps(out))
"""
)

REF_SCRIPT = (
    LUT
    + r"""
import json, os, sys, time
import genome_kit as gk
cfg = json.load(open(sys.argv[1]))
g = gk.Genome("benchg")
out = {}
ivs = [gk.Interval(c, "+", a, b, g) for c, a, b in cfg["windows"]]
if cfg["case"] == "tracks":
    b = gk.GenomeTrackBuilder(cfg["ref_track"], "f16", "single_stranded", g, dim=cfg["DIM"],
                              resolution=cfg["R"])
    b.set_default_value(0)
    for chrom, npy in cfg["npys"]:
        data = np.load(npy)
        b.set_data(gk.Interval(chrom, "+", 0, data.shape[0] * cfg["R"], g), data)
    b.finalize()
    tr = gk.GenomeTrack(cfg["ref_track"])
    t = time.perf_counter(); s = None
    for iv in ivs:
        x = ohe(g.dna(iv))
        y = tr(iv).astype(np.float32).reshape(-1, cfg["R"], cfg["DIM"]).mean(1)
        s = s or summary(x, y)
elif cfg["case"] == "dna":
    t = time.perf_counter(); s = None
    for iv in ivs:
        s = s or summary(ohe(g.dna(iv)))
else:
    vs = [gk.Variant(c, p, r, a, g) for c, p, r, a in cfg["variants"]]
    vg = gk.VariantGenome(g, vs)
    t = time.perf_counter(); s = None
    for iv in ivs:
        r = ohe(g.dna(iv))
        x = ohe(vg.dna(iv.with_anchor(iv.start + len(iv) // 2)))
        s = s or summary(x)
out["secs"] = time.perf_counter() - t
out["summary"] = s
print(json.dumps(out))
"""
)

_lut: dict = {}
exec(LUT, _lut)  # summary() for our own plain loop, the same code the peers run
summary = _lut["summary"]


def make_data(work: str, mbp: int, rng) -> dict:
    import pyBigWig

    import genome_kit as gk

    sizes = {f"chr{k + 1}": mbp * 1_000_000 // 2 // R * R for k in range(2)}
    fasta = os.path.join(work, "benchg.fa")
    with open(fasta, "wb") as f:
        for name, n in sizes.items():
            codes = rng.integers(0, 4, n, dtype=np.uint8)
            seq = np.frombuffer(b"ACGT", np.uint8)[codes].copy()
            for s in rng.integers(0, n - 50_000, 4):
                seq[s : s + 20_000] = ord("N")
            f.write(f">{name}\n".encode())
            for k in range(0, n, 1 << 20):
                f.write(seq[k : k + (1 << 20)].tobytes() + b"\n")
    with open(fasta + ".sizes", "w") as f:
        f.writelines(f"{c}\t{n}\n" for c, n in sizes.items())
    with open(os.path.join(work, "benchg.chromAlias.txt"), "w") as f:  # the reference wants one
        f.writelines(f"{c}\t{c[3:]}\n" for c in sizes)
    gk.build_assembly(fasta, os.path.join(work, "benchg"))
    import pyfaidx

    pyfaidx.Fasta(fasta).close()  # the .fai, once
    genome = gk.Genome("benchg")
    npys = []
    for c, n in sizes.items():
        path = os.path.join(work, f"{c}.npy")
        np.save(path, rng.gamma(0.5, 4, size=(n // R, DIM)).astype(np.float16))
        npys.append((c, path))
    track = os.path.join(work, "ours.gtrack")
    with gk.GenomeTrackBuilder(track, "f16", "single_stranded", genome, dim=DIM, resolution=R) as b:
        b.set_default_value(0)
        for c, npy in npys:
            data = np.load(npy)
            b.set_data(gk.Interval(c, "+", 0, data.shape[0] * R, genome), data)
    bws = []
    datas = {c: np.load(npy) for c, npy in npys}
    for d in range(DIM):
        path = os.path.join(work, f"t{d}.bw")
        bw = pyBigWig.open(path, "w")
        bw.addHeader(list(sizes.items()), maxZooms=0)
        for c in sizes:
            bw.addEntries(c, 0, values=datas[c][:, d].astype(np.float64), span=R, step=R)
        bw.close()
        bws.append(path)
    return {"sizes": sizes, "fasta": fasta, "track": track, "bigwigs": bws, "npys": npys}


def random_windows(rng, sizes, n, length, align=1):
    chroms = list(sizes)
    out = []
    for _ in range(n):
        c = chroms[rng.integers(len(chroms))]
        s = int(rng.integers(0, (sizes[c] - length) // align)) * align
        out.append((c, s, s + length))
    return out


def memcpy_bandwidth() -> float:
    """Bytes written per second by one numpy copy of 256 MiB (best of 5)."""
    src = np.ones(1 << 28, np.uint8)
    dst = np.empty_like(src)
    return rate(lambda: np.copyto(dst, src), src.nbytes, min_seconds=0.5, max_rounds=5)


def run_in(python: str, script: str, cfg: dict, work: str, env_extra: dict | None = None) -> dict:
    path = os.path.join(work, "cfg.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    env = dict(os.environ, GENOMEKIT_QUIET="1", **(env_extra or {}))
    env.pop("PYTHONPATH", None)  # never our checkout in a peer's interpreter
    p = subprocess.run([python, "-c", script, path], capture_output=True, text=True, env=env, cwd=work)
    if p.returncode != 0:
        lines = (p.stderr or p.stdout).strip().splitlines()
        return {"error": lines[-1] if lines else f"exit {p.returncode}"}
    return json.loads(p.stdout.strip().splitlines()[-1])


def bench_case(case: str, c: dict, ctx: dict) -> None:
    """One case: every contender on the same windows; prints rates, ratios and agreement."""
    import genome_kit as gk
    from genome_kit.loader import WindowLoader

    genome, track, data, rng, work = ctx["genome"], ctx["track"], ctx["data"], ctx["rng"], ctx["work"]
    L = c["L"]
    windows = random_windows(rng, data["sizes"], c["n_ours"], L, align=R)
    variants = []
    if case == "variants":  # one SNV in the middle of each window, windows 5 kb apart: no other variant
        windows, starts = [], {}
        for k in range(c["n_ours"]):
            chrom = f"chr{k % 2 + 1}"
            s = starts.setdefault(chrom, 100_000) + 5_000
            starts[chrom] = s
            windows.append((chrom, s, s + L))
            pos = s + L // 2
            ref = genome.dna(gk.Interval(chrom, "+", pos, pos + 1, genome))
            alt = "T" if ref != "T" else "G"
            variants.append((chrom, pos, ref, alt))
    ivs = [gk.Interval(ch, "+", a, b, genome) for ch, a, b in windows]
    print(f"\n## {c['title']}: {c['n_ours']} windows for genome_kit, the first {c['n_peer']} for peers")
    results: dict[str, float | None] = {}
    notes: dict[str, str] = {}
    summaries = {}

    def loader(threads):
        opts = dict(batch_size=8 if L > L_VAR else 256, threads=threads)
        if case == "tracks":
            return WindowLoader(genome, ivs, tracks=[track], resolution=R, **opts)
        if case == "variants":
            vs = [gk.Variant(ch, p, r, a, genome) for ch, p, r, a in variants]
            return WindowLoader(genome, ivs, variants=vs, with_reference=True, **opts)
        return WindowLoader(genome, ivs, **opts)

    if case == "dna":  # measured next to the loader: the machine's load drifts over a run
        ctx["bandwidth"] = memcpy_bandwidth()
        print(f"memcpy bandwidth (numpy copy, one core): {ctx['bandwidth'] / 1e9:.2f} GB/s written")
    for threads in (1, 2):
        wl = loader(threads)
        first = next(iter(wl))
        if threads == 1:
            summaries["genome_kit"] = summary(first["dna"][0], first.get("targets", [None])[0])
        results[f"WindowLoader, {threads} thread{'s' * (threads > 1)}"] = rate(
            lambda wl=wl: [None for _ in wl], len(ivs), min_seconds=1.0, max_rounds=5
        )

    # plain loop over genome_kit's own APIs
    def plain():
        s = None
        if case == "variants":
            vg = gk.VariantGenome(genome, [gk.Variant(ch, p, r, a, genome) for ch, p, r, a in variants])
        for iv in ivs[: c["n_peer"] * 4]:
            if case == "variants":
                genome.one_hot(iv)
                x = vg.one_hot(iv.with_anchor(iv.start + L // 2))
                y = None
            else:
                x = genome.one_hot(iv)
                y = track(iv, resolution=R) if case == "tracks" else None
            s = s or summary(x, y)
        return s

    results["genome_kit plain loop"] = rate(plain, c["n_peer"] * 4, min_seconds=0.5, max_rounds=3)
    summaries["genome_kit plain loop"] = plain()

    peer_cfg = {
        "case": case,
        "fasta": data["fasta"],
        "bigwigs": data["bigwigs"],
        "windows": windows[: c["n_peer"]],
        "variants": variants[: c["n_peer"]],
        "L": L,
        "R": R,
    }
    for who, label in [
        ("kipoiseq", "kipoiseq + pyBigWig" if case == "tracks" else "kipoiseq"),
        ("grelu", "gReLU dataset"),
        ("genvarloader", "GenVarLoader RefDataset"),
    ]:
        if who == "genvarloader" and case != "dna":
            notes[label] = (
                "not run: GVL's tracks are per-sample bigWigs, its variants a normalised VCF per sample"
            )
            continue
        r = run_in(ctx["peers_python"], PEER_SCRIPT, {**peer_cfg, "who": who}, work)
        if "error" in r:
            notes[label] = f"skipped: {r['error'][:150]}"
            continue
        results[label] = c["n_peer"] / r["secs"]
        summaries[label] = r["summary"]
        if "load" in r:  # it reads every window into memory when built: that load, per window, on top
            with_load = c["n_peer"] / (r["load"] + r["secs"])
            notes[f"{label} incl. its in-memory load"] = f"{with_load:.1f} windows/s"
    if ctx["have_ref"]:
        ref_cfg = {
            **peer_cfg,
            "ref_track": os.path.join(work, "ref.gtrack"),
            "npys": data["npys"],
            "DIM": DIM,
        }
        r = run_in(REFERENCE_PYTHON, REF_SCRIPT, ref_cfg, work, {"GENOMEKIT_DATA_DIR": work})
        if "error" in r:
            notes["GenomeKit 7.7.0 plain loop"] = f"failed: {r['error'][:150]}"
        else:
            results["GenomeKit 7.7.0 plain loop"] = c["n_peer"] / r["secs"]
            summaries["GenomeKit 7.7.0 plain loop"] = r["summary"]

    ours = results["WindowLoader, 1 thread"]
    print(f"{'contender':48s} {'windows/s':>12s} {'ours(1 thread)/it':>18s}  agrees")
    want = summaries["genome_kit"]
    for name, v in results.items():
        got = summaries.get(name)
        agree = (
            ""
            if got is None
            else (
                "yes"
                if got[0] == want[0] and np.isclose(got[1], want[1], rtol=1e-3)
                else f"NO {got} vs {want}"
            )
        )
        print(f"{name:48s} {v:12.1f} {ours / v:17.1f}x  {agree}")
    for name, note in notes.items():
        print(f"{name:48s} {note}")
    peers = {k: v for k, v in results.items() if not k.startswith(("WindowLoader", "genome_kit"))}
    if peers:
        best = max(peers, key=peers.get)
        print(f"ratio to the best peer per core ({best}): {ours / peers[best]:.1f}x")
    if case == "dna":
        for threads in (1, 2):
            bps = results[f"WindowLoader, {threads} thread{'s' * (threads > 1)}"] * L * 4
            print(
                f"one-hot output, {threads} thread(s): {bps / 1e9:.2f} GB/s = "
                f"{bps / ctx['bandwidth']:.2f} of memcpy bandwidth"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mbp", type=int, default=24)
    ap.add_argument("--keep", help="keep the data in this folder")
    ap.add_argument("--no-ref", action="store_true", help="skip the reference GenomeKit")
    ap.add_argument("--peers-python", default="/work/venv-peers/bin/python")
    args = ap.parse_args()

    import genome_kit as gk
    from genome_kit import gk_data
    from genome_kit.data_manager import DefaultDataManager

    print(f"machine: {machine()}")
    work = args.keep or tempfile.mkdtemp(prefix="bench_loader_")
    os.makedirs(work, exist_ok=True)
    gk_data.data_manager = DefaultDataManager(work, bucket_name="")
    rng = np.random.default_rng(3)
    t = time.perf_counter()
    data = make_data(work, args.mbp, rng)
    print(
        f"data: {args.mbp} Mbp, {DIM} tracks at {R} bp ({time.perf_counter() - t:.0f} s to write); "
        f"work dir {work}"
    )
    genome = gk.Genome("benchg")
    track = gk.GenomeTrack(data["track"])
    peers_python = args.peers_python if os.path.exists(args.peers_python) else sys.executable
    have_ref = os.path.exists(REFERENCE_PYTHON) and not args.no_ref

    cases = {
        "tracks": dict(L=L_BIG, n_ours=64, n_peer=8, title=f"2^17 bp + {DIM} tracks at {R} bp"),
        "dna": dict(L=L_HUGE, n_ours=48, n_peer=6, title="2^20 bp DNA only"),
        "variants": dict(L=L_VAR, n_ours=2000, n_peer=400, title="2 kb windows, REF + ALT of a SNV each"),
    }
    try:
        ctx = dict(
            genome=genome,
            track=track,
            data=data,
            rng=rng,
            work=work,
            peers_python=peers_python,
            have_ref=have_ref,
        )
        for case, c in cases.items():
            bench_case(case, c, ctx)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
