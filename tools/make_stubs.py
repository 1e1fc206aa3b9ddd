"""Regenerates genome_kit/_core.pyi from the built extension module (pybind11-stubgen), then tidies it.

    ./tools/dev_build.sh && PYTHONPATH=. python tools/make_stubs.py

The classes bound in C++ report ``__module__ == "genome_kit"`` (so that reprs and pickles name the public
package); for the stub they are re-homed in ``genome_kit._core`` so that the stub defines them instead of
importing them back from the package. The result is checked by ``tests/test_typing.py`` (every public name
of the module is in the stub) and by mypy in CI. Return types pybind11 cannot see (properties returning
objects) are filled in from RETURNS below; review the diff by hand.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Return types pybind11 cannot know (properties returning py::object): (class, attribute) -> type.
RETURNS = {
    ("Gene", "transcripts"): "list[Transcript]",
    ("Gene", "trans"): "list[Transcript]",
    ("Gene", "level"): "int | None",
    ("Gene", "type"): "str | None",
    ("Transcript", "gene"): "Gene",
    ("Transcript", "exons"): "list[Exon]",
    ("Transcript", "introns"): "list[Intron]",
    ("Transcript", "intrs"): "list[Intron]",
    ("Transcript", "cdss"): "list[Cds]",
    ("Transcript", "utr5s"): "list[Utr]",
    ("Transcript", "utr3s"): "list[Utr]",
    ("Transcript", "level"): "int | None",
    ("Transcript", "tsl"): "int | None",
    ("Transcript", "type"): "str | None",
    ("Transcript", "ccds_id"): "str | None",
    ("Transcript", "protein_id"): "str | None",
    ("Transcript", "product"): "str | None",
    ("Exon", "id"): "str | None",
    ("Exon", "cds"): "Cds | None",
    ("Exon", "utr5"): "Utr | None",
    ("Exon", "utr3"): "Utr | None",
    ("Exon", "next_exon"): "Exon | None",
    ("Exon", "prev_exon"): "Exon | None",
    ("Exon", "next_intron"): "Intron | None",
    ("Exon", "prev_intron"): "Intron | None",
    ("Exon", "tran"): "Transcript",
    ("Exon", "transcript"): "Transcript",
    ("Intron", "next_exon"): "Exon",
    ("Intron", "prev_exon"): "Exon",
    ("Intron", "next_intron"): "Intron | None",
    ("Intron", "prev_intron"): "Intron | None",
    ("Intron", "tran"): "Transcript",
    ("Intron", "transcript"): "Transcript",
    ("Cds", "exon"): "Exon",
    ("Cds", "next_cds"): "Cds | None",
    ("Cds", "prev_cds"): "Cds | None",
    ("Cds", "tran"): "Transcript",
    ("Cds", "transcript"): "Transcript",
    ("Utr", "exon"): "Exon",
    ("Utr", "next_utr"): "Utr | None",
    ("Utr", "prev_utr"): "Utr | None",
    ("Utr", "tran"): "Transcript",
    ("Utr", "transcript"): "Transcript",
}


TABLE_ROWS = {"Gene": "Gene", "Transcript": "Transcript", "Exon": "Exon", "Intron": "Intron", "Cds": "Cds"}


GETSTATE = re.compile(r"def __getstate__\(self\) -> tuple\[.*?\]:")
REDUCE = re.compile(r"    @staticmethod\n    def __reduce__\(v\):\s*\.\.\.")
ANY_TUPLE = "tuple[typing.Any, ...]"


def table_row(cls: str | None) -> str | None:
    """Row class of a table class (GeneTable -> Gene), else None."""
    if not cls or not cls.endswith("Table") or cls == "_AnnoTable":
        return None
    return TABLE_ROWS.get(cls[: -len("Table")], "Utr")


def refine(text: str) -> str:
    """Applies RETURNS, types every ``interval`` parameter as an Interval, and repairs what stubgen
    cannot express (C++ iterator types, methods patched in from Python)."""
    text = re.sub(r"\binterval: typing\.Any\b", "interval: Interval", text)
    text = GETSTATE.sub(f"def __getstate__(self) -> {ANY_TUPLE}:", text)
    text = REDUCE.sub(f"    def __reduce__(self) -> {ANY_TUPLE}: ...", text)
    text = text.replace("arg0: ...)", "arg0: typing.Any)")
    out, cls = [], None
    for line in text.splitlines(keepends=True):
        m = re.match(r"class (\w+)", line)
        if m:
            cls = m.group(1)
        row = table_row(cls)
        if row and line.startswith("    def __iter__(self) -> ...:"):
            line = line.replace("-> ...:", f"-> collections.abc.Iterator[{row}]:")
        if row and line.startswith("    def __getitem__(self, arg0: typing.Any) -> typing.Any:"):
            line = line.replace("-> typing.Any:", f"-> {row}:")
        m = re.match(r"(    def (\w+)\(self\) -> )(?:typing\.Any|list)(:.*)", line, re.S)
        if m and (cls, m.group(2)) in RETURNS:
            line = f"{m.group(1)}{RETURNS[(cls, m.group(2))]}{m.group(3)}"
        out.append(line)
    return "".join(out)


def main() -> int:
    sys.path.insert(0, ROOT)
    import pybind11_stubgen

    import genome_kit._core as core

    local = []
    for obj in vars(core).values():
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
    text = refine(text)
    path = os.path.join(ROOT, "genome_kit", "_core.pyi")
    with open(path, "w") as f:
        f.write(text)
    subprocess.run([sys.executable, "-m", "ruff", "format", path], check=False)
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--unsafe-fixes", path], check=False)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
