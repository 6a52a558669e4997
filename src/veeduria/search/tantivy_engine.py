"""The embedded engine (SQLite deployments): a tantivy index under ``settings.SEARCH_DIR``.

Each passage is indexed three times: Spanish stems, English stems, and folded words (for prefixes); accents
and case are folded first. One writer at a time (a file lock); a full rebuild writes a new directory and
switches to it, so readers never see half an index.
"""

from __future__ import annotations

import fcntl
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings

from veeduria.search.query import Clause, ParsedQuery
from veeduria.search.results import Filters, Hit, Page, Passage, sort_hits

_TEXT_FIELDS = ("es", "en", "raw")
_FACET_FIELDS = {"type": "type", "year": "year", "country": "countries", "source_kind": "source_kinds"}
#: prefix queries expand to at most this many words (the most frequent are not preferred: tantivy's order)
PREFIX_EXPANSIONS = 64
_open_lock = threading.Lock()


def _analyzer(stemmer: str | None) -> Any:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    builder = builder.filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
    if stemmer:
        builder = builder.filter(tantivy.Filter.stemmer(stemmer))
    return builder.build()


ANALYZERS = {"es": _analyzer("spanish"), "en": _analyzer("english"), "raw": _analyzer(None)}


def schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("ref", stored=True, tokenizer_name="raw")
    b.add_text_field("type", stored=True, fast=True, tokenizer_name="raw")
    b.add_integer_field("page", stored=True)
    b.add_text_field("title_es", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("title_en", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("text", stored=True, tokenizer_name="raw", index_option="basic")
    for name in _TEXT_FIELDS:
        b.add_text_field(name, tokenizer_name=f"veeduria_{name}", index_option="position")
    b.add_integer_field("year", indexed=True, fast=True)
    b.add_text_field("countries", fast=True, tokenizer_name="raw")
    b.add_text_field("source_kinds", fast=True, tokenizer_name="raw")
    return b.build()


SCHEMA = schema()


def _document(p: Passage) -> tantivy.Document:
    body = f"{p.title_es}\n{p.title_en}\n{p.text}"
    # the stored text is whole (snippets are cut from it); the indexed copies hold titles and text
    doc = tantivy.Document(ref=p.ref, type=p.type, page=p.page, title_es=p.title_es, title_en=p.title_en)
    doc.add_text("text", p.text)
    for name in _TEXT_FIELDS:
        doc.add_text(name, body)
    if p.year is not None:
        doc.add_integer("year", p.year)
    for code in p.countries:
        doc.add_text("countries", code)
    for kind in p.source_kinds:
        doc.add_text("source_kinds", kind)
    return doc


class IndexMissing(Exception):
    """There is no usable index: it must be built."""


class TantivyEngine:
    """Search and write the index in ``root`` (``settings.SEARCH_DIR`` unless given)."""

    name = "tantivy"

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or settings.SEARCH_DIR)
        self._index: tantivy.Index | None = None
        self._index_path: Path | None = None

    # -- where the index is --------------------------------------------------------------------------
    @property
    def _pointer(self) -> Path:
        return self.root / "CURRENT"

    def _current_path(self) -> Path | None:
        try:
            name = self._pointer.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        path = self.root / name
        return path if name and path.is_dir() else None

    @contextmanager
    def writing(self, timeout: float = 60.0) -> Iterator[None]:
        """Hold the one writer lock (across processes) while writing."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "writer.lock", "a+b") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"search index {self.root} is locked by another writer") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _open_path(path: Path, *, create: bool = False) -> tantivy.Index:
        index = tantivy.Index(SCHEMA, path=str(path), reuse=not create)
        for name, analyzer in ANALYZERS.items():
            index.register_tokenizer(f"veeduria_{name}", analyzer)
        return index

    def _open(self) -> tantivy.Index:
        path = self._current_path()
        if path is None:
            raise IndexMissing(str(self.root))
        with _open_lock:
            if self._index is None or self._index_path != path:
                try:
                    self._index = self._open_path(path)
                except ValueError as exc:
                    raise IndexMissing(f"{path}: {exc}") from exc
                self._index_path = path
            return self._index

    # -- writing ------------------------------------------------------------------------------------
    def rebuild(self, passages: Iterable[Passage], *, heap: int = 200_000_000) -> int:
        """Build a new index from ``passages``, then switch readers to it; return the number of passages."""
        with self.writing():
            self.root.mkdir(parents=True, exist_ok=True)
            name = f"index-{uuid.uuid4().hex[:12]}"
            path = self.root / name
            path.mkdir()
            index = self._open_path(path, create=True)
            writer = index.writer(heap_size=heap)
            count = 0
            for passage in passages:
                writer.add_document(_document(passage))
                count += 1
            writer.commit()
            writer.wait_merging_threads()
            old = self._current_path()
            tmp = self.root / f"CURRENT.{name}"
            tmp.write_text(name, encoding="utf-8")
            tmp.replace(self._pointer)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            for stale in self.root.glob("index-*"):  # left by an interrupted rebuild
                if stale.name != name:
                    shutil.rmtree(stale, ignore_errors=True)
        return count

    def replace(self, refs: Iterable[str], passages: Iterable[Passage]) -> None:
        """Drop every passage of ``refs`` and add ``passages`` (their current state), in one commit."""
        refs = list(refs)
        if not refs:
            return
        with self.writing():
            index = self._open()
            writer = index.writer(heap_size=15_000_000, num_threads=1)
            try:
                for ref in refs:
                    writer.delete_documents_by_term("ref", ref)
                for passage in passages:
                    writer.add_document(_document(passage))
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            index.reload()

    # -- reading ------------------------------------------------------------------------------------

    def search(self, query: ParsedQuery, filters: Filters, *, offset: int, limit: int) -> Page:
        index = self._open()
        index.reload()
        searcher = index.searcher()
        clauses = [(tantivy.Occur.Must, self._clause(c)) for c in query.clauses]
        clauses += [(tantivy.Occur.Must, q) for q in self._filters(filters)]
        q = tantivy.Query.boolean_query(clauses)
        result = searcher.search(q, limit=limit, offset=offset, count=False)  # top-k with block-max pruning
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            type_key, _, record_id = str(doc.get_first("ref")).partition(":")
            hits.append(
                Hit(
                    type=type_key,
                    record_id=record_id,
                    page=int(doc.get_first("page") or 0),
                    title_es=str(doc.get_first("title_es") or ""),
                    title_en=str(doc.get_first("title_en") or ""),
                    text=str(doc.get_first("text") or ""),
                    score=float(score),
                    query=query,
                )
            )
        if not hits and offset == 0:
            return Page(query, filters, 0, [], 0, limit, {name: [] for name in _FACET_FIELDS})
        # one pass over the matches counts the facets; every passage has one type, so their sum is the total
        facets = self._facets(searcher, q)
        total = sum(n for _, n in facets["type"])
        return Page(query, filters, total, sort_hits(hits), 0, limit, facets)

    @staticmethod
    def _facets(searcher: Any, q: Any) -> dict[str, list[tuple[str, int]]]:
        spec = {name: {"terms": {"field": f, "size": 300}} for name, f in _FACET_FIELDS.items()}
        answer = searcher.aggregate(q, spec)
        facets = {}
        for name in _FACET_FIELDS:
            buckets = answer.get(name, {}).get("buckets", [])
            counts = [(str(int(b["key"]) if name == "year" else b["key"]), int(b["doc_count"])) for b in buckets]
            facets[name] = sorted(counts, key=lambda kv: (-kv[1], kv[0]))
        return facets

    @staticmethod
    def _tokens(field: str, words: tuple[str, ...]) -> list[str]:
        return [t for w in words for t in ANALYZERS[field].analyze(w)]

    def _clause(self, clause: Clause) -> Any:
        if clause.kind == "prefix":
            return tantivy.Query.phrase_prefix_query(SCHEMA, "raw", list(clause.words))
        if clause.kind == "phrase":  # the exact words in a row (folded, not stemmed): one field to read
            words: list[str | tuple[int, str]] = list(self._tokens("raw", clause.words))
            if len(words) > 1:
                return tantivy.Query.phrase_query(SCHEMA, "raw", words)
            return tantivy.Query.term_query(SCHEMA, "raw", str(words[0])) if words else tantivy.Query.empty_query()
        stems = {field: self._tokens(field, clause.words) for field in ("es", "en")}
        alternatives = [tantivy.Query.term_query(SCHEMA, f, t[0]) for f, t in stems.items() if t]
        if not alternatives:
            return tantivy.Query.empty_query()
        return tantivy.Query.disjunction_max_query(alternatives)

    @staticmethod
    def _filters(filters: Filters) -> list[Any]:
        found = []
        if filters.type:
            found.append(tantivy.Query.term_query(SCHEMA, "type", filters.type))
        if filters.year is not None:
            found.append(tantivy.Query.term_query(SCHEMA, "year", int(filters.year)))
        if filters.country:
            found.append(tantivy.Query.term_query(SCHEMA, "countries", filters.country))
        if filters.source_kind:
            found.append(tantivy.Query.term_query(SCHEMA, "source_kinds", filters.source_kind))
        return [tantivy.Query.boost_query(q, 0.0) for q in found]
