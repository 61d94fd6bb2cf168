"""Start-up benchmark: time from launching Lever's app to the first question on screen, offline.

    python -m evals.bench_startup [--runs 5]

Each run starts a fresh Python process that runs the Textual app headless with the offline brain
(``ANTHROPIC_API_KEY`` is removed from its environment). It notes when the first question has been
painted (drawn before LangGraph is imported) and exits once the interview behind it takes answers.
The first run uses an empty Lever home (so it includes first-use set-up such as building the
knowledge index); the others reuse it. The script prints figures only: the target is
1.5 s or less, and nothing here fails when it is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 1.5
MARK = "LEVER-BENCH "


def child() -> None:
    """Run the app headless; print timings once the first question is on screen."""
    t0 = time.perf_counter()
    from tui.app import LeverApp

    t_import = time.perf_counter()
    marks: dict[str, float] = {}

    class BenchApp(LeverApp):
        def on_ready(self) -> None:  # the first frame has been drawn
            marks["mounted"] = time.perf_counter()

        def on_first_question(self) -> None:
            marks["first_question"] = time.perf_counter()
            print(MARK + json.dumps({"event": "first_question"}), flush=True)

        def on_ready_for_answers(self) -> None:
            marks["ready"] = time.perf_counter()
            self.exit(0)

    app = BenchApp()
    app.run(headless=True, size=(120, 40))
    if "ready" not in marks:
        print(MARK + json.dumps({"event": "error", "error": app.boot_error or "no question was shown"}), flush=True)
        sys.exit(1)
    print(
        MARK
        + json.dumps(
            {
                "event": "ready",
                "import_tui_s": t_import - t0,
                "ui_mounted_s": marks["mounted"] - t0,
                "first_question_s": marks["first_question"] - t0,
                "ready_s": marks["ready"] - t0,
            }
        ),
        flush=True,
    )


def run_once(home: Path) -> dict:
    env = dict(os.environ)
    env.pop("ANTHROPIC_API_KEY", None)
    env["LEVER_HOME"] = str(home)
    env["LEVER_EXPORT_DIR"] = str(home / "exports")
    root = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "evals.bench_startup", "--child"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(home),
    )
    result: dict = {}
    assert proc.stdout is not None
    first_seen = None
    for line in proc.stdout:
        if not line.startswith(MARK):
            continue
        event = json.loads(line[len(MARK) :])
        if event["event"] == "first_question":
            first_seen = time.perf_counter() - start
        elif event["event"] == "error":
            result = {"error": event["error"]}
            break
        else:
            result = event
            result["launch_to_first_question_s"] = first_seen
            result["launch_to_ready_s"] = time.perf_counter() - start
            break
    proc.wait(timeout=60)
    if not result:
        result = {"error": (proc.stderr.read() if proc.stderr else "")[-2000:] or f"exit code {proc.returncode}"}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child()
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="lever-bench-") as tmp:
        home = Path(tmp)
        for n in range(1, max(args.runs, 1) + 1):
            result = run_once(home)
            if "error" in result:
                print(f"run {n}: failed: {result['error']}")
                return 1
            rows.append(result)
            label = "first use (empty home)" if n == 1 else "warm"
            print(
                f"run {n} ({label}): launch → first question {result['launch_to_first_question_s']:.2f} s, "
                f"→ taking answers {result['launch_to_ready_s']:.2f} s "
                f"(in process: import tui {result['import_tui_s']:.2f} s, UI on screen {result['ui_mounted_s']:.2f} s, "
                f"first question {result['first_question_s']:.2f} s, ready {result['ready_s']:.2f} s)"
            )
    warm = rows[1:] or rows[:1]
    median = statistics.median(r["launch_to_first_question_s"] for r in warm)
    ready = statistics.median(r["launch_to_ready_s"] for r in warm)
    verdict = "within" if median <= TARGET_S else "over"
    print(
        f"median warm launch → first question: {median:.2f} s ({verdict} the {TARGET_S:.1f} s target); "
        f"→ taking answers: {ready:.2f} s; first use: {rows[0]['launch_to_first_question_s']:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
