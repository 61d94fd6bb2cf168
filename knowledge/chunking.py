"""Documents in, chunks out: front matter parsing and section-wise Markdown chunking."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

MAX_CHUNK_CHARS = 1200
MIN_CHUNK_CHARS = 40

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Document:
    """A source: a corpus note or a user's document, already as Markdown-ish text."""

    id: str
    title: str
    text: str
    publisher: str = ""
    date: str = ""
    url: str = ""
    kind: str = ""


@dataclass
class Chunk:
    chunk_id: str
    source_id: str
    heading: list[str]
    text: str
    meta: dict = field(default_factory=dict)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def split_front_matter(raw: str) -> tuple[dict, str]:
    """Return (front matter dict, body). A file without front matter gets an empty dict."""
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    if not raw.startswith("---"):
        return {}, raw
    match = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", raw, re.S)
    if not match:
        return {}, raw
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return {}, raw
    if not isinstance(meta, dict):
        return {}, raw
    return {str(k): ("" if v is None else v) for k, v in meta.items()}, raw[match.end():]


def parse_note(raw: str, fallback_id: str) -> Document:
    meta, body = split_front_matter(raw)
    title = str(meta.get("title") or _first_heading(body) or fallback_id)
    return Document(
        id=str(meta.get("id") or fallback_id),
        title=title,
        text=body,
        publisher=str(meta.get("publisher", "")),
        date=str(meta.get("date", "")),
        url=str(meta.get("url", "")),
        kind=str(meta.get("kind", "")),
    )


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        m = _HEADING.match(line)
        if m:
            return m.group(2)
    return None


def _sections(doc: Document) -> list[tuple[list[str], str]]:
    """Split the body at headings; each section keeps its heading path (title first)."""
    path: list[tuple[int, str]] = []
    sections: list[tuple[list[str], list[str]]] = [([doc.title], [])]
    in_fence = False
    for line in doc.text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line)
        if m:
            level, text = len(m.group(1)), m.group(2).strip()
            if level == 1 and not path and text == doc.title:
                continue  # the document title itself
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, text)]
            sections.append(([doc.title] + [t for _, t in path], []))
        else:
            sections[-1][1].append(line)
    return [(heading, "\n".join(lines).strip()) for heading, lines in sections]


def _split_long(text: str, cap: int) -> list[str]:
    """Cut an oversized section on paragraph, then sentence, then hard boundaries."""
    if len(text) <= cap:
        return [text]
    pieces: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        units: list[tuple[str, str]] = []  # (text, joiner to use before it)
        if len(para) <= cap:
            units.append((para, "\n\n"))
        else:
            for j, sentence in enumerate(re.split(r"(?<=[.!?])\s+", para)):
                for k in range(0, len(sentence), cap):
                    units.append((sentence[k:k + cap], "\n\n" if j == k == 0 else " "))
        for unit, joiner in units:
            if pieces and len(pieces[-1]) + len(unit) + len(joiner) <= cap:
                pieces[-1] = pieces[-1] + joiner + unit
            else:
                pieces.append(unit)
    return pieces


def chunk_document(doc: Document, cap: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for heading, body in _sections(doc):
        if len(body) < MIN_CHUNK_CHARS and not (body and len(heading) == 1):
            continue  # heading-only or near-empty sections carry nothing to retrieve
        slug = slugify(heading[-1]) if len(heading) > 1 else "intro"
        seen[slug] = seen.get(slug, 0) + 1
        if seen[slug] > 1:
            slug = f"{slug}-{seen[slug]}"
        for i, part in enumerate(_split_long(body, cap)):
            suffix = "" if i == 0 else f"~{i + 1}"
            chunks.append(Chunk(chunk_id=f"{doc.id}#{slug}{suffix}", source_id=doc.id, heading=heading, text=part))
    return chunks
