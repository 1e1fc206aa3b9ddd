"""matplotlib, imported on first use, and the pinned style every figure is drawn with.

``import genome_kit`` and ``import genome_kit.plot`` never import matplotlib: the components are
plain values, matplotlib is only needed when :func:`~genome_kit.plot.plot` draws them.
"""

from __future__ import annotations

from typing import Any


def require_matplotlib() -> Any:
    """The matplotlib module, or ImportError naming the pip extra."""
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("genome_kit.plot needs matplotlib: pip install 'genome_kit[plot]'") from None
    return matplotlib


#: matplotlib's bundled font: present wherever matplotlib is.
FONT = "DejaVu Sans"

#: Pinned so that the same call draws the same picture on every machine (the gallery images are
#: compared against committed PNGs): the bundled font, small sizes, no rc overrides of the user
#: leaking into the layout.
STYLE = {
    "font.family": FONT,
    "font.size": 7.0,
    "axes.labelsize": 7.0,
    "axes.titlesize": 8.0,
    "xtick.labelsize": 6.5,
    "ytick.labelsize": 6.0,
    "legend.fontsize": 6.0,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.0,
    "lines.linewidth": 0.9,
    "axes.formatter.useoffset": False,
    "axes.unicode_minus": False,
    "svg.hashsalt": "genome_kit",  # stable ids in SVG output
    "pdf.fonttype": 42,  # editable text in PDFs
}

#: Colours of the glyphs (matplotlib names), overridable per component.
TRACK_COLOR = "#1f5a96"
CDS_COLOR = "#1f5a96"
UTR_COLOR = "#7ea6d1"
NONCODING_COLOR = "#5e5e5e"
COMPACT_COLOR = "black"
BASE_COLORS = {"A": "#109648", "C": "#255c99", "G": "#f7b32b", "T": "#d62839"}
VARIANT_COLOR = "#d1495b"
INTERVAL_COLOR = "#edae49"
