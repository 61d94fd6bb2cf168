"""Token benchmark for the Claude brain, from mocked runs (no network, no key needed).

Every scenario in ``evals/scenarios`` is replayed through the interview with the Claude brain talking to a
simulated Messages API, then one follow-up question is asked. The simulated Claude reads answers the way the offline
rules do, phrases questions in a sentence and streams a cited explanation, so the conversation follows the same
path as with the offline brain. Token counts are computed from the request bodies Lever sends, with the rule of
thumb of about four characters per token (text, titles, passages and the JSON schema; the same rule for both sides).

Baseline: one call per user turn with the whole corpus (``knowledge/corpus/*.md``) in the system prompt, plus the
conversation so far. Target: our input tokens per interview at most 25% of the baseline's.

python -m evals.bench_tokens
"""

from __future__ import annotations

import html
import json
import os
import re
import statistics
import tempfile
from pathlib import Path
from typing import Any

CHARS_PER_TOKEN = 4
TARGET = 0.25
MIN_CACHEABLE = 512  # tokens: the shortest prefix the Claude 5.5 models cache (shorter prefixes are sent in full)
FOLLOW_UP = "How much latency does retrieval add to each answer?"
CORPUS = Path(__file__).resolve().parents[1] / "knowledge" / "corpus"


def tokens(chars: int) -> float:
    return chars / CHARS_PER_TOKEN


def _texts(node: Any) -> int:
    """Characters of the text a request carries: every "text" and "title" string, wherever it sits."""
    if isinstance(node, dict):
        return sum(len(v) if k in ("text", "title") and isinstance(v, str) else _texts(v) for k, v in node.items())
    if isinstance(node, list):
        return sum(_texts(v) for v in node)
    return len(node) if isinstance(node, str) else 0


def request_chars(body: dict) -> tuple[int, int]:
    """(all input characters, characters of the cached prefix: system prompt and schema)."""
    system = _texts(body.get("system", []))
    schema = (body.get("output_config") or {}).get("format")
    schema_chars = len(json.dumps(schema, separators=(",", ":"))) if schema else 0
    messages = sum(len(m["content"]) if isinstance(m["content"], str) else _texts(m["content"])
                   for m in body["messages"])
    return system + schema_chars + messages, system + schema_chars


# ------------------------------------------------------------------------------------------- a simulated Claude
def _reply(content: Any, **usage: int) -> dict:
    text = json.dumps(content) if isinstance(content, dict) else content
    return {"id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-bench",
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0, **usage}}


def _sse(results: list[dict]) -> bytes:
    sentences = ["Your facts point to this stack because of how often the information changes and how large it is.",
                 " The knowledge base notes the cost and latency trade-offs that go with it.",
                 " The first steps below are the cheapest way to check the choice on your own data."]
    events: list[dict] = [{"type": "message_start", "message": {
        "id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-bench", "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 0, "output_tokens": 1}}}]
    for i, text in enumerate(sentences):
        r = results[i % len(results)] if results else None
        events.append({"type": "content_block_start", "index": i,
                       "content_block": {"type": "text", "text": "", **({"citations": []} if r else {})}})
        if r:
            events.append({"type": "content_block_delta", "index": i, "delta": {"type": "citations_delta", "citation": {
                "type": "search_result_location", "cited_text": r["content"][0]["text"][:80],
                "search_result_index": i % len(results), "source": r["source"], "title": r["title"],
                "start_block_index": 0, "end_block_index": 1}}})
        events.append({"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": text}})
        events.append({"type": "content_block_stop", "index": i})
    events += [{"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 120}}, {"type": "message_stop"}]
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


class SimulatedClaude:
    """Answers /v1/messages like Claude would, keeping every request body."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []

    def handle(self, request: Any) -> Any:
        import httpx2

        from agent.extract import understand

        body = json.loads(request.read())
        self.bodies.append(body)
        text = "\n".join(c["text"] for m in body["messages"] for c in (m["content"] if isinstance(
            m["content"], list) else [{"type": "text", "text": m["content"]}]) if c.get("type") == "text")
        if (body.get("output_config") or {}).get("format"):
            words = html.unescape(re.search(r"<user_message>\n(.*)\n</user_message>", text, re.S).group(1))
            pending = re.search(r'<pending_question topic="([a-z_]*)"', text).group(1) or None
            heard = understand(words, pending)
            facts = [{"field": f, "value": str(v).lower() if isinstance(v, bool) else str(v),
                      "words": q if q and q.lower() in words.lower() else words, "stated": f in heard.explicit,
                      "sure": True} for f, (v, q) in heard.facts.items()]
            reading = {"facts": facts, "intent": heard.intent, "correction": heard.correction, "order": heard.order,
                       "scale": [], "directions": []}
            return httpx2.Response(200, json=_reply(reading))
        results = [c for m in body["messages"] if isinstance(m["content"], list) for c in m["content"]
                   if c.get("type") == "search_result"]
        if results:
            return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=_sse(results))
        topic = re.search(r"<topic>(.*?)</topic>", text, re.S).group(1)
        return httpx2.Response(200, json=_reply("Thanks, that helps. " + topic))


# ------------------------------------------------------------------------------------------- the run
def main() -> int:
    import httpx2

    from agent import Interview
    from agent.brains.claude import ClaudeBrain
    from agent.settings import ClaudeSettings
    from evals.runner import SCENARIO_DIR, load_scenarios, run_scenario

    os.environ.setdefault("ANTHROPIC_API_KEY", "bench-no-network")  # the simulated API accepts anything
    corpus_chars = sum(len(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.md")))
    scenarios, _ = load_scenarios(SCENARIO_DIR)
    fake = SimulatedClaude()
    brain = ClaudeBrain(settings=ClaudeSettings(max_retries=0),
                        http_client=httpx2.Client(transport=httpx2.MockTransport(fake.handle)))
    iv = Interview(home=Path(tempfile.mkdtemp(prefix="lever-bench-tokens-")), brain=brain)  # file store: list()
    rows = []
    for sc in scenarios:
        start = len(fake.bodies)
        result = run_scenario(sc, iv)
        thread = iv.list()[0].thread_id if iv.list() else None
        snap = None
        if result.got is not None and thread is not None:
            snap = iv.send(thread, FOLLOW_UP)
        messages = [m.model_dump() for m in snap.messages] if snap else result.transcript
        bodies = fake.bodies[start:]
        ours = sum(request_chars(b)[0] for b in bodies)
        cached = sum(p for b in bodies if tokens(p := request_chars(b)[1]) >= MIN_CACHEABLE)
        # Baseline: each user turn is one call carrying the whole corpus and the conversation up to that turn.
        base, convo, turns = 0, 0, 0
        for m in messages:
            convo += len(m["text"])
            if m["role"] == "user":
                turns += 1
                base += corpus_chars + convo
        rows.append({"id": sc.id, "turns": turns, "calls": len(bodies), "ours": tokens(ours),
                     "cached": tokens(cached), "base": tokens(base), "passed": result.passed})
    iv.close()

    turns = sum(r["turns"] for r in rows)
    calls = sum(r["calls"] for r in rows)
    ours = statistics.mean(r["ours"] for r in rows)
    base = statistics.mean(r["base"] for r in rows)
    cached = statistics.mean(r["cached"] for r in rows)
    ratios = [r["ours"] / r["base"] for r in rows]
    print(f"scenarios: {len(rows)} (each + one follow-up question), user turns: {turns}, "
          f"recommendations as expected: {sum(r['passed'] for r in rows)}")
    print(f"tokens: characters / {CHARS_PER_TOKEN} of the text each request carries (system, messages, search "
          f"results, schema)")
    print(f"corpus in the baseline system prompt: {tokens(corpus_chars):,.0f} tokens "
          f"({len(list(CORPUS.glob('*.md')))} notes)")
    print(f"API calls per turn: ours {calls / turns:.2f}, baseline 1.00")
    print(f"input tokens per interview: ours {ours:,.0f}, baseline {base:,.0f}, ratio {ours / base:.1%} "
          f"(per scenario {min(ratios):.1%} to {max(ratios):.1%}); target <= {TARGET:.0%}: "
          f"{'met' if ours / base <= TARGET else 'NOT met'}")
    print(f"of ours, cacheable prefixes (system prompt and schema, where at least {MIN_CACHEABLE} tokens): "
          f"{cached:,.0f} tokens per interview ({cached / ours:.0%}), read from the cache after the first call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
