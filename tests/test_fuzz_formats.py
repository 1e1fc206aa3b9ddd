"""A bounded, deterministic mutation sweep of every binary format through the
Python API (tools/fuzz_formats.py): each mutant must open and read cleanly or
raise an OSError naming the file; a signal, a hang, MemoryError,
UnicodeDecodeError or any other exception fails the test with the mutant's
index (reproduce it with ``tools/fuzz_formats.py --reproduce``). The long run
is documented in docs/formats.md."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

FUZZER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "fuzz_formats.py")
MUTANTS = 2000  # per format: a few seconds each


@pytest.mark.parametrize("fmt", ["2bit", "gkanno", "gtrack", "vcfbin"])
def test_mutants_give_oserror_or_clean_results(fmt, tmp_path, child_env):
    if not os.path.isfile(FUZZER):
        pytest.skip("tools/fuzz_formats.py is not in this checkout")
    cmd = [sys.executable, FUZZER, "--format", fmt, "--mutants", str(MUTANTS), "--workdir", str(tmp_path)]
    proc = subprocess.run(cmd, env=child_env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert f"{fmt}: {MUTANTS} mutants" in proc.stdout and ", 0 findings" in proc.stdout
