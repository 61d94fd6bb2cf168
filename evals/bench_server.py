"""Per-turn latency of the interview on LangGraph Server, as a client sees it, split into the server's queue
time and graph time. Prints figures (never pass/fail).

    python -m evals.bench_server [--interviews N]

It starts `langgraph dev` (in-memory runtime) from a clean copy on a loopback port, drives whole interviews
with `langgraph_sdk` in the generic {"role", "content"} shape, and reads the server's own per-run figures
(``run_wait_time_ms``: queued before a worker took it; ``run_exec_ms``: the graph running) from its log. The
same turns are then replayed on the in-process graph for comparison.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from evals.langgraph_dev import clean_copy, serve

ANSWERS = {
    "need": "knowledge, it answers from our docs",
    "freshness": "the docs change every week",
    "budget": "about two seconds is fine, around 50k questions a month",
    "examples": "none",
    "corpus": "a few thousand articles",
    "citations": "yes, answers must cite the article",
    "privacy": "a cloud API under our agreement is fine",
}
OPENINGS = ["we want a support assistant that answers from our help centre",
            "an internal bot over our engineering wiki", "a chatbot that answers questions about our product manuals"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def drive(url: str, interviews: int) -> tuple[list[float], list[list[str]]]:
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=url)
    latencies, scripts = [], []
    for n in range(interviews):
        thread = client.threads.create()["thread_id"]
        say, said = OPENINGS[n % len(OPENINGS)], []
        for _ in range(10):
            said.append(say)
            t0 = time.perf_counter()
            client.runs.wait(thread, "lever", input={"messages": [{"role": "user", "content": say}]})
            latencies.append(time.perf_counter() - t0)
            state = client.threads.get_state(thread)
            if state["values"].get("recommendation"):
                break
            say = ANSWERS[state["interrupts"][0]["value"]["pending"]]
        scripts.append(said)
    return latencies, scripts


def server_figures(log: Path) -> tuple[list[float], list[float]]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))
    wait = [float(m) / 1000 for m in re.findall(r"run_wait_time_ms=(\d+)", text)]
    run = [float(m) / 1000 for m in re.findall(r"run_exec_ms=(\d+)", text)]
    return wait, run


def in_process(scripts: list[list[str]]) -> list[float]:
    from langgraph.checkpoint.memory import InMemorySaver

    from agent import Interview

    iv = Interview(home=Path(tempfile.mkdtemp(prefix="lever-bench-")), brain="offline", checkpointer=InMemorySaver())
    times = []
    for said in scripts:
        t0 = time.perf_counter()
        snap = iv.start(said[0])
        times.append(time.perf_counter() - t0)
        for text in said[1:]:
            t0 = time.perf_counter()
            iv.send(snap.thread_id, text)
            times.append(time.perf_counter() - t0)
    iv.close()
    return times


def row(name: str, values: list[float]) -> str:
    if not values:
        return f"  {name:<42} (not reported)"
    return (f"  {name:<42} n={len(values):<4} p50 {pct(values, 50) * 1000:8.1f} ms   p95 {pct(values, 95) * 1000:8.1f} ms"
            f"   mean {statistics.mean(values) * 1000:8.1f} ms")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench_server", description=__doc__.split("\n\n")[0])
    p.add_argument("--interviews", type=int, default=5)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lever-server-") as tmp:
        t0 = time.perf_counter()
        with serve(clean_copy(Path(tmp))) as (url, log):
            started = time.perf_counter() - t0
            latencies, scripts = drive(url, args.interviews)
            time.sleep(0.5)  # let the last run's figures reach the log
            wait, run = server_figures(log)
    local = in_process(scripts)
    print(f"LangGraph Server (langgraph dev, in-memory runtime): started in {started:.1f} s; "
          f"{args.interviews} interviews, {len(latencies)} turns")
    print(row("turn as the client sees it (runs.wait)", latencies))
    print(row("  of which queued on the server", wait))
    print(row("  of which the graph running on the server", run))
    print(row("the same turns in process (file-free saver)", local))
    if wait and latencies:
        share = statistics.mean(wait) / statistics.mean(latencies)
        print(f"  queue share of a client's turn: {share:.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
