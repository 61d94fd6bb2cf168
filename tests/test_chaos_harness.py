"""The chaos harness (python -m evals.chaos) is an instrument: these tests run its pieces with tiny counts and
check that it detects defects planted on purpose (a fact out of bounds, a crash, a freeze, a misread sign, a
wedged thread, a dropped message, a lost turn, a crossed interview). Nothing here asserts a timing."""

from __future__ import annotations

import json
import re
import time

import pytest

from agent import Interview, LeverError
from agent.brains import OfflineBrain
from agent.brains.base import Understanding
from evals import chaos_bounds as bounds
from evals.chaos_fuzz import PROBE, fuzz_extractor, fuzz_facade
from evals.chaos_inputs import KINDS, make_case, make_input
from evals.chaos_kills import Journal, check, read_journal, run_kills
from evals.chaos_load import load_pass

pytestmark = pytest.mark.timeout(240)


# ------------------------------------------------------------------------------------------ bounds
@pytest.mark.parametrize("name, value", [
    ("examples", -5), ("examples", 10_000_001), ("latency_ms", 0), ("latency_ms", 86_400_001),
    ("volume_month", 2 * 10**11), ("budget_usd", 2 * 10**9), ("volume_month", 2**64), ("examples", float("inf")),
    ("examples", True), ("freshness", "hourly"), ("citations", "yes"), ("need", 1), ("colour", "red"),
])
def test_bounds_flag_absurd_facts(name, value):
    assert bounds.check_fact(name, value)


@pytest.mark.parametrize("name, value", [
    ("examples", 0), ("examples", 5000), ("latency_ms", 300), ("volume_month", 3_000_000), ("budget_usd", 2000),
    ("freshness", "weekly"), ("citations", True), ("privacy", "strict"), ("corpus_tokens", 50_000),
])
def test_bounds_pass_sane_facts(name, value):
    assert bounds.check_fact(name, value) is None


def test_misread_check_tells_a_refusal_from_a_misreading():
    signed = Understanding(facts={"examples": (500, "-500 examples")})
    unsigned = Understanding(facts={"examples": (500, "500 examples")})
    assert bounds.check_misread(signed, [unsigned], "sign") == ["sign"]
    assert bounds.check_misread(Understanding(), [unsigned], "sign") == []  # refused: fine


# ------------------------------------------------------------------------------------------ inputs
def test_inputs_are_reproducible_and_bounded():
    seen = {make_input(3, "s", i)[0] for i in range(400)}
    assert seen == set(KINDS)
    for i in range(400):
        kind, text, truth = make_case(3, "s", i)
        assert (kind, text, truth) == make_case(3, "s", i)
        assert len(text) <= 4000
    texts = [make_input(3, "s", i)[1] for i in range(400)]
    assert any(not bounds.valid_text(t) for t in texts)  # lone surrogates are in there
    assert any(re.search(r"\d{200}", t) for t in texts)  # and long digit runs


# ------------------------------------------------------------------------------------------ extractor fuzz
def test_extractor_fuzz_detects_absurd_facts_crashes_freezes_and_misreads():
    hang_on = make_input(1, "understand:budget", 0)[1]

    def planted(text, pending, profile, recent):
        if text == hang_on:
            time.sleep(60)  # a freeze: the harness must kill it and go on
        if "\ud800" in text or "\x1b" in text:
            raise ValueError("planted crash")
        digits = re.search(r"\d+", text)
        if digits and len(digits.group()) < 7:  # reads the digits and ignores any sign or exponent
            return Understanding(facts={"examples": (int(digits.group()), text)})
        if digits:
            return Understanding(facts={"examples": (-5, text)})  # out of bounds
        return Understanding()

    r = fuzz_extractor(25, seed=1, understand_fn=planted, freeze_s=1.0)
    assert r["planned"] == 200 and r["run"] + r["skipped"] == 200
    assert {"stream": "understand:budget", "index": 0} in [
        {k: ex[k] for k in ("stream", "index")} for ex in r["freeze_examples"]]
    assert r["crashes"] > 0 and "ValueError" in r["crash_types"]
    assert r["absurd"].get("examples: negative", 0) > 0
    assert r["misread"] > 0
    assert r["per_stream"]["understand:opening"] == 25  # every pending topic ran


def test_extractor_fuzz_runs_the_real_extractor():
    r = fuzz_extractor(3, seed=1)
    assert r["run"] + r["skipped"] == 24 and not r["child_failures"]


# ------------------------------------------------------------------------------------------ facade fuzz
class Wrapped:
    """An Interview with a defect planted in front of it."""

    def __init__(self, home):
        self.inner = Interview(home=home, brain=OfflineBrain())
        self.calls = 0

    def start(self, *a, **k):
        return self.inner.start(*a, **k)

    def send(self, thread_id, text, **k):
        return self.inner.send(thread_id, text, **k)

    def state(self, thread_id):
        return self.inner.state(thread_id)

    def list(self):
        return self.inner.list()

    def resolve(self, prefix):
        return self.inner.resolve(prefix)

    def close(self):
        self.inner.close()


class Wedging(Wrapped):
    """After a message with a digit, the thread raises at every send (a wedged conversation)."""

    def __init__(self, home):
        super().__init__(home)
        self.wedged: set[str] = set()

    def send(self, thread_id, text, **k):
        if thread_id in self.wedged:
            raise LeverError("That turn failed. Nothing was lost; send your message again.")
        if any(c.isdigit() for c in text):
            self.wedged.add(thread_id)
        return super().send(thread_id, text, **k)


class Dropping(Wrapped):
    """Every probe returns normally but is never sent."""

    def send(self, thread_id, text, **k):
        if text == PROBE:
            return self.inner.state(thread_id)
        return super().send(thread_id, text, **k)


class Absurd(Wrapped):
    def send(self, thread_id, text, **k):
        snap = super().send(thread_id, text, **k)
        return snap.model_copy(update={"profile": snap.profile.with_value("examples", -5)})


@pytest.mark.parametrize("factory, figure", [(Wedging, "stuck"), (Dropping, "dropped"), (Absurd, "absurd_inputs")])
def test_facade_fuzz_detects_planted_defects(tmp_path, factory, figure):
    r = fuzz_facade(12, seed=1, factory=factory, home=tmp_path / "home")
    assert r["run"] == 12 and not r["child_failures"]
    assert r[figure] > 0


def test_facade_fuzz_runs_the_real_facade(tmp_path):
    r = fuzz_facade(6, seed=1, home=tmp_path / "home")
    assert r["run"] + r["skipped"] == 6 and not r["child_failures"]
    assert r["via"].get("opening", 0) >= 1


# ------------------------------------------------------------------------------------------ kills
def test_kills_run_and_the_checker_finds_a_lost_turn(tmp_path):
    home = tmp_path / "home"
    r = run_kills(3, seed=2, home=home)
    assert r["kills"] == 3 and sum(r["landed"].values()) == 3
    assert "failed" not in r and "open_error" not in r, r
    assert r["threads_begun"] >= 1 and r["stored"] >= 1
    before = r["lost"]

    # forge what a lost turn looks like: the journal says a send returned answered, the store never saw it
    events = read_journal(r["journal"])
    thread = next(ev["thread"] for ev in events if ev.get("ev") == "end" and ev.get("ok"))
    journal = Journal(r["journal"])
    journal.write(ev="begin", op="send", thread=thread, text="a message the store never saw")
    journal.write(ev="end", op="send", thread=thread, text="a message the store never saw", ok=True, n=1,
                  answered=True, done=False)
    journal.write(ev="end", op="start", thread="never-stored", text="hello", ok=True, n=2, answered=True)
    again = check(str(home), r["journal"])
    assert again["lost"] >= before + 2 and again["threads_lost"] >= 1


def test_kill_checker_finds_stuck_threads(tmp_path):
    home = tmp_path / "home"
    iv = Interview(home=home, brain=OfflineBrain())
    snap = iv.start("We answer questions from our docs", thread_id="t1")
    iv.close()
    path = tmp_path / "journal.jsonl"
    Journal(path).write(ev="end", op="start", thread="t1", text="We answer questions from our docs", ok=True,
                        n=len(snap.messages), answered=True, done=False)

    class Stuck(Wrapped):
        def send(self, thread_id, text, **k):
            raise LeverError("wedged")

    r = check(str(home), str(path), factory=lambda h: Stuck(h))
    assert r["stored"] == 1 and r["stuck"] == 1 and r["lost"] == 0
    ok = check(str(home), str(path))
    assert ok["stuck"] == 0 and ok["recovered"] == 1


# ------------------------------------------------------------------------------------------ concurrency
class Crossing(Wrapped):
    """Sends every third message to the previous interview's thread."""

    def __init__(self, home):
        super().__init__(home)
        self.threads: list[str] = []

    def start(self, *a, **k):
        snap = super().start(*a, **k)
        self.threads.append(snap.thread_id)
        return snap

    def send(self, thread_id, text, **k):
        self.calls += 1
        if self.calls % 3 == 0 and len(self.threads) > 1:
            other = self.threads[(self.threads.index(thread_id) - 1) % len(self.threads)]
            return super().send(other, text, **k)
        return super().send(thread_id, text, **k)


def test_load_detects_crossed_interviews(tmp_path):
    r = load_pass(6, 0, factory=Crossing, home=str(tmp_path / "home"))
    assert r["crossed"] > 0


def test_load_with_readers_runs_clean(tmp_path):
    r = load_pass(4, 1, home=str(tmp_path / "home"))
    assert r["recommended"] == 4 and r["crossed"] == 0 and not r["errors"] and not r["read_errors"]
    assert r["reads"] > 0


# ------------------------------------------------------------------------------------------ the command
def test_cli_show_and_json(tmp_path, capsys, monkeypatch):
    import tempfile

    from evals.chaos import main

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["--show", "understand:budget", "3"]) == 0
    assert capsys.readouterr().out.strip()
    out = tmp_path / "fig.json"
    assert main(["--fuzz", "2", "--json", str(out)]) == 0
    fig = json.loads(out.read_text())
    assert fig["fuzz"]["planned"] == 16 and "kills" not in fig and fig["summary"]
