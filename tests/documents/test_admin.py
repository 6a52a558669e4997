"""Editors upload documents in the admin and cite a page of one in a record's citation."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.documents.fixtures import cited_resolution
from tests.documents.pdfs import text_pdf
from tests.portal.test_admin import form_data
from veeduria.documents.models import Document, ExtractionStatus
from veeduria.evidence.models import Citation, Revision
from veeduria.records.permissions import ensure_editor_group

pytestmark = pytest.mark.django_db
ADD = "/admin/documents/document/add/"


@pytest.fixture
def editor_client(client: Client) -> Client:
    user = User.objects.create_user("ana", password="x", is_staff=True)
    user.groups.add(ensure_editor_group())
    client.force_login(user)
    return client


def upload(client: Client, name: str, data: bytes, **extra: str) -> Any:
    return client.post(ADD, {"upload": SimpleUploadedFile(name, data), "title": "", "source": "", **extra})


def test_upload_extracts_and_refuses_a_duplicate(editor_client: Client) -> None:
    data = text_pdf([["Oficio N.º 120-2024"], ["Respuesta"]])
    response = upload(editor_client, "oficio.pdf", data, title="Oficio 120-2024")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.title == "Oficio 120-2024" and document.status == ExtractionStatus.EXTRACTED
    assert document.pages.count() == 2
    listed = editor_client.get(response["Location"]).content.decode()
    assert f"#{document.pk} «Oficio 120-2024»: Texto extraído; 2 de 2 páginas" in listed  # the admin speaks Spanish
    shown = editor_client.get(f"/admin/documents/document/{document.pk}/change/").content.decode()
    assert document.sha256 in shown and f'href="/es/documentos/{document.pk}/"' in shown

    again = upload(editor_client, "copia.pdf", data)
    assert again.status_code == 200
    assert f"duplicado: copia.pdf ya está guardado como documento #{document.pk}" in again.content.decode()
    assert Document.objects.count() == 1


def test_upload_refuses_unknown_types_and_large_files(editor_client: Client, settings: Any) -> None:
    refused = upload(editor_client, "foto.pdf", b"\xff\xd8\xff\xe0\x00\x10JFIF")
    assert refused.status_code == 200 and "foto.pdf: tipo no admitido" in refused.content.decode()
    settings.DOCUMENT_MAX_BYTES = 10
    large = upload(editor_client, "big.txt", b"x" * 11)
    assert "big.txt: 11 bytes, más que el límite de 10 bytes" in large.content.decode()
    assert not Document.objects.exists()


def test_citation_of_a_page_checked_in_the_record_form(editor_client: Client) -> None:
    c = cited_resolution()
    url = f"/admin/records/authorization/{c.authorization.pk}/change/"
    data = form_data(editor_client.get(url))
    prefix = "evidence-citation-content_type-object_id-0"
    assert str(data[f"{prefix}-document"]) == str(c.document.pk) and str(data[f"{prefix}-page"]) == "2"
    data["revision_reason"] = "La cita apunta al artículo 1"
    data[f"{prefix}-page"] = "9"
    refused = editor_client.post(url, data)
    assert refused.status_code == 200
    assert "tiene 3 páginas; no existe la página 9" in refused.content.decode()
    data[f"{prefix}-page"] = "3"
    assert editor_client.post(url, data).status_code == 302
    assert Citation.objects.get(pk=c.citation.pk).page == 3
    revision = Revision.objects.filter(object_id=c.authorization.pk).first()
    assert revision is not None and revision.changes["citations"][1][0]["page"] == 3
