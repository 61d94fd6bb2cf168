"""The offline reading pipeline (agent/reading): typing by nouns, bounds, noise, what-ifs, corrections, and
linear-time patterns. Hangs are guarded by pytest-timeout; nothing here asserts a timing."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agent.reading.bounds
import agent.reading.lexicon
import agent.reading.numbers
import agent.reading.reader
import agent.reading.text
from agent.brains.base import INTENTS
from agent.extract import understand
from agent.reading import LIMITS, MAX_CHARS, read

INT64 = 2**63 - 1
TOPICS = [None, "need", "freshness", "budget", "examples", "corpus", "citations", "privacy"]


def facts(text: str, pending: str | None = None, recent: list[str] | None = None) -> dict:
    return {k: v for k, (v, _) in read(text, pending, None, recent).facts.items()}


# ------------------------------------------------------------------------------------------ typing
@pytest.mark.parametrize("text,pending,expected", [
    ("maybe a hundred and twenty thousand messages a month", "budget", {"volume_month": 120_000}),
    ("fourty thousand labelled tickets", "examples", {"examples": 40_000}),
    ("a couple grand a month is our budget", "budget", {"budget_usd": 2000}),
    ("$40 a month for the API", "budget", {"budget_usd": 40}),
    ("120k msgs/month", "budget", {"volume_month": 120_000}),
    ("1.5M requests a month", "budget", {"volume_month": 1_500_000}),
    ("About two million labels a month", "budget", {"volume_month": 2_000_000}),
    ("About 1,200 notes our analysts wrote", "examples", {"examples": 1200}),
])
def test_quantities_are_typed_by_the_noun_or_unit_next_to_them(text, pending, expected):
    got = facts(text, pending)
    for name, value in expected.items():
        assert got.get(name) == value, got


def test_a_range_is_read_as_its_geometric_middle():
    value = facts("somewhere between 2 and 5 thousand examples", "examples")["examples"]
    assert 3000 <= value <= 3300  # sqrt(2000 x 5000) = 3162, two significant figures


@pytest.mark.parametrize("text,pending,absent", [
    ("we tried Llama 3 70B and Mistral 7B", "examples", "examples"),
    ("GPT-4 drafts the replies", "examples", "examples"),
    ("our stack is Python 3.11 and gpt-4o-mini", None, "examples"),
    ("Claude 3.5 Sonnet answers most of it", "budget", "volume_month"),
    ("$40 a month for the API", "budget", "volume_month"),
    ("a team of ten will use it", "budget", "volume_month"),
    ("we have a test set of 80 questions", "examples", "examples"),
    ("accuracy is around 85%", "examples", "examples"),
    ("since January 2024", "examples", "examples"),
    ("each agent handles about 40 chats a day", "budget", "volume_month"),
])
def test_names_money_people_and_test_sets_are_not_counts(text, pending, absent):
    assert absent not in facts(text, pending)


def test_a_bare_number_fills_only_the_pending_topic():
    assert facts("about 2000", "examples") == {"examples": 2000}
    assert facts("about 2000", "freshness") == {}
    assert facts("about 2000", "privacy") == {}
    budget = read("about 2000", "budget")
    assert "volume_month" not in budget.facts and "volume_month" in budget.confirm  # asked, not guessed


# ------------------------------------------------------------------------------------------ bounds (issue 9)
@pytest.mark.parametrize("text", [
    "-500 examples", "we have -500 labelled examples", "10^999 examples", "1e9 examples",
    "We have 20,000,000,000,000,000,000 labelled examples.", "9" * 310 + " examples", "1e999999 examples",
])
def test_absurd_counts_are_refused_with_a_message_never_misread(text):
    r = read(text, "examples")
    assert "examples" not in r.facts and "examples" not in r.confirm
    assert r.refused, "the user is told why the figure was not recorded"
    assert all("\n" not in s and len(s) < 300 for s in r.refused)


def test_an_exponent_is_read_as_written_then_bounded():
    r = read("1e9 examples", "examples")
    assert any("1,000,000,000" in s for s in r.refused)
    assert facts("1e4 examples", "examples") == {"examples": 10_000}


def test_zero_latency_is_refused():
    r = read("0 ms latency", "budget")
    assert "latency_ms" not in r.facts and r.refused


def test_limits_fit_a_signed_64_bit_int():
    assert all(0 <= low <= high < INT64 for low, high in LIMITS.values())


# ------------------------------------------------------------------------------------------ noise
@pytest.mark.parametrize("text", [
    "Traceback (most recent call last):\n  File \"app.py\", line 42, in <module>\nValueError: 500 examples",
    "2024-05-01 12:00:03 INFO loaded 3 docs in 120 ms",
    "```python\nfor i in range(1000):\n    requests.get(url, timeout=30)\n```",
    "at com.acme.index.Loader.load(Loader.java:212)",
    "aaaaaaaaaaaa1111111111111111bbbbbbbb",
    "{\"status\": 200, \"latency_ms\": 350, \"docs\": 14}",
])
@pytest.mark.parametrize("pending", ["examples", "corpus", "budget"])
def test_pasted_noise_yields_no_facts(text, pending):
    assert facts(text, pending) == {}


# ------------------------------------------------------------------------------------------ negation, frequency, hijack
@pytest.mark.parametrize("text,pending,expected", [
    ("far too much for a prompt", "corpus", {"corpus": "large"}),
    ("nothing here goes stale", "freshness", {"freshness": "static"}),
    ("no rush on answers, overnight is fine", "budget", {"latency_ms": 60_000}),
    ("it needs no inside knowledge, just the right tone", "need", {"need": "behaviour"}),
    ("citations aren't needed, and everyone sees the same data", "citations",
     {"citations": False, "permissions": False}),
    ("nonstop, but in practice weekly", "freshness", {"freshness": "weekly"}),
    ("every business day", "freshness", {"freshness": "daily"}),
    ("dozens of changes a week", "freshness", {"freshness": "daily"}),
    ("it goes stale fast, within a day or so", "freshness", {"freshness": "daily"}),
    ("The pilot is over, now it ships", None, {"stage": "production"}),
])
def test_negation_frequency_and_stage(text, pending, expected):
    got = facts(text, pending)
    for name, value in expected.items():
        assert got.get(name) == value, got


@pytest.mark.parametrize("text,pending,absent", [
    ("it goes stale fast", "freshness", "latency_ms"),
    ("the data sources are our CRM and billing", "citations", "citations"),
    ("we double-check answers by hand anyway", "budget", "citations"),
    ("with the source documents attached", "examples", "citations"),
    ("no docs in play, it's all about the format", "need", "citations"),
])
def test_words_from_another_topic_do_not_hijack_a_fact(text, pending, absent):
    assert absent not in facts(text, pending)


@pytest.mark.parametrize("text,value", [
    ("we already have retrieval, but it only handles the simple questions", "retrieval"),
    ("our prompts broke when the vendor updated the model", "vendor"),
    ("the big model is way too expensive to run on every ticket", "cost"),
])
def test_ceilings_the_engine_could_not_hear(text, value):
    assert facts(text)["ceiling"] == value


def test_quality_first():
    assert facts("quality is everything for us, cost and speed come second")["priority"] == "quality"


def test_vague_answers_give_a_direction_not_a_value():
    r = read("a big labelled set, years of resolved tickets", "examples")
    assert "examples" not in r.facts and r.directions == {"examples": "more"}
    r = read("not much traffic, it's an internal tool", "budget")
    assert "volume_month" not in r.facts and r.directions["volume_month"] == "less"


# ------------------------------------------------------------------------------------------ what-ifs, corrections
def test_what_ifs_are_hypothetical_and_adopting_is_its_own_intent():
    u = understand("what if we had 5,000 examples?")
    assert u.intent == "whatif" and u.facts["examples"][0] == 5000
    u = understand("what would it cost at 10x volume?")
    assert u.intent == "whatif" and u.scale == {"volume_month": 10.0}
    assert understand("suppose it changed daily").facts["freshness"][0] == "daily"
    assert understand("go with that").intent == "adopt"
    assert understand("let's do that").intent == "adopt"
    u = understand("actually we do have 5,000", recent=["examples"])
    assert u.intent == "answer" and u.correction and u.facts["examples"][0] == 5000


def test_a_bare_correction_goes_to_the_fact_just_recorded_or_is_checked():
    u = understand("no, 120k", recent=["volume_month"])
    assert u.correction and u.facts["volume_month"][0] == 120_000
    u = understand("no, 120k")
    assert u.correction and not u.facts and u.confirm  # no clue: ask, don't guess


def test_each_fact_keeps_a_quote_and_reading_is_deterministic():
    text = "We have 3k pairs. The catalogue changes weekly."
    assert read(text) == read(text)
    assert read(text).facts["examples"][1] == "We have 3k pairs."


# ------------------------------------------------------------------------------------------ linear time, no crash
_PATHOLOGICAL = [
    "1" * 3999 + "a", "a" + "1" * 3999, "1a" * 2000, "1," * 2000, "1." * 2000, "1-" * 2000, "-" * 4000,
    " " * 4000, "\n" * 4000, "one " * 1000, "thousand " * 444, "a couple of " * 333, "$" * 4000, "$1" * 2000,
    "1e" * 2000, "10^" * 1333, "e+" * 2000, "x" * 4000, "1x" * 2000, "no " * 1333, "not not " * 500,
    "every " * 666, "what if " * 500, "the " * 1000, "'" * 4000, "\"a\": " * 666, "((((" * 1000,
    "docs " * 800, "examples, " * 400, "1 2 " * 1000, "1k " * 1333, "https://a.b/" * 333, "a-" * 2000,
    "fits in a prompt " * 235, "between 1 and " * 285, "at com.a(" * 444, "\udcff" * 100 + "1" * 3000,
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("text", _PATHOLOGICAL, ids=lambda s: repr(s[:12]))
def test_pathological_inputs_finish_for_every_topic(text):
    for pending in TOPICS:
        r = read(text, pending)
        _sane(r)


def _patterns():
    for mod in (agent.reading.text, agent.reading.numbers, agent.reading.reader, agent.reading.lexicon):
        for name, value in vars(mod).items():
            if isinstance(value, re.Pattern):
                yield f"{mod.__name__}.{name}", value
            elif isinstance(value, list):
                for item in value:
                    for part in (item if isinstance(item, tuple) else (item,)):
                        if isinstance(part, re.Pattern):
                            yield f"{mod.__name__}.{name}", part


@pytest.mark.timeout(300)
def test_every_pattern_of_the_reader_finishes_on_pathological_text():
    patterns = list(_patterns())
    assert len(patterns) > 50
    for _name, pattern in patterns:
        for text in _PATHOLOGICAL[:24]:
            pattern.search(text.lower())


def _sane(r) -> None:
    assert r.intent in INTENTS
    for name, (value, quote) in list(r.facts.items()) + list(r.confirm.items()):
        assert isinstance(quote, str) and len(quote) <= 200
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert isinstance(value, int) and -INT64 <= value <= INT64, (name, value)
            if name in LIMITS:
                low, high = LIMITS[name]
                assert low <= value <= high, (name, value)
        quote.encode("utf-8")  # valid Unicode: no lone surrogates reach state


_WORDS = st.sampled_from([
    "examples", "labelled", "pairs", "requests", "a month", "a day", "ms", "seconds", "docs", "pages", "$", "k",
    "M", "e9", "^", "-", "not", "no", "weekly", "daily", "what if", "actually", "GPT-4", "Llama", "3", "70B",
    "thousand", "hundred", "and", "fourty", "grand", "between", "to", ",", ".", "?", "\n", "cite", "sources",
    "on-prem", "x", "10x", "pilot", "is over", "%", "1e999", "10^999", "-500", "0", "9" * 40,
])


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.one_of(_WORDS, st.integers(-10**30, 10**30).map(str)), max_size=60),
       pending=st.sampled_from(TOPICS))
def test_any_mix_of_domain_words_and_numbers_reads_to_sane_facts(parts, pending):
    _sane(read(" ".join(parts), pending))


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=MAX_CHARS), pending=st.sampled_from(TOPICS))
def test_any_text_reads_without_error(text, pending):
    _sane(read(text, pending))


def test_input_past_the_limit_is_not_read():
    r = read("x " * MAX_CHARS + " we have 3000 examples", "examples")
    assert "examples" not in r.facts


# ------------------------------------------------------------------------------------------ the development set
def test_the_development_set_meets_the_targets():
    from evals.understanding import DEVELOPMENT, TARGETS, evaluate, load

    res = evaluate(load(DEVELOPMENT))
    o = res["overall"]
    assert o.items >= 150
    assert o.precision >= TARGETS["precision"], o
    assert o.recall >= TARGETS["recall"], o
    assert res["noise_wrong"] == 0


def test_no_reading_module_imports_a_front_end():
    for name in list(sys.modules):
        if name.startswith("agent.reading"):
            assert not any(m in sys.modules[name].__dict__ for m in ("textual", "slack_bolt"))
