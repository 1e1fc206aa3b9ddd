"""Annotation benchmark: genome_kit vs the reference GenomeKit, pyranges and gffutils.

Generates a GENCODE-like synthetic annotation (default ~60k genes, 250k
transcripts, 1.5M exons; ``--scale`` shrinks it) as GFF3 and GTF, then
measures on the same files:

* build time and peak memory (a fresh subprocess per builder),
* open time, ``find_overlapping`` queries/s on transcripts and exons with
  1 kb random queries (one call at a time, and through ``find_batch``),
* ``table["id"]`` lookups/s, full genes → transcripts → exons iteration,
* pyranges: reading the GTF and one overlap join of all queries,
* gffutils: building its database (on a ``--gffutils-scale`` subset — it is slow),
* the reference GenomeKit (``/work/venv-ref``) doing the same in a subprocess.

Usage: python benchmarks/bench_annotations.py [--scale 1.0] [--gffutils-scale 0.02] [--queries 200000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF_PY = "/work/venv-ref/bin/python"
NCHROM = 22


def generate(prefix: str, scale: float, seed: int = 1) -> dict:
    """Writes <prefix>.gff3, <prefix>.gtf and <prefix>.chrom.sizes; returns counts."""
    rng = random.Random(seed)
    n_genes = max(10, int(60000 * scale))
    chrom_len = 150_000_000
    counts = {"genes": 0, "transcripts": 0, "exons": 0}
    with open(prefix + ".gff3", "w") as g3, open(prefix + ".gtf", "w") as gt:
        g3.write("##gff-version 3\n")
        per_chrom = n_genes // NCHROM + 1
        gid = 0
        for c in range(1, NCHROM + 1):
            chrom = f"chr{c}"
            pos = 10000
            for _ in range(per_chrom):
                if gid >= n_genes:
                    break
                gid += 1
                strand = rng.choice("+-")
                ntx = rng.choice([1, 2, 3, 4, 5, 6, 7])  # mean ~4.2 transcripts per gene
                nex = [max(1, int(rng.gauss(6, 3))) for _ in range(ntx)]
                exons_all = []
                for n in nex:
                    p = pos + rng.randint(0, 2000)
                    ex = []
                    for _ in range(n):
                        length = rng.randint(50, 400)
                        ex.append((p, p + length))
                        p += length + rng.randint(200, 5000)
                    exons_all.append(ex)
                gs = min(e[0][0] for e in exons_all)
                ge = max(e[-1][1] for e in exons_all)
                gname = f"G{gid}"
                gene_id = f"ENSG{gid:011d}.1"
                g3.write(
                    f"{chrom}\tHAVANA\tgene\t{gs + 1}\t{ge}\t.\t{strand}\t.\tID={gene_id};gene_id={gene_id};"
                    f"gene_type=protein_coding;gene_name={gname};level=2\n"
                )
                gt.write(
                    f'{chrom}\tHAVANA\tgene\t{gs + 1}\t{ge}\t.\t{strand}\t.\tgene_id "{gene_id}"; '
                    f'gene_type "protein_coding"; gene_name "{gname}"; level 2;\n'
                )
                counts["genes"] += 1
                for k, ex in enumerate(exons_all):
                    tid = f"ENST{gid:09d}{k:02d}.1"
                    ts, te = ex[0][0], ex[-1][1]
                    g3.write(
                        f"{chrom}\tHAVANA\ttranscript\t{ts + 1}\t{te}\t.\t{strand}\t.\tID={tid};Parent={gene_id};"  # noqa: E501
                        f"gene_id={gene_id};transcript_id={tid};transcript_type=protein_coding;level=2;"
                        f"transcript_support_level=1\n"
                    )
                    gt.write(
                        f'{chrom}\tHAVANA\ttranscript\t{ts + 1}\t{te}\t.\t{strand}\t.\tgene_id "{gene_id}"; '
                        f'transcript_id "{tid}"; transcript_type "protein_coding"; level 2;\n'
                    )
                    counts["transcripts"] += 1
                    order = ex if strand == "+" else ex[::-1]
                    for n, (a, b) in enumerate(order, 1):
                        eid = f"ENSE{gid:08d}{k:02d}{n:03d}.1"
                        g3.write(
                            f"{chrom}\tHAVANA\texon\t{a + 1}\t{b}\t.\t{strand}\t.\tID=exon:{tid}:{n};Parent={tid};"  # noqa: E501
                            f"gene_id={gene_id};transcript_id={tid};exon_number={n};exon_id={eid};level=2\n"
                        )
                        gt.write(
                            f'{chrom}\tHAVANA\texon\t{a + 1}\t{b}\t.\t{strand}\t.\tgene_id "{gene_id}"; '
                            f'transcript_id "{tid}"; exon_number {n}; exon_id "{eid}";\n'
                        )
                        counts["exons"] += 1
                pos = ge + rng.randint(1000, 20000)
                if pos > chrom_len - 400000:
                    break
    with open(prefix + ".chrom.sizes", "w") as f:
        for c in range(1, NCHROM + 1):
            f.write(f"chr{c}\t{chrom_len}\n")
    with open(prefix + ".chromAlias.txt", "w") as f:  # local, so the reference never goes online for it
        f.write("# ucsc\tassembly\n" + "".join(f"chr{c}\t{c}\n" for c in range(1, NCHROM + 1)))
    return counts


def run_json(python: str, code: str, env: dict, cwd: str) -> dict:
    out = subprocess.run([python, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=7200)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


# The measurement code shared by both implementations (same public API).
MEASURE = textwrap.dedent(
    """
    import json, os, random, resource, sys, time
    import genome_kit as gk
    mode, src, data, nq = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    r = {}
    t = time.perf_counter()
    gk.GenomeAnnotation.build_gencode(src, os.path.join(data, "bench_anno"), gk.Genome("bench"))
    r["build_s"] = time.perf_counter() - t
    r["build_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    g = gk.Genome("bench_anno")
    n = len(g.exons)
    r["open_ms"] = (time.perf_counter() - t) * 1000
    rng = random.Random(7)
    qs = [gk.Interval("chr%d" % rng.randint(1, 22), rng.choice("+-"), s, s + 1000, "bench")
          for s in (rng.randint(0, 20_000_000) for _ in range(nq))]
    for tb in ("transcripts", "exons"):
        table = getattr(g, tb)
        f = table.find_overlapping
        t = time.perf_counter(); hits = sum(len(f(q)) for q in qs); dt = time.perf_counter() - t
        r[tb + "_single_qps"] = nq / dt
        r[tb + "_hits"] = hits
        if hasattr(table, "find_batch"):
            t = time.perf_counter(); off, rows = table.find_batch(qs); dt = time.perf_counter() - t
            r[tb + "_batch_qps"] = nq / dt
            chroms = [q.chromosome for q in qs]; strands = [q.strand for q in qs]
            starts = [q.start for q in qs]; ends = [q.end for q in qs]
            import numpy as np
            c, s, a, b = np.array(chroms), np.array(strands), np.array(starts), np.array(ends)
            t = time.perf_counter(); off, rows = table.find_batch(chromosomes=c, strands=s, starts=a, ends=b)
            dt = time.perf_counter() - t
            r[tb + "_batch_arrays_qps"] = nq / dt
            assert int(off[-1]) == hits
    ids = [x.id for x in g.transcripts][:: max(1, len(g.transcripts) // 100000)]
    t = time.perf_counter()
    for i in ids:
        g.transcripts[i]
    r["id_lookups_per_s"] = len(ids) / (time.perf_counter() - t)
    t = time.perf_counter(); k = 0
    for gene in g.genes:
        for tr in gene.transcripts:
            for e in tr.exons:
                k += 1
    r["iterate_s"] = time.perf_counter() - t
    r["iterated_exons"] = k
    print(json.dumps(r))
    """
)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--gffutils-scale", type=float, default=0.02)
    ap.add_argument("--queries", type=int, default=200000)
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="gk_bench_anno_")
    try:
        data = os.path.join(work, "data")
        os.makedirs(data)
        prefix = os.path.join(data, "bench")
        t0 = __import__("time").perf_counter()
        counts = generate(prefix, args.scale)
        print(f"synthetic annotation: {counts} (generated in {__import__('time').perf_counter() - t0:.1f}s)")
        env = dict(os.environ, GENOMEKIT_DATA_DIR=data, GENOMEKIT_QUIET="1")
        results = {}
        script = os.path.join(work, "measure.py")
        with open(script, "w") as f:
            f.write(MEASURE)
        for label, python, src, pypath in [
            ("genome_kit (GTF)", sys.executable, prefix + ".gtf", ROOT),
            ("genome_kit (GFF3)", sys.executable, prefix + ".gff3", ROOT),
            ("reference 7.7.0 (GFF3)", REF_PY, prefix + ".gff3", None),
        ]:
            if not os.path.exists(python):
                results[label] = {"error": f"{python} not found"}
                continue
            e = dict(env)
            if pypath:
                e["PYTHONPATH"] = pypath
            else:
                e.pop("PYTHONPATH", None)
            for n in os.listdir(data):
                if n.startswith("bench_anno"):
                    os.remove(os.path.join(data, n))
            out = subprocess.run(
                [python, script, "x", src, data, str(args.queries)],
                env=e,
                cwd=work,
                capture_output=True,
                text=True,
                timeout=7200,
            )
            results[label] = (
                json.loads(out.stdout.strip().splitlines()[-1])
                if out.returncode == 0
                else {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
            )
            print(label, json.dumps(results[label], indent=None))

        # pyranges: read the GTF, then one overlap join of the same 1 kb queries against exons
        pr_code = textwrap.dedent(
            f"""
            import json, random, time, resource
            import pandas as pd, pyranges as pr
            t = time.perf_counter(); gr = pr.read_gtf({prefix + ".gtf"!r}); rd = time.perf_counter() - t
            ex = gr[gr.Feature == "exon"]
            rng = random.Random(7)
            rows = []
            for _ in range({args.queries}):
                c = "chr%d" % rng.randint(1, 22); st = rng.choice("+-"); s = rng.randint(0, 20_000_000)
                rows.append((c, s, s + 1000, st))
            q = pr.PyRanges(pd.DataFrame(rows, columns=["Chromosome", "Start", "End", "Strand"]))
            t = time.perf_counter(); j = q.join(ex, strandedness="same"); dt = time.perf_counter() - t
            print(json.dumps({{"read_gtf_s": rd, "exons_join_qps": {args.queries} / dt, "join_hits": len(j),
                              "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
            """
        )
        results["pyranges"] = run_json(sys.executable, pr_code, env, work)
        print("pyranges", results["pyranges"])

        # gffutils on a subset (its database build is slow), ours on the same subset for the ratio
        sub = os.path.join(data, "benchsub")
        generate(sub, args.gffutils_scale, seed=2)
        shutil.copy(prefix + ".chrom.sizes", os.path.join(data, "benchsub.chrom.sizes"))
        shutil.copy(prefix + ".chromAlias.txt", os.path.join(data, "benchsub.chromAlias.txt"))
        gf_code = textwrap.dedent(
            f"""
            import json, time, gffutils
            t = time.perf_counter()
            gffutils.create_db({sub + ".gff3"!r}, ":memory:", merge_strategy="create_unique",
                               disable_infer_genes=True, disable_infer_transcripts=True)
            print(json.dumps({{"build_db_s": time.perf_counter() - t}}))
            """
        )
        results["gffutils (subset)"] = run_json(sys.executable, gf_code, env, work)
        ours_code = textwrap.dedent(
            f"""
            import json, time, genome_kit as gk
            t = time.perf_counter()
            gk.GenomeAnnotation.build_gencode({sub + ".gff3"!r}, {os.path.join(data, "benchsub_anno")!r},
                                              gk.Genome("benchsub"))
            print(json.dumps({{"build_s": time.perf_counter() - t}}))
            """
        )
        e = dict(env, PYTHONPATH=ROOT)
        results["genome_kit (subset)"] = run_json(sys.executable, ours_code, e, work)
        print("gffutils subset", results["gffutils (subset)"], "ours", results["genome_kit (subset)"])

        ours, ref = results["genome_kit (GFF3)"], results["reference 7.7.0 (GFF3)"]
        print("\n=== summary (ratios > 1 mean genome_kit is faster) ===")
        for key in ("build_s", "open_ms", "iterate_s"):
            if key in ours and key in ref:
                print(
                    f"{key:28s} ours {ours[key]:10.3f}  reference {ref[key]:10.3f}  ratio {ref[key] / ours[key]:6.2f}x"  # noqa: E501
                )
        for key in ("transcripts_single_qps", "exons_single_qps", "id_lookups_per_s"):
            if key in ours and key in ref:
                print(
                    f"{key:28s} ours {ours[key]:10.0f}  reference {ref[key]:10.0f}  ratio {ours[key] / ref[key]:6.2f}x"  # noqa: E501
                )
        for key in ("transcripts_batch_qps", "exons_batch_qps", "exons_batch_arrays_qps"):
            if key in ours:
                print(f"{key:28s} ours {ours[key]:10.0f}")
        if "build_peak_mb" in ours:
            print(
                f"build peak memory            ours {ours['build_peak_mb']:.0f} MB, "
                f"reference {ref.get('build_peak_mb', float('nan')):.0f} MB"
            )
        pyr = results["pyranges"]
        if "exons_join_qps" in pyr and "exons_batch_qps" in ours:
            print(
                f"vs pyranges join (exons)     ours batch {ours['exons_batch_qps']:.0f} q/s, pyranges "
                f"{pyr['exons_join_qps']:.0f} q/s, ratio {ours['exons_batch_qps'] / pyr['exons_join_qps']:.2f}x; "  # noqa: E501
                f"pyranges read_gtf {pyr['read_gtf_s']:.1f}s vs our GTF build "
                f"{results['genome_kit (GTF)'].get('build_s', float('nan')):.1f}s"
            )
        gf, og = results["gffutils (subset)"], results["genome_kit (subset)"]
        if "build_db_s" in gf and "build_s" in og:
            print(
                f"vs gffutils build (subset)   ours {og['build_s']:.3f}s, gffutils {gf['build_db_s']:.2f}s, "
                f"ratio {gf['build_db_s'] / og['build_s']:.0f}x"
            )
        print(json.dumps(results))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
