"""Where exports go, what they are called, and writing them so that every format's outcome is known."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FORMAT_NAMES = {"json": "JSON", "md": "Markdown report"}


@dataclass
class ExportOutcome:
    """One format of one export: the file written, or why not (one sentence)."""

    fmt: str
    path: Path | None = None
    problem: str = ""

    @property
    def name(self) -> str:
        return FORMAT_NAMES.get(self.fmt, self.fmt)


def default_export_dir(home: str | os.PathLike | None = None) -> Path:
    """``LEVER_EXPORT_DIR`` if set, else the ``exports`` folder in Lever's home (the user data folder)."""
    from knowledge.paths import exports_dir

    return exports_dir(home)


def export_stem(thread_id: str, when: datetime | None = None) -> str:
    """``lever-<thread-id-prefix>-<YYYYmmdd-HHMMSS>``."""
    prefix = "".join(ch for ch in thread_id if ch.isalnum())[:8] or "thread"
    return f"lever-{prefix}-{(when or datetime.now()).strftime('%Y%m%d-%H%M%S')}"


def build_exports(snapshot, summary, title: str, formats: tuple[str, ...]) -> dict[str, str | Exception]:
    """The text of each format (or the exception that stopped it)."""
    from agent.export import export_json
    from agent.report import markdown_report

    out: dict[str, str | Exception] = {}
    for fmt in formats:
        if snapshot.recommendation is None:
            out[fmt] = ValueError("There is no recommendation to export yet: finish the interview first.")
            continue
        try:
            out[fmt] = export_json(snapshot, summary, title) if fmt == "json" else markdown_report(snapshot, title)
        except Exception as error:  # noqa: BLE001 - reported per format
            out[fmt] = error
    return out


def _why_not_written(folder: Path, error: OSError) -> str:
    if isinstance(error, PermissionError):
        return f"Lever may not write in {folder}: choose a folder you can write to."
    if isinstance(error, (NotADirectoryError, FileExistsError)):
        return f"{folder} is a file, not a folder: choose a folder."
    if error.strerror:
        return f"Could not write in {folder} ({error.strerror.lower()}): choose another folder."
    return f"Could not write in {folder}: choose another folder."


def write_exports(folder: Path, thread_id: str, texts: dict[str, str | Exception]) -> list[ExportOutcome]:
    """Write each text to ``folder/<stem>.<fmt>`` (never overwriting a file); one outcome per format."""
    stem = export_stem(thread_id)
    outcomes: list[ExportOutcome] = []
    folder_problem = ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        folder_problem = _why_not_written(folder, error)
    for fmt, text in texts.items():
        if isinstance(text, Exception):
            reason = str(text) or "it could not be made"
            outcomes.append(ExportOutcome(fmt, None, reason if reason.endswith(".") else reason + "."))
            continue
        if folder_problem:
            outcomes.append(ExportOutcome(fmt, None, folder_problem))
            continue
        try:
            outcomes.append(ExportOutcome(fmt, write_export(folder, stem, fmt, text)))
        except OSError as error:
            outcomes.append(ExportOutcome(fmt, None, _why_not_written(folder, error)))
    return outcomes


def write_export(folder: Path, stem: str, suffix: str, text: str) -> Path:
    """Write ``text`` to ``folder/stem.suffix`` without overwriting an existing file."""
    path = folder / f"{stem}.{suffix}"
    n = 2
    while True:
        try:
            with open(path, "x", encoding="utf-8") as fh:  # "x": fails if a file of that name appeared meanwhile
                fh.write(text)
            return path
        except FileExistsError:
            path = folder / f"{stem}-{n}.{suffix}"
            n += 1
