"""Pictures of genomic data: stacked panels of tracks, transcripts and sequence on one genomic axis.

``plot(components, interval, annotations=...)`` returns a matplotlib Figure (matplotlib is an
optional extra: ``pip install 'genome_kit[plot]'``; importing this module does not import it).

Components, top to bottom: :class:`Tracks`, :class:`OverlaidTracks`, :class:`TranscriptAnnotation`,
:class:`SeqLogo`, :class:`Sequence`. Annotations, drawn across every panel:
:class:`VariantAnnotation`, :class:`IntervalAnnotation`.

Orientation: the x axis is always the reference genome's coordinates (0-based), increasing left to
right. A ``-`` strand interval is plotted like its ``+`` twin; values read 5'→3' on ``-`` (TrackData
of a ``-`` interval, the ``-`` strand of a GenomeTrack, SeqLogo scores) are put back into genomic
order, so a transcript on ``-`` reads right to left, with chevrons pointing left.
"""

from ._annotations import IntervalAnnotation, VariantAnnotation
from ._figure import plot
from ._sequence import SeqLogo, Sequence
from ._tracks import OverlaidTracks, Tracks
from ._transcripts import TranscriptAnnotation

__all__ = [
    "IntervalAnnotation",
    "OverlaidTracks",
    "SeqLogo",
    "Sequence",
    "TranscriptAnnotation",
    "Tracks",
    "VariantAnnotation",
    "plot",
]
