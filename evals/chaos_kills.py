"""Kills: SIGKILL a worker running interviews at random moments, restart it, then check what survived.

The worker (a forked child) drives interviews through ``Interview`` on a file store in a scratch
``LEVER_HOME``: it starts interviews (with or without an opening), answers the pending question with answers
from the scripted scenarios, asks follow-ups and says "done". Its brain is the offline brain slowed by a few
random milliseconds per call, as a remote brain would be, so that kills land inside turns. Before every
``start``/``send`` it appends a ``begin`` line to a journal, and after every call that returned an ``end``
line with the thread id, the message, the number of messages and whether the message was answered; each line
is fsync'd, so the journal is the ground truth of what a user saw.

The parent kills the worker ``kills`` times: at a random time, right inside a ``start``, right inside a
``send``, or during start-up, and starts a new worker each time. The new worker carries on where the journal
says the user was (a user who sent a message when the process died sends the next one to the same thread).
After the last kill a checker process opens the store with the plain offline brain and reports:

* returned turns lost: a message whose ``send``/``start`` returned with it answered, missing from its thread;
* messages dropped after recovery: a probe sent to every thread that returns without the probe followed by an
  assistant reply, plus worker sends right after a kill in their thread that returned unanswered;
* threads stuck: a probe that raises, or is stored but never answered;
* threads not listed: a thread with a user message in the store that ``list()`` does not show (a kill inside
  ``start`` can leave one); threads listed but not stored.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.chaos_inputs import realistic
from evals.chaos_proc import TIMEOUT, Child, run_in_child

PROBE = "I'm not sure, let's move on."
FOLLOW_UPS = ["Why that and not fine-tuning?", "What if we had 5,000 labelled examples?",
              "How much would it cost per month?", "done"]
POOL = 3  # interviews the worker keeps going at once
KILL_MODES = {"random": 55, "inside start": 20, "inside send": 20, "start-up": 5}
MAX_RANDOM_DELAY = 0.6  # seconds after the worker is ready


class SlowBrain:
    """The offline brain with a nap of ``low``..``high`` seconds in every call, like a remote brain."""

    def __init__(self, rng: random.Random, low: float = 0.002, high: float = 0.02, inner: Any = None) -> None:
        from agent.brains import OfflineBrain

        self.inner = inner or OfflineBrain()
        self.name = self.inner.name
        self.rng, self.low, self.high = rng, low, high

    def _nap(self) -> None:
        time.sleep(self.rng.uniform(self.low, self.high))

    def understand(self, *args: Any, **kwargs: Any) -> Any:
        self._nap()
        return self.inner.understand(*args, **kwargs)

    def phrase_question(self, *args: Any, **kwargs: Any) -> str:
        self._nap()
        return self.inner.phrase_question(*args, **kwargs)

    def explain(self, *args: Any, **kwargs: Any) -> str:
        self._nap()
        return self.inner.explain(*args, **kwargs)

    def answer(self, *args: Any, **kwargs: Any) -> str:
        self._nap()
        return self.inner.answer(*args, **kwargs)

    def take_events(self) -> list[dict]:
        return self.inner.take_events()


def slow_factory(home: str, rng: random.Random) -> Any:
    from agent import Interview

    return Interview(home=home, brain=SlowBrain(rng))


def plain_factory(home: str, rng: random.Random | None = None) -> Any:
    from agent import Interview
    from agent.brains import OfflineBrain

    return Interview(home=home, brain=OfflineBrain())


# ------------------------------------------------------------------------------------------ journal
class Journal:
    """Append-only JSON lines, each fsync'd before the call returns."""

    def __init__(self, path: str | Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(self.fd, b"\n")  # end a line a kill may have cut

    def write(self, **record: Any) -> None:
        os.write(self.fd, (json.dumps(record) + "\n").encode("utf-8"))
        os.fsync(self.fd)


def read_journal(path: str | Path) -> list[dict]:
    out = []
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return out
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # empty, or cut by a kill
    return out


def segments(events: list[dict]) -> list[list[dict]]:
    """The journal cut at each worker's boot line: one list per worker life."""
    out: list[list[dict]] = []
    for ev in events:
        if ev.get("ev") == "boot" or not out:
            out.append([])
        out[-1].append(ev)
    return out


def landing(segment: list[dict]) -> str:
    """Where the kill that ended this worker life landed, from its last journal line."""
    last = segment[-1]
    if last.get("ev") == "boot":
        return "start-up"
    if last.get("ev") == "begin":
        return f"inside {last['op']}"
    return "between turns"


def _answered(snap: Any, text: str | None) -> bool:
    msgs = snap.messages
    if not msgs or msgs[-1].role != "assistant":
        return False
    if text is None:
        return True
    return len(msgs) >= 2 and msgs[-2].role == "user" and msgs[-2].text == text


# ------------------------------------------------------------------------------------------ the worker
def _plan(events: list[dict]) -> tuple[list[str], str | None, dict[str, str]]:
    """From the journal: interviews still going, the thread a kill interrupted mid-send, each thread's last text."""
    active: dict[str, bool] = {}
    last_text: dict[str, str] = {}
    for ev in events:
        if ev.get("ev") == "end" and ev.get("ok"):
            active[ev["thread"]] = not ev.get("done")
            if ev.get("text"):
                last_text[ev["thread"]] = ev["text"]
        elif ev.get("ev") == "gone":
            active[ev["thread"]] = False
    pool = [t for t, on in active.items() if on]
    retry = None
    for seg in reversed(segments(events)):  # the latest life that did anything (a kill in start-up does not)
        calls = [ev for ev in seg if ev.get("ev") in ("begin", "end")]
        if not calls:
            continue
        last = calls[-1]
        if last.get("ev") == "begin" and last.get("op") == "send" and last.get("thread") in pool:
            retry = last["thread"]
            last_text[retry] = last.get("text") or ""
        break
    return pool, retry, last_text


def _next_message(snap: Any, rng: random.Random, avoid: str | None) -> str | None:
    _, answers = realistic()
    if snap.done:
        return None
    if snap.pending is not None:
        choices = answers.get(snap.pending.id) or ["I'm not sure."]
    elif snap.recommendation is not None:
        choices = FOLLOW_UPS
    else:
        choices = ["I'm not sure.", "Can you say more?"]
    options = [c for c in choices if c != avoid] or [choices[0] + " (again)"]
    return rng.choice(options)


def worker(emit: Callable, home: str, journal_path: str, seed: int,
           factory: Callable[[str, random.Random], Any] = slow_factory) -> None:
    """Run interviews until killed, journalling every call."""
    from agent import LeverError

    rng = random.Random(seed)
    history = read_journal(journal_path)
    journal = Journal(journal_path)
    journal.write(ev="boot", pid=os.getpid())
    emit({"ev": "boot"})
    pool, retry, last_text = _plan(history)
    iv = factory(home, rng)
    journal.write(ev="ready")
    emit({"ev": "ready"})
    openings, _ = realistic()
    while True:
        if retry is None and (len(pool) < POOL or rng.random() < 0.1):
            thread = f"k{rng.getrandbits(48):012x}"
            opening = rng.choice(openings) if rng.random() < 0.6 else None
            journal.write(ev="begin", op="start", thread=thread, text=opening)
            emit({"ev": "begin", "op": "start"})
            try:
                snap = iv.start(opening, thread_id=thread)
            except LeverError as exc:
                journal.write(ev="end", op="start", thread=thread, text=opening, ok=False, error=str(exc)[:200])
                continue
            journal.write(ev="end", op="start", thread=thread, text=opening, ok=True, n=len(snap.messages),
                          answered=_answered(snap, opening), done=snap.done)
            pool.append(thread)
            continue
        after_kill = retry is not None
        if retry is not None:
            thread, retry = retry, None
        elif rng.random() < 0.1:  # "lever --resume": the newest listed interview
            try:
                thread = iv.resolve(None)
            except LeverError:
                continue
            if thread not in pool:
                continue
        else:
            thread = rng.choice(pool)
        try:
            snap = iv.state(thread)
        except Exception as exc:  # noqa: BLE001 - an unreadable thread is reported by the checker
            journal.write(ev="gone", thread=thread, error=f"{type(exc).__name__}: {str(exc)[:200]}")
            pool.remove(thread)
            continue
        text = _next_message(snap, rng, last_text.get(thread))
        if text is None:
            journal.write(ev="gone", thread=thread, error="")
            pool.remove(thread)
            continue
        journal.write(ev="begin", op="send", thread=thread, text=text)
        emit({"ev": "begin", "op": "send"})
        try:
            snap = iv.send(thread, text)
        except LeverError as exc:
            journal.write(ev="end", op="send", thread=thread, text=text, ok=False, error=str(exc)[:200],
                          after_kill=after_kill)
            last_text[thread] = text
            continue
        last_text[thread] = text
        journal.write(ev="end", op="send", thread=thread, text=text, ok=True, n=len(snap.messages),
                      answered=_answered(snap, text), done=snap.done, after_kill=after_kill)
        if snap.done:
            pool.remove(thread)


# ------------------------------------------------------------------------------------------ the checker
def _in_order(wanted: list[str], have: list[str]) -> int:
    """How many of ``wanted`` cannot be matched, in order, in ``have``."""
    i = 0
    missing = 0
    for text in wanted:
        j = i
        while j < len(have) and have[j] != text:
            j += 1
        if j == len(have):
            missing += 1
        else:
            i = j + 1
    return missing


def check(home: str, journal_path: str, factory: Callable[..., Any] = plain_factory) -> dict[str, Any]:
    """Open the store after the kills and measure what survived. Runs in its own process."""
    from agent import LeverError

    events = read_journal(journal_path)
    threads: dict[str, dict] = {}
    for ev in events:
        if ev.get("ev") not in ("begin", "end"):
            continue
        info = threads.setdefault(ev["thread"], {"returned": [], "n": 0, "start_returned": False})
        if ev["ev"] == "end" and ev.get("ok"):
            if ev.get("text") and ev.get("answered"):  # a message dropped on return is counted as dropped, not lost
                info["returned"].append(ev["text"])
            info["n"] = max(info["n"], ev.get("n", 0))
            info["start_returned"] |= ev["op"] == "start"

    out: dict[str, Any] = {"threads_begun": len(threads)}
    sends = [ev for ev in events if ev.get("ev") == "end" and ev.get("op") == "send"]
    returned = [ev for ev in sends if ev.get("ok")]
    after_kill = [ev for ev in sends if ev.get("after_kill")]
    out["worker_sends_returned"] = len(returned)
    out["worker_turns_failed"] = sum(not ev.get("ok") for ev in events if ev.get("ev") == "end")
    out["worker_failure_examples"] = list(dict.fromkeys(
        ev.get("error", "") for ev in events if ev.get("ev") == "end" and not ev.get("ok")))[:3]
    out["worker_unanswered"] = sum(not ev.get("answered") for ev in returned)
    out["sends_after_kill"] = len(after_kill)
    out["sends_after_kill_dropped"] = sum(bool(ev.get("ok")) and not ev.get("answered") for ev in after_kill)
    out["sends_after_kill_failed"] = sum(not ev.get("ok") for ev in after_kill)

    try:
        iv = factory(home)
    except Exception as exc:  # noqa: BLE001 - a store that will not open is the worst outcome: report it
        out["open_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        return out
    out["startup_notices"] = list(getattr(iv, "startup_notices", []))
    try:
        listed = {s.thread_id for s in iv.list()}
    except Exception as exc:  # noqa: BLE001
        out["list_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        listed = set()
    counts = Counter()
    examples: dict[str, str] = {}
    for thread, info in threads.items():
        try:
            snap = iv.state(thread)
        except LeverError as exc:
            snap = None
            if "no interview" not in str(exc).lower():
                counts["unreadable"] += 1
                examples.setdefault("unreadable", f"{thread}: {exc}")
        except Exception as exc:  # noqa: BLE001
            snap = None
            counts["unreadable"] += 1
            examples.setdefault("unreadable", f"{thread}: {type(exc).__name__}: {exc}")
        if snap is None:
            counts["lost"] += len(info["returned"])
            if info["returned"]:
                counts["threads_lost"] += 1
            if thread in listed:
                counts["listed_not_stored"] += 1
            else:
                counts["not_stored"] += 1
            continue
        counts["stored"] += 1
        users = [m.text for m in snap.messages if m.role == "user"]
        missing = _in_order(info["returned"], users)
        counts["lost"] += missing
        if missing:
            examples.setdefault("lost", f"{thread}: {missing} of {len(info['returned'])} returned messages missing")
        if len(snap.messages) < info["n"]:
            counts["shorter"] += 1
        if users and thread not in listed:
            counts["not_listed"] += 1
            counts["not_listed_returned" if info["returned"] else "not_listed_cut_short"] += 1
        try:
            after = iv.send(thread, PROBE)
            if _answered(after, PROBE):
                counts["probe_ok"] += 1
                if not missing:
                    counts["recovered"] += 1
            elif not any(m.role == "user" and m.text == PROBE for m in after.messages[-3:]):
                counts["probe_dropped"] += 1
                examples.setdefault("dropped", f"{thread}: the probe returned but is not in the conversation")
            else:
                counts["probe_unanswered"] += 1
                examples.setdefault("stuck", f"{thread}: the probe is stored but has no reply")
        except Exception as exc:  # noqa: BLE001 - LeverError included: the thread does not move
            counts["probe_raised"] += 1
            examples.setdefault("stuck", f"{thread}: {type(exc).__name__}: {str(exc)[:200]}")
    out.update({k: counts[k] for k in (
        "stored", "recovered", "lost", "threads_lost", "shorter", "unreadable", "not_stored", "listed_not_stored",
        "not_listed", "not_listed_returned", "not_listed_cut_short", "probe_ok", "probe_dropped", "probe_unanswered",
        "probe_raised")})
    out["dropped"] = counts["probe_dropped"] + out["sends_after_kill_dropped"]
    out["stuck"] = counts["probe_raised"] + counts["probe_unanswered"]
    out["examples"] = examples
    try:
        iv.close()
    except Exception:  # noqa: BLE001
        pass
    return out


# ------------------------------------------------------------------------------------------ the parent
def run_kills(kills: int, seed: int = 1, factory: Callable[[str, random.Random], Any] = slow_factory,
              check_factory: Callable[..., Any] = plain_factory, home: str | Path | None = None,
              progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Kill a worker ``kills`` times at random moments, then check the store."""
    from evals.chaos_fuzz import _warm_index

    started = time.monotonic()
    home = str(home or tempfile.mkdtemp(prefix="lever-chaos-kills-"))
    journal_path = str(Path(home).parent / f"{Path(home).name}.journal.jsonl")
    Path(home).mkdir(parents=True, exist_ok=True)
    _warm_index(home)
    rng = random.Random(f"{seed}/kills")
    modes = Counter()
    failures: list[str] = []
    for k in range(kills):
        mode = rng.choices(list(KILL_MODES), weights=list(KILL_MODES.values()))[0]
        modes[mode] += 1
        child = Child(worker, home, journal_path, rng.getrandbits(32), factory, stderr_path=f"{home}.log")
        if mode == "start-up":
            time.sleep(rng.uniform(0.0, 0.02))
        else:
            rec = _wait_for(child, lambda r: r.get("ev") == "ready", 60.0)
            if rec is not None and "fatal" in rec:
                failures.append(rec["fatal"][-400:])
            elif mode == "random":
                time.sleep(rng.uniform(0.0, MAX_RANDOM_DELAY))
            else:
                op = mode.split()[-1]
                if _wait_for(child, lambda r, op=op: r.get("op") == op, 5.0) is not None:
                    time.sleep(rng.uniform(0.0, 0.03))
        child.kill()
        if progress and (k + 1) % 10 == 0:
            progress(f"  {k + 1} kills")
    result = run_in_child(check, home, journal_path, check_factory, timeout=300, stderr_path=f"{home}.log")
    events = read_journal(journal_path)
    landed = Counter(landing(seg) for seg in segments(events) if seg and seg[0].get("ev") == "boot")
    if kills > sum(landed.values()):  # killed before its first journal line
        landed["start-up"] += kills - sum(landed.values())
    result.update(kills=kills, kill_modes=dict(modes), landed=dict(landed), worker_failures=failures[:3],
                  seconds=round(time.monotonic() - started, 1), home=home, journal=journal_path,
                  log=f"{home}.log")
    return result


def _wait_for(child: Child, match: Callable[[dict], bool], timeout: float) -> dict | None:
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        rec = child.next(left)
        if rec is TIMEOUT or rec is None:
            return None
        if "fatal" in rec or match(rec):
            return rec
