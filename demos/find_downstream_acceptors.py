"""Acceptor sites downstream of a position, nearest first.

Looks WINDOW bases (default 10000) downstream of POSITION (0-based) on the
given strand and prints the exons whose 5' end (an acceptor, unless it is the
transcript's first exon) falls in that window, with the distance.
"""

from __future__ import annotations

import argparse
import sys

import genome_kit as gk


def downstream_acceptors(genome, chrom, strand, position, window=10000):
    here = genome.interval(chrom, strand, position, position + 1)
    search = here.end3.expand(0, window)  # strand aware: downstream of the position
    hits = []
    for exon in genome.exons.find_5p_within(search):
        if exon.index == 0:
            continue  # a transcript start, not a splice acceptor
        distance = abs(exon.end5.start - here.end3.start)
        hits.append((distance, exon))
    hits.sort(key=lambda h: h[0])
    return hits


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config", help="annotation config, e.g. gencode.v41")
    ap.add_argument("chrom")
    ap.add_argument("strand", choices=("+", "-"))
    ap.add_argument("position", type=int, metavar="POSITION", help="0-based")
    ap.add_argument("window", nargs="?", type=int, default=10000, metavar="WINDOW")
    args = ap.parse_args(argv)
    genome = gk.Genome(args.config)
    window = args.window
    hits = downstream_acceptors(genome, args.chrom, args.strand, args.position, window)
    for distance, exon in hits:
        print(f"{distance}\t{exon!r}\t{exon.transcript.gene.name}")
    print(f"{len(hits)} acceptors within {window} bases downstream")
    return 0


if __name__ == "__main__":
    sys.exit(main())
