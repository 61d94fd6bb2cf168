"""Lever's interview: types, decision engine, brains, the LangGraph graph and its facade.

Heavy imports (langgraph, anthropic) happen only when an ``Interview`` is built.
"""

from knowledge import Library, Passage

from .interview import MAX_MESSAGE_CHARS, Interview, LeverError, clean_text
from .types import (
    Change, CostLine, InterviewSummary, Message, Profile, Reason, Recommendation, Snapshot, StrategyScore, Topic,
    TopicStatus,
)

__all__ = [
    "Change", "CostLine", "Interview", "InterviewSummary", "LeverError", "Library", "MAX_MESSAGE_CHARS", "Message",
    "Passage", "Profile", "Reason", "Recommendation", "Snapshot", "StrategyScore", "Topic", "TopicStatus",
    "clean_text",
]
