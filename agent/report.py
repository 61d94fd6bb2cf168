"""The Markdown report of one interview: the final recommendation once (with reasons, costs, steps and
sources), what the user stated, any what-if kept apart, earlier recommendations as a short history, and the
transcript with the user's answers as quotes.

A plain function of the ``Snapshot``, so every front end exports the same report.
"""

from __future__ import annotations

import re

from .describe import (  # excerpt: whole sentences (sentencex)
    describe_value,
    excerpt,
    fact_label,
    md_literal,
)
from .types import FACT_FIELDS, Recommendation, Snapshot

LAYER_WORDS = {
    "prompting": "prompt engineering (control)",
    "rag": "RAG (knowledge)",
    "fine_tuning": "fine-tuning (behaviour)",
    "distillation": "distillation (a small model)",
}

def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+[.)])(?=\s|$)")


def quote_text(text: str) -> str:
    """The user's words as a Markdown block quote, shown literally (their own markup is escaped)."""
    lines = []
    for raw in text.strip().splitlines() or [""]:
        line = _MD_SPECIAL.sub(r"\\\1", raw.rstrip())
        line = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        lines.append("> " + line if line else ">")
    return "\n".join(lines)


def _inline_quote(text: str, limit: int = 160) -> str:
    return "“" + md_literal(excerpt(text, limit)) + "”"


def _first_line(markdown: str) -> str:
    """A message's headline: its first heading or bold line, else its first line that is not the echo of what
    was understood ("Got it: ...")."""
    lines = [line.strip() for line in markdown.splitlines() if line.strip()]
    headline = next((line for line in lines if line.startswith(("#", "**"))), None)
    if headline is None:
        headline = next((line for line in lines if not line.lower().startswith("got it")), lines[0] if lines else "")
    return re.sub(r"[#*_`>]", "", headline).strip()


def _recommendation_lines(rec: Recommendation, snap: Snapshot) -> list[str]:
    out: list[str] = []
    layers = " + ".join(LAYER_WORDS.get(layer, layer) for layer in rec.layers)
    hosting = "your own infrastructure (self-hosted)" if rec.hosting == "self_hosted" else "a vendor's API"
    out += [f"**{rec.label}**", "",
            f"- Layers: {layers}",
            f"- Confidence: {rec.confidence_label} ({rec.confidence:.0%})",
            f"- Hosting: {hosting}"]
    mine = next((c for c in rec.costs if c.strategy == rec.strategy), None)
    if mine is not None:
        out.append(f"- Running cost: about ${mine.monthly_usd:,.0f} a month"
                   + (f" (prices as of {rec.pricing_as_of})" if rec.pricing_as_of else ""))
    if rec.tie_note:
        out += ["", rec.tie_note]
    supporting = [r for r in rec.rationale if r.stance != "against"]
    against = [r for r in rec.rationale if r.stance == "against"]
    for heading, reasons in (("Why", supporting), ("Trade-offs", against)):
        if not reasons:
            continue
        out += ["", f"### {heading}", ""]
        for r in reasons:
            cites = "".join(f"[{n}]" for n in r.citations)
            out.append(f"- {r.statement} {cites}".rstrip())
            known = snap.profile.value(r.fact) if r.fact in FACT_FIELDS else None
            basis = f"{fact_label(r.fact)}: {describe_value(r.fact, known) if known is not None else r.fact_value}"
            if r.assumed:
                out.append(f"  - Rests on {basis}, assumed (say so if it is wrong).")
            elif r.quote:
                out.append(f"  - Rests on {basis}; you said {_inline_quote(r.quote)}")
    contradictions = getattr(rec, "contradictions", None) or []
    if contradictions:
        out += ["", "### Your documents say otherwise", ""]
        out += [f"- {c.statement} [{c.passage}]" for c in contradictions]
    if rec.summary and not re.search(r"^#", rec.summary, re.M):
        # A brain's prose explanation. (The offline brain's summary is the chat message itself, headings and all,
        # which would repeat the sections of this report.)
        out += ["", "### In words", "", rec.summary.strip()]
    out += ["", "### How every strategy scored", "", "| Strategy | Score |", "|---|---:|"]
    out += [f"| {s.label} | {s.score:+.1f} |" for s in sorted(rec.ranking, key=lambda s: -s.score)]
    out += ["", "### Monthly cost" + (f" (prices as of {rec.pricing_as_of})" if rec.pricing_as_of else ""), "",
            "| Strategy | Per month | Setup, one-off | Notes |", "|---|---:|---|---|"]
    out += [f"| {c.label} | ${c.monthly_usd:,.0f} | ${c.setup_usd[0]:,.0f} to ${c.setup_usd[1]:,.0f} | "
            f"{_cell('; '.join(c.notes))} |" for c in sorted(rec.costs, key=lambda c: c.monthly_usd)]
    if rec.first_steps:
        out += ["", "### First steps", ""] + [f"{i}. {s}" for i, s in enumerate(rec.first_steps, 1)]
    if rec.what_would_change:
        out += ["", "### What would change this", ""]
        out += [f"- {c.description}" for c in rec.what_would_change]
    if rec.assumptions:
        out += ["", "### Assumptions", ""] + [f"- {a}" for a in rec.assumptions]
    return out


def recommendation_markdown(snap: Snapshot) -> str:
    """The recommendation alone, as Markdown (what "copy the recommendation" puts on the clipboard)."""
    rec = snap.recommendation
    if rec is None:
        return ""
    out = [f"# Recommendation: {rec.label}", ""] + _recommendation_lines(rec, snap)
    if rec.passages:
        out += ["", "### Sources", ""]
        out += [f"[{i}] {_cell(p.citation())}" + (f" <{p.url}>" if p.url.startswith(("http://", "https://")) else "")
                for i, p in enumerate(rec.passages, 1)]
    return "\n".join(out).rstrip() + "\n"


def markdown_report(snap: Snapshot, title: str = "") -> str:
    rec = snap.recommendation
    if rec is None:
        raise ValueError("an interview without a recommendation has nothing to report")
    out = [f"# Lever recommendation: {rec.label}", ""]
    meta = [f"Interview `{snap.thread_id}`"]
    if title:
        meta.insert(0, "“" + _MD_SPECIAL.sub(r"\\\1", " ".join(title.split())) + "”")
    brain = snap.brain or "offline"
    meta.append(f"{brain} brain")
    if snap.session_usd:
        usd = snap.session_usd
        meta.append(f"API cost this session ${usd:,.4f}" if usd < 1 else f"API cost this session ${usd:,.2f}")
    out += [" · ".join(meta), "", "## Recommendation", ""]
    out += _recommendation_lines(rec, snap)

    stated = snap.profile.stated()
    if stated:
        out += ["", "## What you told Lever", "", "| Fact | Understood as | Your words |", "|---|---|---|"]
        for name, fact in stated.items():
            out.append(f"| {fact_label(name)} | {_cell(describe_value(name, fact.value))} | "
                       f"{_cell(_inline_quote(fact.quote, 120)) if fact.quote else ''} |")

    h = snap.hypothesis
    if h is not None and (h.facts or h.scale or h.recommendation is not None):
        out += ["", "## What-if (hypothetical: not part of the facts above)", ""]
        if h.quote:
            out += [quote_text(h.quote), ""]
        for name, fact in h.facts.items():
            out.append(f"- {fact_label(name)}: {describe_value(name, fact.value)}")
        for name, factor in h.scale.items():
            out.append(f"- {fact_label(name)} × {factor:g}")
        if h.recommendation is not None:
            hr = h.recommendation
            verdict = "the same recommendation" if hr.strategy == rec.strategy else f"**{hr.label}** instead"
            out.append(f"- It would give {verdict} ({hr.confidence_label} confidence, {hr.confidence:.0%}).")

    history = _history(snap)
    if history:
        out += ["", "## Earlier recommendations and what-ifs in this interview", ""]
        out += [f"- {line}" for line in history]

    if rec.passages:
        out += ["", "## Sources", ""]
        for i, p in enumerate(rec.passages, 1):
            where = f" <{p.url}>" if p.url.startswith(("http://", "https://")) else ""
            out += [f"**[{i}]** {_cell(p.citation())}{where}", "", "> " + _MD_SPECIAL.sub(r"\\\1", excerpt(p.text)), ""]
        out.pop()

    out += ["", "## Transcript", ""]
    recs = [i for i, m in enumerate(snap.messages) if m.kind == "recommendation"]
    for i, m in enumerate(snap.messages):
        if m.role == "user":
            out += ["**You:**", "", quote_text(m.text), ""]
        elif m.kind == "recommendation":
            note = ("the recommendation above" if i == recs[-1]
                    else "an earlier recommendation, listed under Earlier recommendations")
            out += [f"**Lever:** *{_first_line(m.text)}* ({note})", ""]
        elif m.kind == "whatif":
            out += [f"**Lever:** *{_first_line(m.text)}* (a what-if, listed under Earlier recommendations)", ""]
        else:
            out += ["**Lever:**", "", m.text.strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def recs_in(snap: Snapshot) -> list[int]:
    """Indexes of the messages that carry a recommendation or a what-if's result."""
    return [i for i, m in enumerate(snap.messages) if m.kind in ("recommendation", "whatif")]


def _history(snap: Snapshot) -> list[str]:
    """One line per earlier recommendation or what-if, with the user message that led to it. The last
    recommendation message is the one the report gives in full, so it is not repeated here."""
    from .describe import sentences

    final = max((i for i, m in enumerate(snap.messages) if m.kind == "recommendation"), default=-1)
    lines = []
    previous_user = ""
    for i, m in enumerate(snap.messages):
        if m.role == "user":
            previous_user = m.text
        elif m.kind in ("recommendation", "whatif") and i != final:
            after = f" (after {_inline_quote(previous_user, 80)})" if previous_user else ""
            headline = _first_line(m.text)
            if m.kind == "whatif":
                headline = "What-if: " + (sentences(headline) or [headline])[0]
            lines.append(headline + after)
    return lines
