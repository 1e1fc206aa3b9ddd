"""Walk genes → transcripts → exons of an annotation.

Usage: python demos/walk_annotations.py CONFIG [GENE_NAME_OR_ID ...]

CONFIG is an annotation config such as ``gencode.v41`` (found through the data
manager). Without gene names the first three genes are shown.
"""

import sys

import genome_kit as gk


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    genome = gk.Genome(argv[0])
    if len(argv) > 1:
        genes = []
        for key in argv[1:]:
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
    sys.exit(main(sys.argv[1:]))
