"""Where exports go and what they are called."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path


def export_dir() -> Path:
    """``LEVER_EXPORT_DIR`` if set, else the current working directory."""
    folder = os.environ.get("LEVER_EXPORT_DIR")
    return Path(folder).expanduser() if folder else Path.cwd()


def export_stem(thread_id: str, when: datetime | None = None) -> str:
    """``lever-<thread-id-prefix>-<YYYYmmdd-HHMMSS>``."""
    prefix = "".join(ch for ch in thread_id if ch.isalnum())[:8] or "thread"
    return f"lever-{prefix}-{(when or datetime.now()).strftime('%Y%m%d-%H%M%S')}"


def write_export(folder: Path, stem: str, suffix: str, text: str) -> Path:
    """Write ``text`` to ``folder/stem.suffix`` without overwriting an existing file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.{suffix}"
        n += 1
    path.write_text(text, encoding="utf-8")
    return path
