"""Synthetic UCSC chain files for the liftover tests: gaps on either side, reverse-strand chains and
duplications (two chains over the same source bases), with each chain's blocks known."""

from __future__ import annotations

import random
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
        pass
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
