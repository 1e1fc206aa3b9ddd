"""Builders killed with SIGKILL half way: nothing half-written is ever opened,
and what a killed builder leaves (temporary files) is reclaimed by the next
build of the same output. Each test kills a real child process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest

import genome_kit as gk

TRACK_CHILD = """
import sys
import numpy as np
import genome_kit as gk
from genome_kit import gk_data
from genome_kit.data_manager import DefaultDataManager
gk_data.data_manager = DefaultDataManager(sys.argv[1])
g = gk.Genome("killasm")
n = int(sys.argv[3])
b = gk.GenomeTrackBuilder(sys.argv[2], "u8", "strand_unaware", g)
b.set_data(gk.Interval("chr1", "+", 0, n, g), (np.arange(n) % 251).astype(np.uint8))
b.finalize()
"""
ASSEMBLY_CHILD = "import sys, genome_kit as gk; gk.build_assembly(sys.argv[1], sys.argv[2])"
TRACK_BASES = 24_000_000
# `python -c` puts the working directory first on sys.path: never the repository root, whose
# genome_kit/ (unbuilt in CI) would shadow the installed package
CHILD_CWD = tempfile.gettempdir()


def leftovers(directory) -> list[str]:
    return sorted(n for n in os.listdir(directory) if ".tmp-" in n or ".spill" in n)


def kill_when(proc: subprocess.Popen, seen, timeout: float = 60.0) -> bool:
    """SIGKILLs `proc` as soon as `seen()` is true; False if it ended first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if seen():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.0005)
    proc.wait()
    return False


@pytest.fixture
def kill_dir(tmp_path):
    (tmp_path / "killasm.chrom.sizes").write_text(f"chr1\t{TRACK_BASES}\n")
    return tmp_path


def test_killed_track_build_leaves_nothing_the_next_build_keeps(kill_dir, child_env):
    out = str(kill_dir / "t.gtrack")
    args = [sys.executable, "-c", TRACK_CHILD, str(kill_dir), out, str(TRACK_BASES)]
    proc = subprocess.Popen(args, env=child_env, cwd=CHILD_CWD, stderr=subprocess.DEVNULL)
    # Killed while the output is being written: its temporary exists.
    assert kill_when(proc, lambda: any(".tmp-" in n for n in os.listdir(kill_dir))), "the build ended first"
    assert proc.returncode == -signal.SIGKILL
    assert not os.path.exists(out)
    left = leftovers(kill_dir)
    assert left and all(".tmp-" in n for n in left), left  # the spill file is unlinked from its creation

    subprocess.run(args[:-1] + ["1000"], env=child_env, cwd=CHILD_CWD, check=True)
    assert leftovers(kill_dir) == []  # the next build reclaimed the killed one's temporary
    assert os.path.getsize(out) > 0


def test_live_writers_temporaries_are_not_reclaimed(kill_dir, child_env):
    """Two builds of one output at once: the second must not delete the first's
    temporary (it is locked), so both succeed."""
    out = str(kill_dir / "t.gtrack")
    args = [sys.executable, "-c", TRACK_CHILD, str(kill_dir), out, str(TRACK_BASES)]
    first = subprocess.Popen(args, env=child_env, cwd=CHILD_CWD)
    deadline = time.monotonic() + 60
    while not any(".tmp-" in n for n in os.listdir(kill_dir)) and first.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.0005)
    subprocess.run(args[:-1] + ["1000"], env=child_env, cwd=CHILD_CWD, check=True)
    assert first.wait() == 0
    assert leftovers(kill_dir) == []


def test_killed_assembly_build_never_leaves_a_2bit_without_sizes(tmp_path, child_env):
    fasta = tmp_path / "big.fa"
    line = "ACGTTGCAACGGTTCA" * 4 + "\n"
    with open(fasta, "w") as f:
        for c in range(4):
            f.write(f">chr{c + 1}\n" + line * 60_000)
    prefix = str(tmp_path / "asm")
    twobit, sizes = prefix + ".2bit", prefix + ".chrom.sizes"
    proc = subprocess.Popen(
        [sys.executable, "-c", ASSEMBLY_CHILD, str(fasta), prefix], env=child_env, cwd=CHILD_CWD
    )
    broken = []

    def seen() -> bool:
        # The pair invariant, checked at every poll until the kill.
        if os.path.exists(twobit) and not os.path.exists(sizes):
            broken.append(True)
        return os.path.exists(sizes) or any(".tmp-" in n for n in os.listdir(tmp_path))

    kill_when(proc, seen)
    assert not broken, "a .2bit appeared before its .chrom.sizes"
    if os.path.exists(twobit):
        assert os.path.exists(sizes)
    subprocess.run(
        [sys.executable, "-c", ASSEMBLY_CHILD, str(fasta), prefix], env=child_env, cwd=CHILD_CWD, check=True
    )
    assert leftovers(tmp_path) == []
    dna = gk.GenomeDNA(twobit)
    assert dna.chromosome_length("chr4") == len(line.strip()) * 60_000


def test_killed_python_writer_temporary_is_reclaimed(tmp_path, child_env):
    """Writers that go through genome_kit._io.atomic_path (BED, bigWig, npz exports)."""
    out = str(tmp_path / "x.bed")
    child = (
        "import sys, time\n"
        "from genome_kit._io import atomic_path\n"
        "with atomic_path(sys.argv[1]) as tmp, open(tmp, 'w') as f:\n"
        "    f.write('half'); f.flush(); print('writing', flush=True); time.sleep(60)\n"
    )
    args = [sys.executable, "-c", child, out]
    proc = subprocess.Popen(args, env=child_env, cwd=CHILD_CWD, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "writing\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert leftovers(tmp_path) and not os.path.exists(out)
    from genome_kit._io import atomic_path

    with atomic_path(out) as tmp, open(tmp, "w") as f:
        f.write("done\n")
    assert leftovers(tmp_path) == []
    with open(out) as f:
        assert f.read() == "done\n"
