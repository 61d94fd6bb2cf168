from conftest import write_note
from knowledge import Library
from knowledge.topics import query_vector, section_vector, topic_counts


def test_cues_match_words_stems_plurals_and_phrases():
    assert topic_counts("Prices and stock levels update hourly") == {"freshness": 3}  # stock level, update*, hourly
    assert topic_counts("We have 2k labelled pairs") == {"examples": 2}
    assert topic_counts("it must feel instant, under 300 ms")["latency"] == 2
    assert topic_counts("counterexample") == {}  # a stem* cue matches at a word start only


def test_query_without_cues_has_no_topics():
    assert query_vector("zebrafish quokka") == {}


def test_a_cue_in_the_heading_outweighs_the_same_cue_in_the_body():
    in_heading = section_vector("How often the data changes", "Some text about it.")
    in_body = section_vector("Some heading", "How often the data changes.")
    assert in_heading["freshness"] > in_body["freshness"] > 0


def test_sections_sharing_no_word_with_the_query_are_found_through_topics(tmp_path, small_corpus):
    lib = Library(home=tmp_path / "h", corpus_dir=small_corpus)
    query = "stock levels move constantly"  # no word in common with any note of the small corpus
    assert lib.index.search_bm25(query) == []
    assert {p.source_id for p in lib.search(query)} == {"fresh"}  # both of its sections are about change


def test_topics_reorder_bm25_toward_the_section_about_the_concept(tmp_path):
    folder = tmp_path / "corpus"
    write_note(folder, "a", "Notes", {
        "Writing guide": "Our product documentation team writes in a friendly voice and reviews every page.",
        "How often the information changes": "When product facts are updated weekly or daily, retrieve them "
                                             "at request time.",
    })
    lib = Library(home=tmp_path / "h", corpus_dir=folder)
    query = "product documentation refreshed monthly"
    assert lib.index.search_bm25(query)[0].chunk_id == "a#writing-guide"  # word counts alone
    assert lib.search(query)[0].chunk_id == "a#how-often-the-information-changes"


def test_a_notes_reference_list_is_not_indexed_but_a_users_is(tmp_path):
    folder = tmp_path / "corpus"
    write_note(folder, "n", "Note", {"Finding": "Retrieval adds a few hundred milliseconds to each request.",
                                     "Sources": "Lewis et al. 2020, retrieval-augmented generation for NLP."})
    write_note(tmp_path / "h" / "documents", "u", "Mine",
               {"References": "Our retrieval vendor contract, signed in March, covers hosting in the EU."}, kind="user")
    ids = Library(home=tmp_path / "h", corpus_dir=folder).index.chunk_ids()
    assert "n#finding" in ids and "n#sources" not in ids and "u#references" in ids
