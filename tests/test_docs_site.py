"""The documentation site builds without a warning (mkdocs --strict: every page in the navigation, every
link and anchor resolves, every API reference target exists). Skipped when the docs tools are absent."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_mkdocs_build_strict(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings_handlers.python")
    if not os.path.exists(os.path.join(ROOT, "mkdocs.yml")):
        pytest.skip("not a source checkout")
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    api = (site / "api" / "annotations" / "index.html").read_text()
    assert "find_overlapping" in api and "genome_kit._core.ExonTable" in api  # members from the stubs
    quickstart = (site / "quickstart" / "index.html").read_text()
    assert "VariantGenome" in quickstart and "neg.gtrack" in quickstart
