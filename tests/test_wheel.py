"""The README's two set-up commands, run exactly as README.md writes them, from the root of a fresh clone in
a fresh virtual environment; then the package they installed is checked from outside the source tree: its
files, the console script, the quickstart's executed examples, and type checking of user code against the
shipped stubs (PEP 561). Also: importing an unbuilt source tree says what to do.

The slow part compiles the package once (in the clone) and shares that one venv between the checks.
Deselect with ``-m "not slow"``.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "genome_kit")


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


def readme_commands() -> list[str]:
    """The one-line bash blocks of README.md's set-up section, in order (install + demo, install + test)."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    section = text.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"\*\*\d\..*?```bash\n([^\n]+)\n```", section, re.S)


def fresh_clone(dest: str) -> str:
    """What ``git clone`` of the working tree gives: its tracked and new unignored files (no build dir,
    no compiled module)."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, files.split("\0")):
        src = os.path.join(ROOT, name)
        if os.path.isfile(src):
            os.makedirs(os.path.join(dest, os.path.dirname(name)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, name))
    return dest


def test_unbuilt_source_tree_says_what_to_do(tmp_path):
    # python -m genome_kit from a checkout's root imports genome_kit/ without its compiled module
    unbuilt = shutil.ignore_patterns("_core.*.so", "__pycache__")
    shutil.copytree(PACKAGE, tmp_path / "genome_kit", ignore=unbuilt)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    for argv in (["-c", "import genome_kit"], ["-m", "genome_kit", "demo"]):
        proc = subprocess.run([sys.executable, *argv], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert proc.returncode == 1
        last = proc.stderr.strip().splitlines()[-1]
        assert last.startswith("ImportError: ") and "no compiled genome_kit._core" in last, proc.stderr
        assert "genome-kit" in last and "pip install ." in last and "circular" not in proc.stderr


@pytest.fixture(scope="module")
def readme_venv(tmp_path_factory):
    """Runs README commands 1 and 2 verbatim (bash, repository root of a fresh clone, fresh venv);
    returns (venv, their outputs). Command 2's ``pytest`` runs a small part of the suite
    (PYTEST_ADDOPTS): the whole suite would run this test again."""
    if not os.path.isdir(os.path.join(ROOT, ".git")) and not os.path.isfile(os.path.join(ROOT, ".git")):
        pytest.skip("not a git checkout")
    commands = readme_commands()
    assert len(commands) == 2, f"README.md set-up section: expected 2 bash one-liners, found {commands}"
    tmp = tmp_path_factory.mktemp("readme")
    clone, venv, work = fresh_clone(str(tmp / "clone")), str(tmp / "venv"), tmp / "work"
    work.mkdir()
    sh(sys.executable, "-m", "venv", venv, cwd=tmp)
    env = clean_env(venv)
    outputs = [sh("bash", "-c", commands[0], cwd=clone, env=env)]
    env2 = dict(env, PYTEST_ADDOPTS="-p no:cacheprovider tests/test_interval.py")
    outputs.append(sh("bash", "-c", commands[1], cwd=clone, env=env2))
    return venv, work, env, outputs


@pytest.mark.slow
def test_readme_commands_from_a_fresh_clone(readme_venv):
    _, _, _, (demo, tests) = readme_venv
    assert "4 genes, 7 transcripts, 19 exons" in demo and "[[1, 0, 3], [2, 2, 3], [2, 2, 3]]" in demo
    assert re.search(r"\b\d{2,} passed\b", tests) and "failed" not in tests, tests[-2000:]


@pytest.mark.slow
def test_installed_package_from_outside_the_checkout(readme_venv):
    venv, work, env, _ = readme_venv
    py = os.path.join(venv, "bin", "python")
    # the installed package, not the checkout (-I: no PYTHONPATH, no cwd or script directory on sys.path)
    code = "import genome_kit as gk; print(gk.__file__, gk.__version__)"
    where = sh(py, "-I", "-c", code, cwd=work, env=env)
    assert where.startswith(os.path.join(venv, "lib")) and " 0.1.0" in where, where

    listing = "import importlib.metadata as m; print('\\n'.join(str(f) for f in m.files('genome_kit')))"
    names = set(sh(py, "-I", "-c", listing, cwd=work, env=env).split())
    for name in (
        "genome_kit/_core.pyi",
        "genome_kit/py.typed",
        "genome_kit/sample_data/sacCer.sample.fa.gz",
        "genome_kit/recipes/hg38/gencode/v46/recipe.json",  # data-src's recipes ship in the package
    ):
        assert name in names, f"{name} is not installed"
    recipes = glob.glob(os.path.join(ROOT, "data-src", "*", "*", "*", "recipe.json"))
    assert sum(n.startswith("genome_kit/recipes/") for n in names) == len(recipes)
    assert any(n.startswith("genome_kit/_core.") and n.endswith(".so") for n in names)
    assert not any(n.startswith(("tests/", "demos/", "benchmarks/", "src/")) for n in names)

    out = sh(os.path.join(venv, "bin", "genome-kit"), "demo", cwd=work, env=env)
    assert "4 genes, 7 transcripts, 19 exons" in out
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
