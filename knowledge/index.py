"""The embedded search index: SQLite FTS5 (BM25) over the corpus and the user's documents.

The index is derived data. It is rebuilt automatically whenever the corpus or the user's documents
change (a fingerprint of their files is stored with it), always into a temporary file that replaces
the old one in a single rename, so a reader never sees a half-built index. A corrupt index file is
simply rebuilt.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import topics
from .chunking import Document, chunk_document, parse_note
from .paths import CORPUS_DIR, lever_home
from .types import Passage

INDEX_VERSION = "5"
RRF_K = 60  # Cormack, Clarke & Buettcher (2009)
# The default ranking blends normalised BM25 with topic similarity (knowledge.topics): this share is
# BM25's. Chosen on the development judgements (evals/retrieval.yaml), checked on the held-out set.
BM25_SHARE = 0.6
_CANDIDATES = 200  # BM25 hits considered for blending
# FTS5 column weights for bm25(), in column order: chunk_id, source_id (not searched), title, heading,
# body, asks (the corpus's expansion phrasings).
_BM25_WEIGHTS = "0.0, 0.0, 1.0, 2.0, 1.0, 1.0"
ASKS_DIR = "asks"  # <corpus>/asks/<note-id>.yaml: {section-slug: [phrasings users might type]}
_REFERENCE_LISTS = {"sources", "references", "bibliography"}
_FINGERPRINT_TTL_S = 1.0

# Words that carry no signal for ranking, including conversational filler common in interview answers.
STOPWORDS = frozenset(
    """a an and are as at be been but by can could do does did for from had has have how i if in into is it
    its just me my of on or our ours so than that the their them then there these they this those to
    too us very was we were what when where which while who why will with would you your yours about
    around really quite some any all also get got go going want need needs only maybe kind sort like
    already still even much many lot bit pretty roughly approximately basically actually probably thing
    things stuff one ones make makes made us it's we're we've don't can't isn't doesn't""".split()
)

# Users answer in their own words; notes use the field's vocabulary. Each user word adds these terms
# to the query (the original words stay). Keys are lower-case surface forms.
EXPANSIONS: dict[str, str] = {}
for words, adds in [
    ("pairs labelled labeled annotated annotations annotators labels dataset", "examples training"),
    ("ms milliseconds instant instantly slow fast faster speed snappy seconds autocomplete", "latency"),
    ("servers on-prem onprem premises residency regulated confidential healthcare patient hipaa gdpr leave",
     "privacy self-hosted confidential"),
    ("cite cites citation citations trace traceable auditors audit provenance verify", "citations sources"),
    ("dollars bill spending spend budget cheap cheaper expensive costly price pricing", "cost"),
    ("weekly daily monthly yearly hourly updated updates outdated stale changes changing", "changes freshness"),
    ("week weeks", "weekly"), ("month months", "monthly"), ("year years", "yearly"), ("hour hours", "hourly"),
    ("categories category route routing classify classifying triage tickets intents", "classification"),
    ("fields extract extracting invoices parse parsing", "extraction"),
    ("json schema formatted formatting template", "format"),
    ("prototype prototyping poc exploring experiment mvp", "prototype"),
    ("requests queries calls traffic", "volume"),
    ("wiki articles docs documentation catalogue catalog manuals handbook", "documents knowledge"),
    ("voice tone brand persona", "style tone"),
    ("forget forgets forgetting", "catastrophic forgetting"),
    ("vector embeddings bm25 keyword", "retrieval search"),
    ("noisy disagree inconsistent", "quality"),
    ("team developers engineers maintain maintenance", "maintenance"),
    ("merge combine fuse fusion", "fusion"),
]:
    for w in words.split():
        EXPANSIONS[w] = adds


# The topics of knowledge.topics in the words a reader of `lever knowledge search` sees.
TOPIC_LABELS: dict[str, str] = {
    "freshness": "how often data changes", "knowledge": "knowledge and documents", "behaviour": "behaviour and format",
    "examples": "labelled examples", "data-quality": "data quality", "latency": "latency", "cost": "cost",
    "volume": "request volume", "size": "size of the knowledge", "citations": "citations", "permissions":
    "permissions", "privacy": "privacy and hosting", "adapters": "adapters (LoRA)", "distillation": "distillation",
    "forgetting": "forgetting", "retrieval": "retrieval and search", "multi-source": "several sources",
    "process": "how to proceed", "team": "the team",
}


@dataclass
class MatchReason:
    """Why a passage matched a query: the query's words found in its text, words found only in the hidden
    phrasings indexed with it (knowledge/corpus/asks), and the topics query and passage share."""

    words: list[str] = field(default_factory=list)
    phrasing_words: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.words:
            parts.append("words: " + ", ".join(self.words))
        if self.phrasing_words:
            parts.append("in questions this section answers: " + ", ".join(self.phrasing_words))
        if self.topics:
            parts.append("topics: " + ", ".join(self.topics))
        return "; ".join(parts) if parts else "no shared words (ranked by similarity)"


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors (see knowledge.dense)."""

    name: str

    def encode(self, texts: list[str]) -> list[list[float]]: ...


def query_terms(text: str) -> list[str]:
    """Content words of the query (no filler, no bare numbers), then their thesaurus expansions."""
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower())
    terms: list[str] = []
    for w in words:
        if w in STOPWORDS or w.isdigit() or len(w) < 2 or re.fullmatch(r"\d+[km]?", w):
            continue
        for part in [w, *EXPANSIONS.get(w, "").split()]:
            for piece in part.split("-"):
                if piece and piece not in terms and piece not in STOPWORDS:
                    terms.append(piece)
    return terms


def fts_query(text: str) -> str | None:
    terms = query_terms(text)
    if not terms:
        return None
    return " OR ".join(f'"{t}"' for t in terms[:32])


class Index:
    """Build and query the index for one Lever home (corpus notes + the user's documents)."""

    def __init__(
        self,
        home: str | os.PathLike | None = None,
        corpus_dir: str | os.PathLike | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.home = lever_home(home)
        self.corpus_dir = Path(corpus_dir) if corpus_dir is not None else CORPUS_DIR
        self.docs_dir = self.home / "documents"
        self.path = self.home / "index.sqlite"
        self.embedder = embedder
        self._conn: sqlite3.Connection | None = None
        self._fingerprint: str | None = None
        self._checked_at = 0.0
        self._vectors = None  # (ids, matrix) cache for dense search
        self._topics = None  # topic -> postings cache for the topic signal
        self.last_build_seconds: float | None = None
        # Turns of different interviews search at once: one thread builds or swaps the index at a time, and a
        # connection another thread may still be reading from is retired (closed in close()), not closed.
        self._lock = threading.RLock()
        self._retired: list[sqlite3.Connection] = []

    # ----------------------------------------------------------------- sources on disk
    def source_files(self) -> list[Path]:
        files = sorted(self.corpus_dir.glob("*.md"))
        if self.docs_dir.is_dir():
            files += sorted(self.docs_dir.glob("*.md"))
        return files

    def asks_files(self) -> list[Path]:
        return sorted((self.corpus_dir / ASKS_DIR).glob("*.yaml"))

    def fingerprint(self) -> str:
        h = hashlib.sha256(f"v{INDEX_VERSION}|{getattr(self.embedder, 'name', '')}".encode())
        for f in [*self.source_files(), *self.asks_files()]:
            try:
                st = f.stat()
            except FileNotFoundError:
                continue
            h.update(f"{f}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        return h.hexdigest()

    def documents(self) -> list[Document]:
        docs = []
        for f in self.source_files():
            doc = parse_note(f.read_text(encoding="utf-8", errors="replace"), fallback_id=f.stem)
            if f.parent == self.docs_dir and not doc.kind:
                doc.kind = "user"
            docs.append(doc)
        return docs

    # ----------------------------------------------------------------- build
    def ensure(self) -> sqlite3.Connection:
        """Open the index, rebuilding it first if it is missing, stale or unreadable."""
        conn = self._conn
        if conn is not None and time.monotonic() - self._checked_at < _FINGERPRINT_TTL_S:
            return conn
        with self._lock:
            now = time.monotonic()
            if self._conn is not None and now - self._checked_at < _FINGERPRINT_TTL_S:
                return self._conn
            fp = self.fingerprint()
            self._checked_at = now
            if self._conn is not None and fp == self._fingerprint:
                return self._conn
            self._retire()
            conn = self._open_existing(fp)
            if conn is None:
                self.rebuild(fp)
                conn = self._open_existing(fp)
                if conn is None:  # pragma: no cover - only if the disk refuses writes
                    raise RuntimeError(f"could not build the search index at {self.path}")
            self._conn, self._fingerprint, self._vectors, self._topics = conn, fp, None, None
            return conn

    def _retire(self) -> None:
        if self._conn is not None:
            self._retired.append(self._conn)
            self._conn = None

    def _fallback_path(self) -> Path:
        """Where the index goes when the Lever home cannot be written (it is derived data: any folder will do)."""
        tag = hashlib.sha256(str(self.home.resolve()).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"lever-index-{tag}.sqlite"

    def _open_existing(self, fp: str) -> sqlite3.Connection | None:
        if not self.path.exists():
            return None
        try:
            conn = sqlite3.connect(self.path, check_same_thread=False)
            row = conn.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
        except sqlite3.DatabaseError:
            return None  # corrupt or foreign file: rebuild over it
        if not row or row[0] != fp:
            conn.close()
            return None
        return conn

    def rebuild(self, fp: str | None = None) -> None:
        """Build into a temporary file and rename it over the index; open readers switch on next use."""
        with self._lock:
            self._rebuild(fp)

    def _rebuild(self, fp: str | None) -> None:
        started = time.perf_counter()
        self._retire()
        fp = fp or self.fingerprint()
        docs = self.documents()
        asks = load_asks(self.asks_files())
        if not os.access(self.path.parent, os.W_OK):
            self.path = self._fallback_path()
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        try:
            with conn:
                _create_schema(conn)
                for doc in docs:
                    conn.execute(
                        "INSERT OR REPLACE INTO sources(id, title, publisher, date, url, kind) VALUES (?,?,?,?,?,?)",
                        (doc.id, doc.title, doc.publisher, doc.date, doc.url, doc.kind),
                    )
                    chunks = chunk_document(doc)
                    if doc.kind != "user":  # a note's own reference list grounds nothing; its front matter cites
                        chunks = [c for c in chunks if c.heading[-1].strip().lower() not in _REFERENCE_LISTS]
                    for c in chunks:
                        heading = " > ".join(c.heading[1:])
                        section = c.chunk_id.split("~", 1)[0]  # a size-capped section's parts share its phrasings
                        phrasings = "\n".join(asks.get(section, ())) if doc.kind != "user" else ""
                        cur = conn.execute(
                            "INSERT INTO chunks(chunk_id, source_id, title, heading, body, asks) VALUES (?,?,?,?,?,?)",
                            (c.chunk_id, c.source_id, doc.title, heading, c.text, phrasings),
                        )
                        vec = topics.section_vector(heading, f"{c.text}\n{phrasings}")
                        if vec:
                            conn.execute("INSERT INTO topics(rowid, vec) VALUES (?, ?)",
                                         (cur.lastrowid, json.dumps(vec, sort_keys=True)))
                if self.embedder is not None:
                    _store_vectors(conn, self.embedder)
                conn.execute("INSERT INTO meta(key, value) VALUES ('fingerprint', ?)", (fp,))
            conn.close()
            os.replace(tmp, self.path)
        finally:
            conn.close()
            tmp.unlink(missing_ok=True)
        self.last_build_seconds = time.perf_counter() - started

    def close(self) -> None:
        with self._lock:
            self._retire()
            for conn in self._retired:
                conn.close()
            self._retired.clear()

    # ----------------------------------------------------------------- query
    def search(self, query: str, k: int = 5) -> list[Passage]:
        """The default ranking (BM25 blended with topic similarity), fused with dense when installed."""
        conn = self.ensure()
        ranked = self._blended(conn, query, limit=max(k, 50) if self.embedder else k)
        if self.embedder is not None:
            dense = self._dense(conn, query, limit=50)
            ranked = rrf_fuse([ranked, dense])
        return self._passages(conn, ranked[:k])

    def search_user(self, query: str, k: int = 3) -> list[Passage]:
        """BM25 over the user's own documents only, so they are heard even when built-in notes outrank them."""
        conn = self.ensure()
        return self._passages(conn, self._bm25(conn, query, k, user_only=True))

    def search_bm25(self, query: str, k: int = 5) -> list[Passage]:
        conn = self.ensure()
        return self._passages(conn, self._bm25(conn, query, k))

    def search_lexical(self, query: str, k: int = 5) -> list[Passage]:
        """The default install's ranking: BM25 blended with topic similarity, no dense vectors."""
        conn = self.ensure()
        return self._passages(conn, self._blended(conn, query, k))

    def search_dense(self, query: str, k: int = 5) -> list[Passage]:
        conn = self.ensure()
        return self._passages(conn, self._dense(conn, query, k))

    def _bm25(self, conn: sqlite3.Connection, query: str, limit: int,
              user_only: bool = False) -> list[tuple[int, float]]:
        match = fts_query(query)
        if match is None:
            return []
        only = " AND source_id IN (SELECT id FROM sources WHERE kind = 'user')" if user_only else ""
        rows = conn.execute(
            f"SELECT rowid, bm25(chunks, {_BM25_WEIGHTS}) AS s FROM chunks WHERE chunks MATCH ?{only} "
            "ORDER BY s LIMIT ?",
            (match, limit),
        ).fetchall()
        return [(rowid, -score) for rowid, score in rows]

    def _blended(self, conn: sqlite3.Connection, query: str, limit: int) -> list[tuple[int, float]]:
        """BM25_SHARE of the BM25 score (divided by the query's best) plus the rest as topic cosine.

        Sections that share no word with the query can still rank through their topics, which is the
        point: "our docs change every week" should find "How often does the information change?".
        """
        bm25 = dict(self._bm25(conn, query, _CANDIDATES))
        best = max(bm25.values(), default=0.0) or 1.0
        scores = {rowid: BM25_SHARE * score / best for rowid, score in bm25.items()}
        wanted = topics.query_vector(query)
        norm = math.sqrt(sum(v * v for v in wanted.values()))
        postings = self._topic_postings(conn)
        for topic, weight in wanted.items():
            share = (1 - BM25_SHARE) * weight / norm
            for rowid, unit_weight in postings.get(topic, ()):
                scores[rowid] = scores.get(rowid, 0.0) + share * unit_weight
        return heapq.nsmallest(limit, ((r, s) for r, s in scores.items() if s > 0), key=lambda rs: (-rs[1], rs[0]))

    def _topic_postings(self, conn: sqlite3.Connection) -> dict[str, list[tuple[int, float]]]:
        """topic -> [(rowid, that topic's weight in the section's unit-length topic vector)], cached."""
        if self._topics is None:
            postings: dict[str, list[tuple[int, float]]] = {}
            for rowid, raw in conn.execute("SELECT rowid, vec FROM topics"):
                vec = json.loads(raw)
                norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
                for topic, weight in vec.items():
                    postings.setdefault(topic, []).append((rowid, weight / norm))
            self._topics = postings
        return self._topics

    def _dense(self, conn: sqlite3.Connection, query: str, limit: int) -> list[tuple[int, float]]:
        if self.embedder is None or not query.strip():
            return []
        import numpy as np

        if self._vectors is None:
            rows = conn.execute("SELECT rowid, vec FROM vectors").fetchall()
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            mat = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows]) if rows else np.zeros((0, 1))
            self._vectors = (ids, mat)
        ids, mat = self._vectors
        if len(ids) == 0:
            return []
        q = np.asarray(self.embedder.encode([query])[0], dtype=np.float32)
        scores = mat @ q
        top = np.argsort(-scores)[:limit]
        return [(int(ids[i]), float(scores[i])) for i in top]

    def _passages(self, conn: sqlite3.Connection, ranked: Iterable[tuple[int, float]]) -> list[Passage]:
        out = []
        for rowid, score in ranked:
            row = conn.execute(
                "SELECT c.chunk_id, c.source_id, c.heading, c.body, s.title, s.publisher, s.date, s.url, s.kind "
                "FROM chunks c JOIN sources s ON s.id = c.source_id WHERE c.rowid = ?",
                (rowid,),
            ).fetchone()
            if row:
                out.append(_passage(row, score))
        return out

    def get(self, chunk_id: str) -> Passage | None:
        conn = self.ensure()
        row = conn.execute(
            "SELECT c.chunk_id, c.source_id, c.heading, c.body, s.title, s.publisher, s.date, s.url, s.kind "
            "FROM chunks c JOIN sources s ON s.id = c.source_id WHERE c.chunk_id = ?",
            (chunk_id,),
        ).fetchone()
        return _passage(row, 0.0) if row else None

    def explain(self, query: str, chunk_id: str) -> MatchReason:
        """Why ``chunk_id`` matches ``query``: FTS5 is asked term by term (so stemming counts as it does in
        ranking), and the topic vectors of query and section are compared."""
        conn = self.ensure()
        row = conn.execute("SELECT rowid FROM chunks WHERE chunk_id = ?", (chunk_id,)).fetchone()
        reason = MatchReason()
        if row is None:
            return reason
        rowid = row[0]
        for term in query_terms(query)[:32]:
            quoted = '"' + term.replace('"', '""') + '"'
            seen = conn.execute("SELECT 1 FROM chunks WHERE chunks MATCH ? AND rowid = ?",
                                (f"{{title heading body}} : {quoted}", rowid)).fetchone()
            if seen:
                reason.words.append(term)
                continue
            if conn.execute("SELECT 1 FROM chunks WHERE chunks MATCH ? AND rowid = ?",
                            (f"asks : {quoted}", rowid)).fetchone():
                reason.phrasing_words.append(term)
        wanted = topics.query_vector(query)
        raw = conn.execute("SELECT vec FROM topics WHERE rowid = ?", (rowid,)).fetchone()
        have = json.loads(raw[0]) if raw else {}
        shared = sorted((t for t in wanted if have.get(t)), key=lambda t: -wanted[t] * have[t])
        reason.topics = [TOPIC_LABELS.get(t, t.replace("-", " ")) for t in shared]
        return reason

    def chunk_ids(self) -> list[str]:
        return [r[0] for r in self.ensure().execute("SELECT chunk_id FROM chunks ORDER BY rowid")]

    def sources(self) -> list[dict]:
        conn = self.ensure()
        rows = conn.execute(
            "SELECT s.id, s.title, s.publisher, s.date, s.url, s.kind, "
            "(SELECT count(*) FROM chunks c WHERE c.source_id = s.id) FROM sources s ORDER BY s.kind = 'user', s.id"
        ).fetchall()
        keys = ("id", "title", "publisher", "date", "url", "kind", "chunks")
        return [dict(zip(keys, r)) for r in rows]


def load_asks(files: Iterable[Path]) -> dict[str, list[str]]:
    """chunk id -> phrasings from the corpus's asks files (a file that will not parse is left out)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is 15x faster when libyaml is there
    out: dict[str, list[str]] = {}
    for f in files:
        try:
            data = yaml.load(f.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        for slug, phrasings in data.items():
            if isinstance(phrasings, list):
                out[f"{f.stem}#{slug}"] = [str(p) for p in phrasings if isinstance(p, str | int | float)]
    return out


def _passage(row: tuple, score: float) -> Passage:
    chunk_id, source_id, heading, body, title, publisher, date, url, kind = row
    path = [title] + ([h for h in heading.split(" > ") if h] if heading else [])
    return Passage(
        chunk_id=chunk_id, source_id=source_id, title=title, publisher=publisher, date=date, url=url,
        kind=kind, heading=path, text=body, score=round(score, 4),
    )


def _create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE sources(id TEXT PRIMARY KEY, title TEXT, publisher TEXT, date TEXT, url TEXT, kind TEXT);
        CREATE VIRTUAL TABLE chunks USING fts5(
            chunk_id UNINDEXED, source_id UNINDEXED, title, heading, body, asks,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TABLE vectors(rowid INTEGER PRIMARY KEY, vec BLOB);
        CREATE TABLE topics(rowid INTEGER PRIMARY KEY, vec TEXT);
        """
    )


def _store_vectors(conn: sqlite3.Connection, embedder: Embedder, batch: int = 64) -> None:
    import numpy as np

    rows = conn.execute("SELECT rowid, title, heading, body, asks FROM chunks ORDER BY rowid").fetchall()
    for i in range(0, len(rows), batch):
        part = rows[i:i + batch]
        vecs = embedder.encode([f"{t}. {h}. {b}\n{a}".rstrip() for _, t, h, b, a in part])
        conn.executemany(
            "INSERT INTO vectors(rowid, vec) VALUES (?, ?)",
            [(r[0], np.asarray(v, dtype=np.float32).tobytes()) for r, v in zip(part, vecs)],
        )


def rrf_fuse(rankings: list[list[tuple[int, float]]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: each list adds 1/(k + rank) for every item it ranks."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, (item, _) in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))

