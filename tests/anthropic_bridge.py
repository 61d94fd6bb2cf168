"""A mocked Claude API for tests: respx routes behind an ``httpx2`` client the anthropic SDK can use.

anthropic 2.x sends through ``httpx2``, which respx does not patch (DESIGN §5). ``bridge(router)`` builds an
``httpx2.Client`` whose transport converts each request to ``httpx``, hands it to the respx router and converts the
reply back. Helpers build Messages API replies: a JSON message, an SSE stream (text with citations), an error.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import httpx2
import pytest
import respx

API = "https://api.anthropic.com"
KEY = "sk-ant-test-0123456789-SECRET"


def bridge(router: respx.MockRouter) -> httpx2.Client:
    def handle(request: httpx2.Request) -> httpx2.Response:
        req = httpx.Request(request.method, str(request.url), headers=list(request.headers.multi_items()),
                            content=request.read())
        try:
            resp = router.handler(req)
        except httpx.TimeoutException as exc:
            raise httpx2.ReadTimeout(str(exc), request=request) from None
        except httpx.TransportError as exc:
            raise httpx2.ConnectError(str(exc), request=request) from None
        headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() != "content-length"]
        return httpx2.Response(resp.status_code, headers=headers, content=resp.read())

    return httpx2.Client(transport=httpx2.MockTransport(handle))


def usage(input_tokens: int = 100, output_tokens: int = 20, cache_read: int = 0, cache_write: int = 0) -> dict:
    return {"input_tokens": input_tokens, "output_tokens": output_tokens, "cache_read_input_tokens": cache_read,
            "cache_creation_input_tokens": cache_write}


def message(content: str | list[dict], stop_reason: str = "end_turn", model: str = "claude-haiku-5-5",
            **use: int) -> dict:
    blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
    return {"id": "msg_test", "type": "message", "role": "assistant", "model": model, "content": blocks,
            "stop_reason": stop_reason, "stop_sequence": None, "usage": usage(**use)}


def reply(content: str | list[dict] | dict, stop_reason: str = "end_turn", **kw: Any) -> httpx.Response:
    """A 200 reply; a dict that is not a block list is sent as JSON text (a structured output)."""
    if isinstance(content, dict):
        content = json.dumps(content)
    return httpx.Response(200, json=message(content, stop_reason, **kw))


def error(status: int, kind: str = "api_error", text: str = "mocked failure") -> httpx.Response:
    headers = {"retry-after-ms": "1", "retry-after": "0"} if status in (429, 500, 502, 503, 529) else {}
    return httpx.Response(status, headers=headers, json={"type": "error", "error": {"type": kind, "message": text}})


def _sse(events: Iterable[dict]) -> bytes:
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


def stream(blocks: list[tuple[str, list[dict]]], stop_reason: str = "end_turn", model: str = "claude-sonnet-5-5",
           chunk: int = 12, **use: int) -> httpx.Response:
    """An SSE reply: ``blocks`` is a list of (text, citations); each text is sent in ``chunk``-character deltas."""
    u = usage(**use)
    events: list[dict] = [{"type": "message_start", "message": {
        "id": "msg_stream", "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {**u, "output_tokens": 1}}}]
    for i, (text, cites) in enumerate(blocks):
        start: dict = {"type": "text", "text": ""}
        if cites:
            start["citations"] = []
        events.append({"type": "content_block_start", "index": i, "content_block": start})
        for c in cites:
            events.append({"type": "content_block_delta", "index": i,
                           "delta": {"type": "citations_delta", "citation": c}})
        for k in range(0, len(text), chunk):
            events.append({"type": "content_block_delta", "index": i,
                           "delta": {"type": "text_delta", "text": text[k:k + chunk]}})
        events.append({"type": "content_block_stop", "index": i})
    events.append({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                   "usage": {"output_tokens": u["output_tokens"]}})
    events.append({"type": "message_stop"})
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=_sse(events))


def cite(index: int, source: str, text: str = "cited text", title: str = "A title") -> dict:
    """A search_result_location citation of the ``index``-th search result."""
    return {"type": "search_result_location", "cited_text": text, "search_result_index": index, "source": source,
            "title": title, "start_block_index": 0, "end_block_index": 1}


class FakeClaude:
    """A respx router on /v1/messages that answers with ``responder(body)`` and keeps every request body."""

    def __init__(self, responder: Callable[[dict], httpx.Response] | None = None) -> None:
        self.router = respx.MockRouter(using=None, assert_all_called=False, base_url=API)
        self.bodies: list[dict] = []
        self.headers: list[dict] = []
        self.responder = responder
        self.queue: list[httpx.Response | Exception] = []
        self.router.post("/v1/messages").mock(side_effect=self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.bodies.append(body)
        self.headers.append(dict(request.headers))
        if self.queue:
            nxt = self.queue.pop(0)
            if isinstance(nxt, Exception):
                raise nxt
            return nxt
        if self.responder is None:
            raise AssertionError("no reply queued for this request")
        return self.responder(body)

    def then(self, *responses: httpx.Response | Exception) -> FakeClaude:
        self.queue.extend(responses)
        return self

    def client(self) -> httpx2.Client:
        return bridge(self.router)


# --- reading requests -------------------------------------------------------------------------------------------
def purpose(body: dict) -> str:
    """Which kind of call a request body is: understand (structured output), cited (search results) or question."""
    if (body.get("output_config") or {}).get("format"):
        return "understand"
    return "cited" if search_results(body) else "question"


def user_text(body: dict) -> str:
    """All text the request's user turns carry (text blocks only)."""
    out = []
    for m in body["messages"]:
        content = m["content"]
        if isinstance(content, str):
            out.append(content)
            continue
        out += [c["text"] for c in content if c.get("type") == "text"]
    return "\n".join(out)


def user_message(body: dict) -> str:
    """The user's words inside the <user_message> delimiters of an understanding request, unescaped."""
    m = re.search(r"<user_message>\n(.*)\n</user_message>", user_text(body), re.S)
    assert m, "the user's words must be delimited"
    return html.unescape(m.group(1))


def search_results(body: dict) -> list[dict]:
    return [c for m in body["messages"] if isinstance(m["content"], list) for c in m["content"]
            if c.get("type") == "search_result"]


def reading(facts: list[tuple[str, str, str]] = (), intent: str = "answer", **kw) -> dict:
    """An understanding reply: facts as (field, value, words)."""
    return {"facts": [{"field": f, "value": v, "words": w, "stated": True, "sure": True} for f, v, w in facts],
            "intent": intent, "correction": kw.get("correction", False), "order": kw.get("order", False),
            "scale": kw.get("scale", []), "directions": kw.get("directions", [])}


def scripted(readings: dict[str, dict], question: str = "Thanks, that helps. {topic}",
             prose: tuple[str, ...] = ("Your documents change often, so retrieval keeps answers current.",
                                       " Fine-tuning would go stale between retraining runs.")) -> Callable:
    """A responder playing Claude: understanding from ``readings`` (by the user's exact words; otherwise no facts
    and intent unsure), questions from ``question``, explanations streamed with each sentence citing the next
    search result."""

    def respond(body: dict) -> httpx.Response:
        kind = purpose(body)
        if kind == "understand":
            words = user_message(body)
            return reply(readings.get(words, reading(intent="unsure")), input_tokens=1200, output_tokens=60,
                         cache_read=1000)
        if kind == "question":
            topic = re.search(r"<topic>(.*?)</topic>", user_text(body), re.S).group(1)
            return reply(question.format(topic=topic), input_tokens=400, output_tokens=30)
        results = search_results(body)
        blocks = [(text, [cite(i % len(results), results[i % len(results)]["source"])]) for i, text in
                  enumerate(prose)]
        return stream(blocks, input_tokens=2500, output_tokens=180)

    return respond


@pytest.fixture
def api_key(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    return KEY
