"""The user's names for interviews ("rename" in the history), kept in Lever's home as a small JSON file.

The interview store belongs to the interview facade; until it keeps names itself, the UI keeps them here,
written atomically (a temporary file and one rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FILE_NAME = "interview-names.json"
MAX_NAME = 80


class Names:
    def __init__(self, home: str | os.PathLike | None = None) -> None:
        self.home = home
        self._data: dict[str, str] | None = None

    @property
    def path(self) -> Path:
        from knowledge.paths import lever_home

        return lever_home(self.home) / FILE_NAME

    def _load(self) -> dict[str, str]:
        if self._data is None:
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self._data = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def get(self, thread_id: str) -> str:
        return self._load().get(thread_id, "")

    def all(self) -> dict[str, str]:
        return dict(self._load())

    def set(self, thread_id: str, name: str) -> str:
        """Name an interview (an empty name removes it); returns the name kept. Raises OSError if it cannot
        be written."""
        from agent import clean_text

        name = " ".join(clean_text(name, limit=MAX_NAME)[0].split())
        data = dict(self._load())
        if name:
            data[thread_id] = name
        elif thread_id in data:
            del data[thread_id]
        else:
            return name
        path = self.path
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        self._data = data
        return name
