"""The decision engine: a pure, deterministic function from facts to a recommendation.

Each rule reads one fact, adds weights to the five strategies, and names the sources it rests on
(corpus note ids) plus a query that retrieves the passages supporting it. The LLM never takes part:
the same profile always gives the same recommendation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from knowledge.types import Passage

from .costs import load_pricing, monthly_costs
from .types import LAYERS, STRATEGIES, STRATEGY_LABELS, Change, Profile, Reason, Recommendation, StrategyScore

P, R, F, RF, D = STRATEGIES
PRIOR = {P: 1.0, R: 0.0, F: 0.0, RF: 0.0, D: 0.0}  # start simple: every source puts prompting first
TIE_ORDER = {P: 0, R: 1, F: 2, D: 3, RF: 4}  # on equal scores, the simpler stack wins

# Labelled examples needed before fine-tuning pays off, by goal. Lower bounds of the ranges in the
# course lesson (seed 002); "style" and the default follow seeds 000/003/004 (100+ and 500+).
EXAMPLES_NEEDED = {"style": 100, "classification": 500, "extraction": 1000, "major": 10_000, "qa": 500, None: 500}
EXAMPLES_RANGE = {"style": "50-500", "classification": "500-2,000", "extraction": "1,000-10,000",
                  "major": "10,000+", "qa": "500+", None: "500+ (ideally 5,000+)"}
VOLATILE = ("realtime", "daily", "weekly")
STABLE = ("yearly", "static")
TIGHT_LATENCY_MS = 300
VERY_TIGHT_LATENCY_MS = 150

S_THREE_Q = ("seed-aishar-three-questions", "synth-three-key-questions")
S_LESSON = ("seed-course-three-levers",)
S_MATRIX = ("seed-prodguide-which-ai-strategy",)
S_ALIEN6 = ("seed-alien6-prompting-vs-fine-tuning",)
S_AIGUIDE = ("seed-aiguide-fine-tuning-vs-context",)
S_FITS = ("synth-when-each-strategy-fits",)
S_DATA = ("synth-training-data-volumes", "vendor-openai-fine-tuning-guide")
S_LATENCY = ("synth-latency",)
S_COSTS = ("synth-costs",)
S_PRIVACY = ("synth-privacy-and-hosting",)
S_CITE = ("synth-citations-and-permissions",)
S_DISTIL = ("synth-lora-qlora-distillation", "paper-hinton-2015-distillation")
S_ESCALATE = ("synth-combined-stacks-and-escalation",)
S_KNOWLEDGE_INJECTION = ("paper-ovadia-2023-fine-tuning-or-retrieval",)
S_PROMPT_SIZE = ("synth-prompt-size-ceilings",)


def needed_examples(profile: Profile) -> int:
    return EXAMPLES_NEEDED.get(profile.value("goal"), 500)


@dataclass(frozen=True)
class Rule:
    id: str
    fact: str
    when: Callable[[Profile], bool]
    effect: dict[str, float]
    says: Callable[[Profile], str]
    query: str
    sources: tuple[str, ...] = ()


def _v(name: str) -> Callable[[Profile], Any]:
    return lambda p: p.value(name)


def _num(p: Profile, name: str) -> float | None:
    v = p.value(name)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _fmt_ms(p: Profile) -> str:
    return f"{int(p.value('latency_ms')):,} ms"


def _fmt_vol(p: Profile) -> str:
    return f"{int(p.value('volume_month')):,} requests a month"


def _ex(p: Profile) -> float:
    n = _num(p, "examples")
    return -1 if n is None else n


RULES: list[Rule] = [
    Rule("need-knowledge", "need", lambda p: p.value("need") == "knowledge",
         {P: 1.0, R: 3.0, F: -2.0, RF: 0.5, D: -2.0},
         lambda p: "The need is knowledge: the model has to use your facts. Retrieval supplies facts at query "
                   "time; fine-tuning is a poor way to teach new facts.",
         "knowledge problem facts documents RAG retrieval fine-tuning new knowledge", S_THREE_Q + S_KNOWLEDGE_INJECTION),
    Rule("need-behaviour", "need", lambda p: p.value("need") == "behaviour",
         {P: 1.0, R: -2.0, F: 2.0, RF: -0.5, D: 1.0},
         lambda p: "The need is behaviour (style, format or a task skill). That is what prompting and, past its "
                   "ceiling, fine-tuning change; retrieval adds facts, not behaviour.",
         "behaviour problem style format tone fine-tuning teaches skill", S_THREE_Q + S_FITS),
    Rule("need-both", "need", lambda p: p.value("need") == "both",
         {P: 0.0, R: 2.0, F: 1.0, RF: 3.0, D: -1.0},
         lambda p: "You need both knowledge and behaviour: the layered stack (retrieval for facts, tuning for "
                   "behaviour, a prompt for control) addresses each with the right tool.",
         "combined stack knowledge layer behaviour layer control layer RAG plus fine-tuning", S_ESCALATE + S_THREE_Q),
    Rule("freshness-volatile", "freshness", lambda p: p.value("freshness") in VOLATILE,
         {P: 0.5, R: 2.0, F: -3.0, RF: 1.0, D: -2.0},
         lambda p: f"The information changes {p.value('freshness')}. Weights trained today are stale after the "
                   "next change; retrieval reads the current documents on every request.",
         "information changes daily weekly stale retrain RAG current data", S_THREE_Q + S_MATRIX),
    Rule("freshness-monthly", "freshness", lambda p: p.value("freshness") == "monthly",
         {R: 1.0, F: -1.0, D: -0.5},
         lambda p: "The information changes monthly: a tuned model would need regular retraining, retrieval "
                   "only a re-index.",
         "knowledge changes monthly retraining fine-tuning avoid", S_AIGUIDE + S_MATRIX),
    Rule("freshness-stable", "freshness", lambda p: p.value("freshness") in STABLE,
         {P: 0.5, R: -0.5, F: 1.0, D: 1.0},
         lambda p: "The information is stable, so anything baked into a prompt or into weights stays correct.",
         "stable domain rarely changes fine-tuning works patterns", S_THREE_Q + S_ALIEN6),
    Rule("corpus-large", "corpus", lambda p: p.value("corpus") == "large" and p.value("need") != "behaviour",
         {P: -3.0, R: 3.0, RF: 2.0},
         lambda p: "The knowledge is too large to fit in a prompt; retrieval selects the few passages each "
                   "request needs.",
         "large corpus too large for context window thousands of documents retrieval", S_PROMPT_SIZE + S_LESSON),
    Rule("corpus-small", "corpus", lambda p: p.value("corpus") == "small" and p.value("need") != "behaviour",
         {P: 2.5, R: -1.0, RF: -1.0},
         lambda p: "The knowledge fits in a prompt (a few thousand tokens), so it can simply go in the system "
                   "prompt with no retrieval pipeline to run.",
         "knowledge fits in system prompt under 5,000 tokens small stable", S_PROMPT_SIZE + S_MATRIX),
    Rule("citations", "citations", lambda p: p.value("citations") is True,
         {P: -0.5, R: 2.5, F: -1.0, RF: 2.0, D: -1.0},
         lambda p: "Answers must cite their sources. Retrieval returns the passages an answer rests on; a tuned "
                   "model cannot point to where a fact came from.",
         "cite sources traceability citations RAG audit verify", S_CITE + S_LESSON),
    Rule("permissions", "permissions", lambda p: p.value("permissions") is True,
         {R: 2.0, F: -2.0, RF: 1.0, D: -2.0},
         lambda p: "Different users may see different data. Retrieval can filter by the user's permissions at "
                   "query time; facts trained into weights are visible to everyone.",
         "permissions different users see different data access control RAG", S_CITE + S_LESSON),
    Rule("examples-none", "examples", lambda p: 0 <= _ex(p) < 100,
         {P: 1.0, F: -6.0, RF: -6.0, D: -1.5},
         lambda p: f"With {int(_ex(p)):,} labelled examples there is nothing to fine-tune on yet "
                   f"(aim for {EXAMPLES_RANGE.get(p.value('goal'), '500+')} for this kind of task); few-shot "
                   "prompting uses the ones you have.",
         "how many labelled examples fine-tuning needs training data 100 examples", S_DATA + S_ALIEN6),
    Rule("examples-short", "examples", lambda p: 100 <= _ex(p) < needed_examples(p),
         {F: -3.0, RF: -3.0, D: -0.5},
         lambda p: f"{int(_ex(p)):,} labelled examples is short of the {needed_examples(p):,}+ usually needed for "
                   f"this kind of task ({EXAMPLES_RANGE.get(p.value('goal'), '500+')}).",
         "examples needed by goal classification extraction style data volume", S_DATA + S_LESSON),
    Rule("examples-enough", "examples", lambda p: _ex(p) >= needed_examples(p),
         {F: 2.0, RF: 2.0, D: 1.0},
         lambda p: f"{int(_ex(p)):,} labelled examples meets the {needed_examples(p):,}+ that fine-tuning needs "
                   "for this kind of task.",
         "enough labelled examples high-quality pairs fine-tuning 500 5000", S_DATA + S_AIGUIDE),
    Rule("examples-plenty", "examples", lambda p: _ex(p) >= 5000,
         {F: 1.0, RF: 1.0},
         lambda p: "With 5,000+ examples a tuned model has enough signal to be consistent on edge cases.",
         "ideally 5000 examples quality over quantity", S_DATA + S_ALIEN6),
    Rule("ceiling-hit", "ceiling", lambda p: p.value("ceiling") in ("drift", "format", "accuracy"),
         {P: -3.0, R: 0.5, F: 2.0, RF: 2.0, D: -1.0},
         lambda p: {"drift": "Prompting has hit its ceiling: the output keeps drifting despite clear instructions.",
                    "format": "Prompting has hit its ceiling: the output format is inconsistent.",
                    "accuracy": "Prompting has hit its ceiling: accuracy is short of the target."}[p.value("ceiling")]
                   + " That is the signal to move up the escalation path (and a drifting prompt makes a poor "
                   "teacher for distillation).",
         "prompt engineering ceiling inconsistent drifting format consistency 90% 99% escalate", S_THREE_Q + S_ESCALATE),
    Rule("ceiling-none", "ceiling", lambda p: p.value("ceiling") == "none",
         {P: 1.5, F: -1.0, RF: -1.0},
         lambda p: "Prompting already gives the quality you need, so there is no behaviour gap to train away.",
         "prompt engineering good enough ship it start simple", S_THREE_Q),
    Rule("latency-tight", "latency_ms",
         lambda p: (_num(p, "latency_ms") or 1e9) <= TIGHT_LATENCY_MS,
         {P: 0.5, R: -2.0, F: 1.0, RF: -2.0, D: 1.5},
         lambda p: f"A {_fmt_ms(p)} budget is tight: retrieval adds roughly 100-500 ms per request (sources "
                   "differ), while a small tuned model answers fastest.",
         "latency added by retrieval milliseconds 200-500 ms response time", S_LATENCY + S_THREE_Q),
    Rule("latency-very-tight", "latency_ms",
         lambda p: (_num(p, "latency_ms") or 1e9) <= VERY_TIGHT_LATENCY_MS,
         {R: -1.5, RF: -1.5, D: 0.5},
         lambda p: f"At {_fmt_ms(p)} there is almost no room for a retrieval round trip at all.",
         "latency critical cannot afford retrieval overhead fine-tune", S_LATENCY + S_MATRIX),
    Rule("latency-relaxed", "latency_ms", lambda p: (_num(p, "latency_ms") or 0) >= 1500,
         {R: 0.5, RF: 0.5},
         lambda p: f"A {_fmt_ms(p)} budget leaves ample room for a retrieval step.",
         "latency budget retrieval step acceptable", S_LATENCY + S_THREE_Q),
    Rule("volume-high", "volume_month", lambda p: (_num(p, "volume_month") or 0) >= 1_000_000,
         {P: -1.5, F: 1.0, D: 2.0},
         lambda p: f"At {_fmt_vol(p)}, a long prompt is paid for on every request; a smaller tuned or distilled "
                   "model cuts the per-request cost.",
         "prompt engineering expensive to scale tokens every request high volume cost", S_COSTS + S_THREE_Q),
    Rule("volume-mid", "volume_month", lambda p: 100_000 <= (_num(p, "volume_month") or 0) < 1_000_000,
         {F: 0.5, D: 0.5},
         lambda p: f"At {_fmt_vol(p)}, per-request savings from a smaller model start to add up.",
         "100K requests per month fine-tuning wins cost efficiency at scale", S_AIGUIDE + S_COSTS),
    Rule("volume-low", "volume_month", lambda p: 0 < (_num(p, "volume_month") or 0) < 10_000,
         {P: 2.0, F: -1.5, RF: -1.0, D: -3.0},
         lambda p: f"At {_fmt_vol(p)} the token bill is small; the upkeep of a pipeline or a tuned model is not "
                   "repaid.",
         "low volume simple task prompt handles it 100 requests per day", S_THREE_Q),
    Rule("cost-high", "cost_sensitivity", lambda p: p.value("cost_sensitivity") == "high",
         {P: -1.0, F: 1.0, D: 2.0},
         lambda p: "Cost matters: distilling a frontier model into a small one is typically 10-100x cheaper "
                   "per request.",
         "distillation 10-100x cheaper cost-sensitive production small model", S_DISTIL + S_LESSON),
    Rule("cost-low", "cost_sensitivity", lambda p: p.value("cost_sensitivity") == "low",
         {P: 0.5, D: -1.5},
         lambda p: "Cost is not a constraint, so there is no reason to trade quality for a cheaper model.",
         "cost comparison prompting standard model cost", S_COSTS + S_MATRIX),
    Rule("goal-narrow-scale", "goal",
         lambda p: p.value("goal") in ("classification", "extraction") and (_num(p, "volume_month") or 0) >= 500_000,
         {F: 0.5, D: 2.0},
         lambda p: f"A narrow {p.value('goal')} task at high volume is the textbook case for a distilled small "
                   "model.",
         "distillation high-volume classification routing simple extraction", S_DISTIL + S_LESSON),
    Rule("goal-style", "goal", lambda p: p.value("goal") == "style",
         {F: 0.5, RF: 0.5},
         lambda p: "Tone and voice are where fine-tuning shines once instructions stop being specific enough.",
         "tone voice brand fine-tuning consistent results", S_THREE_Q),
    Rule("stage-prototype", "stage", lambda p: p.value("stage") == "prototype",
         {P: 4.0, R: -1.0, F: -2.0, RF: -3.0, D: -3.0},
         lambda p: "You are still prototyping: start with prompts, measure the failures, and add layers only when "
                   "the measurements ask for them.",
         "prototyping start simple prompt engineering first escalation path", S_ESCALATE + S_THREE_Q),
    Rule("privacy-strict", "privacy", lambda p: p.value("privacy") == "strict",
         {P: -0.5, F: 1.0, D: 1.0},
         lambda p: "The data must stay on your infrastructure. What decides this is where the model runs, not "
                   "the technique: a self-hosted open model (tuned with LoRA if needed) keeps everything in house.",
         "confidentiality hosting mode self-hosted fine-tuning data residency", S_PRIVACY + S_ALIEN6),
]

RULES_BY_ID = {r.id: r for r in RULES}


def fired_rules(profile: Profile) -> list[Rule]:
    return [r for r in RULES if r.when(profile)]


def evidence_queries(profile: Profile) -> dict[str, str]:
    """Per fired rule, the query whose passages support it."""
    return {r.id: r.query for r in fired_rules(profile)}


def score(profile: Profile) -> dict[str, float]:
    totals = dict(PRIOR)
    for rule in fired_rules(profile):
        for strategy, w in rule.effect.items():
            totals[strategy] += w
    return totals


def primary(profile: Profile) -> str:
    totals = score(profile)
    return min(STRATEGIES, key=lambda s: (-round(totals[s], 6), TIE_ORDER[s]))


# ---------------------------------------------------------------------------- what would change this
CANDIDATES: dict[str, list[Any]] = {
    "need": ["knowledge", "behaviour", "both"],
    "freshness": ["static", "monthly", "weekly", "daily"],
    "latency_ms": [100, 250, 500, 1000, 3000],
    "volume_month": [5_000, 50_000, 500_000, 2_000_000, 20_000_000],
    "cost_sensitivity": ["low", "medium", "high"],
    "examples": [0, 50, 200, 600, 1500, 5000, 12_000],
    "corpus": ["small", "large"],
    "citations": [True, False],
    "permissions": [True, False],
    "privacy": ["standard", "strict"],
    "ceiling": ["none", "format"],
    "stage": ["production", "prototype"],
}
DEFAULT_NUMERIC = {"latency_ms": 1000, "volume_month": 100_000, "examples": 0}


def _distance(field: str, current: Any, candidate: Any) -> float:
    if field in DEFAULT_NUMERIC:
        cur = current if isinstance(current, (int, float)) and not isinstance(current, bool) else DEFAULT_NUMERIC[field]
        return abs(math.log10(max(candidate, 1)) - math.log10(max(cur, 1)))
    order = CANDIDATES[field]
    if current in order:
        return abs(order.index(candidate) - order.index(current))
    return 1.0


def describe_value(field: str, value: Any) -> str:
    if value is None:
        return "unknown"
    if field == "latency_ms":
        return f"{int(value):,} ms"
    if field == "volume_month":
        return f"{int(value):,} requests/month"
    if field == "examples":
        return f"{int(value):,} labelled examples"
    if field in ("citations", "permissions"):
        return {True: "required", False: "not required"}[bool(value)]
    return str(value)


_FACT_NAMES = {
    "need": "the need", "freshness": "how often the information changes", "latency_ms": "the latency target",
    "volume_month": "the request volume", "cost_sensitivity": "cost sensitivity", "examples": "labelled examples",
    "corpus": "the size of the knowledge", "citations": "citations", "permissions": "per-user permissions",
    "privacy": "data privacy", "ceiling": "how well prompting works", "stage": "the project stage",
}


def what_would_change(profile: Profile, limit: int = 5) -> list[Change]:
    """For each fact, the nearest single change of its value that flips the primary strategy."""
    current = primary(profile)
    changes: list[tuple[float, int, Change]] = []
    for order, (field, values) in enumerate(CANDIDATES.items()):
        now = profile.value(field)
        best: tuple[float, Any, str] | None = None
        for candidate in values:
            if candidate == now:
                continue
            flipped = primary(profile.with_value(field, candidate, status="assumed"))
            if flipped != current:
                dist = _distance(field, now, candidate)
                if best is None or dist < best[0]:
                    best = (dist, candidate, flipped)
        if best:
            dist, candidate, flipped = best
            changes.append((dist, order, Change(
                fact=field, current=describe_value(field, now), becomes=describe_value(field, candidate),
                new_strategy=flipped,
                description=f"If {_FACT_NAMES[field]} were {describe_value(field, candidate)} "
                            f"(now {describe_value(field, now)}), the answer would become "
                            f"{STRATEGY_LABELS[flipped]}.",
            )))
    changes.sort(key=lambda c: (c[0], c[1]))
    return [c for _, _, c in changes[:limit]]


# ---------------------------------------------------------------------------- first steps
def first_steps(profile: Profile, strategy: str, self_hosted: bool) -> list[str]:
    steps: list[str] = []
    goal_n = needed_examples(profile)
    ex = _ex(profile)
    layers = LAYERS[strategy]
    if self_hosted:
        steps.append("Pick an open-weights model you can run on your own infrastructure; keep the index and any "
                     "training data there too (a vendor fine-tuning API does not solve residency).")
    if strategy == P:
        steps += [
            "Write a system prompt with the instructions and 3-5 worked examples; keep instructions under "
            "~1,500 tokens.",
            "Build an eval set of 50-100 real inputs with expected outputs and measure before changing anything.",
        ]
        if profile.value("need") in ("knowledge", "both") and profile.value("corpus") != "large":
            steps.append("Put the reference knowledge in the system prompt (it fits: a few thousand tokens).")
        steps.append("Escalate only on evidence: add RAG if failures are missing knowledge, fine-tune if behaviour "
                     "still drifts.")
    if "rag" in layers:
        steps += [
            "Chunk your documents by section and index them with hybrid search (BM25 + vectors fused with RRF).",
            "Measure retrieval first (recall@5 on 30-50 real questions): fix retrieval before tuning generation.",
        ]
        if profile.value("citations") is True or strategy in (R, RF):
            steps.append("Return the retrieved sources with every answer so users can check claims.")
        if profile.value("permissions") is True:
            steps.append("Filter retrieved passages by the asking user's permissions at query time.")
        if (_num(profile, "latency_ms") or 1e9) <= 500:
            steps.append("Keep retrieval fast: an in-process index and cached embeddings fit a tight latency budget.")
    if strategy in (F, RF):
        if ex < goal_n:
            steps.append(f"Collect labelled input->output pairs: you have {max(int(ex), 0):,}, aim for "
                         f"{goal_n:,}+ ({EXAMPLES_RANGE.get(profile.value('goal'), '500+')}).")
        steps += [
            "Train a LoRA adapter on a small model; hold out 10-20% of the examples for evaluation.",
            "Compare the tuned model with your best prompt on the same eval set before switching traffic.",
        ]
    if strategy == D:
        steps += [
            "Label 5,000-10,000 real inputs with your best frontier-model prompt (the teacher).",
            "Fine-tune a small model (LoRA) on those labels and compare it with the teacher on a held-out set.",
            "Route low-confidence cases back to the frontier model.",
        ]
    return steps


# ---------------------------------------------------------------------------- decide
def confidence(profile: Profile, totals: dict[str, float]) -> float:
    ordered = sorted(totals.values(), reverse=True)
    margin = ordered[0] - ordered[1]
    conf = 0.45 + min(margin, 6.0) / 12.0
    key_assumed = sum(1 for f in ("need", "freshness", "latency_ms", "volume_month")
                      if (fact := getattr(profile, f)) is not None and fact.status == "assumed")
    key_unknown = sum(1 for f in ("need", "freshness") if not profile.known(f))
    conf -= 0.08 * key_assumed + 0.1 * key_unknown + 0.03 * len(profile.assumed())
    return round(max(0.15, min(0.95, conf)), 2)


def decide(profile: Profile, passages: dict[str, list[Passage]] | None = None) -> Recommendation:
    """Score every strategy from the facts; attach the passages retrieved for each fired rule."""
    passages = passages or {}
    totals = score(profile)
    best = primary(profile)
    self_hosted = profile.value("privacy") == "strict"
    shares = _shares(totals)
    ranking = sorted(
        (StrategyScore(strategy=s, label=STRATEGY_LABELS[s], layers=LAYERS[s], score=round(totals[s], 2),
                       share=shares[s]) for s in STRATEGIES),
        key=lambda x: (-x.score, TIE_ORDER[x.strategy]),
    )

    cited: list[Passage] = []
    reasons: list[Reason] = []
    for rule in fired_rules(profile):
        fact = getattr(profile, rule.fact)
        numbers = []
        for passage in passages.get(rule.id, []):
            if passage.chunk_id not in [c.chunk_id for c in cited]:
                cited.append(passage)
            numbers.append(1 + [c.chunk_id for c in cited].index(passage.chunk_id))
        reasons.append(Reason(
            rule=rule.id, fact=rule.fact, fact_value=describe_value(rule.fact, fact.value if fact else None),
            quote=fact.quote if fact else "", assumed=bool(fact and fact.status == "assumed"),
            statement=rule.says(profile), effect=rule.effect, sources=list(rule.sources), citations=numbers,
        ))
    # The reasons that pushed the winner most come first.
    reasons.sort(key=lambda r: -r.effect.get(best, 0.0))

    conf = confidence(profile, totals)
    assumptions = [f"{_FACT_NAMES.get(n, n)}: assumed {describe_value(n, f.value)}"
                   + (f' (you said "{f.quote}")' if f.quote else "")
                   for n, f in profile.assumed().items()]
    return Recommendation(
        strategy=best, label=STRATEGY_LABELS[best], layers=LAYERS[best], confidence=conf,
        confidence_label="high" if conf >= 0.75 else "medium" if conf >= 0.5 else "low",
        hosting="self_hosted" if self_hosted else "api", ranking=ranking, rationale=reasons,
        costs=monthly_costs(profile, self_hosted=self_hosted), pricing_as_of=load_pricing()["as_of"],
        first_steps=first_steps(profile, best, self_hosted), what_would_change=what_would_change(profile),
        assumptions=assumptions, passages=cited,
    )


def _shares(totals: dict[str, float]) -> dict[str, float]:
    lo, hi = min(totals.values()), max(totals.values())
    span = (hi - lo) or 1.0
    return {s: round((v - lo) / span, 3) for s, v in totals.items()}
