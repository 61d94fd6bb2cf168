"""The offline brain's explanation and follow-up answers: whole sentences, honest sections, costs and plain words."""

import re

import pytest

from agent.brains import OfflineBrain
from agent.describe import excerpt, sentences
from agent.engine import decide
from agent.types import STRATEGY_LABELS, Fact, Profile
from knowledge.types import Passage


def profile(**values) -> Profile:
    return Profile(**{k: Fact(value=v, quote="as we said") for k, v in values.items()})


SUPPORT_BOT = dict(need="knowledge", freshness="weekly", corpus="large", latency_ms=2000, volume_month=50_000,
                   examples=3000)


def passage(n: int, text: str, kind: str = "synthesis", title: str = "") -> Passage:
    title = title or f"Note {n}"
    return Passage(chunk_id=f"note-{n}#s", source_id=f"note-{n}", title=title, kind=kind, heading=[title, "Section"],
                   text=text)


LATENCY = passage(1, "Retrieval needs an index that someone keeps up to date. A retrieval step adds roughly 100 to "
                     "500 milliseconds to each response, e.g. for the embedding call and the vector search. Caching "
                     "embeddings of frequent queries cuts part of that delay. Teams with a strict latency target "
                     "often tune a small model instead, since it skips the lookup altogether.")
EXAMPLES = passage(2, "Classification usually needs 500 to 2,000 labelled input-output pairs before fine-tuning pays "
                      "off. Style needs fewer, about 50 to 500. Quality of the pairs matters more than their number.")


def _normal(text: str) -> str:
    return " ".join(text.split())


def _bullets(answer: str) -> list[tuple[str, int]]:
    """(sentence, citation number) for each answer bullet."""
    return [(m.group(1), int(m.group(2))) for m in re.finditer(r"^- (?:From your document \"[^\"]+\": )?(.+?) \[(\d+)\]$",
                                                               answer, re.M)]


def test_follow_up_answers_are_whole_sentences_most_relevant_first_with_citations():
    brain = OfflineBrain()
    answer = brain.answer("How much latency does a retrieval step add?", [EXAMPLES, LATENCY], None)
    bullets = _bullets(answer)
    assert bullets, answer
    first, cite = bullets[0]
    assert "adds roughly 100 to 500 milliseconds" in first and cite == 2, "the most relevant sentence comes first"
    sources = {1: EXAMPLES, 2: LATENCY}
    for sentence, n in bullets:
        assert sentence in _normal(sources[n].text), "quoted whole, never rewritten or cut"
        assert sentence[-1] in ".!?", f"cut mid-sentence: {sentence!r}"
        assert sentence in sentences(sources[n].text)
    assert "- [2] Note 1 § Section" in answer  # the citation list names the source (LATENCY is "Note 1")
    assert "e.g. for the embedding call" in first, "an abbreviation is not a sentence end"


def test_a_follow_up_answer_never_cuts_a_long_sentence_mid_word():
    long = passage(3, "Retrieval " + "and indexing " * 80 + "finish the pipeline. Short one.")
    answer = OfflineBrain().answer("retrieval indexing pipeline", [long], None)
    for sentence, _ in _bullets(answer):
        assert sentence.endswith(".")
    assert excerpt(long.text, 120).endswith("…") and not excerpt(long.text, 120)[:-2].endswith("index")


def test_excerpt_keeps_whole_sentences():
    text = "First sentence here. Second one is a little longer than the first. Third."
    assert excerpt(text, 30) == "First sentence here."
    assert excerpt(text, 200) == text


@pytest.mark.parametrize("question", ["What would it cost?", "how much a month would this be", "is RAG expensive",
                                      "What's the monthly bill for fine-tuning vs RAG?"])
def test_a_cost_question_is_answered_from_the_recommendation_costs(question):
    rec = decide(profile(**SUPPORT_BOT))
    answer = OfflineBrain().answer(question, [LATENCY], rec)
    for line in rec.costs:
        assert f"{line.label}" in answer and f"${line.monthly_usd:,.0f} a month" in answer
    assert f"{STRATEGY_LABELS[rec.strategy]} **(recommended)**" in answer
    assert "50,000 requests a month" in answer and rec.pricing_as_of in answer
    assert "100 to 500 milliseconds" not in answer, "a cost question is answered from the costs, not passages"


def test_a_cost_answer_says_when_the_volume_was_assumed():
    rec = decide(profile(need="knowledge", corpus="large").with_value("volume_month", 100_000, status="assumed"))
    assert "assumed volume" in OfflineBrain().answer("what would it cost", [], rec)


@pytest.mark.parametrize("question", ["explain it simply", "tl;dr?", "Can you put that in plain words",
                                      "give me the short version"])
def test_explain_it_simply_gives_a_short_plain_summary(question):
    rec = decide(profile(**SUPPORT_BOT))
    answer = OfflineBrain().answer(question, [LATENCY, EXAMPLES], rec)
    assert rec.label in answer and "a month" in answer
    assert len(answer) < 700 and "#" not in answer and not re.search(r"\[\d+\]", answer)
    assert "Mostly because the need is knowledge" in answer


def test_explain_it_simply_before_a_recommendation_says_so():
    assert "don't have a recommendation" in OfflineBrain().answer("tl;dr", [LATENCY], None)


def test_a_user_document_that_says_otherwise_is_flagged_in_an_answer():
    rec = decide(profile(need="behaviour", goal="style", freshness="static", examples=3000, ceiling="drift"))
    assert rec.strategy == "fine_tuning"
    doc = passage(4, "Brand voice is owned by marketing. We never fine-tune models on customer conversations.",
                  kind="user", title="AI policy")
    answer = OfflineBrain().answer("can we fine-tune on customer conversations", [doc, EXAMPLES], rec)
    assert 'Your document "AI policy" says otherwise: "We never fine-tune models on customer conversations."' in answer
    assert "- We never fine-tune" not in answer, "not quoted as support"


def test_the_explanation_has_honest_sections_and_no_internal_ids():
    rec = decide(profile(**SUPPORT_BOT))
    text = OfflineBrain().explain(rec, profile(**SUPPORT_BOT), None)
    for heading in ("## Recommendation: RAG", "### Why", "### Trade-offs", "### First steps",
                    "### What would change this"):
        assert heading in text
    assert "**Cost:** about $" in text
    why = text.split("### Why", 1)[1].split("###", 1)[0]
    trade = text.split("### Trade-offs", 1)[1].split("###", 1)[0]
    for r in rec.rationale:
        assert (r.statement in why) == (r.stance == "for")
        assert (r.statement in trade) == (r.stance == "against")
    assert "Layers: prompt engineering + retrieval (RAG)." in text
    assert not re.search(r"\b(fine_tuning|rag_and_fine_tuning|realtime|latency_ms|volume_month)\b", text)


def test_a_what_if_explanation_says_what_moved():
    before = decide(profile(**dict(SUPPORT_BOT, examples=0)))
    after = decide(profile(**dict(SUPPORT_BOT, need="both", examples=5000, ceiling="format")))
    text = OfflineBrain().explain(after, profile(), before)
    assert text.startswith("**That changes the answer:**") and "Scores that moved" in text


def test_a_why_not_question_is_answered_from_the_engine_reasons_too():
    rec = decide(profile(**SUPPORT_BOT))
    answer = OfflineBrain().answer("why not fine-tuning?", [EXAMPLES], rec)
    score = {s.strategy: s.score for s in rec.ranking}
    assert answer.startswith(f"For your situation: Fine-tuning scored {score['fine_tuning']:+.1f} against "
                             f"{score['rag']:+.1f} for {rec.label}.")
    worst = min(rec.rationale, key=lambda r: r.effect.get("fine_tuning", 0) - r.effect.get("rag", 0))
    assert f"- {worst.statement}" in answer
    plain = OfflineBrain().answer("how many labelled pairs does classification need", [EXAMPLES], rec)
    assert not plain.startswith("For your situation")


def test_sources_list_only_what_the_explanation_cites_with_stable_numbers():
    rec = decide(profile(**dict(SUPPORT_BOT, volume_month=200_000)), {
        "need-knowledge": [passage(1, "Facts belong in retrieval.")],
        "volume-mid": [passage(2, "At this volume savings add up.")],  # neutral here: not shown in the text
        "freshness-volatile": [passage(3, "Weekly changes need re-indexing, not retraining.")],
    })
    assert next(r for r in rec.rationale if r.rule == "volume-mid").stance == "neutral"
    text = OfflineBrain().explain(rec, profile(), None)
    sources = text.split("### Sources", 1)[1]
    number = {p.title: i for i, p in enumerate(rec.passages, 1)}
    assert f"[{number['Note 1']}] Note 1" in sources and f"[{number['Note 3']}] Note 3" in sources
    assert "Note 2" not in sources and "Note 2" in {p.title for p in rec.passages}
