"""The Textual app: a chat with the interview, a progress panel, the recommendation view,
history, export and help.

The app holds no interview logic. It drives ``agent.Interview`` (the facade) and draws the
``Snapshot`` it returns. Every facade call runs on one background thread, one at a time, so the
UI never freezes and the facade is never called concurrently. ``agent`` is imported in that
thread too: the window is on screen before the interview machinery has finished loading.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Markdown, Static, TabbedContent, TabPane, TextArea

from tui.commands import SourcesProvider
from tui.text import DEFAULT_MAX_CHARS
from tui.widgets import (
    AssistantMessage,
    ChatInput,
    CopyText,
    Conversation,
    NoticeMessage,
    OpenCitation,
    OrderedFooter,
    ProgressPanel,
    QuickReplies,
    Thinking,
    UserMessage,
)

if TYPE_CHECKING:
    from agent import Interview
    from agent.types import Message, Recommendation, Snapshot


PLACEHOLDER_ANSWER = "Enter sends · tab: quick replies · shift+enter or ctrl+j: new line"
PLACEHOLDER_FOLLOWUP = "Ask a follow-up, or try “what if we had 5,000 examples?”"
PLACEHOLDER_DONE = "Ask a follow-up, or press ctrl+n for a new interview"


class LeverApp(App[int]):
    """Lever's terminal UI."""

    CSS_PATH = Path(__file__).with_name("lever.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "Lever"
    SUB_TITLE = "starting…"

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#prompt"
    COMMANDS = App.COMMANDS | {SourcesProvider}
    NOTIFICATION_TIMEOUT = 4

    BINDINGS = [
        Binding("ctrl+n", "new", "New", id="new", priority=True),
        Binding("ctrl+o", "history", "History", id="history", priority=True),
        Binding("ctrl+e", "export", "Export", id="export", priority=True),
        Binding("ctrl+r", "toggle_view", "Recommendation", id="recommendation", priority=True),
        Binding("ctrl+s", "sources", "Sources", id="sources", priority=True),
        Binding("ctrl+y", "copy", "Copy", id="copy", priority=True),
        Binding("left", "rec_tab(-1)", "Previous tab", id="rec-tab-previous", show=False, priority=True),
        Binding("right", "rec_tab(1)", "Next tab", id="rec-tab-next", show=False, priority=True),
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+t", "toggle_panel", "Progress panel", id="panel", show=False, priority=True),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("ctrl+c", "quit", "Quit", id="quit-ctrl-c", show=False, priority=True),
    ]

    def __init__(
        self,
        interview: "Interview | None" = None,
        resume: str | bool | None = None,
        *,
        brain: str | None = None,
        server: str | None = None,
    ) -> None:
        super().__init__()
        self.interview: Interview | None = interview
        self.brain_kind = brain
        self.server = server
        self._queued: str | None = None  # sent before the interview was ready: goes out once it is
        self._owns_interview = interview is None
        self.resume = resume
        self.thread_id: str | None = None
        self.snapshot: Snapshot | None = None
        self.recommendation: Recommendation | None = None
        self.busy = False
        self.max_chars = DEFAULT_MAX_CHARS
        self.boot_error: str | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lever-interview")
        self._iv_ready = asyncio.Event()
        self._lever_error: type[BaseException] = RuntimeError
        self._shown = 0  # snapshot messages on screen
        self._rec_key: str | None = None
        self._pending_user: UserMessage | None = None
        self._thinking: Thinking | None = None
        # streaming
        self._stream_token: object | None = None
        self._stream_bubble: AssistantMessage | None = None
        self._chunks: list[str] = []
        self._streamed_raw = ""
        self._streamed_shown = ""
        self._chunk_event = asyncio.Event()
        self._first_question_seen = False
        self._opening: Snapshot | None = None  # the first question drawn before the interview was built
        self._event_loop: asyncio.AbstractEventLoop | None = None

    # -----------------------------------------------------------------------------------------
    # Layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                with TabbedContent(id="views", initial="chat-pane"):
                    with TabPane("Chat", id="chat-pane"):
                        yield Conversation(id="conversation")
                    with TabPane("Recommendation", id="rec-pane"):
                        yield Static(Content("No recommendation yet."), id="rec-empty", markup=False)
                yield ChatInput(placeholder="Starting Lever…", id="prompt")
            yield ProgressPanel(id="progress")
        yield OrderedFooter(compact=True)

    @property
    def conversation(self) -> Conversation:
        return self.query_one("#conversation", Conversation)

    @property
    def prompt(self) -> ChatInput:
        return self.query_one("#prompt", ChatInput)

    @property
    def views(self) -> TabbedContent:
        return self.query_one("#views", TabbedContent)

    async def on_mount(self) -> None:
        self._event_loop = asyncio.get_running_loop()
        self.views.disable_tab("rec-pane")
        self.prompt.focus()
        await self._set_thinking("Starting Lever…")
        self.run_worker(self._boot(), group="boot", exit_on_error=False)

    # -----------------------------------------------------------------------------------------
    # The facade, on its own thread

    def _make_interview(self) -> "Interview":
        import agent

        self._lever_error = getattr(agent, "LeverError", RuntimeError)
        self.max_chars = int(getattr(agent, "MAX_MESSAGE_CHARS", DEFAULT_MAX_CHARS))
        if self.interview is not None:
            return self.interview
        kwargs: dict[str, Any] = {}
        if self.brain_kind:
            kwargs["brain"] = self.brain_kind
        if self.server:
            kwargs["server"] = self.server
        return agent.Interview(**kwargs)

    async def call_interview(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``Interview.<method>`` on the interview thread and await the result."""
        await self._iv_ready.wait()
        if self.interview is None:
            raise RuntimeError(self.boot_error or "Lever could not start.")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(getattr(self.interview, method), *args, **kwargs)
        )

    def reason(self, error: BaseException) -> str:
        """What to tell the user about a failure: the message of a failure meant for people, else one sentence
        (never an exception class name; the details go to the log)."""
        from knowledge.paths import HomeError

        if isinstance(error, (self._lever_error, HomeError)) and str(error):
            return str(error)
        if isinstance(error, OSError) and error.strerror:
            where = f" ({error.filename})" if error.filename else ""
            return f"The system refused: {error.strerror.lower()}{where}."
        detail = str(error).strip()
        return f"Something went wrong inside Lever{': ' + detail if detail else ''}."

    def _error(self, error: BaseException, title: str) -> None:
        if not isinstance(error, self._lever_error):
            self.log.error(f"{title}: {error!r}")
        self.notify(self.reason(error), title=title, severity="error", markup=False, timeout=8)

    # -----------------------------------------------------------------------------------------
    # Start-up

    async def _boot(self) -> None:
        loop = asyncio.get_running_loop()
        if self.interview is None and not self.resume and not self.server:
            # The first question does not need LangGraph: draw it now, build the interview behind it.
            try:
                await self._show_opening(await loop.run_in_executor(self._executor, _opening))
            except Exception as error:  # noqa: BLE001 - the real start below shows the question anyway
                self.log.error(f"opening preview failed: {error!r}")
        try:
            self.interview = await loop.run_in_executor(self._executor, self._make_interview)
        except Exception as error:  # noqa: BLE001 - shown to the user
            self.boot_error = self.reason(error)
            self._iv_ready.set()
            await self._clear_thinking()
            await self._unqueue()
            await self.conversation.mount(NoticeMessage(f"Lever could not start: {self.boot_error}"))
            self.prompt.placeholder = "Lever could not start: press ctrl+q to quit"
            self.sub_title = "not started"
            return
        self._iv_ready.set()
        self.prompt.set_limit(self.max_chars)
        self.prompt.ctrl_j_is_newline = True
        brain = getattr(self.interview, "brain_name", "offline")
        self.sub_title = "offline brain" if brain == "offline" else f"brain: {brain}"
        self.query_one(ProgressPanel).set_brain(brain)
        for notice in getattr(self.interview, "startup_notices", []) or []:
            self.notify(notice, title="Note", markup=False, timeout=4)
        if self.resume:
            await self._resume_from_cli(self.resume)
        else:
            await self._start_new()
        if self.thread_id:
            self.call_after_refresh(self.on_ready_for_answers)
            if self._queued is not None:
                text = self._queued
                await self._unqueue(restore=False)
                await self.send_text(text)
        else:
            await self._unqueue()

    async def _unqueue(self, restore: bool = True) -> None:
        """Forget a message typed before the interview was ready; ``restore`` puts it back in the box."""
        text, self._queued = self._queued, None
        if text is None:
            return
        if self._pending_user is not None and self._pending_user.is_attached:
            await self._pending_user.remove()
        self._pending_user = None
        if restore and not self.prompt.value:
            self.prompt.value = text

    async def _resume_from_cli(self, resume: str | bool) -> None:
        """``lever --resume [ID]``: the latest interview, or the one whose id starts with ID."""
        try:
            summaries = await self.call_interview("list")
        except Exception as error:  # noqa: BLE001
            self._error(error, "Could not list past interviews")
            await self._start_new()
            return
        if not summaries:
            self.notify("There are no past interviews yet: starting a new one.", markup=False)
            await self._start_new()
            return
        prefix = None if resume is True else str(resume).strip()
        try:
            thread_id = await self.call_interview("resolve", prefix)  # None: the latest interview
        except Exception as error:  # noqa: BLE001 - no match, or more than one
            await self._clear_thinking()
            message = f"{self.reason(error)} Pick one below, or press esc to start a new interview."

            async def picked(chosen: str | None) -> None:
                if chosen:
                    await self.open_thread(chosen)
                else:
                    await self._start_new()

            from tui.screens import HistoryScreen

            self.push_screen(HistoryScreen(current=None, message=message), picked)
            return
        await self.open_thread(thread_id)

    async def _show_opening(self, preview: "Snapshot") -> None:
        """Draw a new interview's first question before the interview exists (no thread id yet)."""
        self._opening = preview
        await self._show(preview, full=True)

    async def _start_new(self) -> None:
        opening, self._opening = self._opening, None
        if opening is None:
            await self._set_thinking("Starting a new interview…")
        try:
            snapshot = await self.call_interview("start")
        except Exception as error:  # noqa: BLE001
            await self._clear_thinking()
            self._error(error, "Could not start an interview")
            return
        if opening is not None and self.thread_id is None and snapshot.messages == opening.messages:
            # The question on screen is this thread's: adopt the thread without redrawing anything.
            self.thread_id, self.snapshot = snapshot.thread_id, snapshot
            self.prompt.set_history([])
            self.refresh_bindings()
            return
        await self._show(snapshot, full=True)

    async def open_thread(self, thread_id: str) -> None:
        """Show a stored interview."""
        try:
            snapshot = await self.call_interview("state", thread_id)
        except Exception as error:  # noqa: BLE001
            self._error(error, "Could not open the interview")
            return
        await self._show(snapshot, full=True)
        self.sub_title = f"{self._brain_words()} · resumed"

    def on_first_question(self) -> None:
        """Called once, right after the first question is on screen (a hook for the start-up benchmark)."""

    def on_ready_for_answers(self) -> None:
        """Called once the interview behind the first screen exists and takes answers (benchmark hook)."""

    # -----------------------------------------------------------------------------------------
    # Drawing a snapshot

    def _message_widget(self, message: "Message"):
        if message.role == "user":
            return UserMessage(message.text)
        if message.kind == "notice":
            return NoticeMessage(message.text)
        return AssistantMessage(message.text, kind=message.kind, topic=message.topic)

    async def _show(self, snapshot: "Snapshot", *, full: bool) -> None:
        conversation = self.conversation
        new_thread = snapshot.thread_id != self.thread_id
        if full or new_thread:
            await self._stop_stream()
            await conversation.remove_children()
            self._shown = 0
            self._pending_user = None
            self._thinking = None
            self._rec_key = "(redraw)"  # whatever the new interview has, the view is redrawn
            self.views.active = "chat-pane"
            if self.screen is self.screen_stack[0]:
                self.prompt.focus()
        self.thread_id = snapshot.thread_id or None  # an opening drawn before its thread exists has none
        self.snapshot = snapshot

        await self._clear_thinking()
        await conversation.query(QuickReplies).remove()
        if self._shown == 0 and not conversation.children:
            # A whole conversation: mount it in one go (one layout pass, not one per message).
            await conversation.mount_all([self._message_widget(m) for m in snapshot.messages])
            self._shown = len(snapshot.messages)
        anchor = conversation.children[-1] if conversation.children else None
        if self._pending_user is not None:
            anchor = self._pending_user
        first_reply: AssistantMessage | None = None
        for message in snapshot.messages[self._shown :]:
            if message.role == "user" and self._pending_user is not None:
                self._pending_user.set_text(message.text)
                anchor, self._pending_user = self._pending_user, None
                continue
            if message.role == "assistant" and message.kind != "notice" and self._stream_bubble is not None:
                bubble, self._stream_bubble = self._stream_bubble, None
                await bubble.finish(message.text, message.kind, message.topic)
                anchor = first_reply = bubble
                continue
            widget = self._message_widget(message)
            if first_reply is None and isinstance(widget, AssistantMessage):
                first_reply = widget
            if anchor is None or anchor.parent is not conversation:
                await conversation.mount(widget)
            else:
                await conversation.mount(widget, after=anchor)
            anchor = widget
        for leftover in (self._pending_user, self._stream_bubble):
            if leftover is not None:
                await leftover.remove()
        self._pending_user = self._stream_bubble = None
        self._shown = len(snapshot.messages)

        options = self._options(snapshot)
        if options:
            replies = QuickReplies(options)
            replies.set_class(not replies.fits_in_a_row(max(conversation.size.width - 14, 20)), "-stacked")
            await conversation.mount(replies)
        self.prompt.set_history(m.text for m in snapshot.messages if m.role == "user")
        if full or new_thread:
            conversation.anchor()  # otherwise the view follows only if the user has not scrolled up
        elif first_reply is not None and conversation.is_anchored:
            self.call_after_refresh(self._show_top_of_long_reply, first_reply)

        await self.query_one(ProgressPanel).show(snapshot)
        await self._show_recommendation(snapshot.recommendation)
        for notice in snapshot.notices:
            self.notify(notice, title="Note", severity="warning", markup=False, timeout=5)
        if snapshot.recommendation is None:
            self.prompt.placeholder = PLACEHOLDER_ANSWER if snapshot.pending else PLACEHOLDER_DONE
        else:
            self.prompt.placeholder = PLACEHOLDER_DONE if snapshot.done else PLACEHOLDER_FOLLOWUP
        self.refresh_bindings()
        if not self._first_question_seen and snapshot.pending is not None:
            self._first_question_seen = True
            self.call_after_refresh(self.on_first_question)

    def _show_top_of_long_reply(self, reply: AssistantMessage, tries: int = 20) -> None:
        """A reply taller than the view (a recommendation) is shown from its start, not its end."""
        conversation = self.conversation
        if not reply.is_attached or getattr(conversation, "_anchor_released", False):
            return
        if reply.markdown.size.height == 0 and tries:  # its Markdown is still being laid out
            self.set_timer(0.05, lambda: self._show_top_of_long_reply(reply, tries - 1))
            return
        if reply.outer_size.height > conversation.scrollable_content_region.height:
            conversation.scroll_to_widget(reply, top=True, animate=False)

    @staticmethod
    def _options(snapshot: "Snapshot") -> list[str]:
        if snapshot.done or not snapshot.messages:
            return []
        last = snapshot.messages[-1]
        if last.role != "assistant":
            return []
        if last.options:
            return list(last.options)
        if last.kind == "question" and snapshot.pending is not None:
            return list(snapshot.pending.options)
        return []

    async def _show_recommendation(self, rec: "Recommendation | None") -> None:
        key = rec.model_dump_json() if rec is not None else None
        if key == self._rec_key:
            return
        self._rec_key = key
        self.recommendation = rec
        pane = self.query_one("#rec-pane", TabPane)
        if rec is None and pane.query("#rec-empty"):
            return  # nothing to redraw
        await pane.remove_children()
        if rec is None:
            await pane.mount(Static(Content("No recommendation yet."), id="rec-empty", markup=False))
            self.views.disable_tab("rec-pane")
            return
        from tui.recommendation import RecommendationView  # imported when first needed

        await pane.mount(RecommendationView(rec, self.snapshot.profile if self.snapshot else None, id="rec-view"))
        self.views.enable_tab("rec-pane")
        # No toast: the recommendation is in the chat, and the progress panel shows the verdict.

    # -----------------------------------------------------------------------------------------
    # Thinking and streaming

    async def _set_thinking(self, text: str = "Lever is thinking…") -> None:
        if self._thinking is not None and self._thinking.is_attached:
            self._thinking.text = text
            self._thinking.refresh()
            return
        self._thinking = Thinking(text)
        await self.conversation.mount(self._thinking)

    async def _clear_thinking(self) -> None:
        if self._thinking is not None:
            thinking, self._thinking = self._thinking, None
            if thinking.is_attached:
                await thinking.remove()

    def _chunk_from_thread(self, token: object, chunk: str) -> None:
        """``on_text`` for the facade: called on the interview thread."""
        try:
            self._event_loop.call_soon_threadsafe(self._queue_chunk, token, chunk)
        except (RuntimeError, AttributeError):  # the app has closed: the turn is still saved
            pass

    def _queue_chunk(self, token: object, chunk: str) -> None:
        if token is not self._stream_token or not chunk:
            return
        self._chunks.append(chunk)
        self._chunk_event.set()

    async def _pump_stream(self, token: object) -> None:
        """Write streamed text into a bubble as it arrives (cleaned by the interview's own cleaning function)."""
        from agent import clean_text

        self._streamed_raw = self._streamed_shown = ""
        while True:
            await self._chunk_event.wait()
            self._chunk_event.clear()
            if token is not self._stream_token:
                return
            self._streamed_raw += "".join(self._chunks)
            self._chunks.clear()
            cleaned = clean_text(self._streamed_raw, limit=10**9)[0]
            if not cleaned.startswith(self._streamed_shown):  # cleaning changed what is on screen: redraw it
                if self._stream_bubble is not None:
                    await self._stream_bubble.markdown.update(cleaned)
                self._streamed_shown = cleaned
                continue
            text, self._streamed_shown = cleaned[len(self._streamed_shown) :], cleaned
            if not text:
                continue
            if self._stream_bubble is None:
                bubble = AssistantMessage("", kind="text")
                if self._thinking is not None and self._thinking.is_attached:
                    await self.conversation.mount(bubble, before=self._thinking)
                    self._thinking.text = "Lever is writing…"
                else:
                    await self.conversation.mount(bubble)
                self._stream_bubble = bubble
            await self._stream_bubble.markdown.append(text)

    async def _stop_stream(self) -> None:
        self._stream_token = None
        self._chunk_event.set()
        for worker in self.workers:
            if worker.group == "stream":
                worker.cancel()
        self._chunks.clear()
        await asyncio.sleep(0)
        self._chunk_event.clear()

    # -----------------------------------------------------------------------------------------
    # Sending

    @on(ChatInput.Submitted, "#prompt")
    async def _submitted(self, event: ChatInput.Submitted) -> None:
        event.stop()
        await self.send_text(event.value, from_input=True)

    @on(QuickReplies.Chosen)
    async def _quick_reply(self, event: QuickReplies.Chosen) -> None:
        event.stop()
        await self.send_text(event.text)

    @on(QuickReplies.Back)
    def _back_to_input(self) -> None:
        self.prompt.focus()

    @on(ChatInput.WantsQuickReplies)
    def _to_quick_replies(self) -> None:
        replies = self.conversation.query(QuickReplies)
        if replies:
            replies.last().focus_first()

    @on(ChatInput.Cut)
    def _paste_cut(self, event: ChatInput.Cut) -> None:
        self.notify(
            f"The paste was cut to the {event.limit:,}-character limit for one message "
            f"({event.dropped:,} characters left out).",
            title="Paste too long",
            severity="warning",
            markup=False,
            timeout=8,
        )

    async def send_text(self, text: str, *, from_input: bool = False) -> None:
        """Send one user message to the interview. Sent before the interview is ready, it is queued and goes
        out as soon as it is (the message shows at once, marked as waiting)."""
        from agent import clean_text

        shown = clean_text(text, limit=self.max_chars)[0]
        if not shown:
            return
        if self.busy or self._queued is not None:
            self.notify("Lever is still answering your last message.", markup=False, timeout=3)
            return
        if self.thread_id is None:
            if self.boot_error is not None or self.screen is not self.screen_stack[0]:
                return
            self._queued = text
            if from_input:
                self.prompt.value = ""
            await self.conversation.query(QuickReplies).remove()
            self._pending_user = UserMessage(shown, pending=True)
            await self.conversation.mount(self._pending_user, before=self._thinking if self._thinking and
                                          self._thinking.is_attached else None)
            await self._set_thinking("Lever is still starting: your answer goes out in a moment…")
            self.conversation.anchor()
            return
        if from_input:
            self.prompt.value = ""
        self.busy = True
        self.refresh_bindings()
        self.views.active = "chat-pane"
        if not self.prompt.has_focus:
            self.prompt.focus()
        conversation = self.conversation
        await conversation.query(QuickReplies).remove()
        self._pending_user = UserMessage(shown, pending=True)
        await conversation.mount(self._pending_user)
        await self._set_thinking()
        conversation.anchor()
        self.run_worker(self._turn(self.thread_id, text), group="turn", exit_on_error=False)

    async def _turn(self, thread_id: str, text: str) -> None:
        token = object()
        self._stream_token = token
        self._chunks.clear()
        self._stream_bubble = None
        self.run_worker(self._pump_stream(token), group="stream", exit_on_error=False)
        on_text = functools.partial(self._chunk_from_thread, token)
        try:
            snapshot = await self.call_interview("send", thread_id, text, on_text=on_text)
        except Exception as error:  # noqa: BLE001 - the reason is shown; the text goes back
            await self._stop_stream()
            await self._turn_failed(text, error)
            return
        finally:
            self.busy = False
        await self._stop_stream()
        if snapshot.thread_id != self.thread_id:
            return
        await self._show(snapshot, full=False)

    async def _turn_failed(self, text: str, error: BaseException) -> None:
        for widget in (self._pending_user, self._stream_bubble):
            if widget is not None and widget.is_attached:
                await widget.remove()
        self._pending_user = self._stream_bubble = None
        await self._clear_thinking()
        current = self.prompt.value
        self.prompt.value = text if not current else f"{text} {current}"
        self.prompt.focus()
        if self.snapshot is not None:
            options = self._options(self.snapshot)
            if options:
                await self.conversation.mount(QuickReplies(options))
        self._error(error, "Your message was not sent")
        self.refresh_bindings()

    def on_key(self, event: events.Key) -> None:
        """Typing while focus is elsewhere on the main screen (a button, a tab, the sources
        list) goes to the input, so a follow-up is never typed into nowhere."""
        if len(self.screen_stack) > 1:
            return
        if event.key in ("enter", "ctrl+j") and self.thread_id is None and self.prompt.value.strip():
            # Typed ahead while Lever was starting (before the input had focus): send it (it is queued).
            event.stop()
            self.prompt.post_message(ChatInput.Submitted(self.prompt, self.prompt.value))
            return
        if not event.is_printable or not event.character:
            return
        if event.key in self.screen.active_bindings:
            return
        # A printable key that reached the app was handled by no input (the input stops every key it
        # types). Keys already on their way to the widget that had focus arrive here too, after focus
        # moved: they go to the input as well, so a fast typist loses nothing.
        if self.focused is not self.prompt and isinstance(self.focused, (Input, TextArea)):
            return
        event.stop()
        event.prevent_default()
        if self.focused is not self.prompt:
            self.screen.set_focus(self.prompt)
            self.prompt.move_cursor(self.prompt.document.end)
        self.prompt.type_text(event.character)

    def on_worker_state_changed(self, event) -> None:
        """A bug in a background task is reported, not fatal: the interview is saved by the facade."""
        from textual.worker import WorkerState

        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        self.log.error(f"worker {event.worker.name} failed: {error!r}")
        if event.worker.group == "turn":
            self.busy = False
            self.call_later(self._clear_thinking)
        self.notify(
            f"Something went wrong inside Lever ({error}). Your interview is saved.",
            title="Lever hit a bug",
            severity="error",
            markup=False,
            timeout=8,
        )

    # -----------------------------------------------------------------------------------------
    # Citations and links

    @on(OpenCitation)
    def _open_citation(self, event: OpenCitation) -> None:
        event.stop()
        self.open_citation(event.number)

    def open_citation(self, number: int) -> None:
        rec = self.recommendation
        if rec is None or not 1 <= number <= len(rec.passages):
            self.notify(f"There is no source [{number}].", markup=False, severity="warning", timeout=3)
            return
        from tui.screens import PassageScreen

        self.push_screen(PassageScreen(number, rec.passages[number - 1]))

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        href = event.href
        if href.startswith("cite:") and href[5:].isdigit():
            self.open_citation(int(href[5:]))
            return
        self.copy_to_clipboard(href)
        self.notify(href, title="Link copied (not opened)", markup=False, timeout=4)

    @on(Button.Pressed, ".open-recommendation")
    def _open_recommendation_button(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_toggle_view(force="rec-pane")

    # -----------------------------------------------------------------------------------------
    # The clipboard

    @on(CopyText)
    def _copy_text(self, event: CopyText) -> None:
        event.stop()
        self.copy(event.text, event.what)

    def copy(self, text: str, what: str) -> None:
        """Put ``text`` on the clipboard (through the terminal) and say so briefly."""
        self.copy_to_clipboard(text)
        self.notify(f"{what} copied to the clipboard.", markup=False, timeout=2)

    def action_copy(self) -> None:
        """ctrl+y: the whole recommendation when it is on screen, else Lever's last message."""
        if self.views.active == "rec-pane" and self.recommendation is not None and self.snapshot is not None:
            from agent.report import recommendation_markdown

            self.copy(recommendation_markdown(self.snapshot), "The recommendation")
            return
        replies = [w for w in self.conversation.query(AssistantMessage) if w.text]
        if replies:
            self.copy(replies[-1].text, "Lever's last message")

    # -----------------------------------------------------------------------------------------
    # Actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"new", "history", "export", "toggle_view", "sources", "help", "toggle_panel", "copy",
                      "rec_tab"}:
            if len(self.screen_stack) > 1:
                return False  # a dialog is open: let it have the key
        if action == "rec_tab":
            # ←/→ switch the recommendation's tabs wherever focus is, except inside text being edited
            if self.recommendation is None or self.views.active != "rec-pane":
                return False
            return not (self.focused is self.prompt and self.prompt.value)
        if action in {"toggle_view", "sources"} and self.recommendation is None:
            return None
        if action == "export" and self.thread_id is None:
            return None
        if action == "copy" and self.snapshot is None:
            return None
        return True

    async def action_rec_tab(self, step: int) -> None:
        from tui.recommendation import RecommendationView

        views = self.query(RecommendationView)
        if views:
            await views.first().step_tab(step)

    def action_toggle_view(self, force: str | None = None) -> None:
        if self.recommendation is None:
            self.notify("No recommendation yet: answer the key questions first.", markup=False, timeout=3)
            return
        target = force or ("chat-pane" if self.views.active == "rec-pane" else "rec-pane")
        self.views.active = target
        if target == "rec-pane":
            self.query_one("#rec-tabs", TabbedContent).query_one("Tabs").focus()
        else:
            self.prompt.focus()

    async def action_sources(self) -> None:
        if self.recommendation is None:
            self.notify("No sources yet: they come with the recommendation.", markup=False, timeout=3)
            return
        from tui.recommendation import RecommendationView

        self.views.active = "rec-pane"
        await self.query_one(RecommendationView).show_sources()

    async def action_new(self) -> None:
        if self.busy:
            self.notify("Lever is still answering; try again in a moment.", markup=False, timeout=3)
            return
        if self.thread_id is None and not self._iv_ready.is_set():
            return
        self.run_worker(self._start_new(), group="open", exclusive=True, exit_on_error=False)
        self.sub_title = self._brain_words()
        self.notify("New interview; the last one is in the history (ctrl+o).", markup=False, timeout=3)

    def _brain_words(self) -> str:
        brain = getattr(self.interview, "brain_name", "offline")
        return "offline brain" if brain == "offline" else f"brain: {brain}"

    def action_history(self) -> None:
        from tui.screens import HistoryScreen

        async def chosen(thread_id: str | None) -> None:
            if not thread_id or thread_id == self.thread_id:
                return
            if self.busy:
                self.notify("Lever is still answering; try again in a moment.", markup=False, timeout=3)
                return
            await self.open_thread(thread_id)

        self.push_screen(HistoryScreen(current=self.thread_id), chosen)

    def action_export(self, formats: tuple[str, ...] = ("json", "md")) -> None:
        if self.thread_id is None:
            return
        self.open_export(self.thread_id, formats)

    def action_toggle_panel(self) -> None:
        """Show or hide the progress panel (hidden by default on narrow terminals)."""
        panel = self.query_one(ProgressPanel)
        if self.screen_stack[0].has_class("-narrow"):
            panel.toggle_class("-shown")
        else:
            panel.toggle_class("-hidden")

    def action_help(self) -> None:
        from tui.screens import HelpScreen

        self.push_screen(HelpScreen())

    # -----------------------------------------------------------------------------------------
    # Names, export and delete

    @property
    def names(self):
        """The user's names for interviews (kept beside the interviews, in Lever's home)."""
        from tui.names import Names

        home = getattr(self.interview, "home", None)
        if getattr(self, "_names", None) is None or self._names.home != home:
            self._names = Names(home)
        return self._names

    def open_export(self, thread_id: str, formats: tuple[str, ...] = ("json", "md")) -> None:
        """The export dialog: where to write, then what was written (or why not)."""
        from tui.export import default_export_dir
        from tui.screens import ExportScreen

        try:
            folder = str(default_export_dir(getattr(self.interview, "home", None)))
        except Exception as error:  # noqa: BLE001 - an unusable home: the user types a folder instead
            folder = ""
            self.log.error(f"no default export folder: {error!r}")
        self.push_screen(ExportScreen(thread_id, folder, formats))

    def export_thread(self, thread_id: str, formats: Iterable[str] = ("json", "md"), folder: str | None = None):
        """Export an interview in the background; returns the worker (its result: a list of ExportOutcome)."""
        return self.run_worker(self.export(thread_id, tuple(formats), folder), group="export", exit_on_error=False)

    async def export(self, thread_id: str, formats: tuple[str, ...], folder: str | None = None) -> list:
        """Write the chosen formats to ``folder`` (the default exports folder if None). Every format's outcome is
        returned, written or not, so a failure of one never hides the other."""
        from tui.export import ExportOutcome, build_exports, default_export_dir, write_exports

        try:
            target = Path(folder).expanduser() if folder else default_export_dir(getattr(self.interview, "home", None))
        except Exception as error:  # noqa: BLE001 - e.g. LEVER_HOME unusable
            return [ExportOutcome(fmt, None, self.reason(error)) for fmt in formats]
        try:
            snapshot = await self.call_interview("state", thread_id)
            summary_of = getattr(self.interview, "summary", None)
            summary = await self.call_interview("summary", thread_id) if summary_of else None
        except Exception as error:  # noqa: BLE001
            return [ExportOutcome(fmt, None, self.reason(error)) for fmt in formats]
        texts = build_exports(snapshot, summary, self.names.get(thread_id), formats)
        return write_exports(target, thread_id, texts)

    async def delete_thread(self, thread_id: str) -> None:
        if thread_id == self.thread_id and self.busy:
            self.notify("Lever is still answering in that interview; try again in a moment.", markup=False)
            return
        try:
            await self.call_interview("delete", thread_id)
        except Exception as error:  # noqa: BLE001
            self._error(error, "Could not delete")
            return
        self.names.set(thread_id, "")
        self.notify("Interview deleted.", markup=False, timeout=3)
        if thread_id == self.thread_id:
            self.thread_id = None
            await self._start_new()

    # -----------------------------------------------------------------------------------------
    # Command palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("New interview", "Start a new interview (the current one is saved)", self.action_new)
        yield SystemCommand("History", "Search, rename, resume, export or delete past interviews", self.action_history)
        if self.thread_id is not None:
            yield SystemCommand(
                "Export", "Write the recommendation (JSON) and the report (Markdown)", self.action_export
            )
            yield SystemCommand("Export JSON", "Write the interview as JSON", lambda: self.action_export(("json",)))
            yield SystemCommand(
                "Export Markdown report", "Write the report with the transcript and sources",
                lambda: self.action_export(("md",)),
            )
        if self.recommendation is not None:
            yield SystemCommand("Recommendation", "Switch between the chat and the recommendation", self.action_toggle_view)
            yield SystemCommand("Sources", "The passages the recommendation cites", self.action_sources)
            yield SystemCommand(
                "Copy the recommendation", "The whole recommendation, as Markdown, to the clipboard",
                self._copy_recommendation,
            )
        if self.snapshot is not None:
            yield SystemCommand("Copy Lever's last message", "To the clipboard", self._copy_last)
        yield SystemCommand("Progress panel", "Show or hide the interview's progress (ctrl+t)", self.action_toggle_panel)
        yield SystemCommand("Help", "Keys and how Lever works", self.action_help)
        yield from super().get_system_commands(screen)

    def _copy_recommendation(self) -> None:
        if self.snapshot is not None and self.recommendation is not None:
            from agent.report import recommendation_markdown

            self.copy(recommendation_markdown(self.snapshot), "The recommendation")

    def _copy_last(self) -> None:
        replies = [w for w in self.conversation.query(AssistantMessage) if w.text]
        if replies:
            self.copy(replies[-1].text, "Lever's last message")

    async def on_unmount(self) -> None:
        # Work already running (a turn being saved) finishes; then our own Interview is closed.
        close = getattr(self.interview, "close", None) if self._owns_interview else None
        if close is not None:
            self._executor.submit(close)
        self._executor.shutdown(wait=False)


def _log_to_file() -> None:
    """Warnings (a failed turn, a Claude call that fell back) go to ``lever.log`` in Lever's folder, never onto the
    chat screen. Without a writable folder they are dropped."""
    import logging

    try:
        from knowledge.paths import lever_home

        handler: logging.Handler = logging.FileHandler(lever_home() / "lever.log", encoding="utf-8")
    except Exception:  # noqa: BLE001 - no folder: the UI says so itself
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)


def run_app(resume: str | bool | None = None, brain: str | None = None, server: str | None = None) -> int:
    """Run the app; the interview is built in the background so the window shows at once."""
    _log_to_file()
    app = LeverApp(resume=resume, brain=brain, server=server)
    try:
        app.run()
    except Exception as error:  # noqa: BLE001 - e.g. the terminal refused a mode Textual needs
        print(f"Lever could not run its chat in this terminal ({error}): try another terminal emulator.",
              file=sys.stderr)
        return 2
    if app.busy:
        print("Lever: finishing the last turn so it is saved…", file=sys.stderr)
    if app.boot_error:
        print(f"Lever could not start: {app.boot_error}", file=sys.stderr)
    if app.boot_error:
        return 1
    return app.return_code or 0


def _opening() -> "Snapshot":
    from agent.interview import opening

    return opening()
