"""The offline brain, the embedded default: rules for understanding (``agent.extract``), templates for
phrasing, and explanations assembled from the engine's reasons and the retrieved passages. No key, no network,
deterministic.
"""

from __future__ import annotations

from typing import Any

from knowledge.types import Passage

from ..extract import understand
from ..types import STRATEGY_LABELS, Profile, Recommendation, Topic
from .base import Understanding, Writer


def _excerpt(text: str, limit: int = 260) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


class OfflineBrain:
    name = "offline"

    def understand(self, text: str, pending: str | None, profile: Profile,
                   history: list[dict] | None = None, recent: list[str] | None = None) -> Understanding:
        return understand(text, pending, profile, recent or [])

    def take_events(self) -> list[dict[str, Any]]:
        return []  # no tokens, no fallbacks

    def phrase_question(self, topic: Topic, profile: Profile, notes: list[str],
                        history: list[dict] | None = None) -> str:
        lead = " ".join(notes).strip()
        return f"{lead}\n\n{topic.question}" if lead else topic.question

    def explain(self, rec: Recommendation, profile: Profile, previous: Recommendation | None,
                write: Writer | None = None) -> str:
        lines: list[str] = []
        if previous is not None:
            if previous.strategy != rec.strategy:
                lines.append(f"**That changes the answer:** {STRATEGY_LABELS[previous.strategy]} → "
                             f"**{rec.label}**.")
            else:
                lines.append(f"**Still {rec.label}**, re-run with the new facts.")
            old = {s.strategy: s.score for s in previous.ranking}
            moved = [f"{s.label} {old.get(s.strategy, 0):+.1f} → {s.score:+.1f}" for s in rec.ranking
                     if abs(old.get(s.strategy, 0) - s.score) >= 0.05]
            if moved:
                lines.append("Scores that moved: " + "; ".join(moved) + ".")
            lines.append("")
        layers = " + ".join(rec.layers)
        lines.append(f"## Recommendation: {rec.label}")
        lines.append(f"Layers: {layers}. Confidence: {rec.confidence_label} ({rec.confidence:.0%}).")
        if rec.hosting == "self_hosted":
            lines.append("Hosting: self-hosted (the data has to stay on your infrastructure).")
        lines.append("")
        lines.append("### Why")
        for reason in rec.rationale:
            if reason.effect.get(rec.strategy, 0) <= 0 and len(lines) > 12:
                continue
            cites = "".join(f"[{n}]" for n in reason.citations)
            said = f' (you said: "{reason.quote}")' if reason.quote and not reason.assumed else ""
            assumed = " *(assumed)*" if reason.assumed else ""
            lines.append(f"- {reason.statement}{said}{assumed} {cites}".rstrip())
        mine = next(c for c in rec.costs if c.strategy == rec.strategy)
        lines.append("")
        lines.append(f"**Cost:** about ${mine.monthly_usd:,.0f}/month for this stack (every option is in the cost "
                     f"table; prices as of {rec.pricing_as_of}).")
        lines.append("")
        lines.append("### First steps")
        lines += [f"{i}. {s}" for i, s in enumerate(rec.first_steps, 1)]
        if rec.what_would_change:
            lines.append("")
            lines.append("### What would change this")
            lines += [f"- {c.description}" for c in rec.what_would_change]
        if rec.assumptions:
            lines.append("")
            lines.append("### Assumptions")
            lines += [f"- {a}" for a in rec.assumptions]
        if rec.passages:
            lines.append("")
            lines.append("### Sources")
            lines += [f"- [{i}] {p.citation()}" for i, p in enumerate(rec.passages, 1)]
        lines.append("")
        lines.append("Ask me anything about this, or tell me what changed (\"what if we had 5,000 examples?\"). "
                     "Say *done* when you are finished.")
        return "\n".join(lines)

    def answer(self, question: str, passages: list[Passage], rec: Recommendation | None,
               write: Writer | None = None) -> str:
        if not passages:
            return ("I couldn't find anything on that in the knowledge base. Try other words, or add your own "
                    "documents with `lever knowledge add PATH`.")
        lines = ["Here is what the knowledge base says:", ""]
        for i, p in enumerate(passages, 1):
            lines.append(f"- {_excerpt(p.text)} [{i}]")
        lines.append("")
        lines += [f"- [{i}] {p.citation()}" for i, p in enumerate(passages, 1)]
        return "\n".join(lines)

