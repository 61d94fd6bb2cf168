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
from textual.widgets import Button, DataTable, Input, Markdown, Static

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


def _when(stamp: str, short: bool = False) -> str:
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp[5:16] if short else stamp[:16]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M")


class HistoryScreen(ModalScreen[str | None]):
    """Past interviews, newest first: search them, rename, resume, export or delete one.
    Dismisses with the thread id to resume, or None."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("e", "export", "Export"),
        Binding("r", "rename", "Rename"),
        Binding("d,delete", "delete", "Delete"),
        Binding("slash,ctrl+f", "search", "Search"),
    ]

    ID_WIDTH = 12  # interview ids are 12 characters: shown whole, so they can be typed after --resume
    STRATEGY_WIDTH = 17

    @property
    def short_dates(self) -> bool:
        return self.app.size.width < 100

    @property
    def WHEN_WIDTH(self) -> int:  # noqa: N802 - reads like the other widths
        return 11 if self.short_dates else 16

    def __init__(self, current: str | None = None, message: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.current = current
        self.message = message
        self.all_summaries: list[InterviewSummary] = []
        self.summaries: list[InterviewSummary] = []  # the rows shown (those matching the search)

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog", classes="dialog") as dialog:
            dialog.border_title = "Past interviews"
            if self.message:
                yield Static(Content(self.message), markup=False, id="history-message")
            yield Input(placeholder="Search by name, words of the first answer, strategy or id  ( / )",
                        id="history-search", compact=True)
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(Content("Loading…"), markup=False, id="history-empty")
            with Horizontal(classes="buttons"):
                yield Button("Resume", variant="primary", id="history-resume", compact=True)
                yield Button("Rename", id="history-rename", compact=True)
                yield Button("Export", id="history-export", compact=True)
                yield Button("Delete", variant="error", id="history-delete", compact=True)
                yield Button("Close", id="history-close", compact=True)
            yield Static(
                Content("enter resume  ·  / search  ·  r rename  ·  e export  ·  d delete  ·  esc close"),
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self._columns()
        self.query_one(DataTable).focus()
        self.reload()

    def _opening_width(self) -> int:
        dialog_width = min(int(self.app.size.width * 0.9), 110) - 6  # border and padding
        fixed = self.WHEN_WIDTH + self.STRATEGY_WIDTH + self.ID_WIDTH + 2 * 4  # each column has padding 1 a side
        return max(dialog_width - fixed - 3, 12)

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("Updated", key="updated", width=self.WHEN_WIDTH)
        table.add_column("Interview" if self.short_dates else "Name or first answer", key="opening",
                         width=self._opening_width())
        table.add_column("Strategy", key="strategy", width=self.STRATEGY_WIDTH)
        table.add_column("ID", key="id", width=self.ID_WIDTH)

    def on_resize(self) -> None:
        if self.is_mounted and self.all_summaries:
            self._columns()
            self._fill()

    @work(exclusive=True, group="history")
    async def reload(self) -> None:
        try:
            summaries = await self.app.call_interview("list")  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - shown to the user
            reason = self.app.reason(error)  # type: ignore[attr-defined]
            self.query_one("#history-empty", Static).update(Content(f"Could not list interviews: {reason}"))
            return
        # Interviews nobody answered (Lever was opened and closed) are left out, except the open one.
        self.all_summaries = [s for s in summaries if s.opening or s.strategy or s.thread_id == self.current]
        self._fill()

    def _given_name(self, summary: "InterviewSummary") -> str:
        return self.app.names.get(summary.thread_id)  # type: ignore[attr-defined]

    def _matches(self, summary: "InterviewSummary", words: list[str]) -> bool:
        from tui.text import STRATEGY_SHORT

        haystack = " ".join([
            self._given_name(summary), summary.opening, summary.thread_id,
            STRATEGY_SHORT.get(summary.strategy or "", ""), _when(summary.updated or summary.created),
        ]).lower()
        return all(word in haystack for word in words)

    def _fill(self) -> None:
        from tui.text import STRATEGY_SHORT

        words = self.query_one("#history-search", Input).value.lower().split()
        table = self.query_one(DataTable)
        selected = self.selected()
        self.summaries = [s for s in self.all_summaries if self._matches(s, words)]
        table.clear()
        width = self._opening_width()
        for s in self.summaries:
            marker = "• " if s.thread_id == self.current else ""
            name = self._given_name(s)
            label = name or (s.opening if s.opening else "(no answer yet)")
            table.add_row(
                Text(_when(s.updated or s.created, self.short_dates)),
                Text(marker + shorten(label, width - len(marker)), style="bold" if name else ""),
                Text(STRATEGY_SHORT.get(s.strategy or "", s.strategy or "–")),
                Text(s.thread_id[: self.ID_WIDTH], style="dim"),
                key=s.thread_id,
            )
        if selected is not None and selected in self.summaries:
            table.move_cursor(row=self.summaries.index(selected))
        empty = self.query_one("#history-empty", Static)
        empty.display = not self.summaries
        if not self.all_summaries:
            empty.update(Content("No past interviews yet."))
        else:
            empty.update(Content("No interview matches that search."))
        for button_id in ("#history-resume", "#history-rename", "#history-export", "#history-delete"):
            self.query_one(button_id, Button).disabled = not self.summaries

    @on(Input.Changed, "#history-search")
    def _search_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#history-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.summaries:
            self.action_resume()

    def on_key(self, event) -> None:
        """↓ from the search box goes to the table; typing in the table goes to the search box."""
        search = self.query_one("#history-search", Input)
        if self.focused is search and event.key == "down":
            event.stop()
            self.query_one(DataTable).focus()
        elif (self.focused is self.query_one(DataTable) and event.is_printable and event.character
              and event.key not in self.active_bindings):
            event.stop()
            search.focus()
            search.insert_text_at_cursor(event.character)

    def selected(self) -> "InterviewSummary | None":
        table = self.query_one(DataTable)
        if not self.summaries or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), len(self.summaries) - 1)
        return self.summaries[row]

    def action_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def action_close(self) -> None:
        search = self.query_one("#history-search", Input)
        if search.value:  # esc clears the search first
            search.value = ""
            self.query_one(DataTable).focus()
            return
        self.dismiss(None)

    def action_resume(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.dismiss(chosen.thread_id)

    def action_export(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.app.open_export(chosen.thread_id)  # type: ignore[attr-defined]

    def action_rename(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return

        def renamed(name: str | None) -> None:
            if name is None:
                return
            try:
                self.app.names.set(chosen.thread_id, name)  # type: ignore[attr-defined]
            except OSError as error:
                self.notify(self.app.reason(error), title="Could not rename", severity="error", markup=False)  # type: ignore[attr-defined]
                return
            self._fill()

        self.app.push_screen(RenameScreen(self._given_name(chosen), chosen.opening), renamed)

    def action_delete(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        question = Content.assemble(
            "Delete the interview from ",
            (_when(chosen.updated or chosen.created), "bold"),
            "\n“",
            (shorten(self._given_name(chosen) or chosen.opening or "(no answer yet)", 70), "italic"),
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


class RenameScreen(ModalScreen[str | None]):
    """A name for an interview. Enter keeps it (empty: back to its first answer); esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str, opening: str) -> None:
        super().__init__(classes="dialog-screen")
        self.current = current
        self.opening = opening

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-dialog", classes="dialog") as dialog:
            dialog.border_title = "Rename the interview"
            yield Static(Content.assemble(("First answer: ", "$text-muted"), shorten(self.opening or "(none)", 90)),
                         markup=False, classes="hint")
            yield Input(self.current, placeholder="A name, e.g. “Support bot, Q3”", id="rename-input", max_length=80)
            yield Static(Content("enter keep  ·  an empty name shows the first answer again  ·  esc cancel"),
                         classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportScreen(ModalScreen[None]):
    """Where to write an export (the default folder, or one the user types), then what was written:
    each format's path, or why it could not be written. c copies the folder's path."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("c", "copy_path", "Copy path", show=False)]

    def __init__(self, thread_id: str, folder: str, formats: tuple[str, ...] = ("json", "md")) -> None:
        super().__init__(classes="dialog-screen")
        self.thread_id = thread_id
        self.folder = folder
        self.formats = formats
        self.outcomes: list = []

    def compose(self) -> ComposeResult:
        what = " and ".join({"json": "the interview as JSON", "md": "its Markdown report"}[f] for f in self.formats)
        with Vertical(id="export-dialog", classes="dialog") as dialog:
            dialog.border_title = "Export"
            yield Static(Content(f"Interview {self.thread_id}: write {what} to this folder:"),
                         markup=False, id="export-what")
            yield Input(self.folder, placeholder="A folder, e.g. ~/Documents", id="export-folder")
            yield Static("", markup=False, id="export-result")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export-go", compact=True)
                yield Button("Copy path", id="export-copy", compact=True, disabled=True)
                yield Button("Close", id="export-close", compact=True)
            yield Static(Content("enter export  ·  esc close"), classes="hint", markup=False, id="export-hint")

    def on_mount(self) -> None:
        self.query_one("#export-result").display = False
        self.query_one("#export-folder", Input).focus()

    @on(Input.Submitted, "#export-folder")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-go":
            self.start()
        elif event.button.id == "export-copy":
            self.action_copy_path()
        else:
            self.dismiss(None)

    def start(self) -> None:
        folder = self.query_one("#export-folder", Input).value.strip()
        self.query_one("#export-go", Button).disabled = True
        self.run_worker(self._export(folder), group="export", exclusive=True, exit_on_error=False)

    async def _export(self, folder: str) -> None:
        outcomes = await self.app.export(self.thread_id, self.formats, folder or None)  # type: ignore[attr-defined]
        self.show_outcomes(outcomes)

    def show_outcomes(self, outcomes: list) -> None:
        self.outcomes = outcomes
        parts: list = []
        for n, outcome in enumerate(outcomes):
            if n:
                parts.append("\n")
            if outcome.path is not None:
                parts += [("✓ ", "$success"), (outcome.name + " written: ", "bold"), str(outcome.path)]
            else:
                parts += [("✗ ", "$error"), (outcome.name + " not written: ", "bold"), outcome.problem]
        result = self.query_one("#export-result", Static)
        result.update(Content.assemble(*parts))
        result.display = True
        written = [o for o in outcomes if o.path is not None]
        self.query_one("#export-copy", Button).disabled = not written
        self.query_one("#export-go", Button).disabled = False
        hint = "c copy the folder's path  ·  esc close" if written else "enter try again  ·  esc close"
        self.query_one("#export-hint", Static).update(Content(hint))
        if written:
            self.query_one("#export-copy", Button).focus()
        if all(o.path is None for o in outcomes):
            self.query_one("#export-folder", Input).focus()

    def written_folder(self) -> str | None:
        paths = [o.path for o in self.outcomes if o.path is not None]
        return str(paths[0].parent) if paths else None

    def action_copy_path(self) -> None:
        folder = self.written_folder()
        if folder and not isinstance(self.focused, Input):
            self.app.copy_to_clipboard(folder)
            self.notify(folder, title="Folder path copied", markup=False, timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)


HELP = """\
# Lever

Lever asks about the LLM feature you are building, then recommends **prompt engineering**, **RAG**,
**fine-tuning**, a **combination**, or **distillation**, with the reasons and the sources behind them.

## Answering

* Type an answer and press **Enter**. Say it in your own words; numbers with units are fine
  (“about 2k examples”, “under 300 ms”).
* **Shift+Enter** (or **Alt+Enter**, **Ctrl+J**) starts a new line; a paste keeps its lines.
* **↑/↓** in an empty box recall your earlier answers.
* Quick replies sit under each question: press **Tab** to reach them, **←/→** to move,
  **Enter** or a number **1–9** to choose. A click works too.
* After the recommendation, keep asking: follow-up questions, or a *what if*
  (“what if we had 5,000 labelled examples?”) to see the decision made again.

## Keys

* **ctrl+n** new interview (the current one is saved)
* **ctrl+o** history: search, rename, resume, export or delete a past interview
* **ctrl+e** export the interview (JSON) and the report (Markdown)
* **ctrl+r** switch between the chat and the recommendation; there, **←/→** change tabs
* **ctrl+s** the sources the recommendation cites; in the recommendation, **1–9** open one;
  while typing, **ctrl+p** then the source's number
* **ctrl+y** copy the recommendation (when it is shown) or Lever's last message;
  a click on a message copies it
* **ctrl+t** show or hide the progress panel
* **ctrl+p** command palette · **f1** this help
* **ctrl+q** or **ctrl+c** quit: every answer is already saved

Exports go to the `exports` folder in Lever's data folder (or `LEVER_EXPORT_DIR` if set), or to a folder
you type in the export dialog.
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
