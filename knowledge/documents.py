"""The user's own documents: add (Markdown, text, HTML, each optionally gzipped; folders walked), list, remove.

Each accepted file is converted to Markdown and saved under ``<home>/documents/<id>.md`` with front
matter, written atomically. Files that cannot be used are skipped with a one-line reason each; the
index is rebuilt once at the end (see ``Index.rebuild``: a temporary file and one rename).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import zlib
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from .chunking import slugify, split_front_matter
from .index import Index

SUPPORTED = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
MAX_DOC_BYTES = 2 * 1024 * 1024


@dataclass
class AddReport:
    added: list[tuple[str, str]] = field(default_factory=list)  # (path, id)
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (path, id) re-added with new content
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def summary(self) -> str:
        n_add = len(self.added) + len(self.replaced)
        parts = [f"{n_add} document{'s' if n_add != 1 else ''} added"]
        if self.replaced:
            parts.append(f"{len(self.replaced)} of them updated")
        parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts) + "."


class _HTMLToMarkdown(HTMLParser):
    _BLOCK = {"p", "div", "li", "tr", "br", "section", "article", "blockquote", "pre", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self._BLOCK:
            self.out.append("\n\n" if tag != "li" else "\n- ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n")

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
            return
        self.out.append(re.sub(r"\s+", " ", data))

    def markdown(self) -> str:
        text = "".join(self.out)
        text = re.sub(r"[ \t]+\n", "\n", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def _kind_suffix(path: Path) -> str:
    """The suffix that says what the text is: ``notes.txt.gz`` is ``.txt``."""
    if path.suffix.lower() == ".gz":
        return Path(path.stem).suffix.lower()
    return path.suffix.lower()


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    """Bytes to text: UTF-8 (with or without a BOM), UTF-16 with a BOM, else the encoding that
    charset-normalizer detects. Returns (text, None) or (None, reason)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, "not readable as text (a broken UTF-16 file)"
    if b"\x00" in raw[:8192]:
        return None, "binary file (contains NUL bytes)"
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        return None, "not text in any encoding Lever recognises (save it as UTF-8 and add it again)"
    return str(best), None


def _read_text(path: Path) -> tuple[str | None, str | None]:
    """Return (text, None) or (None, reason)."""
    ext = _kind_suffix(path)
    if ext not in SUPPORTED:
        shown = ext or path.name
        return None, f"unsupported file type '{shown}' (use .md, .txt or .html, optionally gzipped as .gz)"
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, f"cannot read it ({exc.strerror or exc})"
    if size == 0:
        return None, "empty file"
    if size > MAX_DOC_BYTES:
        return None, f"too large ({size / 1048576:.1f} MB; the limit is {MAX_DOC_BYTES // 1048576} MB)"
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as fh:
                raw = fh.read(MAX_DOC_BYTES + 1)  # never more than the limit, whatever the archive claims
            if len(raw) > MAX_DOC_BYTES:
                return None, f"too large once uncompressed (the limit is {MAX_DOC_BYTES // 1048576} MB)"
            if not raw:
                return None, "empty file"
        else:
            raw = path.read_bytes()
    except (gzip.BadGzipFile, EOFError, zlib.error):
        return None, "not a readable gzip file (damaged or cut short)"
    except OSError as exc:
        return None, f"cannot read it ({exc.strerror or exc})"
    text, reason = _decode(raw)
    if text is None:
        return None, reason
    if not text.strip():
        return None, "empty file (only white space)"
    return text, None


def _to_markdown(path: Path, text: str) -> tuple[str, str]:
    """Return (title, markdown body)."""
    kind = SUPPORTED[_kind_suffix(path)]
    stem = Path(path.stem).stem if path.suffix.lower() == ".gz" else path.stem
    fallback = stem.replace("_", " ").replace("-", " ").strip() or path.name
    if kind == "html":
        parser = _HTMLToMarkdown()
        parser.feed(text)
        parser.close()
        return (parser.title.strip() or fallback), parser.markdown()
    if kind == "markdown":
        meta, body = split_front_matter(text)
        heading = re.search(r"^#\s+(.+)$", body, re.M)
        return str(meta.get("title") or (heading.group(1).strip() if heading else fallback)), body.strip()
    return fallback, text.strip()


def _walk(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and not any(part.startswith(".") for part in rel):
                    files.append(f)
        else:
            files.append(p)
    return files


class DocumentStore:
    def __init__(self, index: Index) -> None:
        self.index = index
        self.dir = index.docs_dir

    def _existing(self) -> dict[str, dict]:
        out = {}
        if self.dir.is_dir():
            for f in sorted(self.dir.glob("*.md")):
                meta, _ = split_front_matter(f.read_text(encoding="utf-8", errors="replace"))
                out[f.stem] = meta
        return out

    def add(self, paths: list[str | os.PathLike]) -> AddReport:
        report = AddReport()
        existing = self._existing()
        by_origin = {m.get("url"): doc_id for doc_id, m in existing.items()}
        self.dir.mkdir(parents=True, exist_ok=True)
        candidates: list[Path] = []
        for raw in paths:
            p = Path(raw).expanduser()
            if not p.exists():
                report.skipped.append((str(raw), "no such file or folder"))
            else:
                candidates.extend(_walk([p]))
        for f in candidates:
            text, reason = _read_text(f)
            if text is None:
                report.skipped.append((str(f), reason))
                continue
            title, body = _to_markdown(f, text)
            if not body.strip():
                report.skipped.append((str(f), "no readable text after conversion"))
                continue
            origin = str(f.resolve())
            digest = hashlib.sha256(body.encode()).hexdigest()
            stem = Path(f.stem).stem if f.suffix.lower() == ".gz" else f.stem
            doc_id = f"user-{slugify(stem)[:40]}-{digest[:8]}"
            if doc_id in existing:
                report.skipped.append((str(f), f"already added as {doc_id} (unchanged)"))
                continue
            old = by_origin.get(origin)
            meta = {
                "id": doc_id, "title": title[:200], "publisher": "your document",
                "date": dt.date.today().isoformat(), "url": origin, "kind": "user",
            }
            _atomic_write(self.dir / f"{doc_id}.md", "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n" + body + "\n")
            existing[doc_id] = meta
            if old and old != doc_id:
                (self.dir / f"{old}.md").unlink(missing_ok=True)
                existing.pop(old, None)
                report.replaced.append((str(f), doc_id))
            else:
                report.added.append((str(f), doc_id))
            by_origin[origin] = doc_id
        if report.added or report.replaced:
            self.index.rebuild()
        return report

    def list(self) -> list[dict]:
        return [{"id": doc_id, **meta} for doc_id, meta in self._existing().items()]

    def resolve(self, prefix: str) -> list[str]:
        """The ids of the user's documents that ``prefix`` names: the exact id if there is one, else every id
        starting with it (``user-`` may be left out)."""
        prefix = prefix.strip()
        ids = sorted(self._existing())
        if not prefix:
            return []
        if prefix in ids:
            return [prefix]
        hits = [i for i in ids if i.startswith(prefix)]
        if not hits and not prefix.startswith("user-"):
            hits = [i for i in ids if i.startswith("user-" + prefix)]
        return hits

    def path_of(self, doc_id: str) -> Path:
        """Where Lever keeps its copy of one of the user's documents."""
        return self.dir / f"{doc_id}.md"

    def remove(self, doc_id: str) -> bool:
        path = self.dir / f"{doc_id}.md"
        if not doc_id.startswith("user-") or not path.exists():
            return False
        path.unlink()
        self.index.rebuild()
        return True


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
