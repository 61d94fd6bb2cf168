"""Retrieval quality on judged queries: recall@5, hit@5, MRR and nDCG@10 for BM25, dense and fusion.

Judgements (retrieval.yaml) name relevant units: a section "<note-id>#<slug>" (its size-capped parts
"~2", "~3" count as the same unit) or a whole note "<note-id>". A retrieved chunk matches a unit when
it is that section or part of that note. recall@5 is the share of a query's units found in the top 5
(all must be there for 1.0); hit@5 is whether at least one is.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

import yaml

from agent import Library
from knowledge.paths import CORPUS_DIR

JUDGEMENTS = Path(__file__).resolve().parent / "retrieval.yaml"  # development set: rankers are tuned on it
# Held-out set: written by a second judge from the notes alone, without seeing any ranking, and never
# used to choose a ranking parameter. The gap between the two sets is the honest measure of overfitting.
HELD_OUT = Path(__file__).resolve().parent / "retrieval_heldout.yaml"
SECOND_JUDGE = Path(__file__).resolve().parent / "retrieval_second_judge.yaml"  # a reader's top 5, for scale


def _matches(chunk_id: str, unit: str) -> bool:
    if "#" not in unit:
        return chunk_id.split("#", 1)[0] == unit
    return chunk_id == unit or chunk_id.startswith(unit + "~")


def score_ranking(ranked: list[str], relevant: list[str]) -> dict[str, float]:
    found_at: dict[str, int] = {}
    gains = []
    for rank, chunk_id in enumerate(ranked, 1):
        new = [u for u in relevant if u not in found_at and _matches(chunk_id, u)]
        for u in new:
            found_at[u] = rank
        gains.append(1.0 if new else 0.0)
    recall5 = sum(1 for r in found_at.values() if r <= 5) / len(relevant)
    first = min(found_at.values()) if found_at else None
    mrr = 1.0 / first if first else 0.0
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    hit5 = 1.0 if any(r <= 5 for r in found_at.values()) else 0.0
    return {"recall@5": recall5, "hit@5": hit5, "mrr": mrr, "ndcg@10": dcg / ideal if ideal else 0.0}


def load_judgements(path: Path = JUDGEMENTS) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["queries"] if isinstance(data, dict) else data


METRICS = ("recall@5", "hit@5", "mrr", "ndcg@10")
MODES = {
    "bm25": "search_bm25",        # SQLite FTS5 BM25 alone
    "default": "search_lexical",  # BM25 blended with topic similarity: what the default install ranks with
    "dense": "search_dense",      # embeddings alone (lever[embeddings])
    "fusion": "search",           # the default ranking fused with dense by RRF (lever[embeddings])
}


def evaluate(library: Library, judgements: list[dict], mode: str = "bm25", k: int = 10) -> dict:
    search = getattr(library.index, MODES[mode])
    per_query = []
    for q in judgements:
        ranked = [p.chunk_id for p in search(q["query"], k)]
        per_query.append({"query": q["query"], "ranked": ranked, **score_ranking(ranked, q["relevant"])})
    return {"mode": mode, "queries": len(per_query), **_mean(per_query), "per_query": per_query}


def _mean(per_query: list[dict]) -> dict[str, float]:
    n = len(per_query) or 1
    return {m: sum(r[m] for r in per_query) / n for m in METRICS}


def _row(name: str, res: dict, note: str = "") -> str:
    return f"{name:<8} " + " ".join(f"{res[m]:>{w}.3f}" for m, w in zip(METRICS, (9, 7, 7, 8))) + note


def reader_agreement(judgements: list[dict], picks: list[dict]) -> dict:
    """Score a second judge's hand-picked top 5 as if it were a ranking."""
    top5 = {q["query"]: q["top5"] for q in picks}
    return _mean([score_ranking(top5.get(q["query"], []), q["relevant"]) for q in judgements])


def unresolved(library: Library, judgements: list[dict]) -> list[str]:
    ids = library.index.chunk_ids()
    return [u for q in judgements for u in q["relevant"] if not any(_matches(c, u) for c in ids)]


def run(verbose: bool = False) -> int:
    sets = [("development", load_judgements(JUDGEMENTS))]
    if HELD_OUT.exists():
        sets.append(("held-out", load_judgements(HELD_OUT)))
    home = Path(tempfile.mkdtemp(prefix="lever-retrieval-"))
    plain = Library(home=home / "plain", embedder=None)
    # The same notes without their asks phrasings, to show what each layer adds.
    notes_only = home / "notes-only"
    notes_only.mkdir()
    for note in CORPUS_DIR.glob("*.md"):
        shutil.copy(note, notes_only / note.name)
    bare = Library(home=home / "bare", corpus_dir=notes_only, embedder=None)
    modes = [("bm25", "bm25", bare), ("topics", "default", bare), ("default", "default", plain)]
    from knowledge.dense import default_embedder

    embedder = default_embedder()
    if embedder is not None:
        lib = Library(home=home / "dense", embedder=embedder)
        modes += [("dense", "dense", lib), ("fusion", "fusion", lib)]
    bad = [u for _, judgements in sets for u in unresolved(plain, judgements)]
    if bad:
        print("judgements that name no chunk in the index:", ", ".join(sorted(set(bad))))
        return 2
    for name, judgements in sets:
        print(f"\n{name}: {len(judgements)} judged queries")
        print(f"{'mode':<8} {'recall@5':>9} {'hit@5':>7} {'MRR':>7} {'nDCG@10':>8}")
        for label, mode, lib in modes:
            res = evaluate(lib, judgements, mode)
            print(_row(label, res))
            if verbose and label == "default":
                for q in res["per_query"]:
                    if q["recall@5"] < 1:
                        print(f"   miss  r@5={q['recall@5']:.2f} mrr={q['mrr']:.2f}  {q['query']}  -> {q['ranked'][:5]}")
        if name == "development" and SECOND_JUDGE.exists():
            res = reader_agreement(judgements, load_judgements(SECOND_JUDGE))
            print(_row("reader", res, "   (a second judge's own top 5, read from the notes)"))
    print("\nbm25: the notes' words alone; topics: BM25 blended with topic similarity; default: the same over the")
    print("notes plus their asks phrasings (knowledge/corpus/asks), which is how a default install ranks")
    if embedder is None:
        print("dense and fusion: not measured (install the extra: pip install 'lever[embeddings]')")
    return 0
