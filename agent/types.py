"""Pydantic types shared by the interview, the decision engine and every front end.

Graph state holds these as plain JSON (``model_dump(mode="json")``) so that any LangGraph
checkpointer can store them; nodes validate them back into models at their boundary.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from knowledge.types import Passage

Strategy = Literal["prompting", "rag", "fine_tuning", "rag_and_fine_tuning", "distillation"]
Layer = Literal["prompting", "rag", "fine_tuning", "distillation"]

STRATEGIES: tuple[str, ...] = ("prompting", "rag", "fine_tuning", "rag_and_fine_tuning", "distillation")

LAYERS: dict[str, list[str]] = {
    "prompting": ["prompting"],
    "rag": ["prompting", "rag"],
    "fine_tuning": ["prompting", "fine_tuning"],
    "rag_and_fine_tuning": ["prompting", "rag", "fine_tuning"],
    "distillation": ["prompting", "fine_tuning", "distillation"],
}

STRATEGY_LABELS: dict[str, str] = {
    "prompting": "Prompt engineering",
    "rag": "RAG (retrieval-augmented generation)",
    "fine_tuning": "Fine-tuning",
    "rag_and_fine_tuning": "RAG + fine-tuning",
    "distillation": "Distillation into a small model",
}


class Fact(BaseModel):
    """One thing we know about the team's situation."""

    value: Any
    quote: str = Field("", description="The user's words the value came from.")
    status: Literal["stated", "assumed"] = "stated"


# Every fact the interview can know. Values are normalised:
#   need: "knowledge" | "behaviour" | "both"
#   goal: "qa" | "style" | "classification" | "extraction" | "major"
#   freshness: "realtime" | "daily" | "weekly" | "monthly" | "yearly" | "static"
#   latency_ms: int (target response time); volume_month: int (requests per month)
#   cost_sensitivity: "low" | "medium" | "high"
#   examples: int (labelled input->output pairs)
#   corpus: "small" (fits in a prompt) | "large"; corpus_tokens: int estimate when given
#   citations, permissions: bool
#   privacy: "none" | "standard" (a vendor API under agreement is fine) | "strict" (own infrastructure)
#   ceiling (what goes wrong with the current approach): "none" (prompting is good enough) | "drift" | "format" |
#       "accuracy" | "retrieval" (retrieval in place, but it only handles the simple questions) |
#       "cost" (the current approach costs too much to run) | "vendor" (quality broke when a vendor changed its
#       hosted model)
#   stage: "prototype" | "production"
#   priority: "quality" (quality overrides cost and speed) | "cost" | "speed"
#   budget_usd: int (monthly spend the team can afford, USD)
FACT_FIELDS: tuple[str, ...] = (
    "need", "goal", "freshness", "latency_ms", "volume_month", "cost_sensitivity", "examples",
    "corpus", "corpus_tokens", "citations", "permissions", "privacy", "ceiling", "stage", "priority", "budget_usd",
)


class Profile(BaseModel):
    """What is known about the team's feature. Each entry keeps the user's words."""

    need: Fact | None = None
    goal: Fact | None = None
    freshness: Fact | None = None
    latency_ms: Fact | None = None
    volume_month: Fact | None = None
    cost_sensitivity: Fact | None = None
    examples: Fact | None = None
    corpus: Fact | None = None
    corpus_tokens: Fact | None = None
    citations: Fact | None = None
    permissions: Fact | None = None
    privacy: Fact | None = None
    ceiling: Fact | None = None
    stage: Fact | None = None
    priority: Fact | None = None
    budget_usd: Fact | None = None

    def value(self, name: str, default: Any = None) -> Any:
        fact = getattr(self, name)
        return default if fact is None else fact.value

    def known(self, name: str) -> bool:
        return getattr(self, name) is not None

    def stated(self) -> dict[str, Fact]:
        return {n: f for n in FACT_FIELDS if (f := getattr(self, n)) is not None and f.status == "stated"}

    def assumed(self) -> dict[str, Fact]:
        return {n: f for n in FACT_FIELDS if (f := getattr(self, n)) is not None and f.status == "assumed"}

    def with_value(self, name: str, value: Any, quote: str = "", status: str = "stated") -> "Profile":
        return self.model_copy(update={name: Fact(value=value, quote=quote, status=status)})

    def decision_key(self) -> tuple:
        """The facts' values only: two profiles with equal keys get the same recommendation."""
        return tuple((n, repr(self.value(n))) for n in FACT_FIELDS)


class Topic(BaseModel):
    """A question the interview can ask."""

    id: str
    title: str = Field(description="Short label for progress displays.")
    question: str
    options: list[str] = Field(default_factory=list, description="Quick replies.")
    fills: list[str] = Field(description="Profile fields an answer fills.")
    key: bool = Field(False, description="One of the three key questions.")


class Message(BaseModel):
    """One line of the conversation."""

    role: Literal["user", "assistant"]
    text: str
    kind: Literal["question", "recommendation", "whatif", "answer", "notice", "text"] = "text"
    topic: str | None = None
    options: list[str] = Field(default_factory=list)
    confirms: str | None = Field(None, description="Set when the question checks a fact inferred from word choice.")


class StrategyScore(BaseModel):
    strategy: Strategy
    label: str
    layers: list[Layer]
    score: float = Field(description="Weighted rule total; higher is better.")
    share: float = Field(description="Score normalised to 0..1 across strategies, for charts.")


class Reason(BaseModel):
    """One rule that fired: the fact it read, what it means, and where the knowledge comes from."""

    rule: str
    fact: str = Field(description="Profile field the rule reads.")
    fact_value: str
    quote: str = Field("", description="The user's words behind the fact.")
    assumed: bool = False
    statement: str
    effect: dict[str, float] = Field(default_factory=dict, description="Score change per strategy.")
    stance: Literal["for", "against", "neutral"] = Field(
        "for", description="'for': the rule widens the recommended strategy's lead over the runner-up without "
                           "marking the recommended one down; 'against': it narrows that lead or marks the "
                           "recommended one down (a trade-off, never listed under 'Why'); 'neutral': it moves "
                           "neither. See agent.engine.stance.")
    sources: list[str] = Field(default_factory=list, description="Corpus source ids the rule rests on.")
    citations: list[int] = Field(default_factory=list, description="1-based indexes into Recommendation.passages.")


class CostLine(BaseModel):
    strategy: Strategy
    label: str
    monthly_usd: float
    setup_usd: tuple[float, float] = Field(description="Rough one-off cost range.")
    breakdown: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class Change(BaseModel):
    """A single-fact change that would flip the primary strategy."""

    fact: str
    current: str
    becomes: str
    new_strategy: Strategy
    description: str


class Contradiction(BaseModel):
    """A passage from the user's own documents that goes against the recommendation: shown as such, never cited as
    support."""

    passage: int = Field(description="1-based index into Recommendation.passages.")
    title: str = Field(description="The document's title.")
    sentence: str = Field(description="The sentence that goes against the recommendation.")
    statement: str = Field(description="What the user reads, e.g. 'Your document \"Policy\" says otherwise: ...'.")


class Recommendation(BaseModel):
    strategy: Strategy
    label: str
    layers: list[Layer]
    confidence: float = Field(ge=0.0, le=1.0)
    confidence_label: Literal["low", "medium", "high"]
    hosting: Literal["api", "self_hosted"] = "api"
    ranking: list[StrategyScore]
    rationale: list[Reason]
    costs: list[CostLine]
    pricing_as_of: str = ""
    first_steps: list[str]
    what_would_change: list[Change]
    assumptions: list[str] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list, description="Cited passages, numbered from 1.")
    summary: str = Field("", description="The brain's explanation, with [n] citation markers.")
    tie_note: str = Field("", description="Said aloud when the top two strategies are (nearly) tied: what broke it.")
    contradictions: list[Contradiction] = Field(
        default_factory=list, description="Passages from the user's own documents that say otherwise.")


class TopicStatus(BaseModel):
    id: str
    title: str
    key: bool
    status: Literal["unanswered", "answered", "assumed", "skipped"]
    quote: str = ""
    value: str = Field("", description="The normalised value(s) understood, in words a user reads.")


class Usage(BaseModel):
    """Tokens one brain call used (all zero for the offline brain), and what they cost."""

    brain: str
    model: str = ""
    purpose: str = Field("", description="understand | question | explain | answer")
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    usd: float = 0.0


class Hypothesis(BaseModel):
    """A what-if evaluated beside the stated facts, never over them, until the user adopts it."""

    facts: dict[str, Fact] = Field(default_factory=dict, description="Only the facts the what-if changes.")
    scale: dict[str, float] = Field(default_factory=dict, description="Relative changes, e.g. volume x10.")
    quote: str = ""
    recommendation: Recommendation | None = None


class Snapshot(BaseModel):
    """Everything a front end needs to draw one conversation."""

    thread_id: str
    messages: list[Message]
    profile: Profile
    pending: Topic | None = None
    recommendation: Recommendation | None = None
    progress: list[TopicStatus] = Field(default_factory=list)
    questions_asked: int = 0
    done: bool = False
    notices: list[str] = Field(default_factory=list, description="Notices raised by the last call (cut paste, fallback).")
    heard: list[str] = Field(default_factory=list, description="What the last answer was understood to say, in words.")
    hypothesis: Hypothesis | None = None
    brain: str = "offline"
    usage: list[Usage] = Field(default_factory=list)
    session_usd: float = Field(0.0, description="What the brain's API calls in this interview cost so far.")
    read_only: bool = Field(False, description="The store could not be written: this turn was not saved.")


class InterviewSummary(BaseModel):
    thread_id: str
    created: str
    updated: str
    opening: str
    strategy: str | None = None
