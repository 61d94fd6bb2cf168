"""Unit tests of the UI's text and export helpers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tui.export import default_export_dir, export_stem, write_export, write_exports
from tui.text import link_citations, shorten
from tui.widgets import clean_input


def test_the_input_is_cleaned_by_the_interviews_own_function() -> None:
    from agent import clean_text

    raw = "a\x1b[31mred\x1b[0m b\x1b]0;title\x07c d\x00\x08\x7fe\r\nsecond\tline"
    assert clean_input(raw) == clean_text(raw, limit=10**9)[0] == "ared bc de\nsecond    line"
    text = "[bold]x[/bold] [/ [@click=app.quit]"
    assert clean_input(text) == text  # markup-like text is kept, and shown literally


def test_link_citations() -> None:
    md = "RAG fits [1][3]; costs [2]. Not [9], not [2](http://x), not \\[1\\]."
    linked = link_citations(md, 3)
    assert "[\\[1\\]](cite:1)[\\[3\\]](cite:3)" in linked
    assert "[\\[2\\]](cite:2)." in linked
    assert "[9]" in linked and "cite:9" not in linked
    assert "[2](http://x)" in linked


def test_shorten() -> None:
    assert shorten("a  b\nc", 10) == "a b c"
    assert shorten("abcdefghij", 5) == "abcd…"


def test_export_names_and_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEVER_EXPORT_DIR", raising=False)
    home = tmp_path / "home"
    assert default_export_dir(home) == home / "exports"  # the user data folder's exports/
    monkeypatch.setenv("LEVER_EXPORT_DIR", str(tmp_path / "out"))
    assert default_export_dir(home) == tmp_path / "out"

    stem = export_stem("3f2a9c1b77d04e5a", datetime(2026, 11, 20, 9, 5, 7))
    assert stem == "lever-3f2a9c1b-20261120-090507"
    (tmp_path / "out").mkdir()
    first = write_export(tmp_path / "out", stem, "json", "{}")
    second = write_export(tmp_path / "out", stem, "json", "[]")
    assert first.name == f"{stem}.json" and second.name == f"{stem}-2.json"
    assert first.read_text() == "{}" and second.read_text() == "[]"


def test_every_format_gets_an_outcome(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    outcomes = write_exports(blocker, "abc", {"json": "{}", "md": ValueError("No report: nothing to say")})
    assert [(o.fmt, o.path) for o in outcomes] == [("json", None), ("md", None)]
    assert "a file, not a folder" in outcomes[0].problem and outcomes[1].problem == "No report: nothing to say."
    outcomes = write_exports(tmp_path / "new", "abc", {"json": "{}", "md": "# r"})
    assert all(o.path is not None and o.path.exists() for o in outcomes)


def test_an_unwritable_folder_is_said_in_one_sentence(tmp_path: Path) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # running as root: permissions do not stop us
            pytest.skip("permissions are not enforced for this user")
        (outcome,) = write_exports(locked, "abc", {"json": "{}"})
        assert outcome.path is None and outcome.problem.startswith("Lever may not write in")
    finally:
        locked.chmod(0o700)
