"""Concurrency: many interviews at once in one process (one thread each), with facts no two share.

Interview k opens with its own team name and answers the budget question with its own latency and volume
(and the examples question with its own count), so that a message or a fact that crossed from one interview
into another is visible. Measured: crossed interviews (a returned snapshot of another thread, a user message
this interview never sent, or a fact value that belongs to another interview; target 0), facts misread or
missing (not crossings: the extractor's business), turns per second and p50/p95 turn latency; then the same
with reader threads polling ``state()`` and ``list()`` in a loop, with their own latency and errors.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from evals.chaos_fuzz import _pct, _warm_index

STEADY = {
    "need": "Knowledge: it must know our documents and facts",
    "freshness": "Weekly",
    "corpus": "Hundreds of documents",
    "citations": "Yes, answers must cite sources",
    "privacy": "A cloud API with an agreement is fine",
}
MAX_TURNS = 16
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fu", "gi", "ho", "ju", "be"]


def team_name(k: int) -> str:
    """A name with no digits (digits would be read as facts), different for every k."""
    out = []
    while True:
        out.append(_SYLLABLES[k % len(_SYLLABLES)])
        k //= len(_SYLLABLES)
        if k == 0:
            return "".join(out).capitalize()


def own_facts(k: int) -> dict[str, int]:
    return {"latency_ms": 100 + 3 * k, "volume_month": 10_000 * (k + 3), "examples": 500 + 7 * k}


def script(k: int) -> tuple[str, Callable[[str | None], str]]:
    """(opening, answer for a topic) of interview k."""
    facts = own_facts(k)
    opening = f"We answer customer questions from the product docs of team {team_name(k)}."

    def answer(topic: str | None) -> str:
        if topic == "budget":
            return (f"Answers in about {facts['latency_ms']} ms, {facts['volume_month']:,} requests a month, "
                    "and cost matters.")
        if topic == "examples":
            return f"We have {facts['examples']:,} labelled examples."
        return STEADY.get(topic or "", "I'm not sure.")

    return opening, answer


def default_factory(home: str) -> Any:
    from agent import Interview
    from agent.brains import OfflineBrain

    return Interview(home=home, brain=OfflineBrain())


POLL_S = 0.01  # a reader's pause between two rounds of state() and list(), as a UI polling would


def load_pass(n: int, readers: int = 0, seed: int = 1, factory: Callable[[str], Any] | None = None,
              poll_s: float = POLL_S, home: str | None = None) -> dict:
    """Run ``n`` interviews at once (and ``readers`` threads polling every ``poll_s``) to a recommendation."""
    factory = factory or default_factory
    home = home or tempfile.mkdtemp(prefix="lever-chaos-load-")
    os.makedirs(home, exist_ok=True)
    _warm_index(home)  # build the knowledge index before the clock starts
    iv = factory(home)
    barrier = threading.Barrier(n + readers + 1)
    stop = threading.Event()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: Counter = Counter()
    error_examples: dict[str, str] = {}
    crossed_replies: Counter = Counter()
    started: list[str] = []
    results: dict[int, dict] = {}

    def interview(k: int) -> None:
        opening, answer = script(k)
        sent = [opening]
        mine: dict[str, Any] = {"thread": None, "sent": sent, "turns": 0, "error": None}
        results[k] = mine
        barrier.wait()
        try:
            t0 = time.perf_counter()
            snap = iv.start(opening)
            took = time.perf_counter() - t0
            thread = snap.thread_id
            mine["thread"] = thread
            with lock:
                latencies.append(took)
                started.append(thread)
            for _ in range(MAX_TURNS):
                if snap.recommendation is not None:
                    break
                text = answer(snap.pending.id if snap.pending else None)
                sent.append(text)
                t0 = time.perf_counter()
                snap = iv.send(thread, text)
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                mine["turns"] += 1
                last_user = next((m.text for m in reversed(snap.messages) if m.role == "user"), None)
                if snap.thread_id != thread or last_user != text:
                    crossed_replies[k] += 1
            mine["recommended"] = snap.recommendation is not None
        except Exception as exc:  # noqa: BLE001 - counted and reported
            key = type(exc).__name__
            with lock:
                errors[key] += 1
                error_examples.setdefault(key, str(exc)[:200])
            mine["error"] = key

    reads: dict[str, list[float]] = {"state": [], "list": []}
    read_errors: Counter = Counter()
    read_error_examples: dict[str, str] = {}

    def reader(r: int) -> None:
        rng = random.Random(f"{seed}/reader/{r}")
        barrier.wait()
        while not stop.wait(poll_s):
            for what in ("state", "list"):
                try:
                    t0 = time.perf_counter()
                    if what == "state":
                        with lock:
                            thread = rng.choice(started) if started else None
                        if thread is None:
                            time.sleep(0.001)
                            continue
                        iv.state(thread)
                    else:
                        iv.list()
                    took = time.perf_counter() - t0
                    with lock:
                        reads[what].append(took)
                except Exception as exc:  # noqa: BLE001
                    key = f"{what}: {type(exc).__name__}"
                    with lock:
                        read_errors[key] += 1
                        read_error_examples.setdefault(key, str(exc)[:200])

    workers = [threading.Thread(target=interview, args=(k,), daemon=True) for k in range(n)]
    polls = [threading.Thread(target=reader, args=(r,), daemon=True) for r in range(readers)]
    for t in workers + polls:
        t.start()
    barrier.wait()
    t_start = time.perf_counter()
    for t in workers:
        t.join()
    wall = time.perf_counter() - t_start
    stop.set()
    for t in polls:
        t.join(timeout=30)

    # crossings, after the fact: every user message is the interview's own, every fact value is its own
    owner: dict[str, dict[Any, int]] = {f: {} for f in own_facts(0)}
    for k in range(n):
        for name, value in own_facts(k).items():
            owner[name][value] = k
    crossed: set[int] = {k for k, c in crossed_replies.items() if c}
    crossed_messages = crossed_facts = misread = missing = 0
    for k, mine in results.items():
        if not mine.get("thread"):
            continue
        try:
            snap = iv.state(mine["thread"])
        except Exception as exc:  # noqa: BLE001
            errors[f"state after the run: {type(exc).__name__}"] += 1
            continue
        foreign = [m.text for m in snap.messages if m.role == "user" and m.text not in mine["sent"]]
        if foreign:
            crossed_messages += len(foreign)
            crossed.add(k)
        for name, value in own_facts(k).items():
            got = snap.profile.value(name)
            if got is None:
                missing += name != "examples"  # examples is asked only when it could change the outcome
            elif got != value:
                if owner[name].get(got, k) != k:
                    crossed_facts += 1
                    crossed.add(k)
                else:
                    misread += 1
    total = sorted(latencies)
    out = {
        "interviews": n, "readers": readers, "recommended": sum(bool(m.get("recommended")) for m in results.values()),
        "turns": len(total), "errors": dict(errors), "error_examples": error_examples,
        "crossed": len(crossed), "crossed_replies": sum(crossed_replies.values()), "crossed_messages": crossed_messages,
        "crossed_facts": crossed_facts, "misread_facts": misread, "missing_facts": missing,
        "wall_s": round(wall, 2), "turns_per_s": round(len(total) / wall, 1) if wall else 0.0,
        "p50_ms": round(_pct(total, .5) * 1000, 1), "p95_ms": round(_pct(total, .95) * 1000, 1),
        "max_ms": round(total[-1] * 1000, 1) if total else 0.0,
    }
    if readers:
        st, ls = sorted(reads["state"]), sorted(reads["list"])
        out.update(reads=len(st) + len(ls), reads_per_s=round((len(st) + len(ls)) / wall, 1) if wall else 0.0,
                   state_p50_ms=round(_pct(st, .5) * 1000, 2), state_p95_ms=round(_pct(st, .95) * 1000, 2),
                   list_p50_ms=round(_pct(ls, .5) * 1000, 2), list_p95_ms=round(_pct(ls, .95) * 1000, 2),
                   read_errors=dict(read_errors), read_error_examples=read_error_examples)
    try:
        iv.close()
    except Exception:  # noqa: BLE001
        pass
    return out
