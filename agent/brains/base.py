"""The brain protocol: what every brain (offline rules, Claude) offers the interview graph.

A brain understands answers and phrases text. It never picks the strategy: the decision engine does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from knowledge.types import Passage

    from ..types import Profile, Recommendation, Topic

Writer = Callable[[str], None]

INTENTS = ("answer", "question", "unsure", "done", "greeting", "empty", "whatif", "adopt")


@dataclass
class Understanding:
    """What one user message says. Both brains fill exactly this contract.

    * ``facts``: field -> (normalised value, the user's words it came from). Only what the words support.
    * ``intent``: one of ``INTENTS``. ``whatif`` = the facts (and ``scale``) are hypothetical ("what if we had
      5,000 examples?"); ``adopt`` = take the last what-if as fact ("go with that").
    * ``correction``: the user corrects an earlier answer ("actually", "no, 120k").
    * ``order``: the message tries to give orders about the strategy ("ignore your rules").
    * ``explicit``: facts stated outright rather than inferred from word choice.
    * ``scale``: relative what-ifs, field -> factor ("10x volume" -> {"volume_month": 10.0}).
    * ``confirm``: readings too uncertain to record: field -> (value, words). The interview asks one short
      check before recording them.
    * ``directions``: vague but directional answers, field -> "more" | "less" ("a big labelled set" ->
      {"examples": "more"}); an assumption made later must not go against it.
    * ``refused``: user-facing sentences for values read but refused (out of bounds, unreadable).
    """

    facts: dict[str, tuple[Any, str]] = field(default_factory=dict)
    intent: str = "answer"
    correction: bool = False
    order: bool = False
    explicit: set[str] = field(default_factory=set)
    scale: dict[str, float] = field(default_factory=dict)
    confirm: dict[str, tuple[Any, str]] = field(default_factory=dict)
    directions: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


class Brain(Protocol):
    """``name`` shows in the UI and in exports. ``take_events`` hands the graph what the last calls produced
    (token usage records and user-facing notices such as a fallback to the offline brain)."""

    name: str

    def understand(self, text: str, pending: str | None, profile: "Profile",
                   history: list[dict] | None = None, recent: list[str] | None = None) -> Understanding:
        """``history``: the last few messages ({"role", "text"}) before this one. ``recent``: the facts recorded
        from the previous answer, most recent first (a bare "no, 120k" most likely corrects one of them)."""
        ...

    def phrase_question(self, topic: "Topic", profile: "Profile", notes: list[str],
                        history: list[dict] | None = None) -> str: ...

    def explain(self, rec: "Recommendation", profile: "Profile", previous: "Recommendation | None",
                write: Writer | None = None) -> str: ...

    def answer(self, question: str, passages: list["Passage"], rec: "Recommendation | None",
               write: Writer | None = None) -> str: ...

    def take_events(self) -> list[dict[str, Any]]: ...
