"""Replay scripted conversations (DESIGN §4) through the interview facade and score them."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from agent import Interview
from agent.topics import TOPICS
from agent.types import LAYERS, STRATEGIES

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
ACCURACY_THRESHOLD = 0.9  # the run fails below this share of passing scenarios
MAX_TURNS = 20
OUT_OF_TURNS = "That's all I know."


class Expect(BaseModel):
    strategy: list[str]
    layers_include: list[str] = Field(default_factory=list)
    layers_exclude: list[str] = Field(default_factory=list)
    max_questions: int | None = None

    @field_validator("strategy", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _known(self) -> "Expect":
        bad = [s for s in self.strategy if s not in STRATEGIES]
        bad += [lay for lay in self.layers_include + self.layers_exclude if lay not in LAYERS]
        if bad:
            raise ValueError(f"unknown strategy or layer: {', '.join(bad)}")
        return self


class Scenario(BaseModel):
    id: str
    summary: str = ""
    opening: str
    answers: dict[str, str] | None = None
    turns: list[str] | None = None
    fallback: str = "I'm not sure."
    expect: Expect
    # Optional (additive to DESIGN §4): turns replayed after the first recommendation (what-ifs, adoptions,
    # corrections); ``expect`` is then checked on the final recommendation.
    after_recommendation: list[str] = Field(default_factory=list)
    # Optional: the facts the conversation states (fact -> value, or [low, high]). A stated fact that
    # disagrees fails the scenario; facts never recorded (their question was not asked) do not.
    intended: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_mode(self) -> "Scenario":
        if (self.answers is None) == (self.turns is None):
            raise ValueError("give exactly one of 'answers' or 'turns'")
        unknown = [k for k in (self.answers or {}) if k not in TOPICS]
        if unknown:
            raise ValueError(f"unknown topic id(s) in answers: {', '.join(unknown)} (known: {', '.join(TOPICS)})")
        return self


class Result(BaseModel):
    id: str
    passed: bool
    expected: list[str]
    got: str | None
    layers: list[str] = Field(default_factory=list)
    questions: int
    redundant_questions: int = 0
    confirmations: int = 0
    failures: list[str] = Field(default_factory=list)
    transcript: list[dict] = Field(default_factory=list)
    turn_seconds: list[float] = Field(default_factory=list)
    facts_matched: int = 0
    facts_intended: int = 0
    usage: dict[str, float] = Field(default_factory=dict)  # brain tokens and cost (all zero offline)


def load_scenarios(folder: Path) -> tuple[list[Scenario], list[tuple[str, str]]]:
    """Every *.yaml / *.yml file in the folder; unreadable ones come back as (name, reason)."""
    scenarios, errors = [], []
    files = sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml")))
    seen: set[str] = set()
    for f in files:
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("the file is not a YAML mapping")
            sc = Scenario.model_validate(data)
            if sc.id in seen:
                raise ValueError(f"duplicate id {sc.id!r}")
            seen.add(sc.id)
            scenarios.append(sc)
        except (yaml.YAMLError, ValueError, ValidationError, UnicodeDecodeError) as exc:
            reason = str(exc).strip().splitlines()
            errors.append((f.name, " ".join(line.strip() for line in reason[:4])))
    return scenarios, errors


def run_scenario(sc: Scenario, interview: Interview) -> Result:
    timings: list[float] = []
    redundant = 0

    def check(snap) -> None:
        nonlocal redundant
        last = snap.messages[-1] if snap.messages else None
        if last is not None and last.kind == "question" and last.topic and not last.confirms:
            fills = TOPICS[last.topic].fills
            if any((f := getattr(snap.profile, n)) is not None and f.status == "stated" for n in fills):
                redundant += 1

    t0 = time.perf_counter()
    snap = interview.start(sc.opening)
    timings.append(time.perf_counter() - t0)
    check(snap)
    turns = list(sc.turns or [])
    for _ in range(MAX_TURNS):
        if snap.recommendation is not None:
            break
        if sc.answers is not None:
            topic = snap.pending.id if snap.pending else None
            text = sc.answers.get(topic, sc.fallback) if topic else sc.fallback
        else:
            text = turns.pop(0) if turns else OUT_OF_TURNS
        t0 = time.perf_counter()
        snap = interview.send(snap.thread_id, text)
        timings.append(time.perf_counter() - t0)
        check(snap)

    for text in sc.after_recommendation if snap.recommendation is not None else []:
        t0 = time.perf_counter()
        snap = interview.send(snap.thread_id, text)
        timings.append(time.perf_counter() - t0)

    rec = snap.recommendation
    failures = []
    matched = 0
    for name, want in sc.intended.items():
        fact = getattr(snap.profile, name, None)
        if fact is None or fact.status != "stated":
            continue
        if fact_matches(fact.value, want, name):
            matched += 1
        else:
            failures.append(f"{name} stated as {fact.value!r}, intended {want!r}")
    got = rec.strategy if rec else None
    layers = list(rec.layers) if rec else []
    if rec is None:
        failures.append(f"no recommendation after {MAX_TURNS} turns")
    elif got not in sc.expect.strategy:
        failures.append(f"strategy {got} not in {sc.expect.strategy}")
    for layer in sc.expect.layers_include:
        if rec and layer not in layers:
            failures.append(f"layer {layer} missing")
    for layer in sc.expect.layers_exclude:
        if rec and layer in layers:
            failures.append(f"layer {layer} present")
    if sc.expect.max_questions is not None and snap.questions_asked > sc.expect.max_questions:
        failures.append(f"{snap.questions_asked} questions > max {sc.expect.max_questions}")
    if redundant:
        failures.append(f"{redundant} question(s) about facts already given")
    if rec:
        missing = [r.rule for r in rec.rationale if not r.citations]
        if missing:
            failures.append(f"reasons without a citation: {', '.join(missing)}")
    return Result(
        id=sc.id, passed=not failures, expected=sc.expect.strategy, got=got, layers=layers,
        questions=snap.questions_asked, redundant_questions=redundant, failures=failures,
        confirmations=sum(1 for m in snap.messages if m.confirms),
        transcript=[m.model_dump(mode="json") for m in snap.messages], turn_seconds=timings,
        facts_matched=matched, facts_intended=len(sc.intended),
        usage={k: sum(getattr(u, k) for u in snap.usage) for k in
               ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "usd")},
    )


ESTIMATES = {"corpus_tokens": 3.0}  # facts that are rough estimates: within this factor either way


def fact_matches(got: Any, want: Any, name: str = "") -> bool:
    """Numbers within 5% (or inside a [low, high] range; estimates within their factor); the rest equal."""
    if name in ESTIMATES and isinstance(want, (int, float)) and isinstance(got, (int, float)) and want > 0 < got:
        return max(got / want, want / got) <= ESTIMATES[name]
    if isinstance(want, list) and len(want) == 2 and all(isinstance(w, (int, float)) for w in want):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and want[0] <= got <= want[1]
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and abs(got - want) <= 0.05 * abs(want)
    return got == want


def make_interview(home: Path | None = None, brain: Any = None) -> Interview:
    """``brain``: a Brain (default: the offline brain)."""
    from langgraph.checkpoint.memory import InMemorySaver

    from agent.brains import OfflineBrain

    home = home or Path(tempfile.mkdtemp(prefix="lever-eval-"))
    return Interview(home=home, brain=brain or OfflineBrain(), checkpointer=InMemorySaver())


def run(folder: Path, json_path: Path | None = None, quiet: bool = False, brain: Any = None) -> int:
    scenarios, errors = load_scenarios(folder)
    interview = make_interview(brain=brain)
    results = [run_scenario(sc, interview) for sc in scenarios]
    width = max([len(r.id) for r in results] + [10])
    for r in results:
        status = "PASS" if r.passed else "FAIL"
        line = f"{status}  {r.id:<{width}}  expected {'|'.join(r.expected):<28} got {str(r.got):<20} q={r.questions}"
        if r.failures:
            line += "  (" + "; ".join(r.failures) + ")"
        if interview.brain_name != "offline" or r.usage.get("usd"):
            u = r.usage
            line += (f"  tokens in {u['input_tokens']:,.0f} (cache read {u['cache_read_tokens']:,.0f}) "
                     f"out {u['output_tokens']:,.0f} ${u['usd']:.4f}")
        if not quiet or not r.passed:
            print(line)
    for name, reason in errors:
        print(f"ERROR {name}: {reason}")
    total = len(results) + len(errors)
    passed = sum(r.passed for r in results)
    accuracy = passed / total if total else 0.0
    mean_q = sum(r.questions for r in results) / len(results) if results else 0.0
    redundant = sum(r.redundant_questions for r in results)
    print(f"\nscenarios: {total}  passed: {passed}  failed: {total - passed}  unreadable: {len(errors)}")
    confirms = sum(r.confirmations for r in results)
    print(f"accuracy: {accuracy:.1%}  mean questions asked: {mean_q:.2f}  questions about given facts: {redundant}  "
          f"(confirmations of inferred facts: {confirms})")
    if any(r.usage.get("usd") for r in results):
        print(f"brain: {interview.brain_name}  tokens in {sum(r.usage['input_tokens'] for r in results):,.0f} "
              f"out {sum(r.usage['output_tokens'] for r in results):,.0f}  "
              f"cost ${sum(r.usage['usd'] for r in results):.4f}")
    if json_path:
        report = {
            "accuracy": accuracy, "mean_questions": mean_q, "threshold": ACCURACY_THRESHOLD,
            "scenarios": [r.model_dump(mode="json", exclude={"turn_seconds"}) for r in results],
            "unreadable": [{"file": n, "reason": why} for n, why in errors],
        }
        Path(json_path).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"report written to {json_path}")
    interview.close()
    if total == 0:
        print("no scenarios found in", folder)
        return 2
    if accuracy < ACCURACY_THRESHOLD:
        print(f"accuracy {accuracy:.1%} is under the threshold {ACCURACY_THRESHOLD:.0%}")
        return 1
    return 0
