"""No internal identifier reaches a user (issue 10): every assistant message of every scripted interview, the
Markdown report and the Slack rendering use labels, never `fine_tuning`, `realtime`, field names or note ids."""

import re

from agent import Interview
from evals.runner import SCENARIO_DIR, load_scenarios, run_scenario

INTERNAL = re.compile(
    r"\b(fine_tuning|rag_and_fine_tuning|realtime|cost_sensitivity|volume_month|latency_ms|corpus_tokens|"
    r"budget_usd|fact_value|self_hosted)\b|\b(seed|synth|paper|vendor)-[a-z0-9]+(-[a-z0-9]+)+\b")


def test_no_internal_identifier_in_any_user_facing_text_of_full_interviews(tmp_path):
    from agent.render import recommendation_blocks

    scenarios, errors = load_scenarios(SCENARIO_DIR)
    assert scenarios and not errors
    iv = Interview(home=tmp_path / "home", brain="offline")
    checked = 0
    for sc in scenarios:
        result = run_scenario(sc, iv)
        for m in result.transcript:
            if m["role"] == "assistant":
                found = INTERNAL.search(m["text"])
                assert found is None, f"{sc.id}: {found.group(0)!r} in {m['text'][:200]!r}"
                checked += 1
    assert checked > 200
    finished = [s.thread_id for s in iv.list() if s.strategy]
    assert len(finished) >= len(scenarios) - 2
    strategies = set()
    for thread_id in finished:
        snap = iv.state(thread_id)
        strategies.add(snap.recommendation.strategy)
        body = iv.export_markdown(thread_id).split("## Transcript")[0]  # the transcript quotes the user
        assert INTERNAL.search(body) is None, f"report: {INTERNAL.search(body).group(0)!r}"
        blocks = str(recommendation_blocks(snap.recommendation))
        assert INTERNAL.search(blocks) is None, f"Slack: {INTERNAL.search(blocks).group(0)!r}"
    assert len(strategies) == 5, "every strategy's texts were checked"
    iv.close()
