"""Writes genome_kit/sample_data/sacCer.toy_genes.gff3: toy gene models on the real yeast sample sequence.

The genes are *not* real yeast genes: they are hand-placed multi-exon models (GENCODE-style GFF3) whose
introns are snapped to real GT...AG dinucleotides of the bundled sequence and whose CDSs start at a real
ATG, so the tutorial's annotation steps (walking genes, acceptor DNA, positional queries) show sensible
output offline. Deterministic; rerun after changing SPECS:

    python tools/make_sample_annotation.py
"""

from __future__ import annotations

import gzip
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "genome_kit", "sample_data")
COMP = str.maketrans("ACGT", "TGCA")

# gene id, name, chromosome, strand, biotype, level, transcripts:
#   (transcript id, biotype, approximate exons in + coordinates, approximate CDS span or None)
SPECS = [
    ("TOYG00001.1", "TOY1", "chrI", "+", "protein_coding", 2, [
        ("TOYT00001.1", "protein_coding", [(10000, 10400), (11000, 11300), (12000, 12500), (13000, 13600)],
         (10150, 13300)),
        ("TOYT00002.1", "protein_coding", [(10000, 10400), (12000, 12500), (13000, 13800)], (10150, 13300)),
        ("TOYT00003.1", "retained_intron", [(10000, 10400), (11000, 11700)], None),
    ]),
    ("TOYG00002.1", "TOY2", "chrI", "-", "lncRNA", 2, [
        ("TOYT00004.1", "lncRNA", [(20000, 20300), (21000, 21500)], None),
    ]),
    ("TOYG00003.1", "TOY3", "chrII", "+", "protein_coding", 1, [
        ("TOYT00005.1", "protein_coding", [(100000, 100250), (100800, 101400), (102000, 102300)],
         (100100, 102200)),
    ]),
    ("TOYG00004.1", "TOY4", "chrII", "-", "protein_coding", 2, [
        ("TOYT00006.1", "protein_coding", [(200000, 200500), (201000, 201200), (202000, 202600)],
         (200300, 202400)),
        ("TOYT00007.1", "protein_coding", [(200000, 200500), (202000, 202700)], (200300, 202400)),
    ]),
]  # fmt: skip


def read_fasta(path: str) -> dict[str, str]:
    seqs: dict[str, list[str]] = {}
    name = ""
    with gzip.open(path, "rt") as f:
        for line in f:
            line = line.strip()
            if line.startswith(">"):
                name = line[1:].split()[0]
                seqs[name] = []
            elif line:
                seqs[name].append(line)
    return {k: "".join(v).upper() for k, v in seqs.items()}


def snap(seq: str, pos: int, dinuc: str, offset: int) -> int:
    """Smallest p >= pos with seq[p + offset : p + offset + 2] == dinuc."""
    while seq[pos + offset : pos + offset + 2] != dinuc:
        pos += 1
    return pos


def gene_model(seq: str, strand: str, exons, cds):
    """Snaps approximate + coordinate exons so that every intron is GT...AG on the sense strand."""
    fixed = [list(e) for e in exons]
    for k in range(len(fixed) - 1):
        if strand == "+":  # intron [end_k, start_k+1): GT at its start, AG at its end
            fixed[k][1] = snap(seq, fixed[k][1], "GT", 0)
            fixed[k + 1][0] = snap(seq, fixed[k + 1][0], "AG", -2)
        else:  # sense = reverse complement: 'CT' (AG) at the low end, 'AC' (GT) at the high end
            fixed[k][1] = snap(seq, fixed[k][1], "CT", 0)
            fixed[k + 1][0] = snap(seq, fixed[k + 1][0], "AC", -2)
    if cds is None:
        return fixed, []
    lo, hi = cds
    if strand == "+":
        while seq[lo : lo + 3] != "ATG":
            lo += 1
    else:
        while seq[hi - 3 : hi] != "CAT":
            hi -= 1
    pieces = [(max(s, lo), min(e, hi)) for s, e in fixed if min(e, hi) > max(s, lo)]
    return fixed, pieces


def main() -> None:
    genome = read_fasta(os.path.join(SAMPLE, "sacCer.sample.fa.gz"))
    rows = ["##gff-version 3", "# toy gene models on real yeast sequence (tools/make_sample_annotation.py)"]
    for gid, name, chrom, strand, gtype, level, transcripts in SPECS:
        seq = genome[chrom]
        models = [(tid, ttype, *gene_model(seq, strand, ex, cds)) for tid, ttype, ex, cds in transcripts]
        gstart = min(e[0][0] for _, _, e, _ in models)
        gend = max(e[-1][1] for _, _, e, _ in models)
        attrs = f"gene_id={gid};gene_type={gtype};gene_name={name};level={level}"
        rows.append(f"{chrom}\tTOY\tgene\t{gstart + 1}\t{gend}\t.\t{strand}\t.\tID={gid};{attrs}")
        for tid, ttype, exons, cdss in models:
            tattrs = f"ID={tid};Parent={gid};{attrs};transcript_id={tid};transcript_type={ttype}"
            span = f"{exons[0][0] + 1}\t{exons[-1][1]}"
            rows.append(f"{chrom}\tTOY\ttranscript\t{span}\t.\t{strand}\t.\t{tattrs}")
            order = exons if strand == "+" else exons[::-1]
            for k, (s, e) in enumerate(order):
                eid = f"{tid.split('.')[0].replace('TOYT', 'TOYE')}{k + 1:02d}.1"
                rows.append(f"{chrom}\tTOY\texon\t{s + 1}\t{e}\t.\t{strand}\t.\tParent={tid};exon_id={eid}")
            done = 0
            for s, e in cdss if strand == "+" else cdss[::-1]:
                phase = (3 - done % 3) % 3
                rows.append(f"{chrom}\tTOY\tCDS\t{s + 1}\t{e}\t.\t{strand}\t{phase}\tParent={tid}")
                done += e - s
    out = os.path.join(SAMPLE, "sacCer.toy_genes.gff3")
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
