"""Nothing lost, nothing stuck (issue 9): crashes mid-turn, poison messages, damaged, locked, read-only and
foreign stores, and turns of different interviews running at once."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from agent import Interview, LeverError, clean_text
from agent.brains import OfflineBrain

ROOT = Path(__file__).resolve().parents[1]


def user_then_reply(snap, text):
    """The message ``text`` is in the conversation and the assistant answered after it."""
    idx = max(i for i, m in enumerate(snap.messages) if m.role == "user" and m.text == text)
    return any(m.role == "assistant" for m in snap.messages[idx + 1:])


# ------------------------------------------------------------------------------------- killed mid-turn
KILL_WORKER = textwrap.dedent("""
    import sys, time, pathlib
    sys.path.insert(0, {root!r})
    from agent import Interview
    from agent.brains import OfflineBrain

    marker = pathlib.Path({marker!r})

    class Slow(OfflineBrain):
        def understand(self, text, *a, **k):
            if "STALL" in text:
                marker.write_text("in the turn")
                time.sleep(60)  # killed here, inside the turn
            return super().understand(text, *a, **k)

    iv = Interview(home={home!r}, brain=Slow())
    {body}
""")


def run_until_marker(tmp_path, body):
    home, marker = tmp_path / "home", tmp_path / "marker"
    script = KILL_WORKER.format(root=str(ROOT), marker=str(marker), home=str(home), body=body)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, LEVER_HOME=str(home)))
    deadline = time.monotonic() + 90
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the worker never reached the turn"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return home, proc.stdout.read()


@pytest.mark.timeout(180)
def test_a_message_sent_after_a_kill_inside_a_turn_is_answered(tmp_path):
    home, out = run_until_marker(tmp_path, textwrap.dedent("""
        snap = iv.start("We need a bot that answers from our product docs")
        snap = iv.send(snap.thread_id, "yes, it is knowledge")
        print(snap.thread_id, flush=True)
        iv.send(snap.thread_id, "STALL the docs change weekly")
    """))
    thread_id = out.split()[0]
    iv = Interview(home=home)
    snap = iv.send(thread_id, "about 2 seconds, 40k requests a month")
    assert user_then_reply(snap, "about 2 seconds, 40k requests a month")
    assert snap.profile.volume_month.value == 40_000, "the new message was read, not dropped"
    assert any("finished that turn first" in n for n in snap.notices)
    assert user_then_reply(snap, "STALL the docs change weekly"), "the interrupted turn was finished too"
    iv.close()


@pytest.mark.timeout(180)
def test_an_interview_killed_inside_start_is_listed_and_resumes(tmp_path):
    home, out = run_until_marker(tmp_path, 'iv.start("STALL a support bot over our help centre")')
    iv = Interview(home=home)
    items = iv.list()
    assert [i.opening for i in items] == ["STALL a support bot over our help centre"]
    snap = iv.state(iv.resolve(None))
    assert snap.messages[0].text == "STALL a support bot over our help centre" and snap.pending is not None
    snap = iv.send(snap.thread_id, "weekly")
    assert user_then_reply(snap, "weekly")
    iv.close()


# ------------------------------------------------------------------------------------- poison messages
class Poisoned(OfflineBrain):
    def understand(self, text, *a, **k):
        if "poison" in text:
            raise ValueError("the brain choked")
        return super().understand(text, *a, **k)


def test_a_failing_turn_keeps_the_message_says_so_and_the_next_one_proceeds(tmp_path):
    iv = Interview(home=tmp_path / "home", brain=Poisoned())
    snap = iv.start("A support bot over our help centre articles")
    pending = snap.pending.id
    snap = iv.send(snap.thread_id, "poison pill")
    assert snap.messages[-2].text == "poison pill" and snap.messages[-1].role == "assistant"
    assert "couldn't read that message" in snap.messages[-1].text
    assert snap.pending.id == pending, "the same question is asked again"
    values = iv.graph.get_state(iv._config(snap.thread_id)).values
    assert values["failures"] and values["failures"][0]["node"] == "understand"
    snap = iv.send(snap.thread_id, "yes, knowledge")
    assert user_then_reply(snap, "yes, knowledge") and snap.profile.need.value == "knowledge"
    iv.close()


@pytest.mark.parametrize("text", [
    "We have 20,000,000,000,000,000,000 labelled examples.",
    "We have " + "9" * 310 + " labelled examples.",
    "about 1e400 requests a month",
])
def test_numbers_too_large_to_store_never_wedge_a_thread(tmp_path, text):
    iv = Interview(home=tmp_path / "home")
    snap = iv.start("We classify support tickets into 12 queues")
    snap = iv.send(snap.thread_id, text)
    assert snap.messages[-1].role == "assistant" and user_then_reply(snap, text)
    for fact in snap.profile.stated().values():
        assert not isinstance(fact.value, int) or abs(fact.value) < 2**63
    again = Interview(home=tmp_path / "home")  # and after a restart
    snap = again.send(snap.thread_id, "behaviour")
    assert user_then_reply(snap, "behaviour")
    again.close()
    iv.close()


def test_the_checkpoint_guard_catches_what_the_serialiser_would_choke_on():
    from agent.graph import storable

    storable({"a": [1, 2**62, "ok", {"b": 1.5}]})
    for bad in ({"a": 2**64}, {"a": [float("inf")]}, {"a": "\ud800"}):
        with pytest.raises((ValueError, UnicodeEncodeError)):
            storable(bad)


def test_a_lone_surrogate_and_bidi_overrides_are_cleaned_everywhere(tmp_path):
    text, _ = clean_text("we need \ud83d\ude00 help \ud800 now \u202eevil")
    assert text == "we need \U0001f600 help \ufffd now evil"
    iv = Interview(home=tmp_path / "home")
    snap = iv.start("docs bot \udcff over our wiki")
    assert snap.messages[0].text == "docs bot \ufffd over our wiki"
    iv.close()


# ------------------------------------------------------------------------------------- the store
def make_store(home: Path) -> list[str]:
    iv = Interview(home=home)
    ids = [iv.start(f"interview number {n} about our docs").thread_id for n in range(3)]
    iv.close()
    return ids


def test_a_store_is_stamped_with_its_schema_version(tmp_path):
    from agent.store import APP_ID, SCHEMA_VERSION

    make_store(tmp_path / "home")
    conn = sqlite3.connect(tmp_path / "home" / "interviews.sqlite")
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APP_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_an_older_unstamped_store_is_adopted(tmp_path):
    home = tmp_path / "home"
    ids = make_store(home)
    sql(home / "interviews.sqlite", "PRAGMA application_id = 0", "PRAGMA user_version = 0")
    iv = Interview(home=home)
    assert sorted(i.thread_id for i in iv.list()) == sorted(ids)
    assert not iv.startup_notices[1:], "no notice: nothing was wrong"
    iv.close()


def sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_a_store_from_a_newer_lever_is_refused_untouched(tmp_path):
    home = tmp_path / "home"
    make_store(home)
    sql(home / "interviews.sqlite", "PRAGMA user_version = 99")
    with pytest.raises(LeverError, match="newer version of Lever"):
        Interview(home=home)
    assert not list(home.glob("*damaged*"))


def test_a_foreign_sqlite_file_is_refused_with_its_path(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    path = home / "interviews.sqlite"
    sql(path, "CREATE TABLE customers (id INTEGER, name TEXT)", "INSERT INTO customers VALUES (1, 'Ada')")
    before = path.read_bytes()
    with pytest.raises(LeverError) as err:
        Interview(home=home)
    assert str(path) in str(err.value) and "did not create" in str(err.value)
    assert path.read_bytes() == before and not list(home.glob("*damaged*"))


def test_a_store_with_a_wrong_schema_is_refused(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    sql(home / "interviews.sqlite", "CREATE TABLE checkpoints (id INTEGER, blob BLOB)")
    with pytest.raises(LeverError, match="columns Lever needs"):
        Interview(home=home)


def test_a_damaged_store_is_moved_aside_with_its_journal_never_deleted(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "interviews.sqlite").write_bytes(b"not a database " * 500)
    (home / "interviews.sqlite-wal").write_bytes(b"newest turns")
    (home / "interviews.sqlite-shm").write_bytes(b"shm")
    iv = Interview(home=home)
    assert any("moved to" in n and "nothing was deleted" in n for n in iv.startup_notices)
    aside = list(home.glob("interviews.damaged-*.sqlite"))
    assert len(aside) == 1
    assert Path(f"{aside[0]}-wal").read_bytes() == b"newest turns" and Path(f"{aside[0]}-shm").exists()
    assert iv.start().pending.id == "need"
    iv.close()


def test_a_locked_store_is_waited_for_then_reported_and_left_alone(tmp_path, monkeypatch):
    import agent.store

    monkeypatch.setattr(agent.store, "BUSY_TIMEOUT_S", 0.3)
    home = tmp_path / "home"
    make_store(home)
    path = home / "interviews.sqlite"
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA journal_mode=DELETE")  # a rollback journal: an exclusive lock blocks readers too
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LeverError, match="locked"):
            Interview(home=home)
    finally:
        holder.rollback()
        holder.close()
    assert not list(home.glob("*damaged*"))
    iv = Interview(home=home)  # once the other program lets go, everything is there
    assert len(iv.list()) == 3
    iv.close()


def test_a_read_only_store_opens_read_only_and_says_turns_are_not_saved(tmp_path, monkeypatch):
    import agent.store

    home = tmp_path / "home"
    ids = make_store(home)
    monkeypatch.setattr(agent.store, "_writable", lambda path: False)
    iv = Interview(home=home)
    assert any("read-only" in n for n in iv.startup_notices)
    assert sorted(i.thread_id for i in iv.list()) == sorted(ids)
    old = iv.state(ids[0])
    assert old.messages[0].text == "interview number 0 about our docs"
    snap = iv.send(ids[0], "yes, knowledge")  # goes on in memory
    assert user_then_reply(snap, "yes, knowledge") and snap.read_only
    assert any("not saved" in n for n in snap.notices)
    new = iv.start("a new one")
    assert new.pending is not None
    iv.close()
    monkeypatch.undo()
    again = Interview(home=home)
    assert len(again.state(ids[0]).messages) == len(old.messages), "nothing was written"
    again.close()


def test_an_unwritable_home_still_runs_an_interview_in_memory(tmp_path, monkeypatch):
    import agent.store

    monkeypatch.setattr(agent.store, "_writable", lambda path: False)
    iv = Interview(home=tmp_path / "home")
    assert any("will not be saved" in n for n in iv.startup_notices)
    snap = iv.start("a docs bot")
    snap = iv.send(snap.thread_id, "yes, knowledge")
    assert snap.profile.need.value == "knowledge"
    iv.close()


def test_one_damaged_checkpoint_affects_only_its_own_thread(tmp_path):
    home = tmp_path / "home"
    ids = make_store(home)
    sql(home / "interviews.sqlite", f"UPDATE checkpoints SET checkpoint = x'c1c1c1c1' WHERE thread_id = '{ids[1]}'")
    iv = Interview(home=home)
    assert len(iv.list()) == 3
    with pytest.raises(LeverError) as err:
        iv.state(ids[1])
    assert ids[1] in str(err.value) and "damaged" in str(err.value)
    with pytest.raises(LeverError, match=ids[1]):
        iv.send(ids[1], "hello there")
    for good in (ids[0], ids[2]):
        assert user_then_reply(iv.send(good, "yes, knowledge"), "yes, knowledge")
    iv.close()


# ------------------------------------------------------------------------------------- concurrency
class Gate(OfflineBrain):
    """Blocks a turn whose text contains HOLD until released."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()

    def understand(self, text, *a, **k):
        if "HOLD" in text:
            self.entered.set()
            self.release.wait(60)
        return super().understand(text, *a, **k)


@pytest.mark.timeout(120)
def test_turns_on_other_threads_and_readers_do_not_wait_behind_a_turn(tmp_path):
    brain = Gate()
    iv = Interview(home=tmp_path / "home", brain=brain)
    a = iv.start("a docs bot over our wiki").thread_id
    b = iv.start("a ticket classifier").thread_id
    done = {}
    held = threading.Thread(target=lambda: done.setdefault("a", iv.send(a, "HOLD yes knowledge")))
    held.start()
    assert brain.entered.wait(30)
    try:
        snap_b = iv.send(b, "behaviour")  # another interview's turn goes ahead
        assert user_then_reply(snap_b, "behaviour")
        snap_a = iv.state(a)  # a reader sees the last saved state of the busy thread
        assert snap_a.messages[-1].role in ("assistant", "user")
        assert [i.thread_id for i in iv.list()]
        assert "a" not in done, "the held turn is still running"
    finally:
        brain.release.set()
        held.join(30)
    assert user_then_reply(done["a"], "HOLD yes knowledge")
    iv.close()


@pytest.mark.timeout(120)
def test_two_messages_to_one_thread_at_once_are_both_answered_in_order(tmp_path):
    brain = Gate()
    iv = Interview(home=tmp_path / "home", brain=brain)
    t = iv.start("a docs bot over our wiki").thread_id
    first = threading.Thread(target=lambda: iv.send(t, "HOLD yes knowledge"))
    first.start()
    assert brain.entered.wait(30)
    second = threading.Thread(target=lambda: iv.send(t, "weekly"))
    second.start()
    time.sleep(0.2)
    brain.release.set()
    first.join(30)
    second.join(30)
    snap = iv.state(t)
    texts = [m.text for m in snap.messages if m.role == "user"]
    assert texts[-2:] == ["HOLD yes knowledge", "weekly"]
    assert user_then_reply(snap, "HOLD yes knowledge") and user_then_reply(snap, "weekly")
    iv.close()


@pytest.mark.timeout(120)
def test_the_knowledge_index_is_built_once_while_many_turns_search_at_once(tmp_path):
    from knowledge import Library

    lib = Library(home=tmp_path / "home")
    barrier = threading.Barrier(8)
    errors, found = [], []

    def searcher(n):
        try:
            barrier.wait(10)
            for i in range(15):
                if n == 0 and i == 5:  # a document added mid-way forces a rebuild under the readers' feet
                    doc = tmp_path / "notes.md"
                    doc.write_text("# Our notes\n\nRetrieval latency budget for our team is tight.\n")
                    lib.add([doc])
                found.append(len(lib.search("how much latency does retrieval add", 3)))
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=searcher, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    lib.close()
    assert not errors and len(found) == 8 * 15 and min(found) == 3


def test_an_unwritable_home_builds_the_index_elsewhere(tmp_path, monkeypatch):
    from knowledge.index import Index

    home = tmp_path / "home"
    home.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == home and mode == os.W_OK
                        else real_access(p, mode))
    index = Index(home=home)
    assert index.search("how often does the data change", 3)
    assert index.path.parent != home and not (home / "index.sqlite").exists()
    index.close()
