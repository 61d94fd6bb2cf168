"""The recommendation view: verdict and scores, reasons with citations, costs, first steps, what
would change the decision, and the sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, DataTable, Label, Markdown, OptionList, Static, TabbedContent, Tabs, TabPane
from textual.widgets.option_list import Option

from tui.text import STRATEGY_SHORT, link_citations, shorten
from tui.widgets import OpenCitation, chat_markdown_parser

if TYPE_CHECKING:
    from agent.types import Recommendation, StrategyScore


LAYER_NAMES = {
    "prompting": "prompting (control)",
    "rag": "RAG (knowledge)",
    "fine_tuning": "fine-tuning (behaviour)",
    "distillation": "distillation (small model)",
}



class ScoreChart(Widget):
    """A horizontal bar chart of every strategy's score; the winner is highlighted."""

    DEFAULT_CSS = """
    ScoreChart { height: auto; width: 1fr; text-wrap: nowrap; text-overflow: clip; }
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
        values = [f" {score.score:>+6.1f}  {min(max(score.share, 0.0), 1.0):>4.0%}" for score in self.ranking]
        value_width = max(len(v) for v in values) if values else 0
        bar_width = max(width - name_width - value_width - 1, 8)
        lines: list[Content] = []
        for name, score, value in zip(names, self.ranking, values):
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
                    (value, "bold" if win else "$text-muted"),
                )
            )
        return Content("\n\n").join(lines)


class CitationButton(Button):
    """A one-line button that opens citation ``number``."""

    def __init__(self, number: int, title: str) -> None:
        super().__init__(
            Content.assemble((f"[{number}]", "bold"), " ", shorten(title, 72)),
            classes="citation",
            compact=True,
        )
        self.number = number


class ReasonItem(Vertical):
    def __init__(self, index: int, reason, passages, value_text: str = "") -> None:
        super().__init__(classes="reason")
        self.index = index
        self.reason = reason
        self.passages = passages
        self.value_text = value_text or reason.fact_value

    def compose(self) -> ComposeResult:
        reason = self.reason
        yield Static(
            Content.assemble((f"{self.index}. ", "bold"), reason.statement), markup=False, classes="reason-statement"
        )
        from agent.describe import fact_label

        basis: list = [("Based on ", "$text-muted"), (fact_label(reason.fact), "italic"), ": ", self.value_text]
        if reason.assumed:
            basis.append((" (assumed: tell me if it is wrong)", "$warning italic"))
        elif reason.quote:
            basis.extend([("  you said “", "$text-muted"), (shorten(reason.quote, 100), "italic"), ("”", "$text-muted")])
        yield Static(Content.assemble(*basis), markup=False, classes="reason-basis")
        citations = [n for n in reason.citations if 1 <= n <= len(self.passages)]
        if citations:
            with Vertical(classes="citations"):
                for n in citations:
                    yield CitationButton(n, self.passages[n - 1].title)


class LazyPane(TabPane):
    """A tab whose content is built the first time it is shown (keeps the view quick to mount)."""

    def __init__(self, title: str, builder, *, id: str) -> None:
        super().__init__(title, id=id)
        self._builder = builder
        self.built = False

    async def build(self) -> None:
        if self.built:
            return
        self.built = True
        await self.mount_all(list(self._builder()))


class RecommendationView(Vertical):
    """Everything about one recommendation, in tabs: verdict and scores, the explanation,
    reasons with citations, costs, first steps, what would change it, and the sources.

    ←/→ switch tabs (the app binds them wherever focus is); 1-9 open a cited source when focus is
    in this view (ctrl+s lists them, and the command palette finds one by number while typing)."""

    BINDINGS = [Binding(str(n), f"cite({n})", show=False) for n in range(1, 10)]

    def __init__(self, rec: "Recommendation", profile=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rec = rec
        self.profile = profile

    def action_cite(self, number: int) -> None:
        self.post_message(OpenCitation(number))

    def _value_text(self, reason) -> str:
        from agent.describe import describe_value

        value = self.profile.value(reason.fact) if self.profile is not None and hasattr(self.profile, reason.fact) else None
        return describe_value(reason.fact, value) if value is not None else reason.fact_value

    async def step_tab(self, step: int) -> None:
        """Move ``step`` tabs along (wrapping round), building the tab's content if needed."""
        tabs = self.query_one("#rec-tabs", TabbedContent)
        bar = tabs.query_one(Tabs)
        (bar.action_next_tab if step > 0 else bar.action_previous_tab)()
        await self.show_tab(tabs.active)

    def compose(self) -> ComposeResult:
        rec = self.rec
        with TabbedContent(id="rec-tabs"):
            with TabPane("Verdict", id="rec-verdict"):
                yield VerticalScroll(*self._verdict(), classes="rec-scroll")
            yield LazyPane("Reasons", self._reasons, id="rec-reasons")
            if rec.summary:
                yield LazyPane("Explanation", self._explanation, id="rec-explanation")
            yield LazyPane("Costs", self._costs, id="rec-costs")
            yield LazyPane("Steps", self._steps, id="rec-steps")
            yield LazyPane("What if", self._changes, id="rec-change")
            yield LazyPane(f"Sources ({len(rec.passages)})", self._sources, id="rec-sources")

    # -- panes -----------------------------------------------------------------------------

    def _verdict(self) -> list[Widget]:
        rec = self.rec
        layers = " + ".join(LAYER_NAMES.get(layer, layer) for layer in rec.layers)
        hosting = "a vendor API" if rec.hosting == "api" else "your own infrastructure (self-hosted)"
        filled = round(rec.confidence * 20)
        widgets: list[Widget] = [
            Static(
                Content.assemble(("Recommended: ", "$text-muted"), (rec.label, "bold $accent")),
                classes="verdict-title",
                markup=False,
            ),
            Static(
                Content.assemble(
                    ("Layers      ", "$text-muted"), layers, "\n",
                    ("Confidence  ", "$text-muted"), ("█" * filled, "$success"), ("░" * (20 - filled), "$text-muted"),
                    f" {rec.confidence:.0%} ({rec.confidence_label})", "\n",
                    ("Hosting     ", "$text-muted"), hosting,
                ),
                markup=False,
                classes="verdict-facts",
            ),
            Label("How every strategy scored", classes="section-title"),
            ScoreChart(rec.ranking, rec.strategy, id="score-chart"),
        ]
        mine = next((c for c in rec.costs if c.strategy == rec.strategy), None)
        if mine is not None:
            widgets.append(
                Static(
                    Content.assemble(
                        ("Running cost ", "$text-muted"),
                        (f"about ${mine.monthly_usd:,.0f} a month", "bold"),
                        (f"  (prices as of {rec.pricing_as_of})" if rec.pricing_as_of else "", "$text-muted"),
                    ),
                    markup=False,
                    classes="verdict-cost",
                )
            )
        widgets.append(
            Static(
                Content("Tabs: ←/→ · Read a cited source: 1-9 here, ctrl+s for the list, or ctrl+p and its number "
                        "while typing · ctrl+y copies the recommendation · ctrl+r back to the chat"),
                classes="hint verdict-hint",
                markup=False,
            )
        )
        return widgets

    def _reasons(self):
        rec = self.rec
        children: list[Widget] = [
            Static(
                Content("Each reason names the fact it rests on. Press 1-9 (or click a [n]) to read a cited passage."),
                classes="hint",
                markup=False,
            )
        ]
        supporting = [r for r in rec.rationale if getattr(r, "stance", "for") != "against"]
        against = [r for r in rec.rationale if getattr(r, "stance", "for") == "against"]
        children += [ReasonItem(i, r, rec.passages, self._value_text(r)) for i, r in enumerate(supporting, start=1)]
        if against:
            children.append(Label("Trade-offs", classes="section-title"))
            children += [ReasonItem(i, r, rec.passages, self._value_text(r))
                         for i, r in enumerate(against, start=len(supporting) + 1)]
        contradictions = getattr(rec, "contradictions", None) or []
        if contradictions:
            children.append(Label("Your documents say otherwise", classes="section-title"))
            for c in contradictions:
                parts: list[Widget] = [Static(Content.assemble(("! ", "bold $warning"), c.statement), markup=False)]
                if 1 <= c.passage <= len(rec.passages):
                    parts.append(Vertical(CitationButton(c.passage, rec.passages[c.passage - 1].title),
                                          classes="citations"))
                children.append(Vertical(*parts, classes="reason -contradiction"))
        if rec.assumptions:
            children.append(Label("Assumptions", classes="section-title"))
            children += [Static(Content("• " + item), markup=False, classes="bullet") for item in rec.assumptions]
        yield VerticalScroll(*children, classes="rec-scroll")

    def _explanation(self):
        rec = self.rec
        yield VerticalScroll(
            Markdown(
                link_citations(rec.summary, len(rec.passages)),
                open_links=False,
                parser_factory=chat_markdown_parser,
                id="rec-summary",
            ),
            classes="rec-scroll",
        )

    def _costs(self):
        rec = self.rec
        table: DataTable = DataTable(id="cost-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Strategy", "Monthly (USD)", "Setup, one-off (USD)")
        lines = sorted(rec.costs, key=lambda c: c.monthly_usd)
        for line in lines:
            win = line.strategy == rec.strategy
            style = "bold" if win else ""
            name = STRATEGY_SHORT.get(line.strategy, line.label) + ("  ★" if win else "")
            low, high = line.setup_usd
            table.add_row(
                Text(name, style=style),
                Text(f"${line.monthly_usd:,.0f}", style=style, justify="right"),
                Text(f"${low:,.0f} – ${high:,.0f}", style=style, justify="right"),
            )
        notes = "Monthly running cost estimates in US dollars"
        if rec.pricing_as_of:
            notes += f", prices as of {rec.pricing_as_of}"
        children: list[Widget] = [table, Static(Content(notes + ". Setup is a rough one-off range. ★ recommended."), classes="hint", markup=False)]
        for line in lines:
            if line.notes:
                children.append(
                    Static(
                        Content.assemble(
                            (STRATEGY_SHORT.get(line.strategy, line.label), "bold"), ("  ", ""), "; ".join(line.notes)
                        ),
                        markup=False,
                        classes="bullet",
                    )
                )
        yield VerticalScroll(*children, classes="rec-scroll")

    def _steps(self):
        rec = self.rec
        children: list[Widget] = [Label("First steps", classes="section-title first")]
        children += [
            Static(Content.assemble((f"{i}. ", "bold $accent"), step), markup=False, classes="step")
            for i, step in enumerate(rec.first_steps, start=1)
        ] or [Static(Content("No first steps."), markup=False)]
        yield VerticalScroll(*children, classes="rec-scroll")

    def _changes(self):
        rec = self.rec
        children: list[Widget] = [Label("What would change the decision", classes="section-title first")]
        children += [
            Static(
                Content.assemble(
                    ("• ", "$accent"),
                    change.description,
                    ("  → ", "$text-muted"),
                    (STRATEGY_SHORT.get(change.new_strategy, change.new_strategy), "bold"),
                ),
                markup=False,
                classes="bullet",
            )
            for change in rec.what_would_change
        ] or [Static(Content("No change to a single fact would alter the decision."), markup=False, classes="bullet")]
        children.append(
            Static(
                Content(
                    "Try one: type a “what if” below, e.g. “what if we had 5,000 labelled examples?”. "
                    "The recommendation is made again from the new facts."
                ),
                classes="hint",
                markup=False,
            )
        )
        yield VerticalScroll(*children, classes="rec-scroll")

    def _sources(self):
        rec = self.rec
        yield Vertical(
            Static(Content("Passages the reasons cite. Enter or a click opens one."), classes="hint", markup=False),
            OptionList(
                *[
                    Option(Content.assemble((f"[{n}] ", "bold"), p.citation()), id=f"cite-{n}")
                    for n, p in enumerate(rec.passages, start=1)
                ],
                id="source-list",
            ),
            classes="sources-box",
        )

    # -- events ----------------------------------------------------------------------------

    @on(TabbedContent.TabActivated, "#rec-tabs")
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        if isinstance(event.pane, LazyPane):
            await event.pane.build()

    async def show_tab(self, pane_id: str) -> LazyPane | TabPane:
        """Switch to a tab and make sure its content is built."""
        tabs = self.query_one("#rec-tabs", TabbedContent)
        tabs.active = pane_id
        pane = tabs.get_pane(pane_id)
        if isinstance(pane, LazyPane):
            await pane.build()
        return pane

    async def show_sources(self) -> None:
        await self.show_tab("rec-sources")
        self.query_one("#source-list", OptionList).focus()

    @on(Button.Pressed, "CitationButton")
    def _citation_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(OpenCitation(event.button.number))  # type: ignore[attr-defined]

    @on(OptionList.OptionSelected, "#source-list")
    def _source_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(OpenCitation(int(event.option.id.split("-")[1])))
