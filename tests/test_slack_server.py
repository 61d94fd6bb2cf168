"""The Slack bot as a stateless client of LangGraph Server: `langgraph dev` on loopback (started from a clean
copy by evals.langgraph_dev, stopped by its pid), the Slack Web API as the loopback fake. Two bot replicas share one server:
a thread started through one is answered through the other."""

import pytest

pytest.importorskip("slack_bolt")

from slack_bolt import BoltRequest
from slack_sdk import WebClient

from agent import Interview
from evals.langgraph_dev import CLI
from slackbot import LeverSlack, thread_key
from slackbot.testing import (
    TEAM,
    FakeSlackAPI,
    action_request,
    click_payload,
    event_request,
    mention_event,
    message_event,
)

SECRET = "test-signing-secret"
WAIT = 120

pytestmark = [
    pytest.mark.skipif(not CLI.exists(), reason="langgraph-cli[inmem] is not installed (it is in the test extra)"),
    pytest.mark.timeout(300),
]


@pytest.fixture
def server(langgraph_server):
    return langgraph_server


def test_two_stateless_replicas_share_interviews_on_a_server(server, tmp_path):
    api = FakeSlackAPI().start()
    replicas = []
    try:
        for i in range(2):
            iv = Interview(home=tmp_path / f"replica{i}", server=server)
            replicas.append(LeverSlack(iv, client=WebClient(token="xoxb-test", base_url=api.url),
                                       signing_secret=SECRET))
        one, two = replicas
        root = "4000.000001"
        body, headers = event_request(SECRET, mention_event("We answer customer questions from our product docs",
                                                            channel="C0SRV", ts=root))
        assert one.app.dispatch(BoltRequest(body=body, headers=headers)).status == 200
        assert one.join(WAIT)
        question = api.of("chat.postMessage", channel="C0SRV")[-1]
        assert [b for b in question["blocks"] if b["type"] == "actions"], "the question has buttons"
        # the click lands on the other replica, which holds nothing of its own
        knowledge = next(i for i, b in enumerate(question["blocks"][-1]["elements"]) if b["value"].startswith("Know"))
        body, headers = action_request(SECRET, click_payload(question, knowledge))
        assert two.app.dispatch(BoltRequest(body=body, headers=headers)).status == 200
        assert two.join(WAIT)
        body, headers = event_request(SECRET, message_event("The docs change every week", channel="C0SRV",
                                                            ts="4000.000009", thread_ts=root))
        assert one.app.dispatch(BoltRequest(body=body, headers=headers)).status == 200
        assert one.join(WAIT)
        snap = two.interview.state(thread_key(TEAM, "C0SRV", root))
        said = [m.text for m in snap.messages if m.role == "user"]
        assert said == ["We answer customer questions from our product docs",
                        "Knowledge: it must know our documents and facts", "The docs change every week"]
        assert snap.profile.value("need") == "knowledge" and snap.profile.value("freshness") == "weekly"
        assert len(api.of("chat.postMessage", channel="C0SRV")) == 3
        assert api.of("chat.update", channel="C0SRV")
    finally:
        for bot in replicas:
            bot.close()
            bot.interview.close()
        api.stop()
