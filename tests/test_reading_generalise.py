"""The reading generalised (issue 10) and bounded (issue 9): powers and signs in any notation, the limits shared with
the chaos harness, ceilings read as combinations, negation scope, corrections against the last answer, summary
requests as questions, and the second blind development batch. Nothing here asserts a timing."""

from __future__ import annotations

import pytest

from agent.extract import understand
from agent.reading import LIMITS, read
from agent.types import Profile


def facts(text: str, pending: str | None = None, recent: list[str] | None = None, profile=None) -> dict:
    return {k: v for k, (v, _) in read(text, pending, profile, recent).facts.items()}


# ------------------------------------------------------------------------------------------ powers and signs
@pytest.mark.parametrize("text,pending,expected", [
    ("1e+4 examples", "examples", {"examples": 10_000}),
    ("10^3 examples", "examples", {"examples": 1000}),
    ("we have 10\u00b3 labelled examples", "examples", {"examples": 1000}),  # a superscript is a power, not "103"
    ("2**10 examples", "examples", {"examples": 1024}),
    ("1.5 \u00d7 10^+4 requests a month", "budget", {"volume_month": 15_000}),
    ("10 to the 6th requests a month", "budget", {"volume_month": 1_000_000}),
    ("2.5e3 ms", "budget", {"latency_ms": 2500}),
])
def test_a_power_is_read_as_one_figure(text, pending, expected):
    assert facts(text, pending) == expected


@pytest.mark.parametrize("text,pending,name", [
    ("5*10**15 dollars a month", "budget", "budget_usd"),
    ("2**-9 examples", "examples", "examples"),
    ("we get 3E+310 examples", "budget", "examples"),
    ("2**+157 labelled examples", "examples", "examples"),
    ("budget is 1E+112 million", "need", "budget_usd"),
    ("negative 5 examples", "examples", "examples"),
    ("minus 200 labelled examples", "examples", "examples"),
    ("(-5) examples", "examples", "examples"),
    ("under (-2) million", "examples", "examples"),
    ("answers in minus 8278 seconds", "corpus", "latency_ms"),
    ("budget is 10\u00b9 $ per month", "citations", "budget_usd"),  # a footnote mark as likely as a power
])
def test_a_power_or_sign_that_cannot_be_a_count_is_refused_never_read_as_a_part(text, pending, name):
    r = read(text, pending)
    assert name not in r.facts and name not in r.confirm
    assert r.refused and all(len(s) < 300 for s in r.refused)
    for value, _quote in r.facts.values():  # no part of the power ("5", "15", "9") was kept as another fact
        assert not isinstance(value, (int, float)) or isinstance(value, bool)


def test_a_dash_with_a_space_is_a_bullet_not_a_sign():
    assert facts("- 500 examples", "examples") == {"examples": 500}


def test_the_reader_limits_are_the_chaos_harness_bounds():
    from evals.chaos_bounds import NUMERIC_BOUNDS

    for name, (low, high) in LIMITS.items():
        assert high == NUMERIC_BOUNDS[name][1], name
        assert low >= NUMERIC_BOUNDS[name][0], name
    assert NUMERIC_BOUNDS["latency_ms"][1] == 86_400_000  # "overnight batch" is a real answer


@pytest.mark.parametrize("text,pending,name", [
    ("20,000,000 labelled examples", "examples", "examples"),  # over 10 million
    ("200,000,000,000 requests a month", "budget", "volume_month"),  # over 1e11
    ("answers within 100,000 seconds", "budget", "latency_ms"),  # a response time over a day
])
def test_values_past_the_limits_are_refused(text, pending, name):
    r = read(text, pending)
    assert name not in r.facts and r.refused


# ------------------------------------------------------------------------------------------ number words
@pytest.mark.parametrize("text,pending,expected", [
    ("seven fifty ms", "budget", {"latency_ms": 750}),
    ("two and a half k", "examples", {"examples": 2500}),
    ("a million and a half a year", "budget", {"volume_month": 125_000}),
    ("three quarters of a million tokens, roughly", "corpus", {"corpus_tokens": 750_000, "corpus": "large"}),
    ("around 2 millions of calls per month", "budget", {"volume_month": 2_000_000}),
    ("half a mil requests a month", "budget", {"volume_month": 500_000}),
    ("ninty labelled examples", "examples", {"examples": 90}),
])
def test_number_words_as_people_type_them(text, pending, expected):
    assert facts(text, pending) == expected


def test_a_knowledge_size_in_tokens_is_a_figure_but_a_document_count_only_a_size():
    assert facts("Around 2,000 documents.", "corpus") == {"corpus": "large"}
    assert facts("about 40k tokens total, it all fits in one prompt", "corpus") == {
        "corpus_tokens": 40_000, "corpus": "small"}  # their words beat our estimate


# ------------------------------------------------------------------------------------------ typing
@pytest.mark.parametrize("text,pending,expected", [
    ("40 lawyers, each asks maybe 10 questions a day", "budget", {"volume_month": 12_000}),
    ("we have 4 annotators, they do about 50 a day each", "examples", {}),
    ("we pay our 3 contractors 6k/month to answer these by hand", "budget", {}),
    ("each response is about 500 tokens and we do 20k a day", "budget", {"volume_month": 600_000}),
    ("our docs are full of code examples, maybe 2,000 pages in total", "corpus", {"corpus": "large"}),
    ("the manuals go back to 2009, about 600 of them", "corpus", {"corpus": "large"}),
    ("we have 2k/month max for inference", "budget", {"budget_usd": 2000}),
    ("Examples in the prompt? We've got three. Labelled training data: none.", "examples", {"examples": 0}),
    ("Labelled? No. Logs? Millions. But nobody's tagged them.", "examples", {"examples": 0}),
    ("we don't have hundreds of docs lol, it's one 2-page policy", "corpus", {"corpus": "small"}),
])
def test_figures_are_typed_by_what_they_count(text, pending, expected):
    assert facts(text, pending) == expected


# ------------------------------------------------------------------------------------------ ceilings and priority
@pytest.mark.parametrize("text,value", [
    ("retriever gets the easy qs. multi-hop ones (which suppliers changed terms AND shipped late) = garbage", "retrieval"),
    ("search is in place. hard questions are the problem, easy ones are solved.", "retrieval"),
    ("About 3,000 KB articles, already chunked and embedded. Trouble is the top-5 chunks only ever answer the "
     "shallow questions.", "retrieval"),
    ("finance says the API bill for this is unsustainable as it stands", "cost"),
    ("we can't make the numbers work: running the big model on each ticket burns more than the ticket is worth",
     "cost"),
    ("worked great till their model update. now it's a mess.", "vendor"),
    ("every time the provider pushes a new model version our outputs shift and we have to redo the prompts", "vendor"),
])
def test_ceilings_are_read_from_their_parts(text, value):
    assert facts(text).get("ceiling") == value


@pytest.mark.parametrize("text", [
    "quality > everything else tbh. the legal team will be using it",
    "Speed and cost: whatever. Accuracy: non-negotiable.",
    "we would rather be slow and right than fast and wrong",
    "Correctness beats everything else here. A wrong dosage answer hurts a patient.",
])
def test_quality_first_in_many_words(text):
    assert facts(text, "budget").get("priority") == "quality"


def test_a_retrieval_step_that_works_is_no_ceiling():
    assert "ceiling" not in facts("we want RAG over our docs; the questions are simple lookups")


# ------------------------------------------------------------------------------------------ negation and hijacks
@pytest.mark.parametrize("text,pending,expected", [
    ("doesn't have to be on-prem, our DPA with the cloud vendor covers it", "privacy", {"privacy": "standard"}),
    ("cloud? no way. nothing leaves our datacenter", "privacy", {"privacy": "strict"}),
    ("'On-prem' is just the name of one of our pricing tiers, the data can go to Azure OpenAI under our contract",
     "privacy", {"privacy": "standard"}),
    ("We aren't in production yet and we don't have any training data.", None,
     {"stage": "prototype", "examples": 0}),
    ("It's not that we don't care about cost. We care a lot.", "budget", {"cost_sensitivity": "high"}),
    ("money isn't really a concern for this one", "budget", {"cost_sensitivity": "low"}),
    ("our lawyers cite case law all day; the bot only drafts client emails in their voice", "need",
     {"need": "behaviour", "goal": "style"}),
    ("we've got about 3k daily active users if that's what you mean", "freshness", {}),
    ("it's a real-time chat widget, but the FAQ behind it changes monthly", "freshness", {"freshness": "monthly"}),
    ("let me fix that: it updates daily", None, {"freshness": "daily"}),  # a colon after 'let' is prose
])
def test_negation_scope_and_words_used_in_another_sense(text, pending, expected):
    assert facts(text, pending) == expected


def test_a_guess_the_user_rejects_is_not_read():
    got = facts("Tone drifting? No. It was fine until OpenAI pushed the new 4o snapshot; we hadn't pinned the version "
                "and half our prompts broke overnight.", "need")
    assert got.get("ceiling") == "vendor" and "goal" not in got


@pytest.mark.parametrize("text,pending", [
    ("- [x] set up repo\n- [ ] label 200 samples\n- [ ] write eval script", "examples"),
    ("NAME                         READY   STATUS    RESTARTS   AGE\nretriever-7d9f8c6b5-x2kqp    1/1     Running   3  "
     "        12d", "corpus"),
    ("https://wiki.acme.internal/pages/viewpage.action?pageId=88231", None),
    ("HTTP 429 Too Many Requests (retry after 30s)", "freshness"),
    ("[WARN] retry 3/5 after 250ms", "examples"),
    ("Traceback (most recent call last):\n  File \"ingest.py\", line 88, in <module>\n    chunks = splitter.split("
     "doc, size=512)\nKeyError: 'page_content'", "corpus"),
])
def test_pasted_machine_text_gives_no_fact(text, pending):
    assert facts(text, pending) == {}


def test_a_quoted_line_is_still_the_users_words():
    got = facts("pasting from our retro doc:\n> bot handles FAQ-level questions fine\n> ~30% of escalations are "
                "comparison/aggregation questions the search step never gets right")
    assert got.get("ceiling") == "retrieval"


# ------------------------------------------------------------------------------------------ intents and corrections
@pytest.mark.parametrize("text", ["tl;dr?", "in plain words, what should we do?", "can you give me the short version",
                                  "bottom line?", "summarise that for me", "explain it simply please", "give me the gist"])
def test_summary_requests_are_questions(text):
    assert understand(text, None).intent == "question"


@pytest.mark.parametrize("text,scale", [
    ("Suppose volume doubles next year. Does the answer change?", {"volume_month": 2.0}),
    ("say traffic drops by 80%, what then", {"volume_month": 0.2}),
    ("hmm what about 100x? thinking of the black friday peak", {"volume_month": 100.0}),
])
def test_relative_what_ifs_in_more_forms(text, scale):
    u = understand(text, None)
    assert u.intent == "whatif" and u.scale == pytest.approx(scale)


def test_adopting_with_a_figure_keeps_the_figure():
    u = understand("ok we can actually get 10k pairs from the annotation vendor. lock it in", None)
    assert u.intent == "adopt" and u.facts["examples"][0] == 10_000


def _profile(**values) -> Profile:
    p = Profile()
    for name, value in values.items():
        p = p.with_value(name, value, quote="", status="stated")
    return p


@pytest.mark.parametrize("text,pending,recent,expected", [
    ("5000, not 500", "examples", {"budget_usd": 500}, {"budget_usd": 5000}),
    ("oops, that was per day", "examples", {"volume_month": 3000}, {"volume_month": 90_000}),
    ("40k*", "corpus", {"examples": 40}, {"examples": 40_000}),
    ("1.2M", "freshness", {"volume_month": 12_000}, {"volume_month": 1_200_000}),
    ("the 500 ms is right; the volume is 500k, not 50k", "examples", {"latency_ms": 500, "volume_month": 50_000},
     {"volume_month": 500_000}),
    ("no no, cloud's fine as long as there's a DPA", "corpus", {"privacy": "strict"}, {"privacy": "standard"}),
])
def test_a_correction_goes_to_the_fact_it_corrects(text, pending, recent, expected):
    u = understand(text, pending, _profile(**recent), list(recent))
    assert {k: v for k, (v, _) in u.facts.items()} == expected
    assert u.correction


def test_a_number_in_passing_is_no_correction():
    u = understand("It's both: the answers have to follow the compliance format, which our prompt gets wrong about "
                   "one time in five.", "freshness", _profile(examples=3000), ["examples"])
    assert "examples" not in u.facts


# ------------------------------------------------------------------------------------------ the blind batch
def test_the_second_development_batch_meets_the_targets():
    from evals.understanding import DEVELOPMENT_2, TARGETS, evaluate, load

    if not DEVELOPMENT_2.exists():
        pytest.skip("the second development batch is not in this checkout")
    res = evaluate(load(DEVELOPMENT_2))
    o = res["overall"]
    assert o.items >= 200
    assert o.recall >= TARGETS["recall"], o
    assert o.precision >= 0.93, o  # below the held-out target: the batch differs on conventions (see README)
    assert res["noise_wrong"] == 0
