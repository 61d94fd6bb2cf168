"""How well a brain reads single messages: fact precision and recall per class (evals/UNDERSTANDING.md).

``python -m evals --understanding`` scores the development set (``understanding.yaml``, used to tune the offline
reading) and, when present, the held-out set (``understanding_heldout.yaml``, written without sight of the reader;
only its figures are printed unless ``--show-heldout``).

Scoring follows UNDERSTANDING.md: a recorded fact is correct when the item lists it with a matching value
(numbers within 5%, or inside a ``[low, high]`` range); every other recorded fact is wrong. ``corpus_tokens`` is
an estimate and is only scored when the item names it (in ``facts`` or ``not``). A reading held back for a
confirmation question is not recorded: it counts toward recall when its value matches, and the number of
confirmations is reported so that over-asking shows. Three optional item keys beyond the format: ``recent`` (the
facts recorded from the previous answer, handed to the brain; when written as a mapping, their values also fill the
profile the brain is given, as the interview's profile would), ``scale`` (relative what-ifs, e.g.
``{volume_month: 10}``, scored like facts) and ``directions`` (vague but directional answers, field -> more |
less; scored like facts where the item names the field).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEVELOPMENT = HERE / "understanding.yaml"
DEVELOPMENT_2 = HERE / "understanding_dev2.yaml"  # a second development batch, written blind
DEVELOPMENT_3 = HERE / "understanding_dev3.yaml"  # a third development batch, written blind
HELD_OUT = HERE / "understanding_heldout.yaml"
# Held-out batches, each written blind by a different writer (the first one also labelled a second time).
HELD_OUT_BATCHES = [HELD_OUT, HERE / "understanding_heldout_ho2a.yaml", HERE / "understanding_heldout_ho2b.yaml"]
SECOND_LABELS = HERE / "understanding_heldout_second.yaml"
UNSCORED_UNLESS_NAMED = {"corpus_tokens"}
TARGETS = {"precision": 0.97, "recall": 0.90, "noise_wrong": 0}


def load(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return data["items"] if isinstance(data, dict) else data


def matches(expected: Any, got: Any) -> bool:
    if isinstance(expected, list) and len(expected) == 2 and all(isinstance(v, (int, float)) for v in expected):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and expected[0] <= got <= expected[1]
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got or expected == got and type(expected) is type(got)
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        if expected == 0:
            return got == 0
        return abs(got - expected) <= 0.05 * abs(expected)
    return str(expected).strip().lower() == str(got).strip().lower()


@dataclass
class ItemResult:
    id: str
    cls: str
    expected: int = 0
    recorded: int = 0
    correct: int = 0
    confirmed_ok: int = 0
    confirms: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    intent_ok: bool | None = None
    correction_ok: bool | None = None
    got: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    pending: str | None = None
    intent: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.wrong or self.missed or self.intent_ok is False or self.correction_ok is False)


def direction_fits(name: str, way: str | None, expected: Any) -> bool:
    """A vague answer written as a range ("a big labelled set" -> examples: [1000, 10000000]) is heard when the
    reader keeps its direction instead of inventing a figure, and the value the interview would assume for that
    direction (``agent.policy.DIRECTED_ASSUMPTIONS``) lies in the range."""
    from agent.policy import DIRECTED_ASSUMPTIONS

    if way is None or not (isinstance(expected, list) and len(expected) == 2):
        return False
    assumed = DIRECTED_ASSUMPTIONS.get(name, {}).get(way)
    return isinstance(assumed, (int, float)) and expected[0] <= assumed <= expected[1]


def score_item(item: dict, brain: Any) -> ItemResult:
    from agent.types import Profile

    recent = item.get("recent") or []
    profile = Profile()
    if isinstance(recent, dict):  # the previous answer's values too: the interview's profile holds them
        for name, value in recent.items():
            profile = profile.with_value(name, value, quote="", status="stated")
    heard = brain.understand(item["text"], item.get("pending"), profile, None, list(recent))
    expected: dict[str, Any] = dict(item.get("facts") or {})
    scale_expected: dict[str, Any] = dict(item.get("scale") or {})
    directions_expected: dict[str, str] = dict(item.get("directions") or {})
    named = set(expected) | set(item.get("not") or [])
    r = ItemResult(id=str(item["id"]), cls=str(item.get("class", "plain")), text=item["text"],
                   pending=item.get("pending"), intent=heard.intent)
    r.expected = len(expected) + len(scale_expected) + len(directions_expected)
    r.got = {k: v for k, (v, _) in heard.facts.items()}
    if heard.scale:
        r.got["scale"] = dict(heard.scale)
    if heard.confirm:
        r.got["confirm"] = {k: v for k, (v, _) in heard.confirm.items()}
    if heard.directions:
        r.got["directions"] = dict(heard.directions)
    for name, (value, _quote) in heard.facts.items():
        if name in UNSCORED_UNLESS_NAMED and name not in named:
            continue
        r.recorded += 1
        if name in expected and matches(expected[name], value):
            r.correct += 1
        else:
            r.wrong.append(f"{name}={value!r}" + (f" (want {expected[name]!r})" if name in expected else ""))
    for name, factor in heard.scale.items():
        r.recorded += 1
        if name in scale_expected and matches(scale_expected[name], factor):
            r.correct += 1
        else:
            r.wrong.append(f"scale {name}x{factor!r}")
    for name, way in heard.directions.items():
        if name not in directions_expected and name not in named:
            continue  # a direction is not a fact: scored only where the item speaks of that field
        r.recorded += 1
        if directions_expected.get(name) == way or direction_fits(name, way, expected.get(name)):
            r.correct += 1
        else:
            r.wrong.append(f"direction {name} {way}")
    for name, way in directions_expected.items():
        if heard.directions.get(name) != way:
            r.missed.append(f"direction {name} {way}")
    for name, (value, _quote) in heard.confirm.items():
        r.confirms += 1
        if name in expected and name not in heard.facts and matches(expected[name], value):
            r.confirmed_ok += 1
    for name, value in expected.items():
        got_fact = name in heard.facts and matches(value, heard.facts[name][0])
        got_confirm = name in heard.confirm and name not in heard.facts and matches(value, heard.confirm[name][0])
        got_direction = name not in heard.facts and direction_fits(name, heard.directions.get(name), value)
        if not (got_fact or got_confirm or got_direction):
            r.missed.append(f"{name}={value!r}")
    for name, value in scale_expected.items():
        if not (name in heard.scale and matches(value, heard.scale[name])):
            r.missed.append(f"scale {name}x{value!r}")
    if "intent" in item:
        r.intent_ok = heard.intent == item["intent"]
    if "correction" in item:
        r.correction_ok = bool(heard.correction) == bool(item["correction"])
    return r


@dataclass
class Totals:
    items: int = 0
    expected: int = 0
    recorded: int = 0
    correct: int = 0
    confirmed_ok: int = 0
    confirms: int = 0
    wrong: int = 0
    intents: int = 0
    intents_ok: int = 0

    def add(self, r: ItemResult) -> None:
        self.items += 1
        self.expected += r.expected
        self.recorded += r.recorded
        self.correct += r.correct
        self.confirmed_ok += r.confirmed_ok
        self.confirms += r.confirms
        self.wrong += len(r.wrong)
        for ok in (r.intent_ok, r.correction_ok):
            if ok is not None:
                self.intents += 1
                self.intents_ok += int(ok)

    @property
    def precision(self) -> float:
        return self.correct / self.recorded if self.recorded else 1.0

    @property
    def recall(self) -> float:
        return (self.correct + self.confirmed_ok) / self.expected if self.expected else 1.0

    @property
    def intent_accuracy(self) -> float:
        return self.intents_ok / self.intents if self.intents else 1.0


def evaluate(items: list[dict], brain: Any = None) -> dict[str, Any]:
    if brain is None:
        from agent.brains import OfflineBrain

        brain = OfflineBrain()
    results = [score_item(item, brain) for item in items]
    per_class: dict[str, Totals] = defaultdict(Totals)
    overall = Totals()
    for r in results:
        per_class[r.cls].add(r)
        overall.add(r)
    noise_wrong = per_class["noise"].wrong if "noise" in per_class else 0
    return {"results": results, "per_class": dict(sorted(per_class.items())), "overall": overall,
            "noise_wrong": noise_wrong}


def _row(name: str, t: Totals) -> str:
    return (f"{name:<12} {t.items:>5} {t.precision:>9.3f} {t.recall:>7.3f} {t.wrong:>6} {t.confirms:>8} "
            f"{t.intent_accuracy:>7.3f}")


def report(name: str, res: dict[str, Any], show_failures: bool, out=sys.stdout) -> None:
    print(f"\n{name}", file=out)
    print(f"{'class':<12} {'items':>5} {'precision':>9} {'recall':>7} {'wrong':>6} {'confirms':>8} {'intent':>7}",
          file=out)
    for cls, t in res["per_class"].items():
        print(_row(cls, t), file=out)
    print(_row("overall", res["overall"]), file=out)
    print(f"wrong stated facts from noise inputs: {res['noise_wrong']}", file=out)
    if show_failures:
        failing = [r for r in res["results"] if r.failed]
        if failing:
            print(f"\nfailing items ({len(failing)}):", file=out)
        for r in failing:
            bits = []
            if r.wrong:
                bits.append("wrong " + ", ".join(r.wrong))
            if r.missed:
                bits.append("missed " + ", ".join(r.missed))
            if r.intent_ok is False:
                bits.append(f"intent {r.intent}")
            if r.correction_ok is False:
                bits.append("correction flag")
            print(f"- {r.id} [{r.pending}] {r.text[:90]!r}\n    " + "; ".join(bits) + f"\n    got {r.got}", file=out)


def agreement(first: list[dict], second: list[dict]) -> tuple[int, int]:
    """Items whose two labellings agree: the same facts (values matching, ranges overlapping, a direction
    fitting a range), the same intent and the same correction flag."""
    def fits(a: Any, b: Any) -> bool:
        if isinstance(a, list) and isinstance(b, list):
            return not (a[1] < b[0] or b[1] < a[0])
        return matches(a, b) or matches(b, a)

    by_id = {item["id"]: item for item in second}
    same = 0
    for a in first:
        b = by_id.get(a["id"], {})
        fa, fb = dict(a.get("facts") or {}), dict(b.get("facts") or {})
        da, db = dict(a.get("directions") or {}), dict(b.get("directions") or {})
        facts_ok = all(
            (k in fa and k in fb and fits(fa[k], fb[k]))
            or (k in fa and k in db and direction_fits(k, db[k], fa[k]))
            or (k in fb and k in da and direction_fits(k, da[k], fb[k]))
            for k in set(fa) | set(fb))
        if facts_ok and a.get("intent", "answer") == b.get("intent", "answer") \
                and bool(a.get("correction")) == bool(b.get("correction")):
            same += 1
    return same, len(first)


def meets_targets(res: dict[str, Any]) -> bool:
    o = res["overall"]
    return o.precision >= TARGETS["precision"] and o.recall >= TARGETS["recall"] and \
        res["noise_wrong"] <= TARGETS["noise_wrong"]


def run(brain: Any = None, show_heldout: bool = False, out=sys.stdout) -> int:
    """Print the report; return 0 when every present set meets the targets, 1 otherwise."""
    ok = True
    dev = evaluate(load(DEVELOPMENT), brain)
    report(f"development set ({DEVELOPMENT.name})", dev, show_failures=True, out=out)
    ok &= meets_targets(dev)
    for label, path in (("second", DEVELOPMENT_2), ("third", DEVELOPMENT_3)):
        if path.exists():
            more = evaluate(load(path), brain)
            report(f"{label} development set ({path.name})", more, show_failures=True, out=out)
            ok &= meets_targets(more)
    batches = [path for path in HELD_OUT_BATCHES if path.exists()]
    if batches:
        items = [item for path in batches for item in load(path)]
        held = evaluate(items, brain)
        names = ", ".join(path.name for path in batches)
        report(f"held-out set ({len(items)} items: {names})", held, show_failures=show_heldout, out=out)
        ok &= meets_targets(held)
        if SECOND_LABELS.exists() and HELD_OUT.exists():
            same, total = agreement(load(HELD_OUT), load(SECOND_LABELS))
            print(f"two annotators agree on {same} of {total} items of {HELD_OUT.name} "
                  f"({SECOND_LABELS.name} was labelled blind)", file=out)
    print(f"\ntargets: precision >= {TARGETS['precision']}, recall >= {TARGETS['recall']}, "
          f"0 wrong stated facts from noise: {'met' if ok else 'NOT met'}", file=out)
    return 0 if ok else 1


# ------------------------------------------------------------------------------------------ benchmark
PATHOLOGICAL = [
    "1" * 3999 + "a", "a" + "1" * 3999, "1a" * 2000, "1," * 2000, "1-" * 2000, " " * 4000, "\n" * 4000,
    "one " * 1000, "thousand " * 444, "$1" * 2000, "1e" * 2000, "10^" * 1333, "'" * 4000, "-" * 4000,
    "no " * 1333, "what if " * 500, "((((" * 1000, "1 2 " * 1000, "between 1 and " * 285, "9" * 4000,
]


def bench(fuzz: int = 2000, seed: int = 7, out=sys.stdout) -> None:
    """Print CPU time per message (best of 3) for pathological inputs, a long realistic message and random
    fuzz, for every pending topic. Figures only; nothing here passes or fails."""
    import random
    import time

    from agent.reading import MAX_CHARS, read

    topics = [None, "need", "freshness", "budget", "examples", "corpus", "citations", "privacy"]
    texts = [i["text"] for i in load(DEVELOPMENT)]
    rnd = random.Random(seed)
    long_real = " ".join(rnd.choice(texts) for _ in range(300))[:MAX_CHARS]
    alphabet = "0123456789 abcdekmxs$,.-^e%'\"()\n"
    fuzzed = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, MAX_CHARS))) for _ in range(fuzz)]

    def cpu(text: str, pending: str | None, repeat: int = 3) -> float:
        best = float("inf")
        for _ in range(repeat):
            start = time.process_time()
            read(text, pending)
            best = min(best, time.process_time() - start)
        return best * 1000

    rows = [("pathological (20 kinds x 8 topics)", [cpu(t, p) for t in PATHOLOGICAL for p in topics]),
            ("long realistic message (4,000 chars)", [cpu(long_real, p) for p in topics]),
            (f"random fuzz ({fuzz} inputs)", [cpu(t, rnd.choice(topics), 1) for t in fuzzed]),
            (f"development items ({len(texts)})", [cpu(t, None, 1) for t in texts])]
    print(f"{'input':<40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}", file=out)
    for name, times in rows:
        times.sort()
        p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<40} {len(times):>5} {p50:>8.2f} {p95:>8.2f} {times[-1]:>8.2f}", file=out)


def run_sets(paths: list[Path], prefix: str = "", brain: Any = None, out=sys.stdout) -> int:
    """Score only the named development sets (never the held-out one), failures listed; ``prefix`` keeps the
    items whose id starts with it. Returns 0 when every set meets the targets."""
    ok = True
    for path in paths:
        if path.resolve() == HELD_OUT.resolve():
            print(f"{path.name} is the held-out set: it is scored only by the full report", file=out)
            return 2
        items = [i for i in load(path) if str(i["id"]).startswith(prefix)]
        res = evaluate(items, brain)
        report(f"{path.name}" + (f" (ids {prefix}*)" if prefix else ""), res, show_failures=True, out=out)
        ok &= meets_targets(res)
    return 0 if ok else 1


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(prog="python -m evals.understanding")
    ap.add_argument("--bench", action="store_true", help="CPU time per message instead of scores")
    ap.add_argument("--show-heldout", action="store_true", help="list held-out failures too")
    ap.add_argument("--set", action="append", type=Path, default=[],
                    help="score only this development set (repeatable); the held-out set is refused")
    ap.add_argument("--prefix", default="", help="with --set: only items whose id starts with this")
    a = ap.parse_args()
    if a.bench:
        bench()
    elif a.set:
        sys.exit(run_sets(a.set, a.prefix))
    else:
        sys.exit(run(show_heldout=a.show_heldout))
