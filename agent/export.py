"""The JSON export of one interview: a plain function of its snapshot and history row.

The document is an ``InterviewExport`` (pydantic), so its JSON Schema is published from the same model
(``lever schema --export``) and every export validates against it. It carries the interview id, Lever's
version, the brain, timestamps, the facts the user stated (each with the words it came from), the
assumptions and any what-if kept apart and marked as hypothetical, the recommendation, the transcript
and what the brain's API calls cost.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from .describe import describe_value, fact_label
from .types import FACT_FIELDS, Fact, InterviewSummary, Recommendation, Snapshot, Usage

EXPORT_FORMAT = "lever-interview"
EXPORT_VERSION = 1


class ExportFact(BaseModel):
    """One fact, with its label and value in words a person reads."""

    field: str = Field(description="The profile field (a stable key for programs).")
    label: str = Field(description="What the fact is about, in words.")
    value: Any = Field(description="The normalised value (a string, number or boolean).")
    value_text: str = Field(description="The value in words.")
    quote: str = Field("", description="The user's words the value came from (empty for an assumption).")
    status: Literal["stated", "assumed", "hypothetical"]


class ExportHypothesis(BaseModel):
    """A what-if evaluated beside the stated facts; never part of them."""

    status: Literal["hypothetical"] = "hypothetical"
    quote: str = Field("", description="The user's what-if, in their words.")
    facts: list[ExportFact] = Field(default_factory=list, description="Only the facts the what-if changes.")
    scale: dict[str, float] = Field(default_factory=dict, description="Relative changes, e.g. volume x10.")
    recommendation: Recommendation | None = Field(None, description="What the what-if would recommend.")


class ExportMessage(BaseModel):
    role: Literal["user", "assistant"]
    kind: str = Field(description="question | recommendation | answer | notice | text")
    text: str


class ExportCost(BaseModel):
    session_usd: float = Field(description="What the brain's API calls in this interview cost, in US dollars.")
    calls: list[Usage] = Field(default_factory=list, description="Tokens and cost of each brain call.")


class InterviewExport(BaseModel):
    """One interview, exported by Lever."""

    format: Literal["lever-interview"] = EXPORT_FORMAT
    format_version: Literal[1] = EXPORT_VERSION
    interview_id: str
    lever_version: str
    brain: str = Field(description="The brain that understood the answers: offline, claude, ...")
    created: str | None = Field(None, description="When the interview started (ISO 8601, local time).")
    updated: str | None = Field(None, description="When it last changed (ISO 8601, local time).")
    exported: str = Field(description="When this file was written (ISO 8601, local time).")
    title: str = Field("", description="The interview's name: the user's own, else its first answer.")
    facts: list[ExportFact] = Field(description="What the user stated, each with the words it came from.")
    assumptions: list[ExportFact] = Field(default_factory=list, description="Facts assumed, never stated.")
    hypothetical: ExportHypothesis | None = Field(None, description="A what-if, kept apart from the facts.")
    recommendation: Recommendation = Field(description="The recommendation for the stated facts.")
    transcript: list[ExportMessage]
    cost: ExportCost


def lever_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lever")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def _fact(field: str, fact: Fact, status: str) -> ExportFact:
    value = fact.value
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        value = str(value)
    return ExportFact(field=field, label=fact_label(field), value=value, value_text=describe_value(field, fact.value),
                      quote=fact.quote if status != "assumed" else "", status=status)  # type: ignore[arg-type]


def build_export(snap: Snapshot, summary: InterviewSummary | None = None,
                 title: str = "", now: dt.datetime | None = None) -> InterviewExport:
    rec = snap.recommendation
    if rec is None:
        raise ValueError("an interview without a recommendation has nothing to export")
    profile = snap.profile
    facts = [_fact(n, f, "stated") for n, f in profile.stated().items()]
    assumed = [_fact(n, f, "assumed") for n, f in profile.assumed().items()]
    hypothetical = None
    if snap.hypothesis is not None:
        h = snap.hypothesis
        hypothetical = ExportHypothesis(
            quote=h.quote, scale=dict(h.scale), recommendation=h.recommendation,
            facts=[_fact(n, f, "hypothetical") for n, f in h.facts.items() if n in FACT_FIELDS],
        )
    opening = summary.opening if summary is not None else next((m.text for m in snap.messages if m.role == "user"), "")
    return InterviewExport(
        interview_id=snap.thread_id,
        lever_version=lever_version(),
        brain=snap.brain,
        created=summary.created if summary is not None else None,
        updated=summary.updated if summary is not None else None,
        exported=(now or dt.datetime.now()).isoformat(timespec="seconds"),
        title=title or getattr(summary, "title", "") or opening,
        facts=facts,
        assumptions=assumed,
        hypothetical=hypothetical,
        recommendation=rec,
        transcript=[ExportMessage(role=m.role, kind=m.kind, text=m.text) for m in snap.messages],
        cost=ExportCost(session_usd=snap.session_usd, calls=list(snap.usage)),
    )


def export_json(snap: Snapshot, summary: InterviewSummary | None = None, title: str = "") -> str:
    """The export as indented JSON text (UTF-8, non-ASCII kept)."""
    doc = build_export(snap, summary, title)
    return json.dumps(doc.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def export_schema() -> dict:
    """The JSON Schema every export validates against (``lever schema --export``)."""
    schema = InterviewExport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
