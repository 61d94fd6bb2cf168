"""The Markdown report: verdict, reasons with numbered sources, costs, steps, transcript."""

from __future__ import annotations

from .types import Snapshot


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_report(snap: Snapshot) -> str:
    rec = snap.recommendation
    assert rec is not None
    out = [f"# Lever recommendation: {rec.label}", ""]
    out.append(f"- Strategy: `{rec.strategy}` (layers: {', '.join(rec.layers)})")
    out.append(f"- Confidence: {rec.confidence_label} ({rec.confidence:.0%})")
    out.append(f"- Hosting: {'self-hosted' if rec.hosting == 'self_hosted' else 'hosted API'}")
    out.append(f"- Interview: {snap.thread_id}")
    out += ["", "## Scores", "", "| Strategy | Score |", "|---|---|"]
    out += [f"| {s.label} | {s.score:+.1f} |" for s in rec.ranking]
    out += ["", "## Why", ""]
    for r in rec.rationale:
        cites = " ".join(f"[{n}]" for n in r.citations)
        quote = f' — you said: "{_cell(r.quote)}"' if r.quote and not r.assumed else (" (assumed)" if r.assumed else "")
        out.append(f"- {r.statement}{quote} {cites}".rstrip())
    out += ["", f"## Monthly cost (prices as of {rec.pricing_as_of})", "",
            "| Strategy | Per month | Setup | Notes |", "|---|---:|---|---|"]
    out += [f"| {c.label} | ${c.monthly_usd:,.0f} | ${c.setup_usd[0]:,.0f}-${c.setup_usd[1]:,.0f} | "
            f"{_cell('; '.join(c.notes))} |" for c in rec.costs]
    out += ["", "## First steps", ""] + [f"{i}. {s}" for i, s in enumerate(rec.first_steps, 1)]
    if rec.what_would_change:
        out += ["", "## What would change this", ""] + [f"- {c.description}" for c in rec.what_would_change]
    if rec.assumptions:
        out += ["", "## Assumptions", ""] + [f"- {a}" for a in rec.assumptions]
    out += ["", "## Sources", ""]
    for i, p in enumerate(rec.passages, 1):
        where = f" <{p.url}>" if p.url else ""
        out.append(f"[{i}] {p.citation()}{where}")
        out.append(f"    > {_cell(p.text)[:400]}")
    out += ["", "## Transcript", ""]
    for m in snap.messages:
        who = "You" if m.role == "user" else "Lever"
        body = m.text if m.role == "assistant" else "\n".join(f"    {line}" for line in m.text.splitlines())
        out += [f"**{who}:**", "", body, ""]
    return "\n".join(out).rstrip() + "\n"
