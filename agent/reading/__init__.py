"""Offline reading of user messages (the offline brain's ears): see ``reader.py`` for the pipeline."""

from .bounds import LIMITS, bound
from .reader import Reading, read
from .text import MAX_CHARS, clean

__all__ = ["LIMITS", "MAX_CHARS", "Reading", "bound", "clean", "read"]
