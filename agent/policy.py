"""Which question to ask next: the three key questions first, then only follow-ups that could change
the answer. Deterministic: a pure function of the profile and what has been asked."""

from __future__ import annotations

from typing import Any

from .brains import Brain
from .engine import primary
from .topics import FOLLOW_UPS, KEY_TOPICS
from .types import Message, Profile, Topic

GREETING = ("Hi, I'm Lever. I'll ask a few questions about your LLM feature and then recommend "
            "prompting, RAG, fine-tuning or a combination, with sources.")

# What we assume when the user cannot answer a topic (recorded as "assumed", lowering confidence).
ASSUMPTIONS: dict[str, dict[str, Any]] = {
    "need": {"need": "knowledge"},
    "freshness": {"freshness": "monthly"},
    "budget": {"latency_ms": 2000, "volume_month": 100_000, "cost_sensitivity": "medium"},
    "examples": {"examples": 0},
    "corpus": {"corpus": "large"},
    "citations": {"citations": False, "permissions": False},
    "privacy": {"privacy": "standard"},
}

# Assumptions made for a topic the user could not answer must follow the direction they gave ("a big labelled
# set" is never assumed to be zero).
DIRECTED_ASSUMPTIONS: dict[str, dict[str, Any]] = {
    "examples": {"more": 2000, "less": 50},
    "volume_month": {"more": 1_000_000, "less": 5_000},
    "latency_ms": {"less": 500, "more": 5_000},
    "corpus": {"more": "large", "less": "small"},
    "corpus_tokens": {"more": 1_000_000, "less": 3_000},
    "budget_usd": {"more": 10_000, "less": 200},
}

# Representative answers used to test whether a follow-up could change the outcome.
PROBES: dict[str, list[dict[str, Any]]] = {
    "examples": [{"examples": 0}, {"examples": 300}, {"examples": 1500}, {"examples": 12_000}],
    "corpus": [{"corpus": "small"}, {"corpus": "large"}],
    "citations": [{"citations": False, "permissions": False}, {"citations": True, "permissions": False},
                  {"citations": True, "permissions": True}],
    "privacy": [{"privacy": "standard"}, {"privacy": "strict"}],
}


def filled(profile: Profile, topic: Topic) -> bool:
    return any(profile.known(f) for f in topic.fills)


def could_change(profile: Profile, topic_id: str) -> bool:
    outcomes = set()
    for answer in PROBES[topic_id]:
        probe = profile
        for name, value in answer.items():
            probe = probe.with_value(name, value, status="assumed")
        outcomes.add(primary(probe))
    return len(outcomes) > 1


def next_topic(profile: Profile, asked: list[str], unconfirmed: list[str] = ()) -> Topic | None:
    """``unconfirmed``: facts only inferred from word choice; their key question is still asked, as a check."""
    for topic in KEY_TOPICS:
        inferred_only = any(f in unconfirmed for f in topic.fills)
        if (not filled(profile, topic) or inferred_only) and topic.id not in asked:
            return topic
    for topic in FOLLOW_UPS:
        if not filled(profile, topic) and topic.id not in asked and could_change(profile, topic.id):
            return topic
    return None


def assume(profile: Profile, topic_id: str, quote: str = "") -> tuple[Profile, list[str]]:
    """Fill a topic's unknown fields with the stated defaults; returns the new profile and what was assumed."""
    said = []
    for name, value in ASSUMPTIONS.get(topic_id, {}).items():
        if not profile.known(name):
            profile = profile.with_value(name, value, quote=quote, status="assumed")
            said.append(name)
    return profile, said


def ask(brain: Brain, topic: Topic, profile: Profile, notes: list[str], confirms: str | None = None,
        history: list[dict] | None = None) -> Message:
    """The assistant's message asking ``topic``, with ``notes`` said first (the graph and ``opening`` use it)."""
    return Message(role="assistant", text=brain.phrase_question(topic, profile, notes, history), kind="question",
                   topic=topic.id, options=topic.options, confirms=confirms)
