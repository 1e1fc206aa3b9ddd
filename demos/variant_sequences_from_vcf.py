"""Reference and variant sequence around every variant of a VCF.

Usage: python demos/variant_sequences_from_vcf.py GENOME VCF [--flank 10] [--limit N]

Converts the VCF to a ``.vcfbin`` once (next to it, reused on later runs), then for each
record prints the window of ``--flank`` bases either side of the variant on the reference and
on a VariantGenome holding that single variant. The window is anchored at the variant's
start, so both sequences have the same length even for indels (the model-input convention).
"""

from __future__ import annotations

import argparse
import sys

import genome_kit as gk


def ref_alt_windows(genome, variants, flank: int):
    for v in variants:
        window = gk.Interval(v.chromosome, "+", v.start - flank, v.end + flank, genome).with_anchor(v.start)
        yield v, genome.dna(window), gk.VariantGenome(genome, v).dna(window)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("genome", help="genome config the VCF is on (e.g. hg38.p14)")
    ap.add_argument("vcf", help="VCF or VCF.gz")
    ap.add_argument("--flank", type=int, default=10)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)

    genome = gk.Genome(args.genome)
    vcf = gk.VCFTable.from_vcf(args.vcf, genome)
    variants = list(vcf)[: args.limit]
    for v, ref, alt in ref_alt_windows(genome, variants, args.flank):
        print(f"{v!r}\t{ref}\t{alt}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
