"""Portal URLs. Inside ``i18n_patterns``: each record type's path segment is translated from the registry
(``/es/autorizaciones/…`` and ``/en/authorizations/…``), so ``translate_url`` maps a page to its twin."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.utils.functional import lazy
from django.utils.translation import get_language

from veeduria.documents import views as document_views
from veeduria.factchecks import pages as factcheck_pages
from veeduria.factchecks.matching_views import check_rumour
from veeduria.portal import answer_views, figures, findings, map_views, method, method_bases, pages, timeline, views
from veeduria.portal.findings_export import export as findings_export
from veeduria.portal.findings_export import file_route
from veeduria.portal.list_export import export as list_export
from veeduria.portal.list_export import file_route as list_file_route
from veeduria.publicdata.urls import patterns as publicdata_patterns
from veeduria.records.registry import RECORD_TYPES, RecordType
from veeduria.search import views as search_views

app_name = "portal"


def _segment(es: str, en: str, suffix: str) -> str:
    return f"{en if (get_language() or 'es')[:2] == 'en' else es}/{suffix}"


#: A route whose text depends on the active language (compiled once per language by Django).
_route = lazy(_segment, str)


def _record_patterns(rt: RecordType) -> list[URLPattern]:
    exports = [
        path(
            list_file_route(rt.slug_es, rt.slug_en, fmt),
            list_export,
            {"key": rt.key, "fmt": fmt},
            name=f"{rt.key}-export",
        )
        for fmt in ("csv", "json")
    ]
    return [
        *exports,
        path(_route(rt.slug_es, rt.slug_en, ""), views.record_list, {"key": rt.key}, name=f"{rt.key}-list"),
        path(
            _route(rt.slug_es, rt.slug_en, "<slug:pk>/"), views.record_detail, {"key": rt.key}, name=f"{rt.key}-detail"
        ),
    ]


urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path(_route("cifras", "figures", ""), figures.figures_page, name="figures"),
    path(_route("cifras", "figures", "<slug:chart>.csv"), figures.figures_csv, name="figures-csv"),
    path(_route("metodo/fiabilidad", "method/reliability", ""), method.reliability, name="reliability"),
    path(_route("metodo/bases", "method/bases", ""), method_bases.method, name="method-bases"),
    path(_route("metodo", "method", ""), pages.methodology, name="methodology"),
    path(_route("glosario", "glossary", ""), pages.glossary, name="glossary"),
    path(_route("acerca", "about", ""), pages.about, name="about"),
    path(_route("mapa", "map", ""), map_views.map_page, name="map"),
    path(_route("mapa", "map", "<str:department>/"), map_views.department_page, name="map-department"),
    path(_route("cronologia", "timeline", ""), timeline.timeline_page, name="timeline"),
    path(_route("fuentes", "sources", ""), views.source_list, name="source-list"),
    path(_route("fuentes", "sources", "<slug:pk>/"), views.source_detail, name="source-detail"),
    path(_route("respuestas/bases", "answers/bases", ""), answer_views.bases_default, name="answer-bases-default"),
    path(
        _route("respuestas/bases", "answers/bases", "<str:host>/<str:foreign>/"),
        answer_views.bases_answer,
        name="answer-bases",
    ),
    path(_route("hallazgos", "findings", ""), findings.findings_page, name="findings"),
    #: the claims list leads with the ratings (before the generic list of the same address)
    path(_route("verificaciones", "fact-checks", ""), factcheck_pages.claim_list, name="factchecks"),
    path(_route("documentos", "documents", ""), document_views.document_list, name="document-list"),
    path(_route("documentos", "documents", "<int:pk>/"), document_views.document_detail, name="document"),
    path(_route("documentos", "documents", "<int:pk>/original/"), document_views.document_file, name="document-file"),
    path(_route("buscar", "search", ""), search_views.search_page, name="search"),
    path(_route("verificaciones/comprobar", "fact-checks/check", ""), check_rumour, name="check-rumour"),
    path(file_route("csv"), findings_export, {"fmt": "csv"}, name="findings-export"),
    path(file_route("json"), findings_export, {"fmt": "json"}, name="findings-export"),
]
urlpatterns += publicdata_patterns()
for _rt in RECORD_TYPES:
    urlpatterns += _record_patterns(_rt)
