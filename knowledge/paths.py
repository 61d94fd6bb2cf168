"""Where Lever keeps its files: LEVER_HOME if set, else the platform's user data folder."""

from __future__ import annotations

import os
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


class HomeError(Exception):
    """Lever's folder cannot be used; the message says why and what to do, in one sentence."""


def lever_home(home: str | os.PathLike | None = None) -> Path:
    from_env = home is None and bool(os.environ.get("LEVER_HOME"))
    if home is not None:
        path = Path(home)
    elif from_env:
        path = Path(os.environ["LEVER_HOME"]).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("lever", appauthor=False))
    where = f"LEVER_HOME ({path})" if from_env else str(path)
    fix = "set LEVER_HOME to a folder you can write to" if not from_env else "point LEVER_HOME at a folder"
    if path.exists() and not path.is_dir():
        raise HomeError(f"Lever keeps its files in {where}, but that is a file, not a folder: {fix}.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = exc.strerror.lower() if exc.strerror else "it could not be created"
        raise HomeError(f"Lever cannot create its folder {where} ({why}): {fix} you can write to."
                        if from_env else f"Lever cannot create its folder {where} ({why}): {fix}.") from exc
    return path


def exports_dir(home: str | os.PathLike | None = None) -> Path:
    """Where exports go by default: ``LEVER_EXPORT_DIR`` if set, else the ``exports`` folder in Lever's home.

    The folder is not created here (the writer creates it, and reports when it cannot)."""
    folder = os.environ.get("LEVER_EXPORT_DIR")
    if folder:
        return Path(folder).expanduser()
    return lever_home(home) / "exports"
