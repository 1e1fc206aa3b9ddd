"""``demo``: a tour of genome_kit on the sample data bundled with the package (offline, a few seconds).

Builds every kind of file from the bundled inputs in a temporary directory — the yeast assembly
(real S. cerevisiae chrI + chrII), a toy GENCODE-style annotation, a GC-content track and the
GenomeKit tutorial's 10-record VCF — and uses each: DNA, one-hot windows, annotation queries, a
variant genome, track reads and a VCF query.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time


def add_parser(sub, prog: str) -> None:
    p = sub.add_parser(
        "demo",
        help="run a short tour on the bundled sample data (offline)",
        description="A tour of genome_kit in a few seconds, offline: builds a yeast assembly, a small "
        "annotation, a track and a VCF from the sample data bundled with the package (in a temporary "
        "directory), then reads DNA, one-hot windows, genes, a variant genome, track values and VCF records, "
        "printing each call and its result.",
        epilog=f"examples:\n  {prog} demo\n  {prog} demo --keep ./demo-data   # keep the files it builds",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--keep",
        metavar="DIR",
        help="build the data files in DIR and keep them (default: a temporary directory)",
    )
    p.set_defaults(func=run)


def _timed(label: str, t0: float) -> None:
    print(f"   ({label} in {(time.perf_counter() - t0) * 1e3:.1f} ms)")


def run(args) -> int:
    keep = getattr(args, "keep", None)
    if keep:
        os.makedirs(keep, exist_ok=True)
        return _tour(keep)
    with tempfile.TemporaryDirectory() as tmp:
        return _tour(tmp)


def _tour(data: str) -> int:
    import numpy as np

    import genome_kit as gk
    from genome_kit import gk_data
    from genome_kit.data_manager import DefaultDataManager

    start = time.perf_counter()
    sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample_data")
    previous = gk_data.data_manager
    gk_data.data_manager = DefaultDataManager(data, bucket_name="")  # the demo is offline by design
    try:
        print("1. Build an assembly from FASTA (S. cerevisiae chrI + chrII, 1 Mbp, bundled)")
        t = time.perf_counter()
        paths = gk.build_assembly(os.path.join(sample, "sacCer.sample.fa.gz"), os.path.join(data, "sacCer"))
        print(f"   wrote {', '.join(os.path.basename(p) for p in paths)}")
        _timed("built", t)
        genome = gk.Genome("sacCer")
        size = genome.chromosome_size("chrII")
        print(f"   {genome!r}: chromosomes {genome.chromosomes}, chrII is {size:,} bp")

        print("2. DNA of an interval (0-based, end exclusive; reverse complement on '-')")
        iv = gk.Interval("chrI", "+", 1000, 1030, genome)
        print(f"   {iv!r}\n   +  {genome.dna(iv)}\n   -  {genome.dna(iv.as_negative_strand())}")

        print("3. One-hot model inputs: 100 windows of 1 kb in one call (filled in C++)")
        windows = [genome.interval("chrII", "+-"[k % 2], 8_000 * k, 8_000 * k + 1000) for k in range(100)]
        t = time.perf_counter()
        x = genome.one_hot(windows)
        dt = (time.perf_counter() - t) * 1e3
        print(f"   one_hot of {len(windows)} x 1 kb windows: {x.shape} {x.dtype} in {dt:.1f} ms")
        print(f"   GC fraction of those windows: {x[:, :, 1:3].sum() / x.sum():.3f}")

        print("4. Gene annotation from GFF3 (toy GENCODE-style genes on the yeast sequence, bundled)")
        t = time.perf_counter()
        gk.GenomeAnnotation.build_gencode(
            os.path.join(sample, "sacCer.toy_genes.gff3"), os.path.join(data, "sacCer.toy"), genome
        )
        _timed("built sacCer.toy.gkanno", t)
        anno = gk.Genome("sacCer.toy")
        print(f"   {len(anno.genes)} genes, {len(anno.transcripts)} transcripts, {len(anno.exons)} exons")
        gene = anno.genes.first_by_name("TOY1")
        print(f"   {gene!r} {gene.interval.as_ucsc()}:{gene.strand}")
        for tran in gene.transcripts:
            print(f"      {tran!r} ({tran.type}): {len(tran.exons)} exons, {len(tran.cdss)} CDS pieces")
        exon = gene.transcripts[0].exons[1]
        print(f"   exons overlapping {exon!r}: {anno.exons.find_overlapping(exon)}")
        acceptor = exon.end5.expand(8, 4)
        dna = anno.dna(acceptor)
        print(f"   acceptor of {exon!r}: {dna[:8].lower()}{dna[8:]} (intron ends in AG)")

        print("5. A variant genome: the same extraction code, with variants applied")
        window = gk.Interval("chrI", "+", 10010, 10017, genome)
        snv, deletion = genome.variant("chrI:10,013:A:T"), genome.variant("chrI:10,015:A:-")
        vg = gk.VariantGenome(genome, [snv, deletion])
        print(f"   variants {snv!r} and {deletion!r}")
        print(f"   reference {genome.dna(window)}   variant {vg.dna(window)}")
        print(f"   anchored at the 5' end (keeps the length): {vg.dna(window.with_anchor('5p'))}")

        print("6. A genome track: GC content of chrI in 100 bp bins, built and read back")
        t = time.perf_counter()
        n = genome.chromosome_size("chrI") // 100 * 100
        onehot = genome.one_hot([genome.interval("chrI", "+", 0, n)])[0]
        gc = onehot[:, 1:3].sum(axis=1).reshape(-1, 100).mean(axis=1).astype(np.float16)
        track_path = os.path.join(data, "gc.gtrack")
        with gk.GenomeTrackBuilder(track_path, "f16", "single_stranded", genome, resolution=100) as builder:
            builder.set_data(genome.interval("chrI", "+", 0, n), gc)
        _timed(f"built gc.gtrack, {os.path.getsize(track_path):,} bytes", t)
        with gk.GenomeTrack(track_path) as track:
            values = track(genome.interval("chrI", "+", 10000, 10500), np.float32)[::100, 0]
            print(f"   GC at chrI:10001-10500, every 100 bp: {[round(float(v), 2) for v in values]}")
            batch = track.batch([genome.interval("chrI", "+", s, s + 1000) for s in range(0, 200_000, 2000)])
            print(f"   batch read of 100 x 1 kb windows: {batch.shape} {batch.dtype}")

        print("7. A VCF (the GenomeKit tutorial's 10 records, on yeast chrI): convert once, query")
        vcf_path = shutil.copy(os.path.join(sample, "sacCer.tutorial.vcf"), data)
        t = time.perf_counter()
        vcf = gk.VCFTable.from_vcf(vcf_path, genome, info_ids=["AF"], fmt_ids=["GT", "AD"])
        _timed(f"converted to {os.path.basename(vcf.filename)}", t)
        near = vcf.find_within(vcf[5].expand(300, 300))
        print(f"   {vcf!r}; variants within 300 bp of {vcf[5]!r}:\n   {near}")
        gt = vcf.format("GT")
        rows = vcf.indices_of(near)
        print(f"   their genotypes (0 hom-ref, 1 het, 2 hom-alt, 3 missing): {gt[rows].tolist()}")
        deep = vcf.where(np.any(vcf.format("AD").sum(axis=2) >= 20, axis=1))
        print(f"   {len(deep)} variants with a sample of depth >= 20, AF of the 1st {float(deep[0].AF):.2f}")
        vcf.close()
    finally:
        gk_data.data_manager = previous
    print(f"Done in {time.perf_counter() - start:.2f} s. docs/quickstart.md walks through the same steps.")
    return 0
