"""Spliced exonic DNA (mRNA) and coding sequence of transcripts.

Usage: python demos/extract_exonic_dna.py CONFIG [TRANSCRIPT_ID ...]

Without ids, the first protein-coding transcript is used. Prints FASTA.
"""

import sys

import genome_kit as gk


def spliced(genome, parts):
    return "".join(genome.dna(p) for p in parts)


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    genome = gk.Genome(argv[0])
    if len(argv) > 1:
        trans = [genome.transcripts[t] for t in argv[1:]]
    else:
        trans = [t for t in genome.transcripts if t.cdss][:1]
    for t in trans:
        mrna = spliced(genome, t.exons)
        print(f">{t.id} mRNA {len(t.exons)} exons {len(mrna)} nt")
        print(mrna)
        if t.cdss:
            cds = spliced(genome, t.cdss)
            print(f">{t.id} CDS {len(cds)} nt, phase of first piece {t.cdss[0].phase}")
            print(cds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
