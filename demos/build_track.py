"""Build a .gtrack from a bedGraph (or from the genome's own GC content) and read it back.

Usage: python demos/build_track.py GENOME OUTPUT.gtrack [--bedgraph FILE [--minus FILE]]
           [--etype f16] [--resolution 1] [--gc-bin 100] [--region chr:start-end]

With ``--bedgraph`` the values of FILE (and ``--minus`` for the - strand, making a
strand_unaware track) are stored; without it the track holds the GC fraction of the
genome in bins of ``--gc-bin`` bases (a handy real signal with no input file). Then the
track is reopened and a window (``--region``, UCSC style, default the first 1000 bases
with data) is read on both strands, showing the 5'->3' order of reads on '-'.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

import genome_kit as gk


def gc_content(genome, bin_size: int):
    """(interval, float16 values) per chromosome: the GC fraction of each bin (N counts as 0)."""
    for chrom in genome.chromosomes:
        n = genome.chromosome_size(chrom) // bin_size * bin_size
        if n == 0:
            continue
        iv = genome.interval(chrom, "+", 0, n)
        x = genome.one_hot([iv])[0]
        yield iv, x[:, 1:3].sum(axis=1).reshape(-1, bin_size).mean(axis=1).astype(np.float16)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("genome", help="genome config (e.g. hg38.p14)")
    ap.add_argument("output", help="the .gtrack to write")
    ap.add_argument("--bedgraph", help="bedGraph of values (+ strand, or both when --minus is absent)")
    ap.add_argument("--minus", help="bedGraph of the - strand")
    ap.add_argument("--etype", default="f16", help="encoding (u1..u8, i8, f2..f8, f16, f32)")
    ap.add_argument("--resolution", type=int, default=None)
    ap.add_argument("--gc-bin", type=int, default=100, help="bin size of the GC track (no --bedgraph)")
    ap.add_argument("--region", help="window to read back, e.g. chrI:1001-2000")
    args = ap.parse_args(argv)

    genome = gk.Genome(args.genome)
    strandedness = "strand_unaware" if args.minus else "single_stranded"
    resolution = args.resolution or (1 if args.bedgraph else args.gc_bin)
    builder = gk.GenomeTrackBuilder(args.output, args.etype, strandedness, genome, resolution=resolution)
    with builder:
        builder.set_default_value(0)
        if args.bedgraph:
            builder.set_data_from_bedgraph(args.bedgraph, args.minus)
            source = os.path.basename(args.bedgraph)
        else:
            for iv, values in gc_content(genome, args.gc_bin):
                builder.set_data(iv, values)
            source = f"GC content in {args.gc_bin} bp bins"
    track = gk.GenomeTrack(args.output)
    print(f"wrote {args.output}: {source}, {track.etype}, {strandedness}, resolution {track.resolution},")
    print(f"  {len(track.intervals)} blocks, {os.path.getsize(args.output)} bytes")
    if args.region:
        window = gk.Interval.from_ucsc(args.region, "+", genome)
    else:
        first = track.intervals[0]
        window = genome.interval(first.chromosome, "+", first.start, first.start + 1000)
    plus = track(window)[:, 0]
    minus = track(window.as_opposite_strand())[:, 0]
    print(f"{window.as_ucsc()}: mean {float(plus.astype(np.float32).mean()):.4f}")
    print(f"  + first 5 values {plus[:5].tolist()}")
    print(f"  - first 5 values {minus[:5].tolist()} (5'->3' on -, so the + values reversed)")
    track.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
