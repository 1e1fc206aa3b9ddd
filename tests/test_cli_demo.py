"""``genome-kit demo`` (README command 1) tours every area offline, fast, on the bundled data."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def test_demo_command(child_env, tmp_path):
    env = dict(child_env)
    env.pop("GENOMEKIT_DATA_DIR", None)
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "genome_kit", "demo", "--keep", str(tmp_path / "data")],
        cwd=tmp_path,  # never the checkout: the package under test is the one child_env points at
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.perf_counter() - t
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert elapsed < 10, f"the demo took {elapsed:.1f} s"
    for step in range(1, 8):
        assert f"\n{step}. " in "\n" + out
    assert "+  TACAATTATATCTTATTTCCATTCCCATAT" in out  # chrI:1001-1030 of the real yeast sequence
    assert "-  ATATGGGAATGGAAATAAGATATAATTGTA" in out
    assert "one_hot of 100 x 1 kb windows: (100, 1000, 4) uint8" in out  # also checked by test_docker.py
    assert "4 genes, 7 transcripts, 19 exons" in out
    assert "reference GGATATA   variant GGTTTA" in out and "GGTTTAC" in out
    assert "batch read of 100 x 1 kb windows: (100, 1000, 1) float16" in out
    assert "[[1, 0, 3], [2, 2, 3], [2, 2, 3]]" in out
    assert "4 variants with a sample of depth >= 20" in out
    assert sorted(os.listdir(tmp_path / "data")) == [
        "gc.gtrack",
        "sacCer.2bit",
        "sacCer.chrom.sizes",
        "sacCer.toy.cfg",
        "sacCer.toy.gkanno",
        "sacCer.tutorial.vcf",
        "sacCer.tutorial.vcf.bin",
    ]
