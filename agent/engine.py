"""The decision engine: a pure, deterministic function from facts to a recommendation.

**Rules.** Each rule reads one fact and adds weights to the five strategies: a fixed table, or (for the budget
rule) a table computed from the cost model. It names the corpus notes it rests on and a query that retrieves the
passages supporting it. No LLM takes part: the same facts always give the same recommendation.

**Choosing.** Every strategy starts from ``PRIOR`` and adds the weights of the rules that fire; the highest total
wins. A tie (totals within ``NEAR_TIE`` of the top, i.e. equal) goes to the option that is cheaper to run (lowest
monthly cost in the cost model) when cost matters (cost matters a lot, cost is the top priority, cost is what is
wrong with the current approach, or a monthly budget was given; never when quality is the top priority),
otherwise to the simpler stack, in the order of ``TIE_ORDER`` (prompting, RAG, fine-tuning, distillation,
RAG + fine-tuning). ``Recommendation.tie_note`` says a
tie aloud with what broke it, and a close call (a lead of at most ``CLOSE_CALL`` points) with the reason that
tipped it and how the two compare on running cost (when cost matters) or on simplicity. (Treating half-point gaps
as ties was tried and rejected: it dropped the fine-tuning layer for teams that need both knowledge and a strict
format, against what the rules' reasons say.)

**Stance of a reason** (``stance``). Let c be the rule's weight on the chosen strategy and r its weight on the
runner-up (the best other strategy by total):

* ``against`` when c < 0 (it marks the chosen strategy down) or c < r (it favours the runner-up);
* ``for`` when c > r, or when c == r > 0 (it backs both finalists over the rest);
* ``neutral`` when c == r == 0 (it does not bear on this choice).

"Why" lists only the ``for`` reasons; ``against`` ones are the trade-offs.

**Confidence** (``confidence``), clamped to 0.15..0.95 and rounded to two places::

    0.45 + 0.5 * min(lead, 6) / 6     lead = chosen total minus the best other total, floored at 0
                                      (0.45 on a tie, 0.95 with a lead of 6 points or more)
    - 0.08 per key fact that was assumed (need, freshness, latency target, volume)
    - 0.10 per key fact still unknown (need, freshness)
    - 0.03 per other assumed fact

**Your documents.** A cited passage from the user's own documents (``Passage.kind == "user"``) that says
otherwise is never cited as support: it is listed in ``Recommendation.contradictions``. The heuristic
(``contradiction``): a sentence names a layer (retrieval, fine-tuning, distillation, prompting) and either negates
it ("we do not fine-tune", "RAG is not allowed") while the recommendation uses that layer, or prescribes it ("we
must use RAG") while the recommendation does not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from knowledge.types import Passage

from .costs import load_pricing, monthly_costs
from .describe import (
    LAYER_LABELS,
    STRATEGY_SHORT,
    as_condition,
    describe_value,
    fact_label,
    join_words,
    md_literal,
    sentences,
)
from .types import (
    LAYERS,
    STRATEGIES,
    STRATEGY_LABELS,
    Change,
    Contradiction,
    CostLine,
    Profile,
    Reason,
    Recommendation,
    StrategyScore,
)

__all__ = ["RULES", "RULES_BY_ID", "decide", "describe_value", "evidence_queries", "fired_rules", "primary",
           "score", "stance", "what_would_change", "confidence", "contradiction"]

P, R, F, RF, D = STRATEGIES
PRIOR = {P: 1.0, R: 0.0, F: 0.0, RF: 0.0, D: 0.0}  # start simple: every source puts prompting first
TIE_ORDER = {P: 0, R: 1, F: 2, D: 3, RF: 4}  # on a tie (and cost not deciding), the simpler stack wins
NEAR_TIE = 0.0  # totals this close to the top count as tied (exact ties only; see the docstring)
CLOSE_CALL = 1.0  # a lead this small is said aloud

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
S_STRUCTURED = ("synth-structured-outputs",)
S_RETRIEVAL_CEILING = ("synth-retrieval-ceiling", "paper-zhang-2024-raft")
S_QUALITY = ("synth-quality-first-and-model-size",)
S_COST_CEILING = ("synth-cost-ceiling",)
S_VENDOR = ("synth-vendor-model-changes",)


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
    weigh: Callable[[Profile], dict[str, float]] | None = None  # weights that depend on the facts (budget)

    def effect_for(self, profile: Profile) -> dict[str, float]:
        return self.weigh(profile) if self.weigh else self.effect


def _num(p: Profile, name: str) -> float | None:
    v = p.value(name)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _say(p: Profile, name: str) -> str:
    return describe_value(name, p.value(name))


def _ex(p: Profile) -> float:
    n = _num(p, "examples")
    return -1 if n is None else n


def _costs(p: Profile) -> list[CostLine]:
    return monthly_costs(p, self_hosted=p.value("privacy") == "strict")


def _over_budget(p: Profile) -> dict[str, float]:
    """Strategies whose monthly cost is over the stated budget, with that cost."""
    budget = _num(p, "budget_usd")
    if budget is None:
        return {}
    return {c.strategy: c.monthly_usd for c in _costs(p) if c.monthly_usd > budget}


def _budget_effect(p: Profile) -> dict[str, float]:
    budget = _num(p, "budget_usd") or 0.0
    return {s: -2.0 - (1.0 if cost > 2 * budget else 0.0) for s, cost in _over_budget(p).items()}


def _budget_says(p: Profile) -> str:
    budget = describe_value("budget_usd", p.value("budget_usd"))
    over = _over_budget(p)
    costs = sorted(_costs(p), key=lambda c: c.monthly_usd)
    volume = "" if p.volume_month is not None and p.volume_month.status == "stated" else " (at an assumed volume)"
    listed = join_words([f"{STRATEGY_SHORT[s]} (about ${over[s]:,.0f})" for s in STRATEGIES if s in over])
    if len(over) == len(STRATEGIES):
        cheapest = costs[0]
        return (f"Your budget is {budget}, and every option goes over it at this volume{volume}; the cheapest is "
                f"{cheapest.label} at about ${cheapest.monthly_usd:,.0f} a month. Options over twice the budget are "
                "marked down most.")
    listed = listed[0].upper() + listed[1:]
    return (f"Your budget is {budget}. {listed} would go over it{volume}, so "
            f"{'it is' if len(over) == 1 else 'they are'} marked down.")


_GOAL_WORDS = {"classification": "classification or routing", "extraction": "extraction"}

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
         lambda p: f"The information {_say(p, 'freshness')}. Weights trained today are stale after the next "
                   "change; retrieval reads the current documents on every request.",
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
    Rule("ceiling-hit", "ceiling", lambda p: p.value("ceiling") in ("drift", "accuracy"),
         {P: -3.0, R: 0.5, F: 2.0, RF: 2.0, D: -1.0},
         lambda p: {"drift": "Prompting has hit its ceiling: the output keeps drifting despite clear instructions.",
                    "accuracy": "Prompting has hit its ceiling: accuracy is short of the target."}[p.value("ceiling")]
                   + " That is the signal to move up the escalation path (and a drifting prompt makes a poor "
                   "teacher for distillation).",
         "prompt engineering ceiling inconsistent drifting 90% 99% escalate", S_THREE_Q + S_ESCALATE),
    Rule("ceiling-format", "ceiling", lambda p: p.value("ceiling") == "format",
         {P: -3.0, R: 0.5, F: 2.0, RF: 2.0, D: -1.0},
         lambda p: "Prompting has hit its ceiling: the output format is inconsistent. Schema-constrained decoding "
                   "(structured outputs) fixes the shape of every response without training; when the values "
                   "inside the format are still wrong, fine-tuning is the next step up.",
         "output format inconsistent structured outputs JSON schema constrained decoding fine-tuning 99% "
         "consistency", S_THREE_Q + S_STRUCTURED),
    Rule("goal-extraction-schema", "goal", lambda p: p.value("goal") == "extraction",
         {P: 0.5},
         lambda p: "Extraction into a fixed format: schema-constrained decoding (structured outputs) makes every "
                   "response match your schema with no training, so the format alone is no reason to fine-tune; "
                   "what is left to measure is whether the extracted values are right.",
         "structured outputs JSON schema constrained decoding guarantees valid format extraction", S_STRUCTURED),
    Rule("ceiling-none", "ceiling", lambda p: p.value("ceiling") == "none",
         {P: 1.5, F: -1.0, RF: -1.0},
         lambda p: "Prompting already gives the quality you need, so there is no behaviour gap to train away.",
         "prompt engineering good enough ship it start simple", S_THREE_Q),
    Rule("ceiling-retrieval", "ceiling", lambda p: p.value("ceiling") == "retrieval",
         {P: -2.0, R: -0.5, F: -1.0, RF: 2.5, D: -1.5},
         lambda p: "Retrieval is in place but only handles the simple questions. First check where the hard ones "
                   "fail: passages that never reach the model call for better retrieval (reranking, one retrieval "
                   "per step of a multi-step question); passages that arrive but are not used call for training "
                   "the model to answer from them, which is retrieval plus fine-tuning.",
         "retrieval only handles simple questions multi-step questions fail RAG failure points retrieval ceiling "
         "train generator", S_RETRIEVAL_CEILING),
    Rule("ceiling-cost", "ceiling", lambda p: p.value("ceiling") == "cost",
         {P: -2.0, R: -0.5, F: 1.0, RF: -0.5, D: 2.5},
         lambda p: "The current approach costs too much to run. Cut what each request costs first (cache the "
                   "fixed part of the prompt, batch what can wait, send easy requests to a smaller model); past "
                   "that, a small model trained for the task on the large model's outputs is typically 10-100x "
                   "cheaper per request.",
         "current approach too expensive to run cut cost per request caching batch cascade smaller model "
         "distillation", S_COST_CEILING + S_DISTIL),
    Rule("ceiling-vendor", "ceiling", lambda p: p.value("ceiling") == "vendor",
         {P: -1.5, R: -0.5, F: 2.0, RF: 1.0, D: 1.5},
         lambda p: "Quality broke when the vendor changed its hosted model. A model called by a name that moves can "
                   "change under you: pin a dated version now, and to stop it happening again own the weights, a "
                   "tuned open-weights model that changes only when you retrain it.",
         "vendor changed hosted model quality dropped behaviour drift pin dated model version own the weights",
         S_VENDOR + S_PRIVACY),
    Rule("latency-tight", "latency_ms",
         lambda p: (_num(p, "latency_ms") or 1e9) <= TIGHT_LATENCY_MS,
         {P: 0.5, R: -2.0, F: 1.0, RF: -2.0, D: 1.5},
         lambda p: f"A {_say(p, 'latency_ms')} budget is tight: retrieval adds roughly 100-500 ms per request "
                   "(sources differ), while a small tuned model answers fastest.",
         "latency added by retrieval milliseconds 200-500 ms response time", S_LATENCY + S_THREE_Q),
    Rule("latency-very-tight", "latency_ms",
         lambda p: (_num(p, "latency_ms") or 1e9) <= VERY_TIGHT_LATENCY_MS,
         {R: -1.5, RF: -1.5, D: 0.5},
         lambda p: f"At {_say(p, 'latency_ms')} there is almost no room for a retrieval round trip at all.",
         "latency critical cannot afford retrieval overhead fine-tune", S_LATENCY + S_MATRIX),
    Rule("latency-relaxed", "latency_ms", lambda p: (_num(p, "latency_ms") or 0) >= 1500,
         {R: 0.5, RF: 0.5},
         lambda p: f"A {_say(p, 'latency_ms')} budget leaves ample room for a retrieval step.",
         "latency budget retrieval step acceptable", S_LATENCY + S_THREE_Q),
    Rule("volume-high", "volume_month", lambda p: (_num(p, "volume_month") or 0) >= 1_000_000,
         {P: -1.5, F: 1.0, D: 2.0},
         lambda p: f"At {_say(p, 'volume_month')}, a long prompt is paid for on every request; a smaller tuned or "
                   "distilled model cuts the per-request cost.",
         "prompt engineering expensive to scale tokens every request high volume cost", S_COSTS + S_THREE_Q),
    Rule("volume-mid", "volume_month", lambda p: 100_000 <= (_num(p, "volume_month") or 0) < 1_000_000,
         {F: 0.5, D: 0.5},
         lambda p: f"At {_say(p, 'volume_month')}, per-request savings from a smaller model start to add up.",
         "100K requests per month fine-tuning wins cost efficiency at scale", S_AIGUIDE + S_COSTS),
    Rule("volume-low", "volume_month", lambda p: 0 < (_num(p, "volume_month") or 0) < 10_000,
         {P: 2.0, F: -1.5, RF: -1.0, D: -3.0},
         lambda p: f"At {_say(p, 'volume_month')} the token bill is small; the upkeep of a pipeline or a tuned "
                   "model is not repaid.",
         "low volume simple task prompt handles it 100 requests per day", S_THREE_Q),
    Rule("cost-high", "cost_sensitivity", lambda p: p.value("cost_sensitivity") == "high",
         {P: -1.0, F: 1.0, D: 2.0},
         lambda p: "Cost matters a lot: a small model trained for the task costs far less per request than a "
                   "frontier model, and distilling a frontier model into a small one is typically 10-100x cheaper.",
         "distillation 10-100x cheaper cost-sensitive production small model", S_DISTIL + S_LESSON),
    Rule("cost-low", "cost_sensitivity", lambda p: p.value("cost_sensitivity") == "low",
         {P: 0.5, D: -1.5},
         lambda p: "Cost is not a constraint, so there is no reason to trade quality for a cheaper model.",
         "cost comparison prompting standard model cost", S_COSTS + S_MATRIX),
    Rule("priority-quality", "priority", lambda p: p.value("priority") == "quality",
         {RF: 0.5, D: -2.5},
         lambda p: "Quality comes first, ahead of cost and speed. A distilled small model usually trails the model "
                   "it learned from, so it is the wrong trade here; keep a strong model and add the layer that "
                   "fixes the failures you measure (retrieval and tuning gains add up).",
         "quality comes first cost no object distilled student trails teacher strongest model larger base model",
         S_QUALITY + S_ESCALATE),
    Rule("priority-cost", "priority",
         lambda p: p.value("priority") == "cost" and p.value("cost_sensitivity") != "high",
         {P: -1.0, F: 1.0, D: 2.0},
         lambda p: "Cost comes first: a small model trained for the task costs far less per request than a "
                   "frontier model with a long prompt.",
         "cost comes first cheapest option per request small model distillation 10-100x", S_COSTS + S_DISTIL),
    Rule("priority-speed", "priority",
         lambda p: p.value("priority") == "speed" and (_num(p, "latency_ms") or 1e9) > TIGHT_LATENCY_MS,
         {R: -1.0, RF: -1.0, F: 0.5, D: 0.5},
         lambda p: "Speed comes first: every retrieval round trip adds latency, and a small tuned model answers "
                   "fastest.",
         "fastest response which strategy responds fastest latency small tuned model", S_LATENCY),
    Rule("budget-over", "budget_usd", lambda p: bool(_over_budget(p)),
         {}, _budget_says, "monthly budget cost per month cheapest option over budget bill",
         S_COSTS + S_COST_CEILING, weigh=_budget_effect),
    Rule("goal-narrow-scale", "goal",
         lambda p: p.value("goal") in ("classification", "extraction") and (_num(p, "volume_month") or 0) >= 500_000,
         {F: 0.5, D: 2.0},
         lambda p: f"A narrow {_GOAL_WORDS[p.value('goal')]} task at high volume is the textbook case for a "
                   "distilled small model.",
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
        for strategy, w in rule.effect_for(profile).items():
            totals[strategy] += w
    return {s: round(v, 6) for s, v in totals.items()}


# ---------------------------------------------------------------------------- choosing, ties
def cost_matters(profile: Profile) -> bool:
    """Whether running cost breaks a tie. Never when quality is the stated top priority."""
    if profile.value("priority") == "quality":
        return False
    return (profile.value("cost_sensitivity") == "high" or profile.value("priority") == "cost"
            or profile.value("ceiling") == "cost" or profile.known("budget_usd"))


def _choose(profile: Profile, totals: dict[str, float]) -> tuple[str, list[str], str]:
    """(winner, the tied group best first, how the tie was broken: '' | 'cost' | 'simpler')."""
    top = max(totals.values())
    tied = [s for s in STRATEGIES if top - totals[s] <= NEAR_TIE + 1e-9]
    if len(tied) == 1:
        return tied[0], tied, ""
    if cost_matters(profile):
        monthly = {c.strategy: c.monthly_usd for c in _costs(profile)}
        tied.sort(key=lambda s: (monthly[s], TIE_ORDER[s]))
        return tied[0], tied, "cost"
    tied.sort(key=lambda s: TIE_ORDER[s])
    return tied[0], tied, "simpler"


def primary(profile: Profile) -> str:
    return _choose(profile, score(profile))[0]


def runner_up(totals: dict[str, float], chosen: str) -> str:
    return min((s for s in STRATEGIES if s != chosen), key=lambda s: (-totals[s], TIE_ORDER[s]))


def stance(effect: dict[str, float], chosen: str, runner: str) -> str:
    """'for' | 'against' | 'neutral': see the module docstring."""
    c, r = effect.get(chosen, 0.0), effect.get(runner, 0.0)
    if c < 0 or c < r:
        return "against"
    if c > r or c > 0:
        return "for"
    return "neutral"


def _first_sentence(text: str) -> str:
    found = sentences(text)
    return found[0] if found else text


def _cap(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def _tie_note(profile: Profile, totals: dict[str, float], chosen: str, tied: list[str], how: str,
              reasons: list[Reason]) -> str:
    name = STRATEGY_SHORT
    if len(tied) > 1:
        others = [s for s in tied if s != chosen]
        said = f"{_cap(join_words([name[s] for s in [chosen] + others]))} are tied at {totals[chosen]:.1f} points."
        if how == "cost":
            monthly = {c.strategy: c.monthly_usd for c in _costs(profile)}
            rest = join_words([f"${monthly[s]:,.0f} for {name[s]}" for s in others])
            return (f"{said} The tie goes to {name[chosen]} because it is cheaper to run (about "
                    f"${monthly[chosen]:,.0f} a month, against {rest}) and cost matters to you.")
        return (f"{said} The tie goes to {name[chosen]} because it is the simpler stack: fewer layers to build, "
                "run and keep up to date.")
    runner = runner_up(totals, chosen)
    lead = totals[chosen] - totals[runner]
    if lead > CLOSE_CALL + 1e-9:
        return ""
    note = f"Close call: {name[chosen]} leads {name[runner]} by only {lead:.1f} point{'s' if lead != 1 else ''}."
    tipped = max((r for r in reasons if r.stance == "for"),
                 key=lambda r: r.effect.get(chosen, 0.0) - r.effect.get(runner, 0.0), default=None)
    if tipped is not None:
        note += f" What tipped it: {_first_sentence(tipped.statement)}"
    if cost_matters(profile):
        monthly = {c.strategy: c.monthly_usd for c in _costs(profile)}
        cheaper = monthly[chosen] <= monthly[runner]
        note += (f" It is {'also the cheaper' if cheaper else 'the dearer'} option to run (about "
                 f"${monthly[chosen]:,.0f} against ${monthly[runner]:,.0f} a month).")
    elif TIE_ORDER[chosen] < TIE_ORDER[runner]:
        note += " It is also the simpler stack."
    else:
        note += f" {_cap(name[runner])} would be the simpler stack."
    return note


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
    "ceiling": ["none", "format", "retrieval", "cost", "vendor"],
    "stage": ["production", "prototype"],
    "priority": ["quality", "cost"],
}
DEFAULT_NUMERIC = {"latency_ms": 1000, "volume_month": 100_000, "examples": 0}
UNORDERED = {"ceiling", "priority"}


def _distance(field: str, current: Any, candidate: Any) -> float:
    if field in DEFAULT_NUMERIC:
        cur = current if isinstance(current, (int, float)) and not isinstance(current, bool) else DEFAULT_NUMERIC[field]
        return abs(math.log10(max(candidate, 1)) - math.log10(max(cur, 1)))
    order = CANDIDATES[field]
    if field not in UNORDERED and current in order:
        return abs(order.index(candidate) - order.index(current))
    return 1.0


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
            now_words = f", instead of {describe_value(field, now)}," if now is not None else " (not known yet)"
            changes.append((dist, order, Change(
                fact=field, current=describe_value(field, now), becomes=describe_value(field, candidate),
                new_strategy=flipped,
                description=f"If {as_condition(field, candidate)}{now_words}{'' if now is not None else ','} "
                            f"the answer would become {STRATEGY_LABELS[flipped]}.",
            )))
    changes.sort(key=lambda c: (c[0], c[1]))
    return [c for _, _, c in changes[:limit]]


# ---------------------------------------------------------------------------- first steps
STRUCTURED_OUTPUTS_STEP = (
    "Turn on schema-constrained decoding (structured outputs): give the API your JSON Schema, or on a self-hosted "
    "model use a grammar-constrained decoder such as Outlines, llama.cpp grammars or vLLM's guided decoding, so "
    "every response parses. Then check the values inside, which the schema does not guarantee.")


def strict_format(profile: Profile) -> bool:
    return profile.value("goal") == "extraction" or profile.value("ceiling") == "format"


def model_size_step(profile: Profile, strategy: str) -> str | None:
    """Which model size to train, and why (None for stacks that train nothing)."""
    goal = profile.value("goal")
    tight = (_num(profile, "latency_ms") or 1e9) <= TIGHT_LATENCY_MS
    if strategy == D:
        return ("Teacher and student: the teacher is the large model whose prompt already works; the student is a "
                "small model (roughly 1-8 billion parameters, or a vendor's small tunable model) trained on the "
                "teacher's outputs for this one task, which is what makes it cheap and fast. If your labels were "
                "written by people rather than by the large model, training the small model on them is plain "
                "fine-tuning, not distillation.")
    if strategy not in (F, RF):
        return None
    if (goal == "major" or profile.value("priority") == "quality") and not tight:
        why = "a new domain skill needs the capacity" if goal == "major" else "quality comes first"
        return (f"Model size: start from a larger base model (roughly 30-70 billion parameters open-weights, or the "
                f"vendor's most capable tunable model), because {why}; QLoRA fits tuning a model of that size on "
                "one 48 GB GPU.")
    task = {"classification": " (classification or routing)", "extraction": " (extraction into a fixed format)",
            "style": " (a style or voice)", "qa": " (answering from your material)"}.get(goal, "")
    speed = f", which your {describe_value('latency_ms', profile.value('latency_ms'))} target needs" if tight else ""
    return (f"Model size: a small model is enough (roughly 1-8 billion parameters open-weights, or the vendor's small "
            f"tunable model): the task{task} is narrow, a small model learns it from your examples, and it then "
            f"answers faster and costs less per request{speed}.")


def first_steps(profile: Profile, strategy: str, self_hosted: bool) -> list[str]:
    steps: list[str] = []
    goal_n = needed_examples(profile)
    ex = _ex(profile)
    layers = LAYERS[strategy]
    ceiling = profile.value("ceiling")
    if self_hosted:
        steps.append("Pick an open-weights model you can run on your own infrastructure; keep the index and any "
                     "training data there too (a vendor fine-tuning API does not solve residency).")
    if ceiling == "vendor":
        steps.append("Pin a dated model version rather than a name that moves, and rerun your eval set before "
                     "every model switch.")
        if "fine_tuning" not in layers:
            steps.append("If pinning is not enough (a pinned version still retires on the vendor's schedule), own "
                         "the weights: an open-weights model, tuned if needed, changes only when you change it.")
    if ceiling == "cost":
        steps.append("Cut the current bill first: cache the fixed part of the prompt, send requests that can wait "
                     "through a batch API (about half price), and route easy requests to a smaller model.")
    if profile.value("priority") == "quality":
        steps.append("Judge every change on a quality eval set first: a cheaper setup replaces the current one only "
                     "if it matches it there.")
    if strict_format(profile):
        steps.append(STRUCTURED_OUTPUTS_STEP)
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
        if ceiling == "retrieval":
            steps.append("Sort the failing questions first: when the right passage never reaches the model, fix "
                         "retrieval (hybrid search with a reranker, context added to each chunk, a multi-part "
                         "question split into several retrievals); when it does and the answer is still wrong, "
                         "train the model to answer from retrieved passages.")
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
            model_size_step(profile, strategy),
            "Train a LoRA adapter on that model; hold out 10-20% of the examples for evaluation.",
            "Compare the tuned model with your best prompt on the same eval set before switching traffic.",
        ]
    if strategy == D:
        steps += [
            model_size_step(profile, strategy),
            "Label 5,000-10,000 real inputs with your best frontier-model prompt (the teacher).",
            "Fine-tune the small model (LoRA) on those labels and compare it with the teacher on a held-out set.",
            "Route low-confidence cases back to the frontier model.",
        ]
    return [s for s in steps if s]


# ---------------------------------------------------------------------------- your documents
_LAYER_CUES = {
    "rag": re.compile(r"\b(rag|retrieval[- ]augmented generation|retrieval|vector (?:database|db|store|search|index)"
                      r"|semantic search)\b", re.I),
    "fine_tuning": re.compile(r"\b(fine[- ]?tun\w*|finetun\w*|q?lora|(?:train|training|retrain\w*) (?:a |an |our |the "
                              r"|its |your )?(?:own |custom )?models?)\b", re.I),
    "distillation": re.compile(r"\b(distil\w*|student models?)\b", re.I),
    "prompting": re.compile(r"\b(prompt engineering|prompting)\b", re.I),
}
_NEG_BEFORE = re.compile(r"\b(not|no|never|avoid\w*|don't|doesn't|didn't|won't|can't|cannot|mustn't|shouldn't|"
                         r"without|against|instead of|rather than|forbid\w*|prohibit\w*|ban|bans|banned|disallow\w*|"
                         r"stop|stopped|reject\w*|ruled? out|no longer)\b", re.I)
_NEG_AFTER = re.compile(r"^\W*(alone |only |by itself |on its own )?(is|are|was|will be|would be|remains?)?\s*(not|never|"
                        r"no longer|prohibited|forbidden|banned|off the table|out of scope|ruled out|disallowed|"
                        r"unacceptable|a poor fit|too (slow|expensive|risky|costly))\b", re.I)
_MUST_BEFORE = re.compile(r"\b(should|must|need to|needs to|has to|have to|required to|mandat\w*|recommend\w*|"
                          r"prefer\w*|standardi[sz]e\w* on|go with|only option)\b", re.I)
_MUST_AFTER = re.compile(r"^\W*(is|are)\s+(required|mandatory|the standard|preferred|recommended|the way to go|the "
                         r"only option)\b", re.I)
_WINDOW_WORDS = 6


def contradiction(passage: Passage, strategy: str) -> tuple[str, str] | None:
    """(sentence, layer label) when a passage from the user's own documents says otherwise; None when it does not
    (or is not the user's). See the module docstring for the heuristic."""
    if passage.kind != "user":
        return None
    layers = LAYERS[strategy]
    for sentence in sentences(passage.text):
        for layer, cue in _LAYER_CUES.items():
            for m in cue.finditer(sentence):
                before = " ".join(sentence[:m.start()].split()[-_WINDOW_WORDS:])
                after = sentence[m.end():]
                negated = bool(_NEG_BEFORE.search(before) or _NEG_AFTER.search(after))
                prescribed = not negated and bool(_MUST_BEFORE.search(before) or _MUST_AFTER.search(after))
                if (negated and layer in layers) or (prescribed and layer not in layers):
                    return sentence, LAYER_LABELS[layer]
    return None


# ---------------------------------------------------------------------------- decide
KEY_ASSUMED = ("need", "freshness", "latency_ms", "volume_month")
KEY_UNKNOWN = ("need", "freshness")


def confidence(profile: Profile, totals: dict[str, float], chosen: str | None = None) -> float:
    """See the module docstring for the formula."""
    chosen = chosen or _choose(profile, totals)[0]
    lead = max(0.0, totals[chosen] - max(v for s, v in totals.items() if s != chosen))
    conf = 0.45 + 0.5 * min(lead, 6.0) / 6.0
    key_assumed = sum(1 for f in KEY_ASSUMED if (fact := getattr(profile, f)) is not None and fact.status == "assumed")
    other_assumed = len(profile.assumed()) - key_assumed
    key_unknown = sum(1 for f in KEY_UNKNOWN if not profile.known(f))
    conf -= 0.08 * key_assumed + 0.10 * key_unknown + 0.03 * other_assumed
    return round(max(0.15, min(0.95, conf)), 2)


def decide(profile: Profile, passages: dict[str, list[Passage]] | None = None,
           user_passages: dict[str, list[Passage]] | None = None) -> Recommendation:
    """Score every strategy from the facts; attach the passages retrieved for each fired rule.

    ``user_passages``: per rule, the best passages of the user's own documents, searched on their own. They are
    only ever shown when they say otherwise (a document that agrees is cited when it ranks among ``passages``)."""
    passages = dict(passages or {})
    for rule_id, extra in (user_passages or {}).items():
        have = {p.chunk_id for p in passages.get(rule_id, [])}
        best_now = _choose(profile, score(profile))[0]
        passages[rule_id] = list(passages.get(rule_id, [])) + [
            p for p in extra if p.chunk_id not in have and contradiction(p, best_now) is not None]
    totals = score(profile)
    best, tied, how = _choose(profile, totals)
    runner = runner_up(totals, best)
    self_hosted = profile.value("privacy") == "strict"
    shares = _shares(totals)
    ranking = sorted(
        (StrategyScore(strategy=s, label=STRATEGY_LABELS[s], layers=LAYERS[s], score=round(totals[s], 2),
                       share=shares[s]) for s in STRATEGIES),
        key=lambda x: (-x.score, TIE_ORDER[x.strategy]),
    )

    cited: list[Passage] = []
    contradictions: list[Contradiction] = []

    def number(passage: Passage) -> int:
        ids = [c.chunk_id for c in cited]
        if passage.chunk_id not in ids:
            cited.append(passage)
            ids.append(passage.chunk_id)
        return 1 + ids.index(passage.chunk_id)

    reasons: list[Reason] = []
    for rule in fired_rules(profile):
        fact = getattr(profile, rule.fact)
        numbers = []
        for passage in passages.get(rule.id, []):
            against = contradiction(passage, best)
            n = number(passage)
            if against is None:
                numbers.append(n)
            elif all(c.passage != n for c in contradictions):
                sentence, layer = against
                verb = "includes" if layer in (LAYER_LABELS[x] for x in LAYERS[best]) else "leaves out"
                contradictions.append(Contradiction(
                    passage=n, title=passage.title, sentence=sentence,
                    statement=f'Your document "{md_literal(passage.title)}" says otherwise: "{md_literal(sentence)}" [{n}] The '
                              f"recommendation {verb} {layer}; weigh what that document knows about your situation "
                              "against the reasons above."))
        effect = rule.effect_for(profile)
        reasons.append(Reason(
            rule=rule.id, fact=rule.fact, fact_value=describe_value(rule.fact, fact.value if fact else None),
            quote=fact.quote if fact else "", assumed=bool(fact and fact.status == "assumed"),
            statement=rule.says(profile), effect=effect, stance=stance(effect, best, runner),
            sources=list(rule.sources), citations=numbers,
        ))
    # Supporting reasons first (the ones that widen the lead most), then the trade-offs, then the rest.
    order = {"for": 0, "against": 1, "neutral": 2}
    reasons.sort(key=lambda r: (order[r.stance], -(r.effect.get(best, 0.0) - r.effect.get(runner, 0.0))
                                if r.stance != "against" else (r.effect.get(best, 0.0) - r.effect.get(runner, 0.0))))

    conf = confidence(profile, totals, best)
    assumptions = [f"{fact_label(n)}: assumed {describe_value(n, f.value)}"
                   + (f' (you said "{md_literal(f.quote)}")' if f.quote else "")
                   for n, f in profile.assumed().items()]
    return Recommendation(
        strategy=best, label=STRATEGY_LABELS[best], layers=LAYERS[best], confidence=conf,
        confidence_label="high" if conf >= 0.75 else "medium" if conf >= 0.5 else "low",
        hosting="self_hosted" if self_hosted else "api", ranking=ranking, rationale=reasons,
        costs=monthly_costs(profile, self_hosted=self_hosted), pricing_as_of=load_pricing()["as_of"],
        first_steps=first_steps(profile, best, self_hosted), what_would_change=what_would_change(profile),
        assumptions=assumptions, passages=cited, tie_note=_tie_note(profile, totals, best, tied, how, reasons),
        contradictions=contradictions,
    )


def _shares(totals: dict[str, float]) -> dict[str, float]:
    lo, hi = min(totals.values()), max(totals.values())
    span = (hi - lo) or 1.0
    return {s: round((v - lo) / span, 3) for s, v in totals.items()}
