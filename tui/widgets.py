"""The conversation's building blocks: message bubbles, quick replies, the thinking line, the
progress panel and the input.

Everything a user or a document wrote is shown as plain ``Content`` (never parsed as markup);
assistant text is Markdown with ``open_links=False``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.widgets import Button, Footer, Label, Markdown, ProgressBar, Static, TextArea
from textual.widgets._footer import FooterKey

from tui.text import DEFAULT_MAX_CHARS, shorten

if TYPE_CHECKING:
    from agent.types import Snapshot, TopicStatus


# ---------------------------------------------------------------------------------------------
# Messages in the conversation


class OpenCitation(TextualMessage):
    """Ask the app to open cited passage number ``number`` (1-based)."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


class CopyText(TextualMessage):
    """Ask the app to put ``text`` on the clipboard; ``what`` names it in the confirmation."""

    def __init__(self, text: str, what: str) -> None:
        super().__init__()
        self.text = text
        self.what = what


def _plain_click(widget, event: events.Click) -> bool:
    """A single click that is not on a link and does not end a text selection."""
    if event.chain != 1:
        return False
    style = event.style
    if style is not None and (getattr(style, "link", None) or (getattr(style, "meta", None) or {}).get("@click")):
        return False
    try:
        selected = widget.screen.get_selected_text()
    except Exception:  # noqa: BLE001 - older Textual: no selections
        selected = None
    return not selected


class UserMessage(Static):
    """What the user wrote, shown literally. A click copies it."""

    def __init__(self, text: str, *, pending: bool = False) -> None:
        super().__init__(Content(text), markup=False, classes="message user")
        self.text = text
        self.border_title = "You"
        self.set_class(pending, "-pending")

    def set_text(self, text: str) -> None:
        self.text = text
        self.update(Content(text))
        self.remove_class("-pending")

    def on_click(self, event: events.Click) -> None:
        if self.text and _plain_click(self, event):
            self.post_message(CopyText(self.text, "Your message"))


def chat_markdown_parser():
    """GitHub-flavoured Markdown where a single newline is a line break, as in chat apps."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("gfm-like")

    def soft_breaks_are_hard(state) -> None:
        for token in state.tokens:
            for child in token.children or ():
                if child.type == "softbreak":
                    child.type = "hardbreak"

    parser.core.ruler.push("soft_breaks_are_hard", soft_breaks_are_hard)
    return parser


class AssistantMessage(Vertical):
    """What Lever said: Markdown whose links are never opened by a click. A click elsewhere copies it."""

    def __init__(self, text: str = "", *, kind: str = "text", topic: str | None = None) -> None:
        super().__init__(classes=f"message assistant -{kind}")
        self.text = text
        self.kind = kind
        self.topic = topic
        self.border_title = "Lever · what-if" if kind == "whatif" else "Lever"

    def compose(self) -> ComposeResult:
        yield Markdown(self.text, open_links=False, parser_factory=chat_markdown_parser)
        if self.kind == "recommendation":
            yield Button(
                Content("Open the full recommendation  (ctrl+r)"),
                classes="open-recommendation",
                compact=True,
            )

    @property
    def markdown(self) -> Markdown:
        return self.query_one(Markdown)

    def on_click(self, event: events.Click) -> None:
        if self.text and _plain_click(self, event) and not isinstance(event.widget, Button):
            self.post_message(CopyText(self.text, "Lever's message"))

    async def finish(self, text: str, kind: str, topic: str | None = None) -> None:
        """Turn a streamed bubble into the stored message."""
        if text != self.markdown.source:
            await self.markdown.update(text)
        self.text = text
        self.topic = topic
        if kind != self.kind:
            self.remove_class(f"-{self.kind}")
            self.add_class(f"-{kind}")
            self.kind = kind
            if kind == "recommendation" and not self.query(".open-recommendation"):
                await self.mount(
                    Button(
                        Content("Open the full recommendation  (ctrl+r)"),
                        classes="open-recommendation",
                        compact=True,
                    )
                )


class NoticeMessage(Static):
    """A notice from the interview (a cut paste, a fallback to the offline brain)."""

    def __init__(self, text: str) -> None:
        super().__init__(Content(text), markup=False, classes="message notice")
        self.text = text


class QuickReplies(Horizontal):
    """The quick-reply options of the question being asked: buttons that work from the keyboard
    (Tab or ↑ from the input, ←/→ between them, Enter to choose, 1-9 to pick by number) and the mouse."""

    BINDINGS = [
        Binding("left,up", "move(-1)", "Previous", show=False),
        Binding("right,down", "move(1)", "Next", show=False),
        Binding("escape", "back", "Back to input", show=False),
    ] + [Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)]

    class Chosen(TextualMessage):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, options: Iterable[str], *, stacked: bool = False) -> None:
        super().__init__(classes="quick-replies")
        self.options = list(options)
        self.set_class(stacked, "-stacked")

    def fits_in_a_row(self, width: int) -> bool:
        """Whether every option, with its number and padding, fits side by side in ``width`` cells."""
        return sum(len(option) + 5 for option in self.options) <= width

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        if width > 0:
            self.set_class(not self.fits_in_a_row(width), "-stacked")

    def compose(self) -> ComposeResult:
        for n, option in enumerate(self.options, start=1):
            label = Content.assemble((f"{n} ", "dim"), option) if n <= 9 else Content(option)
            button = Button(label, classes="quick-reply", compact=True)
            button.option = option  # type: ignore[attr-defined]
            yield button

    @property
    def buttons(self) -> list[Button]:
        return list(self.query(Button))

    def focus_first(self) -> None:
        if self.buttons:
            self.buttons[0].focus()

    def action_move(self, step: int) -> None:
        buttons = self.buttons
        if not buttons:
            return
        focused = self.screen.focused
        index = buttons.index(focused) if focused in buttons else -1
        buttons[(index + step) % len(buttons)].focus()

    def action_back(self) -> None:
        self.post_message(self.Back())

    def action_pick(self, n: int) -> None:
        if 1 <= n <= len(self.options):
            self.post_message(self.Chosen(self.options[n - 1]))

    class Back(TextualMessage):
        pass

    @on(Button.Pressed, ".quick-reply")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(getattr(event.button, "option", str(event.button.label))))


class Thinking(Static):
    """A spinner line shown while the brain works."""

    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    frame = reactive(0)

    def __init__(self, text: str = "Lever is thinking…") -> None:
        super().__init__(classes="thinking")
        self.text = text

    def on_mount(self) -> None:
        self.set_interval(0.1, self._tick)

    def _tick(self) -> None:
        self.frame = (self.frame + 1) % len(self.FRAMES)

    def render(self) -> Content:
        return Content.assemble((self.FRAMES[self.frame] + " ", "$accent"), (self.text, "italic"))


class Conversation(VerticalScroll):
    """The scrolling conversation. It follows new messages unless the user has scrolled up."""

    def on_mount(self) -> None:
        self.anchor()


# ---------------------------------------------------------------------------------------------
# The input


def clean_input(text: str) -> str:
    """Text for the input box, cleaned by the interview's own cleaning function (``agent.clean_text``),
    so what the box shows is what the interview will store."""
    from agent import clean_text

    return clean_text(text, limit=10**9)[0]


class ChatInput(TextArea):
    """The message box: Enter sends; Shift+Enter, Alt+Enter or Ctrl+J start a new line; a paste keeps its
    lines; ↑/↓ in an empty box recall earlier answers; Tab moves to the quick replies.

    Text is limited to ``limit`` characters; a paste past the limit is cut with a notice."""

    BINDINGS = [Binding("tab", "quick_replies", "Quick replies", show=False)]
    NEWLINE_KEYS = ("shift+enter", "alt+enter", "ctrl+j")

    @dataclass
    class Submitted(TextualMessage):
        input: "ChatInput"
        value: str

        @property
        def control(self) -> "ChatInput":
            return self.input

    class Cut(TextualMessage):
        def __init__(self, limit: int, dropped: int) -> None:
            super().__init__()
            self.limit = limit
            self.dropped = dropped

    class WantsQuickReplies(TextualMessage):
        pass

    def __init__(self, *, limit: int = DEFAULT_MAX_CHARS, placeholder: str = "", **kwargs) -> None:
        super().__init__(soft_wrap=True, tab_behavior="focus", show_line_numbers=False, placeholder=placeholder,
                         compact=True, highlight_cursor_line=False, **kwargs)
        self.limit = limit
        # Enter typed before the app put the terminal in raw mode arrives as ctrl+j (the terminal turned it
        # into a line feed): until the app says it is ready, ctrl+j sends like Enter.
        self.ctrl_j_is_newline = False
        self.answers: list[str] = []
        self._history_index: int | None = None  # None: editing a draft, not browsing the history
        self._draft = ""

    # -- the text as a value -------------------------------------------------------------------

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end)

    def set_limit(self, limit: int) -> None:
        self.limit = limit

    def set_history(self, entries: Iterable[str]) -> None:
        """Earlier answers, oldest first (repeats of the one before are dropped)."""
        history: list[str] = []
        for entry in entries:
            if entry and (not history or history[-1] != entry):
                history.append(entry)
        self.answers = history
        self._history_index = None

    # -- keys ----------------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" or (event.key == "ctrl+j" and not self.ctrl_j_is_newline):
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in self.NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.type_text("\n")
            return
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self.type_text(event.character)
            return
        await super()._on_key(event)

    def type_text(self, text: str) -> None:
        start, end = self.selection
        selected = len(self.get_text_range(*sorted((start, end))))
        room = self.limit - (len(self.text) - selected)
        if room <= 0:
            self.app.bell()
            return
        self._history_index = None
        self._replace_via_keyboard(text[:room], start, end)

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if not event.text:
            return
        text = clean_input(event.text)
        start, end = self.selection
        selected = len(self.get_text_range(*sorted((start, end))))
        room = max(self.limit - (len(self.text) - selected), 0)
        if len(text) > room:
            self.post_message(self.Cut(self.limit, len(text) - room))
            text = text[:room]
        if not text:
            return
        self._history_index = None
        result = self.replace(text, start, end)
        self.move_cursor(result.end_location)

    def action_quick_replies(self) -> None:
        self.post_message(self.WantsQuickReplies())

    def _browsing(self) -> bool:
        """True when ↑/↓ should move through the history: the box is empty or shows an unchanged entry."""
        if not self.answers:
            return False
        if self._history_index is None:
            return not self.text
        return self.text == self.answers[self._history_index]

    def action_cursor_up(self, select: bool = False) -> None:
        if not select and self._browsing():
            index = len(self.answers) if self._history_index is None else self._history_index
            if index > 0:
                self._history_index = index - 1
                self.value = self.answers[index - 1]
            return
        super().action_cursor_up(select)

    def action_cursor_down(self, select: bool = False) -> None:
        if not select and self._browsing() and self._history_index is not None:
            if self._history_index < len(self.answers) - 1:
                self._history_index += 1
                self.value = self.answers[self._history_index]
            else:
                self._history_index = None
                self.value = ""
            return
        super().action_cursor_down(select)


# ---------------------------------------------------------------------------------------------
# The progress panel

_STATUS_ICON = {
    "answered": ("●", "$success"),
    "assumed": ("◐", "$warning"),
    "skipped": ("–", "$text-muted"),
    "unanswered": ("○", "$text-muted"),
}


class TopicRow(Static):
    """One topic: an icon for its status, its title, and what was understood (the normalised value).

    The user's own words show on hover (a tooltip) and when the row is clicked. One widget per topic
    (wrapped here, with a hanging indent) keeps the panel cheap to redraw."""

    WIDTH = 34  # the panel's text width

    def __init__(self, topic: "TopicStatus") -> None:
        super().__init__(self._content(topic, False), markup=False, classes=f"topic -{topic.status}")
        self.topic = topic
        self.expanded = False
        if topic.quote:
            self.tooltip = Content.assemble(("You said: ", "bold"), "“" + shorten(topic.quote, 300) + "”")

    def on_click(self) -> None:
        if self.topic.quote and self.topic.value:
            self.expanded = not self.expanded
            self.update(self._content(self.topic, self.expanded))

    @classmethod
    def _content(cls, topic: "TopicStatus", expanded: bool) -> Content:
        icon, icon_style = _STATUS_ICON.get(topic.status, ("?", ""))
        suffix, suffix_style = {
            "assumed": (" (assumed)", "$warning italic"),
            "skipped": (" (not needed)", "$text-muted italic"),
        }.get(topic.status, ("", ""))
        title_style = "bold" if topic.status == "unanswered" else ""
        lines = textwrap.wrap(topic.title + suffix, cls.WIDTH - 2) or [""]
        title = "\n  ".join(lines)
        head = title[: len(title) - len(suffix)] if suffix and title.endswith(suffix.strip()) else title
        parts: list = [(icon + " ", icon_style), (head, title_style)]
        if head != title:
            parts.append((title[len(head) :], suffix_style))
        value = getattr(topic, "value", "")
        if value:
            wrapped = textwrap.wrap(shorten(value, 120), cls.WIDTH - 2)
            parts.append(("\n  " + "\n  ".join(wrapped), ""))
        if topic.quote and (expanded or not value):
            quote = textwrap.wrap("“" + shorten(topic.quote, 90) + "”", cls.WIDTH - 2)
            parts.append(("\n  " + "\n  ".join(quote), "$text-muted italic"))
        return Content.assemble(*parts)


class ProgressPanel(VerticalScroll):
    """The side panel: key questions, follow-ups, a progress bar, the brain and the verdict."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.can_focus = False

    def compose(self) -> ComposeResult:
        yield Label("Interview", classes="panel-title")
        with Horizontal(id="progress-line"):
            yield ProgressBar(total=1, show_eta=False, id="progress-bar")
        yield Static("", id="progress-count", markup=False)
        yield Label("Key questions", classes="section-title")
        yield Vertical(id="key-topics")
        yield Label("Follow-ups", classes="section-title", id="followups-title")
        yield Vertical(id="followup-topics")
        yield Label("Recommendation", classes="section-title")
        yield Static(Content("Not yet: answer the key questions first."), id="verdict-line", markup=False)
        yield Label("What-if (not your facts)", classes="section-title", id="whatif-title")
        yield Static("", id="whatif-line", markup=False)
        yield Static("", id="brain-line", markup=False)

    def on_mount(self) -> None:
        self.query_one("#whatif-title").display = False
        self.query_one("#whatif-line").display = False

    def set_brain(self, brain: str, session_usd: float = 0.0) -> None:
        self.query_one("#brain-line", Static).update(brain_line(brain, session_usd))

    def show_hypothesis(self, snapshot: "Snapshot") -> None:
        h = getattr(snapshot, "hypothesis", None)
        text = hypothesis_text(h, snapshot.recommendation) if h is not None else ""
        self.query_one("#whatif-title").display = bool(text)
        line = self.query_one("#whatif-line", Static)
        line.display = bool(text)
        line.update(Content(text))

    async def show(self, snapshot: "Snapshot") -> None:
        progress = snapshot.progress
        done = sum(1 for t in progress if t.status != "unanswered")
        total = max(len(progress), 1)
        bar = self.query_one(ProgressBar)
        if snapshot.recommendation is not None:
            bar.update(total=total, progress=total)
        else:
            bar.update(total=total, progress=done)
        self.query_one("#progress-count", Static).update(Content(progress_line(snapshot)))

        key_box = self.query_one("#key-topics", Vertical)
        follow_box = self.query_one("#followup-topics", Vertical)
        with self.app.batch_update():
            await key_box.remove_children()
            await follow_box.remove_children()
            await key_box.mount_all([TopicRow(t) for t in progress if t.key])
            followups = [TopicRow(t) for t in progress if not t.key]
            await follow_box.mount_all(followups)
            self.query_one("#followups-title").display = bool(followups)

        rec = snapshot.recommendation
        verdict = self.query_one("#verdict-line", Static)
        if rec is None:
            verdict.update(Content("Not yet: answer the key questions first."))
            verdict.remove_class("-ready")
        else:
            verdict.update(
                Content.assemble(
                    (rec.label, "bold $accent"),
                    f"\n{rec.confidence_label} confidence ({rec.confidence:.0%})",
                    ("\nctrl+r to open it", "$text-muted"),
                )
            )
            verdict.add_class("-ready")
        self.show_hypothesis(snapshot)
        self.set_brain(snapshot.brain or "offline", snapshot.session_usd)


def progress_line(snapshot: "Snapshot") -> str:
    """'5 of 7 topics known after 4 questions': one answer can settle several topics."""
    progress = snapshot.progress
    known = sum(1 for t in progress if t.status in ("answered", "assumed"))
    asked = snapshot.questions_asked
    line = f"{known} of {len(progress)} topics known after {asked} question{'s' if asked != 1 else ''}"
    assumed = sum(1 for t in progress if t.status == "assumed")
    if assumed:
        line += f" ({assumed} assumed)"
    return line


def brain_line(brain: str, session_usd: float) -> Content:
    if brain == "offline" and not session_usd:
        return Content.assemble(("Brain: ", "bold"), "offline", ("  no API cost", "$text-muted"))
    return Content.assemble(("Brain: ", "bold"), brain, ("  ", ""), (f"${session_usd:,.4f} this session", "$text-muted"))


def hypothesis_text(hypothesis, stated_rec) -> str:
    """A what-if in words: the facts it changes and what it would recommend."""
    from agent.describe import describe_value, fact_label

    lines = [f"{fact_label(name)}: {describe_value(name, fact.value)}" for name, fact in hypothesis.facts.items()]
    lines += [f"{fact_label(name)} × {factor:g}" for name, factor in hypothesis.scale.items()]
    rec = hypothesis.recommendation
    if rec is not None:
        same = stated_rec is not None and rec.strategy == stated_rec.strategy
        lines.append(("→ the same: " if same else "→ would be ") + rec.label)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The footer, in a stable order


class OrderedFooter(Footer):
    """The standard footer with Lever's keys in a fixed order (keys the focused widget also binds
    would otherwise jump to the front). Below 100 columns the keys that also have other ways in
    (sources: the recommendation view and the palette; copy: a click and the palette) are left out,
    so the footer fits an 80-column terminal."""

    ORDER = ("new", "history", "export", "toggle_view", "sources", "copy", "help", "quit")
    NARROW_HIDDEN = ("sources", "copy")
    NARROW = 100

    def _narrow(self) -> bool:
        return self.app.size.width < self.NARROW

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        rest = [w for w in widgets if w not in keys]
        if self._narrow():
            keys = [w for w in keys if w.action.removeprefix("app.") not in self.NARROW_HIDDEN]

        def rank(widget: FooterKey) -> int:
            action = widget.action.removeprefix("app.")
            return self.ORDER.index(action) if action in self.ORDER else len(self.ORDER)

        self._composed_narrow = self._narrow()
        yield from sorted(keys, key=rank)
        yield from rest

    def on_resize(self) -> None:
        if getattr(self, "_composed_narrow", None) not in (None, self._narrow()):
            self.call_later(self.recompose)
