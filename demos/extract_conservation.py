"""Per-exon summaries of a numeric track (conservation scores, coverage...) over a transcript.

Usage: python demos/extract_conservation.py CONFIG TRACK.gtrack [TRANSCRIPT_ID ...] [--flank 0]

For each exon of the transcripts (default: the first protein-coding transcript), reads the
track over the exon (plus ``--flank`` bases each side) in 5'->3' order and prints its mean,
minimum and maximum, then the mean over the spliced transcript. Build a track with
``demos/build_track.py`` (e.g. from a phyloP bedGraph).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import genome_kit as gk


def exon_values(track, exon, flank: int = 0) -> np.ndarray:
    """Track values of the exon (and flanks), 5'->3', as float32 of shape (len, dim)."""
    return track(exon.expand(flank, flank), np.float32)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config", help="annotation config (e.g. gencode.v41)")
    ap.add_argument("track", help="a .gtrack on the same assembly")
    ap.add_argument("transcripts", nargs="*", metavar="TRANSCRIPT_ID")
    ap.add_argument("--flank", type=int, default=0)
    args = ap.parse_args(argv)

    genome = gk.Genome(args.config)
    track = gk.GenomeTrack(args.track)
    if args.transcripts:
        trans = [genome.transcripts[t] for t in args.transcripts]
    else:
        trans = [next(t for t in genome.transcripts if t.type == "protein_coding")]
    for tran in trans:
        print(f"{tran!r} {tran.interval.as_ucsc()}:{tran.strand}")
        spliced = []
        for exon in tran.exons:
            x = exon_values(track, exon, args.flank)
            spliced.append(x)
            print(f"  {exon!r}\tlen {len(x)}\tmean {x.mean():.4f}\tmin {x.min():.4f}\tmax {x.max():.4f}")
        print(f"  spliced mean {np.concatenate(spliced).mean():.4f}")
    track.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
