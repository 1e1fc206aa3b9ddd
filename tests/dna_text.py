"""DNA and one-hot computed from FASTA text alone: the independent reference for the paths that read
packed .2bit bases directly (Genome.dna, Genome.one_hot, WindowLoader)."""

from __future__ import annotations

import re

import numpy as np


def text_dna(seqs: dict, iv, soft_mask: bool = False) -> str:
    """The sequence of an interval of the chromosome texts `seqs`: N outside the chromosome and for any
    letter but ACGT (either case), upper case unless soft_mask, reverse complement on '-'."""
    s = seqs[iv.chromosome]
    lo, hi = max(iv.start, 0), min(iv.end, len(s))
    inside = s[lo:hi] if hi > lo else ""
    text = "N" * (min(lo, iv.end) - iv.start) + inside + "N" * (iv.end - max(hi, iv.start))
    assert len(text) == len(iv)
    text = re.sub("[^ACGTacgt]", "N", text if soft_mask else text.upper())
    if iv.strand == "-":
        text = text[::-1].translate(str.maketrans("ACGTacgt", "TGCAtgca"))
    return text


def text_one_hot(seqs: dict, iv) -> np.ndarray:
    """(L, 4) uint8 one-hot of text_dna: N is all zeros."""
    text = text_dna(seqs, iv).encode()
    return (np.frombuffer(text, np.uint8)[:, None] == np.frombuffer(b"ACGT", np.uint8)).astype(np.uint8)
