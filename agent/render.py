"""Renderers of a recommendation and of a question: plain Markdown, and Slack Block Kit as plain dicts.

Plain functions of the models, with no Slack import, so every front end (the Slack bot, a web page, a
script calling LangGraph Server) shows the same thing. Block Kit output keeps within Slack's limits
(section text 3,000 characters, header 150, 50 blocks a message, button text 75, button value 2,000,
25 buttons an actions block): anything longer is cut at a word with an ellipsis, never rejected. Text a
user reads carries no internal identifiers (strategy keys, note ids, rule ids): strategies are shown by
their labels, facts through ``agent.describe``.
"""

from __future__ import annotations

import re
from typing import Any

from .describe import md_literal
from .types import STRATEGY_LABELS, CostLine, Message, Reason, Recommendation

# Slack's published limits for the block elements used here.
SECTION_CHARS = 3000
HEADER_CHARS = 150
CONTEXT_CHARS = 3000
MAX_BLOCKS = 50
BUTTON_CHARS = 75
VALUE_CHARS = 2000
MAX_BUTTONS = 25
BLOCK_ID_CHARS = 255
FALLBACK_CHARS = 3000  # the notification text beside the blocks (Slack truncates past 40,000; keep it short)

REPLY_ACTION_PREFIX = "lever_reply_"  # action_id of quick-reply button i is f"{REPLY_ACTION_PREFIX}{i}"

LAYER_WORDS = {"prompting": "prompt engineering", "rag": "retrieval (RAG)", "fine_tuning": "fine-tuning",
               "distillation": "distillation"}
ELLIPSIS = "…"

Block = dict[str, Any]


# ---------------------------------------------------------------------------------------------- text helpers
def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters: cut at the last space before it, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: max(0, limit - len(ELLIPSIS))]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:.-") + ELLIPSIS


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack gives meaning to, so user words never become mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE)


def mrkdwn(markdown: str) -> str:
    """Our Markdown (bold, italics, headings, bullets, links) in Slack's mrkdwn, with &, < and > escaped."""
    text = escape_mrkdwn(markdown)
    text = _HEADING.sub(lambda m: "\x00" + m.group(1).strip("*_ ") + "\x01", text)
    text = _BOLD.sub(lambda m: "\x00" + (m.group(1) or m.group(2)) + "\x01", text)
    text = _ITALIC.sub(lambda m: "_" + m.group(1) + "_", text)
    text = _BULLET.sub(lambda m: m.group(1) + "• ", text)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    return text.replace("\x00", "*").replace("\x01", "*")


def _pieces(line: str, limit: int) -> list[str]:
    """A line longer than ``limit`` split at spaces (hard-split only where a word is longer than the limit)."""
    out = []
    while len(line) > limit:
        space = line.rfind(" ", 0, limit + 1)
        at = space if space > limit // 2 else limit
        out.append(line[:at].rstrip())
        line = line[at:].lstrip()
    return out + [line]


def text_sections(text: str, limit: int = SECTION_CHARS) -> list[Block]:
    """Section blocks holding ``text`` (mrkdwn), split at line ends so that none passes Slack's limit."""
    chunks: list[str] = []
    current = ""
    for line in text.strip().split("\n"):
        for piece in _pieces(line, limit):
            if current and len(current) + 1 + len(piece) > limit:
                chunks.append(current)
                current = piece
            else:
                current = f"{current}\n{piece}" if current else piece
    if current.strip():
        chunks.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks if c.strip()]


def context_block(text: str) -> Block:
    """A small grey line of mrkdwn."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, CONTEXT_CHARS)}]}


def fit_blocks(blocks: list[Block], limit: int = MAX_BLOCKS,
               note: str = "There is more than one Slack message can hold; the full report has it all.") -> list[Block]:
    """At most ``limit`` blocks: the first ones, and a closing note saying the rest was left out."""
    if len(blocks) <= limit:
        return blocks
    return blocks[: limit - 1] + [context_block(note)]


# ---------------------------------------------------------------------------------------------- shared wording
def strategy_label(strategy: str) -> str:
    return STRATEGY_LABELS.get(strategy, strategy.replace("_", " "))


def layers_text(rec: Recommendation) -> str:
    return " + ".join(LAYER_WORDS.get(layer, layer.replace("_", " ")) for layer in rec.layers)


def _confidence(rec: Recommendation) -> str:
    return f"{rec.confidence_label} ({rec.confidence:.0%})"


def _hosting(rec: Recommendation) -> str:
    return "on your own infrastructure" if rec.hosting == "self_hosted" else "a hosted model API"


def _cites(reason: Reason, passages: int) -> str:
    return "".join(f"[{n}]" for n in reason.citations if 1 <= n <= passages)


def _why(rec: Recommendation) -> list[Reason]:
    return [r for r in rec.rationale if r.stance != "against"]


def _tradeoffs(rec: Recommendation) -> list[Reason]:
    return [r for r in rec.rationale if r.stance == "against"]


def _cost_of(rec: Recommendation) -> CostLine | None:
    return next((c for c in rec.costs if c.strategy == rec.strategy), None)


def _money(usd: float) -> str:
    return f"${usd:,.0f}"


def _setup(c: CostLine) -> str:
    low, high = c.setup_usd
    return _money(low) if low == high else f"{_money(low)} to {_money(high)}"


def _source_line(p) -> str:
    return _one_line(p.citation())


# ---------------------------------------------------------------------------------------------- Markdown
def recommendation_markdown(rec: Recommendation) -> str:
    """The recommendation as plain Markdown: verdict, why (numbered sources), trade-offs, cost, steps, sources."""
    n = len(rec.passages)
    out = [f"## Recommendation: {rec.label}", "",
           f"Confidence: {_confidence(rec)}. Layers: {layers_text(rec)}. Runs on {_hosting(rec)}."]
    if rec.tie_note:
        out += ["", rec.tie_note]
    why = _why(rec)
    if why:
        out += ["", "### Why", ""]
        for r in why:
            said = f' (you said: "{md_literal(r.quote)}")' if r.quote and not r.assumed else (
                " (assumed)" if r.assumed else "")
            out.append(f"- {r.statement}{said} {_cites(r, n)}".rstrip())
    trade = _tradeoffs(rec)
    if trade:
        out += ["", "### Trade-offs", ""] + [f"- {r.statement} {_cites(r, n)}".rstrip() for r in trade]
    mine = _cost_of(rec)
    if rec.costs:
        when = f" (prices as of {rec.pricing_as_of})" if rec.pricing_as_of else ""
        out += ["", f"### Monthly cost{when}", ""]
        if mine is not None:
            out.append(f"- **{mine.label}** (recommended): about {_money(mine.monthly_usd)} a month, "
                       f"setup {_setup(mine)}")
        out += [f"- {c.label}: about {_money(c.monthly_usd)} a month" for c in rec.costs if c is not mine]
    if rec.first_steps:
        out += ["", "### First steps", ""] + [f"{i}. {s}" for i, s in enumerate(rec.first_steps, 1)]
    if rec.what_would_change:
        out += ["", "### What would change it", ""] + [f"- {c.description}" for c in rec.what_would_change]
    if rec.assumptions:
        out += ["", "### Assumptions", ""] + [f"- {a}" for a in rec.assumptions]
    if rec.passages:
        out += ["", "### Sources", ""]
        for i, p in enumerate(rec.passages, 1):
            link = f" <{p.url}>" if p.url else ""
            out.append(f"{i}. {_source_line(p)}{link}")
    return "\n".join(out) + "\n"


def question_markdown(msg: Message) -> str:
    """A question (or any assistant message) as Markdown, its quick replies as a list."""
    out = msg.text.strip()
    if msg.options:
        out += "\n\nQuick replies:\n" + "\n".join(f"- {o}" for o in msg.options)
    return out + "\n"


# ---------------------------------------------------------------------------------------------- Slack Block Kit
def recommendation_blocks(rec: Recommendation, max_blocks: int = MAX_BLOCKS, title: str | None = None) -> list[Block]:
    """The recommendation as Block Kit blocks (plain dicts), within Slack's limits. ``title`` replaces the header
    ("Recommendation: <label>"), e.g. for a what-if."""
    n = len(rec.passages)
    heading = title if title is not None else f"Recommendation: {rec.label}"
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(_one_line(heading), HEADER_CHARS) or ELLIPSIS,
                                    "emoji": False}},
    ]
    head = (f"*Confidence:* {_confidence(rec)}   *Layers:* {escape_mrkdwn(layers_text(rec))}   "
            f"*Runs on:* {_hosting(rec)}")
    if rec.tie_note:
        head += "\n" + mrkdwn(rec.tie_note)
    blocks += text_sections(head)
    why = _why(rec)
    if why:
        lines = ["*Why*"]
        for r in why:
            said = (f" _(you said: “{escape_mrkdwn(_one_line(r.quote))}”)_" if r.quote and not r.assumed
                    else (" _(assumed)_" if r.assumed else ""))
            lines.append(f"• {mrkdwn(r.statement)}{said} {_cites(r, n)}".rstrip())
        blocks += text_sections("\n".join(lines))
    trade = _tradeoffs(rec)
    if trade:
        blocks += text_sections("\n".join(["*Trade-offs*"] + [f"• {mrkdwn(r.statement)} {_cites(r, n)}".rstrip()
                                                          for r in trade]))
    mine = _cost_of(rec)
    if rec.costs:
        when = f" (prices as of {escape_mrkdwn(rec.pricing_as_of)})" if rec.pricing_as_of else ""
        lines = [f"*Monthly cost*{when}"]
        if mine is not None:
            lines.append(f"• *{escape_mrkdwn(mine.label)}* (recommended): about {_money(mine.monthly_usd)} a month, "
                         f"setup {_setup(mine)}")
        lines += [f"• {escape_mrkdwn(c.label)}: about {_money(c.monthly_usd)} a month" for c in rec.costs
                  if c is not mine]
        blocks += text_sections("\n".join(lines))
    if rec.first_steps:
        blocks += text_sections("\n".join(["*First steps*"] + [f"{i}. {mrkdwn(s)}" for i, s in
                                                           enumerate(rec.first_steps, 1)]))
    if rec.what_would_change:
        blocks += text_sections("\n".join(["*What would change it*"] + [f"• {mrkdwn(c.description)}"
                                                                    for c in rec.what_would_change]))
    if rec.assumptions:
        blocks += text_sections("\n".join(["*Assumptions*"] + [f"• {mrkdwn(a)}" for a in rec.assumptions]))
    if rec.passages:
        lines = ["*Sources*"]
        for i, p in enumerate(rec.passages, 1):
            title = escape_mrkdwn(_source_line(p))
            if p.url.startswith(("http://", "https://")):
                title = f"<{escape_mrkdwn(p.url)}|{title.replace('|', '¦')}>"
            lines.append(f"[{i}] {title}")
        blocks += text_sections("\n".join(lines))
    return fit_blocks(blocks, max_blocks)


def question_blocks(msg: Message, block_id: str = "lever_replies", max_blocks: int = MAX_BLOCKS) -> list[Block]:
    """A question as Block Kit: its text, and its quick replies as buttons.

    Button i has ``action_id`` ``f"{REPLY_ACTION_PREFIX}{i}"`` and the full reply (up to 2,000 characters) as its
    value; the actions block carries ``block_id`` so a front end can tell which question a click answers.
    """
    blocks = text_sections(mrkdwn(msg.text)) or text_sections(ELLIPSIS)
    if msg.options:
        buttons = [{"type": "button", "action_id": f"{REPLY_ACTION_PREFIX}{i}",
                    "text": {"type": "plain_text", "text": cut(_one_line(option), BUTTON_CHARS) or "…", "emoji": False},
                    "value": cut(option, VALUE_CHARS)}
                   for i, option in enumerate(msg.options[:MAX_BUTTONS])]
        blocks = fit_blocks(blocks, max_blocks - 1)
        blocks.append({"type": "actions", "block_id": block_id[:BLOCK_ID_CHARS], "elements": buttons})
        return blocks
    return fit_blocks(blocks, max_blocks)


def message_blocks(msg: Message, block_id: str = "lever_replies") -> list[Block]:
    """Any assistant message as Block Kit (a question gets its buttons)."""
    return question_blocks(msg, block_id)


def fallback_text(text: str) -> str:
    """Our Markdown as the notification text sent beside blocks (or alone), in mrkdwn and cut short."""
    return cut(mrkdwn(text.strip()), FALLBACK_CHARS) or " "


def recommendation_fallback(rec: Recommendation) -> str:
    return fallback_text(f"Recommendation: {rec.label} (confidence {_confidence(rec)})")


__all__ = [
    "BUTTON_CHARS", "HEADER_CHARS", "MAX_BLOCKS", "REPLY_ACTION_PREFIX", "SECTION_CHARS", "VALUE_CHARS",
    "context_block", "cut", "escape_mrkdwn", "fallback_text", "fit_blocks", "layers_text", "message_blocks", "mrkdwn",
    "question_blocks", "question_markdown", "recommendation_blocks", "recommendation_fallback",
    "recommendation_markdown", "strategy_label", "text_sections",
]
