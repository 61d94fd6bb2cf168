"""Facts in the words a user reads: labels and values, never internal identifiers.

Every front end, the echo of what was understood, the engine's "what would change" lines and the reports use
these functions, so a value is said the same way everywhere.
"""

from __future__ import annotations

import re
from typing import Any

FACT_LABELS: dict[str, str] = {
    "need": "the need", "goal": "the task", "freshness": "how often it changes", "latency_ms": "latency target",
    "volume_month": "volume", "cost_sensitivity": "cost sensitivity", "examples": "labelled examples",
    "corpus": "knowledge size", "corpus_tokens": "knowledge size (tokens)", "citations": "citations",
    "permissions": "per-user permissions", "privacy": "data privacy", "ceiling": "how the current approach is doing",
    "stage": "stage", "priority": "top priority", "budget_usd": "monthly budget",
}

_WORDS: dict[str, dict[Any, str]] = {
    "need": {"knowledge": "knowledge (your facts and documents)", "behaviour": "behaviour (style, format or a task "
             "skill)", "both": "both knowledge and behaviour"},
    "goal": {"qa": "answering questions", "style": "a style or voice", "classification": "classification or routing",
             "extraction": "extraction into a fixed format", "major": "a new domain skill"},
    "freshness": {"realtime": "changes continuously", "daily": "changes daily", "weekly": "changes weekly",
                  "monthly": "changes monthly", "yearly": "changes about once a year",
                  "static": "hardly ever changes"},
    "cost_sensitivity": {"low": "cost is not a constraint", "medium": "cost matters somewhat",
                         "high": "cost matters a lot"},
    "corpus": {"small": "small enough to fit in a prompt", "large": "too large for a prompt"},
    "privacy": {"none": "no special privacy constraints", "standard": "a cloud API under agreement is fine",
                "strict": "data must stay on your infrastructure"},
    "ceiling": {"none": "prompting already works well enough", "drift": "output drifts despite instructions",
                "format": "output format is inconsistent", "accuracy": "accuracy is short of the target",
                "retrieval": "retrieval only handles the simple questions",
                "cost": "the current approach costs too much to run",
                "vendor": "quality broke when the vendor changed its hosted model"},
    "stage": {"prototype": "still prototyping", "production": "in (or going to) production"},
    "priority": {"quality": "quality comes first", "cost": "cost comes first", "speed": "speed comes first"},
}


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_literal(text: str) -> str:
    """The user's (or a document's) words inside Markdown we write, on one line, shown as typed: never markup."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def fact_label(field: str) -> str:
    return FACT_LABELS.get(field, field.replace("_", " "))


def describe_value(field: str, value: Any) -> str:
    """A fact's value in plain words ("about 120,000 requests a month", "changes weekly")."""
    if value is None:
        return "unknown"
    if field == "latency_ms":
        v = int(value)
        return f"{v / 1000:g} s" if v >= 1000 and v % 100 == 0 else f"{v:,} ms"
    if field == "volume_month":
        return f"{int(value):,} requests a month"
    if field == "examples":
        return f"{int(value):,} labelled examples"
    if field == "corpus_tokens":
        return f"about {int(value):,} tokens"
    if field == "budget_usd":
        return f"${int(value):,} a month"
    if field in ("citations", "permissions"):
        return {True: "required", False: "not required"}[bool(value)]
    return _WORDS.get(field, {}).get(value, str(value).replace("_", " "))


def echo_fact(field: str, value: Any) -> str:
    """One fact as the echo line says it: 'answers within 2 s', 'about 120,000 requests a month'."""
    if field == "latency_ms":
        return f"answers within {describe_value(field, value)}"
    if field == "volume_month":
        return f"about {describe_value(field, value)}"
    if field == "examples":
        return f"about {describe_value(field, value)}" if value else "no labelled examples yet"
    if field == "budget_usd":
        return f"a budget of {describe_value(field, value)}"
    if field == "citations":
        return "answers must cite sources" if value else "no citations needed"
    if field == "permissions":
        return "users see different data" if value else "everyone sees the same data"
    if field == "corpus":
        return f"the knowledge is {describe_value(field, value)}"
    if field == "need":
        return {"knowledge": "a knowledge problem (your facts and documents)",
                "behaviour": "a behaviour problem (style, format or a task skill)",
                "both": "both knowledge and behaviour"}.get(value, describe_value(field, value))
    if field == "goal":
        return f"the task is {describe_value(field, value)}"
    if field == "freshness":
        return "the information " + describe_value(field, value)
    if field == "cost_sensitivity":
        return describe_value(field, value)
    if field == "stage":
        return "you are " + describe_value(field, value)
    return describe_value(field, value)


def echo_order(fields: list[str]) -> list[str]:
    """Facts in the order the interview asks about them (need first, privacy last)."""
    from .types import FACT_FIELDS

    rank = {name: i for i, name in enumerate(FACT_FIELDS)}
    return sorted(fields, key=lambda name: rank.get(name, len(rank)))


# ------------------------------------------------------------------------------------------ layers and conditions
LAYER_LABELS: dict[str, str] = {
    "prompting": "prompt engineering", "rag": "retrieval (RAG)", "fine_tuning": "fine-tuning",
    "distillation": "distillation",
}


def layers_text(layers: list[str]) -> str:
    """'prompt engineering + retrieval (RAG)'."""
    return " + ".join(LAYER_LABELS.get(layer, layer.replace("_", " ")) for layer in layers)


_CONDITIONS: dict[str, dict[Any, str]] = {
    "freshness": {"realtime": "the information changed continuously", "daily": "the information changed daily",
                  "weekly": "the information changed weekly", "monthly": "the information changed monthly",
                  "yearly": "the information changed about once a year",
                  "static": "the information hardly ever changed"},
    "cost_sensitivity": {"low": "cost were not a constraint", "medium": "cost mattered somewhat",
                         "high": "cost mattered a lot"},
    "citations": {True: "answers had to cite sources", False: "answers did not need to cite sources"},
    "permissions": {True: "different users saw different data", False: "everyone saw the same data"},
    "privacy": {"none": "there were no privacy constraints", "standard": "a cloud API under agreement were fine",
                "strict": "the data had to stay on your infrastructure"},
    "ceiling": {"none": "prompting already worked well enough", "drift": "the output drifted despite instructions",
                "format": "the output format were inconsistent", "accuracy": "accuracy were short of the target",
                "retrieval": "retrieval only handled the simple questions",
                "cost": "the current approach cost too much to run",
                "vendor": "a vendor's model change had broken quality"},
    "stage": {"prototype": "you were still prototyping", "production": "you were in (or going to) production"},
    "priority": {"quality": "quality came first", "cost": "cost came first", "speed": "speed came first"},
}


def as_condition(field: str, value: Any) -> str:
    """A fact's value as the clause of a what-if: 'If <the information changed weekly>, ...'."""
    words = _CONDITIONS.get(field, {})
    if value in words:
        return words[value]
    if field == "volume_month":
        return f"you had about {describe_value(field, value)}"
    if field == "examples":
        return f"you had {describe_value(field, value)}"
    if field == "budget_usd":
        return f"your budget were {describe_value(field, value)}"
    if field == "corpus":
        return f"the knowledge were {describe_value(field, value)}"
    if field == "latency_ms":
        return f"the latency target were {describe_value(field, value)}"
    return f"{fact_label(field)} were {describe_value(field, value)}"


# ------------------------------------------------------------------------------------------ sentences
def sentences(text: str) -> list[str]:
    """The text's sentences, whole (``sentencex`` knows abbreviations such as "e.g." and "et al.")."""
    from sentencex import segment

    flat = " ".join(text.split())
    return [s.strip() for s in segment("en", flat) if s.strip()]


def excerpt(text: str, limit: int = 300) -> str:
    """The leading whole sentences of ``text`` that fit in ``limit`` characters (at least one sentence, cut at a
    word boundary only if that one sentence is longer than the limit)."""
    out: list[str] = []
    for sentence in sentences(text):
        if out and len(" ".join(out + [sentence])) > limit:
            break
        out.append(sentence)
        if len(" ".join(out)) >= limit:
            break
    joined = " ".join(out)
    if len(joined) > limit * 2:  # one very long sentence: cut at a word boundary, never mid-word
        joined = joined[: limit * 2].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return joined


STRATEGY_SHORT: dict[str, str] = {
    "prompting": "prompt engineering", "rag": "RAG", "fine_tuning": "fine-tuning",
    "rag_and_fine_tuning": "RAG + fine-tuning", "distillation": "distillation",
}


def join_words(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
