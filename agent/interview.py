"""The one facade every front end uses: start a thread, send a message, read the state.

The TUI, the Slack adapter and the eval runner all drive the same graph through this class: a compiled graph
in this process (conversations in a LangGraph SQLite checkpointer in the Lever home folder, one thread per
interview, every turn persisted before the next question is returned), or a graph on a LangGraph Server
(``server=URL``).

Nothing lost, nothing stuck:
* before a message is read, any half-done turn (Lever was killed mid-turn) is finished, or, if it cannot be,
  set aside with a notice, so the new message is always answered;
* an interview is listed from the moment its first message is taken, so one cut short still shows (and is
  restarted from that message when opened);
* turns of different interviews do not wait for each other (a lock per thread); readers use their own
  connection and never wait behind a turn;
* the store is opened by ``agent.store.open_store``, which tells a damaged file from a locked, read-only or
  foreign one before anything is moved.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
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
from .text import MAX_MESSAGE_CHARS, clean_text
from .topics import TOPICS
from .types import (
    InterviewSummary,
    Message,
    Profile,
    Recommendation,
    Snapshot,
    TopicStatus,
    Usage,
)

__all__ = ["BRAIN_KINDS", "Interview", "LeverError", "MAX_MESSAGE_CHARS", "clean_text", "default_brain", "opening",
           "progress"]

log = logging.getLogger("lever.interview")


class LeverError(Exception):
    """A failure with a message meant for the user."""


BRAIN_KINDS = ("auto", "offline", "claude")


def default_brain(kind: str = "auto") -> tuple[Brain, list[str]]:
    """The brain for ``kind`` (offline | claude | auto: Claude when a key is set), with one-time notices."""
    from .brains.select import choose_brain

    try:
        return choose_brain(kind)
    except ValueError as exc:
        raise LeverError(str(exc)) from None


RECOVERED = ("Lever stopped in the middle of your previous message last time; I finished that turn first, then "
             "read this one.")


class Interview:
    def __init__(
        self,
        home: str | os.PathLike | None = None,
        brain: Brain | str | None = None,
        library: Library | None = None,
        checkpointer: Any = None,
        server: str | None = None,
    ) -> None:
        """``brain``: a Brain, or a kind ("auto", "offline", "claude"). ``checkpointer``: any LangGraph saver
        (default: the SQLite store in the Lever home). ``server``: a LangGraph Server URL to drive instead of
        the in-process graph (the server holds the threads and runs its own brain)."""
        self.home = lever_home(home)
        self.startup_notices: list[str] = []
        self.server = server.rstrip("/") if server else None
        self.read_only = False
        self._db: sqlite3.Connection | None = None  # the writer connection (history table)
        self._read_db: sqlite3.Connection | None = None  # readers' own connection
        self._ro_graph = None  # a read-only store's graph, for interviews made before this session
        self._locks: dict[str, threading.RLock] = {}
        self._locks_guard = threading.Lock()
        self._db_lock = threading.Lock()
        self._remote = None
        # Checkpoints are written in the turn's own thread before it returns ("sync"): every returned turn is on
        # disk, and no writer thread is started per turn. (RemoteGraph takes no such option.)
        self._stream_options: dict[str, Any] = {} if self.server else {"durability": "sync"}
        if self.server:
            from .remote import RemoteBackend

            self._remote = RemoteBackend(self.server)
            self.brain = None
            self.library = library or Library(home=self.home)
            self.checkpointer = None
            self.graph = self._remote.graph
            self.reader = self.graph
            self.startup_notices.append(f"Using the LangGraph Server at {self.server}.")
            return
        from .graph import build_graph  # langgraph import is the slow part of start-up

        if brain is None or isinstance(brain, str):
            brain, notices = default_brain(brain or "auto")
            self.startup_notices += notices
        self.brain = brain
        self.library = library or Library(home=self.home)
        reader_saver = None
        if checkpointer is None:
            checkpointer, reader_saver = self._open_store()
        self.checkpointer = checkpointer
        self.graph = build_graph(brain=self.brain, retriever=self.library.search, checkpointer=checkpointer,
                                 user_retriever=self.library.search_user)
        self.reader = (build_graph(brain=self.brain, retriever=self.library.search, checkpointer=reader_saver)
                       if reader_saver is not None else self.graph)

    # ------------------------------------------------------------------ storage
    @property
    def db_path(self) -> Path:
        return self.home / "interviews.sqlite"

    def _open_store(self):
        from langgraph.checkpoint.memory import InMemorySaver
        from langgraph.checkpoint.sqlite import SqliteSaver

        from .store import StoreRefused, open_store

        try:
            opened = open_store(self.db_path)
        except StoreRefused as exc:
            raise LeverError(str(exc)) from exc
        self.startup_notices += opened.notices
        if opened.conn is None:  # nothing on disk can be used: run in memory
            self.read_only = True
            return InMemorySaver(), None
        if opened.read_only:
            from .graph import build_graph

            self.read_only = True
            self._read_db = opened.conn
            ro_saver = SqliteSaver(opened.conn)
            ro_saver.is_setup = True  # setup() would write
            self._ro_saver = ro_saver
            self._ro_graph = build_graph(brain=self.brain, retriever=self.library.search, checkpointer=ro_saver)
            return InMemorySaver(), None
        self._db = opened.conn
        saver = SqliteSaver(opened.conn)
        saver.setup()
        self._db_lock = saver.lock  # our history writes share the saver's connection, so they share its lock
        try:
            self._read_db = sqlite3.connect(self.db_path, timeout=5.0, check_same_thread=False)
            self._read_db.execute("PRAGMA busy_timeout = 5000")
            reader = SqliteSaver(self._read_db)
            reader.is_setup = True
        except sqlite3.Error:  # pragma: no cover - readers fall back to the writer connection
            self._read_db, reader = None, None
        return saver, reader

    def _touch(self, thread_id: str, opening: str | None = None, strategy: str | None = None) -> None:
        if self._db is None:
            return
        now = dt.datetime.now().isoformat(timespec="milliseconds")
        with self._db_lock, self._db:
            self._db.execute(
                "INSERT INTO lever_interviews(thread_id, created, updated, opening, strategy) VALUES (?,?,?,?,?) "
                "ON CONFLICT(thread_id) DO UPDATE SET updated=excluded.updated, "
                "opening=COALESCE(lever_interviews.opening, excluded.opening), "
                "strategy=COALESCE(excluded.strategy, lever_interviews.strategy)",
                (thread_id, now, now, opening, strategy),
            )

    def _registered_opening(self, thread_id: str) -> str | None:
        conn = self._read_db or self._db
        if conn is None or self._remote is not None:
            return None
        try:
            row = conn.execute("SELECT opening FROM lever_interviews WHERE thread_id = ?", (thread_id,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    # ------------------------------------------------------------------ the conversation
    @property
    def brain_name(self) -> str:
        if self.brain is None:
            return "server"
        return self.brain.name

    def _config(self, thread_id: str) -> dict:
        return {"configurable": {"thread_id": thread_id}}

    def _tid(self, thread_id: str) -> str:
        """A server only takes UUIDs as thread ids: any other key maps to a stable one."""
        if self._remote is None:
            return thread_id
        from .remote import server_thread_id

        return server_thread_id(thread_id)

    def _lock(self, thread_id: str) -> threading.RLock:
        with self._locks_guard:
            lock = self._locks.get(thread_id)
            if lock is None:
                lock = self._locks[thread_id] = threading.RLock()
            return lock

    def _get_state(self, graph, thread_id: str):
        try:
            return graph.get_state(self._config(thread_id))
        except LeverError:
            raise
        except Exception as exc:
            if self._remote is not None:
                raise LeverError(self._remote.explain(exc, thread_id)) from exc
            raise LeverError(f"Interview {thread_id} could not be read: its saved data is damaged ({exc}). Other "
                             "interviews are not affected; start a new one, or delete this one from History.") from exc

    def _run(self, payload: Any, thread_id: str, on_text: Callable[[str], None] | None) -> None:
        try:
            for item in self.graph.stream(payload, self._config(thread_id), stream_mode=["custom", "updates"],
                                          **self._stream_options):
                mode, chunk = item if isinstance(item, tuple) and len(item) == 2 else ("updates", item)
                if mode == "custom" and on_text is not None and isinstance(chunk, str):
                    on_text(chunk)
        except LeverError:
            raise
        except Exception as exc:
            log.warning("turn failed on thread %s", thread_id, exc_info=True)
            if self._remote is not None:
                raise LeverError(self._remote.explain(exc, thread_id)) from exc
            raise LeverError(f"That turn could not be completed ({type(exc).__name__}: {exc}). Your message was not "
                             "saved; send it again.") from exc

    def _waiting(self, current) -> bool:
        return bool(current.next) and bool(getattr(current, "interrupts", ()) or any(
            getattr(t, "interrupts", ()) for t in getattr(current, "tasks", ())))

    def _finish_half_done(self, thread_id: str, current) -> bool:
        """A turn cut short (a kill mid-turn) is finished before the next message is read; returns True if one was.

        If it cannot be finished, the thread is set back to waiting with a notice, so it never stays stuck."""
        if not current.next or self._waiting(current):
            return False
        try:
            self._run(None, thread_id, None)
        except LeverError:
            from .graph import _msg

            self.graph.update_state(self._config(thread_id), {"messages": [_msg(
                role="assistant", kind="notice", text="Lever stopped in the middle of a turn and could not finish "
                "it; your messages are kept. Carry on from here.")], "notes": []}, as_node="plan_question")
            self._run(None, thread_id, None)
        return True

    def _restore_started(self, thread_id: str) -> bool:
        """An interview listed but with nothing saved (Lever was killed inside its first turn): start it again
        from the message the user gave."""
        opening = self._registered_opening(thread_id)
        if not opening or self.read_only:
            return False
        self._run({"messages": [Message(role="user", text=opening).model_dump(mode="json")]}, thread_id, None)
        return True

    def _adopt_read_only(self, thread_id: str) -> None:
        """With a read-only store, an old interview is copied into memory so it can go on (unsaved)."""
        if self._ro_graph is None or self._get_state(self.graph, thread_id).values:
            return
        tup = self._ro_saver.get_tuple(self._config(thread_id))
        if tup is None:
            return
        cfg = self.checkpointer.put({"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}, tup.checkpoint,
                                    tup.metadata, tup.checkpoint.get("channel_versions", {}))
        by_task: dict[str, list[tuple[str, Any]]] = {}
        for task_id, channel, value in tup.pending_writes or []:
            by_task.setdefault(task_id, []).append((channel, value))
        for task_id, writes in by_task.items():
            self.checkpointer.put_writes(cfg, writes, task_id)

    def start(self, opening: str | None = None, on_text: Callable[[str], None] | None = None,
              thread_id: str | None = None) -> Snapshot:
        """A new interview (or, for an existing ``thread_id``, its state, after taking ``opening`` as a message)."""
        thread_id = self._tid(thread_id or uuid.uuid4().hex[:12])
        notices: list[str] = []
        if opening is not None:
            opening, notices = clean_text(opening)
        with self._lock(thread_id):
            if self._remote is not None:
                try:
                    self._remote.ensure_thread(thread_id)
                except Exception as exc:
                    raise LeverError(self._remote.explain(exc, thread_id)) from exc
            existing = self._get_state(self.graph, thread_id)
            if existing.values:
                if opening:
                    return self.send(thread_id, opening, on_text)
                return self.state(thread_id)
            if opening:
                payload = {"messages": [Message(role="user", text=opening).model_dump(mode="json")]}
                self._touch(thread_id, opening=opening)  # listed before the run: a crash inside it still shows
            else:
                payload = {"messages": []}
            self._run(payload, thread_id, on_text)
            snap = self.state(thread_id)
        return snap.model_copy(update={"notices": notices + snap.notices})

    def send(self, thread_id: str, text: str, on_text: Callable[[str], None] | None = None) -> Snapshot:
        from langgraph.types import Command

        cleaned, notices = clean_text(text)
        if not cleaned:
            raise LeverError("That message was empty; type an answer, a question, or 'done'.")
        thread_id = self._tid(thread_id)
        with self._lock(thread_id):
            self._adopt_read_only(thread_id)
            current = self._get_state(self.graph, thread_id)
            if not current.values:
                if not self._restore_started(thread_id):
                    raise LeverError(f"No interview with id {thread_id!r}.")
                current = self._get_state(self.graph, thread_id)
            if self._finish_half_done(thread_id, current):
                notices.append(RECOVERED)
                current = self._get_state(self.graph, thread_id)
            if not any(m.get("role") == "user" for m in current.values.get("messages", [])):
                self._touch(thread_id, opening=cleaned)  # listed from its first answer, before the run
            if self._waiting(current):
                payload: Any = Command(resume=cleaned)
            else:  # finished earlier: carry on in the same thread
                payload = {"messages": [Message(role="user", text=cleaned).model_dump(mode="json")]}
            self._run(payload, thread_id, on_text)
            snap = self._snapshot(self.graph, thread_id)
            self._touch(thread_id, strategy=snap.recommendation.strategy if snap.recommendation else None)
        return snap.model_copy(update={"notices": notices + snap.notices})

    def state(self, thread_id: str) -> Snapshot:
        """The conversation as stored. Readers never wait behind a turn (they have their own connection)."""
        thread_id = self._tid(thread_id)
        graph = self.reader
        current = self._get_state(graph, thread_id)
        values = current.values
        if not values and self._ro_graph is not None:
            graph = self._ro_graph
            values = self._get_state(graph, thread_id).values
        if not values and self._registered_opening(thread_id):
            with self._lock(thread_id):
                if not self._get_state(self.graph, thread_id).values:
                    self._restore_started(thread_id)
            graph = self.graph
            values = self._get_state(graph, thread_id).values
        elif values and current.next and not self._waiting(current) and graph is not self._ro_graph \
                and self._remote is None:
            lock = self._lock(thread_id)
            if lock.acquire(blocking=False):  # no turn of ours is running: a half-done turn is a crash's leftover
                try:
                    if self._finish_half_done(thread_id, self._get_state(self.graph, thread_id)):
                        graph = self.graph
                        values = self._get_state(graph, thread_id).values
                finally:
                    lock.release()
        return self._snapshot(graph, thread_id, values)

    def _snapshot(self, graph, thread_id: str, values: dict | None = None) -> Snapshot:
        if values is None:
            values = self._get_state(graph, thread_id).values
        if not values:
            raise LeverError(f"No interview with id {thread_id!r}.")
        try:
            profile = Profile.model_validate(values.get("profile") or {})
            rec = values.get("recommendation")
            pending = values.get("pending")
            asked = values.get("asked", [])
            usage = [Usage.model_validate(u) for u in values.get("usage", [])]
            hypothesis = values.get("hypothesis")
            return Snapshot(
                thread_id=thread_id,
                messages=[Message.model_validate(m) for m in values.get("messages", [])],
                profile=profile,
                pending=TOPICS.get(pending) if pending else None,
                recommendation=Recommendation.model_validate(rec) if rec else None,
                progress=progress(profile, asked),
                questions_asked=values.get("questions_asked", 0),
                done=bool(values.get("done")),
                heard=list(values.get("heard") or []),
                hypothesis=hypothesis if hypothesis and hypothesis.get("facts") else None,
                brain=values.get("brain") or self.brain_name,
                usage=usage,
                session_usd=round(sum(u.usd for u in usage), 6),
                read_only=self.read_only,
                notices=["This turn was not saved: the conversation store cannot be written."] if self.read_only
                and graph is self.graph else [],
            )
        except Exception as exc:
            raise LeverError(f"Interview {thread_id} could not be read: its saved data is damaged ({exc}). Other "
                             "interviews are not affected.") from exc

    # ------------------------------------------------------------------ history
    def list(self) -> list[InterviewSummary]:
        if self._remote is not None:
            return self._remote.list()
        conn = self._read_db or self._db
        if conn is None:
            return []
        rows = conn.execute(
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

    def summary(self, thread_id: str) -> InterviewSummary | None:
        """The history row of one interview (timestamps, opening), or None."""
        return next((s for s in self.list() if s.thread_id == thread_id), None)

    def delete(self, thread_id: str) -> None:
        thread_id = self._tid(thread_id)
        if self._remote is not None:
            self._remote.delete(thread_id)
            return
        if self.read_only and self._db is None and self._ro_graph is not None:
            raise LeverError("The conversation store is read-only, so nothing can be deleted from it.")
        with self._lock(thread_id):
            self.checkpointer.delete_thread(thread_id)
            if self._db is not None:
                with self._db_lock, self._db:
                    self._db.execute("DELETE FROM lever_interviews WHERE thread_id = ?", (thread_id,))

    # ------------------------------------------------------------------ export
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
        for conn in (self._db, self._read_db):
            if conn is not None:
                try:
                    conn.close()
                except sqlite3.Error:  # pragma: no cover
                    pass
        self._db = self._read_db = None


def opening(brain: Brain | None = None) -> Snapshot:
    """What a new interview shows first, computed without LangGraph (which takes most of a second to import).

    Front ends draw this while ``Interview`` is still being built, then swap in the real thread. It follows
    the graph's ``plan_question`` for an empty state (both build the question with ``policy.ask``; a test holds
    the two equal). ``thread_id`` is empty.
    """
    brain = brain or OfflineBrain()
    profile = Profile()
    topic = next_topic(profile, [], [])
    return Snapshot(thread_id="", messages=[ask(brain, topic, profile, [GREETING])], profile=profile, pending=topic,
                    progress=progress(profile, []), questions_asked=1, done=False)


def progress(profile: Profile, asked: list[str]) -> list[TopicStatus]:
    from .describe import describe_value

    out = []
    for topic in TOPICS.values():
        facts = [(f, getattr(profile, f)) for f in topic.fills if getattr(profile, f) is not None]
        value = "; ".join(describe_value(name, fact.value) for name, fact in facts)
        if any(fact.status == "stated" for _, fact in facts):
            status, quote = "answered", next(fact.quote for _, fact in facts if fact.status == "stated")
        elif facts:
            status, quote = "assumed", ""
        elif topic.id in asked:
            status, quote = "skipped", ""
        else:
            status, quote = "unanswered", ""
        out.append(TopicStatus(id=topic.id, title=topic.title, key=topic.key, status=status, quote=quote, value=value))
    return out
