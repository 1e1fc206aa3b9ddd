"""Synthetic UCSC chain files for the liftover tests: gaps on either side, reverse-strand chains and
duplications (two chains over the same source bases), with each chain's blocks known."""

from __future__ import annotations

import gzip
import random
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class SynthChain:
    score: int
    t_name: str
    t_size: int
    q_name: str
    q_size: int
    q_strand: str
    t_start: int
    q_start: int
    blocks: list[tuple[int, int, int]] = field(default_factory=list)  # (size, dt, dq); last dt = dq = 0

    @property
    def t_end(self) -> int:
        return self.t_start + sum(s + dt for s, dt, _ in self.blocks)

    @property
    def q_end(self) -> int:
        return self.q_start + sum(s + dq for s, _, dq in self.blocks)

    def text(self, ident: int) -> str:
        head = (
            f"chain {self.score} {self.t_name} {self.t_size} + {self.t_start} {self.t_end} "
            f"{self.q_name} {self.q_size} {self.q_strand} {self.q_start} {self.q_end} {ident}\n"
        )
        rows = [f"{s}\t{dt}\t{dq}" for s, dt, dq in self.blocks[:-1]] + [str(self.blocks[-1][0])]
        return head + "\n".join(rows) + "\n\n"


def random_chains(seed: int, n_chrom: int = 3, size: int = 3000) -> list[SynthChain]:
    """Per source chromosome a main chain covering most of it (gaps of 0-12 bases on either side), plus
    short chains elsewhere: some on the '-' strand, some duplicating bases the main chain aligns.
    Scores are unique so that a score names its chain."""
    rnd = random.Random(seed)
    chains: list[SynthChain] = []
    scores = iter(rnd.sample(range(1000, 10**9), 100 * n_chrom))
    for k in range(n_chrom):
        t_name, q_name = f"chr{k + 1}", f"chr{k + 1}"
        q_size = size + 200
        main = SynthChain(
            next(scores), t_name, size, q_name, q_size, "+" if k != 1 else "-", rnd.randrange(20), 50
        )
        t = main.t_start
        while True:
            s = rnd.randint(1, 60)
            if t + s + 25 >= size * 2 // 3:
                main.blocks.append((s, 0, 0))
                break
            dt, dq = rnd.choice(
                [(0, rnd.randint(1, 8)), (rnd.randint(1, 8), 0), (rnd.randint(1, 12), rnd.randint(1, 12))]
            )
            main.blocks.append((s, dt, dq))
            t += s + dt
        chains.append(main)
        for _ in range(rnd.randint(2, 4)):  # small chains, some on '-', some to another chromosome
            other = SynthChain(next(scores), t_name, size, f"chrU{k}", 900, rnd.choice("+-"), 0, 0)
            other.t_start = rnd.randrange(0, size - 200)
            other.q_start = rnd.randrange(0, 400)
            for _ in range(rnd.randint(1, 4)):
                other.blocks.append((rnd.randint(5, 40), rnd.randint(0, 6), rnd.randint(1, 6)))
            s, _, _ = other.blocks[-1]
            other.blocks[-1] = (s, 0, 0)
            if other.t_end > size or other.q_end > 900:
                continue
            chains.append(other)
    return chains


def write_chains(path: str, chains: list[SynthChain]) -> None:
    with open(path, "w") as f:
        for i, c in enumerate(chains, 1):
            f.write(c.text(i))


def sizes_text(chains: list[SynthChain], side: str) -> str:
    sizes = {}
    for c in chains:
        if side == "t":
            sizes[c.t_name] = c.t_size
        else:
            sizes[c.q_name] = c.q_size
    return "".join(f"{k}\t{v}\n" for k, v in sizes.items())


def read_chains(path: str) -> list[SynthChain]:
    """The chains of a UCSC chain file (plain or gzip)."""
    chains: list[SynthChain] = []
    with (gzip.open if path.endswith(".gz") else open)(path, "rt") as f:
        for line in f:
            x = line.split()
            if not x:
                continue
            if x[0] == "chain":
                chains.append(
                    SynthChain(int(x[1]), x[2], int(x[3]), x[7], int(x[8]), x[9], int(x[5]), int(x[10]))
                )
            else:
                chains[-1].blocks.append(
                    (int(x[0]), int(x[1]), int(x[2])) if len(x) == 3 else (int(x[0]), 0, 0)
                )
    return chains


class UcscRemap:
    """UCSC liftOver's rules for an interval, computed straight from the chains' blocks: an oracle that
    shares nothing with genome_kit's index."""

    def __init__(self, chains: list[SynthChain]) -> None:
        self.by_chrom: dict[str, list] = defaultdict(list)
        for c in chains:
            t, q, starts, ends, qs = c.t_start, c.q_start, [], [], []
            for size, dt, dq in c.blocks:
                if size:
                    starts.append(t)
                    ends.append(t + size)
                    qs.append(q)
                t, q = t + size + dt, q + size + dq
            self.by_chrom[c.t_name].append((c, starts, ends, qs, c.t_start, t))
        self._aligned: dict[tuple, list] = {}

    @staticmethod
    def _target(c: SynthChain, q: int) -> int:
        return q if c.q_strand == "+" else c.q_size - q

    def lift(self, chrom: str, start: int, end: int, strand: str, min_match: float):
        """``((chrom, start, end, strand), "")`` or ``(None, reason)``."""
        key = (chrom, start, end, strand)
        if key not in self._aligned:
            self._aligned[key] = self._align(*key)
        mapped, partial = [], 0
        for aligned, where in self._aligned[key]:
            if start == end or aligned >= min_match * (end - start):
                mapped.append(where)
            else:
                partial += 1
        if len(mapped) == 1:
            return mapped[0], ""
        if mapped:
            return None, "Duplicated in new"
        return None, ["Deleted in new", "Partially deleted in new"][
            partial
        ] if partial < 2 else "Split in new"

    def _align(self, chrom: str, start: int, end: int, strand: str) -> list:
        """Per chain aligning bases of [start, end) (or, when empty, holding the bases on both sides of it):
        how many, and the destination span from the first to the last."""
        out = []
        for c, starts, ends, qs, t_start, t_end in self.by_chrom.get(chrom, []):
            if t_end < start or t_start > end:
                continue
            i = bisect_right(ends, start)  # the first block ending after start
            out_strand = strand if c.q_strand == "+" else "-+"[strand == "-"]
            if start == end:
                if i < len(starts) and starts[i] < start:
                    p = self._target(c, qs[i] + start - starts[i])
                    out.append((0, (c.q_name, p, p, out_strand)))
                continue
            aligned, ends_q = 0, []
            for k in range(i, len(starts)):
                if starts[k] >= end:
                    break
                lo, hi = max(start, starts[k]), min(end, ends[k])
                aligned += hi - lo
                ends_q += [self._target(c, qs[k] + lo - starts[k]), self._target(c, qs[k] + hi - starts[k])]
            if aligned > 0:
                out.append((aligned, (c.q_name, min(ends_q), max(ends_q), out_strand)))
        return out
