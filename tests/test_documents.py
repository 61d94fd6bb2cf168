from pathlib import Path

from knowledge import Library
from knowledge.documents import MAX_DOC_BYTES


def _lib(tmp_path, small_corpus):
    return Library(home=tmp_path / "h", corpus_dir=small_corpus)


def test_add_markdown_text_and_html_then_search_them(tmp_path, small_corpus):
    docs = tmp_path / "mine"
    docs.mkdir()
    (docs / "runbook.md").write_text("# Pager runbook\n\n## Escalation\n\nCall the zebrafish on-call rotation first.")
    (docs / "notes.txt").write_text("Our warehouse quokka inventory is refreshed hourly.")
    (docs / "page.html").write_text("<html><head><title>Pricing FAQ</title><script>var x='narwhal';</script></head>"
                                    "<body><h2>Refunds</h2><p>Refunds within 14 days for wombat plans.</p></body></html>")
    lib = _lib(tmp_path, small_corpus)
    report = lib.add([docs])
    assert len(report.added) == 3 and not report.skipped
    hit = lib.search("zebrafish escalation")[0]
    assert hit.title == "Pager runbook" and hit.kind == "user" and hit.heading == ["Pager runbook", "Escalation"]
    assert lib.search("quokka")[0].source_id.startswith("user-notes-")
    page = lib.search("wombat refunds")[0]
    assert page.title == "Pricing FAQ" and page.section == "Refunds"
    assert not lib.search("narwhal"), "script contents must not be indexed"


def test_every_bad_file_is_skipped_with_a_reason_and_good_ones_still_land(tmp_path, small_corpus):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "good.md").write_text("# Good\n\nThe capybara policy changed.")
    (d / "empty.md").write_text("")
    (d / "blank.txt").write_text("   \n\n  ")
    (d / "binary.txt").write_bytes(b"abc\x00\x01\x02def")
    (d / "latin1.txt").write_bytes("caf\xe9 cr\xe8me".encode("latin-1"))
    (d / "huge.md").write_bytes(b"a" * (MAX_DOC_BYTES + 1))
    (d / "image.png").write_bytes(b"\x89PNG\r\n")
    (d / "empty.html").write_text("<html><script>only()</script></html>")
    (d / ".hidden.md").write_text("# Hidden\n\nshould not be walked")
    lib = _lib(tmp_path, small_corpus)
    report = lib.add([d, tmp_path / "does-not-exist.md"])
    reasons = {Path(p).name: why for p, why in report.skipped}
    assert [Path(p).name for p, _ in report.added] == ["good.md"]
    assert reasons["empty.md"] == "empty file"
    assert "white space" in reasons["blank.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "too large" in reasons["huge.md"]
    assert "unsupported" in reasons["image.png"]
    assert "no readable text" in reasons["empty.html"]
    assert "no such file" in reasons["does-not-exist.md"]
    assert ".hidden.md" not in reasons
    assert report.summary() == "1 document added, 8 skipped."
    assert lib.search("capybara")[0].title == "Good"


def test_readding_unchanged_is_skipped_and_changed_replaces(tmp_path, small_corpus):
    f = tmp_path / "faq.md"
    f.write_text("# FAQ\n\nThe axolotl plan costs nine dollars.")
    lib = _lib(tmp_path, small_corpus)
    first = lib.add([f]).added[0][1]
    again = lib.add([f])
    assert not again.added and "unchanged" in again.skipped[0][1]
    f.write_text("# FAQ\n\nThe axolotl plan now costs twelve dollars.")
    changed = lib.add([f])
    assert changed.replaced and changed.replaced[0][1] != first
    user_docs = [s for s in lib.list() if s["kind"] == "user"]
    assert len(user_docs) == 1
    assert "twelve" in lib.search("axolotl plan")[0].text


def test_remove_deletes_the_document_and_its_passages(tmp_path, small_corpus):
    f = tmp_path / "a.md"
    f.write_text("# A\n\nThe pangolin rollout is on Tuesdays.")
    lib = _lib(tmp_path, small_corpus)
    doc_id = lib.add([f]).added[0][1]
    assert lib.search("pangolin")
    assert lib.remove(doc_id) is True
    assert not lib.search("pangolin")
    assert lib.remove(doc_id) is False
    assert lib.remove("fresh") is False, "built-in notes cannot be removed"


def test_a_failed_add_leaves_the_existing_index_usable(tmp_path, small_corpus):
    lib = _lib(tmp_path, small_corpus)
    before = [p.chunk_id for p in lib.search("week")]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00")
    report = lib.add([bad])
    assert not report.added and [p.chunk_id for p in lib.search("week")] == before
