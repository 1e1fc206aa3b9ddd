"""Walk genes → transcripts → exons of an annotation.

CONFIG is an annotation config such as ``gencode.v41`` (found through the data
manager). Without gene names the first three genes are shown.
"""

from __future__ import annotations

import argparse
import sys

import genome_kit as gk


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config", help="annotation config, e.g. gencode.v41")
    ap.add_argument("genes", nargs="*", metavar="GENE_NAME_OR_ID")
    args = ap.parse_args(argv)
    genome = gk.Genome(args.config)
    if args.genes:
        genes = []
        for key in args.genes:
            gene = genome.genes.first_by_name(key)
            genes.append(gene if gene is not None else genome.genes[key])
    else:
        genes = list(genome.genes)[:3]
    print(
        f"{genome}: {len(genome.genes)} genes, {len(genome.transcripts)} transcripts, {len(genome.exons)} exons"  # noqa: E501
    )
    for gene in genes:
        print(gene, gene.type, gene.interval.as_ucsc(), gene.strand)
        for tran in gene.transcripts:
            print("   ", tran, tran.type, f"level={tran.level}", f"tsl={tran.tsl}")
            for exon in tran.exons:
                parts = [p for p in (exon.utr5, exon.cds, exon.utr3) if p is not None]
                print(
                    "       ",
                    exon,
                    exon.start,
                    exon.end,
                    " ".join(repr(p).split(" in ")[0] + ">" for p in parts),
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
