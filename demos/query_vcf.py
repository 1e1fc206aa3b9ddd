"""The VCF tutorial session: convert a 10-line VCF once, then query it.

    python demos/query_vcf.py                       # offline: bundled yeast sample genome
    python demos/query_vcf.py --genome hg19 --data-dir ~/gkdata --chromosome chr16 --start 49523

The tutorial's ten records (3 samples: SNVs, insertions, a complex change and
a deletion, with GT and AD) are written at the same relative offsets from
``--start`` on ``--chromosome``, with REF bases read from the genome, so the
session's numbers (genotype codes, depths, query results) are the tutorial's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import numpy as np

HEADER = """##fileformat=VCFv4.2
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tsample1\tsample2\tsample3
"""

# (offset from --start, kind, sample1, sample2, sample3) — the tutorial's records.
RECORDS = [
    (0, "snv", "0/0:0,1", "0/1:0,2", "0/0:0,3"),
    (85, "snv", "0/0:0,4", "0/1:0,5", "0/0:0,6"),
    (173, "ins", "0/0:0,7", "0/1:0,8", "0/1:0,9"),
    (216, "cplx", "0/1:0,10", "0/0:0,11", "1/1:0,12"),
    (27505, "snv", "0/1:0,13", "0/0:0,14", "1/1:0,15"),
    (27807, "snv", "0/1:0,16", "0/0:0,17", "./.:0,18"),
    (27993, "ins", "1/1:0,19", "1/1:0,20", "./.:0,21"),
    (28047, "snv", "1/1:0,22", "1/1:0,23", "./.:0,24"),
    (29081, "del", "1/1:0,25", "1/1:0,26", "./.:0,27"),
    (29105, "snv", "./.:28,0", "0/0:29,0", "./.:30,0"),
]


def write_tutorial_vcf(path: str, genome, chromosome: str, start: int) -> None:
    """Writes the ten records with REF alleles taken from `genome` (start is 1-based)."""
    import genome_kit as gk

    def seq(pos1, n=1):
        return genome.dna(gk.Interval(chromosome, "+", pos1 - 1, pos1 - 1 + n, genome))

    rows = []
    for k, (d, kind, s1, s2, s3) in enumerate(RECORDS):
        pos = start + d
        r = seq(pos)
        if kind == "snv":
            ref, alt = r, "ACGT"[("ACGT".index(r) + 1) % 4]
        elif kind == "ins":
            ins = "ACGT"[k % 4] if "ACGT"[k % 4] != r else "ACGT"[(k + 1) % 4]
            ref, alt = r, r + ins
        elif kind == "cplx":
            ref, alt = r, "TC" if r != "T" else "GC"
        else:  # a 2-base deletion, moved right until it is left-normalised
            while seq(pos + 2) == seq(pos):
                pos += 1
            ref, alt = seq(pos, 3), seq(pos)
        rows.append(f"{chromosome}\t{pos}\t.\t{ref}\t{alt}\t.\t.\tAF=0.{k:02d}\tGT:AD\t{s1}\t{s2}\t{s3}")
    with open(path, "w") as f:
        f.write(HEADER + "\n".join(rows) + "\n")


def session(vcf_path: str, genome) -> None:
    from genome_kit import VCFTable

    print(
        f">>> variants = VCFTable.from_vcf({os.path.basename(vcf_path)!r}, genome, info_ids=['AF'], "
        "fmt_ids=['GT', 'AD'])"
    )
    variants = VCFTable.from_vcf(vcf_path, genome, info_ids=["AF"], fmt_ids=["GT", "AD"])
    print(variants)
    print(">>> for v in variants: print(v, v.AF)")
    for v in variants:
        print(f"{v!r} AF={v.AF:.2f}")
    print(">>> variants.info('AF')")
    print(variants.info("AF"))
    print(">>> variants.format('GT')   # 0 hom-ref, 1 het, 2 hom-alt, 3 unknown, 4 0|1, 5 1|0")
    print(variants.format("GT"))
    print(">>> variants.format('AD').shape")
    print(variants.format("AD").shape)
    print(">>> near = variants.find_within(variants[5].expand(300, 300))")
    near = variants.find_within(variants[5].expand(300, 300))
    print(near)
    print(">>> [variants.index_of(v) for v in near]")
    idx = [variants.index_of(v) for v in near]
    print(idx)
    print(">>> variants.format('GT')[idx]")
    print(variants.format("GT")[idx])
    print(">>> variants.where(np.any(variants.format('AD').sum(axis=2) >= 20, axis=1))")
    print(variants.where(np.any(variants.format("AD").sum(axis=2) >= 20, axis=1)))
    print(
        ">>> variants.format('GT').flags.writeable, variants.format('GT').base is not None  # zero-copy view"
    )
    gt = variants.format("GT")
    print(gt.flags.writeable, gt.base is not None)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--genome", help="genome config (default: build the bundled yeast sample genome)")
    ap.add_argument("--data-dir", help="data directory holding the genome's files")
    ap.add_argument("--chromosome", default=None, help="chromosome for the records (default chrI / chr16)")
    ap.add_argument("--start", type=int, default=49523, help="1-based position of the first record")
    ap.add_argument("--workdir", help="where to write the VCF and its .bin (default: a temporary directory)")
    args = ap.parse_args(argv)

    os.environ.setdefault("GENOMEKIT_QUIET", "1")
    import genome_kit as gk
    from genome_kit import gk_data
    from genome_kit.data_manager import DefaultDataManager

    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or tmp
        os.makedirs(work, exist_ok=True)
        if args.genome:
            if args.data_dir:
                gk_data.data_manager = DefaultDataManager(args.data_dir, bucket_name="")
            genome = gk.Genome(args.genome)
            chromosome = args.chromosome or "chr16"
        else:
            sample = os.path.join(os.path.dirname(gk.__file__), "sample_data", "sacCer.sample.fa.gz")
            gk.build_assembly(sample, os.path.join(tmp, "yeast"))
            gk_data.data_manager = DefaultDataManager(tmp, bucket_name="")
            genome = gk.Genome("yeast")
            chromosome = args.chromosome or "chrI"
        vcf_path = os.path.join(work, "tutorial.vcf")
        write_tutorial_vcf(vcf_path, genome, chromosome, args.start)
        session(vcf_path, genome)
    return 0


if __name__ == "__main__":
    sys.exit(main())
