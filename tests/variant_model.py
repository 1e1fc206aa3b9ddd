"""Brute-force model of variant application, written independently of the C++ core.

Every reference base and every inserted base is a token ``(base, position,
insertion_index)`` (index -1 for reference bases; an inserted base carries the
gap position of its insertion). Anchored windows are cut out of the token
stream around the anchor. Slow and obvious on purpose: the tests compare the
core against it.
"""

from __future__ import annotations

COMP = str.maketrans("ACGTN", "TGCAN")


def revcomp(s: str) -> str:
    return s.translate(COMP)[::-1]


def normalize(start: int, ref: str, alt: str) -> list[tuple[int, int, str]]:
    """The reference's rule: trim the common prefix; substitution + insertion/deletion of the rest."""
    p = 0
    while p < len(ref) and p < len(alt) and ref[p] == alt[p]:
        p += 1
    ref, alt, start = ref[p:], alt[p:], start + p
    c = min(len(ref), len(alt))
    out = []
    if c:
        out.append((start, c, alt[:c]))
    if len(alt) > len(ref):
        out.append((start + c, 0, alt[c:]))
    elif len(ref) > len(alt):
        out.append((start + c, len(ref) - len(alt), ""))
    return out


class Model:
    """Variants applied to one chromosome given as a str (``N`` outside it)."""

    def __init__(self, chrom_seq: str, variants):
        self.seq = chrom_seq
        self.ins: dict[int, str] = {}
        self.sub: dict[int, str] = {}
        self.deleted: set[int] = set()
        for v in variants:
            for st, rl, alt in normalize(v.start, v.ref, v.alt):
                if rl == 0:
                    self.ins[st] = alt
                elif alt:
                    for i in range(rl):
                        self.sub[st + i] = alt[i]
                else:
                    self.deleted.update(range(st, st + rl))

    def ref(self, x: int) -> str:
        return self.seq[x] if 0 <= x < len(self.seq) else "N"

    def base(self, x: int):
        return [] if x in self.deleted else [(self.sub.get(x, self.ref(x)), x, -1)]

    def ins_tokens(self, x: int):
        return [(b, x, i) for i, b in enumerate(self.ins.get(x, ""))]

    def tokens(self, s: int, e: int, anchor=None, off: int = 0):
        """Tokens of [s, e) in + orientation."""
        if anchor is None:
            out = []
            for x in range(s, e):
                out += self.ins_tokens(x) + self.base(x)
            return out
        a = anchor
        ins_a = self.ins_tokens(a)
        k = min(max(off, 0), len(ins_a))
        left = list(reversed(ins_a[:k]))  # read leftwards from the anchor
        x = a - 1
        while len(left) < max(a - s, 0) + 1 and x > a - 10**6:
            left += list(reversed(self.base(x))) + list(reversed(self.ins_tokens(x)))
            x -= 1
        right = ins_a[k:]
        x = a
        while len(right) < max(e - a, 0) + 1 and x < a + 10**6:
            right += self.base(x) + self.ins_tokens(x + 1)
            x += 1
        v = list(reversed(left)) + right
        n_left = len(left)
        return v[n_left - (a - s) : n_left + (e - a)]

    def oriented_tokens(self, s, e, strand, anchor=None, off=0):
        t = self.tokens(s, e, anchor, off)
        return t if strand == "+" else t[::-1]

    def dna(self, s, e, strand, anchor=None, off=0) -> str:
        t = "".join(b for b, _, _ in self.tokens(s, e, anchor, off))
        return t if strand == "+" else revcomp(t)

    def find_motif(self, s, e, strand, motif, mp, overlapping):
        """Hits as (position, anchor_offset), ascending."""
        toks = self.tokens(s, e)
        seq = "".join(t[0] for t in toks)
        motif = motif.upper()
        if strand == "-":
            motif, mp = revcomp(motif), len(motif) - mp
        hits = []
        i = seq.find(motif)
        while i >= 0:
            hits.append(gap_to_ref(toks, i + mp))
            i = seq.find(motif, i + (1 if overlapping else len(motif)))
        return hits


def gap_to_ref(tokens, j):
    """(position, offset) of the gap before token j: after an inserted base, that insertion;
    else the next base; at the end, after the last base."""
    if j > 0 and tokens[j - 1][2] >= 0:
        _, p, i = tokens[j - 1]
        return p, i + 1
    if j < len(tokens):
        _, p, i = tokens[j]
        return p, max(i, 0)
    _, p, _ = tokens[j - 1]
    return p + 1, 0


def window_tokens(model: Model, s: int, e: int, anchor=None, off: int = 0):
    """Tokens of an interval in + orientation (its anchored window if anchored)."""
    return model.tokens(s, e, anchor, off)


def find_run(haystack, needle) -> int:
    """Index of `needle` as a contiguous run in `haystack`, or -1 (tokens are unique)."""
    if not needle:
        return 0
    try:
        i = haystack.index(needle[0])
    except ValueError:
        return -1
    return i if haystack[i : i + len(needle)] == needle else -1


def spanning_ok(model: Model, result, x, y) -> tuple[bool, bool]:
    """(covers, minimal) for a Variant.spanning result, all given as (start, end, anchor, offset).

    covers: the result's anchored window holds the bases of x and of y (each as a contiguous run);
    minimal: dropping the first or the last base of the result would lose a base of x or y (None when x
    or y has no bases: a position cannot be checked through tokens).
    """
    s, e, a, k = result
    win = window_tokens(model, s, e, a, k)
    parts = [window_tokens(model, *iv) for iv in (x, y)]
    covers = all(find_run(win, p) >= 0 for p in parts)
    if not all(parts):
        return covers, None
    needed = {t for p in parts for t in p}
    frame = [iv for iv in (x, y) if iv[2] == a and iv[3] == k and iv[0] >= s and iv[1] <= e]
    # The frame interval's own span is never shrunk; beyond it, the end bases must be needed.
    fs, fe = (frame[0][0], frame[0][1]) if frame else (e, s)
    minimal = (s >= fs or (bool(win) and win[0] in needed)) and (e <= fe or (bool(win) and win[-1] in needed))
    return covers, minimal
