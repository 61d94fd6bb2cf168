"""The JSON export of one interview (a plain function of its snapshot and history row)."""

from __future__ import annotations

import json

from .types import InterviewSummary, Snapshot


def export_json(snap: Snapshot, summary: InterviewSummary | None = None) -> str:
    rec = snap.recommendation
    assert rec is not None
    return json.dumps(rec.model_dump(mode="json"), indent=2, ensure_ascii=False)
