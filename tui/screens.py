"""Modal screens: a cited passage, past interviews, confirmation, help."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Markdown, Static

from tui.text import shorten

if TYPE_CHECKING:
    from agent.types import InterviewSummary
    from knowledge.types import Passage


class PassageScreen(ModalScreen[None]):
    """One cited passage with its source. Text is shown literally."""

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("c", "copy_link", "Copy link"),
        Binding("o", "open_link", "Open in browser"),
    ]

    def __init__(self, number: int, passage: "Passage") -> None:
        super().__init__(classes="dialog-screen")
        self.number = number
        self.passage = passage

    def compose(self) -> ComposeResult:
        p = self.passage
        with Vertical(id="passage-dialog", classes="dialog") as dialog:
            dialog.border_title = f"Source [{self.number}]"
            yield Static(Content.assemble((p.title, "bold $accent")), markup=False, id="passage-title")
            meta: list = []
            if p.section and p.section != p.title:
                meta.append(("§ " + p.section + "\n", "italic"))
            by = ", ".join(x for x in (p.publisher, p.date) if x)
            if by:
                meta.append((by + "\n", "$text-muted"))
            if p.url:
                meta.append((p.url, "underline $text-muted"))
            if meta:
                yield Static(Content.assemble(*meta), markup=False, id="passage-meta")
            with VerticalScroll(id="passage-body"):
                yield Static(Content(p.text.strip()), markup=False, id="passage-text")
            hints = "esc close" + ("  ·  c copy link  ·  o open in browser" if p.url else "")
            yield Static(Content(hints), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#passage-body").focus()

    def action_copy_link(self) -> None:
        if self.passage.url:
            self.app.copy_to_clipboard(self.passage.url)
            self.notify(self.passage.url, title="Link copied", markup=False)

    def action_open_link(self) -> None:
        if self.passage.url:
            self.app.open_url(self.passage.url)


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no, defaulting to no."""

    BINDINGS = [Binding("escape,n", "answer(False)", "Cancel"), Binding("y", "answer(True)", "Yes")]

    def __init__(self, question: Content, yes: str = "Delete") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.question, markup=False, id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="error", id="confirm-yes")
                yield Button("Cancel", id="confirm-no")
            yield Static(Content(f"y {self.yes.lower()}  ·  n or esc cancel"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#confirm-no").focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


def _when(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp[:16]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


class HistoryScreen(ModalScreen[str | None]):
    """Past interviews, newest first. Dismisses with the thread id to resume, or None."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("e", "export", "Export"),
        Binding("d,delete", "delete", "Delete"),
    ]

    def __init__(self, current: str | None = None, message: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.current = current
        self.message = message
        self.summaries: list[InterviewSummary] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog", classes="dialog") as dialog:
            dialog.border_title = "Past interviews"
            if self.message:
                yield Static(Content(self.message), markup=False, id="history-message")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(Content("Loading…"), markup=False, id="history-empty")
            with Horizontal(classes="buttons"):
                yield Button("Resume", variant="primary", id="history-resume", compact=True)
                yield Button("Export", id="history-export", compact=True)
                yield Button("Delete", variant="error", id="history-delete", compact=True)
                yield Button("Close", id="history-close", compact=True)
            yield Static(
                Content("enter resume  ·  e export  ·  d delete  ·  esc close"), classes="hint", markup=False
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Updated", key="updated")
        table.add_column("Opening", key="opening")
        table.add_column("Strategy", key="strategy")
        table.add_column("ID", key="id")
        table.focus()
        self.reload()

    @work(exclusive=True, group="history")
    async def reload(self) -> None:
        try:
            summaries = await self.app.call_interview("list")  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.query_one("#history-empty", Static).update(Content(f"Could not list interviews: {error}"))
            return
        # Interviews nobody answered (Lever was opened and closed) are left out, except the open one.
        self.summaries = [s for s in summaries if s.opening or s.strategy or s.thread_id == self.current]
        table = self.query_one(DataTable)
        table.clear()
        from tui.text import STRATEGY_SHORT

        for s in self.summaries:
            marker = "• " if s.thread_id == self.current else ""
            table.add_row(
                Text(_when(s.updated or s.created)),
                Text(marker + (shorten(s.opening, 60) if s.opening else "(no answer yet)")),
                Text(STRATEGY_SHORT.get(s.strategy or "", s.strategy or "–")),
                Text(s.thread_id[:8], style="dim"),
                key=s.thread_id,
            )
        empty = self.query_one("#history-empty", Static)
        empty.display = not self.summaries
        empty.update(Content("No past interviews yet."))
        for button_id in ("#history-resume", "#history-export", "#history-delete"):
            self.query_one(button_id, Button).disabled = not self.summaries

    def selected(self) -> "InterviewSummary | None":
        table = self.query_one(DataTable)
        if not self.summaries or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), len(self.summaries) - 1)
        return self.summaries[row]

    def action_close(self) -> None:
        self.dismiss(None)

    def action_resume(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.dismiss(chosen.thread_id)

    def action_export(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.app.export_thread(chosen.thread_id)  # type: ignore[attr-defined]

    def action_delete(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        question = Content.assemble(
            "Delete the interview from ",
            (_when(chosen.updated or chosen.created), "bold"),
            "\n“",
            (shorten(chosen.opening or "(no answer yet)", 70), "italic"),
            "”?\n\nThis cannot be undone.",
        )

        async def confirmed(answer: bool | None) -> None:
            if answer:
                await self.app.delete_thread(chosen.thread_id)  # type: ignore[attr-defined]
                self.reload()

        self.app.push_screen(ConfirmScreen(question), confirmed)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_resume()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        action = (event.button.id or "").removeprefix("history-")
        getattr(self, f"action_{action}")()


HELP = """\
# Lever

Lever asks about the LLM feature you are building, then recommends **prompt engineering**, **RAG**,
**fine-tuning**, a **combination**, or **distillation**, with the reasons and the sources behind them.

## Answering

* Type an answer and press **Enter**. Say it in your own words; numbers with units are fine
  (“about 2k examples”, “under 300 ms”).
* Quick replies sit under each question: press **↑** or **Tab** to reach them, **←/→** to move,
  **Enter** or a number **1–9** to choose. A click works too.
* After the recommendation, keep asking: follow-up questions, or a *what if*
  (“what if we had 5,000 labelled examples?”) to see the decision made again.

## Keys

* **ctrl+n** new interview (the current one is saved)
* **ctrl+o** history: resume, export or delete a past interview
* **ctrl+e** export the recommendation (JSON) and the report (Markdown)
* **ctrl+r** switch between the chat and the recommendation
* **ctrl+s** the sources the recommendation cites
* **ctrl+t** show or hide the progress panel
* **ctrl+p** command palette · **f1** this help
* **ctrl+q** or **ctrl+c** quit: every answer is already saved

Exports go to `LEVER_EXPORT_DIR` if set, else the current folder.
Resume from the command line with `lever --resume` (the latest) or `lever --resume ID`.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1", "dismiss", "Close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog") as dialog:
            dialog.border_title = "Help"
            with VerticalScroll():
                yield Markdown(HELP, open_links=False)
            yield Static(Content("esc close"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
