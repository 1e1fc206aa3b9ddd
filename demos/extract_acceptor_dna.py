"""DNA around the acceptor sites (intron 3' ends) of well-supported coding transcripts.

For every protein-coding transcript of level 1 or 2, each exon except the
first has an acceptor at its 5' end; prints INTRON_BASES (default 20) of
intron and EXON_BASES (default 3) of exon around it, one line per site.
"""

from __future__ import annotations

import argparse
import sys

import genome_kit as gk


def acceptor_windows(genome, intron_bases=20, exon_bases=3):
    for tran in genome.transcripts:
        if tran.type != "protein_coding" or tran.level is None or tran.level > 2:
            continue
        for exon in tran.exons[1:]:
            # end5 is the empty interval at the exon's 5' end: expand upstream into the intron
            yield exon, exon.end5.expand(intron_bases, exon_bases)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config", help="annotation config, e.g. gencode.v41")
    ap.add_argument("intron_bases", nargs="?", type=int, default=20, metavar="INTRON_BASES")
    ap.add_argument("exon_bases", nargs="?", type=int, default=3, metavar="EXON_BASES")
    ap.add_argument("limit", nargs="?", type=int, metavar="LIMIT", help="stop after this many sites")
    args = ap.parse_args(argv)
    genome = gk.Genome(args.config)
    intron_bases = args.intron_bases
    for n, (exon, window) in enumerate(acceptor_windows(genome, intron_bases, args.exon_bases)):
        if args.limit is not None and n >= args.limit:
            break
        dna = genome.dna(window)
        print(
            f"{exon!r}\t{window.as_ucsc()}:{window.strand}\t{dna[:intron_bases].lower()}{dna[intron_bases:]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
