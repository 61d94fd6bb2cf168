"""Pilot tests of the chat habits people bring from other tools: input history, multi-line input, the
clipboard, citations and tabs from the keyboard while typing, History search and rename, notifications
that never cover the input, layouts at common sizes, and the progress panel's understood values."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from agent import Interview
from agent.types import Fact, Hypothesis, Snapshot, TopicStatus
from tui.app import LeverApp
from tui.screens import HistoryScreen, PassageScreen, RenameScreen
from tui.widgets import ProgressPanel, QuickReplies, TopicRow, UserMessage

from conftest import ANSWERS, SIZE, finished_thread
from test_tui import RecordingApp, open_history, plain, send, started, until


class ClipboardApp(RecordingApp):
    """The app, remembering what it put on the clipboard instead of asking the terminal."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clipboard_calls: list[str] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.clipboard_calls.append(text)


# ---------------------------------------------------------------------------------------------
# The input


async def test_up_and_down_recall_earlier_answers(interview: Interview) -> None:
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await send(pilot, app, ANSWERS["need"])
        await send(pilot, app, ANSWERS["freshness"])
        app.prompt.focus()
        await pilot.press("up")
        assert app.prompt.value == ANSWERS["freshness"]
        await pilot.press("up")
        assert app.prompt.value == ANSWERS["need"]
        await pilot.press("up")  # the oldest stays
        assert app.prompt.value == ANSWERS["need"]
        await pilot.press("down")
        assert app.prompt.value == ANSWERS["freshness"]
        await pilot.press("down")  # past the newest: an empty box again
        assert app.prompt.value == ""
        # An edited draft is never replaced by the history.
        await pilot.press(*"draft")
        await pilot.press("up")
        assert app.prompt.value == "draft"


async def test_history_is_the_resumed_interviews_answers(interview: Interview) -> None:
    thread_id = finished_thread(interview)
    answers = [m.text for m in interview.state(thread_id).messages if m.role == "user"]
    app = LeverApp(interview=interview, resume=thread_id)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.prompt.focus()
        await pilot.press("up")
        assert app.prompt.value == answers[-1]


async def test_multi_line_input_is_sent_with_its_lines(interview: Interview) -> None:
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.prompt.focus()
        await pilot.press(*"We answer questions")
        await pilot.press("shift+enter")
        await pilot.press(*"from our docs")
        await pilot.press("alt+enter")
        await pilot.press(*"and wiki")
        assert app.prompt.value == "We answer questions\nfrom our docs\nand wiki"
        assert app.busy is False and len(app.snapshot.messages) == 1, "a new line is not a send"
        before = len(app.snapshot.messages)
        await pilot.press("enter")
        await until(pilot, lambda: not app.busy and len(app.snapshot.messages) > before, "the reply")
        stored = [m.text for m in app.snapshot.messages if m.role == "user"]
        assert stored == ["We answer questions\nfrom our docs\nand wiki"]
        assert app.conversation.query(UserMessage).last().text == stored[0]
        assert app.prompt.value == ""


async def test_the_input_stops_at_the_message_limit(interview: Interview) -> None:
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.prompt.set_limit(10)
        app.prompt.focus()
        await pilot.press(*"0123456789abc")
        assert app.prompt.value == "0123456789"


async def test_fast_typing_from_the_recommendation_view_loses_no_key(interview: Interview) -> None:
    from textual import events

    app = LeverApp(interview=interview, resume=finished_thread(interview))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        app.query_one("#rec-tabs").query_one("Tabs").focus()
        await pilot.pause()
        for ch in "what if":  # a burst: every key is queued for the tabs before focus moves
            app.post_message(events.Key(ch if ch != " " else "space", ch))
        await until(pilot, lambda: app.prompt.value == "what if", "every key in the input")
        assert app.focused is app.prompt


# ---------------------------------------------------------------------------------------------
# Citations and tabs from the keyboard, while typing


async def test_citations_open_from_the_palette_while_typing(interview: Interview) -> None:
    thread_id = finished_thread(interview)
    rec = interview.state(thread_id).recommendation
    assert len(rec.passages) >= 3
    app = LeverApp(interview=interview, resume=thread_id)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.prompt.focus()
        await pilot.press(*"why 3")  # digits typed in the input stay text
        assert app.prompt.value == "why 3" and not isinstance(app.screen, PassageScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"source 3")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PassageScreen), "the passage from the palette")
        assert app.screen.number == 3 and app.screen.passage == rec.passages[2]
        await pilot.press("escape")
        await pilot.pause()
        assert app.prompt.value == "why 3", "the text being typed is kept"


async def test_digits_open_citations_in_the_recommendation_and_arrows_switch_tabs(interview: Interview) -> None:
    thread_id = finished_thread(interview)
    rec = interview.state(thread_id).recommendation
    app = LeverApp(interview=interview, resume=thread_id)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        tabs = app.query_one("#rec-tabs", TabbedContent)
        assert tabs.active == "rec-verdict"

        # ←/→ switch tabs with focus in the recommendation...
        await pilot.press("right")
        await until(pilot, lambda: tabs.active == "rec-reasons", "the reasons tab")
        await pilot.press("2")  # ...digits open a cited passage there...
        await until(pilot, lambda: isinstance(app.screen, PassageScreen), "the passage")
        assert app.screen.passage == rec.passages[1]
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, PassageScreen), "the passage closed")

        # ...and from the (empty) input too.
        app.prompt.focus()
        await pilot.pause()
        await pilot.press("right")
        await until(pilot, lambda: tabs.active not in ("rec-reasons", "rec-verdict"), "the next tab")
        await pilot.press("left", "left")
        await until(pilot, lambda: tabs.active == "rec-verdict", "back to the verdict")
        # With text in the input, the arrows move its cursor instead.
        await pilot.press(*"ab")
        assert app.views.active == "rec-pane"
        await pilot.press("left")
        await pilot.pause()
        assert tabs.active == "rec-verdict" and app.prompt.cursor_location == (0, 1)


# ---------------------------------------------------------------------------------------------
# The clipboard


async def test_copy_the_last_message_the_recommendation_and_a_clicked_message(interview: Interview) -> None:
    thread_id = finished_thread(interview)
    snap = interview.state(thread_id)
    app = ClipboardApp(interview=interview, resume=thread_id)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("ctrl+y")  # in the chat: Lever's last message
        last = [m for m in snap.messages if m.role == "assistant"][-1]
        assert app.clipboard_calls == [last.text]

        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("ctrl+y")  # in the recommendation view: all of it, as Markdown
        copied = app.clipboard_calls[-1]
        assert copied.startswith(f"# Recommendation: {snap.recommendation.label}")
        for step in snap.recommendation.first_steps:
            assert step in copied
        assert "### Sources" in copied

        await pilot.press("ctrl+r")
        await pilot.pause()
        bubble = app.conversation.query(UserMessage).last()
        app.conversation.scroll_to_widget(bubble, animate=False)
        await pilot.pause()
        await pilot.click(bubble)
        await pilot.pause()
        assert app.clipboard_calls[-1] == bubble.text
        assert any("copied" in n["message"] for n in app.notes)


# ---------------------------------------------------------------------------------------------
# History: search and rename


def _three_interviews(iv: Interview) -> dict[str, str]:
    ids = {}
    for key, text in (("tickets", "We classify support tickets into 12 categories"),
                      ("wiki", "We answer questions from our internal wiki"),
                      ("voice", "Our replies must sound like our brand")):
        thread = iv.start().thread_id
        iv.send(thread, text)
        ids[key] = thread
    return ids


async def test_history_search_filters_and_rename_names_an_interview(interview: Interview) -> None:
    ids = _three_interviews(interview)
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        history = await open_history(pilot, app, 3)

        # Typing searches (the first answer, the id, the strategy or the name).
        await pilot.press(*"wiki")
        await pilot.pause()
        assert [s.thread_id for s in history.summaries] == [ids["wiki"]]
        await pilot.press("escape")  # clears the search, keeps the dialog
        await pilot.pause()
        assert len(history.summaries) == 3 and isinstance(app.screen, HistoryScreen)
        await pilot.press("slash", *ids["voice"][:6])  # / first: e, d and r are keys of the table
        await pilot.pause()
        assert [s.thread_id for s in history.summaries] == [ids["voice"]]
        await pilot.press("escape")
        await pilot.pause()

        # r renames the selected interview; the name shows, is kept, and is searchable.
        table = history.query_one("#history-table", DataTable)
        table.move_cursor(row=[s.thread_id for s in history.summaries].index(ids["tickets"]))
        table.focus()
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, RenameScreen), "the rename dialog")
        await pilot.press(*"Ticket router")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is history, "back to the history")
        await pilot.pause()
        assert app.names.get(ids["tickets"]) == "Ticket router"
        row = table.get_row(ids["tickets"])
        assert "Ticket router" in str(row[1])
        await pilot.press("slash")  # / goes to the search box
        await pilot.pause()
        assert history.focused is history.query_one("#history-search")
        await pilot.press(*"router")
        await pilot.pause()
        assert [s.thread_id for s in history.summaries] == [ids["tickets"]]
        await pilot.press("enter")  # Enter in the search resumes the match
        await until(pilot, lambda: app.thread_id == ids["tickets"], "the renamed interview")

    from tui.names import Names

    assert Names(interview.home).get(ids["tickets"]) == "Ticket router"  # kept on disk


async def test_history_shows_whole_ids_at_80_columns(interview: Interview) -> None:
    ids = _three_interviews(interview)
    app = LeverApp(interview=interview)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot, app)
        history = await open_history(pilot, app, 3)
        table = history.query_one("#history-table", DataTable)
        column = table.ordered_columns[table.get_column_index("id")]
        assert column.get_render_width(table) - 2 * table.cell_padding >= 12
        assert str(table.get_row(ids["wiki"])[3]) == ids["wiki"]
        assert table.size.width <= history.query_one("#history-dialog").content_size.width


# ---------------------------------------------------------------------------------------------
# Layout and notifications


async def test_quick_replies_are_never_cut(interview: Interview) -> None:
    for size in ((80, 24), (120, 40), (150, 40), (200, 50)):
        app = LeverApp(interview=interview)
        async with app.run_test(size=size) as pilot:
            await started(pilot, app)
            await send(pilot, app, ANSWERS["need"])
            await send(pilot, app, ANSWERS["freshness"])  # the budget question has the longest options
            await pilot.pause()
            replies = app.conversation.query(QuickReplies).last()
            for button in replies.buttons:
                label = str(button.label)
                assert button.content_size.width >= len(label), f"{label!r} cut at {size}"


async def test_notifications_never_cover_the_input(interview: Interview) -> None:
    app = RecordingApp(interview=interview)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await started(pilot, app)
        app.notify("one", timeout=30)
        app.notify("two", timeout=30)
        await pilot.pause(0.3)
        prompt = app.prompt.region
        from textual.widgets._toast import Toast

        toasts = list(app.screen.query(Toast))
        assert toasts
        for toast in toasts:
            assert not toast.region.overlaps(prompt)
            assert toast.region.y < prompt.y
    # Start-up and a whole answer raise at most one toast (the brain notice) and none that lingers.
    assert len(app.notes) <= 3


async def test_progress_panel_shows_understood_values_quotes_brain_cost_and_what_if(interview: Interview) -> None:
    app = LeverApp(interview=interview)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        snap = app.snapshot
        progress = [
            TopicStatus(id="need", title="Knowledge or behaviour", key=True, status="answered",
                        quote="We answer questions from our docs", value="knowledge (your facts and documents)"),
            TopicStatus(id="freshness", title="How often it changes", key=True, status="answered",
                        quote="weekly, more or less", value="changes weekly"),
            TopicStatus(id="budget", title="Latency and cost budget", key=True, status="unanswered"),
        ]
        hypothesis = Hypothesis(facts={"examples": Fact(value=5000, quote="what if we had 5k examples")},
                                quote="what if we had 5k examples")
        fake = Snapshot(thread_id=snap.thread_id or "x", messages=snap.messages, profile=snap.profile,
                        pending=snap.pending, progress=progress, questions_asked=2, brain="claude",
                        session_usd=0.0123, hypothesis=hypothesis)
        panel = app.query_one(ProgressPanel)
        await panel.show(fake)
        await pilot.pause()
        rows = {row.topic.id: row for row in app.query(TopicRow)}
        def words(row) -> str:
            return " ".join(plain(row).split())

        assert "knowledge (your facts and documents)" in words(rows["need"])
        assert "We answer" not in words(rows["need"]), "the value shows; the quote waits for hover or a click"
        assert "We answer questions from our docs" in str(rows["need"].tooltip)
        await pilot.click(rows["need"])
        await pilot.pause()
        assert "We answer questions from our docs" in words(rows["need"])
        assert plain(app.query_one("#progress-count")) == "2 of 3 topics known after 2 questions"
        brain = plain(app.query_one("#brain-line"))
        assert "claude" in brain and "$0.0123" in brain
        whatif = plain(app.query_one("#whatif-line"))
        assert app.query_one("#whatif-title").display and "5,000 labelled examples" in whatif
