"""DNA extraction: genome_kit vs py2bit, twobitreader, pyfaidx and the reference GenomeKit, same data.

Generates a synthetic genome (default 200 Mbp in 8 chromosomes, with N blocks and soft-masked runs), writes
it as FASTA and, with genome_kit's writer, as .2bit; then measures random 1 kb windows/s (both strands, one
call at a time and batched), 1 Mbp windows in Mbp/s, one-hot of 64 x 1 Mbp windows, and open time.

    python benchmarks/bench_dna.py [--mbp 200]
"""

from __future__ import annotations

import argparse
import os
import random
import time

import numpy as np

import genome_kit as gk
from genome_kit import gk_data
from genome_kit.data_manager import DefaultDataManager

from _common import OUT, machine, rate, run_reference, table

COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def make_genome(mbp: int) -> tuple[str, dict[str, int]]:
    d = os.path.join(OUT, f"dna{mbp}")
    fasta = os.path.join(d, "synth.fa")
    sizes = {f"chr{k + 1}": mbp * 1_000_000 // 8 for k in range(8)}
    if not os.path.exists(fasta):
        os.makedirs(d, exist_ok=True)
        rng = np.random.default_rng(1)
        letters = np.frombuffer(b"ACGTacgtNN", dtype=np.uint8)
        with open(fasta + ".tmp", "wb") as f:
            for name, n in sizes.items():
                codes = rng.integers(0, 4, n, dtype=np.uint8)
                masked = np.zeros(n, dtype=bool)
                for s in rng.integers(0, n - 5000, n // 20000):  # soft-masked runs and N blocks
                    masked[s : s + rng.integers(50, 3000)] = True
                codes[masked] += 4
                for s in rng.integers(0, n - 50000, 3):
                    codes[s : s + 20000] = 8
                seq = letters[codes]
                f.write(f">{name}\n".encode())
                lines = np.full((n // 60 + 1) * 61, ord("\n"), dtype=np.uint8)
                body = lines[: (n // 60) * 61].reshape(-1, 61)
                body[:, :60] = seq[: (n // 60) * 60].reshape(-1, 60)
                tail = seq[(n // 60) * 60 :]
                f.write(body.tobytes())
                if len(tail):
                    f.write(tail.tobytes() + b"\n")
        os.rename(fasta + ".tmp", fasta)
    return d, sizes


REFERENCE = r"""
import json, sys, time
import genome_kit as gk
p = json.load(sys.stdin)
t = time.perf_counter(); g = gk.Genome(p["name"]); g.dna(gk.Interval("chr1", "+", 0, 10, p["name"]))
open_s = time.perf_counter() - t
def best(fn):
    b = 1e9
    for _ in range(3):
        t = time.perf_counter(); fn(); b = min(b, time.perf_counter() - t)
    return b
ivs = [gk.Interval(c, s, a, b, p["name"]) for c, s, a, b in p["small"]]
big = [gk.Interval(c, s, a, b, p["name"]) for c, s, a, b in p["big"]]
r = {"open_ms": open_s * 1e3}
r["small"] = len(ivs) / best(lambda: [g.dna(i) for i in ivs])
r["big"] = sum(len(i) for i in big) / 1e6 / best(lambda: [g.dna(i) for i in big])
print(json.dumps(r))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mbp", type=int, default=200)
    ap.add_argument("--small", type=int, default=20000, help="number of 1 kb windows")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    d, sizes = make_genome(args.mbp)
    fasta = os.path.join(d, "synth.fa")
    twobit = os.path.join(d, "synth.2bit")
    if not os.path.exists(twobit):
        t = time.perf_counter()
        gk.build_assembly(fasta, os.path.join(d, "synth"))
        print(f"genome_kit build_assembly of {args.mbp} Mbp FASTA: {time.perf_counter() - t:.1f} s")
    gk_data.data_manager = DefaultDataManager(d, bucket_name="")

    rng = random.Random(5)
    chroms = list(sizes)
    small = []
    for _ in range(args.small):
        c = rng.choice(chroms)
        s = rng.randrange(sizes[c] - 1000)
        small.append((c, rng.choice("+-"), s, s + 1000))
    big = []
    for _ in range(16):
        c = rng.choice(chroms)
        s = rng.randrange(sizes[c] - 1_000_000)
        big.append((c, rng.choice("+-"), s, s + 1_000_000))

    # --- open time (memory-mapped: independent of genome size) ---
    t = time.perf_counter()
    g = gk.Genome("synth")
    g.dna(g.interval("chr1", "+", 0, 10))
    ours_open = (time.perf_counter() - t) * 1e3

    import py2bit
    import pyfaidx
    import twobitreader

    t = time.perf_counter()
    tb2 = py2bit.open(twobit)
    tb2.sequence("chr1", 0, 10)
    py2bit_open = (time.perf_counter() - t) * 1e3
    t = time.perf_counter()
    tbr = twobitreader.TwoBitFile(twobit)
    tbr["chr1"][0:10]
    tbr_open = (time.perf_counter() - t) * 1e3
    if not os.path.exists(fasta + ".fai"):
        pyfaidx.Fasta(fasta).close()  # builds the .fai index once, not timed
    t = time.perf_counter()
    fa = pyfaidx.Fasta(fasta, sequence_always_upper=True)
    fa["chr1"][0:10]
    faidx_open = (time.perf_counter() - t) * 1e3

    ref = run_reference(REFERENCE, {"name": "synth", "small": small[:5000], "big": big[:4]}, data_dir=d)
    if ref is not None:
        print("(reference GenomeKit measured on the first 5000 small and 4 big windows, same data dir)")

    ivs = [gk.Interval(c, s, a, b, "synth") for c, s, a, b in small]
    bigs = [gk.Interval(c, s, a, b, "synth") for c, s, a, b in big]

    def peer(fetch):
        def run(windows):
            out = []
            for c, s, a, b in windows:
                x = fetch(c, a, b)
                out.append(x if s == "+" else x.translate(COMP)[::-1])
            return out

        return run

    p2 = peer(lambda c, a, b: tb2.sequence(c, a, b))
    tr = peer(lambda c, a, b: tbr[c][a:b].upper())
    fx = peer(lambda c, a, b: str(fa[c][a:b]))
    dna = g.dna
    # the same answers first
    for k in range(200):
        assert dna(ivs[k]) == p2(small[k : k + 1])[0] == fx(small[k : k + 1])[0], small[k]

    table(
        "random 1 kb windows, both strands, one call per window",
        "windows/s",
        {
            "genome_kit": rate(lambda: [dna(i) for i in ivs], len(ivs)),
            "genome_kit dna_batch": rate(lambda: g.dna_batch(ivs), len(ivs)),
            "py2bit": rate(lambda: p2(small), len(small)),
            "twobitreader": rate(lambda: tr(small[:2000]), 2000),
            "pyfaidx": rate(lambda: fx(small[:5000]), 5000),
            "GenomeKit 7.7.0 (reference)": ref and ref["small"],
        },
    )
    mb = sum(len(i) for i in bigs) / 1e6
    table(
        "1 Mbp windows, both strands",
        "Mbp/s",
        {
            "genome_kit": rate(lambda: [dna(i) for i in bigs], mb),
            "py2bit": rate(lambda: p2(big), mb),
            "twobitreader": rate(lambda: tr(big[:2]), 2.0, max_rounds=2),
            "pyfaidx": rate(lambda: fx(big), mb),
            "GenomeKit 7.7.0 (reference)": ref and ref["big"],
        },
    )

    batch = bigs * 4  # 64 x 1 Mbp
    lut = np.zeros((256, 4), dtype=np.uint8)
    for k, ch in enumerate("ACGT"):
        lut[ord(ch), k] = lut[ord(ch.lower()), k] = 1

    def py2bit_one_hot():
        seqs = p2(big * 4)
        return lut[np.frombuffer("".join(seqs).encode(), dtype=np.uint8)].reshape(len(seqs), -1, 4)

    assert np.array_equal(
        g.one_hot(bigs[:2]), lut[np.frombuffer("".join(p2(big[:2])).encode(), np.uint8)].reshape(2, -1, 4)
    )
    gb = len(batch) * 1_000_000 * 4 / 1e9  # bytes of uint8 output
    table(
        "one_hot of 64 x 1 Mbp windows (uint8 output)",
        "GB/s of output",
        {
            "genome_kit": rate(lambda: g.one_hot(batch), gb, max_rounds=5),
            "py2bit + numpy lookup": rate(py2bit_one_hot, gb, max_rounds=3),
        },
    )
    print("\ngenome open + first read [ms, lower is better]")
    for name, ms in [
        ("genome_kit", ours_open),
        ("py2bit", py2bit_open),
        ("twobitreader", tbr_open),
        ("pyfaidx (with .fai)", faidx_open),
        ("GenomeKit 7.7.0 (reference)", ref and ref["open_ms"]),
    ]:
        print(f"  {name:<28} {f'{ms:.2f}' if ms is not None else 'n/a':>10}")
    fa.close()
    tb2.close()
    tbr._file_handle.close()


if __name__ == "__main__":
    main()
