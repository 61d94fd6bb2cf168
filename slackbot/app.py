"""The Slack front end: one Lever interview per Slack thread, on slack-bolt.

* A mention of the bot in a channel, or a message in a DM, starts an interview in that message's thread (or
  answers, when the thread already has one); a reply in an interview's thread answers.
* Quick replies are buttons; a click answers in the clicker's name and the question then says who chose what.
* The recommendation posts as Block Kit with numbered sources, then the full Markdown report as a file (or as
  a thread reply when the app may not upload files).

Slack wants an answer to every request within 3 seconds, so listeners only filter, de-duplicate and queue;
the turns run on a worker pool with one queue per thread (``slackbot.work``). The bot keeps no interview
state of its own: everything lives behind the ``agent.Interview`` facade (SQLite in process, or a
LangGraph Server), so several replicas can serve one workspace when the facade points at a server.
"""

from __future__ import annotations

import html
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from agent import LeverError, Message, Snapshot
from agent.render import (
    REPLY_ACTION_PREFIX,
    context_block,
    fallback_text,
    fit_blocks,
    message_blocks,
    mrkdwn,
    recommendation_blocks,
    recommendation_fallback,
    recommendation_markdown,
    text_sections,
)

from .work import Seen, ThreadQueues

log = logging.getLogger("slackbot")

THREAD_NAMESPACE = uuid.UUID("6f1c3d52-8a0e-5b1e-9a57-4c1e0f7d2b90")  # fixed: thread ids stay stable across releases
QUESTION_BLOCK = "lever_q"  # block_id of a question's buttons: f"lever_q:{questions_asked}"
# Message subtypes that are a person writing; every other subtype (edits, deletions, joins, bots) is ignored.
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}
AFTER_RECOMMENDATION = ("Reply in this thread to ask about it or to say what changed "
                        "(\"what if we had 5,000 examples?\"); say *done* when you are finished.")
FAILED = "Something went wrong on my side and that turn did not run; please send it again."
STALE = "That question has already been answered; reply in the thread to change an answer."


def thread_key(team: str | None, channel: str, thread_ts: str) -> str:
    """The interview's thread id for a Slack thread: a UUID derived from team, channel and thread timestamp.

    Stable (the same Slack thread always maps to the same interview) and safe anywhere a LangGraph thread id
    goes, including LangGraph Server, which wants UUIDs.
    """
    return str(uuid.uuid5(THREAD_NAMESPACE, f"{team or '-'}/{channel}/{thread_ts}"))


@dataclass(frozen=True)
class Conversation:
    team: str
    channel: str
    thread_ts: str

    @property
    def thread_id(self) -> str:
        return thread_key(self.team, self.channel, self.thread_ts)


def _team(body: dict, event: dict | None = None) -> str:
    event = event or {}
    team = body.get("team")
    return (body.get("team_id") or (team.get("id") if isinstance(team, dict) else team) or event.get("team")
            or (body.get("user") or {}).get("team_id") or body.get("enterprise_id") or "-")


def _slack_text(text: str, bot_user_id: str | None) -> str:
    """What a person typed, as plain text: the bot's own mention removed and Slack's escapes undone."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return html.unescape(text).strip()


def _lead_in(text: str, summary: str) -> str:
    """What a recommendation message says before the brain's summary (the blocks stand in for the summary)."""
    text, summary = text.strip(), summary.strip()
    if summary and text.endswith(summary):
        return text[: -len(summary)].strip()
    return text if not summary else ""


def _change_note(summary: str) -> str:
    """What a re-run summary says before its verdict heading ("That changes the answer: ..." / "Still ...")."""
    head, found, _ = summary.partition("## Recommendation")
    return head.strip() if found else ""


class LeverSlack:
    """The Bolt app and the work behind it. ``interview`` is an ``agent.Interview`` (or anything with its
    ``start``, ``send``, ``state`` and ``export_markdown``)."""

    def __init__(self, interview: Any, *, client: WebClient | None = None, token: str | None = None,
                 signing_secret: str | None = None, workers: int = 4, upload_reports: bool = True,
                 **app_options: Any) -> None:
        self.interview = interview
        library = getattr(interview, "library", None)
        if library is not None and not getattr(interview, "server", None):
            # build the knowledge index now: its first build is not safe to run from turns running side by side
            library.search("warm up", 1)
        self.work = ThreadQueues(workers)
        self.seen = Seen()
        self.upload_reports = upload_reports
        if client is None:
            client = WebClient(token=token)
        # process_before_response: the listeners below only queue work, so Bolt can run them before it
        # acknowledges; the request is answered as soon as the job is queued, in Socket Mode and over HTTP.
        self.app = App(client=client, signing_secret=signing_secret, process_before_response=True, **app_options)
        self.client = client
        self.app.event("app_mention")(self._on_mention)
        self.app.event("message")(self._on_message)
        self.app.action(re.compile(rf"^{REPLY_ACTION_PREFIX}\d+$"))(self._on_button)

    # ------------------------------------------------------------------ listeners (fast: filter, dedupe, queue)
    def _fresh(self, body: dict, event: dict) -> bool:
        """False for Slack's retries of an event already taken (same event id) and for a second event about the
        same message (a mention in a DM arrives as both a mention and a message)."""
        event_id = body.get("event_id")
        if event_id and not self.seen.first(("event", event_id)):
            return False
        return self.seen.first(("message", event.get("channel"), event.get("ts")))

    @staticmethod
    def _from_a_person(event: dict, context: BoltContext) -> bool:
        if event.get("bot_id") or event.get("bot_profile") or event.get("subtype") not in PERSON_SUBTYPES:
            return False
        user = event.get("user")
        return bool(user) and user != context.bot_user_id

    def _on_mention(self, body: dict, event: dict, context: BoltContext) -> None:
        if not event.get("channel") or not event.get("ts"):
            return
        if not self._from_a_person(event, context) or not self._fresh(body, event):
            return
        conv = Conversation(_team(body, event), event["channel"], event.get("thread_ts") or event["ts"])
        self.work.submit(conv.thread_id, lambda: self._take(conv, _slack_text(event.get("text", ""),
                                                                               context.bot_user_id), start=True))

    def _on_message(self, body: dict, event: dict, context: BoltContext) -> None:
        if not event.get("channel") or not event.get("ts") or not self._from_a_person(event, context):
            return
        direct = event.get("channel_type") == "im"
        text = event.get("text") or ""
        if not direct:
            mentioned = bool(context.bot_user_id) and f"<@{context.bot_user_id}" in text
            if mentioned or not event.get("thread_ts"):
                return  # a mention is handled by its app_mention event; the channel's own chatter is not ours
        if not self._fresh(body, event):
            return
        conv = Conversation(_team(body, event), event["channel"], event.get("thread_ts") or event["ts"])
        self.work.submit(conv.thread_id, lambda: self._take(conv, _slack_text(text, context.bot_user_id),
                                                            start=direct))

    def _on_button(self, ack: Ack, body: dict, action: dict) -> None:
        ack()
        message = body.get("message") or {}
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        thread_ts = message.get("thread_ts") or container.get("thread_ts") or message.get("ts")
        user = (body.get("user") or {}).get("id", "")
        if not channel or not thread_ts:
            return
        conv = Conversation(_team(body), channel, thread_ts)
        click = {"value": action.get("value") or "", "block_id": action.get("block_id") or "", "user": user,
                 "message_ts": message.get("ts") or container.get("message_ts"), "blocks": message.get("blocks") or []}
        self.work.submit(conv.thread_id, lambda: self._click(conv, click))

    # ------------------------------------------------------------------ work (on the pool, one thread at a time)
    def _exists(self, thread_id: str) -> bool:
        try:
            self.interview.state(thread_id)
            return True
        except LeverError:
            return False

    def _take(self, conv: Conversation, text: str, start: bool) -> None:
        """A person's message in ``conv``: start the interview (``start``) or answer it."""
        tid = conv.thread_id
        try:
            exists = self._exists(tid)
        except Exception:
            log.exception("could not read the interview of %s", conv)
            if start:  # a reply in some thread that may not be ours stays unanswered rather than get an error
                self._say(conv, FAILED)
            return
        if not exists and not start:
            return  # a thread reply where no interview runs
        if exists and not text:
            return  # a bare mention inside a running interview
        self._turn(conv, lambda: self.interview.send(tid, text) if exists else
                   self.interview.start(text or None, thread_id=tid))

    def _click(self, conv: Conversation, click: dict) -> None:
        tid = conv.thread_id
        snap = self._call(conv, lambda: self.interview.state(tid), "could not read the interview of %s")
        if snap is None:
            return
        if snap.pending is None or click["block_id"] != f"{QUESTION_BLOCK}:{snap.questions_asked}":
            self._ephemeral(conv, click["user"], STALE)
            return
        self._mark_choice(conv, click)
        self._turn(conv, lambda: self.interview.send(tid, click["value"]))

    def _turn(self, conv: Conversation, run) -> None:
        snap = self._call(conv, run, "interview turn failed in %s")
        if snap is not None:
            self._post_turn(conv, snap)

    def _call(self, conv: Conversation, run, failure: str) -> Snapshot | None:
        """``run()``'s snapshot, or None after saying in the thread what went wrong (one plain sentence)."""
        try:
            return run()
        except LeverError as exc:
            self._say(conv, str(exc))
        except Exception:
            log.exception(failure, conv)
            self._say(conv, FAILED)
        return None

    # ------------------------------------------------------------------ posting
    def _post_turn(self, conv: Conversation, snap: Snapshot) -> None:
        new: list[Message] = []
        for msg in reversed(snap.messages):
            if msg.role == "user":
                break
            new.append(msg)
        new.reverse()
        if snap.notices:
            self._post(conv, fallback_text(" ".join(snap.notices)), [context_block(mrkdwn(" ".join(snap.notices)))])
        for i, msg in enumerate(new):
            last = i == len(new) - 1
            rec = snap.recommendation if msg.kind == "recommendation" else (
                snap.hypothesis.recommendation if msg.kind == "whatif" and snap.hypothesis else None)
            if rec is not None and (msg.kind == "recommendation" or rec.summary.strip()):
                lead = "\n\n".join(x for x in (_lead_in(msg.text, rec.summary), _change_note(rec.summary)) if x)
                # the structured blocks stand in for the brain's summary; what was said before it is kept
                title = f"What if: {rec.label}" if msg.kind == "whatif" else None
                blocks = text_sections(mrkdwn(lead)) + recommendation_blocks(rec, max_blocks=48, title=title)
                if msg.kind == "recommendation":
                    blocks = fit_blocks(blocks, 49) + [context_block(AFTER_RECOMMENDATION)]
                self._post(conv, recommendation_fallback(rec), blocks)
                if msg.kind == "recommendation":
                    self._post_report(conv, snap)
                continue
            if not (last and snap.pending is not None and msg.kind == "question"):
                msg = msg.model_copy(update={"options": []})  # only the open question gets buttons
            self._post(conv, fallback_text(msg.text),
                       message_blocks(msg, block_id=f"{QUESTION_BLOCK}:{snap.questions_asked}"))

    def _post_report(self, conv: Conversation, snap: Snapshot) -> None:
        try:
            report = self.interview.export_markdown(snap.thread_id)
        except Exception:
            log.exception("could not build the Markdown report")
            report = recommendation_markdown(snap.recommendation)
        if self.upload_reports:
            try:
                self.client.files_upload_v2(channel=conv.channel, thread_ts=conv.thread_ts, content=report,
                                            filename="lever-recommendation.md", title="Lever recommendation: full report",
                                            snippet_type="markdown")
                return
            except (SlackApiError, SlackClientError) as exc:
                log.warning("report upload failed (%s); posting it in the thread instead", exc)
        self._post(conv, "Full report", fit_blocks(text_sections(mrkdwn(report))))

    def _mark_choice(self, conv: Conversation, click: dict) -> None:
        """Replace the question's buttons with who chose what; if the message cannot be edited, say it in the thread."""
        said = f"<@{click['user']}> chose *{mrkdwn(click['value'])}*"
        kept = [b for b in click["blocks"] if b.get("type") != "actions"]
        try:
            if not click["message_ts"] or not kept:
                raise LookupError("no question message to edit")
            self.client.chat_update(channel=conv.channel, ts=click["message_ts"], text=fallback_text(click["value"]),
                                    blocks=kept + [context_block(said)])
        except (SlackApiError, SlackClientError, LookupError) as exc:
            log.info("could not edit the question (%s); posting the choice instead", exc)
            self._post(conv, fallback_text(click["value"]), [{"type": "section", "text": {"type": "mrkdwn",
                                                                                           "text": said}}])

    def _post(self, conv: Conversation, text: str, blocks: list[dict] | None = None) -> None:
        try:
            self.client.chat_postMessage(channel=conv.channel, thread_ts=conv.thread_ts, text=text, blocks=blocks,
                                         unfurl_links=False, unfurl_media=False)
        except (SlackApiError, SlackClientError):
            log.exception("posting to Slack failed in %s", conv)

    def _say(self, conv: Conversation, sentence: str) -> None:
        """One plain sentence in the thread (errors from the interview)."""
        self._post(conv, fallback_text(" ".join(sentence.split())))

    def _ephemeral(self, conv: Conversation, user: str, sentence: str) -> None:
        try:
            self.client.chat_postEphemeral(channel=conv.channel, thread_ts=conv.thread_ts, user=user, text=sentence)
        except (SlackApiError, SlackClientError):
            log.exception("an ephemeral message failed in %s", conv)

    # ------------------------------------------------------------------ lifecycle
    def join(self, timeout: float | None = None) -> bool:
        """Wait until every queued turn has run and posted (tests and benchmarks)."""
        return self.work.join(timeout)

    def close(self) -> None:
        self.work.close(wait=True)

