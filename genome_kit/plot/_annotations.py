"""Marks drawn across every panel: :class:`VariantAnnotation` and :class:`IntervalAnnotation`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from . import _style
from ._window import Window


def _per_item(value, n: int, what: str, name: str) -> list:
    if value is None or isinstance(value, str):
        return [value] * n
    value = list(value)
    if len(value) != n:
        raise ValueError(f"{what}: {len(value)} {name} for {n} items")
    return value


def _spans(items, window: Window, what: str) -> list[tuple[float, float]]:
    out = []
    for item in items:
        for attr in ("chromosome", "start", "end"):
            if not hasattr(item, attr):
                raise TypeError(f"{what} takes genome_kit Intervals/Variants, got {type(item).__name__}")
        refg = getattr(item, "reference_genome", window.reference_genome)
        window.check_same_place(item.chromosome, refg, f"{what} item {item}")
        out.append((float(item.start), float(item.end)))
    return out


def _draw_labels(axes, spans, labels, colors) -> None:
    from matplotlib.transforms import blended_transform_factory

    top = axes[0]
    where = blended_transform_factory(top.transData, top.transAxes)
    lo, hi = top.get_xlim()
    for (s, e), label, color in zip(spans, labels, colors, strict=True):
        x = (s + e) / 2
        if label and lo <= x <= hi:
            top.text(
                x,
                1.02,
                label,
                transform=where,
                ha="center",
                va="bottom",
                color=color,
                fontsize=6,
                gid="annotation_label",
            )


@dataclasses.dataclass(frozen=True, eq=False)
class VariantAnnotation:
    """Variants marked on every panel: a line at a substitution or insertion, a band over the reference
    bases of a longer deletion or substitution.

    Parameters
    ----------
    variants : list of Variant
        On the plotted chromosome and assembly (a ValueError otherwise); those outside the window
        are off-screen.
    colors : str or list of str
        One colour or one per variant.
    labels : list of str, optional
        Text above the top panel, one per variant (``None`` entries for none).
    alpha : float
        Opacity.
    """

    variants: Sequence[Any]
    colors: str | Sequence[str] = _style.VARIANT_COLOR
    labels: Sequence[str | None] | None = None
    alpha: float = 0.8

    def _draw(self, axes, window: Window) -> None:
        variants = list(self.variants)
        spans = _spans(variants, window, "VariantAnnotation")
        colors = _per_item(self.colors, len(spans), "VariantAnnotation", "colors")
        labels = _per_item(self.labels, len(spans), "VariantAnnotation", "labels")
        for ax in axes:
            for (s, e), color in zip(spans, colors, strict=True):
                if e - s <= 1:  # a base or an insertion point: a line, visible at any zoom
                    ax.axvline((s + e) / 2, color=color, alpha=self.alpha, linewidth=0.9, gid="variant")
                else:
                    ax.axvspan(s, e, color=color, alpha=self.alpha * 0.5, linewidth=0, gid="variant")
        _draw_labels(axes, spans, labels, colors)


@dataclasses.dataclass(frozen=True, eq=False)
class IntervalAnnotation:
    """Intervals shaded on every panel (e.g. a peak, an enhancer, a model's window).

    Parameters
    ----------
    intervals : list of Interval
        On the plotted chromosome and assembly (a ValueError otherwise).
    colors : str or list of str
        One colour or one per interval.
    labels : list of str, optional
        Text above the top panel.
    alpha : float
        Opacity of the shading.
    """

    intervals: Sequence[Any]
    colors: str | Sequence[str] = _style.INTERVAL_COLOR
    labels: Sequence[str | None] | None = None
    alpha: float = 0.3

    def _draw(self, axes, window: Window) -> None:
        spans = _spans(list(self.intervals), window, "IntervalAnnotation")
        colors = _per_item(self.colors, len(spans), "IntervalAnnotation", "colors")
        labels = _per_item(self.labels, len(spans), "IntervalAnnotation", "labels")
        for ax in axes:
            for (s, e), color in zip(spans, colors, strict=True):
                ax.axvspan(s, e, color=color, alpha=self.alpha, linewidth=0, gid="interval")
        _draw_labels(axes, spans, labels, colors)
