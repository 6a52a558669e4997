"""What a search returns, whichever the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from veeduria.search.highlight import snippet
from veeduria.search.query import ParsedQuery


@dataclass(frozen=True)
class Passage:
    """One unit of search: a record or a document page, with what results show and filters read."""

    type: str
    record_id: str
    page: int  #: 0 for a record, the 1-based page number for a document page
    title_es: str
    title_en: str
    text: str
    year: int | None = None
    countries: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def ref(self) -> str:
        """The record (or document) the passage belongs to: what updates replace."""
        return f"{self.type}:{self.record_id}"

    @property
    def key(self) -> str:
        return f"{self.ref}:{self.page}"


#: the facets counted for every search, in display order
FACETS = ("type", "year", "country", "source_kind")


@dataclass(frozen=True)
class Filters:
    """Restrictions of a search: a record type (or ``documents``), a year, a country id, a source kind."""

    type: str | None = None
    year: int | None = None
    country: str | None = None
    source_kind: str | None = None

    def items(self) -> list[tuple[str, str | int]]:
        return [(name, value) for name in FACETS if (value := getattr(self, name)) is not None]


@dataclass
class Hit:
    """One passage found: its record (or document page), score and snippet."""

    type: str
    record_id: str
    page: int
    title_es: str
    title_en: str
    text: str
    score: float
    query: ParsedQuery

    def title(self, lang: str) -> str:
        return (self.title_en if lang == "en" else self.title_es) or self.title_es or self.record_id

    @property
    def snippet(self) -> str:
        """Safe HTML: the text escaped, then the matches in ``<mark>``."""
        return snippet(self.text, self.query)


@dataclass
class Page:
    """One page of results, with the total and the facets' counts (with the filters applied)."""

    query: ParsedQuery
    filters: Filters
    total: int
    hits: list[Hit]
    page: int
    limit: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))


def sort_hits(hits: list[Hit]) -> list[Hit]:
    """By relevance, then by type, id and page (a stable order for equal scores)."""
    return sorted(hits, key=lambda h: (-round(h.score, 5), h.type, h.record_id, h.page))
