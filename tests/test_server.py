"""The graph on LangGraph Server: `langgraph dev` (in-memory runtime) from a clean copy, on a loopback port,
driven with `langgraph_sdk` in the generic {"role", "content"} shape and through the facade on a RemoteGraph.
The server is stopped by its pid."""

import pytest

from evals.bench_server import ANSWERS
from evals.langgraph_dev import CLI

pytestmark = [
    pytest.mark.skipif(not CLI.exists(), reason="langgraph-cli[inmem] is not installed (it is in the test extra)"),
    pytest.mark.timeout(300),
]


@pytest.fixture
def server(langgraph_server):
    return langgraph_server


def test_a_generic_chat_client_drives_an_interview_to_a_recommendation(server):
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=server)
    thread = client.threads.create()["thread_id"]
    say = "we want a support assistant that answers from our help centre"
    for _ in range(10):
        client.runs.wait(thread, "lever", input={"messages": [{"role": "user", "content": say}]})
        state = client.threads.get_state(thread)
        if state["values"].get("recommendation"):
            break
        turn = state["interrupts"][0]["value"]  # what a client needs to render the turn
        assert turn["question"] and turn["pending"] in ANSWERS and turn["options"]
        say = ANSWERS[turn["pending"]]
    rec = state["values"]["recommendation"]
    assert rec["strategy"] == "rag" and rec["passages"]
    last = state["values"]["messages"][-1]
    assert last["kind"] == "recommendation" and "[1]" in last["text"]


def test_resuming_a_thread_that_is_not_waiting_takes_the_text_as_a_message(server):
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=server)
    thread = client.threads.create()["thread_id"]
    client.runs.wait(thread, "lever", command={"resume": "a classifier for our support tickets"})
    values = client.threads.get_state(thread)["values"]
    assert values["messages"][0] == {"role": "user", "text": "a classifier for our support tickets", "kind": "text",
                                     "topic": None, "options": [], "confirms": None}
    assert values["messages"][-1]["role"] == "assistant"


def test_the_facade_drives_the_server_through_a_remote_graph(server, tmp_path):
    from agent import Interview

    iv = Interview(home=tmp_path / "home", server=server)
    snap = iv.start("A bot over our 3,000 help articles; they change weekly", thread_id="T1-C2-1700000000.0001")
    for _ in range(10):
        if snap.recommendation:
            break
        snap = iv.send(snap.thread_id, ANSWERS.get(snap.pending.id, "not sure"))
    assert snap.recommendation.strategy == "rag"
    assert snap.profile.freshness.value == "weekly"
    assert iv.state("T1-C2-1700000000.0001").thread_id == snap.thread_id, "a Slack-style key maps to one thread"
    assert snap.thread_id in [s.thread_id for s in iv.list()]
    iv.close()
