"""Every >>> example in docs/*.md runs and prints what the page shows."""

from __future__ import annotations

import doctest
import glob
import os

import pytest

from genome_kit import gk_data

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs")
PAGES = sorted(glob.glob(os.path.join(DOCS, "*.md")))


@pytest.mark.parametrize("page", PAGES, ids=os.path.basename)
def test_doc_examples(page):
    saved = gk_data.data_manager
    try:
        result = doctest.testfile(
            page,
            module_relative=False,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
            raise_on_error=False,
            verbose=False,
        )
    finally:
        gk_data.data_manager = saved
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {page}"
