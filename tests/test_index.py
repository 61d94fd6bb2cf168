import os

from conftest import write_note
from knowledge import Library
from knowledge.index import Index, fts_query, rrf_fuse


def test_search_ranks_the_relevant_section_first(tmp_path, small_corpus):
    lib = Library(home=tmp_path / "h", corpus_dir=small_corpus)
    assert lib.search("our docs change every week")[0].chunk_id == "fresh#how-often-your-data-changes"
    assert lib.search("how slow is the retrieval step, milliseconds?")[0].source_id == "latency"
    assert lib.search("we have 2k labelled pairs")[0].source_id == "examples"


def test_passages_carry_their_source(tmp_path, small_corpus):
    p = Library(home=tmp_path / "h", corpus_dir=small_corpus).search("retrieval latency")[0]
    assert (p.source_id, p.title, p.publisher, p.date) == ("latency", "Latency", "Test Press", "2024")
    assert p.heading == ["Latency", "Latency added by retrieval"]
    assert "100 to 500" in p.text and p.score > 0
    assert "Latency" in p.citation()


def test_queries_with_only_punctuation_or_fts_syntax_are_safe(tmp_path, small_corpus):
    lib = Library(home=tmp_path / "h", corpus_dir=small_corpus)
    assert lib.search("???") == []
    assert fts_query('"; DROP TABLE chunks; -- NEAR(') is not None
    lib.search('"; DROP TABLE chunks; -- NEAR( AND OR *')  # must not raise
    assert lib.search("latency")


def test_index_rebuilds_when_the_corpus_changes(tmp_path, small_corpus):
    index = Index(home=tmp_path / "h", corpus_dir=small_corpus)
    assert not index.search("quantisation adapters")
    write_note(small_corpus, "lora", "LoRA", {"Adapters": "Low-rank adapters make quantisation-friendly tuning cheap."})
    index._checked_at = 0  # skip the one-second fingerprint cache
    assert index.search("quantisation adapters")[0].source_id == "lora"
    (small_corpus / "lora.md").unlink()
    index._checked_at = 0
    assert not index.search("quantisation adapters")


def test_index_is_built_once_and_reused(tmp_path, small_corpus):
    index = Index(home=tmp_path / "h", corpus_dir=small_corpus)
    index.search("week")
    mtime = index.path.stat().st_mtime_ns
    again = Index(home=tmp_path / "h", corpus_dir=small_corpus)
    again.search("week")
    assert again.path.stat().st_mtime_ns == mtime and again.last_build_seconds is None


def test_a_corrupt_index_file_is_rebuilt(tmp_path, small_corpus):
    home = tmp_path / "h"
    Index(home=home, corpus_dir=small_corpus).search("week")
    (home / "index.sqlite").write_bytes(b"this is not a database" * 100)
    assert Index(home=home, corpus_dir=small_corpus).search("week")


def test_rebuild_leaves_no_temporary_files(tmp_path, small_corpus):
    index = Index(home=tmp_path / "h", corpus_dir=small_corpus)
    index.rebuild()
    assert sorted(os.listdir(tmp_path / "h")) == ["index.sqlite"]


class FakeEmbedder:
    """Bag-of-letters vectors: deterministic, no model download, enough to test the dense path."""

    name = "fake"

    def encode(self, texts):
        out = []
        for t in texts:
            v = [float(t.lower().count(c)) for c in "abcdefghijklmnopqrstuvwxyz"]
            norm = sum(x * x for x in v) ** 0.5 or 1.0
            out.append([x / norm for x in v])
        return out


def test_dense_search_and_fusion_run_with_an_injected_embedder(tmp_path, small_corpus):
    import pytest

    pytest.importorskip("numpy")
    lib = Library(home=tmp_path / "h", corpus_dir=small_corpus, embedder=FakeEmbedder())
    dense = lib.index.search_dense("weekly document changes", 3)
    assert len(dense) == 3
    fused = lib.search("weekly document changes", 3)
    assert fused[0].source_id == "fresh"


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = rrf_fuse([[(1, 9.0), (2, 8.0), (3, 7.0)], [(3, 0.9), (1, 0.8), (4, 0.1)]])
    order = [item for item, _ in fused]
    assert order[0] == 1 and order.index(3) < order.index(2) and set(order) == {1, 2, 3, 4}
    assert abs(fused[0][1] - (1 / 61 + 1 / 62)) < 1e-12


def test_the_built_in_corpus_has_attributed_notes():
    lib = Library()
    sources = lib.list()
    assert len(sources) >= 14
    for s in sources:
        assert s["title"] and s["publisher"] and s["kind"] in {"article", "paper", "vendor-guide", "synthesis"}
        assert s["chunks"] >= 1
    assert sum(1 for s in sources if s["id"].startswith("seed-")) == 5
    assert sum(1 for s in sources if s["kind"] in ("paper", "vendor-guide")) >= 4


def test_explain_names_the_matched_words_and_topics(tmp_path, small_corpus):
    lib = Library(home=tmp_path / "h", corpus_dir=small_corpus)
    query = "our docs change every week"
    top = lib.search(query)[0]
    why = lib.index.explain(query, top.chunk_id)
    assert "change" in why.words and "how often data changes" in why.topics
    assert "docs" not in why.words, "a word the passage lacks is not claimed"
    assert "words: " in why.describe() and "topics: " in why.describe()
    other = lib.index.explain("labelled pairs", "latency#latency-added-by-retrieval")
    assert other.words == [] and other.topics == []
    assert other.describe().startswith("no shared words")
