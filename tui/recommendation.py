"""The recommendation view: verdict and scores, reasons with citations, costs, first steps, what
would change the decision, and the sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message as TextualMessage
from textual.widget import Widget
from textual.widgets import Button, DataTable, Label, Markdown, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from tui.text import link_citations, shorten

if TYPE_CHECKING:
    from agent.types import Recommendation, StrategyScore


LAYER_NAMES = {
    "prompting": "prompting (control)",
    "rag": "RAG (knowledge)",
    "fine_tuning": "fine-tuning (behaviour)",
    "distillation": "distillation (small model)",
}

STRATEGY_SHORT = {
    "prompting": "Prompt engineering",
    "rag": "RAG",
    "fine_tuning": "Fine-tuning",
    "rag_and_fine_tuning": "RAG + fine-tuning",
    "distillation": "Distillation",
}


class OpenCitation(TextualMessage):
    """Ask the app to open cited passage number ``number`` (1-based)."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number


class ScoreChart(Widget):
    """A horizontal bar chart of every strategy's score; the winner is highlighted."""

    DEFAULT_CSS = """
    ScoreChart { height: auto; width: 1fr; }
    """

    def __init__(self, ranking: list["StrategyScore"], winner: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ranking = sorted(ranking, key=lambda s: s.score, reverse=True)
        self.winner = winner

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(len(self.ranking) * 2 - 1, 1)

    def render(self) -> Content:
        width = max(self.size.width, 40)
        names = [STRATEGY_SHORT.get(s.strategy, s.label) for s in self.ranking]
        name_width = max((len(n) for n in names), default=10) + 2
        value_width = 12
        bar_width = max(width - name_width - value_width, 10)
        lines: list[Content] = []
        for name, score in zip(names, self.ranking):
            share = min(max(score.share, 0.0), 1.0)
            eighths = round(share * bar_width * 8)
            full, part = divmod(eighths, 8)
            bar = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
            win = score.strategy == self.winner
            lines.append(
                Content.assemble(
                    (name.ljust(name_width), "bold" if win else ""),
                    (bar or "▏", "$accent" if win else "$primary 70%"),
                    " " * max(bar_width - len(bar or "▏"), 0),
                    (f" {score.score:>6.1f} {share:>5.0%}", "bold" if win else "$text-muted"),
                )
            )
        return Content("\n\n").join(lines)


class CitationButton(Button):
    """A one-line button that opens citation ``number``."""

    def __init__(self, number: int, title: str) -> None:
        super().__init__(
            Content.assemble((f"[{number}]", "bold"), " ", shorten(title, 48)),
            classes="citation",
            compact=True,
        )
        self.number = number


class ReasonItem(Vertical):
    def __init__(self, index: int, reason, passages) -> None:
        super().__init__(classes="reason")
        self.index = index
        self.reason = reason
        self.passages = passages

    def compose(self) -> ComposeResult:
        reason = self.reason
        yield Static(
            Content.assemble((f"{self.index}. ", "bold"), reason.statement), markup=False, classes="reason-statement"
        )
        basis: list = [("Based on ", "$text-muted"), (reason.fact.replace("_", " "), "italic"), " = ", reason.fact_value]
        if reason.assumed:
            basis.append((" (assumed: tell me if it is wrong)", "$warning italic"))
        elif reason.quote:
            basis.extend([("  you said “", "$text-muted"), (shorten(reason.quote, 100), "italic"), ("”", "$text-muted")])
        yield Static(Content.assemble(*basis), markup=False, classes="reason-basis")
        citations = [n for n in reason.citations if 1 <= n <= len(self.passages)]
        if citations:
            with Horizontal(classes="citations"):
                for n in citations:
                    yield CitationButton(n, self.passages[n - 1].title)


class RecommendationView(Vertical):
    """Everything about one recommendation, in tabs."""

    def __init__(self, rec: "Recommendation", **kwargs) -> None:
        super().__init__(**kwargs)
        self.rec = rec

    def compose(self) -> ComposeResult:
        rec = self.rec
        with TabbedContent(id="rec-tabs"):
            with TabPane("Verdict", id="rec-verdict"):
                with VerticalScroll(classes="rec-scroll"):
                    yield from self._verdict()
            with TabPane("Reasons", id="rec-reasons"):
                with VerticalScroll(classes="rec-scroll"):
                    yield Static(
                        Content("Each reason names the fact it rests on. Press a [n] to read the cited passage."),
                        classes="hint",
                        markup=False,
                    )
                    for i, reason in enumerate(rec.rationale, start=1):
                        yield ReasonItem(i, reason, rec.passages)
                    if rec.assumptions:
                        yield Label("Assumptions", classes="section-title")
                        for item in rec.assumptions:
                            yield Static(Content("• " + item), markup=False, classes="bullet")
            with TabPane("Costs", id="rec-costs"):
                with VerticalScroll(classes="rec-scroll"):
                    yield DataTable(id="cost-table", cursor_type="row", zebra_stripes=True)
                    notes = [f"Monthly running cost estimates in US dollars"]
                    if rec.pricing_as_of:
                        notes.append(f"prices as of {rec.pricing_as_of}")
                    yield Static(Content(", ".join(notes) + ". Setup is a rough one-off range."), classes="hint", markup=False)
                    for line in rec.costs:
                        for note in line.notes:
                            yield Static(
                                Content.assemble((STRATEGY_SHORT.get(line.strategy, line.label) + ": ", "bold"), note),
                                markup=False,
                                classes="bullet",
                            )
            with TabPane("First steps", id="rec-steps"):
                with VerticalScroll(classes="rec-scroll"):
                    for i, step in enumerate(rec.first_steps, start=1):
                        yield Static(Content.assemble((f"{i}. ", "bold $accent"), step), markup=False, classes="step")
                    if not rec.first_steps:
                        yield Static(Content("No first steps."), markup=False)
            with TabPane("What would change", id="rec-change"):
                with VerticalScroll(classes="rec-scroll"):
                    if rec.what_would_change:
                        for change in rec.what_would_change:
                            yield Static(
                                Content.assemble(
                                    ("• ", "$accent"),
                                    change.description,
                                    ("  → ", "$text-muted"),
                                    (STRATEGY_SHORT.get(change.new_strategy, change.new_strategy), "bold"),
                                ),
                                markup=False,
                                classes="bullet",
                            )
                    else:
                        yield Static(Content("No single change to one fact would alter the decision."), markup=False)
                    yield Static(
                        Content(
                            "Try a change: type a “what if” below, e.g. “what if we had 5,000 labelled examples?”. "
                            "The recommendation is made again from the new facts."
                        ),
                        classes="hint",
                        markup=False,
                    )
            with TabPane(f"Sources ({len(rec.passages)})", id="rec-sources"):
                with Vertical():
                    yield Static(
                        Content("Passages the reasons cite. Enter or click opens one."), classes="hint", markup=False
                    )
                    yield OptionList(
                        *[
                            Option(Content.assemble((f"[{n}] ", "bold"), p.citation()), id=f"cite-{n}")
                            for n, p in enumerate(rec.passages, start=1)
                        ],
                        id="source-list",
                    )

    def _verdict(self) -> ComposeResult:
        rec = self.rec
        yield Static(Content.assemble(("Recommended: ", "$text-muted"), (rec.label, "bold $accent")), classes="verdict-title", markup=False)
        layers = " + ".join(LAYER_NAMES.get(layer, layer) for layer in rec.layers)
        hosting = "a vendor API" if rec.hosting == "api" else "your own infrastructure (self-hosted)"
        filled = round(rec.confidence * 20)
        yield Static(
            Content.assemble(
                ("Layers      ", "$text-muted"), layers, "\n",
                ("Confidence  ", "$text-muted"), ("█" * filled, "$success"), ("░" * (20 - filled), "$text-muted"),
                f" {rec.confidence:.0%} ({rec.confidence_label})", "\n",
                ("Hosting     ", "$text-muted"), hosting,
            ),
            markup=False,
            classes="verdict-facts",
        )
        yield Label("How every strategy scored", classes="section-title")
        yield ScoreChart(rec.ranking, rec.strategy, id="score-chart")
        if rec.summary:
            yield Label("Why", classes="section-title")
            yield Markdown(link_citations(rec.summary, len(rec.passages)), open_links=False, id="rec-summary")

    def on_mount(self) -> None:
        table = self.query_one("#cost-table", DataTable)
        table.add_columns("Strategy", "Monthly (USD)", "Setup, one-off (USD)")
        for line in sorted(self.rec.costs, key=lambda c: c.monthly_usd):
            win = line.strategy == self.rec.strategy
            style = "bold" if win else ""
            name = STRATEGY_SHORT.get(line.strategy, line.label) + ("  ★" if win else "")
            low, high = line.setup_usd
            table.add_row(
                Text(name, style=style),
                Text(f"${line.monthly_usd:,.0f}", style=style, justify="right"),
                Text(f"${low:,.0f} – ${high:,.0f}", style=style, justify="right"),
            )

    @on(Button.Pressed, "CitationButton")
    def _citation_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(OpenCitation(event.button.number))  # type: ignore[attr-defined]

    @on(OptionList.OptionSelected, "#source-list")
    def _source_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(OpenCitation(int(event.option.id.split("-")[1])))

    def show_sources(self) -> None:
        self.query_one("#rec-tabs", TabbedContent).active = "rec-sources"
        self.query_one("#source-list", OptionList).focus()
