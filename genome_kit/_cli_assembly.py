"""``build-assembly``: FASTA → .2bit + .chrom.sizes."""

from __future__ import annotations

from .assembly_build import build_assembly


def add_parser(sub) -> None:
    p = sub.add_parser(
        "build-assembly", help="build <prefix>.2bit and <prefix>.chrom.sizes from a FASTA(.gz) file"
    )
    p.add_argument("fasta", help="input FASTA, optionally gzipped")
    p.add_argument("prefix", help="output prefix, e.g. ~/data/myasm (writes myasm.2bit, myasm.chrom.sizes)")
    p.add_argument("--version", type=int, choices=(0, 1), default=None, help="2bit version (default: auto)")
    p.set_defaults(func=run)


def run(args) -> int:
    for path in build_assembly(args.fasta, args.prefix, args.version):
        print(path)
    return 0
