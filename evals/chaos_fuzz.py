"""Fuzz: hostile inputs through the extractor (``agent.extract.understand``) and through the facade.

Extractor: ``n`` inputs for each pending topic (None and the seven topic ids). Counts crashes (an exception),
freezes (an input still running after ``freeze_s``: the child is killed and the run goes on after it), absurd
facts (``evals.chaos_bounds``) and the slowest input, in CPU time so that other load on the machine does not
inflate it.

Facade: ``n`` inputs through ``Interview.start``/``send`` on a file store. After every input a probe message
("I'm not sure.") goes to the same thread: it must come back as a user message followed by an assistant
reply. A probe that raises or is never answered is a stuck thread; one that returns but is missing from the
conversation is a dropped message. A ``LeverError`` is a refusal with a message (allowed); any other
exception is a crash.

A kind of input (``chaos_inputs.KINDS``) that freezes ``CUT_FREEZES`` times, or has spent ``CUT_SLOW_S`` seconds
in inputs over ``SLOW_MS``, is not run any further, and the extractor run stops after ``BUDGET_S``; both are
reported as inputs not run. That keeps the harness to a few minutes while a pattern is super-linear; with
every input under ``SLOW_MS`` nothing is cut (80,000 inputs take well under the budget).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.topics import TOPICS
from evals.chaos_bounds import (
    check_misread,
    check_profile,
    check_understanding,
    valid_text,
)
from evals.chaos_inputs import KINDS, excerpt, make_case, make_input
from evals.chaos_proc import TIMEOUT, Child

FREEZE_S = 2.0  # an input still running after this long is a freeze
SLOW_MS = 50.0  # target: every input under this (CPU ms)
CUT_FREEZES = 3
CUT_SLOW_S = 5.0  # CPU seconds a kind may spend in slow inputs before the rest of it is not run
BUDGET_S = 240.0  # wall seconds for the whole extractor run; what is left then is reported as not run
PENDING: list[str | None] = [None, *TOPICS]
PROBE = "I'm not sure."


def _stream(topic: str | None) -> str:
    return f"understand:{topic or 'opening'}"


def _at(pos: int) -> tuple[str | None, str, int]:
    """Position in the extractor run -> (pending topic, stream, index). Topics take turns, so a run cut short
    by the time budget still covers every topic alike."""
    topic = PENDING[pos % len(PENDING)]
    return topic, _stream(topic), pos // len(PENDING)


@dataclass
class FuzzStats:
    """What one fuzz run saw. Examples keep (stream, index, kind, excerpt) so every finding can be replayed."""

    name: str
    planned: int = 0
    run: int = 0
    per_stream: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # kind -> inputs not run after it was cut
    crashes: Counter = field(default_factory=Counter)  # error type -> count
    crash_examples: dict = field(default_factory=dict)
    absurd_inputs: int = 0
    absurd: Counter = field(default_factory=Counter)  # reason -> count
    absurd_examples: dict = field(default_factory=dict)
    misread: Counter = field(default_factory=Counter)  # mistake -> count (signs and powers, extractor only)
    misread_examples: dict = field(default_factory=dict)
    freezes: list = field(default_factory=list)
    slow_by_kind: Counter = field(default_factory=Counter)  # kind -> CPU ms spent in inputs over SLOW_MS
    frozen_by_kind: Counter = field(default_factory=Counter)
    slow: int = 0
    slowest: tuple = (0.0, "", -1, "", "")  # ms, stream, index, kind, excerpt
    child_failures: list = field(default_factory=list)
    out_of_time: int = 0  # inputs not run because the time budget was spent
    # facade only
    refused: int = 0
    unanswered: int = 0
    stuck: int = 0
    dropped: int = 0
    probe_failures: Counter = field(default_factory=Counter)
    probe_examples: dict = field(default_factory=dict)
    invalid_text: int = 0
    turn_ms: list = field(default_factory=list)
    via: Counter = field(default_factory=Counter)

    def cut_state(self) -> dict:
        return {"slow": dict(self.slow_by_kind), "frozen": dict(self.frozen_by_kind)}

    def cut_kinds(self) -> list[str]:
        return [k for k in KINDS if _is_cut(k, self.slow_by_kind, self.frozen_by_kind)]

    def example(self, stream: str, i: int, kind: str, text: str) -> dict:
        return {"stream": stream, "index": i, "kind": kind, "input": excerpt(text)}

    def add(self, rec: dict, stream: str, i: int, text: str) -> None:
        kind = rec["kind"]
        if rec.get("skip"):
            self.skipped[kind] += 1
            return
        self.run += 1
        self.per_stream[stream] += 1
        if "crash" in rec:
            err = rec["crash"]
            key = err.split(":", 1)[0]
            self.crashes[key] += 1
            self.crash_examples.setdefault(key, {**self.example(stream, i, kind, text), "error": err})
        if rec.get("absurd"):
            self.absurd_inputs += 1
            for why in rec["absurd"]:
                self.absurd[why] += 1
                self.absurd_examples.setdefault(why, {**self.example(stream, i, kind, text),
                                                      "facts": rec.get("facts", {})})
        if "misread" in rec:
            self.misread[rec["misread"]] += 1
            self.misread_examples.setdefault(rec["misread"], {**self.example(stream, i, kind, text),
                                                               "facts": rec.get("facts", {})})
        ms = rec.get("ms", 0.0)
        if ms > SLOW_MS:
            self.slow += 1
            self.slow_by_kind[kind] += ms
        if ms > self.slowest[0]:
            self.slowest = (ms, stream, i, kind, excerpt(text))
        if "turn_ms" in rec:
            self.turn_ms.append(rec["turn_ms"])
        if rec.get("outcome") == "refused":
            self.refused += 1
        if rec.get("unanswered"):
            self.unanswered += 1
        self.invalid_text += rec.get("invalid_text", 0)
        if rec.get("via"):
            self.via[rec["via"]] += 1
        probe = rec.get("probe")
        if probe and probe != "ok":
            what = probe.split(":", 1)[0]
            self.probe_failures[what] += 1
            if what == "dropped":
                self.dropped += 1
            else:
                self.stuck += 1
            self.probe_examples.setdefault(what, {**self.example(stream, i, kind, text), "probe": probe})

    def freeze(self, stream: str, i: int, kind: str, text: str, seconds: float) -> None:
        self.run += 1
        self.per_stream[stream] += 1
        self.frozen_by_kind[kind] += 1
        self.freezes.append({**self.example(stream, i, kind, text), "seconds": seconds})
        if seconds * 1000 > self.slowest[0]:
            self.slowest = (seconds * 1000, stream, i, kind, excerpt(text))

    def figures(self) -> dict[str, Any]:
        out = {
            "planned": self.planned, "run": self.run, "skipped": sum(self.skipped.values()),
            "skipped_kinds": dict(self.skipped), "crashes": sum(self.crashes.values()),
            "crash_types": dict(self.crashes), "crash_examples": self.crash_examples, "freezes": len(self.freezes),
            "freeze_examples": self.freezes[:5], "absurd_inputs": self.absurd_inputs, "absurd": dict(self.absurd),
            "absurd_examples": self.absurd_examples, "misread": sum(self.misread.values()),
            "misread_kinds": dict(self.misread), "misread_examples": self.misread_examples, "slow_inputs": self.slow,
            "slowest_ms": round(self.slowest[0], 1),
            "slowest": dict(zip(("ms", "stream", "index", "kind", "input"), self.slowest)) if self.run else None,
            "per_stream": dict(self.per_stream), "child_failures": self.child_failures,
            "out_of_time": self.out_of_time,
        }
        if self.name == "facade":
            turns = sorted(self.turn_ms)
            out.update(refused=self.refused, unanswered=self.unanswered, stuck=self.stuck, dropped=self.dropped,
                       probe_failures=dict(self.probe_failures), probe_examples=self.probe_examples,
                       invalid_text=self.invalid_text, via=dict(self.via),
                       turn_p50_ms=round(_pct(turns, .5), 1), turn_p95_ms=round(_pct(turns, .95), 1),
                       turn_max_ms=round(turns[-1], 1) if turns else 0.0)
        return out


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _is_cut(kind: str, slow: dict, frozen: dict) -> bool:
    return frozen.get(kind, 0) >= CUT_FREEZES or slow.get(kind, 0) >= CUT_SLOW_S * 1000


# ------------------------------------------------------------------------------------------ extractor
def _extractor_child(emit: Callable, seed: int, n: int, start: int, cut: dict, understand_fn: Callable | None,
                     deadline: float):
    from agent.types import Profile

    if understand_fn is None:
        from agent.extract import understand as understand_fn
    profile = Profile()
    slow, frozen = dict(cut["slow"]), dict(cut["frozen"])
    for pos in range(start, len(PENDING) * n):
        if time.monotonic() > deadline:
            emit({"budget": pos})
            return
        topic, stream, i = _at(pos)
        kind, text, truth = make_case(seed, stream, i)
        if _is_cut(kind, slow, frozen):
            emit({"p": pos, "kind": kind, "skip": True})
            continue
        rec: dict[str, Any] = {"p": pos, "kind": kind}
        t0 = time.thread_time()
        try:
            heard = understand_fn(text, topic, profile, [])
        except Exception as exc:  # noqa: BLE001 - a crash is what we count
            heard = None
            rec["crash"] = f"{type(exc).__name__}: {str(exc)[:160]}"
        rec["ms"] = round((time.thread_time() - t0) * 1000, 3)
        if heard is not None:
            problems = check_understanding(heard)
            if problems:
                rec["absurd"] = problems
            if truth.get("alts"):
                alts = []
                for alt in truth["alts"]:
                    try:
                        alts.append(understand_fn(alt, topic, profile, []))
                    except Exception:  # noqa: BLE001 - the alt's own crash is counted when it comes up itself
                        pass
                wrong = check_misread(heard, alts, truth["misread"])
                if wrong:
                    rec["misread"] = wrong[0]
            if problems or "misread" in rec:
                rec["facts"] = {k: repr(v[0])[:60] for k, v in (heard.facts or {}).items()}
        if rec["ms"] > SLOW_MS:
            slow[kind] = slow.get(kind, 0) + rec["ms"]
        emit(rec)


def _child_gone(child: Any, rec: dict | None, stats: Any, pos: int, total: int) -> int:
    """A child that died or reported a fatal error: note it, skip the input it was on; returns the next position."""
    child.kill()
    if pos < total:
        stats.child_failures.append((rec or {}).get("fatal", "the child exited early")[-400:])
        pos += 1
    return pos


def fuzz_extractor(n: int, seed: int = 1, understand_fn: Callable | None = None, freeze_s: float = FREEZE_S,
                   budget_s: float = BUDGET_S, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``n`` hostile inputs per pending topic through ``understand`` (or ``understand_fn``, same signature), for
    at most ``budget_s`` seconds; inputs left when the budget is spent are reported as not run."""
    total = n * len(PENDING)
    stats = FuzzStats("extractor", planned=total)
    pos = 0
    started = time.monotonic()
    deadline = started + budget_s
    while pos < total:
        child = Child(_extractor_child, seed, n, pos, stats.cut_state(), understand_fn, deadline)
        while True:
            rec = child.next(freeze_s)
            if rec is TIMEOUT:
                child.kill()
                _, stream, i = _at(pos)
                kind, text = make_input(seed, stream, i)
                stats.freeze(stream, i, kind, text, freeze_s)
                if progress:
                    progress(f"  frozen over {freeze_s:g} s: {stream} #{i} ({kind}); moving on")
                pos += 1
                break
            if rec is None or "fatal" in rec:
                pos = _child_gone(child, rec, stats, pos, total)
                break
            if "budget" in rec:
                child.kill()
                stats.out_of_time = total - rec["budget"]
                pos = total
                break
            p = rec["p"]
            _, stream, i = _at(p)
            notable = "crash" in rec or rec.get("absurd") or "misread" in rec or rec.get("ms", 0) > stats.slowest[0]
            kind, text = make_input(seed, stream, i) if notable else (rec["kind"], "")
            stats.add(rec, stream, i, text)
            pos = p + 1
        if len(stats.child_failures) > 20:
            stats.child_failures.append("too many child failures: stopped")
            break
    out = stats.figures()
    out["cut_kinds"] = stats.cut_kinds()
    out["seconds"] = round(time.monotonic() - started, 1)
    out["budget_s"] = budget_s
    return out


# ------------------------------------------------------------------------------------------ facade
def _answered(snap: Any, text: str | None = None) -> bool:
    msgs = snap.messages
    if len(msgs) < 2 or msgs[-1].role != "assistant" or msgs[-2].role != "user":
        return False
    return text is None or msgs[-2].text == text


def _facade_child(emit: Callable, seed: int, n: int, start: int, cut: dict, home: str,
                  factory: Callable[[str], Any]):
    from agent import LeverError

    iv = factory(home)
    slow, frozen = dict(cut["slow"]), dict(cut["frozen"])
    thread: str | None = None
    seen: set = set()
    for pos in range(start, n):
        kind, text = make_input(seed, "facade", pos)
        if _is_cut(kind, slow, frozen):
            emit({"p": pos, "kind": kind, "skip": True})
            continue
        rec: dict[str, Any] = {"p": pos, "kind": kind}
        snap = None
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            if thread is None or pos % 10 == 0:
                seen = set()
                if (pos // 10) % 2 == 0:
                    rec["via"] = "opening"
                    thread = None
                    snap = iv.start(text)
                    thread = snap.thread_id
                else:
                    rec["via"] = "first answer"
                    thread = iv.start().thread_id
                    snap = iv.send(thread, text)
            else:
                rec["via"] = "answer"
                snap = iv.send(thread, text)
            rec["outcome"] = "ok"
        except LeverError:
            rec["outcome"] = "refused"
        except Exception as exc:  # noqa: BLE001 - a raw exception out of the facade is a crash
            rec["outcome"] = "crash"
            rec["crash"] = f"{type(exc).__name__}: {str(exc)[:160]}"
        rec["turn_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        rec["ms"] = round((time.thread_time() - c0) * 1000, 3)
        if snap is not None:
            if not _answered(snap):
                rec["unanswered"] = True
            problems = [why for name, value, why in check_profile(snap.profile) if (name, repr(value)) not in seen]
            seen |= {(name, repr(value)) for name, value, _ in check_profile(snap.profile)}
            if problems:
                rec["absurd"] = problems
                rec["facts"] = {name: repr(value)[:60] for name, value, _ in check_profile(snap.profile)}
            texts = [m.text for m in snap.messages] + [getattr(snap.profile, f).quote for f in snap.profile.stated()]
            rec["invalid_text"] = sum(not valid_text(t) for t in texts)
        if thread is not None:
            try:
                after = iv.send(thread, PROBE)
                if _answered(after, PROBE):
                    rec["probe"] = "ok"
                elif not any(m.role == "user" and m.text == PROBE for m in after.messages[-3:]):
                    rec["probe"] = "dropped"
                else:
                    rec["probe"] = "unanswered"
            except Exception as exc:  # noqa: BLE001 - LeverError included: the thread does not move
                rec["probe"] = f"raised: {type(exc).__name__}: {str(exc)[:120]}"
            if rec["probe"] != "ok":
                thread = None  # a new interview for the next input
        if rec["ms"] > SLOW_MS:
            slow[kind] = slow.get(kind, 0) + rec["ms"]
        emit(rec)


def default_factory(home: str) -> Any:
    from agent import Interview
    from agent.brains import OfflineBrain

    return Interview(home=home, brain=OfflineBrain())


def fuzz_facade(n: int, seed: int = 1, factory: Callable[[str], Any] | None = None, freeze_s: float = FREEZE_S,
                home: str | Path | None = None, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``n`` hostile inputs through start/send on a file store, each followed by a probe on the same thread."""
    factory = factory or default_factory
    home = str(home or tempfile.mkdtemp(prefix="lever-chaos-facade-"))
    _warm_index(home)
    stats = FuzzStats("facade", planned=n)
    pos = 0
    started = time.monotonic()
    while pos < n:
        child = Child(_facade_child, seed, n, pos, stats.cut_state(), home, factory, stderr_path=f"{home}.log")
        while True:
            rec = child.next(freeze_s + 5.0 if pos == 0 else freeze_s * 2)  # a turn plus its probe
            if rec is TIMEOUT:
                child.kill()
                kind, text = make_input(seed, "facade", pos)
                stats.freeze("facade", pos, kind, text, freeze_s * 2)
                if progress:
                    progress(f"  frozen: facade #{pos} ({kind}); moving on with a new interview")
                pos += 1
                break
            if rec is None or "fatal" in rec:
                pos = _child_gone(child, rec, stats, pos, n)
                break
            kind, text = make_input(seed, "facade", rec["p"])
            stats.add(rec, "facade", rec["p"], text)
            pos = rec["p"] + 1
        if len(stats.child_failures) > 20:
            stats.child_failures.append("too many child failures: stopped")
            break
    out = stats.figures()
    out["cut_kinds"] = stats.cut_kinds()
    out["seconds"] = round(time.monotonic() - started, 1)
    out["home"] = home
    out["log"] = f"{home}.log"
    return out


def _warm_index(home: str) -> None:
    """Build the knowledge index once, in the parent, so no child is killed while building it."""
    from knowledge import Library

    Path(home).mkdir(parents=True, exist_ok=True)
    lib = Library(home=home)
    try:
        lib.search("how often does the data change", 1)
    finally:
        lib.close()
