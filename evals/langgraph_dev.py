"""Run `langgraph dev` (the in-memory LangGraph Server) on a loopback port from a clean copy of the project,
and stop it by its pid. Used by the server test and the server benchmark."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("langgraph")
SKIP = {".git", ".venv", "__pycache__", ".pytest_cache"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_copy(dest: Path, root: Path = ROOT) -> Path:
    """The files git tracks (staged included), or the tree without caches when this is not a checkout."""
    out = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True)
    files = out.stdout.split() if out.returncode == 0 else []
    if not files:
        files = [str(p.relative_to(root)) for p in root.rglob("*")
                 if p.is_file() and not SKIP & set(p.relative_to(root).parts)]
    for name in files:
        src = root / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


@contextmanager
def serve(workdir: Path, timeout: float = 120.0) -> Iterator[tuple[str, Path]]:
    """Yields (url, log path) of a `langgraph dev` started in ``workdir`` (a clean copy)."""
    import httpx

    if not CLI.exists():
        raise RuntimeError("langgraph-cli is not installed: pip install 'lever[server]'")
    port = free_port()
    log_path = workdir / "server.log"
    env = dict(os.environ, LEVER_HOME=str(workdir / "home"))
    env.pop("ANTHROPIC_API_KEY", None)
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(CLI), "dev", "--host", "127.0.0.1", "--port", str(port), "--no-browser",
                                 "--no-reload", "--config", "langgraph.json"], cwd=workdir, stdout=log,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("langgraph dev did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.3)
            yield url, log_path
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
