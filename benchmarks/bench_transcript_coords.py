"""Transcript coordinates: genome_kit's DisjointIntervalSequence vs the reference GenomeKit's, and
genome_kit.hgvs vs pyhgvs2.

    python benchmarks/bench_transcript_coords.py [--data ../shared/conformance/data] [--ref-python PY]

Data: the real GENCODE v29lift37 transcripts and hg19 sequence excerpt of the conformance data (GenomeKit's
own test data; the reference opens its .dganno, genome_kit builds the same GFF3 into a temporary folder
removed at the end). Every tool gets the same transcripts (all multi-exon ones, both strands) and the same
seeded random genomic bases inside them. Measured, one call per item:
  * DIS ``lift_interval`` of one genomic base into the transcript's exon space, and ``lower`` of a 50-base
    segment back to genomic Intervals (calls/s; the DIS is built once per transcript by both);
  * HGVS ``c.``/``n.`` position of a genomic base: ``hgvs.hgvs_position`` vs pyhgvs2's
    ``genomic_to_cdna_coord`` (transcript model built once per transcript by both);
  * HGVS description of a random SNV or 1-3 bp deletion: ``hgvs.hgvs_variant`` vs pyhgvs2's
    ``format_hgvs_name`` (which both read the genome and shift indels 3').
Ratios are genome_kit's rate over each peer's (best of several rounds, see _common.rate).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import warnings

import genome_kit as gk

from _common import REFERENCE_PYTHON, local_data_manager, machine, rate, run_reference, table

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG, SOURCE, REFG = "gencode.v29lift37.mini", "gencode.v29lift37.annotation.gff3", "hg19.p13.plusMT.mini"

REFERENCE_SCRIPT = r"""
import json, sys
import genome_kit as gk
sys.path.insert(0, %(bench)r)
from _common import local_data_manager, rate
from bench_transcript_coords import dis_workloads
local_data_manager(gk, %(data)r)
g = gk.Genome(%(config)r)
cases = [(g.transcripts[tid], ps) for tid, ps in json.load(sys.stdin)["cases"]]
lift, lower = dis_workloads(gk, cases)
n = sum(len(ps) for _, ps in cases)
print(json.dumps({"lift": rate(lift, n), "lower": rate(lower, n)}))
"""


def dis_workloads(gk, cases):
    """(lift, lower) workloads over [(transcript, genomic bases)] for whichever genome_kit ``gk`` is."""
    dis = [(gk.DisjointIntervalSequence.from_transcript(t), t, ps) for t, ps in cases]

    def lift():
        for d, t, ps in dis:
            for p in ps:
                d.lift_interval(gk.Interval(t.chromosome, t.strand, p, p + 1, t.refg))

    def lower():
        for d, _, ps in dis:
            for k in range(len(ps)):
                d.cut(k, k + 50).lower()

    return lift, lower


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "conformance", "data"))
    ap.add_argument("--ref-python", default=REFERENCE_PYTHON)
    ap.add_argument("--per-transcript", type=int, default=20)
    args = ap.parse_args()
    data = os.path.abspath(args.data)
    if not os.path.exists(os.path.join(data, SOURCE)):
        raise SystemExit(f"{data} has no {SOURCE}: pass --data (the conformance data folder)")
    print(f"machine: {machine()}")
    work = tempfile.mkdtemp(prefix="bench_transcript_coords.")
    try:
        for name in (f"{REFG}.2bit", f"{REFG}.chrom.sizes"):
            os.symlink(os.path.join(data, name), os.path.join(work, name))
        local_data_manager(gk, work)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gk.GenomeAnnotation.build_gencode(
                os.path.join(data, SOURCE), os.path.join(work, "anno"), gk.Genome(REFG)
            )
        g = gk.Genome("anno")
        genome = gk.Genome(REFG)
        rng = random.Random(1)
        trans = [t for t in g.transcripts if len(t.exons) > 1]
        cases = []
        for t in trans:
            exonic = [p for e in t.exons for p in range(e.start, e.end)]
            cases.append((t, rng.sample(exonic, min(args.per_transcript, len(exonic)))))
        n = sum(len(ps) for _, ps in cases)
        print(f"{len(cases)} transcripts, {n} genomic bases")

        lift, lower = dis_workloads(gk, cases)
        script = REFERENCE_SCRIPT % {"bench": HERE, "data": data, "config": CONFIG}
        ref = run_reference(script, {"cases": [(t.id, ps) for t, ps in cases]}) if args.ref_python else None
        table("DIS lift_interval of one base", "calls/s",
              {"genome_kit": rate(lift, n), "GenomeKit 7.7.0": ref and ref["lift"]})  # fmt: skip
        table("DIS lower of a 50-base segment", "calls/s",
              {"genome_kit": rate(lower, n), "GenomeKit 7.7.0": ref and ref["lower"]})  # fmt: skip

        from genome_kit import hgvs

        try:
            import pyhgvs2
            from pyhgvs2.models import Exon, Position, Transcript
        except ImportError:
            print("\n(pyhgvs2 not installed: pip install pyhgvs2)")
            return

        def model(t):
            plus = t.strand == "+"
            cds = (min(c.start for c in t.cdss), max(c.end for c in t.cdss)) if t.cdss else (t.end, t.end)
            tr = Transcript(t.id, None, "G", Position(t.chromosome, t.start, t.end, plus),
                            Position(t.chromosome, *cds, plus))  # fmt: skip
            tr.exons = [
                Exon(tr, Position(t.chromosome, e.start, e.end, plus), k) for k, e in enumerate(t.exons, 1)
            ]
            return tr

        class Chrom:
            def __init__(self, chrom):
                self.chrom = chrom

            def __getitem__(self, sl):
                return genome.dna(gk.Interval(self.chrom, "+", sl.start, sl.stop, genome))

        class PyhgvsGenome:
            def __getitem__(self, chrom):
                return Chrom(chrom)

        models = [(model(t), t, ps) for t, ps in cases]

        def ours_pos():
            for _, t, ps in models:
                for p in ps:
                    hgvs.hgvs_position(t, p)

        def theirs_pos():
            for m, _, ps in models:
                for p in ps:
                    pyhgvs2.lookups.genomic_to_cdna_coord(m, p + 1)

        table("HGVS c./n. position of a genomic base", "calls/s",
              {"genome_kit": rate(ours_pos, n), "pyhgvs2 3.0": rate(theirs_pos, n)})  # fmt: skip

        variants = []
        for m, t, ps in models:
            for p in ps[:5]:
                if not t.start < p < t.end - 3:  # descriptions stop at the transcript's ends
                    continue
                ref = genome.dna(gk.Interval(t.chromosome, "+", p - 1, p + 3, genome))
                if rng.random() < 0.5:
                    v = gk.Variant(t.chromosome, p, ref[1], "T" if ref[1] != "T" else "C", genome)
                    vcf = (p + 1, v.ref, v.alt)
                else:
                    k = rng.randint(1, 3)
                    v = gk.Variant(t.chromosome, p, ref[1 : 1 + k], "", genome)
                    vcf = (p, ref[: 1 + k], ref[0])
                variants.append((m, t, v, vcf))
        pg = PyhgvsGenome()

        def ours_var():
            for _, t, v, _ in variants:
                hgvs.hgvs_variant(v, t)

        def theirs_var():
            for m, t, _, vcf in variants:
                pyhgvs2.format_hgvs_name(t.chromosome, *vcf, pg, m)

        nv = len(variants)
        table("HGVS description of an SNV or deletion", "calls/s",
              {"genome_kit": rate(ours_var, nv), "pyhgvs2 3.0": rate(theirs_var, nv)})  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
