"""Interval: stranded DNA0 coordinates (implemented in C++)."""

from ._core import Interval

__all__ = ["Interval"]
