"""Where Lever keeps its files: LEVER_HOME if set, else the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def lever_home(home: str | os.PathLike | None = None) -> Path:
    if home is not None:
        path = Path(home)
    elif os.environ.get("LEVER_HOME"):
        path = Path(os.environ["LEVER_HOME"]).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("lever", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
