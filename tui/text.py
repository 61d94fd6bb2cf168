"""Text helpers for the UI: short strategy names, citation links, shortening.

Cleaning input is not here: the UI cleans with ``agent.clean_text``, the interview's one cleaning
function, so what the UI shows is what the interview stores.
"""

from __future__ import annotations

import re

STRATEGY_SHORT = {
    "prompting": "Prompt engineering",
    "rag": "RAG",
    "fine_tuning": "Fine-tuning",
    "rag_and_fine_tuning": "RAG + fine-tuning",
    "distillation": "Distillation",
}

# Mirrors agent.MAX_MESSAGE_CHARS; the app reads the real value once the agent is imported.
DEFAULT_MAX_CHARS = 4000

_CITE = re.compile(r"(?<!\\)\[(\d{1,3})\](?![(:])")


def link_citations(markdown: str, count: int) -> str:
    """Turn ``[n]`` markers (1 <= n <= count) into Markdown links the view can follow."""

    def repl(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if 1 <= n <= count:
            return f"[\\[{n}\\]](cite:{n})"
        return match.group(0)

    return _CITE.sub(repl, markdown)


def shorten(text: str, width: int) -> str:
    """One line, at most ``width`` characters, with an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: max(width - 1, 0)].rstrip() + "…"
