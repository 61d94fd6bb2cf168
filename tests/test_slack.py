"""The Slack front end, through slack-bolt's real request handling: signed requests built here, and the Slack Web
API as a loopback fake that records every call (slackbot.testing)."""

import itertools
import json
import os
import subprocess
import sys
import threading
import urllib.request
import uuid
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt")

from conftest import ANSWERS
from slack_bolt import BoltRequest
from slack_sdk import WebClient

from agent import Interview, LeverError
from slackbot import LeverSlack, thread_key
from slackbot.app import FAILED, STALE
from slackbot.cli import http_server, main
from slackbot.testing import (
    BOT_ID,
    BOT_USER,
    TEAM,
    FakeSlackAPI,
    action_request,
    click_payload,
    event_request,
    mention_event,
    message_event,
)

ROOT = Path(__file__).resolve().parents[1]
SECRET = "test-signing-secret"
WAIT = 60  # a hang guard only: every wait below returns as soon as the work is done
pytestmark = pytest.mark.timeout(180)

VOICE = {  # a team that needs a stable brand voice: fine-tuning
    "need": "Behaviour: tone and voice. The product facts come in with each request. Long style prompts keep "
            "drifting back to a generic tone.",
    "freshness": "The brand voice is stable, the guide hasn't changed in three years.",
    "budget": "About 60k descriptions a month. Latency doesn't matter much, overnight batches are fine.",
    "examples": "Around 3,000 descriptions our copywriters wrote and approved, each paired with the product specs.",
    "corpus": "No knowledge base, the specs are in the request.",
    "citations": "No.",
    "privacy": "Hosted fine-tuning is fine.",
}


@pytest.fixture
def slack_api(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)  # loopback stays loopback
    api = FakeSlackAPI().start()
    yield api
    api.stop()


@pytest.fixture
def make_bot(slack_api, tmp_path):
    made = []

    def make(interview=None, **options):
        iv = interview or Interview(home=tmp_path / "home")
        bot = LeverSlack(iv, client=WebClient(token="xoxb-test", base_url=slack_api.url), signing_secret=SECRET,
                         **options)
        made.append((bot, iv))
        return bot

    yield make
    for bot, iv in made:
        bot.close()
        (getattr(iv, "iv", None) or iv).close()


def dispatch(bot, request):
    body, headers = request
    return bot.app.dispatch(BoltRequest(body=body, headers=headers))


def mention(bot, text, channel="C0GENERAL", ts="1000.000100", **kw):
    return dispatch(bot, event_request(SECRET, mention_event(text, channel=channel, ts=ts), **kw))


_ts = itertools.count(1)


def reply(bot, text, channel="C0GENERAL", root="1000.000100", ts=None, **kw):
    ts = ts or f"{int(float(root)) + 1}.{next(_ts):06d}"
    return dispatch(bot, event_request(SECRET, message_event(text, channel=channel, ts=ts, thread_ts=root, **kw)))


def posts(api, channel="C0GENERAL", root="1000.000100"):
    return api.of("chat.postMessage", channel=channel, thread_ts=root)


def header(post):
    return next((b["text"]["text"] for b in post.get("blocks") or [] if b["type"] == "header"), None)


def buttons(post):
    return [e for b in post.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


class Wrapped:
    """An Interview facade with hooks around ``send``, to hold a turn running or count calls."""

    def __init__(self, iv, before_send=None):
        self.iv, self.before_send, self.sent = iv, before_send, []

    def start(self, *a, **kw):
        return self.iv.start(*a, **kw)

    def send(self, thread_id, text):
        self.sent.append((thread_id, text))
        if self.before_send:
            self.before_send(thread_id, text)
        return self.iv.send(thread_id, text)

    def state(self, thread_id):
        return self.iv.state(thread_id)

    def export_markdown(self, thread_id):
        return self.iv.export_markdown(thread_id)

    def close(self):
        self.iv.close()


# ---------------------------------------------------------------------------------------------- starting
def test_a_mention_starts_an_interview_in_its_thread_with_buttons(make_bot, slack_api):
    bot = make_bot()
    response = mention(bot, "we answer customer questions from our product docs")
    assert response.status == 200
    assert bot.join(WAIT)
    [post] = posts(slack_api)
    assert "knowledge" in post["text"] and buttons(post)
    assert all(b["action_id"].startswith("lever_reply_") for b in buttons(post))
    snap = bot.interview.state(thread_key(TEAM, "C0GENERAL", "1000.000100"))
    assert snap.messages[0].text == "we answer customer questions from our product docs"
    assert "<@" not in snap.messages[0].text, "the bot's own mention is not part of the answer"


def test_a_direct_message_starts_an_interview_and_thread_replies_answer(make_bot, slack_api):
    bot = make_bot()
    dispatch(bot, event_request(SECRET, message_event("hi", channel="D0ALICE", ts="50.000001", channel_type="im")))
    assert bot.join(WAIT)
    [first] = posts(slack_api, "D0ALICE", "50.000001")
    assert buttons(first)
    dispatch(bot, event_request(SECRET, message_event("It changes weekly, docs &amp; FAQs", channel="D0ALICE",
                                                      ts="51.000001", thread_ts="50.000001", channel_type="im")))
    assert bot.join(WAIT)
    snap = bot.interview.state(thread_key(TEAM, "D0ALICE", "50.000001"))
    assert [m.text for m in snap.messages if m.role == "user"] == ["hi", "It changes weekly, docs & FAQs"]
    assert len(posts(slack_api, "D0ALICE", "50.000001")) == 2


def test_thread_ids_are_stable_uuids_per_team_channel_and_thread():
    a = thread_key("T1", "C1", "1.000001")
    assert a == thread_key("T1", "C1", "1.000001") and uuid.UUID(a)
    assert len({a, thread_key("T2", "C1", "1.000001"), thread_key("T1", "C2", "1.000001"),
                thread_key("T1", "C1", "1.000002")}) == 4


# ---------------------------------------------------------------------------------------------- what is ignored
def test_bot_messages_edits_and_channel_chatter_are_ignored(make_bot, slack_api):
    iv = Wrapped(Interview(home=Path(os.environ["LEVER_HOME"])))
    bot = make_bot(iv)
    mention(bot, "we answer questions from our docs")
    assert bot.join(WAIT)
    before = len(slack_api.calls)
    reply(bot, "I am another bot", bot_id="B0OTHER")
    reply(bot, "I am this bot", user=BOT_USER, bot_id=BOT_ID)
    reply(bot, "edited", subtype="message_changed")
    reply(bot, "someone joined", subtype="channel_join")
    dispatch(bot, event_request(SECRET, message_event("lunch?", channel="C0GENERAL", ts="2000.000001")))  # no thread
    dispatch(bot, event_request(SECRET, message_event("unrelated thread", channel="C0GENERAL", ts="3000.000002",
                                                      thread_ts="3000.000001")))
    assert bot.join(WAIT)
    assert iv.sent == [] and len(slack_api.calls) == before
    with pytest.raises(LeverError):
        iv.state(thread_key(TEAM, "C0GENERAL", "3000.000001"))


def test_a_retried_event_is_answered_once(make_bot, slack_api):
    bot = make_bot()
    first = event_request(SECRET, mention_event("we answer questions from our docs", channel="C0GENERAL",
                                                ts="1000.000100"), event_id="Ev0RETRY")
    assert dispatch(bot, first).status == 200
    retry = event_request(SECRET, json.loads(first[0])["event"], event_id="Ev0RETRY", retry=1)
    assert dispatch(bot, retry).status == 200
    # the same message again under another event id (a mention in a thread also arrives as a message event)
    again = event_request(SECRET, json.loads(first[0])["event"], event_id="Ev0OTHER")
    assert dispatch(bot, again).status == 200
    assert bot.join(WAIT)
    assert len(posts(slack_api)) == 1
    snap = bot.interview.state(thread_key(TEAM, "C0GENERAL", "1000.000100"))
    assert [m.role for m in snap.messages].count("user") == 1


def test_a_bad_signature_is_rejected(make_bot, slack_api):
    bot = make_bot()
    body, headers = event_request(SECRET, mention_event("hello", channel="C0GENERAL", ts="1000.000100"))
    forged = dict(headers, **{"x-slack-signature": "v0=" + "0" * 64})
    assert dispatch(bot, (body, forged)).status == 401
    wrong_secret = event_request("not-the-secret", mention_event("hello", channel="C0GENERAL", ts="1000.000101"))
    assert dispatch(bot, wrong_secret).status == 401
    stale = event_request(SECRET, mention_event("hello", channel="C0GENERAL", ts="1000.000102"), timestamp=1_000_000)
    assert dispatch(bot, stale).status == 401
    assert bot.join(WAIT)
    assert slack_api.of("chat.postMessage") == []
    assert bot.work.pending() == 0


# ---------------------------------------------------------------------------------------------- buttons
def test_a_button_answers_in_the_clickers_name_and_stale_clicks_do_not(make_bot, slack_api):
    iv = Wrapped(Interview(home=Path(os.environ["LEVER_HOME"])))
    bot = make_bot(iv)
    mention(bot, "we answer customer questions from our product docs")
    assert bot.join(WAIT)
    reply(bot, "Yes, knowledge")
    assert bot.join(WAIT)
    question = posts(slack_api)[-1]
    assert "change" in question["text"]
    weekly = next(i for i, b in enumerate(buttons(question)) if b["value"] == "Weekly")
    assert dispatch(bot, action_request(SECRET, click_payload(question, weekly, user="U0BOB"))).status == 200
    assert bot.join(WAIT)
    tid = thread_key(TEAM, "C0GENERAL", "1000.000100")
    assert iv.sent[-1] == (tid, "Weekly")
    snap = iv.state(tid)
    assert snap.profile.value("freshness") == "weekly"
    [update] = slack_api.of("chat.update", ts=question["ts"])
    assert not [b for b in update["blocks"] if b["type"] == "actions"], "the buttons are gone once answered"
    assert "<@U0BOB> chose *Weekly*" in json.dumps(update["blocks"])
    assert snap.pending.id != "freshness" and buttons(posts(slack_api)[-1]), "the next question is posted"
    assert posts(slack_api)[-1]["ts"] != question["ts"]
    # the same old question clicked again: nothing is sent, the clicker is told privately
    sent = len(iv.sent)
    dispatch(bot, action_request(SECRET, click_payload(question, 0, user="U0CAROL")))
    assert bot.join(WAIT)
    assert len(iv.sent) == sent
    [private] = slack_api.of("chat.postEphemeral", user="U0CAROL")
    assert private["text"] == STALE


# ---------------------------------------------------------------------------------------------- concurrency
def test_an_answer_sent_while_the_previous_turn_runs_is_not_lost(make_bot, slack_api):
    running, release = threading.Event(), threading.Event()

    def hold_first(thread_id, text):
        if text == "Knowledge: our product docs":
            running.set()
            assert release.wait(WAIT)

    iv = Wrapped(Interview(home=Path(os.environ["LEVER_HOME"])), before_send=hold_first)
    bot = make_bot(iv)
    mention(bot, "hello")
    assert bot.join(WAIT)
    assert reply(bot, "Knowledge: our product docs").status == 200
    assert running.wait(WAIT)
    assert reply(bot, "The docs change every week").status == 200, "acknowledged while the first turn runs"
    assert bot.work.pending() == 2
    release.set()
    assert bot.join(WAIT)
    snap = iv.state(thread_key(TEAM, "C0GENERAL", "1000.000100"))
    said = [m.text for m in snap.messages if m.role == "user"]
    assert said == ["hello", "Knowledge: our product docs", "The docs change every week"]
    assert snap.profile.value("freshness") == "weekly"
    assert len(posts(slack_api)) == 3


def drive(bot, channel, root, answers):
    """Answer the pending question in a thread, one reply per step (a generator: step it, then join)."""
    tid = thread_key(TEAM, channel, root)
    for _ in range(14):
        snap = bot.interview.state(tid)
        if snap.recommendation is not None:
            return
        reply(bot, answers.get(snap.pending.id if snap.pending else "", "I'm not sure."), channel=channel, root=root)
        yield


def test_two_threads_run_at_once_without_mixing_facts(make_bot, slack_api):
    meet = threading.Barrier(2, timeout=WAIT)
    met = set()

    def first_turns_meet(thread_id, text):
        if thread_id not in met:  # the first answer in each thread waits for the other: both must be in flight
            met.add(thread_id)
            meet.wait()

    iv = Wrapped(Interview(home=Path(os.environ["LEVER_HOME"])), before_send=first_turns_meet)
    bot = make_bot(iv, workers=2)
    mention(bot, "We answer customer questions from our product docs", channel="C0DOCS", ts="10.000001")
    mention(bot, "We write product descriptions that must sound like our brand", channel="C0COPY", ts="20.000001")
    assert bot.join(WAIT)
    runs = [drive(bot, "C0DOCS", "10.000001", ANSWERS),
            drive(bot, "C0COPY", "20.000001", VOICE)]
    while runs:
        for run in list(runs):
            if next(run, "end") == "end":
                runs.remove(run)
        assert bot.join(WAIT)
    assert not [p for p in slack_api.of("chat.postMessage") if p["text"] == FAILED]
    docs = iv.state(thread_key(TEAM, "C0DOCS", "10.000001"))
    copy = iv.state(thread_key(TEAM, "C0COPY", "20.000001"))
    assert docs.recommendation.strategy == "rag" and copy.recommendation.strategy == "fine_tuning"
    assert docs.profile.value("need") == "knowledge" and copy.profile.value("need") == "behaviour"
    assert docs.profile.value("freshness") == "weekly" and copy.profile.value("freshness") == "static"
    docs_user = " ".join(m.text for m in docs.messages if m.role == "user")
    assert "brand" not in docs_user and "product docs" not in " ".join(m.text for m in copy.messages if m.role == "user")
    assert header(posts(slack_api, "C0DOCS", "10.000001")[-1]).startswith("Recommendation: RAG")
    assert header(posts(slack_api, "C0COPY", "20.000001")[-1]) == "Recommendation: Fine-tuning"


# ---------------------------------------------------------------------------------------------- errors and reports
def test_an_interview_error_is_one_plain_sentence_in_the_thread(make_bot, slack_api):
    def fail(thread_id, text):
        raise LeverError("The conversation store is read-only, so this turn was not saved.")

    iv = Wrapped(Interview(home=Path(os.environ["LEVER_HOME"])), before_send=fail)
    bot = make_bot(iv)
    mention(bot, "hello")
    assert bot.join(WAIT)
    reply(bot, "weekly")
    assert bot.join(WAIT)
    last = posts(slack_api)[-1]
    assert last["text"] == "The conversation store is read-only, so this turn was not saved."
    assert not last.get("blocks")


def test_an_unexpected_failure_says_so_without_internals(make_bot, slack_api):
    def crash(thread_id, text):
        raise KeyError("text")

    bot = make_bot(Wrapped(Interview(home=Path(os.environ["LEVER_HOME"])), before_send=crash))
    mention(bot, "hello")
    assert bot.join(WAIT)
    reply(bot, "weekly")
    assert bot.join(WAIT)
    assert posts(slack_api)[-1]["text"] == FAILED


def test_the_report_is_a_thread_reply_when_files_cannot_be_uploaded(make_bot, slack_api):
    slack_api.failures["files.getUploadURLExternal"] = "missing_scope"
    bot = make_bot()
    mention(bot, ANSWERS["need"])
    assert bot.join(WAIT)
    for _ in drive(bot, "C0GENERAL", "1000.000100", ANSWERS):
        assert bot.join(WAIT)
    thread = posts(slack_api)
    at = next(i for i, p in enumerate(thread) if header(p))
    report = thread[at + 1]
    assert report["text"] == "Full report"
    assert "*Lever recommendation: RAG" in json.dumps(report["blocks"])


def test_a_new_recommendation_says_what_changed_before_its_blocks(make_bot, slack_api):
    bot = make_bot()
    mention(bot, ANSWERS["need"])
    assert bot.join(WAIT)
    for _ in drive(bot, "C0GENERAL", "1000.000100", ANSWERS):
        assert bot.join(WAIT)
    reply(bot, "Correction: the documents hardly ever change")
    assert bot.join(WAIT)
    last = posts(slack_api)[-1]
    assert header(last).startswith("Recommendation: ")
    before = []
    for block in last["blocks"]:
        if block["type"] == "header":
            break
        before.append(block["text"]["text"])
    said = "\n".join(before)
    assert "That changes the answer" in said or "*Still " in said
    assert "## " not in said and "**" not in said
    assert len(slack_api.of("files.completeUploadExternal")) == 2, "a new recommendation comes with a new report"


def test_a_what_if_posts_its_own_blocks_and_no_report(make_bot, slack_api):
    """A what-if message (kind "whatif", its recommendation in the snapshot's hypothesis) is shown as blocks under a
    "What if" header after what was said before the summary; it uploads no report."""
    from agent.types import Hypothesis, Message

    class WhatIf(Wrapped):
        def send(self, thread_id, text):
            snap = self.iv.send(thread_id, text)
            if not text.startswith("What if"):
                return snap
            rec = snap.recommendation.model_copy(update={"label": "Fine-tuning", "strategy": "fine_tuning",
                                                         "summary": "## The long explanation [1]"})
            said = Message(role="assistant", kind="whatif", text="**What if** 5,000 examples? Your stated facts are "
                           "unchanged. Say *go with that* to adopt it.\n\n## The long explanation [1]")
            return snap.model_copy(update={"messages": snap.messages + [Message(role="user", text=text), said],
                                           "hypothesis": Hypothesis(quote=text, recommendation=rec)})

    bot = make_bot(WhatIf(Interview(home=Path(os.environ["LEVER_HOME"]))))
    mention(bot, ANSWERS["need"])
    assert bot.join(WAIT)
    for _ in drive(bot, "C0GENERAL", "1000.000100", ANSWERS):
        assert bot.join(WAIT)
    uploads = len(slack_api.of("files.completeUploadExternal"))
    assert uploads == 1
    reply(bot, "What if we had 5,000 labelled examples?")
    assert bot.join(WAIT)
    last = posts(slack_api)[-1]
    assert header(last) == "What if: Fine-tuning"
    assert last["blocks"][0]["text"]["text"].startswith("*What if* 5,000 examples? Your stated facts are unchanged.")
    assert "The long explanation" not in json.dumps(last["blocks"]), "the blocks stand in for the summary"
    assert len(slack_api.of("files.completeUploadExternal")) == uploads


# ---------------------------------------------------------------------------------------------- end to end over HTTP
@pytest.fixture
def served(make_bot):
    bot = make_bot()
    server = http_server(bot, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield bot, f"http://{host}:{port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def post_http(base, request):
    body, headers = request
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(f"{base}/slack/events", data=body.encode(), headers=headers, method="POST")
    try:
        with opener.open(req, timeout=WAIT) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_whole_interview_over_http_ends_in_blocks_with_numbered_sources_and_a_report(served, slack_api):
    bot, base = served
    root = "1000.000100"
    tid = thread_key(TEAM, "C0GENERAL", root)
    assert post_http(base, event_request(SECRET, mention_event("Hi! Can you help us choose?", channel="C0GENERAL",
                                                               ts=root))) == 200
    assert bot.join(WAIT)
    for n in range(14):
        snap = bot.interview.state(tid)
        if snap.recommendation is not None:
            break
        question = posts(slack_api)[-1]
        options = {b["value"]: i for i, b in enumerate(buttons(question))}
        answer = ANSWERS.get(snap.pending.id, "I'm not sure.")
        if answer in options:  # a quick reply: click it
            request = action_request(SECRET, click_payload(question, options[answer]))
        else:
            request = event_request(SECRET, message_event(answer, channel="C0GENERAL", ts=f"1001.{n:06d}",
                                                          thread_ts=root))
        assert post_http(base, request) == 200
        assert bot.join(WAIT)
    assert slack_api.of("chat.update"), "at least one answer was a button"
    thread = posts(slack_api)
    rec_post = next(p for p in thread if header(p))
    assert header(rec_post) == "Recommendation: RAG (retrieval-augmented generation)"
    text = json.dumps(rec_post["blocks"])
    sources = next(b["text"]["text"] for b in rec_post["blocks"]
                   if b["type"] == "section" and b["text"]["text"].startswith("*Sources*"))
    numbers = [line.split("]")[0] + "]" for line in sources.split("\n")[1:]]
    assert numbers == [f"[{i}]" for i in range(1, len(numbers) + 1)] and len(numbers) >= 2
    assert "[1]" in text.split("*Sources*")[0]
    assert "fine_tuning" not in text
    [complete] = slack_api.of("files.completeUploadExternal")
    assert complete["channel_id"] == "C0GENERAL" and complete["thread_ts"] == root
    [uploaded] = slack_api.uploads.values()
    assert uploaded.decode().startswith("# Lever recommendation: RAG")
    assert post_http(base, event_request(SECRET, message_event("done", channel="C0GENERAL", ts="1002.000001",
                                                               thread_ts=root))) == 200
    assert bot.join(WAIT)
    assert bot.interview.state(tid).done
    # signature checks stay on behind the HTTP endpoint
    assert post_http(base, ("{}", {"content-type": "application/json", "x-slack-request-timestamp": "1",
                                   "x-slack-signature": "v0=00"})) == 401


def test_the_cli_names_missing_environment_variables(monkeypatch, capsys):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main([]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to run the Slack bot (see the Slack section of the README)."
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert main([]) == 2
    assert "SLACK_BOT_TOKEN to run" in capsys.readouterr().err


def test_python_m_slackbot_serves_http_on_loopback(slack_api, tmp_path):
    env = dict(os.environ, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=slack_api.url,
               LEVER_HOME=str(tmp_path / "cli-home"), PYTHONUNBUFFERED="1")
    env.pop("SLACK_APP_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "slackbot", "--host", "127.0.0.1", "--port", "0"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("Lever is listening for Slack on http://127.0.0.1:"), line + proc.stderr.read()
        base = line.split(" on ", 1)[1].split("/slack/events")[0]
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{base}/healthz", timeout=WAIT) as resp:
            assert resp.read() == b"ok\n"
        assert post_http(base, event_request(SECRET, mention_event("hello", channel="C0CLI", ts="7.000001"))) == 200
        assert slack_api.wait_for(lambda api: api.of("chat.postMessage", channel="C0CLI"), WAIT)
    finally:
        proc.terminate()
        proc.wait(timeout=WAIT)
    assert proc.returncode == 0
