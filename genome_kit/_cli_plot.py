"""``plot``: a region's tracks, transcripts, sequence and variants drawn to PNG, SVG or PDF."""

from __future__ import annotations

import argparse
import os
import re

from ._io import atomic_path

FORMATS = ("png", "svg", "pdf")
_REGION = re.compile(r"^(?P<chrom>[^:\s]+):(?P<start>[\d,]+)-(?P<end>[\d,]+)(?::(?P<strand>[+\-.]))?$")


def add_parser(sub, prog: str) -> None:
    p = sub.add_parser(
        "plot",
        help="draw tracks, transcripts and variants over a region to PNG, SVG or PDF",
        description="Draws stacked panels over a region: each track (one panel per dim and strand), "
        "the transcripts of the genome's annotation, optionally the DNA, with variants marked.",
        epilog=f"""examples:
  {prog} plot chr1:1,000,000-1,020,000 -g gencode.v46 -t signal.gtrack -o region.png
  {prog} plot BRCA1 -g gencode.v46 -v chr17:43045712:T:C --style compact -o brca1.svg""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "region",
        help="chrom:start-end (0-based, end exclusive, as Interval.from_str; commas allowed), "
        "or a gene name or id of the genome's annotation",
    )
    p.add_argument(
        "-g",
        "--genome",
        required=True,
        help="genome config: an annotation (its transcripts are drawn) or an assembly",
    )
    p.add_argument(
        "-t", "--track", action="append", default=[], metavar="FILE", help=".gtrack file (repeatable)"
    )
    p.add_argument(
        "-v",
        "--variant",
        action="append",
        default=[],
        metavar="VARIANT",
        help="variant to mark, e.g. chr1:1000:A:G",
    )
    p.add_argument(
        "--style", choices=("full", "compact"), default="full", help="transcript style (default full)"
    )
    p.add_argument("--no-transcripts", action="store_true", help="no transcript panel")
    p.add_argument("--sequence", action="store_true", help="add the DNA, one letter per base (up to 1000 bp)")
    p.add_argument(
        "--flank",
        type=float,
        default=0.1,
        metavar="FRACTION",
        help="around a gene: this fraction of its length each side (default 0.1)",
    )
    p.add_argument("--width", type=float, default=8.0, help="figure width in inches (default 8)")
    p.add_argument("--dpi", type=float, default=150, help="resolution of a PNG (default 150)")
    p.add_argument("--title", help="figure title (default: the region)")
    p.add_argument("-o", "--output", required=True, help="output file: .png, .svg or .pdf")
    p.set_defaults(func=run)


def region_interval(text: str, genome, flank: float):
    """The Interval of ``chrom:start-end[:strand]`` or of a gene (by name, then id) widened by ``flank``."""
    from .interval import Interval

    m = _REGION.match(text.strip())
    if m:
        chrom = m["chrom"]
        if chrom not in genome.chromosomes:
            raise ValueError(f"region {text!r}: no chromosome {chrom!r} in {genome.config}")
        start, end = int(m["start"].replace(",", "")), int(m["end"].replace(",", ""))
        size = genome.chromosome_size(chrom)
        if not 0 <= start < end <= size:
            raise ValueError(f"region {text!r}: need 0 <= start < end <= {size} (the length of {chrom})")
        return Interval(chrom, m["strand"] or "+", start, end, genome)
    gene = genome.genes.first_by_name(text)
    if gene is None:
        by_id = genome.genes.find_by_id(text)
        gene = by_id[0] if by_id else None
    if gene is None:
        raise KeyError(
            f"{text!r} is neither a region (chrom:start-end) nor a gene name or id in {genome.config}"
        )
    pad = max(int((gene.end - gene.start) * flank), 1)
    size = genome.chromosome_size(gene.chromosome)
    return Interval(gene.chromosome, gene.strand, max(0, gene.start - pad), min(size, gene.end + pad), genome)


def run(args) -> int:
    from . import plot as gkp
    from .genome import Genome
    from .genome_track import GenomeTrack

    fmt = os.path.splitext(args.output)[1].lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"output {args.output!r}: the name must end in .png, .svg or .pdf")
    genome = Genome(args.genome)
    interval = region_interval(args.region, genome, args.flank)
    components: list = []
    if args.track:
        components.append(gkp.Tracks([GenomeTrack(path) for path in args.track]))
    if args.sequence:
        components.append(gkp.Sequence(genome))
    if not args.no_transcripts and genome.config != genome.refg:
        components.append(gkp.TranscriptAnnotation(genome, style=args.style))
    if not components:
        raise ValueError(
            f"nothing to draw: {genome.config} is an assembly without transcripts; give --track files"
        )
    annotations = [gkp.VariantAnnotation([genome.variant(v) for v in args.variant])] if args.variant else []
    title = (
        args.title if args.title is not None else f"{interval.chromosome}:{interval.start:,}-{interval.end:,}"
    )
    fig = gkp.plot(
        components, interval, annotations=annotations, fig_width=args.width, title=title, dpi=args.dpi
    )
    with atomic_path(args.output, f".{fmt}") as tmp:
        fig.savefig(tmp, format=fmt)
    print(args.output)
    return 0
