"""The README's integration examples run as written (the server one runs in tests/test_server.py)."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def example(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(rf"<!-- example: {name} -->\n```python\n(.*?)```", text, re.S)
    assert m, f"README example {name!r} not found"
    return m.group(1)


def test_the_in_process_example_reaches_a_recommendation():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example("in-process"), "README in-process example", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("RAG (retrieval-augmented generation) ") and lines[0].endswith("%")
    assert "### Why" in lines and any(line.startswith("- The need is knowledge") for line in lines)


def test_the_public_api_names_resolve():
    import agent

    for name in agent.__all__:
        assert getattr(agent, name) is not None
