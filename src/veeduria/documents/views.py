"""Public pages of the documents: the list, one document with its text per page, the original file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from veeduria.documents.extraction import file_path
from veeduria.documents.models import Document, Kind
from veeduria.documents.status import status_text
from veeduria.evidence.models import Citation
from veeduria.portal import display
from veeduria.records.queries import published
from veeduria.records.registry import RECORD_TYPES

#: how the original bytes are sent: never as a type a browser would render or run
_DOWNLOAD_TYPES = {Kind.PDF: "application/pdf", Kind.HTML: "text/plain", Kind.TEXT: "text/plain"}


@dataclass
class CitingRecord:
    link: display.Value
    pages: list[int]


def _get(pk: int) -> Document:
    try:
        return Document.objects.select_related("source").get(pk=pk)
    except Document.DoesNotExist as exc:
        raise Http404(_("No existe ese documento.")) from exc


def citing_records(document: Document) -> list[tuple[str, list[CitingRecord]]]:
    """The published records that cite the document, by record type, with the pages they cite."""
    pages: dict[tuple[int, str], set[int]] = {}
    for ct_id, object_id, page in Citation.objects.filter(document=document).values_list(
        "content_type_id", "object_id", "page"
    ):
        cited = pages.setdefault((ct_id, object_id), set())
        if page:
            cited.add(page)
    groups = []
    for rt in RECORD_TYPES:
        ct = ContentType.objects.get_for_model(rt.model)
        ids = [object_id for ct_id, object_id in pages if ct_id == ct.pk]
        if not ids:
            continue
        records = published(rt.model._default_manager.filter(pk__in=ids)).order_by("pk")
        rows = [CitingRecord(display.link(r), sorted(pages[(ct.pk, str(r.pk))])) for r in records]
        if rows:
            groups.append((str(rt.label), rows))
    return groups


def document_list(request: HttpRequest) -> HttpResponse:
    qs = Document.objects.select_related("source").annotate(extracted=Count("pages")).order_by("title", "pk")
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/document_list.html", {"page": page})


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _get(pk)
    context: dict[str, Any] = {
        "document": document,
        "status": status_text(document),
        "pages": document.pages.all(),
        "groups": citing_records(document),
    }
    return render(request, "documents/document_detail.html", context)


def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """The original bytes as an attachment; HTML as plain text, so that it is never rendered."""
    document = _get(pk)
    path = file_path(document)
    if not path.exists():
        raise Http404(_("El archivo de este documento no está en el servidor."))
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=document.file_name or path.name,
        content_type=_DOWNLOAD_TYPES[Kind(document.kind)],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
