"""The gallery of docs/plots.md is current: the page's examples draw the figures, and each must match
the committed image in docs/img/ within a small tolerance (a missing glyph, panel or label does not
pass). Another matplotlib release than the one that drew the committed images (named in their PNG
metadata) may anti-alias text differently: the tolerance is then wider.

After a deliberate change of the pictures: ``GENOME_KIT_UPDATE_GALLERY=1 pytest tests/test_plot_gallery.py``
rewrites docs/img/plot_*.png from the page (then look at them and commit them)."""

from __future__ import annotations

import doctest
import os
import re
import shutil

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

from genome_kit import gk_data  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
PAGE = os.path.join(DOCS, "plots.md")
IMG = os.path.join(DOCS, "img")
#: RMS of the pixel differences (0-255): one transcript fewer scores ~10, a CDS colour 6% darker ~1.5
TOLERANCE = 1.0
TOLERANCE_OTHER_MATPLOTLIB = 5.0


def tolerance(committed: str) -> float:
    """TOLERANCE when the running matplotlib has the major.minor version that drew ``committed``."""
    import matplotlib
    from PIL import Image

    with Image.open(committed) as png:
        made_by = re.search(r"version\s*(\d+\.\d+)", png.info.get("Software", ""))
    same = made_by is not None and matplotlib.__version__.startswith(made_by.group(1) + ".")
    return TOLERANCE if same else TOLERANCE_OTHER_MATPLOTLIB


def rendered_gallery() -> str:
    """Runs the page's examples; returns the directory they saved the figures in."""
    with open(PAGE) as f:
        text = f.read()
    test = doctest.DocTestParser().get_doctest(text, {}, "plots.md", PAGE, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    saved = gk_data.data_manager
    try:
        runner.run(test, clear_globs=False)
    finally:
        gk_data.data_manager = saved
    assert runner.failures == 0, f"{runner.failures} examples of {PAGE} failed"
    return test.globs["gallery"]


def test_gallery_images_are_current():
    from matplotlib.testing.compare import compare_images

    with open(PAGE) as f:
        shown = re.findall(r"\]\(img/(plot_\w+\.png)\)", f.read())
    gallery = rendered_gallery()
    try:
        assert sorted(os.listdir(gallery)) == sorted(shown), "every figure drawn is shown, and only those"
        if os.environ.get("GENOME_KIT_UPDATE_GALLERY"):
            for name in shown:
                shutil.copyfile(os.path.join(gallery, name), os.path.join(IMG, name))
        for name in shown:
            committed = os.path.join(IMG, name)
            assert os.path.exists(committed), f"{committed} is missing (GENOME_KIT_UPDATE_GALLERY=1: written)"
            assert os.path.getsize(committed) < 60_000, f"{name}: keep gallery images small"
            diff = compare_images(committed, os.path.join(gallery, name), tol=tolerance(committed))
            assert diff is None, f"{name} differs from what docs/plots.md draws: {diff}"
    finally:
        shutil.rmtree(os.path.dirname(gallery), ignore_errors=True)  # the page's whole data directory
