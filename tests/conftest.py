"""Shared fixtures: a private data directory served by a real DefaultDataManager,
with small assemblies built from FASTA by genome_kit itself."""

from __future__ import annotations

import os

# Tests never reach the public data source by accident: local files only unless a test says otherwise
# (set before genome_kit is imported, and inherited by child processes).
os.environ.setdefault("GENOMEKIT_STORAGE_BUCKET", "")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from anno_util import build_annotation  # noqa: E402

import genome_kit as gk  # noqa: E402
from genome_kit import gk_data  # noqa: E402
from genome_kit.data_manager import DefaultDataManager  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
SAMPLE_FASTA = os.path.join(os.path.dirname(gk.__file__), "sample_data", "sacCer.sample.fa.gz")
SHARED = os.path.abspath(os.path.join(HERE, "..", "..", "shared"))

# A small synthetic assembly with hand-checkable sequence: chr1 has an N block
# and soft-masked (lower-case) bases, chr2 is plain.
TINY_FASTA = """>chr1
NNNNACGTacgtACGTacgtACGTacgtACGTacgtACGTacgt
>chr2
AACCTTTTACGTAAACCCGGGTTTACCGGAAATGGATTAA
"""
TINY_ALIASES = "# ucsc\tassembly\trefseq\nchr1\t1\tNC_000001.1\nchr2\t2\tNC_000002.1\nchr3\t3\tNC_000003.1\n"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """A data directory installed as the active data manager for the session."""
    path = str(tmp_path_factory.mktemp("gkdata"))
    previous = gk_data.data_manager
    gk_data.data_manager = DefaultDataManager(path, bucket_name="")
    cache = os.environ.get("GENOMEKIT_CACHE_DIR")
    os.environ["GENOMEKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("gkcache"))  # converted .dganno files
    yield path
    gk_data.data_manager = previous
    if cache is None:
        os.environ.pop("GENOMEKIT_CACHE_DIR", None)
    else:
        os.environ["GENOMEKIT_CACHE_DIR"] = cache


@pytest.fixture(scope="session")
def tiny(data_dir):
    """Genome "tiny": chr1 (44 bp, N block + soft mask), chr2 (40 bp); aliases 1/2/NC_."""
    fasta = os.path.join(data_dir, "tiny.fa")
    with open(fasta, "w") as f:
        f.write(TINY_FASTA)
    gk.build_assembly(fasta, os.path.join(data_dir, "tiny"))
    with open(os.path.join(data_dir, "tiny.chromAlias.txt"), "w") as f:
        f.write(TINY_ALIASES)
    return gk.Genome("tiny")


@pytest.fixture(scope="session")
def yeast(data_dir):
    """Genome "yeast": real S. cerevisiae chrI + chrII, the package's sample FASTA."""
    gk.build_assembly(SAMPLE_FASTA, os.path.join(data_dir, "yeast"))
    return gk.Genome("yeast")


@pytest.fixture(scope="session")
def patchy(data_dir):
    """Genome "patchy" and its FASTA text per chromosome: random bases with N runs (at chromosome
    ends too), soft-masked runs and IUPAC codes at odd offsets; chromosomes of 300007, 4099, 37 and
    1 bp. One-hot paths that read packed bases directly are checked against this text."""
    rng = np.random.default_rng(11)
    seqs = {}
    for name, n in [("p1", 300_007), ("p2", 4099), ("p3", 37), ("p4", 1)]:
        s = np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4, n)].copy()
        for _ in range(n // 3000 + 1):  # soft-masked runs
            a = int(rng.integers(0, n))
            s[a : a + int(rng.integers(1, 4000))] |= 32
        for _ in range(n // 5000 + 1):  # N runs of any length, including single bases
            a = int(rng.integers(0, n))
            s[a : a + int(rng.choice([1, 2, 3, 5, 17, 600, 9001]))] = ord("N")
        s[rng.integers(0, n, n // 10000 + 1)] = ord("R")  # stored as N in .2bit
        if n > 100:
            s[:7] = s[-3:] = ord("N")  # N at both chromosome ends
        seqs[name] = s.tobytes().decode()
    fasta = os.path.join(data_dir, "patchy.fa")
    with open(fasta, "w") as f:
        f.writelines(f">{c}\n{s}\n" for c, s in seqs.items())
    gk.build_assembly(fasta, os.path.join(data_dir, "patchy"))
    return gk.Genome("patchy"), seqs


@pytest.fixture(scope="session")
def gencode_v29(data_dir):
    """Genome "gc29": GENCODE v29 chr1 transcripts of tests/data/gencode_human.gtf.gz on a sequence-less
    GRCh38 chr1 assembly ("gc29_asm")."""
    with open(os.path.join(data_dir, "gc29_asm.chrom.sizes"), "w") as f:
        f.write("chr1\t248956422\n")
    return build_annotation(
        os.path.join(DATA, "gencode_human.gtf.gz"), data_dir, "gc29", gk.Genome("gc29_asm")
    )


@pytest.fixture(scope="session")
def shared_dir():
    """../shared (read-only real data); tests using it skip when it is absent."""
    if not os.path.isdir(SHARED):
        pytest.skip("../shared is not available")
    return SHARED


@pytest.fixture(scope="session")
def child_env():
    """Environment for Python subprocesses that must import the same genome_kit as the tests
    (the installed package in CI, the checkout in a developer build), never an unbuilt source tree."""
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(gk.__file__)))
    return dict(os.environ, PYTHONPATH=package_parent, GENOMEKIT_QUIET="1")
