"""demos/query_vcf.py reproduces the tutorial session (offline on the bundled yeast genome,
and with the tutorial's exact coordinates on the conformance mini genome when ../shared is present)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "demos", "query_vcf.py")

GT = """[[0 1 0]
 [0 1 0]
 [0 1 1]
 [1 0 2]
 [1 0 2]
 [1 0 3]
 [2 2 3]
 [2 2 3]
 [2 2 3]
 [3 0 3]]"""


def run(child_env, *args):
    env = child_env
    p = subprocess.run([sys.executable, DEMO, *args], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_demo_offline(child_env):
    out = run(child_env)
    assert "<VCFTable, len() = 10>" in out
    assert GT in out
    assert "[5, 6, 7]" in out  # index_of of the variants near variants[5]
    assert "[[1 0 3]\n [2 2 3]\n [2 2 3]]" in out
    assert "AF=0.09" in out and "(10, 3, 2)" in out
    assert "False True" in out  # read-only view with a base
    where = out.split("axis=1))\n", 1)[1].splitlines()[0]
    assert where.count("VCFVariant") == 4


def test_demo_tutorial_coordinates(shared_dir, tmp_path, child_env):
    data = os.path.join(shared_dir, "conformance", "data")
    if not os.path.exists(os.path.join(data, "hg19.mini.2bit")):
        pytest.skip("conformance data not available")
    out = run(child_env, "--genome", "hg19.mini", "--data-dir", data, "--workdir", str(tmp_path))
    assert GT in out
    assert (
        "[<VCFVariant hg19.mini:chr16:77330:A:C>, <VCFVariant hg19.mini:chr16:77517::G>, "
        "<VCFVariant hg19.mini:chr16:77570:A:C>]"
    ) in out
    assert "<VCFVariant hg19.mini:chr16:78606:TC:>" in out
