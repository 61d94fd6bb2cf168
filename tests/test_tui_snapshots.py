"""Snapshot tests of Lever's main screens (pytest-textual-snapshot) at three common terminal sizes:
80x24 (the smallest usual terminal), 120x40 and 200x50.

They drive the real offline interview, so a change to the interview's wording shows up here too:
look at the report, then accept with ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import asyncio

import pytest

from agent import Interview
from tui.app import LeverApp
from tui.screens import HistoryScreen, PassageScreen

from conftest import ANSWERS, finished_thread

SIZES = [(80, 24), (120, 40), (200, 50)]
SIZE_IDS = ["80x24", "120x40", "200x50"]


async def settle(pilot, predicate) -> None:
    """Wait for ``predicate`` and for start-up to finish, then hide the notifications."""
    app = pilot.app

    def booting() -> bool:
        return any(w.group == "boot" and w.state.name in ("PENDING", "RUNNING") for w in app.workers)

    for _ in range(1500):
        if predicate() and not booting():
            break
        await pilot.pause(0.02)
    app.prompt.cursor_blink = False
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_first_question(snap_compare, interview: Interview, size) -> None:
    """A new interview: the first question with its quick replies, the progress panel, the footer."""
    app = LeverApp(interview=interview)

    async def ready(pilot) -> None:
        await settle(pilot, lambda: app.snapshot is not None and not app.busy)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_budget_question_mid_interview(snap_compare, interview: Interview, size) -> None:
    """Two answers in: the echo, the budget question's long quick replies (never cut), the panel's values."""
    snap = interview.start(thread_id="snapshot0001")
    for topic in ("need", "freshness"):
        snap = interview.send(snap.thread_id, ANSWERS[topic])
    app = LeverApp(interview=interview, resume=snap.thread_id)

    async def ready(pilot) -> None:
        await settle(pilot, lambda: app.snapshot is not None and not app.busy)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_recommendation_verdict(snap_compare, interview: Interview, size) -> None:
    """The recommendation view: verdict, confidence and the score of every strategy."""
    app = LeverApp(interview=interview, resume=finished_thread(interview))

    async def ready(pilot) -> None:
        await settle(pilot, lambda: app.recommendation is not None and not app.busy)
        await pilot.press("ctrl+r")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_history(snap_compare, interview: Interview, size, monkeypatch) -> None:
    """The history: whole ids, names, the search box."""
    import tui.screens

    monkeypatch.setattr(tui.screens, "_when", lambda stamp, short=False: "11-21 10:00" if short else "2026-11-21 10:00")
    for n, text in enumerate(("We classify support tickets into 12 categories",
                              "We answer questions from our internal wiki, which changes every week")):
        thread = interview.start(thread_id=f"history0000{n}").thread_id
        interview.send(thread, text)
    app = LeverApp(interview=interview, resume="history00000")

    async def ready(pilot) -> None:
        await settle(pilot, lambda: app.snapshot is not None and not app.busy)
        app.names.set("history00000", "Ticket router")
        await pilot.press("ctrl+o")
        for _ in range(200):
            if isinstance(app.screen, HistoryScreen) and len(app.screen.summaries) == 2:
                break
            await asyncio.sleep(0.01)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_cited_passage(snap_compare, interview: Interview) -> None:
    """A cited passage opened from the reasons, with its source."""
    app = LeverApp(interview=interview, resume=finished_thread(interview))

    async def ready(pilot) -> None:
        await settle(pilot, lambda: app.recommendation is not None and not app.busy)
        app.open_citation(1)
        for _ in range(200):
            if isinstance(app.screen, PassageScreen):
                break
            await asyncio.sleep(0.01)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=ready)
