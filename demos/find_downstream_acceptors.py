"""Acceptor sites downstream of a position, nearest first.

Usage: python demos/find_downstream_acceptors.py CONFIG CHROM STRAND POSITION [WINDOW]

Looks WINDOW bases (default 10000) downstream of POSITION (0-based) on the
given strand and prints the exons whose 5' end (an acceptor, unless it is the
transcript's first exon) falls in that window, with the distance.
"""

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


def main(argv):
    if len(argv) < 4:
        print(__doc__)
        return 2
    genome = gk.Genome(argv[0])
    window = int(argv[4]) if len(argv) > 4 else 10000
    hits = downstream_acceptors(genome, argv[1], argv[2], int(argv[3]), window)
    for distance, exon in hits:
        print(f"{distance}\t{exon!r}\t{exon.transcript.gene.name}")
    print(f"{len(hits)} acceptors within {window} bases downstream")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
