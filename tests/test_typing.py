"""The package ships type information: py.typed and a stub of the compiled module that names everything
the module defines (so a new binding without a stub entry fails here; regenerate with tools/make_stubs.py)."""

from __future__ import annotations

import ast
import inspect
import os

import genome_kit
from genome_kit import _core

PKG = os.path.dirname(os.path.abspath(genome_kit.__file__))


def stub_names() -> dict[str, set[str]]:
    """Top-level names of _core.pyi -> member names (empty for functions and constants)."""
    with open(os.path.join(PKG, "_core.pyi")) as f:
        tree = ast.parse(f.read())
    names: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = {
                n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = set()
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = set()
        elif isinstance(node, ast.Assign):
            names.update({t.id: set() for t in node.targets if isinstance(t, ast.Name)})
    return names


def test_py_typed_and_stub_are_installed():
    assert os.path.exists(os.path.join(PKG, "py.typed"))
    assert os.path.exists(os.path.join(PKG, "_core.pyi"))


def test_stub_covers_the_compiled_module():
    stub = stub_names()
    for name, obj in vars(_core).items():
        if name.startswith("__"):
            continue
        if inspect.isclass(obj) and obj.__name__ != name:  # an alias of another class (_Utr3Table)
            continue
        assert name in stub, f"_core.{name} is missing from _core.pyi (run tools/make_stubs.py)"
        if inspect.isclass(obj) and obj.__module__.startswith("genome_kit"):
            own = {m for m in vars(obj) if not m.startswith("__") and callable(getattr(obj, m, None))}
            own = {m for m in own if not isinstance(inspect.getattr_static(obj, m), property)}
            missing = own - stub[name] - {"_pybind11_conduit_v1_"}
            assert not missing, f"_core.{name}: methods {sorted(missing)} missing from _core.pyi"
