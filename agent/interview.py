"""The one facade every front end uses: start a thread, send a message, read the state.

The TUI, the Slack adapter and the eval runner all drive the same compiled graph through this
class. Conversations are stored by a LangGraph SQLite checkpointer (one thread per interview) in the
Lever home folder; every turn is persisted before the next question is returned.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from knowledge import Library
from knowledge.paths import lever_home
from knowledge.types import Passage

from .brains import Brain, OfflineBrain
from .policy import GREETING, ask, next_topic
from .topics import TOPICS
from .types import InterviewSummary, Message, Profile, Recommendation, Snapshot, TopicStatus, Usage

MAX_MESSAGE_CHARS = 4000
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class LeverError(Exception):
    """A failure with a message meant for the user."""


def clean_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> tuple[str, list[str]]:
    """Strip escape sequences and control characters; cut to ``limit`` characters."""
    notices = []
    cleaned = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\t", "    "))
    if cleaned != text.replace("\r\n", "\n").replace("\t", "    "):
        notices.append("Control and escape characters were removed from your message.")
    if len(cleaned) > limit:
        notices.append(f"Your message was {len(cleaned):,} characters; I kept the first {limit:,}.")
        cleaned = cleaned[:limit]
    return cleaned.strip(), notices


BRAIN_KINDS = ("auto", "offline", "claude")


def default_brain(kind: str = "auto") -> tuple[Brain, list[str]]:
    """The brain for ``kind`` (offline | claude | auto: Claude when a key is set), with one-time notices."""
    from .brains.select import choose_brain

    try:
        return choose_brain(kind)
    except ValueError as exc:
        raise LeverError(str(exc)) from None


class Interview:
    def __init__(
        self,
        home: str | os.PathLike | None = None,
        brain: Brain | str | None = None,
        library: Library | None = None,
        checkpointer: Any = None,
        server: str | None = None,
    ) -> None:
        """``brain``: a Brain, or a kind ("auto", "offline", "claude"). ``server``: a LangGraph Server URL to drive
        instead of the in-process graph."""
        from .graph import build_graph  # langgraph import is the slow part of start-up

        if server:
            raise LeverError("Driving a LangGraph Server is not available in this version yet.")
        self.home = lever_home(home)
        self.startup_notices: list[str] = []
        if brain is None or isinstance(brain, str):
            brain, notices = default_brain(brain or "auto")
            self.startup_notices += notices
        self.brain = brain
        self.library = library or Library(home=self.home)
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        if checkpointer is None:
            checkpointer = self._open_store()
        self.checkpointer = checkpointer
        self.graph = build_graph(brain=self.brain, retriever=self.library.search, checkpointer=checkpointer)

    # ------------------------------------------------------------------ storage
    @property
    def db_path(self) -> Path:
        return self.home / "interviews.sqlite"

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("integrity check failed")
        return conn

    def _open_store(self):
        from langgraph.checkpoint.sqlite import SqliteSaver

        try:
            conn = self._connect()
        except sqlite3.DatabaseError as exc:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = self.db_path.with_name(f"interviews.corrupt-{stamp}.sqlite")
            shutil.move(self.db_path, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
            self.startup_notices.append(
                f"The conversation store was unreadable ({exc}); it was moved to {aside} and a new one started.")
            conn = self._connect()
        conn.execute(
            "CREATE TABLE IF NOT EXISTS lever_interviews (thread_id TEXT PRIMARY KEY, created TEXT, updated TEXT, "
            "opening TEXT, strategy TEXT)"
        )
        conn.commit()
        self._db = conn
        saver = SqliteSaver(conn)
        saver.setup()
        return saver

    def _touch(self, thread_id: str, opening: str | None = None, strategy: str | None = None) -> None:
        if self._db is None:
            return
        now = dt.datetime.now().isoformat(timespec="milliseconds")
        with self._db:
            self._db.execute(
                "INSERT INTO lever_interviews(thread_id, created, updated, opening, strategy) VALUES (?,?,?,?,?) "
                "ON CONFLICT(thread_id) DO UPDATE SET updated=excluded.updated, "
                "opening=COALESCE(lever_interviews.opening, excluded.opening), "
                "strategy=COALESCE(excluded.strategy, lever_interviews.strategy)",
                (thread_id, now, now, opening, strategy),
            )

    # ------------------------------------------------------------------ the conversation
    @property
    def brain_name(self) -> str:
        return self.brain.name

    def _config(self, thread_id: str) -> dict:
        return {"configurable": {"thread_id": thread_id}}

    def _run(self, payload: Any, thread_id: str, on_text: Callable[[str], None] | None) -> None:
        try:
            for mode, chunk in self.graph.stream(payload, self._config(thread_id), stream_mode=["custom", "updates"]):
                if mode == "custom" and on_text is not None and isinstance(chunk, str):
                    on_text(chunk)
        except LeverError:
            raise
        except Exception as exc:
            raise LeverError(f"That turn failed ({type(exc).__name__}: {exc}). Nothing was lost; "
                             "send your message again.") from exc

    def start(self, opening: str | None = None, on_text: Callable[[str], None] | None = None,
              thread_id: str | None = None) -> Snapshot:
        thread_id = thread_id or uuid.uuid4().hex[:12]
        notices: list[str] = []
        with self._lock:
            if opening is not None:
                opening, notices = clean_text(opening)
            if opening:
                payload = {"messages": [Message(role="user", text=opening).model_dump(mode="json")]}
            else:
                payload = {"messages": []}
            self._run(payload, thread_id, on_text)
            if opening:  # history lists interviews once the user has said something
                self._touch(thread_id, opening=opening)
            snap = self.state(thread_id)
        return snap.model_copy(update={"notices": notices})

    def send(self, thread_id: str, text: str, on_text: Callable[[str], None] | None = None) -> Snapshot:
        from langgraph.types import Command

        cleaned, notices = clean_text(text)
        if not cleaned:
            raise LeverError("That message was empty; type an answer, a question, or 'done'.")
        with self._lock:
            current = self.graph.get_state(self._config(thread_id))
            if not current.values:
                raise LeverError(f"No interview with id {thread_id!r}.")
            if current.next:  # waiting at the interrupt
                payload: Any = Command(resume=cleaned)
            else:  # finished earlier: carry on in the same thread
                payload = {"messages": [Message(role="user", text=cleaned).model_dump(mode="json")]}
            self._run(payload, thread_id, on_text)
            snap = self.state(thread_id)
            opening = next((m.text for m in snap.messages if m.role == "user"), None)
            self._touch(thread_id, opening=opening,
                        strategy=snap.recommendation.strategy if snap.recommendation else None)
        return snap.model_copy(update={"notices": notices})

    def state(self, thread_id: str) -> Snapshot:
        values = self.graph.get_state(self._config(thread_id)).values
        if not values:
            raise LeverError(f"No interview with id {thread_id!r}.")
        profile = Profile.model_validate(values.get("profile") or {})
        rec = values.get("recommendation")
        pending = values.get("pending")
        asked = values.get("asked", [])
        usage = [Usage.model_validate(u) for u in values.get("usage", [])]
        return Snapshot(
            thread_id=thread_id,
            messages=[Message.model_validate(m) for m in values.get("messages", [])],
            profile=profile,
            pending=TOPICS.get(pending) if pending else None,
            recommendation=Recommendation.model_validate(rec) if rec else None,
            progress=progress(profile, asked),
            questions_asked=values.get("questions_asked", 0),
            done=bool(values.get("done")),
            brain=values.get("brain") or self.brain.name,
            usage=usage,
            session_usd=round(sum(u.usd for u in usage), 6),
        )

    # ------------------------------------------------------------------ history
    def list(self) -> list[InterviewSummary]:
        if self._db is None:
            return []
        rows = self._db.execute(
            "SELECT thread_id, created, updated, COALESCE(opening, ''), strategy FROM lever_interviews "
            "ORDER BY updated DESC, rowid DESC"
        ).fetchall()
        return [InterviewSummary(thread_id=r[0], created=r[1], updated=r[2], opening=r[3], strategy=r[4]) for r in rows]

    def resolve(self, prefix: str | None) -> str:
        """A full thread id from a unique prefix, or the most recent interview when prefix is None."""
        items = self.list()
        if not items:
            raise LeverError("There are no saved interviews yet.")
        if prefix is None:
            return items[0].thread_id
        hits = [i.thread_id for i in items if i.thread_id.startswith(prefix)]
        if len(hits) != 1:
            raise LeverError(f"No interview matches {prefix!r}." if not hits else
                             f"{prefix!r} matches {len(hits)} interviews; give more characters.")
        return hits[0]

    def delete(self, thread_id: str) -> None:
        with self._lock:
            self.checkpointer.delete_thread(thread_id)
            if self._db is not None:
                with self._db:
                    self._db.execute("DELETE FROM lever_interviews WHERE thread_id = ?", (thread_id,))

    # ------------------------------------------------------------------ export
    def summary(self, thread_id: str) -> InterviewSummary | None:
        """The history row of one interview (timestamps, opening), or None."""
        return next((s for s in self.list() if s.thread_id == thread_id), None)

    def export_json(self, thread_id: str) -> str:
        from .export import export_json

        snap = self.state(thread_id)
        if snap.recommendation is None:
            raise LeverError("There is no recommendation to export yet: finish the interview first.")
        return export_json(snap, self.summary(thread_id))

    def export_markdown(self, thread_id: str) -> str:
        from .report import markdown_report

        snap = self.state(thread_id)
        if snap.recommendation is None:
            raise LeverError("There is no recommendation to export yet: finish the interview first.")
        return markdown_report(snap)

    def passage(self, chunk_id: str) -> Passage | None:
        return self.library.get(chunk_id)

    def close(self) -> None:
        self.library.close()
        if self._db is not None:
            self._db.close()
            self._db = None


def opening(brain: Brain | None = None) -> Snapshot:
    """What a new interview shows first, computed without LangGraph (which takes most of a second to import).

    Front ends draw this while ``Interview`` is still being built, then swap in the real thread. It follows
    the graph's ``plan_question`` for an empty state (both build the question with ``policy.ask``; a test holds
    the two equal). ``thread_id`` is empty.
    """
    brain = brain or default_brain()[0]
    profile = Profile()
    topic = next_topic(profile, [], [])
    return Snapshot(thread_id="", messages=[ask(brain, topic, profile, [GREETING])], profile=profile, pending=topic,
                    progress=progress(profile, []), questions_asked=1, done=False)


def progress(profile: Profile, asked: list[str]) -> list[TopicStatus]:
    out = []
    for topic in TOPICS.values():
        facts = [getattr(profile, f) for f in topic.fills if getattr(profile, f) is not None]
        if any(f.status == "stated" for f in facts):
            status, quote = "answered", next(f.quote for f in facts if f.status == "stated")
        elif facts:
            status, quote = "assumed", ""
        elif topic.id in asked:
            status, quote = "skipped", ""
        else:
            status, quote = "unanswered", ""
        out.append(TopicStatus(id=topic.id, title=topic.title, key=topic.key, status=status, quote=quote))
    return out
