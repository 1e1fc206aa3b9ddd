"""GenomeKit's .v22.dganno files: genome_kit opening and querying them vs the reference GenomeKit.

The reference builds a .dganno from the synthetic GENCODE-like GFF3 of
bench_annotations.py (``--scale`` 1.0 = ~60k genes, 250k transcripts, 1.5M
exons); then the reference and genome_kit each open that same file in a fresh
process and run the same measurements (bench_annotations.MEASURE: open, then
find_overlapping, lookups, iteration, navigation). genome_kit's first open
converts the .dganno into its own layout in its cache (reported on its own
line); the table shows the opens after that, which map the converted file.

Usage: python benchmarks/bench_dganno.py [--scale 0.25] [--queries 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from bench_annotations import MEASURE, ROOT, generate, print_side_by_side

from _common import REFERENCE_PYTHON, machine, scratch


def run(python: str, script: str, mode: str, src: str, data: str, queries: int, pypath: str | None) -> dict:
    cache = os.path.join(os.path.dirname(data), "cache")  # genome_kit's converted .dganno
    env = dict(os.environ, GENOMEKIT_DATA_DIR=data, GENOMEKIT_QUIET="1", GENOMEKIT_STORAGE_BUCKET="local")
    env["GENOMEKIT_CACHE_DIR"] = cache
    env.pop("PYTHONPATH", None)
    if pypath:
        env["PYTHONPATH"] = pypath
    out = subprocess.run(
        [python, script, mode, src, data, str(queries)],
        env=env,
        cwd=os.path.dirname(script),
        capture_output=True,
        text=True,
        timeout=7200,
    )
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--queries", type=int, default=100000)
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args()
    if not os.path.exists(REFERENCE_PYTHON):
        sys.exit(f"the reference GenomeKit is needed to write the .dganno: {REFERENCE_PYTHON} not found")
    with scratch("gk_bench_dganno_", args.keep) as work:
        data = os.path.join(work, "data")
        os.makedirs(data)
        prefix = os.path.join(data, "bench")
        counts = generate(prefix, args.scale)
        script = os.path.join(work, "measure.py")
        with open(script, "w") as f:
            f.write(MEASURE)
        t = time.perf_counter()
        built = run(REFERENCE_PYTHON, script, "build", prefix + ".gff3", data, args.queries, None)
        if "error" in built:
            sys.exit(f"reference build failed: {built['error']}")
        dganno = os.path.join(data, "bench_anno.v22.dganno")
        size = os.path.getsize(dganno)
        print(f"machine: {machine()}")
        took = time.perf_counter() - t
        print(f"synthetic annotation {counts}: reference .dganno {size / 1e6:.1f} MB in {took:.1f}s")
        ref = run(REFERENCE_PYTHON, script, "query", prefix + ".gff3", data, args.queries, None)
        first = run(sys.executable, script, "query", prefix + ".gff3", data, args.queries, ROOT)
        ours = run(sys.executable, script, "query", prefix + ".gff3", data, args.queries, ROOT)
        for label, r in (("reference", ref), ("genome_kit (first)", first), ("genome_kit", ours)):
            if "error" in r:
                sys.exit(f"{label} failed: {r['error']}")
        assert ours["transcripts_hits"] == ref["transcripts_hits"] and ours["exons_hits"] == ref["exons_hits"]
        print(f"genome_kit's first open converts the file into its cache: {first['open_ms']:.0f} ms")
        print_side_by_side(ours, ref)


if __name__ == "__main__":
    main()
