"""The public renderers: a recommendation and a question as Markdown and as Slack Block Kit."""

import json
import re

import pytest
from conftest import finished_thread

from agent.render import (
    BUTTON_CHARS,
    HEADER_CHARS,
    MAX_BLOCKS,
    REPLY_ACTION_PREFIX,
    SECTION_CHARS,
    VALUE_CHARS,
    cut,
    mrkdwn,
    question_blocks,
    question_markdown,
    recommendation_blocks,
    recommendation_markdown,
)
from agent.types import Change, CostLine, Message, Passage, Reason, Recommendation, StrategyScore


def passage(i: int, url: str = "") -> Passage:
    return Passage(chunk_id=f"seed-note-{i}#section-{i}", source_id=f"seed-note-{i}", title=f"Note {i} on retrieval",
                   publisher="Test Press", date="2024", url=url, heading=[f"Note {i} on retrieval", f"Part {i}"],
                   text=f"Passage text {i}.")


def reason(statement: str, citations: list[int], stance: str = "for", quote: str = "", assumed: bool = False) -> Reason:
    return Reason(rule="need-knowledge", fact="need", fact_value="knowledge", quote=quote, assumed=assumed,
                  statement=statement, stance=stance, sources=["seed-note-1"], citations=citations)


def make_rec(**over) -> Recommendation:
    base = dict(
        strategy="rag_and_fine_tuning", label="RAG + fine-tuning", layers=["prompting", "rag", "fine_tuning"],
        confidence=0.74, confidence_label="medium", hosting="self_hosted",
        ranking=[StrategyScore(strategy="rag_and_fine_tuning", label="RAG + fine-tuning",
                               layers=["prompting", "rag", "fine_tuning"], score=5.0, share=1.0)],
        rationale=[reason("Your documents change every week, so retrieval keeps answers current.", [1, 2],
                          quote="the docs change <!channel> & every week"),
                   reason("The house style is hard to prompt for.", [3], assumed=True),
                   reason("Training and hosting a model costs more up front.", [2], stance="against")],
        costs=[CostLine(strategy="rag", label="RAG (retrieval-augmented generation)", monthly_usd=1255.3,
                        setup_usd=(100, 5000)),
               CostLine(strategy="rag_and_fine_tuning", label="RAG + fine-tuning", monthly_usd=528.0,
                        setup_usd=(2000, 20000))],
        pricing_as_of="2026-11-01",
        first_steps=["Index the documents by section.", "Collect 500 examples of the house style."],
        what_would_change=[Change(fact="freshness", current="weekly", becomes="static", new_strategy="fine_tuning",
                                  description="If the documents hardly ever changed, fine-tuning alone would do.")],
        assumptions=["About 100,000 requests a month."],
        passages=[passage(1, "https://example.org/one"), passage(2), passage(3)],
    )
    base.update(over)
    return Recommendation(**base)


def visible_text(blocks) -> str:
    """Every string a Slack user can read in ``blocks`` (not action or block ids)."""
    out = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text",) and isinstance(value, str):
                    out.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- Markdown
def test_markdown_has_every_part_and_numbers_sources_to_match_the_markers():
    md = recommendation_markdown(make_rec())
    for heading in ("## Recommendation: RAG + fine-tuning", "### Why", "### Trade-offs", "### Monthly cost",
                    "### First steps", "### What would change it", "### Assumptions", "### Sources"):
        assert heading in md
    sources = md.split("### Sources", 1)[1]
    numbered = re.findall(r"^(\d+)\. (.+)$", sources, re.MULTILINE)
    assert [int(n) for n, _ in numbered] == [1, 2, 3]
    assert "<https://example.org/one>" in numbered[0][1]
    why = md.split("### Why", 1)[1].split("### Trade-offs", 1)[0]
    assert "[1][2]" in why and "[3]" in why and "(assumed)" in why
    assert "costs more up front" not in why, "a reason against the pick is a trade-off, never under Why"
    assert "costs more up front" in md.split("### Trade-offs", 1)[1].split("###", 1)[0]
    assert "**RAG + fine-tuning** (recommended): about $528 a month, setup $2,000 to $20,000" in md


def test_markdown_and_blocks_carry_no_internal_identifiers():
    rec = make_rec()
    md = recommendation_markdown(rec)
    shown = visible_text(recommendation_blocks(rec))
    for text in (md, shown):
        for word in ("fine_tuning", "self_hosted", "need-knowledge", "seed-note", "rag_and"):
            assert word not in text
    assert "fine-tuning" in md and "own infrastructure" in md


def test_trade_offs_are_left_out_when_there_are_none():
    rec = make_rec(rationale=[reason("Only a reason for.", [1])])
    assert "Trade-offs" not in recommendation_markdown(rec)
    assert "Trade-offs" not in visible_text(recommendation_blocks(rec))


def test_question_markdown_lists_quick_replies():
    msg = Message(role="assistant", kind="question", topic="freshness", text="How often does it change?",
                  options=["Weekly", "Hardly ever"])
    assert question_markdown(msg) == "How often does it change?\n\nQuick replies:\n- Weekly\n- Hardly ever\n"


# ---------------------------------------------------------------------------------------------- Block Kit
def test_blocks_show_verdict_numbered_sources_and_escaped_user_words():
    blocks = recommendation_blocks(make_rec())
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Recommendation: RAG + fine-tuning",
                                                    "emoji": False}}
    shown = visible_text(blocks)
    sources = next(b["text"]["text"] for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("*Sources*"))
    lines = sources.split("\n")[1:]
    assert [line[:3] for line in lines] == ["[1]", "[2]", "[3]"]
    assert lines[0].startswith("[1] <https://example.org/one|Note 1 on retrieval")
    assert "&lt;!channel&gt; &amp; every week" in shown and "<!channel>" not in shown
    assert "*Why*" in shown and "*Trade-offs*" in shown and "*Monthly cost*" in shown and "*First steps*" in shown
    assert "*What would change it*" in shown
    json.dumps(blocks)  # plain data, ready for chat.postMessage


def test_blocks_of_a_huge_recommendation_stay_within_slack_limits():
    long = "word " * 1500  # 7,500 characters per statement
    rec = make_rec(label="L" * 400, rationale=[reason(f"{i} {long}", [1]) for i in range(120)],
                   passages=[passage(i) for i in range(1, 300)], first_steps=[long] * 40, tie_note=long)
    blocks = recommendation_blocks(rec)
    assert len(blocks) <= MAX_BLOCKS
    assert len(blocks[0]["text"]["text"]) <= HEADER_CHARS and blocks[0]["text"]["text"].endswith("…")
    for b in blocks:
        if b["type"] == "section":
            assert 0 < len(b["text"]["text"]) <= SECTION_CHARS
    assert blocks[-1]["type"] == "context" and "full report" in blocks[-1]["elements"][0]["text"]
    assert len(recommendation_blocks(rec, max_blocks=10)) == 10


def test_question_blocks_turn_quick_replies_into_buttons_within_limits():
    options = [f"Option {i} " + "x" * 3000 for i in range(30)] + ["Weekly"]
    msg = Message(role="assistant", kind="question", topic="freshness", text="How often does it **change**?",
                  options=options)
    blocks = question_blocks(msg, block_id="lever_q:3")
    assert blocks[0]["text"]["text"] == "How often does it *change*?"
    actions = blocks[-1]
    assert actions["type"] == "actions" and actions["block_id"] == "lever_q:3"
    buttons = actions["elements"]
    assert len(buttons) == 25
    assert [b["action_id"] for b in buttons] == [f"{REPLY_ACTION_PREFIX}{i}" for i in range(25)]
    assert all(len(b["text"]["text"]) <= BUTTON_CHARS and len(b["value"]) <= VALUE_CHARS for b in buttons)
    short = question_blocks(Message(role="assistant", kind="question", text="Q?", options=["Weekly"]))
    assert short[-1]["elements"][0]["value"] == "Weekly" and short[-1]["elements"][0]["text"]["text"] == "Weekly"


def test_a_message_without_options_has_no_buttons_and_a_long_one_is_split():
    msg = Message(role="assistant", kind="answer", text="line of text\n" * 800)
    blocks = question_blocks(msg)
    assert all(b["type"] == "section" for b in blocks) and len(blocks) > 1
    assert "".join(b["text"]["text"] + "\n" for b in blocks).count("line of text") == 800


def test_mrkdwn_converts_our_markdown_and_escapes():
    assert mrkdwn("## Heading\nsay **done** or *stop* a<b & c\n- item\n[site](https://x.org/?a=1&b=2)") == (
        "*Heading*\nsay *done* or _stop_ a&lt;b &amp; c\n• item\n<https://x.org/?a=1&amp;b=2|site>")


@pytest.mark.parametrize("limit", [1, 2, 5, 40])
def test_cut_never_exceeds_the_limit(limit):
    text = "a sentence that is far too long for the space it has"
    assert len(cut(text, limit)) <= limit and cut(text, 1000) == text


def test_a_real_recommendation_renders_with_matching_numbers(interview):
    snap = interview.state(finished_thread(interview))
    rec = snap.recommendation
    blocks = recommendation_blocks(rec)
    shown = visible_text(blocks)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", shown.split("*Sources*")[0])}
    assert markers and markers <= set(range(1, len(rec.passages) + 1))
    for p in rec.passages:
        assert p.chunk_id not in shown and p.chunk_id not in recommendation_markdown(rec)
    assert rec.label in recommendation_markdown(rec) and rec.label in shown
