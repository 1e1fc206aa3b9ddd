"""``build-assembly``: FASTA → .2bit + .chrom.sizes."""

from __future__ import annotations

import argparse

from .assembly_build import build_assembly


def add_parser(sub, prog: str) -> None:
    p = sub.add_parser(
        "build-assembly",
        help="build <prefix>.2bit and <prefix>.chrom.sizes from a FASTA(.gz) file",
        description="Convert a FASTA file (plain or gzipped) to PREFIX.2bit and PREFIX.chrom.sizes. "
        "Lower-case (soft-masked) bases are kept as a mask. Put both files in the data directory and "
        'gk.Genome("<name>") opens them; to build into the data directory directly, and an annotation too, '
        f"use '{prog} build'.",
        epilog=f"example:\n  {prog} build-assembly myasm.fa.gz ~/gkdata/myasm   # ~/gkdata/myasm.2bit, "
        "~/gkdata/myasm.chrom.sizes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("fasta", help="input FASTA, optionally gzipped")
    p.add_argument("prefix", help="output path without extension, e.g. ~/gkdata/myasm")
    p.add_argument(
        "--version",
        type=int,
        choices=(0, 1),
        default=None,
        help="2bit format version: 0 (32-bit offsets, files under 4 GiB) or 1 (64-bit); default: 0, or 1 "
        "when the sequence needs it",
    )
    p.set_defaults(func=run)


def run(args) -> int:
    for path in build_assembly(args.fasta, args.prefix, args.version):
        print(path)
    return 0
