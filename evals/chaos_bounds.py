"""What the chaos harness calls an absurd fact: the per-fact sanity bounds, written down in one place.

A reading is absurd when no team could mean it: a negative count, a response-time target of 0 ms or over an
hour, more than 10 million labelled examples, more than 1e11 requests a month, a budget over $1e9 a month, an
integer that does not fit in 64 bits (the checkpoint serialiser cannot store it), a value outside the
vocabulary in ``evals/UNDERSTANDING.md``, or a fact name the profile does not have. The bounds are
deliberately loose, so a low count means "nothing impossible was recorded", not "every reading was right" (the
understanding evals measure that).

Signs and powers get a second, differential check (``check_misread``): "-500 examples" must not record the
same number as "500 examples", and "1e9 examples" or "10^999" must not record what "1 examples", "9 examples"
or "999" records. Refusing the number (recording nothing) passes; reading it right passes.
"""

from __future__ import annotations

import math
from typing import Any

from agent.brains.base import INTENTS
from agent.types import FACT_FIELDS

INT64_MAX = 2**63 - 1

# fact -> (lowest sane value, highest sane value), inclusive. Units as in agent/types.py.
NUMERIC_BOUNDS: dict[str, tuple[int, int]] = {
    "latency_ms": (1, 3_600_000),              # 0 ms is no target; over an hour is not a response time
    "volume_month": (0, 100_000_000_000),      # over 1e11 requests a month is beyond any single product
    "examples": (0, 10_000_000),               # over 10 million hand-labelled pairs
    "budget_usd": (0, 1_000_000_000),          # over $1e9 a month
    "corpus_tokens": (0, 10_000_000_000_000),  # over 1e13 tokens is more text than any team's knowledge base
}

# fact -> the values allowed (evals/UNDERSTANDING.md, "Facts and their normalised values").
VOCABULARY: dict[str, frozenset] = {
    "need": frozenset({"knowledge", "behaviour", "both"}),
    "goal": frozenset({"qa", "style", "classification", "extraction", "major"}),
    "freshness": frozenset({"realtime", "daily", "weekly", "monthly", "yearly", "static"}),
    "cost_sensitivity": frozenset({"low", "medium", "high"}),
    "corpus": frozenset({"small", "large"}),
    "citations": frozenset({True, False}),
    "permissions": frozenset({True, False}),
    "privacy": frozenset({"none", "standard", "strict"}),
    "ceiling": frozenset({"none", "drift", "format", "accuracy", "retrieval", "cost", "vendor"}),
    "stage": frozenset({"prototype", "production"}),
    "priority": frozenset({"quality", "cost", "speed"}),
}

SCALE_BOUNDS = (1e-6, 1e6)  # a relative what-if ("10x volume") outside this is not a plan


def check_fact(name: str, value: Any) -> str | None:
    """Why this fact value is absurd (a short reason, the same for alike cases), or None when it is sane."""
    if name not in FACT_FIELDS:
        return f"unknown fact {name!r}"
    if name in NUMERIC_BOUNDS:
        low, high = NUMERIC_BOUNDS[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{name}: not a number ({type(value).__name__})"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{name}: not finite"
        if isinstance(value, int) and abs(value) > INT64_MAX:
            return f"{name}: integer over 64 bits"
        if value < 0:
            return f"{name}: negative"
        if value < low:
            return f"{name}: below {low:,}"
        if value > high:
            return f"{name}: over {high:,}"
        return None
    allowed = VOCABULARY[name]
    if isinstance(value, bool) != any(isinstance(v, bool) for v in allowed):
        return f"{name}: outside the vocabulary"
    try:
        ok = value in allowed
    except TypeError:  # unhashable
        ok = False
    return None if ok else f"{name}: outside the vocabulary"


def check_understanding(u: Any) -> list[str]:
    """Every absurd reading in one ``Understanding`` (facts, readings to confirm, relative what-ifs, intent)."""
    problems: list[str] = []
    for where in ("facts", "confirm"):
        for name, pair in (getattr(u, where, None) or {}).items():
            try:
                value, quote = pair
            except (TypeError, ValueError):
                problems.append(f"{where}: malformed entry for {name!r}")
                continue
            why = check_fact(name, value)
            if why:
                problems.append(why if where == "facts" else f"to confirm: {why}")
            if not isinstance(quote, str):
                problems.append(f"{where}: quote for {name} is not text")
    for name, factor in (getattr(u, "scale", None) or {}).items():
        if (isinstance(factor, bool) or not isinstance(factor, (int, float)) or not math.isfinite(factor)
                or not SCALE_BOUNDS[0] <= factor <= SCALE_BOUNDS[1]):
            problems.append(f"what-if scale for {name} outside {SCALE_BOUNDS[0]:g}..{SCALE_BOUNDS[1]:g}")
    if getattr(u, "intent", "answer") not in INTENTS:
        problems.append("intent outside the vocabulary")
    return problems


def check_profile(profile: Any) -> list[tuple[str, Any, str]]:
    """(fact, value, reason) for every absurd fact in a ``Profile``."""
    out = []
    for name in FACT_FIELDS:
        fact = getattr(profile, name, None)
        if fact is None:
            continue
        why = check_fact(name, fact.value)
        if why:
            out.append((name, fact.value, why))
    return out


def valid_text(text: str) -> bool:
    """True when ``text`` is valid Unicode (encodable as UTF-8: no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def numeric_facts(u: Any) -> dict[str, Any]:
    return {name: pair[0] for name, pair in (getattr(u, "facts", None) or {}).items() if name in NUMERIC_BOUNDS}


def check_misread(heard: Any, alt_readings: list[Any], mistake: str) -> list[str]:
    """``[mistake]`` when ``heard`` records a number that a reading of an alt (the input without its sign, or with
    one part of a power) records too for the same fact; otherwise ``[]``. Refusing to record is never a misread."""
    mine = numeric_facts(heard)
    for alt in alt_readings:
        for name, value in numeric_facts(alt).items():
            if name in mine and mine[name] == value:
                return [mistake]
    return []
