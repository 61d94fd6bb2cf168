"""Text helpers for the UI: cleaning pasted text and finding citation markers.

The interview facade cleans what it stores; the UI cleans what it *shows* before the facade has
seen it (the echo of a message being sent, a paste into the input), so both agree.
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

_ANSI = re.compile(
    r"""
    \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?     # OSC ... BEL / ST (titles, hyperlinks, clipboard)
  | \x1b[PX^_][^\x1b]*(?:\x1b\\)?          # DCS / SOS / PM / APC strings
  | \x1b\[[0-?]*[ -/]*[@-~]                 # CSI sequences (colours, cursor moves)
  | \x1b[@-Z\\-_]                           # other two-byte escapes
  | \x9b[0-?]*[ -/]*[@-~]                   # 8-bit CSI
    """,
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str, *, keep_newlines: bool = True) -> str:
    """Remove terminal escape sequences and control characters (tabs become spaces)."""
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if not keep_newlines:
        text = " ".join(part.strip() for part in text.split("\n") if part.strip())
    return _CONTROL.sub("", text)


def clean_paste(text: str, room: int) -> tuple[str, bool]:
    """Make pasted text fit a one-line input: escapes and control characters stripped, lines
    joined with spaces, cut to ``room`` characters. Returns the text and whether it was cut."""
    cleaned = strip_control(text, keep_newlines=False)
    if len(cleaned) > room:
        return cleaned[: max(room, 0)], True
    return cleaned, False


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
