"""Opening the conversation store (``interviews.sqlite``) without ever losing what is in it.

Every way a store can fail to open is told apart before anything is moved (DESIGN §5: "database is locked",
a read-only file and real corruption all raise ``sqlite3.DatabaseError`` subclasses):

* **locked** (another Lever holds a write lock): waited for with a busy timeout, then reported; nothing moved.
* **read-only** (the file or its folder cannot be written): opened read-only; history can be read, and new
  turns run in memory with a notice that they are not saved.
* **not writable at all** (a read-only home, no file yet): interviews run in memory, with a notice.
* **foreign** (an SQLite file some other program made) or **wrong schema** (tables with Lever's names but
  other columns, or a store from a newer Lever): refused with a message naming the path; nothing touched.
* **damaged** (not a database, or an integrity check that fails): moved aside *with* its WAL and SHM files,
  renamed next to it (a WAL holds the newest turns: never deleted), and a new store is started.

A store Lever made carries ``PRAGMA application_id`` = ``APP_ID`` and ``PRAGMA user_version`` = the schema
version, so later versions can migrate it. Stores from before the stamp (Lever's tables, no id) are adopted
and stamped.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

APP_ID = 0x4C657672  # "Levr"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 5.0
SQLITE_HEADER = b"SQLite format 3\x00"

# What LangGraph's SqliteSaver creates, and our history table. A store whose tables of these names have other
# columns was made by something else (or by an incompatible version): refuse it rather than guess.
EXPECTED_COLUMNS = {
    "checkpoints": {"thread_id", "checkpoint_ns", "checkpoint_id", "parent_checkpoint_id", "type", "checkpoint",
                    "metadata"},
    "writes": {"thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx", "channel", "type", "value"},
    "lever_interviews": {"thread_id", "created", "updated", "opening", "strategy"},
}

_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_READONLY = {8, 3}  # SQLITE_READONLY, SQLITE_PERM
_DAMAGED = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_CANTOPEN = {14}


class StoreRefused(Exception):
    """The store cannot be used; the message says why in plain words and names the path."""


@dataclass
class OpenedStore:
    conn: sqlite3.Connection | None  # None: nothing on disk can be used; run in memory
    read_only: bool = False
    notices: list[str] = field(default_factory=list)


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF  # extended codes carry the primary one in the low byte


def _is(exc: sqlite3.Error, codes: set[int], *words: str) -> bool:
    code = _code(exc)
    if code is not None:
        return code in codes
    text = str(exc).lower()
    return any(w in text for w in words)


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError:
        return True  # cannot tell; let SQLite decide
    return head == SQLITE_HEADER or head == b""


def _tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall()]
    return {n: {r[1] for r in conn.execute(f"PRAGMA table_info('{n}')").fetchall()} for n in names}


def _check_ours(conn: sqlite3.Connection, path: Path) -> bool:
    """True when the store is new (empty) and must be set up; raises StoreRefused for foreign or wrong ones."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = _tables(conn)
    if app_id not in (0, APP_ID):
        raise StoreRefused(f"{path} is a database made by another program, so Lever will not touch it. Move it "
                           "away, or set LEVER_HOME to another folder.")
    if app_id == APP_ID and version > SCHEMA_VERSION:
        raise StoreRefused(f"{path} was written by a newer version of Lever (store version {version}; this one "
                           f"reads up to {SCHEMA_VERSION}). Upgrade Lever, or set LEVER_HOME to another folder.")
    if not tables:
        return True
    ours = set(EXPECTED_COLUMNS) & set(tables)
    if app_id == 0 and not ours:
        listed = ", ".join(sorted(tables)[:5])
        raise StoreRefused(f"{path} is an SQLite database that Lever did not create (it holds {listed}), so "
                           "Lever will not touch it. Move it away, or set LEVER_HOME to another folder.")
    for name in ours:
        missing = EXPECTED_COLUMNS[name] - tables[name]
        if missing:
            raise StoreRefused(f"{path} has a '{name}' table without the columns Lever needs "
                               f"({', '.join(sorted(missing))}): it was made by another program or an "
                               "incompatible version. Move it away, or set LEVER_HOME to another folder.")
    return app_id == 0  # an older Lever store: adopt it and stamp it


def _stamp(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS lever_interviews (thread_id TEXT PRIMARY KEY, created TEXT, updated TEXT, "
        "opening TEXT, strategy TEXT)")
    conn.execute(f"PRAGMA application_id = {APP_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.commit()


def move_aside(path: Path) -> Path:
    """Rename a damaged store and its WAL/SHM files next to it; returns the new name of the store."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    n = 2
    while aside.exists():
        aside = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{path.suffix}")
        n += 1
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{aside}{suffix}"))
    return aside


def _connect(path: Path, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    if read_only:
        flags = "immutable=1" if immutable else "mode=ro"
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=BUSY_TIMEOUT_S,
                               check_same_thread=False)
    else:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return conn


def _writable(path: Path) -> bool:
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return os.access(path.parent, os.W_OK)


def open_store(path: Path) -> OpenedStore:
    """Open (or create) the store at ``path``; see the module docstring for every outcome."""
    notices: list[str] = []
    if path.exists() and not path.is_file():
        raise StoreRefused(f"{path} is a folder, not Lever's conversation store. Move it away, or set LEVER_HOME "
                           "to another folder.")
    if not _writable(path):
        if not path.exists():
            return OpenedStore(None, read_only=True, notices=[
                f"Lever cannot write to {path.parent}, so this interview will not be saved. Set LEVER_HOME to a "
                "folder you can write to."])
        return _open_read_only(path)
    if path.exists() and not _looks_like_sqlite(path):
        aside = move_aside(path)
        notices.append(f"The conversation store {path} was not a readable database; it was moved to {aside} "
                       "(nothing was deleted) and a new one was started.")
    try:
        conn = _connect(path, read_only=False)
        try:
            new = _check_ours(conn, path)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            if conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            if new or conn.execute("PRAGMA application_id").fetchone()[0] != APP_ID:
                _stamp(conn)
        except BaseException:
            conn.close()
            raise
    except StoreRefused:
        raise
    except sqlite3.Error as exc:
        if _is(exc, _BUSY, "locked", "busy"):
            raise StoreRefused(f"The conversation store {path} is locked by another program (another Lever, "
                               f"perhaps); waited {BUSY_TIMEOUT_S:g} s. Close the other one and try again.") from exc
        if _is(exc, _READONLY, "readonly", "read-only") or _is(exc, _CANTOPEN, "unable to open"):
            return _open_read_only(path)
        if _is(exc, _DAMAGED, "not a database", "malformed", "integrity") or "integrity" in str(exc):
            aside = move_aside(path)
            notices.append(f"The conversation store {path} was damaged ({exc}); it was moved to {aside} with its "
                           "journal files (nothing was deleted) and a new one was started.")
            opened = open_store(path)
            opened.notices[:0] = notices
            return opened
        raise StoreRefused(f"Lever could not open its conversation store {path}: {exc}.") from exc
    return OpenedStore(conn, read_only=False, notices=notices)


def _open_read_only(path: Path) -> OpenedStore:
    notice = (f"The conversation store {path} is read-only: you can read past interviews, but new turns are not "
              "saved. Make it writable, or set LEVER_HOME to a folder you can write to.")
    for immutable in (False, True):  # a WAL store in a read-only folder can only be read as immutable
        try:
            conn = _connect(path, read_only=True, immutable=immutable)
            try:
                _check_ours(conn, path)
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except BaseException:
                conn.close()
                raise
            return OpenedStore(conn, read_only=True, notices=[notice])
        except StoreRefused:
            raise
        except sqlite3.Error:
            continue
    return OpenedStore(None, read_only=True, notices=[
            f"The conversation store {path} can neither be written nor read here, so this interview will not be "
            "saved. Set LEVER_HOME to a folder you can write to."])
