"""The `lever` command: the terminal UI by default, plus knowledge, schema, slack and eval subcommands.

Every failure a user can cause (a bad LEVER_HOME, no terminal, an unknown id) is said in one sentence on
stderr, never as a traceback or an exception class name.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lever",
        description="Lever interviews you about your LLM feature and recommends prompting, RAG, fine-tuning, "
                    "a combination, or distillation, with sources. Run without arguments for the chat UI.",
    )
    p.add_argument("--resume", nargs="?", const=True, default=None, metavar="ID",
                   help="resume an interview (the latest one, or the one whose id starts with ID)")
    p.add_argument("--brain", choices=("auto", "offline", "claude"), default="auto",
                   help="who understands answers and explains: offline rules, Claude, or auto (Claude when "
                        "ANTHROPIC_API_KEY is set; the default)")
    p.add_argument("--server", metavar="URL", default=None,
                   help="drive the interview on a LangGraph Server at URL instead of in this process")
    sub = p.add_subparsers(dest="command")
    schema = sub.add_parser("schema", help="print the JSON Schema of the recommendation (or of an export)")
    schema.add_argument("--export", action="store_true", help="the schema of the JSON export of an interview")

    kn = sub.add_parser("knowledge", help="manage and search the knowledge base")
    ksub = kn.add_subparsers(dest="action", required=True)
    add = ksub.add_parser("add", help="add your own documents (Markdown, text, HTML, or those gzipped; "
                                      "folders are walked)")
    add.add_argument("paths", nargs="+")
    ksub.add_parser("list", help="list the sources in the knowledge base, with their files")
    rm = ksub.add_parser("remove", help="remove one of your documents by id (a unique start of it is enough)")
    rm.add_argument("id")
    se = ksub.add_parser("search", help="print the passages that best match a query, and why each matched")
    se.add_argument("query")
    se.add_argument("-k", type=int, default=5, help="how many passages (default 5)")

    slack = sub.add_parser("slack", help="run the Slack front end (needs lever[slack])", add_help=False)
    slack.add_argument("args", nargs=argparse.REMAINDER, help="passed to the Slack front end")

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
            return _list(lib)
        if args.action == "remove":
            return _remove(lib, args.id)
        if args.action == "search":
            return _search(lib, args.query, args.k)
    finally:
        lib.close()
    return 2


def _list(lib) -> int:
    rows = lib.list()
    corpus_dir = lib.index.corpus_dir
    width = max((len(r["id"]) for r in rows), default=10)
    for r in rows:
        mine = r["kind"] == "user"
        origin = "yours   " if mine else "built-in"
        print(f"{origin}  {r['id']:<{width}}  {_plural(r['chunks'], 'passage'):>12}  {r['title']}")
        if mine:
            print(f"          from {r['url'] or '(unknown)'}, kept as {lib.documents.path_of(r['id'])}")
        else:
            print(f"          {corpus_dir / (r['id'] + '.md')}")
    users = sum(1 for r in rows if r["kind"] == "user")
    passages = sum(r["chunks"] for r in rows)
    print(f"{_plural(len(rows), 'source')} ({len(rows) - users} built-in, {users} yours), "
          f"{_plural(passages, 'passage')} in all.")
    return 0


def _remove(lib, prefix: str) -> int:
    hits = lib.documents.resolve(prefix)
    if not hits:
        builtin = any(r["id"] == prefix.strip() for r in lib.list())
        if builtin:
            print(f"{prefix!r} is a built-in note; only documents you added can be removed.", file=sys.stderr)
        else:
            print(f"No document of yours has an id starting with {prefix!r} (see `lever knowledge list`).",
                  file=sys.stderr)
        return 1
    if len(hits) > 1:
        print(f"{prefix!r} matches {len(hits)} of your documents ({', '.join(hits)}); give more of the id.",
              file=sys.stderr)
        return 1
    if lib.remove(hits[0]):
        print(f"removed {hits[0]}")
        return 0
    print(f"Could not remove {hits[0]}: it is no longer there.", file=sys.stderr)
    return 1


def _search(lib, query: str, k: int) -> int:
    if not query.strip():
        print("Give a query, e.g. lever knowledge search \"how often does our data change\".", file=sys.stderr)
        return 2
    hits = lib.search(query, max(1, min(k, 50)))
    if not hits:
        print("No passages match that query.")
        return 1
    for i, p in enumerate(hits, 1):
        why = lib.index.explain(query, p.chunk_id)
        print(f"{i}. {p.citation()}")
        print(textwrap.fill("matched " + why.describe(), width=100, initial_indent="   ", subsequent_indent="     "))
        print(f"   id: {p.chunk_id}" + (f"  url: {p.url}" if p.url else ""))
        print(textwrap.fill(_excerpt(p.text, 500), width=100, initial_indent="   ", subsequent_indent="   "))
        print()
    return 0


def _excerpt(text: str, limit: int) -> str:
    from agent.describe import excerpt

    return excerpt(text, limit)


def _print_schema(export: bool) -> int:
    if export:
        from agent.export import export_schema

        print(json.dumps(export_schema(), indent=2))
        return 0
    from agent.types import Recommendation

    print(json.dumps(Recommendation.model_json_schema(), indent=2))
    return 0


def _slack(argv: list[str]) -> int:
    try:
        from slackbot.cli import main as slack_main
    except ImportError:
        print("The Slack front end is not installed: install it with pip install 'lever[slack]'.", file=sys.stderr)
        return 2
    return int(slack_main(argv) or 0)


def _terminal_problem() -> str | None:
    """Why the chat UI cannot run here, in one sentence, or None."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return ("Lever's chat needs an interactive terminal, and its input or output is redirected here: run `lever` "
                "in a terminal (the `knowledge`, `schema` and `eval` commands work anywhere).")
    if os.environ.get("TERM", "") == "dumb":
        return ("This terminal (TERM=dumb) cannot draw Lever's chat: run `lever` in a terminal emulator "
                "such as the one your desktop provides, or set TERM=xterm-256color.")
    return None


def main(argv: list[str] | None = None) -> int:
    from knowledge.paths import HomeError

    argv = sys.argv[1:] if argv is None else list(argv)
    # `lever slack ...` and `lever eval ...` hand every later argument, options too, to their own parser.
    if argv and argv[0] == "slack":
        return _slack(argv[1:])
    if argv and argv[0] == "eval":
        return subprocess.call([sys.executable, "-m", "evals", *argv[1:]])
    args = _parser().parse_args(argv)
    try:
        if args.command in ("schema", "knowledge"):
            try:
                return _print_schema(args.export) if args.command == "schema" else _knowledge(args)
            except BrokenPipeError:  # `lever knowledge search ... | head`: the reader has all it wanted
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return 0
        if args.command == "eval":
            return subprocess.call([sys.executable, "-m", "evals", *args.args])
        if args.command == "slack":
            return _slack(args.args)
        from knowledge.paths import lever_home

        lever_home()  # a LEVER_HOME that cannot be used is said before the screen is taken over
        problem = _terminal_problem()
        if problem:
            print(problem, file=sys.stderr)
            return 2
        from tui.app import run_app

        return run_app(resume=args.resume, brain=args.brain, server=args.server)
    except HomeError as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
