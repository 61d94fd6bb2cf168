"""Brains: the offline rules (the embedded default) and Claude. One protocol (``base.Brain``), one module each.

``ClaudeBrain`` is loaded on first use (it imports ``anthropic``, about two seconds); ``choose_brain`` picks one.
"""

from typing import Any

from .base import INTENTS, Brain, Understanding, Writer
from .offline import OfflineBrain
from .select import BRAIN_KINDS, choose_brain


def __getattr__(name: str) -> Any:
    if name == "ClaudeBrain":
        from .claude import ClaudeBrain

        return ClaudeBrain
    raise AttributeError(name)


__all__ = ["BRAIN_KINDS", "INTENTS", "Brain", "ClaudeBrain", "OfflineBrain", "Understanding", "Writer",
           "choose_brain"]
