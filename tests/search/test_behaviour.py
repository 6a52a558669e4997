"""The one search on small real records and a document: accents, stems in both languages, phrases, prefixes,
filters, facets, snippets, page numbers, ranking, what is never searched, and the index kept current."""

from __future__ import annotations

from typing import Any

import pytest

from veeduria.search.query import parse
from veeduria.search.results import Filters
from veeduria.search.service import search


def refs(query: str, **filters: Any) -> list[tuple[str, str, int]]:
    return [(h.type, h.record_id, h.page) for h in search(query, Filters(**filters), limit=50).hits]


AUTH = ("authorizations", "rl-90001", 0)
ACTIVITY = ("activities", "ejercicio-2019", 0)


def test_accents_and_case_are_ignored(corpus: dict[str, Any]) -> None:
    assert refs("Santa Lucia") == refs("santa lucía") == refs("SANTA LUCÍA") == [AUTH]
    assert refs("san martin") == [AUTH]  # a place of the authorization
    assert ("documents", str(corpus["document"].pk), 12) in refs("pucallpa")


def test_spanish_and_english_stems(corpus: dict[str, Any]) -> None:
    assert AUTH in refs("cooperacion")  # "Cooperación"
    assert AUTH in refs("tropa")  # "tropas"
    assert ACTIVITY not in refs("tropa")  # "troops" is English: another stem
    assert ACTIVITY in refs("troop")  # "troops", English
    assert AUTH in refs("authorize")  # "authorizing"
    assert ("documents", str(corpus["document"].pk), 12) in refs("aeronave")  # "aeronaves"


def test_weapons_purposes_and_quotes_are_searched(corpus: dict[str, Any]) -> None:
    assert refs("fusil M4") == [AUTH]
    assert refs("norteamericanas") == [AUTH]  # only in the citation's quote
    assert refs("entrenamiento fuerzas especiales") == [AUTH]


def test_phrases_need_the_words_in_a_row(corpus: dict[str, Any]) -> None:
    assert refs('"fuerzas especiales"') == [AUTH]
    assert refs('"especiales fuerzas"') == []
    assert refs('"fuerza especial"') == []  # a phrase is the exact words (accents and case aside)
    assert refs('"FUERZAS ESPECIALES"') == refs('"fuerzas especiales"')
    assert refs('"naval conjunto"') == [ACTIVITY]


def test_prefixes(corpus: dict[str, Any]) -> None:
    assert AUTH in refs("coopera*")
    assert refs("Pucall*") == [("documents", str(corpus["document"].pk), 12)]
    assert refs("zzzq*") == []


def test_editors_notes_and_withdrawn_records_are_never_found(corpus: dict[str, Any]) -> None:
    assert refs("palabrasecretadeeditores") == []
    assert refs("zanahoria") == []


def test_filters_and_facets(corpus: dict[str, Any]) -> None:
    page = search("training")
    assert page.total == 2
    assert dict(page.facets["type"]) == {"authorizations": 1, "activities": 1}
    assert dict(page.facets["year"]) == {"2024": 1, "2019": 1}
    assert dict(page.facets["country"]) == {"usa": 2, "per": 1}
    assert dict(page.facets["source_kind"]) == {"official": 1, "press": 1}
    assert refs("training", type="activities") == [ACTIVITY]
    assert refs("training", year=2024) == [AUTH]
    assert refs("training", country="per") == [ACTIVITY]
    assert refs("training", source_kind="official") == [AUTH]
    assert refs("training", year=1990) == []
    filtered = search("training", Filters(country="usa", year=2019))
    assert filtered.total == 1 and dict(filtered.facets["type"]) == {"activities": 1}


def test_snippets_escape_then_mark(corpus: dict[str, Any]) -> None:
    hit = search("negritas alert").hits[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>negritas</mark>" in hit.snippet and "<mark>alert</mark>" in hit.snippet
    assert "&lt;b&gt;" in hit.snippet
    (phrase,) = search('"fuerzas especiales"').hits
    assert "<mark>fuerzas</mark> <mark>especiales</mark>" in phrase.snippet
    stemmed = search("cooperacion").hits
    assert any("<mark>Cooperación</mark>" in h.snippet for h in stemmed)


def test_document_pages_carry_their_number_and_title(corpus: dict[str, Any]) -> None:
    (hit,) = search("reconocimiento").hits
    assert (hit.type, hit.page, hit.title("es")) == ("documents", 12, "Convenio de cooperación (texto)")
    assert "<mark>reconocimiento</mark>" in hit.snippet


def test_ranking_by_relevance_then_a_stable_order(corpus: dict[str, Any]) -> None:
    hits = search("tropa cooperacion ingreso").hits + search("cooperacion").hits
    for results in (search("cooperacion").hits, search("ingreso").hits):
        keys = [(-round(h.score, 5), h.type, h.record_id, h.page) for h in results]
        assert keys == sorted(keys)
    assert [h.record_id for h in search("cooperacion").hits] == [h.record_id for h in search("cooperacion").hits]
    assert hits


def test_pages_of_results(corpus: dict[str, Any]) -> None:
    everything = [(h.type, h.record_id) for h in search("cooperacion", limit=10).hits]
    first = search("cooperacion", limit=1, page=1)
    second = search("cooperacion", limit=1, page=2)
    assert first.total == second.total == len(everything) >= 2
    assert [(h.type, h.record_id) for h in first.hits + second.hits] == everything[:2]


@pytest.mark.parametrize("raw", ['"', "AND OR NOT", "- + : ( ) ^ ~ *", "x" * 10_000, "\x00\x01", "a*b*c*"])
def test_hostile_queries_never_fail(corpus: dict[str, Any], raw: str) -> None:
    page = search(raw)
    assert page.total >= 0 and all(h.record_id for h in page.hits)


def test_the_index_follows_changes(corpus: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    auth = corpus["auth"]
    with django_capture_on_commit_callbacks(execute=True):
        auth.title_es = "Resolución sobre helicópteros anfibios"
        auth.save()
    assert refs("helicoptero anfibio") == [AUTH]
    with django_capture_on_commit_callbacks(execute=True):
        auth.items.create(category="vessel", name="patrullera fluvial")
    assert refs("patrullera") == [AUTH]
    with django_capture_on_commit_callbacks(execute=True):
        corpus["activity"].countries.remove(corpus["usa"])
    assert refs("naval", country="usa") == []
    with django_capture_on_commit_callbacks(execute=True):
        page = corpus["document"].pages.get(number=12)
        page.text = "Los buques hospital llegarán a Iquitos"
        page.save()
    assert refs("iquitos") == [("documents", str(corpus["document"].pk), 12)] and refs("pucallpa") == []
    with django_capture_on_commit_callbacks(execute=True):
        corpus["withdrawn"].status = "published"
        corpus["withdrawn"].save()
    assert refs("zanahoria") == [("activities", "retirado", 0)]
    with django_capture_on_commit_callbacks(execute=True):
        corpus["withdrawn"].delete()
    assert refs("zanahoria") == []


def test_a_change_is_seen_by_the_next_search_before_its_commit(corpus: dict[str, Any]) -> None:
    """Inside a transaction (as in an import), the next search in the same thread applies what changed."""
    corpus["activity"].name_es = "Maniobra anfibia"
    corpus["activity"].save()
    assert refs("maniobra") == [ACTIVITY]


def test_a_bulk_import_reaches_the_index_in_one_batch_at_its_commit(
    corpus: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from pathlib import Path

    from veeduria.ingest.importers import run_import
    from veeduria.search.service import engine, flush

    csv = Path(__file__).resolve().parents[2] / "data" / "external" / "peru-us" / "mme_v7_wide_PER.csv"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_import("mme", csv)
    assert flush in callbacks  # the importer's bulk writes sent no signal: they marked their ids
    assert engine().search(parse("rimpac"), Filters(), offset=0, limit=5).total == 0
    for callback in callbacks:
        callback()
    found = engine().search(parse("rimpac 2010"), Filters(), offset=0, limit=5)
    assert [h.record_id for h in found.hits] == ["mme-mme3348"]
