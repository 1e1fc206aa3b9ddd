"""Helpers shared by the VCF tests: a header exercising every type/Number, and
writers for small VCFs on the `tiny` genome (chr2 = CHR2 below)."""

from __future__ import annotations

import os

CHR2 = "AACCTTTTACGTAAACCCGGGTTTACCGGAAATGGATTAA"

HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr2,length=40>
##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency, per ALT">
##INFO=<ID=RC,Number=R,Type=Integer,Description="Read counts, ref then alt">
##INFO=<ID=GC,Number=G,Type=Integer,Description="Per genotype">
##INFO=<ID=PAIR,Number=2,Type=Integer,Description="Two ints">
##INFO=<ID=DB,Number=0,Type=Flag,Description="A flag">
##INFO=<ID=NOTE,Number=1,Type=String,Description="Free text, with a comma">
##INFO=<ID=ANY,Number=.,Type=Integer,Description="Any number">
##INFO=<ID=ZERO,Number=0,Type=Float,Description="Bad: Number=0 float">
##INFO=<ID=BADFLAG,Number=1,Type=Flag,Description="Bad: flag with Number=1">
##INFO=<ID=WEIRD,Number=1,Type=Blob,Description="Bad: unknown type">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="SV length">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">
##FORMAT=<ID=GQ,Number=1,Type=Float,Description="Quality">
##FORMAT=<ID=GL,Number=G,Type=Float,Description="Likelihoods">
##FORMAT=<ID=FT,Number=1,Type=String,Description="Filter">
##FORMAT=<ID=FL,Number=0,Type=Flag,Description="Bad: FORMAT flag">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2
"""

HEADER_NO_SAMPLES = HEADER.replace("\tFORMAT\tS1\tS2", "")


def base(pos: int, n: int = 1) -> str:
    """Bases of chr2 at 1-based POS."""
    return CHR2[pos - 1 : pos - 1 + n]


def row(pos, ref, alt, info=".", fmt="GT", s1="0/1", s2="0/0", chrom="chr2", vid="."):
    cols = [chrom, str(pos), vid, ref, alt, ".", ".", info]
    if fmt is not None:
        cols += [fmt, s1, s2]
    return "\t".join(cols)


def write_vcf(directory, name, rows, header=HEADER) -> str:
    path = os.path.join(str(directory), name)
    with open(path, "w") as f:
        f.write(header + "".join(r + "\n" for r in rows))
    return path
