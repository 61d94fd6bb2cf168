"""The operator's chaos harness: does Lever keep its promise (nothing lost, nothing stuck) under abuse?

    python -m evals.chaos                  # everything, a few minutes on 2 cores
    python -m evals.chaos --quick          # a small version of everything, well under a minute
    python -m evals.chaos --kills 50       # only the sections named (--fuzz N, --facade-fuzz N, --concurrent N)
    python -m evals.chaos --show understand:budget 17   # print one generated input (with --seed)

Sections (each prints its figures beside the target; nothing here passes or fails):

* Kills (``evals/chaos_kills.py``): SIGKILL a worker running interviews on a file store at random moments,
  inside ``start`` and ``send`` too; then count returned turns lost, messages dropped after recovery, threads
  stuck and threads not listed.
* Fuzz (``evals/chaos_fuzz.py``): hostile inputs (``evals/chaos_inputs.py``) through the extractor for every
  pending topic, and through the facade: crashes, freezes, absurd facts (bounds in ``evals/chaos_bounds.py``),
  misread signs and powers, the slowest input; stuck threads and dropped messages at the facade.
* Concurrency (``evals/chaos_load.py``): many interviews at once in one process with distinct facts: crossed
  interviews, turns/s, p50/p95 turn latency; then the same with reader threads polling.

Everything that runs Lever runs in a forked child (``evals/chaos_proc.py``), so a freeze or a crash is
measured rather than suffered. Linux or macOS only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULTS = {"kills": 50, "fuzz": 10_000, "facade_fuzz": 500, "concurrent": 200}
QUICK = {"kills": 8, "fuzz": 250, "facade_fuzz": 40, "concurrent": 20}


def _counts(d: dict[str, int], limit: int = 4) -> str:
    items = sorted(d.items(), key=lambda kv: -kv[1])
    shown = ", ".join(f"{k} {v:,}" for k, v in items[:limit])
    return shown + (f", and {len(items) - limit} more" if len(items) > limit else "")


def _example(ex: dict | None, extra: str = "") -> str:
    if not ex:
        return ""
    tail = f" -> {ex[extra]}" if extra and ex.get(extra) else ""
    return f"      e.g. {ex['stream']} #{ex['index']} ({ex['kind']}): \"{ex['input']}\"{tail}"


def _say(line: str = "") -> None:
    print(line, flush=True)


# ------------------------------------------------------------------------------------------ sections
def section_kills(n: int, seed: int, work: Path) -> dict[str, Any]:
    from evals.chaos_kills import run_kills

    _say(f"== Kills: {n} SIGKILLs at random moments, inside start() and send() too "
         "(target: 0 lost, 0 dropped, 0 stuck, 0 not listed)")
    r = run_kills(n, seed=seed, home=work / "kills", progress=_say)
    if "failed" in r or "open_error" in r:
        _say(f"  the checker could not run: {r.get('failed') or r.get('open_error')}")
    landed = r.get("landed", {})
    _say(f"  kills landed: {_counts(landed, 5)} (aimed: {_counts(r.get('kill_modes', {}), 5)})")
    _say(f"  threads: {r.get('threads_begun', 0)} begun, {r.get('stored', 0)} stored, {r.get('recovered', 0)} "
         f"recovered (every returned message kept and the probe answered); {r.get('not_stored', 0)} cut short "
         "before anything was saved (and not listed)")
    _say(f"  returned turns lost: {r.get('lost', 0)} (whole threads lost: {r.get('threads_lost', 0)}, "
         f"threads shorter than a returned snapshot: {r.get('shorter', 0)})")
    _say(f"  messages dropped after recovery: {r.get('dropped', 0)} (probes {r.get('probe_dropped', 0)}; the first "
         f"send after a kill inside its thread's turn: {r.get('sends_after_kill_dropped', 0)} of "
         f"{r.get('sends_after_kill', 0)})")
    _say(f"  threads stuck: {r.get('stuck', 0)} (probe raised {r.get('probe_raised', 0)}, stored but unanswered "
         f"{r.get('probe_unanswered', 0)}); unreadable threads: {r.get('unreadable', 0)}")
    _say(f"  threads not listed by list(): {r.get('not_listed', 0)} (cut short inside start "
         f"{r.get('not_listed_cut_short', 0)}, after a call returned {r.get('not_listed_returned', 0)}); listed "
         f"but not stored: {r.get('listed_not_stored', 0)}")
    _say(f"  worker: {r.get('worker_sends_returned', 0)} sends returned, {r.get('worker_unanswered', 0)} of them "
         f"with the message unanswered; {r.get('worker_turns_failed', 0)} calls raised a LeverError")
    for line in r.get("worker_failure_examples", [])[:2]:
        _say(f"      e.g. {line[:150]}")
    for what, line in r.get("examples", {}).items():
        _say(f"      {what}: {line[:160]}")
    if r.get("startup_notices"):
        _say(f"  notices when the checker opened the store: {' | '.join(r['startup_notices'])[:300]}")
    for fail in r.get("worker_failures", []):
        _say(f"  a worker failed by itself: {fail.strip().splitlines()[-1][:200]}")
    _say(f"  ({r.get('seconds', 0)} s)")
    return r


def section_fuzz(n: int, seed: int, budget_s: float) -> dict[str, Any]:
    from evals.chaos_fuzz import (
        CUT_FREEZES,
        CUT_SLOW_S,
        FREEZE_S,
        PENDING,
        SLOW_MS,
        fuzz_extractor,
    )

    _say(f"== Fuzz, extractor: {n:,} inputs for each of {len(PENDING)} pending topics (None and 7 topic ids) "
         f"(target: 0 crashes, 0 freezes, 0 absurd facts, 0 misread signs or powers; slowest under {SLOW_MS:g} ms)")
    r = fuzz_extractor(n, seed=seed, budget_s=budget_s, progress=_say)
    _print_fuzz(r, FREEZE_S, CUT_FREEZES, CUT_SLOW_S, SLOW_MS)
    _say(f"  misread signs or powers: {r['misread']:,}" + (f" ({_counts(r['misread_kinds'])})" if r['misread'] else ""))
    for why, ex in list(r["misread_examples"].items())[:2]:
        _say(_example(ex) + f" -> {ex.get('facts')}")
    sl = r.get("slowest") or {}
    frozen = " (frozen: killed)" if sl and sl.get("ms", 0) >= FREEZE_S * 1000 else ""
    _say(f"  slowest input: {sl.get('ms', 0):,.1f} ms CPU{frozen}, {sl.get('stream')} #{sl.get('index')} "
         f"({sl.get('kind')}): \"{sl.get('input', '')}\"; inputs over {SLOW_MS:g} ms: {r['slow_inputs']:,}")
    _say(f"  ({r['seconds']} s)")
    return r


def _print_fuzz(r: dict, freeze_s: float, cut_freezes: int, cut_slow_s: float, slow_ms: float) -> None:
    skipped = ""
    if r["skipped"]:
        skipped = (f"; not run: {r['skipped']:,} ({_counts(r['skipped_kinds'])}: the kind was cut after "
                   f"{cut_freezes} freezes or {cut_slow_s:g} s spent in inputs over {slow_ms:g} ms)")
    if r.get("out_of_time"):
        skipped += f"; not run: {r['out_of_time']:,} left when the {r['budget_s']:g} s budget was spent"
    _say(f"  inputs run: {r['run']:,} of {r['planned']:,}{skipped}")
    _say(f"  crashes: {r['crashes']:,}" + (f" ({_counts(r['crash_types'])})" if r["crashes"] else ""))
    for ex in list(r["crash_examples"].values())[:3]:
        _say(_example(ex, "error"))
    _say(f"  freezes (still running after {freeze_s:g} s, killed): {r['freezes']:,}")
    for ex in r["freeze_examples"][:2]:
        _say(_example(ex))
    _say(f"  absurd facts: {r['absurd_inputs']:,} inputs" + (f" ({_counts(r['absurd'])})" if r["absurd"] else ""))
    for ex in list(r["absurd_examples"].values())[:2]:
        _say(_example(ex) + f" -> {ex.get('facts')}")
    for fail in r.get("child_failures", [])[:2]:
        _say(f"  the fuzz child failed by itself: {fail.strip().splitlines()[-1][:200]}")


def section_facade(n: int, seed: int, work: Path) -> dict[str, Any]:
    from evals.chaos_fuzz import CUT_FREEZES, CUT_SLOW_S, FREEZE_S, SLOW_MS, fuzz_facade

    _say(f"== Fuzz, facade: {n:,} inputs through Interview.start/send, each followed by a probe on the same thread "
         "(target: 0 crashes, 0 stuck threads, 0 absurd facts, 0 dropped)")
    r = fuzz_facade(n, seed=seed, home=work / "facade", progress=_say)
    _print_fuzz(r, FREEZE_S * 2, CUT_FREEZES, CUT_SLOW_S, SLOW_MS)
    _say(f"  how inputs came in: {_counts(r['via'])}; refused with a message (LeverError): {r['refused']:,}")
    _say(f"  stuck threads (probe raised or never answered): {r['stuck']:,}"
         + (f" ({_counts(r['probe_failures'])})" if r["stuck"] else ""))
    for ex in list(r["probe_examples"].values())[:2]:
        _say(_example(ex, "probe"))
    _say(f"  dropped (the probe returned but is not in the conversation): {r['dropped']:,}; inputs that returned "
         f"unanswered: {r['unanswered']:,}")
    _say(f"  stored text that is not valid Unicode: {r['invalid_text']:,} messages or quotes")
    _say(f"  turn latency: p50 {r['turn_p50_ms']:,.1f} ms, p95 {r['turn_p95_ms']:,.1f} ms, max "
         f"{r['turn_max_ms']:,.1f} ms ({r['seconds']} s)")
    return r


def section_concurrency(n: int, readers: int, seed: int, work: Path) -> dict[str, Any]:
    from evals.chaos_load import POLL_S, load_pass
    from evals.chaos_proc import run_in_child

    _say(f"== Concurrency: {n} interviews at once in one process, one thread each, distinct facts "
         "(target: 0 crossed)")
    out = {}
    for label, r_count in (("writers only", 0), (f"with {readers} readers polling every {POLL_S * 1000:g} ms",
                                                  readers)):
        if label != "writers only" and not readers:
            continue
        home = work / f"load-{r_count}-readers"
        r = run_in_child(load_pass, n, r_count, seed, None, POLL_S, str(home), timeout=900,
                         stderr_path=f"{home}.log")
        out["readers" if r_count else "writers"] = r
        if "failed" in r:
            _say(f"  {label}: the run failed: {r['failed'].strip().splitlines()[-1][:200]}")
            continue
        _say(f"  {label}: {r['recommended']}/{r['interviews']} reached a recommendation; {r['turns']:,} turns in "
             f"{r['wall_s']:,.1f} s = {r['turns_per_s']:,.1f} turns/s; turn latency p50 {r['p50_ms']:,.0f} ms, "
             f"p95 {r['p95_ms']:,.0f} ms, max {r['max_ms']:,.0f} ms")
        _say(f"    crossed: {r['crossed']} (replies {r['crossed_replies']}, messages {r['crossed_messages']}, facts "
             f"{r['crossed_facts']}); facts misread {r['misread_facts']}, missing {r['missing_facts']}; errors: "
             f"{_counts(r['errors']) or 0}")
        for key, ex in list(r["error_examples"].items())[:2]:
            _say(f"      e.g. {key}: {ex[:160]}")
        if r_count:
            _say(f"    readers: {r['reads']:,} reads ({r['reads_per_s']:,.0f}/s); state() p50 {r['state_p50_ms']} ms, "
                 f"p95 {r['state_p95_ms']} ms; list() p50 {r['list_p50_ms']} ms, p95 {r['list_p95_ms']} ms; "
                 f"errors: {_counts(r['read_errors']) or 0}")
            for key, ex in list(r["read_error_examples"].items())[:2]:
                _say(f"      e.g. {key}: {ex[:160]}")
    return out


# ------------------------------------------------------------------------------------------ summary
def summary(fig: dict[str, Any], seed: int, seconds: float) -> list[str]:
    lines = [f"== Summary (seed {seed}, {seconds:,.0f} s, {os.cpu_count()} cores, "
             f"{dt.date.today().isoformat()}; python -m evals.chaos)"]
    k = fig.get("kills")
    if k:
        lines.append(f"kills        {k.get('kills', 0)} kills ({k.get('landed', {}).get('inside send', 0)} inside send, "
                     f"{k.get('landed', {}).get('inside start', 0)} inside start) | returned turns lost "
                     f"{k.get('lost', '?')} | dropped after recovery {k.get('dropped', '?')} | stuck "
                     f"{k.get('stuck', '?')} | not listed {k.get('not_listed', '?')} | recovered "
                     f"{k.get('recovered', '?')}/{k.get('stored', '?')} stored threads   [target 0 / 0 / 0]")
    f = fig.get("fuzz")
    if f:
        lines.append(f"extractor    {f['run']:,} of {f['planned']:,} inputs run | crashes {f['crashes']:,} | freezes "
                     f"{f['freezes']:,} | absurd facts {f['absurd_inputs']:,} | misread signs/powers "
                     f"{f['misread']:,} | slowest {f['slowest_ms']:,.1f} ms   [target 0 / 0 / 0, under 50 ms]")
    c = fig.get("facade_fuzz")
    if c:
        lines.append(f"facade       {c['run']:,} of {c['planned']:,} inputs run | crashes {c['crashes']:,} | stuck "
                     f"{c['stuck']:,} | absurd facts {c['absurd_inputs']:,} | dropped {c['dropped']:,} | freezes "
                     f"{c['freezes']:,} | invalid Unicode stored {c['invalid_text']:,}   [target 0 / 0 / 0]")
    w = (fig.get("concurrency") or {}).get("writers")
    if w and "failed" not in w:
        lines.append(f"concurrency  {w['interviews']} interviews | crossed {w['crossed']} | {w['turns_per_s']:,.1f} "
                     f"turns/s | p50 {w['p50_ms']:,.0f} ms, p95 {w['p95_ms']:,.0f} ms | errors "
                     f"{sum(w['errors'].values())}   [target 0 crossed]")
    r = (fig.get("concurrency") or {}).get("readers")
    if r and "failed" not in r:
        lines.append(f"  + {r['readers']} readers  crossed {r['crossed']} | {r['turns_per_s']:,.1f} turns/s | p50 "
                     f"{r['p50_ms']:,.0f} ms, p95 {r['p95_ms']:,.0f} ms | state() p95 {r['state_p95_ms']} ms, list() "
                     f"p95 {r['list_p95_ms']} ms | errors {sum(r['errors'].values()) + sum(r['read_errors'].values())}")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.chaos", description=__doc__.split("\n\n")[0])
    p.add_argument("--kills", type=int, default=None, help=f"SIGKILLs (default {DEFAULTS['kills']})")
    p.add_argument("--fuzz", type=int, default=None,
                   help=f"extractor inputs per pending topic (default {DEFAULTS['fuzz']:,})")
    p.add_argument("--fuzz-budget", type=float, default=None, metavar="SECONDS",
                   help="stop the extractor fuzz after this long and report what was not run (default 180)")
    p.add_argument("--facade-fuzz", type=int, default=None,
                   help=f"inputs through the facade (default {DEFAULTS['facade_fuzz']})")
    p.add_argument("--concurrent", type=int, default=None,
                   help=f"interviews at once (default {DEFAULTS['concurrent']})")
    p.add_argument("--readers", type=int, default=4, help="reader threads in the second concurrency run")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quick", action="store_true", help="small counts: well under a minute")
    p.add_argument("--json", type=Path, default=None, help="write every figure here")
    p.add_argument("--show", nargs=2, metavar=("STREAM", "INDEX"), help="print one generated input and exit")
    args = p.parse_args(argv)
    if args.show:
        from evals.chaos_inputs import make_case

        kind, text, _ = make_case(args.seed, args.show[0], int(args.show[1]))
        print(f"{kind}: {text!a}")
        return 0
    if not hasattr(os, "fork"):
        print("the chaos harness needs os.fork (Linux or macOS)", file=sys.stderr)
        return 2
    chosen = {k: getattr(args, k) for k in DEFAULTS if getattr(args, k) is not None}
    counts = chosen or (QUICK if args.quick else DEFAULTS)  # naming sections runs only those
    if args.fuzz_budget is None:
        from evals.chaos_fuzz import BUDGET_S

        args.fuzz_budget = BUDGET_S
    import agent.graph  # noqa: F401 - import LangGraph once here, so that forked children start at once

    started = time.monotonic()
    _say(f"Lever chaos harness: seed {args.seed}, {os.cpu_count()} cores, Python {platform.python_version()}, "
         f"{dt.datetime.now().isoformat(timespec='seconds')}")
    work = Path(tempfile.mkdtemp(prefix="lever-chaos-"))
    _say(f"scratch stores, the kill journal and Lever's logs are kept in {work} for inspection (delete it when done)")
    _say()
    fig: dict[str, Any] = {"seed": args.seed, "counts": counts, "work": str(work)}
    if counts.get("kills"):
        fig["kills"] = section_kills(counts["kills"], args.seed, work)
        _say()
    if counts.get("fuzz"):
        fig["fuzz"] = section_fuzz(counts["fuzz"], args.seed, args.fuzz_budget)
        _say()
    if counts.get("facade_fuzz"):
        fig["facade_fuzz"] = section_facade(counts["facade_fuzz"], args.seed, work)
        _say()
    if counts.get("concurrent"):
        fig["concurrency"] = section_concurrency(counts["concurrent"], args.readers, args.seed, work)
        _say()
    seconds = time.monotonic() - started
    lines = summary(fig, args.seed, seconds)
    for line in lines:
        _say(line)
    fig["summary"] = lines
    if args.json:
        args.json.write_text(json.dumps(fig, indent=2, default=str), encoding="utf-8")
        _say(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
