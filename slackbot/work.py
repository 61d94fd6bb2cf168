"""Work that runs outside Slack's request: one queue per conversation, a small pool of workers across them.

Jobs for one key (one Slack thread) run one after another in the order they arrived, so an answer sent
while the previous turn is still running waits its turn instead of being lost or racing it; jobs for
different keys run at the same time, up to the pool size.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("slackbot")


class ThreadQueues:
    def __init__(self, workers: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="lever-slack")
        self._queues: dict[Hashable, deque[Callable[[], None]]] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._closed = False

    def submit(self, key: Hashable, job: Callable[[], None]) -> None:
        """Queue ``job`` behind the jobs already waiting for ``key``."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the work queue is closed")
            queue = self._queues.get(key)
            if queue is not None:  # a worker is already draining this key: it will pick the job up
                queue.append(job)
                return
            self._queues[key] = deque([job])
        self._pool.submit(self._drain, key)

    def _drain(self, key: Hashable) -> None:
        while True:
            with self._lock:
                queue = self._queues[key]
                if not queue:
                    del self._queues[key]
                    self._idle.notify_all()
                    return
                job = queue[0]
            try:
                job()
            except Exception:  # a job reports its own errors; this only keeps the queue alive
                log.exception("a Slack job failed")
            finally:
                with self._lock:
                    queue.popleft()

    def pending(self) -> int:
        """Jobs queued or running."""
        with self._lock:
            return sum(len(q) for q in self._queues.values())

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every queued job has finished; False if ``timeout`` passed first."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._queues, timeout)

    def close(self, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


class Seen:
    """A bounded memory of keys already handled (Slack event ids, message timestamps)."""

    def __init__(self, size: int = 20_000) -> None:
        self._keys: OrderedDict[Hashable, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first(self, key: Hashable) -> bool:
        """True the first time ``key`` is offered, False after (until it ages out of the memory)."""
        with self._lock:
            if key in self._keys:
                self._keys.move_to_end(key)
                return False
            self._keys[key] = None
            if len(self._keys) > self._size:
                self._keys.popitem(last=False)
            return True
