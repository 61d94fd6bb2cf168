"""The conversation's building blocks: message bubbles, quick replies, the thinking line, the
progress panel and the input.

Everything a user or a document wrote is shown as plain ``Content`` (never parsed as markup);
assistant text is Markdown with ``open_links=False``.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Iterable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.widgets import Button, Footer, Input, Label, Markdown, ProgressBar, Static
from textual.widgets._footer import FooterKey

from tui.text import DEFAULT_MAX_CHARS, clean_paste, shorten

if TYPE_CHECKING:
    from agent.types import Snapshot, TopicStatus


# ---------------------------------------------------------------------------------------------
# Messages in the conversation


class OpenCitation(TextualMessage):
    """Ask the app to open cited passage number ``number`` (1-based)."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


class UserMessage(Static):
    """What the user wrote, shown literally."""

    def __init__(self, text: str, *, pending: bool = False) -> None:
        super().__init__(Content(text), markup=False, classes="message user")
        self.text = text
        self.border_title = "You"
        self.set_class(pending, "-pending")

    def set_text(self, text: str) -> None:
        self.text = text
        self.update(Content(text))
        self.remove_class("-pending")


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
    """What Lever said: Markdown whose links are never opened by a click."""

    def __init__(self, text: str = "", *, kind: str = "text", topic: str | None = None) -> None:
        super().__init__(classes=f"message assistant -{kind}")
        self.text = text
        self.kind = kind
        self.topic = topic
        self.border_title = "Lever"

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


class ChatInput(Input):
    """A one-line input that sends on Enter. A paste keeps all its lines (joined) and is cut to
    the message limit with a notice; ↑ moves to the quick replies."""

    BINDINGS = [Binding("up", "quick_replies", "Quick replies", show=False)]

    class Cut(TextualMessage):
        def __init__(self, limit: int, dropped: int) -> None:
            super().__init__()
            self.limit = limit
            self.dropped = dropped

    class WantsQuickReplies(TextualMessage):
        pass

    def __init__(self, *, limit: int = DEFAULT_MAX_CHARS, **kwargs) -> None:
        super().__init__(max_length=limit, select_on_focus=False, **kwargs)
        self.limit = limit

    def set_limit(self, limit: int) -> None:
        self.limit = limit
        self.max_length = limit

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if not event.text:
            return
        selection = self.selection
        selected = 0 if selection.is_empty else abs(selection.end - selection.start)
        room = self.limit - (len(self.value) - selected)
        text, cut = clean_paste(event.text, room)
        if cut:
            self.post_message(self.Cut(self.limit, len(clean_paste(event.text, 10**12)[0]) - len(text)))
        if not text:
            return
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def action_quick_replies(self) -> None:
        self.post_message(self.WantsQuickReplies())


# ---------------------------------------------------------------------------------------------
# The progress panel

_STATUS_ICON = {
    "answered": ("●", "$success"),
    "assumed": ("◐", "$warning"),
    "skipped": ("–", "$text-muted"),
    "unanswered": ("○", "$text-muted"),
}


class TopicRow(Static):
    """One topic: an icon for its status, its title, and the user's words when answered.

    One widget per topic (wrapped here, with a hanging indent) keeps the panel cheap to redraw."""

    WIDTH = 34  # the panel's text width

    def __init__(self, topic: "TopicStatus") -> None:
        super().__init__(self._content(topic), markup=False, classes=f"topic -{topic.status}")
        self.topic = topic

    @classmethod
    def _content(cls, topic: "TopicStatus") -> Content:
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
        if topic.quote:
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
        yield Static("", id="brain-line", markup=False)

    def set_brain(self, brain: str, offline_reason: bool = False) -> None:
        label = "offline (no API key)" if offline_reason else brain
        self.query_one("#brain-line", Static).update(Content.assemble(("Brain: ", "bold"), label))

    async def show(self, snapshot: "Snapshot") -> None:
        progress = snapshot.progress
        done = sum(1 for t in progress if t.status != "unanswered")
        total = max(len(progress), 1)
        bar = self.query_one(ProgressBar)
        if snapshot.recommendation is not None:
            bar.update(total=total, progress=total)
        else:
            bar.update(total=total, progress=done)
        answered = sum(1 for t in progress if t.status == "answered")
        count = f"{answered} answered" + (f", {done - answered} assumed or skipped" if done > answered else "")
        count += f" · {snapshot.questions_asked} question{'s' if snapshot.questions_asked != 1 else ''} asked"
        self.query_one("#progress-count", Static).update(Content(count))

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


# ---------------------------------------------------------------------------------------------
# The footer, in a stable order


class OrderedFooter(Footer):
    """The standard footer with Lever's keys in a fixed order (keys the focused widget also binds
    would otherwise jump to the front)."""

    ORDER = ("new", "history", "export", "toggle_view", "sources", "help", "quit")

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        rest = [w for w in widgets if w not in keys]

        def rank(widget: FooterKey) -> int:
            action = widget.action.removeprefix("app.")
            return self.ORDER.index(action) if action in self.ORDER else len(self.ORDER)

        yield from sorted(keys, key=rank)
        yield from rest
