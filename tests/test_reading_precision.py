"""A conservative reading (issue 10): quotes are the user's own words, facts come only from what the message says
about this product as it is, and a guess is asked as a check instead of being recorded. Development sets only:
the held-out sets are never read here. Nothing here asserts a timing."""

from __future__ import annotations

import re

import pytest

from agent.reading import read
from agent.types import Profile
from evals.understanding import DEVELOPMENT, DEVELOPMENT_2, DEVELOPMENT_3, load

DEV_SETS = [p for p in (DEVELOPMENT, DEVELOPMENT_2, DEVELOPMENT_3) if p.exists()]


def facts(text: str, pending: str | None = None, recent: list[str] | None = None, profile=None) -> dict:
    return {k: v for k, (v, _) in read(text, pending, profile, recent).facts.items()}


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _items():
    for path in DEV_SETS:
        for item in load(path):
            yield path.name, item


# ------------------------------------------------------------------------------------------ quotes
def test_every_quote_is_a_run_of_the_message_as_typed():
    bad = []
    for name, item in _items():
        recent = item.get("recent") or []
        profile = Profile()
        if isinstance(recent, dict):
            for field, value in recent.items():
                profile = profile.with_value(field, value, quote="", status="stated")
        r = read(item["text"], item.get("pending"), profile, list(recent))
        for field, (_value, quote) in list(r.facts.items()) + list(r.confirm.items()):
            if not quote or _squash(quote) not in _squash(item["text"]):
                bad.append(f"{name} {item['id']} {field}: {quote!r}")
    assert not bad, "\n".join(bad[:20])


def test_a_blanked_model_name_is_put_back_in_the_quote():
    text = "Prompting w/ gpt-4o gets ~85% right and the json breaks now and then"
    r = read(text, None)
    assert r.facts and all(q == text for _v, q in r.facts.values())
    r = read("We route tickets with claude-3-5-sonnet-20241022 today.\n> bot handles the easy ones", None)
    assert all(_squash(q) in _squash("We route tickets with claude-3-5-sonnet-20241022 today.\n> bot handles the "
                                     "easy ones") for _v, q in r.facts.values())
    assert any("claude-3-5-sonnet-20241022" in q for _v, q in r.facts.values())


def test_a_long_quote_is_cut_at_a_word_end():
    text = "We answer customer questions from our help centre articles " * 8
    for _v, q in read(text, None).facts.values():
        assert len(q) <= 200 and _squash(q) in _squash(text) and text.count(q.split()[-1]) > 0


def test_reading_is_deterministic_on_the_development_sets():
    for _name, item in list(_items())[::7]:
        a = read(item["text"], item.get("pending"))
        b = read(item["text"], item.get("pending"))
        assert (a.facts, a.confirm, a.directions, a.intent) == (b.facts, b.confirm, b.directions, b.intent)


# ------------------------------------------------------------------------------------------ misses from the UI
@pytest.mark.parametrize("text,pending,expected", [
    ("couple secs is fine", "budget", {"latency_ms": 2000}),
    ("few seconds is ok", "budget", {"latency_ms": 3000}),
    ("cost isnt a huge deal", "budget", {"cost_sensitivity": "low"}),
    ("cost doesnt really matter tbh", "budget", {"cost_sensitivity": "low"}),
    ("Prompting w/ gpt-4o gets ~85% right and the json breaks now and then", None, {"ceiling": "format"}),
    ("the output json breaks every so often", None, {"ceiling": "format"}),
])
def test_misses_found_driving_the_ui(text, pending, expected):
    got = facts(text, pending)
    for name, value in expected.items():
        assert got.get(name) == value, (name, got)


# ------------------------------------------------------------------------------------------ about this product
@pytest.mark.parametrize("text,pending,absent", [
    ("the other team self-hosts their model but we're fine with a cloud API", "privacy", {"privacy": "strict"}),
    ("our competitor's bot cites every source", "citations", {"citations": True}),
    ("a sister company runs theirs in production", None, {"stage": "production"}),
    ("For example, someone might ask what the refund policy is for annual plans", None, {"freshness": "yearly"}),
    ("I'm worried it will drift off-brand once we scale", None, {"ceiling": "drift"}),
    ("Eventually we want it in production, right now it's a notebook", None, {"stage": "production"}),
    ("Later we might add classification of tickets, but for now it answers questions from the help centre", None,
     {"goal": "classification"}),
])
def test_another_party_an_example_a_plan_or_a_worry_gives_no_such_fact(text, pending, absent):
    got = facts(text, pending)
    for name, value in absent.items():
        assert got.get(name) != value, (name, got)


def test_what_the_rest_of_the_message_says_still_counts():
    assert facts("the other team self-hosts their model but we're fine with a cloud API", "privacy") == \
        {"privacy": "standard"}
    got = facts("We run a support bot. For example, someone might ask about annual plans. Docs change weekly.")
    assert got.get("freshness") == "weekly" and got.get("goal") == "qa"
    assert facts("Later we might add classification of tickets, but for now it answers questions from the help "
                 "centre").get("goal") == "qa"
    assert facts("e.g. extracting the invoice number and total from a PDF", "need").get("goal") == "extraction"
    assert facts("worried about the bill: it has to stay under $2k a month", "budget").get("budget_usd") == 2000


def test_a_refused_cloud_is_strict():
    assert facts("we're not fine with a cloud API", "privacy") == {"privacy": "strict"}
    assert facts("we're fine with a cloud API", "privacy") == {"privacy": "standard"}


# ------------------------------------------------------------------------------------------ guesses are checks
@pytest.mark.parametrize("text,pending", [
    ("semantic search is live and handles the one-fact questions, but anything comparing two contracts goes "
     "sideways", None),
    ("since the provider updated the hosted model our extraction accuracy went from 94% to 81%", "need"),
    ("the API bill for the support bot is unsustainable as it stands", None),
])
def test_a_need_guessed_from_a_message_about_a_failing_setup_is_asked_not_recorded(text, pending):
    r = read(text, pending)
    assert "need" not in r.facts and "ceiling" in r.facts
    assert "need" in r.confirm or not r.confirm


def test_a_need_said_outright_with_a_failing_setup_is_recorded():
    r = read("it's a knowledge problem: our RAG handles simple lookups but fails on anything multi-doc", None)
    assert r.facts.get("need", (None,))[0] == "knowledge" and r.facts["ceiling"][0] == "retrieval"


def test_a_need_already_known_is_not_guessed_again():
    profile = Profile().with_value("need", "knowledge", quote="", status="stated")
    r = read("our RAG handles simple lookups but fails on anything multi-doc", None, profile)
    assert "need" not in r.facts and "need" not in r.confirm


# ------------------------------------------------------------------------------------------ money
def test_what_it_costs_today_is_not_a_budget_unless_said_so():
    r = read("we pay about 2k a month for the API today and honestly nobody minds", "budget")
    assert "budget_usd" not in r.facts and r.confirm.get("budget_usd", (None,))[0] == 2000
    assert facts("we spend about $3k a month on the API right now and that's the budget", "budget") \
        .get("budget_usd") == 3000
    assert facts("it's ~$18k/mo right now. finance capped us at 5k", "budget").get("budget_usd") == 5000


def test_nothing_going_out_of_date_says_nothing_about_privacy():
    assert "privacy" not in facts("nope, nothing goes out of date. same product specs since launch", "freshness")
    assert facts("nothing leaves our network", "privacy") == {"privacy": "strict"}


def test_another_teams_system_is_not_ours():
    got = facts("fwiw the search team's RAG tops out on anything beyond simple questions, but that's their problem")
    assert "ceiling" not in got
