"""Every way a Claude call can fail ends in a usable turn: the offline brain answers, with a notice."""

import httpx
import pytest
from anthropic_bridge import FakeClaude, api_key, error, reading, reply, scripted, stream  # noqa: F401
from langgraph.checkpoint.memory import InMemorySaver
from test_claude_brain import recommendation

from agent import Interview
from agent.brains.claude import ClaudeBrain
from agent.settings import ClaudeSettings
from agent.types import Profile

TEXT = "The docs change weekly"


def brain(fake: FakeClaude, retries: int = 2) -> ClaudeBrain:
    return ClaudeBrain(settings=ClaudeSettings(max_retries=retries), http_client=fake.client())


def notices(b: ClaudeBrain) -> list[str]:
    return [e["text"] for e in b.take_events() if e["kind"] == "notice"]


@pytest.mark.parametrize("status,kind", [(401, "authentication_error"), (403, "permission_error")])
def test_a_rejected_key_says_so_once_and_the_session_goes_on_offline(api_key, status, kind):
    fake = FakeClaude().then(error(status, kind))
    b = brain(fake)
    heard = b.understand(TEXT, "freshness", Profile())
    assert heard.facts["freshness"][0] == "weekly", "the offline reading of the same message"
    said = notices(b)
    assert len(said) == 1 and f"HTTP {status}" in said[0] and "ANTHROPIC_API_KEY" in said[0]
    assert b.name == "offline"
    b.understand("about 2 seconds", "budget", Profile())
    rec, profile = recommendation()
    assert "## Recommendation" in b.explain(rec, profile, None)
    assert len(fake.bodies) == 1, "no more calls after the key was refused"
    assert notices(b) == []


@pytest.mark.parametrize("status,kind", [(429, "rate_limit_error"), (529, "overloaded_error"), (500, "api_error")])
def test_transient_errors_are_retried_by_the_sdk(api_key, status, kind):
    fake = FakeClaude().then(error(status, kind), error(status, kind),
                             reply(reading([("freshness", "daily", "every day")])))
    b = brain(fake, retries=2)
    heard = b.understand("it changes every day", "freshness", Profile())
    assert heard.facts["freshness"] == ("daily", "every day") and len(fake.bodies) == 3
    assert notices(b) == []


@pytest.mark.parametrize("status,kind,words", [(429, "rate_limit_error", "rate limit"),
                                               (529, "overloaded_error", "overloaded"),
                                               (503, "api_error", "HTTP 503")])
def test_when_retries_run_out_that_call_falls_back_with_a_notice_and_the_next_call_tries_again(
        api_key, status, kind, words):
    fake = FakeClaude().then(*[error(status, kind)] * 3, reply(reading()))
    b = brain(fake, retries=2)
    heard = b.understand(TEXT, "freshness", Profile())
    assert heard.facts["freshness"][0] == "weekly" and len(fake.bodies) == 3
    (said,) = notices(b)
    assert words in said and "offline" in said
    assert b.name == "claude", "a transient failure does not end the session's use of Claude"
    b.understand("hello", None, Profile())
    assert len(fake.bodies) == 4


def test_a_timeout_falls_back_with_a_notice(api_key):
    fake = FakeClaude().then(httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    b = brain(fake, retries=1)
    heard = b.understand(TEXT, "freshness", Profile())
    assert heard.facts["freshness"][0] == "weekly" and len(fake.bodies) == 2
    assert any("in time" in n for n in notices(b))


def test_a_refused_reading_uses_the_offline_rules(api_key):
    fake = FakeClaude().then(reply([], stop_reason="refusal"))
    b = brain(fake)
    assert b.understand(TEXT, "freshness", Profile()).facts["freshness"][0] == "weekly"
    assert any("declined" in n for n in notices(b))


def test_malformed_output_uses_the_offline_rules_and_its_tokens_are_still_counted(api_key):
    fake = FakeClaude().then(reply('{"facts": [{"field": "freshn', stop_reason="max_tokens", input_tokens=900,
                                   output_tokens=1500))
    b = brain(fake)
    assert b.understand(TEXT, "freshness", Profile()).facts["freshness"][0] == "weekly"
    events = b.take_events()
    assert any(e["kind"] == "notice" and "offline rules" in e["text"] for e in events)
    (u,) = [e for e in events if e["kind"] == "usage"]
    assert (u["input_tokens"], u["output_tokens"]) == (900, 1500) and u["usd"] > 0


def test_an_unknown_model_says_which_setting_to_fix(api_key):
    fake = FakeClaude().then(error(404, "not_found_error", "model: claude-nope"))
    b = ClaudeBrain(settings=ClaudeSettings(understand_model="claude-nope", max_retries=0), http_client=fake.client())
    b.understand(TEXT, "freshness", Profile())
    (said,) = notices(b)
    assert "claude-nope" in said and "LEVER_CLAUDE_UNDERSTAND_MODEL" in said and b.name == "offline"


def test_a_refused_or_empty_explanation_falls_back_to_the_offline_one(api_key):
    rec, profile = recommendation()
    fake = FakeClaude().then(stream([("", [])], stop_reason="refusal"), stream([], stop_reason="end_turn"))
    b = brain(fake)
    offline = b._offline.explain(rec, profile, None)
    assert b.explain(rec, profile, None) == offline and any("declined" in n for n in notices(b))
    assert b.explain(rec, profile, None) == offline and any("empty" in n for n in notices(b))


def test_a_failure_in_the_middle_of_a_stream_falls_back(api_key):
    rec, profile = recommendation()
    broken = httpx.Response(200, headers={"content-type": "text/event-stream"},
                            content=b'event: message_start\ndata: {"type": "message_start", "message": {"id": "m", '
                                    b'"type": "message", "role": "assistant", "model": "claude-sonnet-5-5", '
                                    b'"content": [], "stop_reason": null, "stop_sequence": null, "usage": '
                                    b'{"input_tokens": 5, "output_tokens": 1}}}\n\nevent: error\ndata: {"type": '
                                    b'"error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n')
    fake = FakeClaude().then(broken)
    b = brain(fake, retries=0)
    deltas: list[str] = []
    assert b.explain(rec, profile, None, write=deltas.append) == b._offline.explain(rec, profile, None)
    assert notices(b)


# --------------------------------------------------------------------------- whole turns
FAILURES = {
    "401": lambda: error(401, "authentication_error"),
    "529": lambda: error(529, "overloaded_error"),
    "timeout": lambda: httpx.ReadTimeout("slow"),
    "refusal": lambda: reply([], stop_reason="refusal"),
    "malformed": lambda: reply("{not json", stop_reason="max_tokens"),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_each_failure_ends_in_a_usable_turn_and_keeps_the_message(api_key, tmp_path, failure):
    fake = FakeClaude(scripted({}))
    b = ClaudeBrain(settings=ClaudeSettings(max_retries=0), http_client=fake.client())
    iv = Interview(home=tmp_path / "home", brain=b, checkpointer=InMemorySaver())
    try:
        snap = iv.start()
        fake.then(FAILURES[failure]())
        said = "It's a knowledge problem: it must know our product docs"
        snap = iv.send(snap.thread_id, said)
        assert snap.messages[-2].role == "user" and snap.messages[-2].text == said
        last = snap.messages[-1]
        assert last.role == "assistant" and last.kind == "question" and snap.pending.id == "freshness"
        assert snap.profile.need.value == "knowledge", "the offline reading recorded the answer"
        assert "offline" in last.text, "the notice reaches the user"
        snap = iv.send(snap.thread_id, "weekly")
        assert snap.profile.freshness is not None, "the interview goes on"
        if failure == "401":
            assert snap.brain == "offline"
    finally:
        iv.close()


def test_a_rejected_request_names_the_apis_reason(api_key):
    fake = FakeClaude().then(error(400, "invalid_request_error", "output_config.effort: not supported"))
    b = brain(fake)
    assert b.understand(TEXT, "freshness", Profile()).facts["freshness"][0] == "weekly"
    (said,) = notices(b)
    assert "HTTP 400" in said and "effort: not supported" in said and b.name == "claude"


def test_after_two_outages_in_a_row_claude_rests_and_turns_do_not_wait_for_it(api_key, monkeypatch):
    import agent.brains.claude as claude_module

    fake = FakeClaude().then(*[httpx.ConnectError("down")] * 4, reply(reading()))
    b = brain(fake, retries=1)
    b.understand(TEXT, "freshness", Profile())
    assert len(fake.bodies) == 2 and not any("in a row" in n for n in notices(b))
    b.understand(TEXT, "freshness", Profile())
    said = notices(b)
    assert len(fake.bodies) == 4 and any("2 times in a row" in n and "again in 2 minutes" in n for n in said)
    heard = b.understand(TEXT, "freshness", Profile())  # resting: no call at all, the offline reading at once
    assert heard.facts["freshness"][0] == "weekly" and len(fake.bodies) == 4 and notices(b) == []
    assert b.name == "claude", "a rest is not the end of the session's use of Claude"
    monkeypatch.setattr(claude_module.time, "monotonic", lambda: 1e12)  # the rest is over
    b.understand("hello", None, Profile())
    assert len(fake.bodies) == 5
