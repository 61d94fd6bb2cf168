"""Monthly cost per strategy, from request volume, prompt shape and the dated pricing file."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from .types import STRATEGIES, STRATEGY_LABELS, CostLine, Profile

PRICING_PATH = Path(__file__).resolve().parent / "data" / "pricing.json"
DEFAULT_VOLUME = 100_000
SELF_HOSTED_REQUESTS_PER_SERVER = 3_000_000
SELF_SERVE_VOLUME = 1_000_000  # requests a month from which serving your own small tuned model pays off  # one GPU server, small model, per month (rough planning figure)


@lru_cache(maxsize=4)
def load_pricing(path: str | None = None) -> dict:
    return json.loads(Path(path or PRICING_PATH).read_text(encoding="utf-8"))


def _token_cost(model: dict, tokens_in: float, tokens_out: float, volume: int) -> float:
    return volume * (tokens_in * model["input_per_mtok"] + tokens_out * model["output_per_mtok"]) / 1e6


def monthly_costs(profile: Profile, self_hosted: bool = False, pricing: dict | None = None) -> list[CostLine]:
    p = pricing or load_pricing()
    t, m = p["tokens"], p["models"]
    volume = int(profile.value("volume_month") or DEFAULT_VOLUME)
    volume_assumed = profile.volume_month is None or profile.volume_month.status == "assumed"
    need = profile.value("need", "knowledge")
    knowledge_in_prompt = t["knowledge_in_prompt"] if need in ("knowledge", "both") else 0
    examples_in_prompt = t["system_prompt_with_examples"] if need in ("behaviour", "both") else t["system_prompt_small"]
    base_in = t["user_input"]
    out = t["output"]
    budget = profile.value("budget_usd")
    budget = float(budget) if isinstance(budget, (int, float)) and not isinstance(budget, bool) else None
    rag_infra = p["vector_store_month"] + volume * base_in * p["embedding_per_mtok"] / 1e6

    # A small model tuned on your own labels is served like a distilled student once the volume pays for serving
    # it yourself; below that, a vendor hosts it.
    if volume >= SELF_SERVE_VOLUME:
        ft_model, ft_note = m["distilled"], "; a small model you serve yourself, priced like a distilled student"
    else:
        ft_model, ft_note = m["tuned_small"], ""
    shapes = {
        "prompting": (m["frontier"], base_in + examples_in_prompt + knowledge_in_prompt, 0.0,
                      "long prompt (instructions, examples, knowledge) sent with every request"),
        "rag": (m["frontier"], base_in + t["system_prompt_small"] + t["retrieved_context"], rag_infra,
                "retrieved passages instead of the whole knowledge base; vector store and query embeddings"),
        "fine_tuning": (ft_model, base_in + t["tuned_system_prompt"], p["tuned_hosting_month"],
                        "short prompt: the behaviour lives in the tuned weights" + ft_note),
        "rag_and_fine_tuning": (m["tuned_small"], base_in + t["tuned_system_prompt"] + t["retrieved_context"],
                                rag_infra, "tuned small model reading retrieved passages"),
        "distillation": (m["distilled"], base_in + t["tuned_system_prompt"], 0.0,
                         "small student model; 10-100x cheaper per request than the frontier teacher"),
    }
    lines = []
    for strategy in STRATEGIES:
        model, tokens_in, fixed, note = shapes[strategy]
        notes = [note, f"{volume:,} requests a month" + (" (assumed)" if volume_assumed else "")]
        if self_hosted:
            servers = max(1, math.ceil(volume / SELF_HOSTED_REQUESTS_PER_SERVER))
            tokens = 0.0
            fixed_total = servers * p["self_hosted_gpu_month"] + (rag_infra if "rag" in strategy else 0.0)
            notes.append(f"self-hosted open model: {servers} GPU server(s), no per-token fees")
        else:
            tokens = _token_cost(model, tokens_in, out, volume)
            fixed_total = fixed
            notes.append(f"{model['label']}, ~{int(tokens_in):,} input tokens per request")
        total = round(tokens + fixed_total, 2)
        if budget is not None and total > budget:
            notes.append(f"over your ${budget:,.0f} monthly budget")
        lines.append(
            CostLine(
                strategy=strategy, label=STRATEGY_LABELS[strategy], monthly_usd=total,
                setup_usd=tuple(p["setup_usd"][strategy]),
                breakdown={"tokens": round(tokens, 2), "fixed": round(fixed_total, 2)}, notes=notes,
            )
        )
    return lines
