"""Regenerates genome_kit/_core.pyi from the built extension module (pybind11-stubgen), then tidies it.

    ./tools/dev_build.sh && PYTHONPATH=. python tools/make_stubs.py

The classes bound in C++ report ``__module__ == "genome_kit"`` (so that reprs and pickles name the public
package); for the stub they are re-homed in ``genome_kit._core`` so that the stub defines them instead of
importing them back from the package. The result is checked by ``tests/test_typing.py`` (every public name
of the module is in the stub) and by mypy in CI. Return types pybind11 cannot see (properties returning
objects) are filled in from RETURNS below, and the types of methods bound as C method descriptors (whose
text signatures carry names only) from C_SIGNATURES; review the diff by hand.
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
    ("Transcript", "tags"): "list[str]",
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
    ("VCFVariant", "_row"): "int",
    ("VCFVariant", "_table_path"): "str",
}


TABLE_ROWS = {"Gene": "Gene", "Transcript": "Transcript", "Exon": "Exon", "Intron": "Intron", "Cds": "Cds"}


GETSTATE = re.compile(r"def __getstate__\(self\) -> tuple\[.*?\]:")
REDUCE = re.compile(r"    @staticmethod\n    def __reduce__\(v\):\s*\.\.\.")
ANY_TUPLE = "tuple[typing.Any, ...]"


def table_row(cls: str | None) -> str | None:
    """Row class of a table class (GeneTable -> Gene), else None."""
    if not cls or not cls.endswith("Table") or cls in ("_AnnoTable", "_VCFTable"):
        return None
    return TABLE_ROWS.get(cls[: -len("Table")], "Utr")


# Types of attributes that are C getset descriptors (invisible to stubgen), unless RETURNS says otherwise.
ATTR_TYPES = {
    "start": "int",
    "end": "int",
    "strand": "str",
    "chromosome": "str",
    "chrom": "str",
    "ref": "str",
    "alt": "str",
    "id": "str",
    "name": "str",
    "index": "int",
    "phase": "int",
}
FIND = ("overlapping", "within", "exact", "5p_within", "3p_within", "5p_aligned", "3p_aligned")
C_METHOD = re.compile(r"    @staticmethod\n    def (\w+)\(\*args, \*\*kwargs\):\s*\.\.\.\n")


def c_method(cls: str, name: str) -> str:
    """Signature of a method implemented as a C method descriptor (stubgen sees only *args, **kwargs)."""
    row = table_row(cls) or ("VCFVariant" if cls == "_VCFTable" else "typing.Any")
    if name.startswith("find_") and name[5:] in FIND:
        return f"    def {name}(self, interval: Interval) -> list[{row}]: ...\n"
    if name == "__getitem__":
        return f"    def __getitem__(self, key: typing.Any) -> {row}: ...\n"
    if name == "item":
        return f"    def item(self, row: int) -> {row}: ...\n"
    # Row classes (fast_rows.h): type slots mirrored as C methods.
    if name in ("__eq__", "__ne__"):
        return f"    def {name}(self, other: object) -> bool: ...\n"
    if name in ("__lt__", "__le__", "__gt__", "__ge__"):
        return f"    def {name}(self, other: typing.Any) -> typing.Any: ...\n"
    if name == "__hash__":
        return "    def __hash__(self) -> int: ...\n"
    if name in ("__repr__", "__str__"):
        return f"    def {name}(self) -> str: ...\n"
    if name == "__reduce__":
        return "    def __reduce__(self) -> tuple[typing.Any, ...]: ...\n"
    if name == "_same_table":
        return "    def _same_table(self, handle: _VCFTable) -> bool: ...\n"
    if name == "index_of":
        return "    def index_of(self, variant: VCFVariant) -> int: ...\n"
    return f"    def {name}(self, *args: typing.Any, **kwargs: typing.Any) -> typing.Any: ...\n"


# Typed signatures of the methods bound as C method descriptors with a text signature (fast_rows.h,
# fastcall.h): stubgen sees their parameter names but no types. name -> "(params) -> return"; every class
# deriving from Interval shares the Interval entries.
_IV = "(self, other: Interval) -> bool"
C_SIGNATURES = {
    "Interval": {
        "__contains__": _IV,
        "__eq__": "(self, other: object) -> bool",
        "__ne__": "(self, other: object) -> bool",
        "__lt__": _IV,
        "__le__": _IV,
        "__gt__": _IV,
        "__ge__": _IV,
        "__hash__": "(self) -> int",
        "__init__": (
            "(self, chromosome: str, strand: str, start: typing.SupportsIndex, end: typing.SupportsIndex, "
            "reference_genome: typing.Any, anchor: typing.Any = None, "
            "anchor_offset: typing.SupportsIndex = 0) -> None"
        ),
        "__len__": "(self) -> int",
        "__reduce_ex__": "(self, protocol: typing.SupportsIndex) -> tuple[typing.Any, ...]",
        "__repr__": "(self) -> str",
        "__str__": "(self) -> str",
        "as_dna0": "(self) -> tuple[int, int]",
        "as_negative_strand": "(self) -> Interval",
        "as_opposite_strand": "(self) -> Interval",
        "as_positive_strand": "(self) -> Interval",
        "as_ucsc": "(self) -> str",
        "center": "(self) -> int",
        "contains": _IV,
        "dnstream_of": _IV,
        "upstream_of": _IV,
        "overlaps": _IV,
        "within": _IV,
        "expand": (
            "(self, upstream: typing.SupportsIndex, "
            "downstream: typing.SupportsIndex | None = None) -> Interval"
        ),
        "is_positive_strand": "(self) -> bool",
        "shift": "(self, amount: typing.SupportsIndex) -> Interval",
    },
    "VariantGenome": {
        "__init__": "(self, reference_genome: typing.Any, variants: typing.Any) -> None",
        "dna": (
            "(self, interval: Interval, allow_outside_chromosome: bool = True, "
            "soft_mask: bool = False) -> str"
        ),
    },
    "GenomeDNA": {
        "__call__": (
            "(self, interval: Interval, allow_outside_chromosome: bool = True, "
            "soft_mask: bool = False) -> str"
        ),
    },
    "TrackFile": {
        "__call__": (
            "(self, interval: Interval, dtype: typing.Any = None, out: typing.Any = None, *, "
            "resolution: typing.SupportsIndex | None = None, aggregation: str = 'mean') "
            "-> numpy.typing.NDArray[typing.Any]"
        ),
    },
    "*": {"to_arrow": "(self) -> typing.Any", "to_pandas": "(self) -> typing.Any"},
}
UNTYPED_DEF = re.compile(r"(?m)^    def (\w+)\(self(?:, [^:()]*)?\)(?=:)")


def typed_c_signatures(core, cls: str, block: str) -> str:
    """Fills in C_SIGNATURES for the untyped methods (no annotation, no return type) of class `cls`."""
    obj = getattr(core, cls, None)
    table = dict(C_SIGNATURES["*"])
    for base in reversed(getattr(obj, "__mro__", ())):
        table.update(C_SIGNATURES.get(base.__name__, {}))
    table.update(C_SIGNATURES.get(cls, {}))

    def fill(m: re.Match) -> str:
        sig = table.get(m.group(1))
        return f"    def {m.group(1)}{sig}" if sig else m.group(0)

    return UNTYPED_DEF.sub(fill, block)


def getset_properties(core, cls: str, block: str) -> str:
    """Property stubs for the C getset descriptors of class `cls` that the block does not define."""
    import types

    obj = getattr(core, cls, None)
    if obj is None:
        return ""
    out = []
    for name, attr in vars(obj).items():
        if not isinstance(attr, (types.GetSetDescriptorType, types.MemberDescriptorType)):
            continue
        if re.search(rf"\n    def {name}\(self\)", block):
            continue
        kind = RETURNS.get((cls, name), ATTR_TYPES.get(name, "typing.Any"))
        doc = (attr.__doc__ or "").strip()
        body = f'\n        """\n        {doc}\n        """' if doc else " ..."
        out.append(f"    @property\n    def {name}(self) -> {kind}:{body}\n")
    if cls == "VCFVariant" and "def __getattr__" not in block:
        out.append("    def __getattr__(self, name: str) -> typing.Any: ...  # INFO / FORMAT fields\n")
    return "".join(out)


def refine(text: str, core) -> str:
    """Applies RETURNS, types every ``interval`` parameter as an Interval, and repairs what stubgen
    cannot express (C++ iterator types, C getset and method descriptors, methods patched in from Python)."""
    text = re.sub(r"\binterval: typing\.Any\b", "interval: Interval", text)
    text = GETSTATE.sub(f"def __getstate__(self) -> {ANY_TUPLE}:", text)
    text = REDUCE.sub(f"    def __reduce__(self) -> {ANY_TUPLE}: ...", text)
    text = text.replace("arg0: ...)", "arg0: typing.Any)")
    blocks = re.split(r"(?m)^(?=class \w+)", text)
    for k, block in enumerate(blocks):
        m = re.match(r"class (\w+)", block)
        if not m:
            continue
        cls = m.group(1)
        block = C_METHOD.sub(lambda mm, cls=cls: c_method(cls, mm.group(1)), block)
        block = typed_c_signatures(core, cls, block)
        extra = getset_properties(core, cls, block)
        if extra:
            block = block.rstrip("\n") + "\n" + extra + "\n"
        blocks[k] = block
    text = "".join(blocks)
    out, cls = [], None
    for line in text.splitlines(keepends=True):
        m = re.match(r"class (\w+)", line)
        if m:
            cls = m.group(1)
        row = table_row(cls)
        if row and line.startswith("    def __iter__(self) -> ...:"):
            line = line.replace("-> ...:", f"-> collections.abc.Iterator[{row}]:")
        if row and line.startswith("    def __iter__(self):"):
            line = line.replace("(self):", f"(self) -> collections.abc.Iterator[{row}]:")
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
    text = refine(text, core)
    path = os.path.join(ROOT, "genome_kit", "_core.pyi")
    with open(path, "w") as f:
        f.write(text)
    subprocess.run([sys.executable, "-m", "ruff", "format", path], check=False)
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--unsafe-fixes", path], check=False)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
