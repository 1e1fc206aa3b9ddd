"""Helpers shared by the benchmarks: timing, ratio tables, running code in the reference GenomeKit's venv."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
REFERENCE_PYTHON = os.environ.get("GK_REFERENCE_PYTHON", "/work/venv-ref/bin/python")


@contextlib.contextmanager
def scratch(prefix: str, keep: bool):
    """A new temporary work folder, removed at the end unless ``keep`` (then its path is printed)."""
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        yield work
    finally:
        if keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def rate(fn, n_items: int, min_seconds: float = 0.5, max_rounds: int = 50) -> float:
    """Items per second of fn() (which processes n_items), best of several rounds."""
    best = float("inf")
    spent, rounds = 0.0, 0
    while (spent < min_seconds or rounds < 2) and rounds < max_rounds:
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        best = min(best, dt)
        spent += dt
        rounds += 1
    return n_items / best


def run_reference(script: str, payload: dict, data_dir: str | None = None) -> dict | None:
    """Runs `script` (reads JSON from stdin, prints JSON) under the reference GenomeKit's interpreter,
    with GENOMEKIT_DATA_DIR set to `data_dir` if given."""
    if not os.path.exists(REFERENCE_PYTHON):
        print(f"  (reference GenomeKit not found at {REFERENCE_PYTHON}; set GK_REFERENCE_PYTHON)")
        return None
    env = dict(os.environ, GENOMEKIT_QUIET="1")
    if data_dir:
        env["GENOMEKIT_DATA_DIR"] = data_dir
    proc = subprocess.run(
        [REFERENCE_PYTHON, "-c", script], input=json.dumps(payload), capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        print(f"  (reference GenomeKit failed: {proc.stderr.strip().splitlines()[-1:]})")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def local_data_manager(gk, data_dir: str) -> None:
    """Makes genome_kit (ours or the reference) find files only in `data_dir`: never downloads."""
    from genome_kit import gk_data

    try:
        from genome_kit.data_manager import GKDataFileNotFoundError as NotFound
    except ImportError:
        NotFound = FileNotFoundError

    class LocalOnly(gk.DataManager):
        def __init__(self, d):
            self.data_dir = d

        def get_file(self, filename):
            p = os.path.join(self.data_dir, filename)
            if os.path.exists(p):
                return p
            try:
                raise NotFound(filename=filename, message=f"offline: {filename} is not in {self.data_dir}")
            except TypeError:
                raise NotFound(filename) from None

        def upload_file(self, filepath, filename, metadata=None):
            raise RuntimeError("offline")

        def list_available_genomes(self):
            return []

    gk_data.data_manager = LocalOnly(data_dir)


def table(title: str, unit: str, results: dict[str, float | None], ours: str = "genome_kit") -> None:
    """Prints one measurement for every library and each peer's ratio to ours (ours / peer)."""
    print(f"\n{title} [{unit}, higher is better]")
    base = results.get(ours)
    for name, value in results.items():
        if value is None:
            print(f"  {name:<28} {'n/a':>14}")
            continue
        ratio = "" if name.startswith(ours) or not base else f"  genome_kit is {base / value:,.1f}x"
        print(f"  {name:<28} {value:>14,.1f}{ratio}")


def machine() -> str:
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"
