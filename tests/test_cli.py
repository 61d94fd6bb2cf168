import json

from tui.cli import main


def test_schema_prints_the_recommendation_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Recommendation"
    assert {"strategy", "layers", "rationale", "costs", "what_would_change"} <= set(schema["properties"])


def test_knowledge_search_prints_passages_with_source_titles(capsys):
    assert main(["knowledge", "search", "how often does our data change"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. ") and "§" in out and "id: " in out
    assert out.count("\n1. ") + out.startswith("1. ") == 1 and "5. " in out


def test_knowledge_add_list_remove_round_trip(tmp_path, capsys):
    doc = tmp_path / "runbook.md"
    doc.write_text("# Runbook\n\nThe ocelot service restarts nightly.")
    bad = tmp_path / "blob.txt"
    bad.write_bytes(b"\x00\x01")
    assert main(["knowledge", "add", str(doc), str(bad)]) == 0
    out = capsys.readouterr().out
    assert "added" in out and "skipped" in out and "binary" in out and "1 document added, 1 skipped." in out
    doc_id = next(line.split("-> ")[1] for line in out.splitlines() if line.startswith("added"))
    assert main(["knowledge", "list"]) == 0
    assert doc_id in capsys.readouterr().out
    assert main(["knowledge", "search", "ocelot restarts"]) == 0
    assert "Runbook" in capsys.readouterr().out
    assert main(["knowledge", "remove", doc_id]) == 0
    assert main(["knowledge", "remove", doc_id]) == 1
    assert main(["knowledge", "add", str(bad)]) == 1


def test_empty_search_is_refused_with_a_hint(capsys):
    assert main(["knowledge", "search", "  "]) == 2
    assert "give a query" in capsys.readouterr().err


def test_search_piped_into_a_reader_that_stops_early_exits_quietly():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "tui.cli", "knowledge", "search", "how often does our data change",
                             "-k", "500"],  # more than a pipe buffer holds
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root, env=dict(os.environ),
                            bufsize=0)
    first = proc.stdout.readline()  # like `| head -1`: read one line, then hang up
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and first.startswith(b"1. ")
    assert "Traceback" not in err and "BrokenPipe" not in err
