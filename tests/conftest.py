import os
import textwrap
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own Lever home and no API key: nothing touches the user's files or the network."""
    monkeypatch.setenv("LEVER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LEVER_DENSE", "0")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    yield


def write_note(folder: Path, note_id: str, title: str, sections: dict[str, str], **meta) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    front = {"id": note_id, "title": title, "publisher": meta.get("publisher", "Test Press"),
             "date": meta.get("date", "2024"), "url": meta.get("url", ""), "kind": meta.get("kind", "article")}
    lines = ["---"] + [f'{k}: "{v}"' for k, v in front.items()] + ["---", f"# {title}", ""]
    for heading, body in sections.items():
        lines += [f"## {heading}", "", textwrap.dedent(body).strip(), ""]
    path = folder / f"{note_id}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    write_note(folder, "fresh", "Freshness", {
        "How often your data changes": "When documents change every week, retrieval keeps answers current; a "
                                        "fine-tuned model goes stale until it is retrained.",
        "Stable domains": "If the rules barely change, training them into weights stays correct for a long time.",
    })
    write_note(folder, "latency", "Latency", {
        "Latency added by retrieval": "A retrieval step adds roughly 100 to 500 milliseconds to each response.",
    })
    write_note(folder, "examples", "Training data", {
        "How many labelled examples": "Classification needs 500 to 2,000 labelled input-output pairs; style "
                                      "needs 50 to 500.",
    })
    return folder
