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
