"""DNA around the acceptor sites (intron 3' ends) of well-supported coding transcripts.

Usage: python demos/extract_acceptor_dna.py CONFIG [INTRON_BASES [EXON_BASES [LIMIT]]]

For every protein-coding transcript of level 1 or 2, each exon except the
first has an acceptor at its 5' end; prints INTRON_BASES (default 20) of
intron and EXON_BASES (default 3) of exon around it, one line per site.
"""

import sys

import genome_kit as gk


def acceptor_windows(genome, intron_bases=20, exon_bases=3):
    for tran in genome.transcripts:
        if tran.type != "protein_coding" or tran.level is None or tran.level > 2:
            continue
        for exon in tran.exons[1:]:
            # end5 is the empty interval at the exon's 5' end: expand upstream into the intron
            yield exon, exon.end5.expand(intron_bases, exon_bases)


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    genome = gk.Genome(argv[0])
    intron_bases = int(argv[1]) if len(argv) > 1 else 20
    exon_bases = int(argv[2]) if len(argv) > 2 else 3
    limit = int(argv[3]) if len(argv) > 3 else None
    for n, (exon, window) in enumerate(acceptor_windows(genome, intron_bases, exon_bases)):
        if limit is not None and n >= limit:
            break
        dna = genome.dna(window)
        print(
            f"{exon!r}\t{window.as_ucsc()}:{window.strand}\t{dna[:intron_bases].lower()}{dna[intron_bases:]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
