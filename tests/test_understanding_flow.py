"""What the interview does with what it understood (issue 10): the echo line, one-message corrections,
confirmations, directions, what-ifs kept beside the stated facts and adopted on request. A scripted brain
stands in for the reading, so these tests hold whatever the reader says."""

import pytest

from agent import Interview
from agent.brains import OfflineBrain, Understanding


class Scripted(OfflineBrain):
    """Reads the messages in ``script`` as given; anything else with the offline rules."""

    def __init__(self, script: dict[str, Understanding]):
        self.script = script

    def understand(self, text, pending, profile, history=None, recent=None):
        if text in self.script:
            return self.script[text]
        return super().understand(text, pending, profile, history, recent)


def facts(**kw) -> dict:
    return {k: (v, f"said {k}") for k, v in kw.items()}


BASE = {
    "opening": Understanding(facts=facts(need="knowledge", goal="qa", corpus="large"), explicit={"need"}),
    "weekly": Understanding(facts=facts(freshness="weekly")),
    "budget": Understanding(facts=facts(latency_ms=2000, volume_month=20_000)),
    "no, 120k": Understanding(facts=facts(volume_month=120_000), correction=True),
    "what if 10x": Understanding(intent="whatif", scale={"volume_month": 10.0}),
    "what if examples": Understanding(intent="whatif", facts=facts(examples=5000)),
    "go with that": Understanding(intent="adopt"),
    "a big set": Understanding(directions={"examples": "more"}),
    "maybe 120": Understanding(confirm={"volume_month": (120, "maybe 120")}),
    "dunno": Understanding(intent="unsure"),
}


@pytest.fixture
def iv(tmp_path):
    interview = Interview(home=tmp_path / "home", brain=Scripted(BASE))
    yield interview
    interview.close()


def to_budget(iv):
    snap = iv.start("opening")
    snap = iv.send(snap.thread_id, "weekly")
    assert snap.pending.id == "budget"
    return snap


def test_the_next_message_starts_with_what_was_understood(iv):
    snap = to_budget(iv)
    snap = iv.send(snap.thread_id, "budget")
    first_line = snap.messages[-1].text.splitlines()[0]
    assert first_line == "Got it: answers within 2 s; about 20,000 requests a month."
    assert snap.heard == ["answers within 2 s", "about 20,000 requests a month"]
    budget = next(p for p in snap.progress if p.id == "budget")
    assert "20,000 requests a month" in budget.value and budget.quote


def test_a_misreading_is_corrected_in_one_message_and_acknowledged(iv):
    snap = to_budget(iv)
    snap = iv.send(snap.thread_id, "budget")
    snap = iv.send(snap.thread_id, "no, 120k")
    assert snap.profile.volume_month.value == 120_000
    assert "about 120,000 requests a month (updated from 20,000 requests a month)" in snap.messages[-1].text


def test_an_uncertain_reading_is_checked_before_it_is_recorded(iv):
    snap = to_budget(iv)
    snap = iv.send(snap.thread_id, "maybe 120")
    assert snap.profile.volume_month is None
    check = snap.messages[-1]
    assert check.confirms == "volume_month" and "about 120 requests a month" in check.text
    assert check.options == ["Yes", "No"]
    snap = iv.send(snap.thread_id, "yes")
    assert snap.profile.volume_month.value == 120 and snap.profile.volume_month.quote == "maybe 120"


def test_a_rejected_check_records_nothing_and_the_question_stays(iv):
    snap = to_budget(iv)
    snap = iv.send(snap.thread_id, "maybe 120")
    snap = iv.send(snap.thread_id, "no")
    assert snap.profile.volume_month is None and snap.pending.id == "budget"


def test_an_assumption_never_goes_against_the_direction_given(tmp_path):
    script = dict(BASE, opening=Understanding(facts=facts(need="behaviour", goal="style", ceiling="drift"),
                                              explicit={"need"}))
    iv = Interview(home=tmp_path / "h", brain=Scripted(script))
    snap = iv.start("opening")
    for _ in range(8):
        if snap.pending is None or snap.pending.id == "examples":
            break
        snap = iv.send(snap.thread_id, {"freshness": "weekly", "budget": "budget"}.get(snap.pending.id, "dunno"))
    assert snap.pending.id == "examples"
    snap = iv.send(snap.thread_id, "a big set")
    assert snap.pending.id == "examples" and "direction" in snap.messages[-1].text
    snap = iv.send(snap.thread_id, "dunno")
    assert snap.profile.examples.status == "assumed" and snap.profile.examples.value >= 1000
    iv.close()


def recommended(iv):
    snap = to_budget(iv)
    snap = iv.send(snap.thread_id, "budget")
    for _ in range(6):
        if snap.recommendation:
            return snap
        snap = iv.send(snap.thread_id, "dunno")
    raise AssertionError("no recommendation")


def test_a_what_if_shows_the_alternative_and_leaves_stated_facts_alone(iv):
    snap = recommended(iv)
    stated, rec = snap.profile.model_dump(), snap.recommendation
    snap = iv.send(snap.thread_id, "what if 10x")
    assert snap.profile.model_dump() == stated, "stated facts unchanged"
    assert snap.recommendation == rec, "the stated recommendation stands"
    hyp = snap.hypothesis
    assert hyp.facts["volume_month"].value == 200_000 and hyp.recommendation is not None
    last = snap.messages[-1]
    assert last.kind == "whatif" and "what-if" in last.text and "go with that" in last.text


def test_a_what_if_is_adopted_on_request(iv):
    snap = recommended(iv)
    snap = iv.send(snap.thread_id, "what if examples")
    assert snap.profile.examples is None or snap.profile.examples.value != 5000
    snap = iv.send(snap.thread_id, "go with that")
    assert snap.profile.examples.value == 5000 and snap.profile.examples.status == "stated"
    assert snap.hypothesis is None
    assert snap.messages[-1].kind == "recommendation"


def test_adopting_with_no_what_if_changes_nothing(iv):
    snap = recommended(iv)
    before = snap.profile.model_dump()
    snap = iv.send(snap.thread_id, "go with that")
    assert snap.profile.model_dump() == before and snap.messages[-1].role == "assistant"


def test_a_need_confirmed_by_a_check_is_not_checked_again(tmp_path):
    script = dict(BASE, opening=Understanding(facts=facts(goal="qa"), confirm={"need": ("knowledge", "our docs")}))
    iv = Interview(home=tmp_path / "h", brain=Scripted(script))
    snap = iv.start("opening")
    check = snap.messages[-1]
    assert check.confirms == "need" and "a knowledge problem" in check.text and "what holds instead" in check.text
    snap = iv.send(snap.thread_id, "yes")
    assert snap.profile.need.value == "knowledge" and snap.profile.need.status == "stated"
    assert snap.pending.id == "freshness", "the need is not asked again after the user confirmed it"
    iv.close()


def test_a_check_is_asked_once_even_if_the_reply_ignores_it(tmp_path):
    script = dict(BASE, **{"maybe 120": Understanding(confirm={"volume_month": (120, "maybe 120")})})
    iv = Interview(home=tmp_path / "h", brain=Scripted(script))
    snap = to_budget(iv)
    snap = iv.send(snap.thread_id, "maybe 120")
    assert snap.messages[-1].confirms == "volume_month"
    snap = iv.send(snap.thread_id, "maybe 120")  # the same reply again: no second check, the interview moves on
    assert snap.messages[-1].confirms is None and snap.profile.volume_month is None
    iv.close()
