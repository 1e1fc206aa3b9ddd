"""``demo``: a tour of genome_kit on the sample genome bundled with the package."""

from __future__ import annotations

import os
import tempfile
import time


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="run a short tour on the bundled sample genome (offline)")
    p.set_defaults(func=run)


def run(args) -> int:
    import genome_kit as gk
    from genome_kit import gk_data
    from genome_kit.data_manager import DefaultDataManager

    sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample_data")
    with tempfile.TemporaryDirectory() as tmp:
        print("1. Build an assembly from FASTA (S. cerevisiae chrI + chrII, bundled)")
        t = time.perf_counter()
        paths = gk.build_assembly(os.path.join(sample, "sacCer.sample.fa.gz"), os.path.join(tmp, "yeast"))
        print(f"   wrote {', '.join(os.path.basename(p) for p in paths)} in {time.perf_counter() - t:.2f}s")

        previous = gk_data.data_manager
        gk_data.data_manager = DefaultDataManager(tmp)
        try:
            genome = gk.Genome("yeast")
            print(f"2. Open it: {genome!r}, chromosomes {genome.chromosomes}")
            iv = genome.interval("chrI", "+", 1000, 1030)
            print(f"3. DNA of {iv!r}:\n   +  {genome.dna(iv)}\n   -  {genome.dna(iv.as_negative_strand())}")
            windows = [genome.interval("chrII", "+", s, s + 1000) for s in range(0, 800_000, 8_000)]
            t = time.perf_counter()
            x = genome.one_hot(windows)
            dt = time.perf_counter() - t
            print(f"4. one_hot of {len(windows)} x 1 kb windows: {x.shape} {x.dtype} in {dt * 1e3:.1f} ms")
            print(f"   GC fraction of those windows: {x[:, :, 1:3].sum() / x.sum():.3f}")
        finally:
            gk_data.data_manager = previous
    return 0
