"""python -m evals [--scenarios DIR] [--json PATH] [--brain offline|claude] | --retrieval |
--understanding [--show-heldout] [--brain offline|claude]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals", description="Replay Lever's scripted conversations.")
    p.add_argument("--scenarios", type=Path, default=None, help="folder of scenario YAML files")
    p.add_argument("--json", type=Path, default=None, help="write a JSON report here")
    p.add_argument("--quiet", action="store_true", help="print only failing scenarios and the summary")
    p.add_argument("--retrieval", action="store_true", help="measure retrieval quality instead")
    p.add_argument("--verbose", action="store_true", help="with --retrieval: list the queries that miss")
    p.add_argument("--understanding", action="store_true", help="measure how single messages are read instead")
    p.add_argument("--show-heldout", action="store_true", help="with --understanding: list held-out failures too")
    p.add_argument("--brain", choices=["offline", "claude"], default="offline",
                   help="claude: replay against the real Claude API (needs ANTHROPIC_API_KEY; costs money)")
    args = p.parse_args(argv)
    if args.retrieval:
        from evals.retrieval import run

        return run(verbose=args.verbose)
    brain = None
    if args.brain == "claude":
        from agent.brains import choose_brain
        from agent.settings import has_api_key

        if not has_api_key():
            print("--brain claude needs ANTHROPIC_API_KEY in the environment; nothing was run.", file=sys.stderr)
            return 2
        brain, said = choose_brain("claude")
        print(*said, sep="\n")
    if args.understanding:
        from evals.understanding import run as run_understanding

        return run_understanding(brain=brain, show_heldout=args.show_heldout)
    from evals.runner import SCENARIO_DIR, run

    folder = args.scenarios or SCENARIO_DIR
    if not folder.is_dir():
        print(f"no such folder: {folder}", file=sys.stderr)
        return 2
    return run(folder, json_path=args.json, quiet=args.quiet, brain=brain)


if __name__ == "__main__":
    sys.exit(main())
