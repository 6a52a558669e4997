"""``/documents``: the stored primary documents, their text page by page, and the records citing them; the fields
typed from the ``Document`` and ``DocumentPage`` models."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import override
from ninja import Query, Router, Schema
from pydantic import Field, create_model

from veeduria.api import schemas, serialize
from veeduria.api.errors import ApiError, ErrorOut
from veeduria.api.paging import IntPageParams, paginate
from veeduria.api.params import UpdatedSince, since
from veeduria.documents.models import Document, DocumentPage, ExtractionStatus, Kind
from veeduria.evidence.models import Citation
from veeduria.records.queries import published
from veeduria.records.registry import RECORD_TYPES

router = Router(tags=["documents"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}
#: the extraction's error text is for editors (it may name the server's files)
_PRIVATE = frozenset({"error"})

_LINKS: dict[str, Any] = {
    "pages_extracted": (int, Field(description="pages whose text is stored")),
    "url_es": (str, Field(description="the document's page in the portal, in Spanish")),
    "url_en": (str, Field(description="the document's page in the portal, in English")),
    "file_url": (str, Field(description="the original file, as it was added")),
}
DocumentOut = create_model("Document", __base__=Schema, **schemas.fields_of(Document, leave_out=_PRIVATE), **_LINKS)
PageOut = create_model("DocumentPage", __base__=Schema, **schemas.fields_of(DocumentPage, leave_out={"id", "document"}))


class DocumentDetail(DocumentOut):  # type: ignore[misc,valid-type]
    pages: list[PageOut]  # type: ignore[valid-type]
    cited_by: dict[str, list[str]] = Field(description="ids of the published records citing it, by record type")


class DocumentPageList(schemas.PageBase):
    results: list[DocumentOut]  # type: ignore[valid-type]


class DocumentFilters(IntPageParams):
    kind: Kind | None = Field(None, description="the file's type")
    status: ExtractionStatus | None = Field(None, description="how far the text extraction went")
    source: str | None = Field(None, max_length=120, description="the id of the source it belongs to")
    q: str | None = Field(None, max_length=200, description="words of the title or the file name")
    updated_since: UpdatedSince = None


def _out(document: Any) -> dict[str, Any]:
    data = serialize.fields_dict(document, serialize.public_fields_of(Document, leave_out=_PRIVATE))
    urls = {}
    for lang in ("es", "en"):
        with override(lang):
            urls[lang] = reverse("portal:document", kwargs={"pk": document.pk})
    with override("es"):
        file_url = reverse("portal:document-file", kwargs={"pk": document.pk})
    return {
        **data,
        "pages_extracted": document.extracted,
        "url_es": urls["es"],
        "url_en": urls["en"],
        "file_url": file_url,
    }


def cited_by(document: Document) -> dict[str, list[str]]:
    """The published records citing ``document``, by record type, in id order."""
    pairs = set(Citation.objects.filter(document=document).values_list("content_type_id", "object_id"))
    out = {}
    for rt in RECORD_TYPES:
        ct = ContentType.objects.get_for_model(rt.model)
        ids = [object_id for ct_id, object_id in pairs if ct_id == ct.pk]
        if ids:
            found = published(rt.model._default_manager.filter(pk__in=ids)).order_by("pk").values_list("pk", flat=True)
            if found:
                out[rt.key] = [str(pk) for pk in found]
    return out


@router.get("", response={200: DocumentPageList, **ERRORS}, summary="Stored documents", operation_id="list_documents")
def document_list(request: HttpRequest, filters: Query[DocumentFilters]) -> dict[str, Any]:
    qs = Document.objects.annotate(extracted=Count("pages"))
    if filters.kind:
        qs = qs.filter(kind=filters.kind.value)
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.source:
        qs = qs.filter(source_id=filters.source)
    if filters.q and filters.q.strip():
        qs = qs.filter(Q(title__icontains=filters.q.strip()) | Q(file_name__icontains=filters.q.strip()))
    updated = since(filters.updated_since)
    if updated is not None:
        qs = qs.filter(Q(added_at__gte=updated) | Q(extracted_at__gte=updated))
    page = paginate(qs, cursor=filters.cursor, page=filters.page, page_size=filters.page_size, numbers=True)
    return {**page.meta, "results": [_out(d) for d in page.rows]}


@router.get(
    "/{document_id}",
    response={200: DocumentDetail, **ERRORS},
    summary="A document with the text of each page and the records citing it",
    operation_id="get_document",
)
def document_detail(request: HttpRequest, document_id: int) -> dict[str, Any]:
    document = Document.objects.annotate(extracted=Count("pages")).filter(pk=document_id).first()
    if document is None:
        raise ApiError(404, "not_found", f"no document with id {document_id}")
    page_fields = serialize.public_fields_of(DocumentPage, leave_out=frozenset({"id", "document"}))
    pages = [serialize.fields_dict(p, page_fields) for p in document.pages.order_by("number")]
    return {**_out(document), "pages": pages, "cited_by": cited_by(document)}
