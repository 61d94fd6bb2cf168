"""The one type the knowledge layer hands out: a retrieved passage."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Passage(BaseModel):
    """A chunk of a source document returned by a search, with where it came from."""

    chunk_id: str = Field(description="Stable id: '<source_id>#<section-slug>', '~N' suffix for size-capped parts.")
    source_id: str
    title: str = Field(description="Title of the source document.")
    publisher: str = ""
    date: str = ""
    url: str = ""
    kind: str = ""
    heading: list[str] = Field(default_factory=list, description="Heading path from the document title down.")
    text: str
    score: float = 0.0

    @property
    def section(self) -> str:
        return " > ".join(self.heading[1:]) if len(self.heading) > 1 else (self.heading[0] if self.heading else "")

    def citation(self) -> str:
        """A short human-readable source line: title, section, publisher, date."""
        parts = [self.title]
        if self.section and self.section != self.title:
            parts.append(f"§ {self.section}")
        tail = ", ".join(p for p in (self.publisher, self.date) if p)
        if tail:
            parts.append(f"({tail})")
        return " ".join(parts)
