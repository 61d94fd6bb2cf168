"""Which brain runs: ``choose_brain("offline" | "claude" | "auto")``, with the notices to show at start-up.

``auto`` means Claude when ``ANTHROPIC_API_KEY`` is set, the offline brain otherwise. ``anthropic`` is imported only
here, and only when the Claude brain is built (it takes about two seconds).
"""

from __future__ import annotations

import logging
from typing import Any

from ..settings import ClaudeSettings, has_api_key
from .base import Brain
from .offline import OfflineBrain

BRAIN_KINDS = ("auto", "offline", "claude")
log = logging.getLogger("lever.claude")


def choose_brain(kind: str = "auto", http_client: Any = None) -> tuple[Brain, list[str]]:
    """The brain for ``kind`` and one-time notices for the user. ``http_client``: an ``httpx2.Client`` for Claude
    (tests inject a mocked one). Raises ``ValueError`` for an unknown kind."""
    if kind not in BRAIN_KINDS:
        raise ValueError(f"Unknown brain {kind!r}: choose one of {', '.join(BRAIN_KINDS)}.")
    if kind == "offline":
        return OfflineBrain(), ["Running the offline brain (no network needed)."]
    if not has_api_key():
        if kind == "claude":
            return OfflineBrain(), ["The Claude brain needs ANTHROPIC_API_KEY in the environment; running the "
                                    "offline brain instead (no network needed)."]
        return OfflineBrain(), ["No ANTHROPIC_API_KEY set: running the offline brain (no network needed)."]
    settings = ClaudeSettings.from_env()
    try:
        from .claude import ClaudeBrain

        brain = ClaudeBrain(settings=settings, http_client=http_client)
    except Exception as exc:  # a broken install or setting must not stop the interview
        log.warning("could not start the Claude brain: %s", type(exc).__name__)
        return OfflineBrain(), [f"Could not start the Claude brain ({type(exc).__name__}); running the offline "
                                "brain instead."]
    return brain, [f"Using Claude: {settings.describe()}. The decision itself stays with Lever's rules."]
