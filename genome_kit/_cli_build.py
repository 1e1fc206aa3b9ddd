"""``build``: your own FASTA and/or GFF3/GTF into a data directory, ready for ``Genome(name)``.

python -m genome_kit build --assembly NAME --fasta FILE [--chrom-alias FILE]
python -m genome_kit build --assembly NAME --annotation FILE [--config NAME] [--format FORMAT]
python -m genome_kit build --assembly NAME --fasta FILE --annotation FILE ...   (both at once)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import warnings

FORMATS = ("auto", "gencode", "ensembl", "ncbi_refseq", "ucsc_refseq")
_ANNOTATION_EXTENSIONS = (".gz", ".gff3", ".gff", ".gtf", ".txt")


def add_parser(sub, prog: str) -> None:
    p = sub.add_parser(
        "build",
        help="build an assembly from FASTA and/or an annotation from GFF3/GTF into a data directory",
        description="Build your own assembly (from FASTA) and/or annotation (from GFF3/GTF) into the data "
        "directory: the assembly opens as gk.Genome(ASSEMBLY), the annotation as gk.Genome(CONFIG). With "
        "only --annotation, ASSEMBLY must already be in the data directory.",
        epilog=f"""examples:
  {prog} build --assembly myasm --fasta myasm.fa.gz
  {prog} build --assembly myasm --annotation genes.gtf.gz --config myasm.genes
  {prog} build --assembly hg38 --annotation gencode.v46.annotation.gff3.gz   # config gencode.v46.annotation
  {prog} build --assembly myasm --fasta myasm.fa.gz --chrom-alias myasm.chromAlias.txt --data-dir ./gkdata""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--assembly", required=True, metavar="NAME", help="assembly to build (with --fasta) or use"
    )
    p.add_argument("--fasta", metavar="FILE", help="FASTA(.gz) to build NAME.2bit + NAME.chrom.sizes from")
    p.add_argument(
        "--chrom-alias",
        metavar="FILE",
        help="chromosome alias table (UCSC chromAlias.txt layout) to install as NAME.chromAlias.txt",
    )
    p.add_argument(
        "--annotation",
        metavar="FILE",
        help="GENCODE/Ensembl GFF3 or GTF, NCBI RefSeq GFF3 (gzip ok), or a directory with UCSC "
        "refGene.txt + refLink.txt",
    )
    p.add_argument(
        "--config",
        metavar="NAME",
        help="name of the annotation (Genome(NAME) opens it); default: the annotation file's name without "
        "its extensions",
    )
    p.add_argument("--format", choices=FORMATS, default="auto", help="annotation format (default: detected)")
    p.add_argument(
        "--allow-unknown-biotypes",
        action="store_true",
        help="keep biotypes GENCODE, Ensembl and NCBI do not use (default: an error)",
    )
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where to write (default: the data directory, $GENOMEKIT_DATA_DIR or the per-user one)",
    )
    p.set_defaults(func=run)


def detect_format(path: str) -> str:
    """``ucsc_refseq`` for a directory, ``ncbi_refseq`` for NCBI's GFF3, else ``gencode`` (GENCODE, Ensembl,
    FlyBase and other GFF3/GTF)."""
    if os.path.isdir(path):
        return "ucsc_refseq"
    from ._io import open_binary

    stream, _ = open_binary(path)
    try:
        for n, raw in enumerate(stream):
            line = raw.decode("utf-8", "replace")
            if line.startswith("#"):
                if "NCBI" in line and line.startswith(("#!processor", "#!annotation-source")):
                    return "ncbi_refseq"
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 9 and ("Dbxref=GeneID:" in fields[8] and "ID=gene-" in fields[8]):
                return "ncbi_refseq"
            if n > 2000:
                break
    finally:
        stream.close()
    return "gencode"


def default_config(path: str) -> str:
    name = os.path.basename(os.path.normpath(path))
    while name.lower().endswith(_ANNOTATION_EXTENSIONS):
        name = name[: name.rfind(".")]
    return name


def run(args) -> int:
    import genome_kit as gk
    from genome_kit import gk_data
    from genome_kit.data_manager import check_filename

    if not (args.fasta or args.annotation):
        raise ValueError("nothing to build: give --fasta and/or --annotation")
    if args.chrom_alias and not args.fasta:
        raise ValueError("--chrom-alias goes with --fasta (it is installed beside the new assembly)")
    assembly = check_filename(args.assembly)
    directory = os.path.abspath(os.path.expanduser(args.data_dir or gk_data.data_dir))
    os.makedirs(directory, exist_ok=True)
    written = []

    if args.fasta:
        prefix = os.path.join(directory, assembly)
        written += gk.build_assembly(args.fasta, prefix)
        if args.chrom_alias:
            tmp = f"{prefix}.chromAlias.txt.tmp-{os.getpid()}"
            shutil.copyfile(args.chrom_alias, tmp)
            os.replace(tmp, f"{prefix}.chromAlias.txt")
            written.append(f"{prefix}.chromAlias.txt")

    with gk_data.local_files_first(directory):
        genome = gk.Genome(assembly)
        sizes = [genome.chromosome_size(c) for c in genome.chromosomes]
        plural = "" if len(sizes) == 1 else "s"
        summary = [f"assembly {assembly}: {len(sizes)} chromosome{plural}, {sum(sizes):,} bp"]
        if args.annotation:
            config = check_filename(args.config or default_config(args.annotation))
            if config == assembly:
                raise ValueError(
                    f"the annotation needs a name other than the assembly's ({assembly!r}): --config"
                )
            fmt = detect_format(args.annotation) if args.format == "auto" else args.format
            outfile = os.path.join(directory, config)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if fmt == "ucsc_refseq":
                    written += gk.GenomeAnnotation.build_ucsc_refseq(args.annotation, outfile, genome)
                else:
                    build = (
                        gk.GenomeAnnotation.build_ncbi_refseq
                        if fmt == "ncbi_refseq"
                        else gk.GenomeAnnotation.build_gencode
                    )
                    written += build(
                        args.annotation, outfile, genome, allow_unknown_biotypes=args.allow_unknown_biotypes
                    )
            for w in caught:
                print(f"warning: {w.message}", file=sys.stderr)
            anno = gk.GenomeAnnotation(written[-2], assembly, config)
            summary.append(
                f"annotation {config} ({fmt}) on {assembly}: {len(anno.genes):,} genes, "
                f"{len(anno.transcripts):,} transcripts, {len(anno.exons):,} exons"
            )
    for path in written:
        print(path)
    for line in summary:
        print(line, file=sys.stderr)
    if os.path.abspath(gk_data.data_dir) != directory:
        print(f"use it with GENOMEKIT_DATA_DIR={directory}", file=sys.stderr)
    return 0
