"""Command palette providers: open a cited source by number or title while typing anywhere (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class SourcesProvider(Provider):
    """"Source [n]: title" for every passage the recommendation cites; "3" or words of a title find one."""

    def _sources(self) -> list[tuple[int, str, str]]:
        rec = getattr(self.app, "recommendation", None)
        if rec is None:
            return []
        return [(n, f"Source [{n}]: {p.title}", p.citation()) for n, p in enumerate(rec.passages, start=1)]

    async def discover(self) -> Hits:
        for n, title, help_text in self._sources():
            yield DiscoveryHit(title, partial(self.app.open_citation, n), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = query.strip().strip("[]")
        for n, title, help_text in self._sources():
            if wanted == str(n) or wanted.lower() in (f"source {n}", f"source [{n}]"):
                yield Hit(1.0, matcher.highlight(title), partial(self.app.open_citation, n), help=help_text)
                continue
            score = matcher.match(f"{title} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.open_citation, n), help=help_text)
