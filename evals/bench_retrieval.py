"""Retrieval benchmark: prints index build time and query latency (p50/p95), never asserts.

python -m evals.bench_retrieval [--synthetic N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from agent import Library
from evals.retrieval import load_judgements

WORDS = ("retrieval latency examples labelled tokens prompt fine-tuning corpus weekly daily citations privacy "
         "budget volume distillation adapters chunking hybrid search ranking freshness policy catalogue tone "
         "format schema classification extraction throughput cost hosting residency permissions").split()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def time_queries(lib: Library, queries: list[str], rounds: int = 5) -> list[float]:
    lib.search(queries[0])  # warm: index open, pages cached
    out = []
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            lib.search(q, 5)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def synthetic_corpus(folder: Path, chunks: int, per_note: int = 20) -> None:
    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(chunks // per_note):
        sections = []
        for s in range(per_note):
            body = " ".join(rng.choice(WORDS) for _ in range(120))
            sections.append(f"## Section {s} {rng.choice(WORDS)}\n\n{body}\n")
        (folder / f"syn-{n:05d}.md").write_text(
            f"---\nid: syn-{n:05d}\ntitle: \"Synthetic {n}\"\npublisher: bench\nkind: synthesis\n---\n# Synthetic {n}\n\n"
            + "\n".join(sections), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--synthetic", type=int, default=10_000, help="synthetic chunk count (default 10000)")
    args = p.parse_args(argv)
    queries = [q["query"] for q in load_judgements()]
    tmp = Path(tempfile.mkdtemp(prefix="lever-bench-"))

    lib = Library(home=tmp / "builtin", embedder=None)
    t0 = time.perf_counter()
    lib.index.ensure()
    build = time.perf_counter() - t0
    n_chunks = len(lib.index.chunk_ids())
    lat = time_queries(lib, queries)
    print(f"built-in corpus: {n_chunks} chunks, index build {build * 1000:.0f} ms")
    print(f"  query latency over {len(lat)} queries: p50 {pct(lat, .5):.2f} ms  p95 {pct(lat, .95):.2f} ms")

    syn = tmp / "synthetic"
    synthetic_corpus(syn, args.synthetic)
    lib2 = Library(home=tmp / "syn-home", corpus_dir=syn, embedder=None)
    t0 = time.perf_counter()
    lib2.index.ensure()
    build2 = time.perf_counter() - t0
    lat2 = time_queries(lib2, queries, rounds=2)
    print(f"synthetic corpus: {len(lib2.index.chunk_ids())} chunks, index build {build2:.1f} s")
    print(f"  query latency over {len(lat2)} queries: p50 {pct(lat2, .5):.2f} ms  p95 {pct(lat2, .95):.2f} ms")
    print(f"  (mean {statistics.mean(lat2):.2f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
