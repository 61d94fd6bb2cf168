"""Per-fact limits on numbers (issue 9). A value outside them is refused with a sentence, never stored.

Refusing rather than clamping: a clamped figure would be a fact the user did not state ("1e9 examples" recorded
as 100 million). The one exception is ``corpus_tokens``, an estimate derived from a document count: it is
clamped, because "large" is still what the user said. Every stored value is an int well inside a signed 64-bit
range, so the checkpoint serialiser can always store it.

| fact | accepted | why |
|---|---|---|
| examples | 0 .. 100,000,000 | no team labels more; 0 is a real answer ("none yet") |
| volume_month | 1 .. 1,000,000,000,000 | a trillion requests a month is far past any one feature |
| budget_usd | 1 .. 1,000,000,000 | a monthly budget |
| latency_ms | 1 .. 86,400,000 (one day) | 0 ms cannot be met; beyond a day it is not a response time |
| corpus_tokens | clamped to 1 .. 10,000,000,000,000 | an estimate |
"""

from __future__ import annotations

from typing import Any

LIMITS: dict[str, tuple[int, int]] = {
    "examples": (0, 100_000_000),
    "volume_month": (1, 1_000_000_000_000),
    "budget_usd": (1, 1_000_000_000),
    "latency_ms": (1, 86_400_000),
}
CLAMPED: dict[str, tuple[int, int]] = {"corpus_tokens": (1, 10_000_000_000_000)}
INT64_MAX = 2**63 - 1

_WORDS = {"examples": "labelled examples", "volume_month": "requests a month", "budget_usd": "a monthly budget (USD)",
          "latency_ms": "a latency target"}


def _say(name: str, value: float) -> str:
    low, high = LIMITS[name]
    shown = f"{value:,.0f}" if abs(value) < 1e15 else f"{value:.3g}"
    if name == "latency_ms" and value < low:
        return "A latency target of 0 ms can't be met by any system, so I didn't record it. What would be acceptable?"
    if value < low:
        return f"{shown} doesn't work as {_WORDS[name]}, so I didn't record it."
    return (f"{shown} is more than I can take as {_WORDS[name]} (at most {high:,}), so I didn't record it. "
            "Could you check that figure?")


def bound(name: str, value: Any) -> tuple[Any, str]:
    """(value to keep or None, refusal sentence or '')."""
    if name in CLAMPED and isinstance(value, (int, float)):
        low, high = CLAMPED[name]
        return int(min(max(value, low), high)), ""
    if name not in LIMITS or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value, ""
    if value != value or value in (float("inf"), float("-inf")):
        return None, f"That figure can't be read as {_WORDS[name]}, so I didn't record it."
    low, high = LIMITS[name]
    if value < low or value > high:
        return None, _say(name, value)
    return int(round(value)), ""


def check(reading: Any) -> None:
    """Apply the limits to a reading's facts and confirmations in place, moving refusals to ``refused``."""
    for store in (reading.facts, reading.confirm):
        for name in list(store):
            value, quote = store[name]
            kept, why = bound(name, value)
            if why:
                del store[name]
                if why not in reading.refused:
                    reading.refused.append(why)
            else:
                store[name] = (kept, quote)
    for name, factor in list(reading.scale.items()):
        if not (0 < factor <= 1_000_000):
            del reading.scale[name]
            reading.refused.append(f"A change of {factor:g}x is beyond what I can evaluate, so I left it out.")
