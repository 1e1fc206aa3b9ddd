"""conda-recipe/meta.yaml stays in sync with pyproject.toml (conda-build is not needed to check it)."""

from __future__ import annotations

import os
import re

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
META = os.path.join(ROOT, "conda-recipe", "meta.yaml")

if not os.path.isfile(META):  # tests run from an unpacked wheel/sdist
    pytest.skip("no conda-recipe in this checkout", allow_module_level=True)

#: test extras that are lint tools or PyPI-only, not needed by `pytest` in the conda test environment
#: (the emulator tests importorskip gcp_storage_emulator; mypy and the docs-site tools run in CI from the
#: checkout, and tests/test_docs_site.py skips without them; pyhgvs2 is PyPI-only and tests/test_hgvs.py
#: importorskips it, as the liftover tests do agct; the loader's torch tests skip without torch)
#: (Ray is packaged for conda as ray-core/ray-data; tests/test_scale.py skips its Ray test without it)
NOT_IN_CONDA_TESTS = {
    "ruff", "clang-format", "gcp-storage-emulator", "mypy", "mkdocs", "mkdocstrings", "ray", "pyhgvs2",
    "torch", "agct",
}  # fmt: skip
#: extra packages the conda test environment needs (tests call `python -m pip`)
CONDA_TEST_ONLY = {"pip"}


def parse_meta(path: str) -> dict:
    """The recipe's sections as {section: {key: str | [str]}} (the subset of YAML the recipe uses)."""
    with open(path) as f:
        text = f.read()
    variables = dict(re.findall(r'{%\s*set\s+(\w+)\s*=\s*"([^"]*)"\s*%}', text))
    meta: dict[str, dict] = {}
    section = key = None
    for raw in text.splitlines():
        if raw.lstrip().startswith(("#", "{%")) or not raw.strip():
            continue
        line = re.sub(r"\s+#.*$", "", raw)
        line = re.sub(r"{{\s*(\w+)\s*}}", lambda m: variables.get(m.group(1), m.group(0)), line)
        indent = len(line) - len(line.lstrip())
        body = line.strip()
        if indent == 0:
            section = body.rstrip(":")
            meta[section] = {}
        elif indent == 2:
            key, _, value = body.partition(":")
            meta[section][key] = value.strip() if value.strip() and value.strip() != "|" else []
        elif body.startswith("- "):
            meta[section][key].append(body[2:].strip())
    return meta


def pypi_to_conda(requirement: str) -> str:
    requirement = requirement.split(";")[0].strip()  # environment markers: conda uses selectors
    name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    name = name.lower().replace("_", "-")
    return f"{name} {spec}".strip()


def names(requirements) -> set[str]:
    return {r.split()[0] for r in requirements}


@pytest.fixture(scope="module")
def both():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return parse_meta(META), tomllib.load(f)


def test_version_and_python(both):
    meta, pyproject = both
    assert meta["package"]["name"] == pyproject["project"]["name"]
    assert meta["package"]["version"] == pyproject["project"]["version"]
    python = f"python {pyproject['project']['requires-python']}"
    assert python in meta["requirements"]["host"] and python in meta["requirements"]["run"]


def test_run_requirements_match_dependencies(both):
    meta, pyproject = both
    run = [r for r in meta["requirements"]["run"] if not r.startswith("python")]
    assert sorted(run) == sorted(pypi_to_conda(r) for r in pyproject["project"]["dependencies"])


def test_host_requirements_match_build_system(both):
    meta, pyproject = both
    host = meta["requirements"]["host"]
    for requirement in pyproject["build-system"]["requires"]:
        assert pypi_to_conda(requirement) in host, requirement
    assert "pip" in host
    assert "cmake >=3.18" in meta["requirements"]["build"]  # CMakeLists.txt's cmake_minimum_required
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        assert "cmake_minimum_required(VERSION 3.18" in f.read()


def test_build_script_uses_scikit_build_core_through_pip(both):
    meta, pyproject = both
    assert pyproject["build-system"]["build-backend"] == "scikit_build_core.build"
    assert meta["build"]["script"].endswith("-m pip install . --no-deps --no-build-isolation -vv")


def test_test_section(both):
    meta, pyproject = both
    test = meta["test"]
    wanted = {pypi_to_conda(r) for r in pyproject["project"]["optional-dependencies"]["test"]}
    wanted = {r for r in wanted if r.split()[0] not in NOT_IN_CONDA_TESTS}
    assert set(test["requires"]) - {r for r in test["requires"] if r in CONDA_TEST_ONLY} == wanted
    assert names(test["requires"]) >= CONDA_TEST_ONLY
    assert {"genome_kit", "genome_kit._core"} <= set(test["imports"])
    assert "python -m genome_kit demo" in test["commands"]
    assert any(c.startswith("pytest tests") for c in test["commands"])
    assert {"tests", "pyproject.toml"} <= set(test["source_files"])
    for script, target in pyproject["project"]["scripts"].items():
        assert any(c.startswith(f"{script} ") for c in test["commands"]), script
        assert target == "genome_kit.__main__:main"


def test_parser_sees_the_whole_recipe(both):
    meta, _ = both
    assert set(meta) == {"package", "source", "build", "requirements", "test", "about"}
    assert meta["source"]["path"] == ".."
    assert meta["about"]["license"] == "Apache-2.0"
