import json
import re

from tui.cli import main


def test_schema_prints_the_recommendation_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Recommendation"
    assert {"strategy", "layers", "rationale", "costs", "what_would_change"} <= set(schema["properties"])


def test_knowledge_search_prints_passages_with_source_titles_and_why_they_matched(capsys):
    assert main(["knowledge", "search", "how often does our data change"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. ") and "§" in out and "id: " in out
    assert out.count("\n1. ") + out.startswith("1. ") == 1 and "5. " in out
    assert "matched words: " in out and "change" in out.split("matched words: ")[1].split("\n")[0]
    assert "score" not in out, "a bare relative score says nothing to a reader"


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
    listed = capsys.readouterr().out
    assert doc_id in listed and f"from {doc}" in listed and "1 passage " in listed and "1 passage" in listed
    assert "1 passages" not in listed and re.search(r"\d+ sources \(\d+ built-in, 1 yours\), [\d,]+ passages in all", listed)
    assert main(["knowledge", "search", "ocelot restarts"]) == 0
    assert "Runbook" in capsys.readouterr().out
    assert main(["knowledge", "remove", doc_id[:12]]) == 0  # a unique start of the id is enough
    assert f"removed {doc_id}" in capsys.readouterr().out
    assert main(["knowledge", "remove", doc_id]) == 1
    assert "No document of yours" in capsys.readouterr().err
    assert main(["knowledge", "add", str(bad)]) == 1


def test_remove_refuses_an_ambiguous_prefix_and_a_built_in_note(tmp_path, capsys):
    for name in ("alpha-one", "alpha-two"):
        (tmp_path / f"{name}.md").write_text(f"# {name}\n\nThe {name} service restarts nightly at two.")
    assert main(["knowledge", "add", str(tmp_path / "alpha-one.md"), str(tmp_path / "alpha-two.md")]) == 0
    capsys.readouterr()
    assert main(["knowledge", "remove", "alpha"]) == 1
    err = capsys.readouterr().err
    assert "matches 2" in err and "user-alpha-one-" in err and "Traceback" not in err
    assert main(["knowledge", "remove", "synth-costs"]) == 1
    assert "built-in" in capsys.readouterr().err


def test_empty_search_is_refused_with_a_hint(capsys):
    assert main(["knowledge", "search", "  "]) == 2
    assert "Give a query" in capsys.readouterr().err


def test_schema_export_is_a_json_schema(capsys):
    assert main(["schema", "--export"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "InterviewExport"
    assert {"interview_id", "lever_version", "brain", "facts", "recommendation", "transcript", "cost"} <= set(
        schema["required"]) | set(schema["properties"])


def test_a_lever_home_that_is_a_file_is_said_in_one_sentence(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "not-a-folder"
    bad.write_text("x")
    monkeypatch.setenv("LEVER_HOME", str(bad))
    for argv in (["knowledge", "list"], []):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert str(bad) in err and "not a folder" in err and "LEVER_HOME" in err
        assert err.count("\n") == 0 and "Error" not in err and "Traceback" not in err


def test_the_chat_without_a_terminal_says_so(monkeypatch, capsys):
    assert main([]) == 2  # under pytest, stdin is not a terminal
    err = capsys.readouterr().err.strip()
    assert "interactive terminal" in err and err.count("\n") == 0


def test_slack_without_the_extra_says_what_to_install(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_slackbot(name, *args, **kwargs):
        if name.startswith("slackbot"):
            raise ImportError("No module named 'slackbot'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_slackbot)
    assert main(["slack", "--socket"]) == 2
    err = capsys.readouterr().err.strip()
    assert "lever[slack]" in err and err.count("\n") == 0


def test_slack_passes_its_arguments_to_the_slack_front_end(monkeypatch):
    import sys
    import types

    seen = []
    package, module = types.ModuleType("slackbot"), types.ModuleType("slackbot.cli")
    module.main = lambda argv: seen.append(argv) or 0
    package.cli = module
    monkeypatch.setitem(sys.modules, "slackbot", package)
    monkeypatch.setitem(sys.modules, "slackbot.cli", module)
    assert main(["slack", "--http", "--port", "3000"]) == 0
    assert seen == [["--http", "--port", "3000"]]


def test_brain_and_server_flags_reach_the_app(monkeypatch):
    import tui.app
    import tui.cli

    seen = {}
    monkeypatch.setattr(tui.cli, "_terminal_problem", lambda: None)
    monkeypatch.setattr(tui.app, "run_app", lambda **kwargs: seen.update(kwargs) or 0)
    assert main(["--brain", "offline", "--server", "http://127.0.0.1:9", "--resume", "abc"]) == 0
    assert seen == {"resume": "abc", "brain": "offline", "server": "http://127.0.0.1:9"}


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
