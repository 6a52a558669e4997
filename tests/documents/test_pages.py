"""The document pages of the portal, the download, the citation link and the page check of citations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from tests.documents.fixtures import cited_resolution
from tests.portal.conftest import cite
from veeduria.documents import adding, extraction

pytestmark = pytest.mark.django_db


def test_document_page_in_both_languages(client: Client) -> None:
    c = cited_resolution()
    es = client.get(f"/es/documentos/{c.document.pk}/")
    assert es.status_code == 200
    html = es.content.decode()
    assert "Resolución Legislativa 32214" in html and c.document.sha256 in html
    assert 'id="p2"' in html and "Autorízase el ingreso de 100 efectivos" in html
    assert "Texto extraído; 3 de 3 páginas" in html
    assert f'href="/es/autorizaciones/{c.authorization.pk}/"' in html and 'href="#p2">2</a>' in html
    assert f'href="/es/fuentes/{c.source.pk}/"' in html
    en = client.get(f"/en/documents/{c.document.pk}/").content.decode()
    assert "Records that cite this document" in en and "Text extracted; 3 of 3 pages" in en
    assert client.get("/es/documentos/999/").status_code == 404


def test_record_and_source_pages_link_to_the_document(client: Client) -> None:
    c = cited_resolution()
    record = client.get(f"/es/autorizaciones/{c.authorization.pk}/").content.decode()
    assert f'href="/es/documentos/{c.document.pk}/#p2"' in record
    source = client.get(f"/en/sources/{c.source.pk}/").content.decode()
    assert f'href="/en/documents/{c.document.pk}/"' in source
    assert f'href="/en/documents/{c.document.pk}/original/"' in source
    listing = client.get("/es/documentos/").content.decode()
    assert "Resolución Legislativa 32214" in listing and "3/3" in listing


def test_download_is_the_original_bytes_never_rendered(client: Client) -> None:
    c = cited_resolution()
    pdf = client.get(f"/es/documentos/{c.document.pk}/original/")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == extraction.file_path(c.document).read_bytes()  # type: ignore[attr-defined]
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;") and "rl-32214.pdf" in pdf["Content-Disposition"]
    assert pdf["X-Content-Type-Options"] == "nosniff"

    hostile = b"<html><body><script>document.title='pwned'</script><p>Oficio</p></body></html>"
    doc = adding.add_bytes(hostile, "oficio.html").document
    extraction.extract(doc)
    response = client.get(f"/en/documents/{doc.pk}/original/")
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == hostile  # type: ignore[attr-defined]
    page = client.get(f"/en/documents/{doc.pk}/").content.decode()
    assert "<script>document.title" not in page and "Oficio" in page


def test_citation_page_must_exist() -> None:
    c = cited_resolution()
    c.citation.full_clean()
    c.citation.page = 4
    with pytest.raises(ValidationError, match="has 3 pages; there is no page 4"):
        c.citation.full_clean()
    orphan = cite(c.authorization, c.source)
    orphan.page = 1
    with pytest.raises(ValidationError, match="a page needs a document"):
        orphan.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        orphan.save()


def test_export_and_api_carry_the_cited_page(client: Client) -> None:
    from veeduria.records.export import record_dict

    c = cited_resolution()
    (exported,) = record_dict("authorizations", c.authorization)["citations"]
    assert (exported["document"], exported["page"]) == (c.document.pk, 2)
    api = client.get(f"/api/v1/records/authorizations/{c.authorization.pk}").json()
    assert [(x.get("document"), x.get("page")) for x in api["citations"]] == [(c.document.pk, 2)]
