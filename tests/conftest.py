import textwrap
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own Lever home and no API key: nothing touches the user's files or the network."""
    monkeypatch.setenv("LEVER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LEVER_EXPORT_DIR", str(tmp_path / "exports"))
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


# --- shared by the UI tests -------------------------------------------------------------------
SIZE = (120, 40)

# What a team building a support bot over its docs would answer, by topic.
ANSWERS = {
    "need": "We answer customer questions from our product docs",
    "freshness": "The docs change every week",
    "budget": "About a second is fine, around 100k requests a month",
    "examples": "None yet",
    "corpus": "Hundreds of documents",
    "citations": "Yes, answers must cite the docs",
    "privacy": "A cloud API with an agreement is fine",
}


@pytest.fixture
def interview(tmp_path):
    from agent import Interview

    iv = Interview(home=tmp_path / "home")
    yield iv
    iv.close()


def finished_thread(iv) -> str:
    """A complete interview, made through the facade (fast), for tests that start from one."""
    snap = iv.start()
    for _ in range(12):
        if snap.recommendation is not None:
            return snap.thread_id
        topic = snap.pending.id if snap.pending else None
        snap = iv.send(snap.thread_id, ANSWERS.get(topic, "I'm not sure."))
    assert snap.recommendation is not None, "the offline interview should reach a recommendation"
    return snap.thread_id


# --- LangGraph Server (`langgraph dev` on a loopback port, from a clean copy; stopped by its pid) ----------
@pytest.fixture(scope="session")
def langgraph_server(tmp_path_factory):
    from evals.langgraph_dev import CLI, clean_copy, serve

    if not CLI.exists():
        pytest.skip("langgraph-cli[inmem] is not installed (it is in the test extra)")
    with serve(clean_copy(tmp_path_factory.mktemp("clean-copy"))) as (url, _log):
        yield url
