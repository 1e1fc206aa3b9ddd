"""Spliced exonic DNA (mRNA) and coding sequence of transcripts.

Without ids, the first protein-coding transcript is used. Prints FASTA.
"""

from __future__ import annotations

import argparse
import sys

import genome_kit as gk


def spliced(genome, parts):
    return "".join(genome.dna(p) for p in parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config", help="annotation config, e.g. gencode.v41")
    ap.add_argument("transcript_ids", nargs="*", metavar="TRANSCRIPT_ID")
    args = ap.parse_args(argv)
    genome = gk.Genome(args.config)
    if args.transcript_ids:
        trans = [genome.transcripts[t] for t in args.transcript_ids]
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
    sys.exit(main())
