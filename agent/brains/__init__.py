"""Brains: the offline rules (the embedded default) and Claude. One protocol (``base.Brain``), one module each."""

from .base import INTENTS, Brain, Understanding, Writer
from .offline import OfflineBrain

__all__ = ["INTENTS", "Brain", "OfflineBrain", "Understanding", "Writer"]
