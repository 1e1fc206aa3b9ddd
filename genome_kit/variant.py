"""Variant: a REF/ALT change on the reference, an Interval subclass (implemented in C++)."""

from __future__ import annotations

from ._core import Interval, Variant

__all__ = ["Variant"]


def _anchor(iv: Interval):
    # Variant.anchor raises TypeError; read the Interval slot directly.
    return Interval.anchor.fget(iv)


def _spanning(x: Interval, y: Interval, variants=None) -> Interval:
    """Smallest interval covering ``x`` and ``y``.

    Unanchored intervals behave as :meth:`Interval.spanning`. When either is
    anchored, ``variants`` (a list of Variants) is required: ``y`` is mapped
    into the anchored coordinate frame of ``x`` taking the length changes of
    the variants into account (see ``docs/variants.md``).
    """
    if _anchor(x) is None and _anchor(y) is None:
        return Interval.spanning(x, y)
    from ._variant_spanning import anchored_spanning

    return anchored_spanning(x, y, variants)


Variant.spanning = staticmethod(_spanning)
