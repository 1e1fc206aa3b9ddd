"""Variant: a REF/ALT change on the reference, an Interval subclass (implemented in C++)."""

from __future__ import annotations

from ._core import Interval, Variant

__all__ = ["Variant"]


def _anchor(iv: Interval):
    # Variant.anchor raises TypeError; read the Interval slot directly.
    return Interval.anchor.fget(iv)  # type: ignore[attr-defined]


def _spanning(x: Interval, y: Interval, variants=None) -> Interval:
    """Smallest interval covering ``x`` and ``y`` (as :meth:`Interval.spanning`).

    The reference also spans *anchored* intervals by mapping ``y`` into the
    anchored frame of ``x`` through ``variants``; that form is not
    implemented yet and raises NotImplementedError (see docs/variants.md).
    """
    if _anchor(x) is None and _anchor(y) is None:
        return Interval.spanning(x, y)
    raise NotImplementedError(
        "Variant.spanning of anchored intervals (mapping through variants) is not implemented yet"
    )


Variant.spanning = staticmethod(_spanning)
