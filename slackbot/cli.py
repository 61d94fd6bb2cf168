"""Run Lever's Slack bot: Socket Mode when SLACK_APP_TOKEN is set, otherwise an HTTP endpoint for the Events API.

Environment:
  SLACK_BOT_TOKEN        the bot token (xoxb-...), always needed
  SLACK_APP_TOKEN        an app-level token (xapp-...) with connections:write: selects Socket Mode
  SLACK_SIGNING_SECRET   the app's signing secret: needed in HTTP mode (requests are verified with it)
  HOST, PORT             where the HTTP endpoint listens (default 127.0.0.1 and 3000)
  LEVER_SERVER_URL       drive a LangGraph Server instead of the in-process graph
  LEVER_HOME             where the in-process interviews are stored
  SLACK_API_URL          the Web API base URL (default https://slack.com/api/; GovSlack or a test double)
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

EVENTS_PATH = "/slack/events"
log = logging.getLogger("slackbot")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lever slack", description="Run Lever as a Slack bot (one interview per thread).",
                                epilog="Tokens come from SLACK_BOT_TOKEN, SLACK_APP_TOKEN (Socket Mode) and "
                                       "SLACK_SIGNING_SECRET (HTTP mode); see the README's Slack section.")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"),
                   help="HTTP mode: address to listen on (default: $HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="HTTP mode: port to listen on (default: $PORT or 3000)")
    p.add_argument("--server", default=os.environ.get("LEVER_SERVER_URL") or None, metavar="URL",
                   help="drive a LangGraph Server at URL (default: $LEVER_SERVER_URL, else in-process)")
    p.add_argument("--home", default=None, help="Lever home folder for in-process interviews (default: $LEVER_HOME)")
    p.add_argument("--workers", type=int, default=4, help="turns run at once across threads (default 4)")
    return p


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def http_server(bot: Any, host: str = "127.0.0.1", port: int = 3000) -> WSGIServer:
    """A threaded HTTP server for the bot's Bolt app: POST /slack/events, and GET /healthz for load balancers.

    Binds to exactly ``host`` (Bolt's own development server always binds every interface). The caller runs
    ``serve_forever`` and later ``shutdown``/``server_close``.
    """
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    slack = SlackRequestHandler(bot.app, path=EVENTS_PATH)

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return make_server(host, port, wsgi, server_class=_ThreadingServer, handler_class=_QuietHandler)


def _missing(names: list[str]) -> str:
    listed = " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Set {listed} to run the Slack bot (see the Slack section of the README)."


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("LEVER_LOG", "INFO").upper(), format="%(levelname)s %(name)s: %(message)s")
    bot_token = os.environ.get("SLACK_BOT_TOKEN", "")
    app_token = os.environ.get("SLACK_APP_TOKEN", "")
    secret = os.environ.get("SLACK_SIGNING_SECRET", "")
    socket_mode = bool(app_token)
    missing = [n for n, v in (("SLACK_BOT_TOKEN", bot_token), ("SLACK_SIGNING_SECRET", secret or socket_mode)) if not v]
    if missing:
        print(_missing(missing), file=sys.stderr)
        return 2
    port = args.port if args.port is not None else int(os.environ.get("PORT") or 3000)
    try:
        from slack_sdk import WebClient

        from .app import LeverSlack
    except ImportError:
        print("The Slack bot needs the slack extra: pip install 'lever[slack]'.", file=sys.stderr)
        return 2
    from agent import Interview, LeverError

    try:
        interview = Interview(home=args.home, server=args.server)
    except LeverError as exc:
        print(exc, file=sys.stderr)
        return 1
    for notice in interview.startup_notices:
        log.info("%s", notice)
    base_url = os.environ.get("SLACK_API_URL") or WebClient.BASE_URL
    try:
        bot = LeverSlack(interview, client=WebClient(token=bot_token, base_url=base_url), signing_secret=secret or None,
                         workers=args.workers)
    except Exception as exc:  # Bolt checks the token with auth.test when it starts
        print(f"Slack did not accept the bot token ({type(exc).__name__}: {exc}).", file=sys.stderr)
        interview.close()
        return 1

    def stop(*_: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        if socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            print("Lever is connected to Slack in Socket Mode. Stop with Ctrl+C.", flush=True)
            SocketModeHandler(bot.app, app_token).start()
        else:
            server = http_server(bot, args.host, port)
            host, bound = server.server_address[:2]
            print(f"Lever is listening for Slack on http://{host}:{bound}{EVENTS_PATH}. Stop with Ctrl+C.", flush=True)
            try:
                server.serve_forever(poll_interval=0.2)
            finally:
                server.server_close()
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
        interview.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
