"""VCF normalisation (trim, left-align, split) checked against `bcftools norm -f ref.fa -m -any`,
read back by cyvcf2, on a genome full of repeats and records written every way VCF allows."""

from __future__ import annotations

import os
import random
import shutil
import subprocess

import numpy as np
import pytest
from vcf_util import row, write_vcf

import genome_kit as gk
from genome_kit import VCFTable

HEADER = """##fileformat=VCFv4.2
##contig=<ID=chrR,length={n}>
##INFO=<ID=AF,Number=A,Type=Float,Description="per ALT">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2
"""


def _repeat_genome(rng: random.Random, n: int) -> str:
    parts = ["AAAAAAA"]  # a repeat at the chromosome start (bcftools never moves onto base 1)
    while sum(map(len, parts)) < n:
        unit = "".join(rng.choice("ACGT") for _ in range(rng.choice([1, 1, 2, 3, 4])))
        parts.append(unit * rng.randint(1, 9))
        parts.append("".join(rng.choice("ACGT") for _ in range(rng.randint(1, 6))))
    return "".join(parts)[:n]


def _random_allele(rng: random.Random, seq: str, p: int, ref_len: int) -> str:
    """An ALT for REF = seq[p:p+ref_len]: an indel of a repeat unit, an MNP or a complex change,
    keeping REF's flanks so that trimming and left-alignment both have work to do."""
    ref = seq[p : p + ref_len]
    kind = rng.choice(["del", "ins", "ins", "mnp", "complex"])
    if kind == "del" and ref_len > 1:
        a = rng.randint(1, ref_len - 1)
        b = rng.randint(a, ref_len)
        alt = ref[:a] + ref[b:]
    elif kind in ("ins", "del"):
        unit = seq[p + 1 : p + 1 + rng.randint(1, 3)] or "A"
        cut = rng.randint(1, ref_len)
        alt = ref[:cut] + unit * rng.randint(1, 2) + ref[cut:]
    elif kind == "mnp":
        alt = "".join(c if rng.random() < 0.6 else rng.choice("ACGT") for c in ref)
    else:
        alt = ref[0] + "".join(rng.choice("ACGT") for _ in range(rng.randint(0, 4))) + ref[-1]
    return alt if alt and alt != ref else ref[0] + "T" + ref[1:]


@pytest.fixture(scope="module")
def repeats(data_dir):
    rng = random.Random(7)
    seq = _repeat_genome(rng, 4000)
    fasta = os.path.join(data_dir, "repeats.fa")
    with open(fasta, "w") as f:
        f.write(">chrR\n" + "\n".join(seq[i : i + 60] for i in range(0, len(seq), 60)) + "\n")
    gk.build_assembly(fasta, os.path.join(data_dir, "repeats"))
    return gk.Genome("repeats"), seq, fasta


def _records(seq: str, rng: random.Random, n: int) -> list[str]:
    rows = []
    for p in sorted(rng.sample(range(1, len(seq) - 12), n)):
        ref_len = rng.randint(1, 8)
        ref = seq[p : p + ref_len]
        alts = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            alt = _random_allele(rng, seq, p, ref_len)
            if alt not in alts:
                alts.append(alt)
        af = ",".join(f"0.{k + 1}" for k in range(len(alts)))
        gts = [f"{rng.randint(0, len(alts))}{rng.choice('/|')}{rng.randint(0, len(alts))}" for _ in range(2)]
        rows.append(row(p + 1, ref, ",".join(alts), info=f"AF={af}", chrom="chrR", s1=gts[0], s2=gts[1]))
    return rows


def _canonical(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """A normalised VCF allele pair without its padding base (first, or last at base 1)."""
    p = 0
    while p < min(len(ref), len(alt)) and ref[p] == alt[p]:
        p += 1
    ref, alt = ref[p:], alt[p:]
    s = 0
    while s < min(len(ref), len(alt)) and ref[len(ref) - 1 - s] == alt[len(alt) - 1 - s]:
        s += 1
    return pos - 1 + p, ref[: len(ref) - s], alt[: len(alt) - s]


def test_same_variants_and_values_as_bcftools_norm(repeats, tmp_path):
    bcftools = shutil.which("bcftools")
    if bcftools is None:
        pytest.skip("bcftools is not installed (Debian package bcftools)")
    cyvcf2 = pytest.importorskip("cyvcf2")
    genome, seq, fasta = repeats
    rows = _records(seq, random.Random(11), 600)
    path = write_vcf(tmp_path, "raw.vcf", rows, HEADER.format(n=len(seq)))
    normed = str(tmp_path / "normed.vcf")
    subprocess.run(
        [bcftools, "norm", "-f", fasta, "-m", "-any", "-o", normed, path], check=True, capture_output=True
    )
    want = []
    for v in cyvcf2.VCF(normed, gts012=False):
        assert len(v.ALT) == 1
        want.append((*_canonical(v.POS, v.REF, v.ALT[0]), round(v.INFO["AF"], 3), tuple(v.gt_types)))

    t = VCFTable.from_vcf(
        path, genome, info_ids=["AF"], fmt_ids=["GT"], cache=False
    )  # the defaults normalise
    gts = np.choose(t.format("GT"), [0, 1, 3, 2, 1, 1])  # our GT codes → cyvcf2's gt_types
    got = [
        (v.start, v.ref, v.alt, round(float(af), 3), tuple(g))
        for v, af, g in zip(t, t.info("AF"), gts, strict=True)
    ]
    assert len(got) == len(want) > 700
    assert sorted(got) == sorted(want)
    moved = sum(1 for r in rows if int(r.split("\t")[1]) - 1 > min(x[0] for x in got))
    assert moved  # the data exercises left-alignment


def test_left_alignment_examples(repeats, tmp_path):
    genome, seq, _ = repeats
    # seq starts with 7 A's: deleting or inserting an A anywhere in the run moves to after base 1.
    rows = [row(5, "AAA", "AA", chrom="chrR"), row(6, "AA", "AAA", chrom="chrR")]
    path = write_vcf(tmp_path, "run.vcf", rows, HEADER.format(n=len(seq)))
    t = VCFTable.from_vcf(path, genome, cache=False)
    assert [str(v) for v in t] == ["chrR:2:A:", "chrR:2::A"]
    # normalize=False only trims (shared suffix first, as bcftools): no sequence needed.
    t = VCFTable.from_vcf(path, genome, cache=False, normalize=False, validate=False)
    assert [str(v) for v in t] == ["chrR:5:A:", "chrR:6::A"]
