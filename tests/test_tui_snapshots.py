"""Snapshot tests of Lever's main screens (pytest-textual-snapshot).

They drive the real offline interview, so a change to the interview's wording shows up here too:
review the report, then accept with ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import asyncio


from agent import Interview
from tui.app import LeverApp
from tui.screens import PassageScreen

from conftest import SIZE, finished_thread


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


def test_first_question(snap_compare, interview: Interview) -> None:
    """A new interview: the first question with its quick replies, the progress panel, the footer."""
    app = LeverApp(interview=interview)

    async def ready(pilot) -> None:
        await settle(pilot, lambda: app.snapshot is not None and not app.busy)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_recommendation_verdict(snap_compare, interview: Interview) -> None:
    """The recommendation view: verdict, confidence and the score of every strategy."""
    app = LeverApp(interview=interview, resume=finished_thread(interview))

    async def ready(pilot) -> None:
        await settle(pilot, lambda: app.recommendation is not None and not app.busy)
        await pilot.press("ctrl+r")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


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

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
