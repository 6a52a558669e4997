"""The PostgreSQL engine: full-text search in the database (``spanish``, ``english`` and ``simple``
configurations over ``unaccent``-folded text, a GIN index), the passages in :class:`IndexedPassage`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from veeduria.search.models import IndexedPassage
from veeduria.search.query import Clause, ParsedQuery
from veeduria.search.results import Filters, Hit, Page, Passage, sort_hits

_CONFIGS = ("spanish", "english", "simple")
_TABLE = IndexedPassage._meta.db_table
_BODY = "coalesce(title_es, '') || ' ' || coalesce(title_en, '') || ' ' || coalesce(text, '')"
#: the words only (anything not a letter or digit is a space), as the other engine splits them: PostgreSQL's own
#: parser would read markup, addresses and paths as special tokens and skip the text of <script> elements
_WORDS = f"unaccent(regexp_replace({_BODY}, '[^[:alnum:]]+', ' ', 'g'))"
#: the stems of both languages, then the folded words weighted A: phrases and prefixes match those only
_VECTOR = (
    f"to_tsvector('spanish', {_WORDS}) || to_tsvector('english', {_WORDS})"
    f" || setweight(to_tsvector('simple', {_WORDS}), 'A')"
)
_BATCH = 500


def _row(p: Passage) -> IndexedPassage:
    return IndexedPassage(
        key=p.key,
        ref=p.ref,
        type=p.type,
        record_id=p.record_id,
        page=p.page,
        title_es=p.title_es,
        title_en=p.title_en,
        text=p.text,
        year=p.year,
        countries=f" {' '.join(p.countries)} " if p.countries else "",
        source_kinds=f" {' '.join(p.source_kinds)} " if p.source_kinds else "",
    )


def _clause_sql(clause: Clause) -> tuple[str, list[Any]]:
    text = " ".join(clause.words)
    if clause.kind == "prefix":  # the words are letters and digits only (query.parse): safe in to_tsquery
        return "to_tsquery('simple', %s)", [f"{clause.words[0]}:*A"]
    if clause.kind == "phrase":  # the exact words in a row (folded, not stemmed)
        return "to_tsquery('simple', %s)", [" <-> ".join(f"{w}:A" for w in clause.words)]
    parts = [f"plainto_tsquery('{c}', unaccent(%s))" for c in _CONFIGS]
    return "(" + " || ".join(parts) + ")", [text] * len(_CONFIGS)


def _where(query: ParsedQuery, filters: Filters) -> tuple[str, list[Any], str, list[Any]]:
    """The tsquery expression and the WHERE clause (with their parameters)."""
    parts = [_clause_sql(c) for c in query.clauses]
    tsquery = " && ".join(sql for sql, _ in parts)
    ts_params = [p for _, params in parts for p in params]
    conditions: list[str] = ["document @@ q.q"]
    params: list[Any] = []
    if filters.type:
        conditions.append("type = %s")
        params.append(filters.type)
    if filters.year is not None:
        conditions.append("year = %s")
        params.append(int(filters.year))
    if filters.country:
        conditions.append("position(%s in countries) > 0")
        params.append(f" {filters.country} ")
    if filters.source_kind:
        conditions.append("position(%s in source_kinds) > 0")
        params.append(f" {filters.source_kind} ")
    return tsquery, ts_params, " AND ".join(conditions), params


class PostgresEngine:
    name = "postgresql"

    def rebuild(self, passages: Iterable[Passage]) -> int:
        with transaction.atomic():
            IndexedPassage.objects.all().delete()
            count = self._insert(passages)
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {_TABLE} SET document = {_VECTOR}")
        return count

    def replace(self, refs: Iterable[str], passages: Iterable[Passage]) -> None:
        refs = sorted(set(refs))
        if not refs:
            return
        with transaction.atomic():
            IndexedPassage.objects.filter(ref__in=refs).delete()
            self._insert(passages)
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {_TABLE} SET document = {_VECTOR} WHERE ref = ANY(%s)", [refs])

    @staticmethod
    def _insert(passages: Iterable[Passage]) -> int:
        count, batch = 0, []
        for passage in passages:
            batch.append(_row(passage))
            if len(batch) >= _BATCH:
                IndexedPassage.objects.bulk_create(batch)
                count, batch = count + len(batch), []
        IndexedPassage.objects.bulk_create(batch)
        return count + len(batch)

    def search(self, query: ParsedQuery, filters: Filters, *, offset: int, limit: int) -> Page:
        tsquery, ts_params, where, params = _where(query, filters)
        base = f"FROM {_TABLE}, (SELECT {tsquery} AS q) AS q WHERE {where}"
        args = [*ts_params, *params]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT type, record_id, page, title_es, title_en, text, ts_rank(document, q.q) AS score {base} "
                "ORDER BY score DESC, type, record_id, page LIMIT %s OFFSET %s",
                [*args, limit, offset],
            )
            rows = cursor.fetchall()
            cursor.execute(f"SELECT count(*) {base}", args)
            total = int(cursor.fetchone()[0])
            facets = self._facets(cursor, base, args) if total else {}
        hits = [
            Hit(
                type=row[0],
                record_id=row[1],
                page=int(row[2]),
                title_es=row[3],
                title_en=row[4],
                text=row[5],
                score=float(row[6]),
                query=query,
            )
            for row in rows
        ]
        return Page(query, filters, total, sort_hits(hits), 0, limit, facets)

    @staticmethod
    def _facets(cursor: Any, base: str, args: list[Any]) -> dict[str, list[tuple[str, int]]]:
        def unnested(column: str) -> str:
            return base.replace(" WHERE ", f", unnest(string_to_array(trim({column}), chr(32))) AS v WHERE ", 1)

        sqls = {
            "type": f"SELECT type, count(*) {base} GROUP BY type",
            "year": f"SELECT year::text, count(*) {base} AND year IS NOT NULL GROUP BY year",
            "country": f"SELECT v, count(*) {unnested('countries')} GROUP BY v",
            "source_kind": f"SELECT v, count(*) {unnested('source_kinds')} GROUP BY v",
        }
        facets = {}
        for name, sql in sqls.items():
            cursor.execute(sql, args)
            facets[name] = sorted(((str(k), int(n)) for k, n in cursor.fetchall() if k), key=lambda kv: (-kv[1], kv[0]))
        return facets
