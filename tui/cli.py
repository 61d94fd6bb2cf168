"""The `lever` command: the terminal UI by default, plus knowledge, schema and eval subcommands."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lever",
        description="Lever interviews you about your LLM feature and recommends prompting, RAG, fine-tuning, "
                    "a combination, or distillation, with sources. Run without arguments for the chat UI.",
    )
    p.add_argument("--resume", nargs="?", const=True, default=None, metavar="ID",
                   help="resume an interview (the latest one, or the one whose id starts with ID)")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("schema", help="print the Recommendation JSON Schema")

    kn = sub.add_parser("knowledge", help="manage and search the knowledge base")
    ksub = kn.add_subparsers(dest="action", required=True)
    add = ksub.add_parser("add", help="add your own documents (Markdown, text, HTML; folders are walked)")
    add.add_argument("paths", nargs="+")
    ksub.add_parser("list", help="list the sources in the knowledge base")
    rm = ksub.add_parser("remove", help="remove one of your documents by id")
    rm.add_argument("id")
    se = ksub.add_parser("search", help="print the passages that best match a query")
    se.add_argument("query")
    se.add_argument("-k", type=int, default=5, help="how many passages (default 5)")

    ev = sub.add_parser("eval", help="replay the scripted scenarios (same as python -m evals)")
    ev.add_argument("args", nargs=argparse.REMAINDER, help="passed to python -m evals")
    return p


def _knowledge(args: argparse.Namespace) -> int:
    from agent import Library

    lib = Library()
    try:
        if args.action == "add":
            report = lib.add(args.paths)
            for path, doc_id in report.added:
                print(f"added    {path} -> {doc_id}")
            for path, doc_id in report.replaced:
                print(f"updated  {path} -> {doc_id}")
            for path, reason in report.skipped:
                print(f"skipped  {path}: {reason}")
            print(report.summary())
            return 0 if (report.added or report.replaced or not report.skipped) else 1
        if args.action == "list":
            rows = lib.list()
            for r in rows:
                origin = "yours   " if r["kind"] == "user" else "built-in"
                print(f"{origin}  {r['id']:<44} {r['chunks']:>3} passages  {r['title']}")
            users = sum(1 for r in rows if r["kind"] == "user")
            print(f"{len(rows)} sources ({len(rows) - users} built-in, {users} yours).")
            return 0
        if args.action == "remove":
            if lib.remove(args.id):
                print(f"removed {args.id}")
                return 0
            print(f"no document of yours with id {args.id!r} (see `lever knowledge list`)", file=sys.stderr)
            return 1
        if args.action == "search":
            if not args.query.strip():
                print("give a query, e.g. lever knowledge search \"how often does our data change\"", file=sys.stderr)
                return 2
            hits = lib.search(args.query, max(1, min(args.k, 50)))
            if not hits:
                print("no passages match that query")
                return 1
            for i, p in enumerate(hits, 1):
                print(f"{i}. {p.citation()}  [score {p.score:.2f}]")
                print(f"   id: {p.chunk_id}" + (f"  url: {p.url}" if p.url else ""))
                print(textwrap.fill(" ".join(p.text.split())[:500], width=100, initial_indent="   ",
                                    subsequent_indent="   "))
                print()
            return 0
    finally:
        lib.close()
    return 2


def _print_schema() -> int:
    from agent.types import Recommendation

    print(json.dumps(Recommendation.model_json_schema(), indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("schema", "knowledge"):
        try:
            return _print_schema() if args.command == "schema" else _knowledge(args)
        except BrokenPipeError:  # `lever knowledge search ... | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    if args.command == "eval":
        return subprocess.call([sys.executable, "-m", "evals", *args.args])
    from tui.app import run_app

    return run_app(resume=args.resume)


if __name__ == "__main__":
    sys.exit(main())
