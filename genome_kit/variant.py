"""Variant: a REF/ALT change on the reference, an Interval subclass (implemented in C++).

``Variant.spanning`` (anchor- and variant-aware spanning) is a static method of the compiled class; see
docs/variants.md.
"""

from __future__ import annotations

from ._core import Variant

__all__ = ["Variant"]
