"""Test doubles for the Slack bot, used by the tests and the benchmark: a fake of the Slack Web API on a loopback
port that records every call, and builders of signed Events API and interactivity requests.

The fake answers the methods the bot uses (auth.test, chat.postMessage, chat.update, chat.postEphemeral and the
three steps of files_upload_v2) the way Slack does, and any method can be made to fail with a Slack error code.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0LEVER"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.perf_counter)


class FakeSlackAPI:
    """The Slack Web API on 127.0.0.1 (a free port), recording calls. ``start()``, then ``stop()``."""

    def __init__(self, bot_user: str = BOT_USER, bot_id: str = BOT_ID, team: str = TEAM) -> None:
        self.bot_user, self.bot_id, self.team = bot_user, bot_id, team
        self.calls: list[Call] = []
        self.failures: dict[str, str] = {}  # method -> Slack error code to answer with
        self.uploads: dict[str, bytes] = {}
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeSlackAPI:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-slack-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def base(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The Web API base URL to give ``slack_sdk.WebClient(base_url=...)``."""
        return f"{self.base}/api/"

    # ------------------------------------------------------------------ what was called
    def methods(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls]

    def of(self, method: str, **match: Any) -> list[dict[str, Any]]:
        """Parameters of every call of ``method`` whose parameters include ``match``."""
        with self._lock:
            return [c.params for c in self.calls if c.method == method
                    and all(c.params.get(k) == v for k, v in match.items())]

    def wait_for(self, predicate, timeout: float = 30.0) -> bool:
        """Wait until ``predicate(self)`` holds (re-checked after each call); False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: predicate(self), timeout)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # ------------------------------------------------------------------ serving
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        if parts.path.startswith("/upload/"):
            file_id = parts.path.rsplit("/", 1)[-1]
            with self._lock:
                self.uploads[file_id] = raw
                self.calls.append(Call("upload", {"file_id": file_id, "bytes": len(raw)}))
                self._lock.notify_all()
            self._send(request, 200, "OK", "text/plain")
            return
        method = parts.path.removeprefix("/api/")
        params: dict[str, Any] = dict(parse_qsl(parts.query))
        ctype = request.headers.get("Content-Type", "")
        if raw and "json" in ctype:
            params.update(json.loads(raw))
        elif raw:
            params.update(parse_qsl(raw.decode("utf-8")))
        for key in ("blocks", "files", "attachments"):
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    pass
        auth = request.headers.get("Authorization", "")
        body = self._answer(method, params, auth)
        if method == "chat.postMessage" and body.get("ok"):
            params["ts"] = body["ts"]  # recorded with the call, as the message's own timestamp
        with self._lock:
            self.calls.append(Call(method, params))
            self._lock.notify_all()
        self._send(request, 200, json.dumps(body), "application/json")

    def _answer(self, method: str, params: dict[str, Any], auth: str) -> dict[str, Any]:
        if not auth.startswith("Bearer xox"):
            return {"ok": False, "error": "not_authed"}
        if method in self.failures:
            return {"ok": False, "error": self.failures[method]}
        if method == "auth.test":
            return {"ok": True, "url": "https://lever-test.slack.com/", "team": "Lever test", "user": "lever",
                    "team_id": self.team, "user_id": self.bot_user, "bot_id": self.bot_id, "is_enterprise_install": False}
        if method in ("chat.postMessage", "chat.update"):
            ts = params.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"type": "message", "user": self.bot_user, "bot_id": self.bot_id, "ts": ts,
                                "text": params.get("text", ""), "blocks": params.get("blocks") or []}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title"), "name": "report.md"}
                                          for f in files]}
        if method == "files.info":
            return {"ok": True, "file": {"id": params.get("file")}}
        return {"ok": True}

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: str, ctype: str) -> None:
        data = body.encode("utf-8")
        request.send_response(status)
        request.send_header("Content-Type", ctype)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


# ---------------------------------------------------------------------------------------------- signed requests
def signed_headers(secret: str, body: str, content_type: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers Slack sends with ``body``, signed with ``secret`` (v0 HMAC-SHA256 of ``v0:timestamp:body``)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"content-type": content_type, "x-slack-request-timestamp": ts, "x-slack-signature": signature}


_event_ids = itertools.count(1)


def event_request(secret: str, event: dict[str, Any], *, team: str = TEAM, event_id: str | None = None,
                  retry: int | None = None, timestamp: int | None = None) -> tuple[str, dict[str, str]]:
    """An Events API ``event_callback`` request: (body, headers). ``retry`` adds Slack's retry headers."""
    body = json.dumps({
        "token": "verification-token-unused", "team_id": team, "api_app_id": "A0LEVER", "type": "event_callback",
        "event": event, "event_id": event_id or f"Ev{next(_event_ids):08d}", "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": BOT_USER, "is_bot": True}],
    })
    headers = signed_headers(secret, body, "application/json", timestamp)
    if retry:
        headers.update({"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"})
    return body, headers


def action_request(secret: str, payload: dict[str, Any], timestamp: int | None = None) -> tuple[str, dict[str, str]]:
    """An interactivity request (a ``block_actions`` payload, form-encoded as Slack sends it): (body, headers)."""
    body = urlencode({"payload": json.dumps(payload)})
    return body, signed_headers(secret, body, "application/x-www-form-urlencoded", timestamp)


def message_event(text: str, *, channel: str, ts: str, user: str = "U0ALICE", thread_ts: str | None = None,
                  channel_type: str = "channel", **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel, "channel_type": channel_type,
             "team": TEAM, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def mention_event(text: str, *, channel: str, ts: str, user: str = "U0ALICE", thread_ts: str | None = None,
                  bot_user: str = BOT_USER) -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": f"<@{bot_user}> {text}".strip(), "ts": ts,
             "channel": channel, "team": TEAM, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def click_payload(posted: dict[str, Any], option: int, *, user: str = "U0ALICE", team: str = TEAM) -> dict[str, Any]:
    """The ``block_actions`` payload Slack sends when ``user`` clicks button ``option`` of a message the bot posted
    (``posted``: the chat.postMessage parameters as the fake recorded them, plus the ``ts`` it was given)."""
    actions = next(b for b in posted["blocks"] if b.get("type") == "actions")
    button = actions["elements"][option]
    message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": posted["ts"], "text": posted.get("text", ""),
               "blocks": posted["blocks"]}
    if posted.get("thread_ts"):
        message["thread_ts"] = posted["thread_ts"]
    return {
        "type": "block_actions", "team": {"id": team, "domain": "lever-test"},
        "user": {"id": user, "username": user.lower(), "team_id": team}, "api_app_id": "A0LEVER",
        "token": "verification-token-unused", "trigger_id": "1.2.3",
        "container": {"type": "message", "message_ts": posted["ts"], "channel_id": posted["channel"],
                      "is_ephemeral": False, "thread_ts": posted.get("thread_ts")},
        "channel": {"id": posted["channel"], "name": "lever"}, "message": message,
        "response_url": "https://hooks.slack.invalid/actions/unused",
        "actions": [{"type": "button", "action_id": button["action_id"], "block_id": actions["block_id"],
                     "text": button["text"], "value": button["value"], "action_ts": str(time.time())}],
    }
