import json

from evals.__main__ import main
from evals.retrieval import score_ranking
from evals.runner import SCENARIO_DIR, load_scenarios

GOOD = """id: tiny-faq
opening: "Our FAQ is two pages and barely changes; it's knowledge the bot must know."
answers:
  freshness: "barely changes"
  budget: "a second is fine, 3k requests a month"
  corpus: "a few pages, fits in a prompt"
expect:
  strategy: prompting
  max_questions: 6
"""
WRONG = GOOD.replace("tiny-faq", "expects-wrong").replace("strategy: prompting", "strategy: fine_tuning")


def test_bundled_scenarios_cover_every_strategy_and_mode():
    scenarios, errors = load_scenarios(SCENARIO_DIR)
    assert not errors and len(scenarios) >= 30
    for strategy in ("prompting", "rag", "fine_tuning", "rag_and_fine_tuning", "distillation"):
        assert sum(1 for s in scenarios if s.expect.strategy == [strategy]) >= 4, strategy
    assert sum(1 for s in scenarios if s.turns) >= 4


def test_runner_reports_pass_fail_unreadable_and_writes_json(tmp_path, capsys):
    folder = tmp_path / "sc"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD)
    (folder / "wrong.yaml").write_text(WRONG)
    (folder / "broken.yaml").write_text("id: [unclosed")
    (folder / "nomode.yaml").write_text("id: x\nopening: hi\nexpect:\n  strategy: rag\n")
    report = tmp_path / "r.json"
    code = main(["--scenarios", str(folder), "--json", str(report)])
    out = capsys.readouterr().out
    assert code == 1, "accuracy 1/4 is under the threshold"
    assert "PASS  tiny-faq" in out and "FAIL  expects-wrong" in out
    assert "ERROR broken.yaml" in out and "ERROR nomode.yaml" in out and "exactly one of" in out
    data = json.loads(report.read_text())
    by_id = {s["id"]: s for s in data["scenarios"]}
    assert by_id["tiny-faq"]["passed"] is True and by_id["tiny-faq"]["got"] == "prompting"
    assert by_id["expects-wrong"]["passed"] is False and by_id["expects-wrong"]["expected"] == ["fine_tuning"]
    assert by_id["tiny-faq"]["questions"] >= 1 and by_id["tiny-faq"]["transcript"][0]["role"] == "user"
    assert {u["file"] for u in data["unreadable"]} == {"broken.yaml", "nomode.yaml"}


def test_runner_passes_on_a_good_folder_and_fails_on_an_empty_one(tmp_path, capsys):
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.yaml").write_text(GOOD)
    assert main(["--scenarios", str(good)]) == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["--scenarios", str(empty)]) == 2


def test_retrieval_metrics():
    s = score_ranking(["a#x", "b#y", "c#z", "d#w", "e#v", "f#u"], ["b#y", "f#u"])
    assert s["recall@5"] == 0.5 and s["hit@5"] == 1.0 and s["mrr"] == 0.5
    assert score_ranking(["n#s~2"], ["n#s"])["mrr"] == 1.0, "a size-capped part counts as its section"
    assert score_ranking(["n#s"], ["n"])["recall@5"] == 1.0, "a bare note id matches any of its sections"
    assert score_ranking(["z#z"], ["n#s"]) == {"recall@5": 0.0, "hit@5": 0.0, "mrr": 0.0, "ndcg@10": 0.0}


def test_both_judgement_sets_name_sections_that_exist(tmp_path):
    from agent import Library
    from evals.retrieval import HELD_OUT, JUDGEMENTS, load_judgements, unresolved

    lib = Library(home=tmp_path / "h", embedder=None)
    dev, held_out = load_judgements(JUDGEMENTS), load_judgements(HELD_OUT)
    assert len(dev) >= 40 and len(held_out) >= 30
    assert not {q["query"] for q in dev} & {q["query"] for q in held_out}, "held-out queries must be new"
    assert unresolved(lib, dev) == [] and unresolved(lib, held_out) == []


def test_retrieval_report_prints_both_sets_and_the_default_ranking(capsys):
    from evals.retrieval import run

    assert run() == 0
    out = capsys.readouterr().out
    assert "development: 59 judged queries" in out and "held-out: 36 judged queries" in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("bm25 ", "default "))]
    assert len(rows) == 4 and all(0.0 <= float(v) <= 1.0 for row in rows for v in row[1:])
