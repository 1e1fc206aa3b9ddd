"""What every component hands the figure: the heights of its panels and how to draw into them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any


@dataclasses.dataclass(frozen=True)
class Panels:
    """``heights`` in inches, one per panel; ``draw(axes)`` fills those axes (as many as heights)."""

    heights: list[float]
    draw: Callable[[list[Any]], None]


def label_panel(ax, text: str) -> None:
    """The panel's name left of its y axis, horizontal (AlphaGenome's ``name:strand`` labels)."""
    ax.set_ylabel(text, rotation=0, ha="right", va="center", labelpad=4)


def small_y_axis(ax) -> None:
    """At most three y ticks: panels are short."""
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(2))


def no_y_axis(ax) -> None:
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)


def format_label(template: str, fields: dict, what: str) -> str:
    try:
        return template.format(**fields)
    except KeyError as e:
        raise KeyError(
            f"{what}: label template {template!r} names {e.args[0]!r}; available: {sorted(map(str, fields))}"
        ) from None
