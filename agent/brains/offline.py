"""The offline brain, the embedded default: rules for understanding (``agent.extract``), templates for
phrasing, and explanations assembled from the engine's reasons and the retrieved passages. No key, no network,
deterministic.

The renderers here (``explanation``, ``cost_answer``, ``plain_summary``, ``passage_answer``) are plain functions of
the recommendation and the passages, so another brain can fall back on them.
"""

from __future__ import annotations

import math
import re
from typing import Any

from knowledge.types import Passage

from ..describe import excerpt, layers_text, md_literal, sentences
from ..engine import contradiction
from ..extract import understand
from ..types import STRATEGY_LABELS, Profile, Reason, Recommendation, Topic
from .base import Understanding, Writer

# ---------------------------------------------------------------------------------------------- explanation


def _reason_line(reason: Reason) -> str:
    cites = "".join(f"[{n}]" for n in reason.citations)
    said = f' (you said: "{md_literal(reason.quote)}")' if reason.quote and not reason.assumed else ""
    assumed = " *(assumed)*" if reason.assumed else ""
    return f"- {reason.statement}{said}{assumed} {cites}".rstrip()


CLOSE_ALTERNATIVE = 2.0  # points of score behind the recommendation


def _cost_line(rec: Recommendation) -> str:
    mine = next(c for c in rec.costs if c.strategy == rec.strategy)
    # Only a close alternative is worth pricing aloud: a cheap option the facts rule out (distillation for a
    # knowledge base that changes weekly) is no option at all.
    scores = {s.strategy: s.score for s in rec.ranking}
    top = scores.get(rec.strategy, 0.0)
    close = [c for c in rec.costs if scores.get(c.strategy, -1e9) >= top - CLOSE_ALTERNATIVE]
    cheapest = min(close or [mine], key=lambda c: c.monthly_usd)
    line = (f"**Cost:** about ${mine.monthly_usd:,.0f} a month to run this stack, plus a one-off setup of roughly "
            f"${mine.setup_usd[0]:,.0f}-${mine.setup_usd[1]:,.0f}")
    if _volume_assumed(rec):
        line += f" (at an assumed {_volume(rec):,} requests a month)"
    line += "."
    if cheapest.strategy != rec.strategy:
        line += (f" Of the close alternatives, {cheapest.label} would cost less, about ${cheapest.monthly_usd:,.0f} "
                 "a month.")
    over = [n for n in mine.notes if n.startswith("over your")]
    if over:
        line += f" This is {over[0]}."
    line += f" Every option is in the cost table (prices as of {rec.pricing_as_of})."
    return line


def _trade_off_lead(rec: Recommendation) -> str:
    """What the trade-offs are measured against: the runner-up, named by what it adds or leaves out."""
    runner = max((s for s in rec.ranking if s.strategy != rec.strategy), key=lambda s: s.score)
    mine, theirs = set(rec.layers), set(runner.layers)
    if theirs < mine:
        return f"What favours {runner.label} alone, without the {layers_text([x for x in rec.layers if x not in theirs])} layer:"
    if mine < theirs:
        return f"What favours adding {layers_text([x for x in runner.layers if x not in mine])}, as {runner.label} does:"
    return f"What counts against it, or favours {runner.label} (the runner-up):"


def explanation(rec: Recommendation, previous: Recommendation | None = None) -> str:
    """The recommendation in Markdown: verdict, why, trade-offs, tie, costs, steps, what would change, assumptions,
    sources. Labels only: no internal identifiers."""
    lines: list[str] = []
    if previous is not None:
        if previous.strategy != rec.strategy:
            lines.append(f"**That changes the answer:** {STRATEGY_LABELS[previous.strategy]} → **{rec.label}**.")
        else:
            lines.append(f"**Still {rec.label}**, re-run with the new facts.")
        old = {s.strategy: s.score for s in previous.ranking}
        moved = [f"{s.label} {old.get(s.strategy, 0):+.1f} → {s.score:+.1f}" for s in rec.ranking
                 if abs(old.get(s.strategy, 0) - s.score) >= 0.05]
        if moved:
            lines.append("Scores that moved: " + "; ".join(moved) + ".")
        lines.append("")
    lines.append(f"## Recommendation: {rec.label}")
    lines.append(f"Layers: {layers_text(rec.layers)}. Confidence: {rec.confidence_label} ({rec.confidence:.0%}).")
    if rec.hosting == "self_hosted":
        lines.append("Hosting: self-hosted (the data has to stay on your infrastructure).")
    if rec.tie_note:
        close = rec.tie_note.startswith("Close call: ")
        lines += ["", f"**{'Close call' if close else 'A tie'}:** " + rec.tie_note.removeprefix("Close call: ")]
    support = [r for r in rec.rationale if r.stance == "for"]
    against = [r for r in rec.rationale if r.stance == "against"]
    lines += ["", "### Why"]
    if support:
        lines += [_reason_line(r) for r in support]
    else:
        lines.append("- No single fact argues for it: it is the default starting point, and what counts against it "
                     "weighs less than what counts against the alternatives.")
    if against:
        lines += ["", "### Trade-offs", _trade_off_lead(rec)]
        lines += [_reason_line(r) for r in against]
    if rec.contradictions:
        lines += ["", "### Your documents say otherwise"]
        lines += [f"- {c.statement}" for c in rec.contradictions]
    lines += ["", _cost_line(rec), "", "### First steps"]
    lines += [f"{i}. {s}" for i, s in enumerate(rec.first_steps, 1)]
    if rec.what_would_change:
        lines += ["", "### What would change this"]
        lines += [f"- {c.description}" for c in rec.what_would_change]
    if rec.assumptions:
        lines += ["", "### Assumptions"]
        lines += [f"- {a}" for a in rec.assumptions]
    shown = "\n".join(lines)
    cited = [(i, p) for i, p in enumerate(rec.passages, 1) if f"[{i}]" in shown]
    if cited:  # the passages the text above cites, with their numbers (a passage only a neutral reason cites is left out)
        lines += ["", "### Sources"]
        lines += [f"- [{i}] {p.citation()}" for i, p in cited]
    lines += ["", "Ask me anything about this, or tell me what changed (\"what if we had 5,000 examples?\"). "
                  "Say *done* when you are finished."]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- follow-up answers
SIMPLE = re.compile(r"\b(explain (it |this |that )?(simply|plainly|in (plain|simple) (words|terms|english))|"
                    r"in (plain|simple|layman'?s?) (words|terms|english)|eli5|tl;? ?dr|too long|summar(y|ise|ize)|"
                    r"in a nutshell|short version|bottom line|in one (line|sentence)|keep it simple|simpler "
                    r"(version|terms)|for (a|my) (manager|boss|non-?technical)|gist|upshot|sum (it|this|that) up)",
                    re.I)
COST = re.compile(r"\b(costs?|costing|costly|price[ds]?|pricing|expensive|cheap(er|est)?|bill|spend(ing)?|budget|"
                  r"dollars?|usd|how much (a|per) month|how much (would|will|does|did) (it|this|that) (be|run|come))\b|"
                  r"\$\s?\d", re.I)
_STOP = set("""a an and are as at be been but by can could did do does doing for from had has have how i if in into is
it its just me more most my no not of on or our over should so some such than that the their them then there these
they this those to too us very was we were what when where which while who why will with would you your about any
tell explain say says""".split())


def _volume(rec: Recommendation) -> int:
    for note in rec.costs[0].notes if rec.costs else []:
        m = re.match(r"([\d,]+) requests a month", note)
        if m:
            return int(m.group(1).replace(",", ""))
    return 0


def _volume_assumed(rec: Recommendation) -> bool:
    return any("requests a month (assumed)" in n for n in (rec.costs[0].notes if rec.costs else []))


def cost_answer(rec: Recommendation) -> str:
    """A cost question answered from the recommendation's cost lines."""
    volume = _volume(rec)
    head = f"Monthly running cost at {volume:,} requests a month"
    head += " (an assumed volume: tell me yours and I'll redo it)" if _volume_assumed(rec) else ""
    lines = [head + f", prices as of {rec.pricing_as_of}:", ""]
    for c in sorted(rec.costs, key=lambda c: c.monthly_usd):
        mark = " **(recommended)**" if c.strategy == rec.strategy else ""
        over = next((f"; {n}" for n in c.notes if n.startswith("over your")), "")
        lines.append(f"- {c.label}{mark}: about ${c.monthly_usd:,.0f} a month, setup roughly "
                     f"${c.setup_usd[0]:,.0f}-${c.setup_usd[1]:,.0f}{over}")
    mine = next(c for c in rec.costs if c.strategy == rec.strategy)
    how = "; ".join(n for n in (mine.notes[:1] + mine.notes[2:3]))
    lines += ["", f"The recommended stack ({rec.label}) runs at about ${mine.monthly_usd:,.0f} a month ({how}).",
              "These are estimates from token counts and list prices; ask \"what would it cost at 10x volume?\" to "
              "compare."]
    return "\n".join(lines)


def _lower_first(text: str) -> str:
    """'The need is ...' -> 'the need is ...', but 'RAG ...' stays."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def plain_summary(rec: Recommendation) -> str:
    """A short summary in plain words: what, why, what it costs, where to start."""
    support = [r for r in rec.rationale if r.stance == "for"]
    why = (sentences(support[0].statement)[0] if support
           else "it is the simplest place to start, and nothing you told me outweighs that.")
    mine = next(c for c in rec.costs if c.strategy == rec.strategy)
    step = sentences(rec.first_steps[0])[0] if rec.first_steps else ""
    parts = [f"In short: go with **{rec.label}**.", f"Mostly because {_lower_first(why)}"]
    parts.append(f"It should cost about ${mine.monthly_usd:,.0f} a month to run.")
    if step:
        parts.append(f"Where to start: {step}")
    if rec.tie_note:
        runner = next((s for s in rec.ranking if s.strategy != rec.strategy), None)
        if runner is not None:
            parts.append(f"It was a close call with {runner.label}.")
    sure = {"high": "fairly", "medium": "moderately"}.get(rec.confidence_label, "not very")
    parts.append(f"I'm {sure} sure of this ({rec.confidence:.0%}).")
    return " ".join(parts)


def _words(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower()):
        if w in _STOP or len(w) < 2:
            continue
        out.append(re.sub(r"(ies|es|s|ing|ed)$", "", w) if len(w) > 4 else w)
    return out


_NAMED = {
    "rag_and_fine_tuning": re.compile(r"\b(rag|retrieval)\s*(\+|and|plus|with)\s*fine[- ]?tun\w*|"
                                      r"\bboth\b.*\blayers?\b", re.I),
    "distillation": re.compile(r"\bdistil\w*|\bstudent model", re.I),
    "fine_tuning": re.compile(r"\bfine[- ]?tun\w*|\bfinetun\w*|\blora\b", re.I),
    "rag": re.compile(r"\brag\b|\bretrieval\b|\bvector (database|store|search)", re.I),
    "prompting": re.compile(r"\bprompt(ing| engineering)\b|\bjust (a )?prompts?\b", re.I),
}


_WEIGHING = re.compile(r"\b(why|what about|how about|should|instead|rather|versus|vs|compare[sd]?|better|worse|"
                       r"not|over|choose|chose|pick|picked|recommend\w*)\b", re.I)


def named_strategy(question: str) -> str | None:
    """The strategy a question weighs ("why not fine-tuning?", "what about RAG instead?"), if it names one."""
    if not _WEIGHING.search(question):
        return None
    return next((s for s, cue in _NAMED.items() if cue.search(question)), None)


def about_strategy(strategy: str, rec: Recommendation) -> list[str]:
    """What the engine's own reasons say about ``strategy`` for this team: its score against the recommendation,
    the reasons that count most against it, and the change that would make it the answer."""
    score = {s.strategy: s.score for s in rec.ranking}
    label = STRATEGY_LABELS[strategy]
    if strategy == rec.strategy:
        support = [r for r in rec.rationale if r.stance == "for"][:2]
        lines = [f"For your situation: {label} is the recommendation ({score[strategy]:+.1f} points)."]
        lines += [f"- {r.statement}" for r in support]
        return lines
    lines = [f"For your situation: {label} scored {score[strategy]:+.1f} against {score[rec.strategy]:+.1f} for "
             f"{rec.label}."]
    against = sorted((r for r in rec.rationale if r.effect.get(strategy, 0.0) < r.effect.get(rec.strategy, 0.0)),
                     key=lambda r: r.effect.get(strategy, 0.0) - r.effect.get(rec.strategy, 0.0))[:2]
    lines += [f"- {r.statement}" for r in against]
    flip = next((c for c in rec.what_would_change if c.new_strategy == strategy), None)
    if flip is not None:
        lines.append(f"- {flip.description}")
    return lines


def passage_answer(question: str, passages: list[Passage], rec: Recommendation | None, limit: int = 4) -> str:
    """Whole sentences from the best passages, most relevant first, each with its citation; a user document that
    says otherwise is shown as such."""
    terms = set(_words(question))
    candidates: list[tuple[float, int, int, str]] = []
    df: dict[str, int] = {}
    split = [sentences(p.text) for p in passages]
    for sents in split:
        for s in sents:
            for t in set(_words(s)):
                df[t] = df.get(t, 0) + 1
    total = sum(len(s) for s in split) or 1
    for i, sents in enumerate(split):
        for j, s in enumerate(sents):
            words = set(_words(s))
            overlap = sum(math.log(1 + total / df[t]) for t in terms & words)
            rank_bonus = 0.3 * (len(passages) - i) / max(len(passages), 1)
            candidates.append((overlap + rank_bonus - 0.01 * j, i, j, s))
    chosen = [c for c in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])) if c[0] > 0.35][:limit]
    if not chosen:  # nothing matched the words: the first sentence of each of the top passages
        chosen = [(0.0, i, 0, sents[0]) for i, sents in enumerate(split[:2]) if sents]
    lines: list[str] = []
    disputed: list[str] = []
    for _, i, _, sentence in chosen:
        p = passages[i]
        against = contradiction(p, rec.strategy) if rec is not None else None
        if against is not None:
            disputed.append(f'- Your document "{p.title}" says otherwise: "{against[0]}" [{i + 1}] (the '
                            f"recommendation is {rec.label}).")
        elif p.kind == "user":
            lines.append(f'- From your document "{p.title}": {sentence} [{i + 1}]')
        else:
            lines.append(f"- {sentence} [{i + 1}]")
    out: list[str] = []
    named = named_strategy(question) if rec is not None else None
    if named is not None:
        out += about_strategy(named, rec) + [""]
    out += ["Here is what the knowledge base says, most relevant first:", ""] + lines
    if disputed:
        out += ["", "Your own documents disagree with the recommendation here:"] + sorted(set(disputed))
    used = sorted({i for _, i, _, _ in chosen})
    out += [""] + [f"- [{i + 1}] {passages[i].citation()}" for i in used]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- the brain
class OfflineBrain:
    name = "offline"

    def understand(self, text: str, pending: str | None, profile: Profile,
                   history: list[dict] | None = None, recent: list[str] | None = None) -> Understanding:
        return understand(text, pending, profile, recent or [])

    def take_events(self) -> list[dict[str, Any]]:
        return []  # no tokens, no fallbacks

    def phrase_question(self, topic: Topic, profile: Profile, notes: list[str],
                        history: list[dict] | None = None) -> str:
        lead = "\n\n".join(n.strip() for n in notes if n.strip())
        return f"{lead}\n\n{topic.question}" if lead else topic.question

    def explain(self, rec: Recommendation, profile: Profile, previous: Recommendation | None,
                write: Writer | None = None) -> str:
        return explanation(rec, previous)

    def answer(self, question: str, passages: list[Passage], rec: Recommendation | None,
               write: Writer | None = None) -> str:
        if SIMPLE.search(question):
            if rec is None:
                return ("I don't have a recommendation to summarise yet: answer a few more questions and I'll give "
                        "you one.")
            return plain_summary(rec)
        if COST.search(question) and rec is not None:
            return cost_answer(rec)
        if not passages:
            return ("I couldn't find anything on that in the knowledge base. Try other words, or add your own "
                    "documents with `lever knowledge add PATH`.")
        return passage_answer(question, passages, rec)


__all__ = ["OfflineBrain", "cost_answer", "excerpt", "explanation", "passage_answer", "plain_summary"]
