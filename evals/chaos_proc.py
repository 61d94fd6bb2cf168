"""Child processes for the chaos harness: fork a worker, read its records, kill it with SIGKILL.

Every piece of the harness that runs Lever runs in a forked child, so that a freeze (a regex that holds the
GIL for minutes) or a crash never takes the harness down, and the harness can kill at a random moment.
Records travel as JSON lines over a pipe. Forking needs a POSIX system (Linux, macOS); the parent imports
LangGraph once before forking and never runs a graph itself, so it has no threads to lose in a fork.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

TIMEOUT = object()  # returned by Child.next when no record came in time


class Emitter:
    """The child's end of the pipe: ``emit(record)`` writes one JSON line."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __call__(self, record: dict) -> None:
        data = (json.dumps(record, default=str) + "\n").encode("utf-8")
        while data:
            data = data[os.write(self.fd, data):]


class Child:
    """``target(emit, *args)`` running in a forked process; its stderr (Lever's logged warnings) goes to
    ``stderr_path`` when given, so that tracebacks of turns that failed on purpose are kept but not printed."""

    def __init__(self, target: Callable[..., Any], *args: Any, stderr_path: str | os.PathLike | None = None) -> None:
        if not hasattr(os, "fork"):
            raise RuntimeError("the chaos harness needs os.fork (Linux or macOS)")
        sys.stdout.flush()
        sys.stderr.flush()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, report, and leave without running the parent's exit handlers
            os.close(r)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            if stderr_path is not None:
                log = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                os.dup2(log, 2)
                os.close(log)
            emit = Emitter(w)
            code = 0
            try:
                target(emit, *args)
            except BaseException:  # noqa: BLE001 - everything the child hits is reported to the parent
                code = 1
                try:
                    emit({"fatal": traceback.format_exc(limit=8)})
                except Exception:
                    pass
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        os.close(w)
        self.pid = pid
        self.fd = r
        self.started = time.monotonic()
        self._buf = b""
        self._eof = False
        self.status: int | None = None

    def next(self, timeout: float | None) -> Any:
        """The next record; ``None`` at end of stream (the child exited); ``TIMEOUT`` if none came in time."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if b"\n" in self._buf:
                line, self._buf = self._buf.split(b"\n", 1)
                try:
                    return json.loads(line)
                except ValueError:
                    continue  # a line cut by a kill
            if self._eof:
                return None
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                return TIMEOUT
            chunk = os.read(self.fd, 65536)
            if not chunk:
                self._eof = True
            self._buf += chunk

    def drain(self) -> list[dict]:
        """Records already waiting, without blocking."""
        out = []
        while True:
            rec = self.next(0)
            if rec is None or rec is TIMEOUT:
                return out
            out.append(rec)

    def kill(self) -> None:
        """SIGKILL the child and reap it."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.wait()

    def wait(self) -> int:
        if self.status is None:
            _, status = os.waitpid(self.pid, 0)
            self.status = status
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        return self.status

    def result(self, timeout: float | None) -> dict:
        """For a child that emits one final record: that record, ``{"timeout": s}`` or ``{"fatal": ...}``."""
        last: dict | None = None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            rec = self.next(left)
            if rec is TIMEOUT:
                self.kill()
                return {"timeout": timeout}
            if rec is None:
                self.wait()
                return last or {"fatal": f"the child exited with status {self.status} and no result"}
            if "fatal" in rec:
                self.kill()
                return rec
            last = rec


def run_in_child(target: Callable[..., dict], *args: Any, timeout: float | None = None,
                 stderr_path: str | os.PathLike | None = None) -> dict:
    """``target(*args)`` in a forked child: its dict result, or ``{"failed": why}`` (its traceback, or a timeout)."""
    out = Child(lambda emit, *a: emit({"result": target(*a)}), *args, stderr_path=stderr_path).result(timeout)
    if "result" in out:
        return out["result"]
    if "timeout" in out:
        return {"failed": f"did not finish within {timeout:.0f} s"}
    return {"failed": out.get("fatal", "no result")}
