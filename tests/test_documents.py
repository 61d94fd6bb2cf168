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
    assert "too large" in reasons["huge.md"]
    assert "unsupported" in reasons["image.png"]
    assert "no readable text" in reasons["empty.html"]
    assert "no such file" in reasons["does-not-exist.md"]
    assert ".hidden.md" not in reasons
    assert report.summary() == "1 document added, 7 skipped."
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


def test_gzipped_and_non_utf8_text_is_added(tmp_path, small_corpus):
    import gzip

    d = tmp_path / "mixed"
    d.mkdir()
    (d / "notes.txt.gz").write_bytes(gzip.compress("The okapi pipeline reindexes nightly.".encode()))
    (d / "guide.md.gz").write_bytes(gzip.compress("# Guide\n\n## Gnus\n\nThe gnu herd rotates between the northern pastures weekly.".encode()))
    (d / "latin1.txt").write_bytes(("Le caf\xe9 cr\xe8me du tapir est servi \xe0 la r\xe9ception, pr\xe8s de "
                                    "l'entr\xe9e, chaque matin d'\xe9t\xe9.").encode("cp1252"))
    (d / "wide.txt").write_bytes("The ibex ledger balances hourly.".encode("utf-16"))
    lib = _lib(tmp_path, small_corpus)
    report = lib.add([d])
    assert not report.skipped, report.skipped
    assert len(report.added) == 4
    assert lib.search("okapi reindexes")[0].source_id.startswith("user-notes-")
    guide = lib.search("gnu herd")[0]
    assert guide.title == "Guide" and guide.section == "Gnus"
    assert "café crème" in lib.search("tapir")[0].text
    assert lib.search("ibex ledger")[0].text == "The ibex ledger balances hourly."


def test_a_damaged_or_oversized_gzip_is_skipped_with_a_reason(tmp_path, small_corpus):
    import gzip

    d = tmp_path / "gz"
    d.mkdir()
    (d / "cut.txt.gz").write_bytes(gzip.compress(b"some text " * 100)[:20])
    (d / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * (MAX_DOC_BYTES + 10)))
    (d / "photo.png.gz").write_bytes(gzip.compress(b"\x89PNG"))
    reasons = {Path(p).name: why for p, why in _lib(tmp_path, small_corpus).add([d]).skipped}
    assert "gzip" in reasons["cut.txt.gz"]
    assert "too large once uncompressed" in reasons["bomb.txt.gz"]
    assert "unsupported" in reasons["photo.png.gz"]


def test_resolve_finds_a_document_by_a_unique_start_of_its_id(tmp_path, small_corpus):
    lib = _lib(tmp_path, small_corpus)
    a, b = tmp_path / "alpha-one.md", tmp_path / "alpha-two.md"
    a.write_text("# A\n\nfirst")
    b.write_text("# B\n\nsecond")
    ids = [doc_id for _, doc_id in lib.add([a, b]).added]
    store = lib.documents
    assert store.resolve(ids[0]) == [ids[0]]
    assert store.resolve("user-alpha-one") == [ids[0]]
    assert store.resolve("alpha-t") == [ids[1]], "the user- prefix may be left out"
    assert sorted(store.resolve("alpha")) == sorted(ids)
    assert store.resolve("fresh") == [] and store.resolve("  ") == []
