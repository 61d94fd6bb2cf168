"""Lever's knowledge layer: corpus notes and user documents, chunked and indexed for retrieval."""

from __future__ import annotations

import os

from .documents import AddReport, DocumentStore
from .index import Embedder, Index
from .types import Passage

__all__ = ["AddReport", "Embedder", "Library", "Passage"]


class Library:
    """The knowledge base of one Lever home: search it, and manage the user's own documents."""

    def __init__(self, home: str | os.PathLike | None = None, corpus_dir=None, embedder: Embedder | None = None):
        self.index = Index(home=home, corpus_dir=corpus_dir, embedder=embedder)
        self.documents = DocumentStore(self.index)

    def search(self, query: str, k: int = 5) -> list[Passage]:
        return self.index.search(query, k)

    def search_user(self, query: str, k: int = 3) -> list[Passage]:
        """Only the user's own documents."""
        return self.index.search_user(query, k)

    def get(self, chunk_id: str) -> Passage | None:
        return self.index.get(chunk_id)

    def add(self, paths) -> AddReport:
        return self.documents.add(list(paths))

    def remove(self, doc_id: str) -> bool:
        return self.documents.remove(doc_id)

    def list(self) -> list[dict]:
        return self.index.sources()

    def close(self) -> None:
        self.index.close()
