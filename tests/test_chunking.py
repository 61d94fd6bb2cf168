from knowledge.chunking import Document, chunk_document, parse_note, slugify, split_front_matter


def test_front_matter_and_title_are_parsed():
    doc = parse_note('---\nid: n1\ntitle: "A title"\npublisher: P\n---\n# A title\n\n## One\n\nBody text here long enough.', "x")
    assert (doc.id, doc.title, doc.publisher) == ("n1", "A title", "P")


def test_missing_or_broken_front_matter_falls_back_to_file_name_and_heading():
    doc = parse_note("# Heading only\n\nSome text that is long enough to keep as a chunk.", "file-stem")
    assert doc.id == "file-stem" and doc.title == "Heading only"
    meta, body = split_front_matter("---\n: [unclosed\n---\nbody")
    assert meta == {} and "body" in body


def test_chunks_follow_sections_and_keep_the_heading_path():
    text = "## Alpha\n\n" + "alpha words " * 10 + "\n\n### Deeper\n\n" + "deep words " * 10 + "\n\n## Beta\n\n" + "beta " * 20
    chunks = chunk_document(Document(id="d", title="Doc", text=text))
    assert [c.chunk_id for c in chunks] == ["d#alpha", "d#deeper", "d#beta"]
    assert chunks[1].heading == ["Doc", "Alpha", "Deeper"]
    assert chunks[2].heading == ["Doc", "Beta"]


def test_headings_inside_code_fences_do_not_split():
    text = "## Real\n\n```\n# not a heading\n```\n" + "text " * 20
    chunks = chunk_document(Document(id="d", title="Doc", text=text))
    assert len(chunks) == 1 and "# not a heading" in chunks[0].text


def test_oversized_sections_are_capped_on_paragraph_boundaries():
    paras = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(10))
    chunks = chunk_document(Document(id="d", title="Doc", text="## Big\n\n" + paras), cap=500)
    assert len(chunks) > 1
    assert all(len(c.text) <= 500 for c in chunks)
    assert chunks[0].chunk_id == "d#big" and chunks[1].chunk_id == "d#big~2"
    assert "Paragraph 9" in chunks[-1].text


def test_a_single_huge_line_is_hard_split():
    chunks = chunk_document(Document(id="d", title="Doc", text="## S\n\n" + "x" * 3000), cap=1000)
    assert [len(c.text) for c in chunks] == [1000, 1000, 1000]


def test_duplicate_headings_get_distinct_ids_and_slugs_are_stable():
    text = "## Notes\n\n" + "one " * 20 + "\n\n## Notes\n\n" + "two " * 20
    ids = [c.chunk_id for c in chunk_document(Document(id="d", title="Doc", text=text))]
    assert ids == ["d#notes", "d#notes-2"]
    assert slugify("Latency added by retrieval (100-500 ms)") == "latency-added-by-retrieval-100-500-ms"
