"""The corpus's asks files: phrasings users might type, indexed with the section they belong to."""

import difflib
import re
import tempfile
import time

import yaml
from conftest import write_note

from evals.retrieval import HELD_OUT, JUDGEMENTS, load_judgements
from knowledge import Library
from knowledge.index import load_asks
from knowledge.paths import CORPUS_DIR


def _with_asks(tmp_path, asks_yaml: str):
    folder = tmp_path / "corpus"
    write_note(folder, "rules", "Rules", {
        "Where the data may be processed": "Records covered by the regulation stay inside the organisation's "
                                           "own infrastructure; a hosted endpoint is out of bounds.",
        "Writing style": "Keep answers short and friendly, with one idea per sentence and no jargon.",
    })
    (folder / "asks").mkdir()
    (folder / "asks" / "rules.yaml").write_text(asks_yaml, encoding="utf-8")
    return folder


def test_a_phrasing_finds_its_section_when_the_body_shares_no_word_with_the_query(tmp_path):
    query = "clinic files cannot go to an outside vendor"
    folder = _with_asks(tmp_path, 'where-the-data-may-be-processed:\n  - "clinic files cannot leave the building"\n')
    lib = Library(home=tmp_path / "h", corpus_dir=folder)
    assert lib.index.search_bm25(query)[0].chunk_id == "rules#where-the-data-may-be-processed"
    # the passage shown to the user is the section's own text, never the phrasings
    assert "clinic" not in lib.search(query)[0].text


def test_editing_an_asks_file_rebuilds_the_index(tmp_path):
    folder = _with_asks(tmp_path, 'writing-style:\n  - "make replies sound cheerful"\n')
    lib = Library(home=tmp_path / "h", corpus_dir=folder)
    assert lib.index.search_bm25("cheerful")[0].chunk_id == "rules#writing-style"
    time.sleep(1.1)  # past the index's fingerprint re-check interval
    (folder / "asks" / "rules.yaml").write_text('writing-style:\n  - "keep it formal"\n', encoding="utf-8")
    assert lib.index.search_bm25("cheerful") == []
    assert lib.index.search_bm25("formal")[0].chunk_id == "rules#writing-style"


def test_a_broken_asks_file_is_ignored_and_the_index_still_builds(tmp_path):
    folder = _with_asks(tmp_path, "writing-style: [unclosed\n")
    lib = Library(home=tmp_path / "h", corpus_dir=folder)
    assert lib.search("friendly answers")[0].chunk_id == "rules#writing-style"


def test_every_built_in_section_has_phrasings_and_every_phrasing_a_section():
    asks = load_asks(sorted((CORPUS_DIR / "asks").glob("*.yaml")))
    with tempfile.TemporaryDirectory() as home:
        chunks = {c.split("~", 1)[0] for c in Library(home=home).index.chunk_ids()}
    assert set(asks) - chunks == set(), "phrasings for a section that no longer exists (heading renamed?)"
    assert chunks - set(asks) == set(), "a corpus section without phrasings"
    assert all(len(p) >= 4 for p in asks.values())


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_no_phrasing_is_a_near_copy_of_a_judged_query():
    """The phrasings were written without the judgements; a near-copy would flatter the retrieval report."""
    queries = [_words(q["query"]) for path in (JUDGEMENTS, HELD_OUT) for q in load_judgements(path)]
    copies = []
    for f in sorted((CORPUS_DIR / "asks").glob("*.yaml")):
        for phrasings in yaml.safe_load(f.read_text(encoding="utf-8")).values():
            for p in phrasings:
                w = _words(p)
                if any(difflib.SequenceMatcher(None, w, q).ratio() > 0.7 for q in queries):
                    copies.append(p)
    assert copies == []
