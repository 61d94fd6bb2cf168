"""Slack front end benchmark: how fast Slack gets its acknowledgement, and how many interviews the bot sustains.
Everything runs on loopback: the bot's HTTP endpoint and a fake Slack Web API (slackbot.testing). Prints figures,
never asserts.

  python -m evals.bench_slack [--events 100] [--interviews 40] [--workers 4]

* ack: 100 signed mentions POSTed to the bot's HTTP endpoint, each timed until its 200 (what Slack waits for;
  it retries after 3 s). Each starts an interview, so later events are acknowledged while earlier turns run.
* throughput: interviews from the eval scenarios driven to a recommendation through Bolt's request handling
  (answers by typed reply), with the report uploaded to the fake; interviews per second over the wall time,
  and the time from an answer's acknowledgement to the bot's next post in that thread.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from slack_bolt import BoltRequest
from slack_sdk import WebClient

from agent import Interview
from agent.brains import OfflineBrain
from evals.bench_retrieval import pct
from evals.runner import SCENARIO_DIR, load_scenarios
from slackbot import LeverSlack, thread_key
from slackbot.app import FAILED
from slackbot.cli import http_server
from slackbot.testing import TEAM, FakeSlackAPI, event_request, mention_event, message_event

SECRET = "bench-signing-secret"


def _bot(api: FakeSlackAPI, home: Path, workers: int) -> LeverSlack:
    iv = Interview(home=home, brain=OfflineBrain())
    return LeverSlack(iv, client=WebClient(token="xoxb-bench", base_url=api.url), signing_secret=SECRET,
                      workers=workers)


def bench_ack(api: FakeSlackAPI, home: Path, events: int, workers: int) -> None:
    bot = _bot(api, home, workers)
    server = http_server(bot, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    acks, statuses = [], []
    for i in range(events):
        body, headers = event_request(SECRET, mention_event("We answer customer questions from our docs",
                                                            channel=f"C{i % 7:08d}", ts=f"{100 + i}.000001"))
        req = urllib.request.Request(f"http://{host}:{port}/slack/events", data=body.encode(), headers=headers,
                                     method="POST")
        t0 = time.perf_counter()
        with opener.open(req, timeout=30) as resp:
            resp.read()
            statuses.append(resp.status)
        acks.append((time.perf_counter() - t0) * 1000)
    backlog = bot.work.pending()
    t0 = time.perf_counter()
    bot.join(600)
    drained = time.perf_counter() - t0
    ms = sorted(acks)
    print(f"ack over HTTP ({events} signed mentions, {workers} workers): p50 {pct(ms, .5):.1f} ms  "
          f"p95 {pct(ms, .95):.1f} ms  max {ms[-1]:.1f} ms  (Slack retries after 3,000 ms); "
          f"{statuses.count(200)}/{events} answered 200")
    print(f"  turns still queued when the last ack came back: {backlog}; they finished {drained:.2f} s later")
    server.shutdown()
    server.server_close()
    bot.close()
    bot.interview.close()


def bench_throughput(api: FakeSlackAPI, home: Path, count: int, workers: int) -> None:
    scenarios = [s for s in load_scenarios(SCENARIO_DIR)[0] if s.answers]
    bot = _bot(api, home, workers)
    iv = bot.interview
    runs = []  # (thread id, channel, root ts, answers, fallback)
    for i in range(count):
        sc = scenarios[i % len(scenarios)]
        channel, root = f"C{i:08d}", f"{5000 + i}.000001"
        runs.append((thread_key(TEAM, channel, root), channel, root, sc.answers, sc.fallback))
    turn_ms: list[float] = []
    seq = 0

    def dispatch(event: dict) -> float:
        body, headers = event_request(SECRET, event)
        bot.app.dispatch(BoltRequest(body=body, headers=headers))
        return time.perf_counter()

    started = time.perf_counter()
    for tid, channel, root, answers, _ in runs:
        dispatch(mention_event("", channel=channel, ts=root))
    bot.join(600)
    open_runs = list(runs)
    recommendations = 0
    while open_runs:
        sent = {}
        for run in list(open_runs):
            tid, channel, root, answers, fallback = run
            snap = iv.state(tid)
            if snap.recommendation is not None or snap.pending is None:
                recommendations += snap.recommendation is not None
                open_runs.remove(run)
                continue
            seq += 1
            before = len(api.of("chat.postMessage", channel=channel))
            sent[channel] = (dispatch(message_event(answers.get(snap.pending.id, fallback), channel=channel,
                                                    ts=f"{6000 + seq}.000001", thread_ts=root)), before)
        bot.join(600)
        for channel, (t_ack, before) in sent.items():
            posted = [c.at for c in api.calls if c.method == "chat.postMessage" and c.params.get("channel") == channel]
            if len(posted) > before:
                turn_ms.append((posted[before] - t_ack) * 1000)
    wall = time.perf_counter() - started
    turn_ms.sort()
    failed = [p for p in api.of("chat.postMessage") if p.get("text") == FAILED or "couldn't" in p.get("text", "")]
    print(f"throughput ({count} interviews from the eval scenarios, {workers} workers, in process): "
          f"{count / wall:.1f} interviews/s ({wall:.2f} s wall, {recommendations} recommendations, "
          f"{len(api.of('files.completeUploadExternal'))} reports uploaded, {len(failed)} failed turns)")
    if turn_ms:
        print(f"  answer acknowledged -> next post in its thread: p50 {pct(turn_ms, .5):.1f} ms  "
              f"p95 {pct(turn_ms, .95):.1f} ms  ({len(turn_ms)} turns)")
    bot.close()
    iv.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench_slack", description=__doc__.split("\n")[0])
    p.add_argument("--events", type=int, default=100)
    p.add_argument("--interviews", type=int, default=40)
    p.add_argument("--workers", type=int, default=4)
    args = p.parse_args(argv)
    api = FakeSlackAPI().start()
    try:
        with tempfile.TemporaryDirectory(prefix="lever-bench-slack-") as tmp:
            bench_ack(api, Path(tmp) / "ack", args.events, args.workers)
            api.clear()
            bench_throughput(api, Path(tmp) / "throughput", args.interviews, args.workers)
    finally:
        api.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
