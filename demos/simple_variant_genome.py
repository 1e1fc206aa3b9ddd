"""The tutorial's VariantGenome walk-through: the DNA at a transcript's 5' end, without and with variants.

Usage: python demos/simple_variant_genome.py CONFIG TRANSCRIPT_ID VARIANT [VARIANT ...]
           [--upstream 2] [--downstream 5]

CONFIG is an annotation config (e.g. ``gencode.v41``), VARIANTs are strings in the
``chrom:position:ref:alt`` form with a 1-based position (``chr7:117120149:A:G``; ``-`` or
nothing for an empty allele). Extraction code written for a Genome runs unchanged on a
VariantGenome: this prints the reference window, the window with all variants applied, and
the same window anchored at its 5' and 3' ends (which keeps its length across indels).
"""

from __future__ import annotations

import argparse
import sys

import genome_kit as gk


def extract_features(genome, transcript_id: str, upstream: int, downstream: int) -> str:
    """The DNA around the 5' end of a transcript: works on a Genome and a VariantGenome alike."""
    tran = genome.transcripts[transcript_id]
    return genome.dna(tran.end5.expand(upstream, downstream))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config")
    ap.add_argument("transcript_id")
    ap.add_argument("variants", nargs="+", metavar="VARIANT")
    ap.add_argument("--upstream", type=int, default=2)
    ap.add_argument("--downstream", type=int, default=5)
    args = ap.parse_args(argv)

    ref = gk.Genome(args.config)
    variants = [ref.variant(v) for v in args.variants]  # DNA1 strings, checked against the reference
    var = gk.VariantGenome(ref, variants)
    tran = ref.transcripts[args.transcript_id]
    window = tran.end5.expand(args.upstream, args.downstream)
    print(f"{tran!r} 5' end window {window.as_ucsc()}:{window.strand}")
    for v in variants:
        print(f"  variant {v!r}")
    print(f"reference           {extract_features(ref, args.transcript_id, args.upstream, args.downstream)}")
    print(f"variant             {extract_features(var, args.transcript_id, args.upstream, args.downstream)}")
    print(f"variant, 5p anchor  {var.dna(window.with_anchor('5p'))}")
    print(f"variant, 3p anchor  {var.dna(window.with_anchor('3p'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
