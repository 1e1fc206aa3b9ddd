#!/usr/bin/env python3
"""Build the data files of one recipe of this tree with the installed genome_kit.

    python data-src/build.py <assembly>/<source>/<version> OUTPUT_DIR [options]
    python data-src/build.py hg19.p13.plusMT/assembly OUTPUT_DIR          (GenomeKit's spellings)
    python data-src/build.py --list

The same as ``genome-kit data build`` (the recipes ship in the package), reading the recipes next
to this file, so a checkout (or this folder mounted into a container) builds what it holds.
See ``docs/data-build.md``.
"""

import os
import sys

try:
    from genome_kit._data_build import main
except ImportError as e:  # pragma: no cover - depends on the environment
    sys.exit(f"data-src/build.py needs genome_kit installed (pip install genome_kit): {e}")

if __name__ == "__main__":
    sys.exit(main(recipes=os.path.dirname(os.path.abspath(__file__))))
