"""The exports as plain functions: the JSON document against its schema, and the Markdown report (the final
recommendation once, what-ifs apart, answers as quotes, contradicting documents shown as such)."""

from __future__ import annotations

import json

import jsonschema

from agent import Interview
from agent.export import export_json, export_schema
from agent.report import markdown_report, quote_text, recommendation_markdown
from agent.types import Contradiction, Fact, Hypothesis, Message

from conftest import ANSWERS, finished_thread


def _with_what_if(iv: Interview):
    snap = iv.state(finished_thread(iv))
    rec = snap.recommendation
    what_if_rec = rec.model_copy(update={"strategy": "rag_and_fine_tuning", "label": "RAG + fine-tuning"})
    contradiction = Contradiction(passage=1, title="Our policy", sentence="We never retrain.",
                                  statement='Your document "Our policy" says otherwise: we never retrain.')
    return snap.model_copy(update={
        "messages": snap.messages + [
            Message(role="user", text="what if we had 5,000 labelled examples?"),
            Message(role="assistant", kind="whatif", text="Got it: 5,000 examples.\n\n**What if: RAG + fine-tuning**"),
        ],
        "hypothesis": Hypothesis(facts={"examples": Fact(value=5000, quote="what if we had 5,000 labelled examples?")},
                                 quote="what if we had 5,000 labelled examples?", recommendation=what_if_rec),
        "recommendation": rec.model_copy(update={"contradictions": [contradiction]}),
        "session_usd": 0.0042,
        "brain": "claude",
    })


def test_json_export_validates_and_keeps_the_what_if_apart(interview: Interview) -> None:
    snap = _with_what_if(interview)
    data = json.loads(export_json(snap, interview.summary(snap.thread_id), title="Support bot"))
    jsonschema.validate(data, export_schema())
    assert data["title"] == "Support bot" and data["brain"] == "claude" and data["cost"]["session_usd"] == 0.0042
    assert "examples" not in {f["field"] for f in data["facts"]}, "a what-if is never a stated fact"
    assert data["hypothetical"]["status"] == "hypothetical"
    assert data["hypothetical"]["facts"][0] == {
        "field": "examples", "label": "labelled examples", "value": 5000, "value_text": "5,000 labelled examples",
        "quote": "what if we had 5,000 labelled examples?", "status": "hypothetical"}
    assert data["hypothetical"]["recommendation"]["label"] == "RAG + fine-tuning"
    assert data["recommendation"]["contradictions"][0]["title"] == "Our policy"
    need = next(f for f in data["facts"] if f["field"] == "need")
    assert need["quote"] == ANSWERS["need"] and need["value_text"] and need["label"] == "the need"


def test_schema_rejects_an_export_that_lost_its_recommendation(interview: Interview) -> None:
    data = json.loads(export_json(_with_what_if(interview)))
    del data["recommendation"]
    try:
        jsonschema.validate(data, export_schema())
    except jsonschema.ValidationError as error:
        assert "recommendation" in error.message
    else:
        raise AssertionError("an export without a recommendation must not validate")


def test_report_shows_the_final_recommendation_once_and_what_ifs_apart(interview: Interview) -> None:
    snap = _with_what_if(interview)
    report = markdown_report(snap, title="Support *bot*")
    rec = snap.recommendation
    assert report.count(rec.first_steps[0]) == 1, "the recommendation is in the report once"
    assert "## What-if (hypothetical: not part of the facts above)" in report
    assert "It would give **RAG + fine-tuning** instead" in report
    assert "- What-if: What if: RAG + fine-tuning (after “what if we had 5,000 labelled examples?”)" in report
    assert "### Your documents say otherwise" in report and "we never retrain" in report
    assert "“Support \\*bot\\*”" in report and "claude brain" in report and "$0.0042" in report
    # Answers are quotes, never code blocks; source excerpts end at a sentence end.
    assert f"> {ANSWERS['need']}" in report and "```" not in report and "\n    " not in report
    for line in report.split("## Sources")[1].split("## Transcript")[0].splitlines():
        if line.startswith("> "):
            assert line.rstrip().endswith((".", "?", "!", "…", ")", "”", '"')), line
    # What the user stated, in words and with their words.
    assert "## What you told Lever" in report and "knowledge (your facts and documents)" in report


def test_user_text_in_the_report_is_shown_literally():
    quoted = quote_text("# not a heading\n- not a list\n*not bold* <b>x</b> | pipe")
    assert quoted.splitlines() == [r"> \# not a heading", r"> \- not a list", r"> \*not bold\* \<b\>x\</b\> \| pipe"]


def test_copy_of_the_recommendation_is_markdown_with_sources(interview: Interview) -> None:
    snap = interview.state(finished_thread(interview))
    text = recommendation_markdown(snap)
    assert text.startswith(f"# Recommendation: {snap.recommendation.label}")
    assert "### Sources" in text and "[1] " in text and "## Transcript" not in text
