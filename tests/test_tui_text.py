"""Unit tests of the UI's text and export helpers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tui.export import export_dir, export_stem, write_export
from tui.text import clean_paste, link_citations, shorten, strip_control


def test_strip_control_removes_escapes_and_control_characters() -> None:
    raw = "a\x1b[31mred\x1b[0m b\x1b]0;title\x07c\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ d\x00\x08\x7f\x9b2Je"
    assert strip_control(raw) == "ared bclink de"
    assert strip_control("one\r\ntwo\tthree") == "one\ntwo    three"
    assert strip_control("one\ntwo", keep_newlines=False) == "one two"


def test_clean_paste_joins_lines_and_cuts() -> None:
    assert clean_paste("first\n\n second \nthird", 100) == ("first second third", False)
    text, cut = clean_paste("y" * 1_000_000, 4000)
    assert (len(text), cut) == (4000, True)
    assert clean_paste("abc", 0) == ("", True)


def test_markup_like_text_is_untouched() -> None:
    text = "[bold]x[/bold] [/ [@click=app.quit]"
    assert strip_control(text) == text
    assert clean_paste(text, 100) == (text, False)


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
    monkeypatch.chdir(tmp_path)
    assert export_dir() == tmp_path
    monkeypatch.setenv("LEVER_EXPORT_DIR", str(tmp_path / "out"))
    assert export_dir() == tmp_path / "out"

    stem = export_stem("3f2a9c1b77d04e5a", datetime(2026, 11, 20, 9, 5, 7))
    assert stem == "lever-3f2a9c1b-20261120-090507"
    first = write_export(tmp_path / "out", stem, "json", "{}")
    second = write_export(tmp_path / "out", stem, "json", "[]")
    assert first.name == f"{stem}.json" and second.name == f"{stem}-2.json"
    assert first.read_text() == "{}" and second.read_text() == "[]"
