"""Interview benchmark: per-turn latency through the compiled graph with the SQLite file checkpointer,
plus scenario accuracy and questions asked. Prints figures, never asserts.

python -m evals.bench_interview
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from agent import Interview
from agent.brains import OfflineBrain
from evals.bench_retrieval import pct
from evals.runner import SCENARIO_DIR, load_scenarios, run_scenario


def main() -> int:
    scenarios, errors = load_scenarios(SCENARIO_DIR)
    home = Path(tempfile.mkdtemp(prefix="lever-bench-"))
    iv = Interview(home=home, brain=OfflineBrain())  # file checkpointer, as in the app
    iv.start("warm-up")
    results = [run_scenario(sc, iv) for sc in scenarios]
    turns = [t * 1000 for r in results for t in r.turn_seconds]
    passed = sum(r.passed for r in results)
    print(f"scenarios: {len(results)} (+{len(errors)} unreadable), passed {passed} "
          f"({passed / max(1, len(results) + len(errors)):.1%})")
    print(f"mean questions asked: {sum(r.questions for r in results) / len(results):.2f}; "
          f"questions about facts already given: {sum(r.redundant_questions for r in results)}; "
          f"confirmations of inferred facts: {sum(r.confirmations for r in results)}")
    print(f"per-turn latency (file checkpointer, {len(turns)} turns): p50 {pct(turns, .5):.1f} ms  "
          f"p95 {pct(turns, .95):.1f} ms  max {max(turns):.1f} ms")
    iv.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
