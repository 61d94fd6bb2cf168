"""Lever's interview: types, decision engine, brains, the LangGraph graph and its facade.

The public API an integrator imports:

* ``Interview``: the facade (``start``, ``send``, ``state``, ``list``, exports) over the in-process graph or a
  LangGraph Server (``Interview(server=URL)``);
* ``build_graph``: the compiled LangGraph graph, to embed with your own checkpointer;
* ``Recommendation`` and the other models in ``agent.types`` (JSON Schema: ``lever schema``);
* renderers of a recommendation and of a question to Markdown and to Slack Block Kit
  (``recommendation_markdown``, ``question_markdown``, ``recommendation_blocks``, ``question_blocks``).

Heavy imports (langgraph, anthropic) happen only when an ``Interview`` or a graph is built.
"""

from knowledge import Library, Passage

from .interview import MAX_MESSAGE_CHARS, Interview, LeverError, clean_text
from .render import (
    question_blocks,
    question_markdown,
    recommendation_blocks,
    recommendation_markdown,
)
from .types import (
    Change,
    CostLine,
    InterviewSummary,
    Message,
    Profile,
    Reason,
    Recommendation,
    Snapshot,
    StrategyScore,
    Topic,
    TopicStatus,
)

__all__ = [
    "Change", "CostLine", "Interview", "InterviewSummary", "LeverError", "Library", "MAX_MESSAGE_CHARS", "Message",
    "Passage", "Profile", "Reason", "Recommendation", "Snapshot", "StrategyScore", "Topic", "TopicStatus",
    "build_graph", "clean_text", "question_blocks", "question_markdown", "recommendation_blocks",
    "recommendation_markdown",
]


def __getattr__(name: str):
    if name == "build_graph":  # imports LangGraph (about a second): only when asked for
        from .graph import build_graph

        return build_graph
    raise AttributeError(f"module 'agent' has no attribute {name!r}")
