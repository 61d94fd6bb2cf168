"""Pilot tests of the Textual app, driving the real offline interview facade.

No test reaches the network: the offline brain runs when ANTHROPIC_API_KEY is unset, and every test
uses a temporary LEVER_HOME and export folder.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from pathlib import Path

from textual import events
from textual.widgets import Markdown, OptionList

from agent import MAX_MESSAGE_CHARS, Interview, LeverError
from agent.types import Recommendation
from tui.app import LeverApp
from tui.recommendation import CitationButton, RecommendationView, ScoreChart
from tui.screens import ConfirmScreen, ExportScreen, HelpScreen, HistoryScreen, PassageScreen
from tui.widgets import AssistantMessage, NoticeMessage, QuickReplies, Thinking, TopicRow, UserMessage

from conftest import ANSWERS, SIZE, finished_thread

MARKUP = "[bold]not bold[/bold] [/ [@click=app.quit]quit?"

# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


class RecordingApp(LeverApp):
    """The app, remembering every notification it shows."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[dict] = []

    def notify(self, message: str, *, title: str = "", severity="information", timeout=None, markup: bool = True):
        self.notes.append({"message": message, "title": title, "severity": severity, "markup": markup})
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


async def until(pilot, predicate, what: str = "condition", limit: float = 30.0) -> None:
    """Let the app run until ``predicate()`` holds (the limit only stops a hung test)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def started(pilot, app: LeverApp) -> None:
    await until(pilot, lambda: app.snapshot is not None and not app.busy, "the first question")
    await pilot.pause()


async def send(pilot, app: LeverApp, text: str, *, typed: bool = False) -> None:
    """Send one message from the input, by typing it or by setting it, and wait for the reply."""
    before = len(app.snapshot.messages)
    app.prompt.focus()
    if typed:
        await pilot.press(*text)
    else:
        app.prompt.value = text
    await pilot.press("enter")
    await until(pilot, lambda: not app.busy and len(app.snapshot.messages) > before, f"a reply to {text!r}")
    await pilot.pause()


async def wait_reply(pilot, app: LeverApp, before: int) -> None:
    await until(pilot, lambda: not app.busy and len(app.snapshot.messages) > before, "a reply")
    await pilot.pause()


async def send_expecting_error(pilot, app: LeverApp, text: str) -> dict:
    """Send ``text`` from the input and return the first error notification it brings."""
    app.prompt.value = text
    await pilot.press("enter")
    await until(pilot, lambda: any(n["severity"] == "error" for n in app.notes), "the error")
    await pilot.pause()
    return next(n for n in app.notes if n["severity"] == "error")


def interview_failing_with(home: Path, error: Exception) -> Interview:
    """A real interview (start-up, history) whose every turn raises ``error``."""

    class FailingInterview(Interview):
        def send(self, thread_id, text, on_text=None):
            raise error

    return FailingInterview(home=home)


def plain(widget) -> str:
    return widget.visual.plain


def user_texts(app: LeverApp) -> list[str]:
    return [w.text for w in app.conversation.query(UserMessage)]




# ---------------------------------------------------------------------------------------------
# A whole interview


async def test_whole_interview_typed_and_quick_replies(interview: Interview) -> None:
    app = RecordingApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert app.sub_title == "offline brain"
        question = app.conversation.query(AssistantMessage).last()
        assert question.kind == "question"
        replies = app.conversation.query(QuickReplies).last()
        assert replies.options == app.snapshot.pending.options

        # 1. typed, key by key
        await send(pilot, app, ANSWERS["need"], typed=True)
        assert user_texts(app)[-1] == ANSWERS["need"]

        # 2. a quick reply from the keyboard: Tab from the input, → to the second option, Enter
        assert app.snapshot.pending is not None
        options = app.snapshot.pending.options
        before = len(app.snapshot.messages)
        await pilot.press("tab")
        assert isinstance(app.focused.parent, QuickReplies)
        await pilot.press("right", "enter")
        await wait_reply(pilot, app, before)
        assert user_texts(app)[-1] == options[1]

        # 3. a quick reply with the mouse
        options = app.snapshot.pending.options
        before = len(app.snapshot.messages)
        button = app.conversation.query(QuickReplies).last().buttons[1]
        await pilot.click(button)
        await wait_reply(pilot, app, before)
        assert user_texts(app)[-1] == options[1]

        # The rest, typed, until the recommendation arrives.
        for _ in range(10):
            if app.recommendation is not None:
                break
            await send(pilot, app, ANSWERS.get(app.snapshot.pending.id, "I'm not sure."))
        rec = app.recommendation
        assert rec is not None
        assert rec == interview.state(app.thread_id).recommendation

        # The progress panel: answered topics carry the user's words.
        rows = {row.topic.id: row for row in app.query(TopicRow)}
        assert rows["need"].topic.status == "answered"
        assert ANSWERS["need"] in rows["need"].topic.quote
        assert rows["need"].topic.value and rows["need"].topic.value.split()[0] in plain(rows["need"])
        assert ANSWERS["need"] in str(rows["need"].tooltip)  # the user's words on hover
        bar = app.query_one("#progress-bar")
        assert bar.percentage == 1

        # A reply taller than the view is shown from its start.
        conversation = app.conversation
        bubble = [m for m in conversation.query(AssistantMessage) if m.kind == "recommendation"][-1]
        await until(
            pilot,
            lambda: conversation.scroll_y <= bubble.virtual_region.y < conversation.scroll_y + conversation.size.height
            and conversation.scroll_y < conversation.max_scroll_y,
            "the start of the recommendation in view",
        )

        # The chat holds the recommendation with a way to open it; the tab is enabled.
        assert app.conversation.query(AssistantMessage).last().kind in {"recommendation", "answer", "text"}
        assert any(m.kind == "recommendation" for m in app.conversation.query(AssistantMessage))
        assert not any("recommendation" in n["title"].lower() for n in app.notes), "the chat says it: no toast"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.views.active == "rec-pane"
        view = app.query_one(RecommendationView)
        verdict = plain(view.query_one(".verdict-title"))
        assert rec.label in verdict
        facts = plain(view.query_one(".verdict-facts"))
        assert f"{rec.confidence:.0%}" in facts and rec.confidence_label in facts
        chart = view.query_one(ScoreChart)
        chart_text = chart.render().plain
        for score in rec.ranking:
            assert f"{score.score:+.1f}" in chart_text

        # Follow-ups keep working from the recommendation view.
        before = len(app.snapshot.messages)
        await send(pilot, app, "What if we had 5,000 labelled examples?")
        assert app.views.active == "chat-pane"
        assert user_texts(app)[-1] == "What if we had 5,000 labelled examples?"
        assert len(app.snapshot.messages) > before + 1


async def test_recommendation_tabs_costs_steps_and_changes(interview: Interview) -> None:
    thread_id = finished_thread(interview)
    rec = interview.state(thread_id).recommendation
    app = LeverApp(interview=interview, resume=thread_id)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+r")
        view = app.query_one(RecommendationView)

        await view.show_tab("rec-costs")
        await pilot.pause()
        table = view.query_one("#cost-table")
        assert table.row_count == len(rec.costs)
        cells = " ".join(str(table.get_row_at(i)) for i in range(table.row_count))
        for line in rec.costs:
            assert f"${line.monthly_usd:,.0f}" in cells

        await view.show_tab("rec-steps")
        await pilot.pause()
        steps = " ".join(plain(s) for s in view.query(".step"))
        for step in rec.first_steps:
            assert step in steps

        await view.show_tab("rec-change")
        await pilot.pause()
        changes = " ".join(plain(s) for s in view.query("#rec-change .bullet"))
        for change in rec.what_would_change:
            assert change.description in changes


# ---------------------------------------------------------------------------------------------
# Citations


async def test_selecting_a_citation_opens_the_passage(interview: Interview) -> None:
    thread_id = finished_thread(interview)
    rec = interview.state(thread_id).recommendation
    assert rec.passages, "the offline recommendation cites passages"
    app = LeverApp(interview=interview, resume=thread_id)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+r")
        await pilot.click("#--content-tab-rec-reasons")
        await until(pilot, lambda: bool(app.query(CitationButton)), "the citation buttons")
        button = app.query(CitationButton).first()
        await pilot.click(button)
        await until(pilot, lambda: isinstance(app.screen, PassageScreen), "the passage dialog")
        passage = rec.passages[button.number - 1]
        assert app.screen.passage == passage
        assert plain(app.screen.query_one("#passage-title")) == passage.title
        assert plain(app.screen.query_one("#passage-text")) == passage.text.strip()
        if passage.url:
            assert passage.url in plain(app.screen.query_one("#passage-meta"))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PassageScreen)

        # From the keyboard: ctrl+s lists the sources; Enter opens the highlighted one.
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.focused, OptionList), "the sources list")
        sources = app.query_one("#source-list", OptionList)
        assert sources.option_count == len(rec.passages)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, PassageScreen), "the passage dialog")
        assert app.screen.number == 2
        assert app.screen.passage == rec.passages[1]


async def test_citation_links_in_the_explanation(interview: Interview, monkeypatch) -> None:
    thread_id = finished_thread(interview)
    rec = interview.state(thread_id).recommendation
    app = RecordingApp(interview=interview, resume=thread_id)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+r")
        view = app.query_one(RecommendationView)
        await view.show_tab("rec-explanation")
        await pilot.pause()
        summary = view.query_one("#rec-summary", Markdown)
        assert "(cite:1)" in summary.source  # [1] markers became links
        summary.post_message(Markdown.LinkClicked(summary, "cite:1"))
        await until(pilot, lambda: isinstance(app.screen, PassageScreen), "the passage dialog")
        assert app.screen.passage == rec.passages[0]
        await pilot.press("escape")
        await pilot.pause()
        # Other links are never opened by a click: the address is shown instead.
        summary.post_message(Markdown.LinkClicked(summary, "https://example.com/x"))
        await pilot.pause()
        assert opened == []
        assert any(n["message"] == "https://example.com/x" and n["markup"] is False for n in app.notes)


# ---------------------------------------------------------------------------------------------
# Export


def _exports(tmp_path: Path, suffix: str) -> list[Path]:
    folder = tmp_path / "exports"
    return sorted(folder.glob(f"*.{suffix}")) if folder.exists() else []


async def export_from_dialog(pilot, app: LeverApp, folder: str | None = None) -> "ExportScreen":
    """ctrl+e, optionally type a folder, Enter; wait for the outcome of every format."""
    await pilot.press("ctrl+e")
    await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
    dialog = app.screen
    if folder is not None:
        dialog.query_one("#export-folder").value = folder
    await pilot.press("enter")
    await until(pilot, lambda: len(dialog.outcomes) == 2, "the export outcomes")
    await pilot.pause()
    return dialog


async def test_export_writes_json_and_markdown_to_the_exports_folder(
    interview: Interview, tmp_path: Path, monkeypatch
) -> None:
    import jsonschema

    from agent.export import export_schema

    monkeypatch.delenv("LEVER_EXPORT_DIR")  # the default: the exports folder in Lever's home
    thread_id = finished_thread(interview)
    interview.send(thread_id, "What if we had 5,000 labelled examples?")
    snap = interview.state(thread_id)
    app = RecordingApp(interview=interview, resume=thread_id)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        dialog = await export_from_dialog(pilot, app)
        folder = interview.home / "exports"
        assert dialog.query_one("#export-folder").value == str(folder)
        shown = plain(dialog.query_one("#export-result"))
        json_path, md_path = sorted(folder.glob("*.json"))[0], sorted(folder.glob("*.md"))[0]
        assert str(json_path) in shown and str(md_path) in shown  # the paths are shown...
        await pilot.press("c")
        assert copied == [str(folder)]  # ...and the folder's path can be copied
        await pilot.press("escape")
    pattern = rf"lever-{thread_id[:8]}-\d{{8}}-\d{{6}}"
    assert re.fullmatch(pattern + r"\.json", json_path.name)
    assert re.fullmatch(pattern + r"\.md", md_path.name)

    # The JSON validates against the published schema and carries what a reader needs.
    data = json.loads(json_path.read_text(encoding="utf-8"))
    jsonschema.validate(data, export_schema())
    assert data["interview_id"] == thread_id and data["brain"] == "offline" and data["lever_version"]
    assert data["created"] and data["updated"] and data["exported"]
    assert Recommendation.model_validate(data["recommendation"]) == snap.recommendation
    stated = {f["field"]: f for f in data["facts"]}
    assert stated["need"]["quote"] == ANSWERS["need"] and all(f["status"] == "stated" for f in data["facts"])
    assert [m["text"] for m in data["transcript"]] == [m.text for m in snap.messages]
    assert data["cost"]["session_usd"] == 0
    if snap.hypothesis is not None:
        assert data["hypothetical"]["status"] == "hypothetical"
        assert all(f["status"] == "hypothetical" for f in data["hypothetical"]["facts"])

    # The report: the final recommendation once, answers as quotes, no code blocks.
    report = md_path.read_text(encoding="utf-8")
    assert report.count("## Recommendation") == 1
    assert f"> {ANSWERS['need']}" in report and "```" not in report and "\n    " not in report
    assert "Earlier recommendations" in report and "Transcript" in report and "Sources" in report


async def test_export_to_a_typed_folder_and_an_unwritable_one(interview: Interview, tmp_path: Path) -> None:
    thread_id = finished_thread(interview)
    app = RecordingApp(interview=interview, resume=thread_id)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        dialog = await export_from_dialog(pilot, app, str(tmp_path / "chosen"))
        assert all(o.path is not None and o.path.parent == tmp_path / "chosen" for o in dialog.outcomes)
        await pilot.press("escape")
        await pilot.pause()
        dialog = await export_from_dialog(pilot, app, str(blocker / "sub"))
        shown = plain(dialog.query_one("#export-result"))
    assert [o.path for o in dialog.outcomes] == [None, None]
    assert "JSON not written" in shown and "Markdown report not written" in shown  # both outcomes are said
    assert "a file, not a folder" in shown and "Error" not in shown


async def test_when_one_format_fails_both_outcomes_are_reported(interview: Interview, tmp_path: Path, monkeypatch):
    import agent.report

    def broken(*args, **kwargs):
        raise ValueError("The report could not be made")

    monkeypatch.setattr(agent.report, "markdown_report", broken)
    thread_id = finished_thread(interview)
    app = RecordingApp(interview=interview, resume=thread_id)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        dialog = await export_from_dialog(pilot, app)
        shown = plain(dialog.query_one("#export-result"))
    json_outcome, md_outcome = dialog.outcomes
    assert json_outcome.path is not None and json_outcome.path.exists() and md_outcome.path is None
    assert "JSON written" in shown and "Markdown report not written: The report could not be made." in shown


async def test_export_before_a_recommendation_says_why(interview: Interview, tmp_path: Path) -> None:
    app = RecordingApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        dialog = await export_from_dialog(pilot, app)
        shown = plain(dialog.query_one("#export-result"))
    assert _exports(tmp_path, "json") == []
    assert shown.count("no recommendation to export yet") == 2


# ---------------------------------------------------------------------------------------------
# History


async def open_history(pilot, app: LeverApp, count: int) -> HistoryScreen:
    """Open the history dialog and wait until it lists ``count`` interviews."""
    await pilot.press("ctrl+o")
    await until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
    history = app.screen
    await until(pilot, lambda: len(history.summaries) == count, "the list of interviews")
    return history


def _two_interviews(iv: Interview) -> tuple[str, str]:
    first = iv.start().thread_id
    iv.send(first, "We classify support tickets into 12 categories")
    second = iv.start().thread_id
    iv.send(second, "We answer questions from our internal wiki")
    return first, second


async def test_resume_from_history(interview: Interview) -> None:
    first, second = _two_interviews(interview)
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        current = app.thread_id
        assert current not in (first, second)
        history = await open_history(pilot, app, 2)
        ids = [s.thread_id for s in history.summaries]
        assert set(ids) == {first, second}  # the new, unanswered interview is not history yet
        table = history.query_one("#history-table")
        table.move_cursor(row=ids.index(first))
        await pilot.press("enter")
        await until(pilot, lambda: app.thread_id == first and not isinstance(app.screen, HistoryScreen), "resume")
        await pilot.pause()
        assert "We classify support tickets into 12 categories" in user_texts(app)
        assert len(app.conversation.query(".message")) == len(interview.state(first).messages)


async def test_resume_from_the_command_line(interview: Interview) -> None:
    first, second = _two_interviews(interview)
    latest = interview.list()[0].thread_id
    unanswered = interview.start().thread_id  # Lever opened and closed without an answer
    assert unanswered not in [s.thread_id for s in interview.list()]  # history starts at the first answer
    app = LeverApp(interview=interview, resume=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert app.thread_id == latest  # the latest interview someone answered
        history = await open_history(pilot, app, 2)
        assert unanswered not in [s.thread_id for s in history.summaries]

    app = LeverApp(interview=interview, resume=first[:6])
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert app.thread_id == first
        assert "We classify support tickets into 12 categories" in user_texts(app)

    # An id that matches nothing: the history opens with the reason.
    app = LeverApp(interview=interview, resume="zzzz-no-such-id")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
        message = plain(app.screen.query_one("#history-message"))
        assert "zzzz-no-such-id" in message
        await pilot.press("escape")  # nothing chosen: a new interview starts
        await started(pilot, app)
        assert app.thread_id not in (first, second)


async def test_delete_asks_for_confirmation(interview: Interview) -> None:
    first, second = _two_interviews(interview)
    app = LeverApp(interview=interview, resume=second)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        history = await open_history(pilot, app, 2)
        ids = [s.thread_id for s in history.summaries]
        history.query_one("#history-table").move_cursor(row=ids.index(first))

        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.press("escape")  # cancel
        await until(pilot, lambda: app.screen is history, "back to the history")
        assert first in [s.thread_id for s in interview.list()]

        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.click("#confirm-yes")
        await until(pilot, lambda: len(history.summaries) == 1, "the list without it")
        assert first not in [s.thread_id for s in interview.list()]
        assert app.thread_id == second  # the open interview is untouched


async def test_export_from_history(interview: Interview, tmp_path: Path) -> None:
    thread_id = finished_thread(interview)
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        history = await open_history(pilot, app, 1)
        ids = [s.thread_id for s in history.summaries]
        history.query_one("#history-table").move_cursor(row=ids.index(thread_id))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        assert app.screen.thread_id == thread_id
        await pilot.press("enter")
        await until(pilot, lambda: _exports(tmp_path, "json") and _exports(tmp_path, "md"), "the export files")
    assert _exports(tmp_path, "json")[0].name.startswith(f"lever-{thread_id[:8]}-")


async def test_new_interview_keeps_the_old_one(interview: Interview) -> None:
    old = finished_thread(interview)
    app = LeverApp(interview=interview, resume=old)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.views.active == "rec-pane"
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.thread_id != old and not app.busy, "a new interview")
        await pilot.pause()
        assert user_texts(app) == []
        assert app.snapshot.pending is not None and app.recommendation is None
        assert app.views.active == "chat-pane"
        assert not app.query(RecommendationView)  # the old recommendation is gone from view
        assert app.focused is app.prompt
        assert old in [s.thread_id for s in interview.list()]


# ---------------------------------------------------------------------------------------------
# Literal text, cleaning and limits


async def test_markup_in_user_text_is_shown_literally(interview: Interview) -> None:
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await send(pilot, app, MARKUP)
        bubble = app.conversation.query(UserMessage).last()
        assert plain(bubble) == MARKUP
        app.conversation.scroll_to_widget(bubble, animate=False)
        await pilot.pause()
        await pilot.click(bubble, offset=(4, 1))  # a parsed [@click=app.quit] would quit here
        await pilot.pause()
        assert app.is_running and app.return_code is None
        # The progress panel quotes it literally too, if it was taken as an answer.
        rows = [plain(row) for row in app.query(TopicRow)]
        assert all("not bold" not in row or "[bold]" in row for row in rows)


async def test_failed_turn_shows_the_reason_literally_and_keeps_the_text(tmp_path: Path) -> None:
    reason = "The brain is busy [bold]now[/] [@click=app.quit]; try again."
    iv = interview_failing_with(tmp_path / "home", LeverError(reason))
    app = RecordingApp(interview=iv)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        shown = len(app.conversation.query(".message"))
        error = await send_expecting_error(pilot, app, "my precious answer")
        assert error["message"] == reason
        assert error["markup"] is False
        assert app.prompt.value == "my precious answer"
        assert len(app.conversation.query(".message")) == shown  # the unsent message is not shown as sent
        assert not app.conversation.query(Thinking)
        assert app.conversation.query(QuickReplies)  # the options are back
        assert app.is_running
    iv.close()


async def test_an_unexpected_failure_is_reported_and_the_app_survives(tmp_path: Path) -> None:
    iv = interview_failing_with(tmp_path / "home", RuntimeError("disk full"))
    app = RecordingApp(interview=iv)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        error = await send_expecting_error(pilot, app, "weekly")
        assert "disk full" in error["message"] and error["markup"] is False
        assert "RuntimeError" not in error["message"] and "Error" not in error["message"]
        assert app.prompt.value == "weekly" and not app.busy and app.is_running
    iv.close()


async def test_huge_paste_is_cut_with_a_notice(interview: Interview) -> None:
    app = RecordingApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.prompt.focus()
        app.prompt.post_message(events.Paste("x" * 1_000_000))
        await until(pilot, lambda: app.prompt.value, "the paste")
        assert len(app.prompt.value) == MAX_MESSAGE_CHARS
        cut = [n for n in app.notes if n["title"] == "Paste too long"]
        assert cut and f"{MAX_MESSAGE_CHARS:,}" in cut[0]["message"]
        before = len(app.snapshot.messages)
        await pilot.press("enter")
        await wait_reply(pilot, app, before)
        stored = [m for m in app.snapshot.messages if m.role == "user"][-1]
        assert len(stored.text) == MAX_MESSAGE_CHARS
        assert app.conversation.query(UserMessage).last().text == stored.text


async def test_control_and_escape_characters_are_stripped(interview: Interview) -> None:
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.prompt.focus()
        app.prompt.post_message(events.Paste("weekly\x1b[31m red\x1b[0m\x07 docs\x1b]0;title\x07\nsecond line"))
        await until(pilot, lambda: app.prompt.value, "the paste")
        assert app.prompt.value == "weekly red docs\nsecond line"  # cleaned, and the paste keeps its lines

        # Typed or set text with control characters is cleaned before display and storage.
        before = len(app.snapshot.messages)
        app.prompt.value = "we have \x1b[2Jdocs\x08\x00 that change"
        await pilot.press("enter")
        await wait_reply(pilot, app, before)
        stored = [m for m in app.snapshot.messages if m.role == "user"][-1].text
        shown = app.conversation.query(UserMessage).last()
        for text in (stored, shown.text, plain(shown)):
            assert "\x1b" not in text and "\x00" not in text and "\x08" not in text


# ---------------------------------------------------------------------------------------------
# Never frozen: thinking, streaming, following the conversation


class GatedInterview(Interview):
    """The real facade, but ``send`` streams two chunks then waits for the test to let it go."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.streamed = threading.Event()

    def send(self, thread_id, text, on_text=None):
        if on_text is not None:
            on_text("Thinking it **through**")
            on_text(" as I go.")
        self.streamed.set()
        assert self.gate.wait(30)
        return super().send(thread_id, text, on_text)


async def test_thinking_state_streaming_and_a_responsive_ui(tmp_path: Path) -> None:
    iv = GatedInterview(home=tmp_path / "home")
    app = RecordingApp(interview=iv)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        before = len(app.snapshot.messages)
        app.prompt.value = ANSWERS["need"]
        await pilot.press("enter")
        await until(pilot, lambda: app.busy and bool(app.conversation.query(Thinking)), "the thinking state")
        assert app.conversation.query(UserMessage).last().text == ANSWERS["need"]

        # Streamed text appears as it arrives.
        await until(pilot, lambda: app._stream_bubble is not None, "the streamed text")
        await until(pilot, lambda: "as I go." in app._stream_bubble.markdown.source, "all the streamed text")

        # The UI keeps working: typing, and a second Enter is refused politely, keeping the text.
        await pilot.press("o", "k")
        assert app.prompt.value == "ok"
        await pilot.press("enter")
        await pilot.pause()
        assert app.prompt.value == "ok"
        assert any("still answering" in n["message"] for n in app.notes)

        iv.gate.set()
        await wait_reply(pilot, app, before)
        assert not app.conversation.query(Thinking)
        assert app._stream_bubble is None
        texts = [w.text for w in app.conversation.query(AssistantMessage)]
        assert texts == [m.text for m in app.snapshot.messages if m.role == "assistant" and m.kind != "notice"]
    iv.close()


async def test_view_follows_new_messages_unless_scrolled_up(tmp_path: Path) -> None:
    iv = GatedInterview(home=tmp_path / "home")
    iv.gate.set()
    app = LeverApp(interview=iv)
    async with app.run_test(size=(100, 20)) as pilot:
        await started(pilot, app)
        for text in (ANSWERS["need"], ANSWERS["freshness"]):
            await send(pilot, app, text)
        conversation = app.conversation
        await pilot.pause()
        assert conversation.max_scroll_y > 0
        assert conversation.scroll_y == conversation.max_scroll_y  # following

        iv.gate.clear()
        iv.streamed.clear()
        before = len(app.snapshot.messages)
        app.prompt.value = ANSWERS["budget"]
        await pilot.press("enter")
        await until(pilot, lambda: app.busy, "the turn")
        await pilot.pause()
        conversation.scroll_home(animate=False)  # the user scrolls up to reread
        await pilot.pause()
        iv.gate.set()
        await wait_reply(pilot, app, before)
        await pilot.pause()
        assert conversation.scroll_y == 0
        assert conversation.max_scroll_y > 0
    iv.close()


# ---------------------------------------------------------------------------------------------
# Keys, palette, help, quitting


async def test_footer_keys_palette_and_help(interview: Interview) -> None:
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        keys = app.screen.active_bindings
        for key in ("ctrl+n", "ctrl+o", "ctrl+e", "ctrl+r", "ctrl+s", "f1", "ctrl+q"):
            assert key in keys and keys[key].binding.show

        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("New interview", "History", "Export", "Help"):
            assert title in titles

        # The palette runs them: ctrl+p, type, Enter.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"History")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history from the palette")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_typing_while_focus_is_elsewhere_goes_to_the_input(interview: Interview) -> None:
    thread_id = finished_thread(interview)
    app = LeverApp(interview=interview, resume=thread_id)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.focused is not app.prompt
        await pilot.press(*"why")
        assert app.focused is app.prompt
        assert app.prompt.value == "why"


async def test_ctrl_c_quits_and_the_interview_is_saved(interview: Interview) -> None:
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await send(pilot, app, ANSWERS["need"])
        thread_id = app.thread_id
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 0
    assert thread_id in [s.thread_id for s in interview.list()]
    assert any(m.text == ANSWERS["need"] for m in interview.state(thread_id).messages)


async def test_offline_notice_is_shown_once(interview: Interview) -> None:
    app = RecordingApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await send(pilot, app, ANSWERS["need"])
        await send(pilot, app, ANSWERS["freshness"])
        assert plain(app.query_one("#brain-line")) == "Brain: offline  no API cost"
    offline = [n for n in app.notes if "ANTHROPIC_API_KEY" in n["message"]]
    assert len(offline) == 1 and offline[0]["severity"] == "information"


async def test_notices_from_the_interview_are_shown(interview: Interview) -> None:
    app = RecordingApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        before = len(app.snapshot.messages)
        app.prompt.value = "docs \x1b[31mchange\x1b[0m weekly"
        await pilot.press("enter")
        await wait_reply(pilot, app, before)
    notes = [n for n in app.notes if n["title"] == "Note" and n["severity"] == "warning"]
    assert notes and all(n["markup"] is False for n in notes)


async def test_boot_failure_is_reported(monkeypatch) -> None:
    import agent

    def broken(*args, **kwargs):
        raise LeverError("The store is locked [bold]by another process[/].")

    monkeypatch.setattr(agent, "Interview", broken)
    app = RecordingApp()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.boot_error is not None, "the start-up failure")
        await pilot.pause()
        notice = app.conversation.query(NoticeMessage).last()
        assert "[bold]by another process[/]" in plain(notice)
        assert not app.notes, "said once, in the chat: no toast over it"
        assert "could not start" in app.prompt.placeholder
        await pilot.press("ctrl+q")
    assert app.return_code in (None, 0)


# ---------------------------------------------------------------------------------------------
# Start-up: the first question is drawn before the interview (and LangGraph) is built


class SlowStartApp(RecordingApp):
    """Builds its own interview, but only once the test lets it (LangGraph's import, made as slow as we like)."""

    def __init__(self, gate: threading.Event, home: Path) -> None:
        super().__init__()
        self.gate, self.home = gate, home

    def _make_interview(self):
        self.gate.wait(20)
        self.interview = Interview(home=self.home)
        return super()._make_interview()


async def test_first_question_shows_before_the_interview_exists_and_is_not_drawn_twice(tmp_path):
    gate = threading.Event()
    app = SlowStartApp(gate, tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        conversation = app.conversation
        await until(pilot, lambda: list(conversation.query(QuickReplies)), "the opening question")
        assert app.thread_id is None and app.interview is None, "drawn while the interview is still being built"
        opening = conversation.query(AssistantMessage).first()
        assert opening.text.startswith("Hi, I'm Lever.") and opening.topic == "need"
        assert len(conversation.query(QuickReplies)) == 1

        gate.set()  # once the interview exists, the same question belongs to a real thread
        await until(pilot, lambda: app.thread_id is not None, "the interview")
        await pilot.pause()
        assert list(conversation.query(AssistantMessage)) == [opening], "adopted, not drawn again"
        assert len(conversation.query(QuickReplies)) == 1 and app.snapshot.messages[0].text == opening.text
        app.prompt.value = ANSWERS["need"]
        await pilot.press("enter")
        await until(pilot, lambda: not app.busy and len(app.snapshot.messages) >= 3, "the second question")
        assert app.snapshot.profile.known("need")
        assert [m.topic for m in conversation.query(AssistantMessage)][:2] == ["need", "freshness"]


async def test_enter_pressed_before_the_interview_is_ready_is_sent_when_it_is(tmp_path):
    gate = threading.Event()
    app = SlowStartApp(gate, tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        conversation = app.conversation
        await until(pilot, lambda: list(conversation.query(QuickReplies)), "the opening question")
        assert app.interview is None
        await pilot.press(*"our docs")
        await pilot.press("enter")  # early: queued, shown at once as waiting, never lost
        await pilot.pause()
        assert app.prompt.value == ""
        waiting = conversation.query(UserMessage).last()
        assert waiting.text == "our docs" and waiting.has_class("-pending")
        assert "still starting" in conversation.query(Thinking).last().text
        assert not conversation.query(QuickReplies)

        gate.set()
        await until(pilot, lambda: app.snapshot is not None and len(app.snapshot.messages) >= 3 and not app.busy,
                    "the queued answer to be sent")
        await pilot.pause()
        assert [m.text for m in app.snapshot.messages if m.role == "user"] == ["our docs"]
        assert user_texts(app) == ["our docs"] and not conversation.query(UserMessage).last().has_class("-pending")


async def test_enter_typed_ahead_of_raw_mode_arrives_as_ctrl_j_and_still_sends(tmp_path):
    """Typed before the terminal is in raw mode, Enter reaches the app as a line feed (ctrl+j)."""
    gate = threading.Event()
    app = SlowStartApp(gate, tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: list(app.conversation.query(QuickReplies)), "the opening question")
        await pilot.press(*"weekly")
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert app.prompt.value == "" and app.conversation.query(UserMessage).last().text == "weekly"
        gate.set()
        await until(pilot, lambda: app.snapshot is not None and len(app.snapshot.messages) >= 3 and not app.busy,
                    "the queued answer to be sent")
        # Once Lever is ready, ctrl+j is a new line again.
        app.prompt.focus()
        await pilot.press(*"a", "ctrl+j", *"b")
        assert app.prompt.value == "a\nb"


async def test_a_queued_answer_goes_back_in_the_box_if_lever_cannot_start(tmp_path, monkeypatch):
    gate = threading.Event()

    class BrokenStart(SlowStartApp):
        def _make_interview(self):
            self.gate.wait(20)
            raise LeverError("The store is locked by another Lever.")

    app = BrokenStart(gate, tmp_path / "home")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: list(app.conversation.query(QuickReplies)), "the opening question")
        app.prompt.value = "our docs"
        await pilot.press("enter")
        gate.set()
        await until(pilot, lambda: app.boot_error is not None, "the start-up failure")
        await pilot.pause()
        assert app.prompt.value == "our docs" and not app.conversation.query(UserMessage)
