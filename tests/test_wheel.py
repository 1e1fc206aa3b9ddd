"""A wheel built with ``pip wheel .`` installs into a fresh virtual environment and works there, from outside
the source tree: the demo tour, the quickstart's executed examples, the console script, and type checking of
user code against the shipped stubs (PEP 561).

This compiles the package once (pip's isolated build; scikit-build-core keeps its CMake tree in
``build/<wheel tag>``, so a rerun on an unchanged checkout only relinks). Deselect with ``-m "not slow"``.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(*cmd, cwd, timeout=1800, env=None):
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def clean_env(venv: str) -> dict[str, str]:
    """The environment of a user who just activated the venv: no PYTHONPATH, no GENOMEKIT_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GENOMEKIT", "VIRTUAL_ENV"))}
    env["PATH"] = os.path.join(venv, "bin") + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = venv
    env["GENOMEKIT_QUIET"] = "1"
    env["GENOMEKIT_STORAGE_BUCKET"] = ""  # the sample data is local: the tests never reach the public bucket
    return env


@pytest.mark.slow
def test_wheel_in_fresh_venv(tmp_path):
    if not os.path.exists(os.path.join(ROOT, "pyproject.toml")):
        pytest.skip("not a source checkout")
    wheels, venv, work = tmp_path / "wheels", str(tmp_path / "venv"), tmp_path / "work"
    work.mkdir()

    sh(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-w", wheels, cwd=tmp_path)
    (wheel,) = glob.glob(str(wheels / "genome_kit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "genome_kit/_core.pyi",
        "genome_kit/py.typed",
        "genome_kit/sample_data/sacCer.sample.fa.gz",
        "genome_kit/recipes/hg38/gencode/v46/recipe.json",  # data-src's recipes ship in the package
    ):
        assert name in names, f"{name} is not in the wheel"
    recipes = glob.glob(os.path.join(ROOT, "data-src", "*", "*", "*", "recipe.json"))
    assert sum(n.startswith("genome_kit/recipes/") for n in names) == len(recipes)
    assert any(n.startswith("genome_kit/_core.") and n.endswith(".so") for n in names)
    assert not any(n.startswith(("tests/", "demos/", "benchmarks/", "src/")) for n in names)

    sh(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    py = os.path.join(venv, "bin", "python")
    env = clean_env(venv)
    sh(py, "-m", "pip", "install", "-q", wheel, cwd=work, env=env)

    # the installed package, not the checkout (-I: no PYTHONPATH, no cwd or script directory on sys.path)
    code = "import genome_kit as gk; print(gk.__file__, gk.__version__)"
    where = sh(py, "-I", "-c", code, cwd=work, env=env)
    assert where.startswith(os.path.join(venv, "lib")) and " 0.1.0" in where, where

    out = sh(os.path.join(venv, "bin", "genome-kit"), "demo", cwd=work, env=env)
    assert "4 genes, 7 transcripts, 19 exons" in out and "[[1, 0, 3], [2, 2, 3], [2, 2, 3]]" in out
    listed = sh(os.path.join(venv, "bin", "genome-kit"), "data", "build", "--list", cwd=work, env=env)
    assert len(listed.splitlines()) == len(recipes) and "hg38/gencode/v46" in listed

    quickstart = os.path.join(ROOT, "docs", "quickstart.md")
    doctest = textwrap.dedent(
        f"""
        import doctest, sys
        r = doctest.testfile({quickstart!r}, module_relative=False,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        print(r.attempted, r.failed)
        sys.exit(1 if r.failed or not r.attempted else 0)
        """
    )
    sh(py, "-I", "-c", doctest, cwd=work, env=env)

    pytest.importorskip("mypy")
    user = work / "user_code.py"
    user.write_text(
        textwrap.dedent(
            """
            import genome_kit as gk

            def acceptors(genome: gk.Genome) -> list[str]:
                out: list[str] = []
                for tran in genome.transcripts:
                    for exon in tran.exons[1:]:
                        out.append(genome.dna(exon.end5.expand(2, 0)))
                return out

            iv = gk.Interval("chr1", "+", 0, 10, "hg38")
            n: int = len(iv.expand(5, 5))
            bad: str = iv.start  # mypy must see the stub's int here
            """
        )
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-executable", py, "--no-incremental", str(user)],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "user_code.py:13:" in errors[0] and '"int"' in errors[0], proc.stdout
