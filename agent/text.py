"""The one cleaning function for text a user sends (every front end and the graph use it)."""

from __future__ import annotations

import re
import unicodedata

MAX_MESSAGE_CHARS = 4000

# Terminal escape sequences (CSI, OSC), C0/C1 control characters except newline, and the Unicode bidi
# overrides and isolates (they can make text display in another order than it is stored).
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]|"
                      r"[\u202a-\u202e\u2066-\u2069]")


def valid_unicode(text: str) -> str:
    """Join surrogate pairs, replace lone surrogates with U+FFFD, and normalise to NFC."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return unicodedata.normalize("NFC", text)


def clean_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> tuple[str, list[str]]:
    """Valid Unicode, no escape sequences or control characters, at most ``limit`` characters.

    Returns the cleaned text and notices (in plain words) for what was changed."""
    notices = []
    text = valid_unicode(str(text)).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    cleaned = _CONTROL.sub("", text)
    if cleaned != text:
        notices.append("Control and escape characters were removed from your message.")
    if len(cleaned) > limit:
        notices.append(f"Your message was {len(cleaned):,} characters; I kept the first {limit:,}.")
        cleaned = cleaned[:limit]
    return cleaned.strip(), notices
