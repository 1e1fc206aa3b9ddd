"""Regenerates genome_kit/_core.pyi from the built extension module (pybind11-stubgen), then tidies it.

    ./tools/dev_build.sh && PYTHONPATH=. python tools/make_stubs.py

The classes bound in C++ report ``__module__ == "genome_kit"`` (so that reprs and pickles name the public
package); for the stub they are re-homed in ``genome_kit._core`` so that the stub defines them instead of
importing them back from the package. The result is checked by ``tests/test_typing.py`` (every public name
of the module is in the stub) and by mypy in CI. Review the diff by hand: docstrings and a few hand-written
signatures (marked ``# hand``) are kept by the reviewer, not by this script.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    sys.path.insert(0, ROOT)
    import pybind11_stubgen

    import genome_kit._core as core

    local = []
    for name, obj in vars(core).items():
        if inspect.isclass(obj) and obj.__module__ == "genome_kit":
            obj.__module__ = "genome_kit._core"
            local.append(obj.__qualname__)
    with tempfile.TemporaryDirectory() as out:
        pybind11_stubgen.main(["genome_kit._core", "-o", out, "--numpy-array-use-type-var"])
        text = open(os.path.join(out, "genome_kit", "_core.pyi")).read()
    for name in sorted(set(local), key=len, reverse=True):
        text = re.sub(rf"\bgenome_kit\.(_core\.)?{name}\b", name, text)
    text = text.replace("genome_kit._core.", "")
    text = re.sub(r"^import genome_kit\n", "", text, flags=re.M)
    path = os.path.join(ROOT, "genome_kit", "_core.pyi")
    with open(path, "w") as f:
        f.write(text)
    subprocess.run([sys.executable, "-m", "ruff", "format", path], check=False)
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--unsafe-fixes", path], check=False)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
