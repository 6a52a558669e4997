"""A dataset's citations may point to a page of a stored document, by its SHA-256 or its id."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.documents.pdfs import text_pdf
from veeduria.documents import adding, extraction
from veeduria.documents.models import Document
from veeduria.evidence.models import Citation
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.validate import DatasetInvalid

pytestmark = pytest.mark.django_db
QUOTE = '{source: src-official, quote: "autoriza el ingreso"}'


def stored_resolution() -> Document:
    document = adding.add_bytes(text_pdf([["uno"], ["dos"], ["tres"]]), "rl-100.pdf").document
    return extraction.extract(document)


def cite_in(folder: Path, extra: str) -> None:
    path = folder / "authorizations.yaml"
    text = path.read_text()
    assert QUOTE in text
    path.write_text(text.replace(QUOTE, QUOTE[:-1] + ", " + extra + "}"))


def test_citation_of_a_page_by_sha256_and_by_id(mini_dataset: Path) -> None:
    document = stored_resolution()
    cite_in(mini_dataset, f"document: {document.sha256}, page: 2")
    load_folder(mini_dataset)
    citation = Citation.objects.get(object_id="rl-100", quote="autoriza el ingreso")
    assert (citation.document_id, citation.page) == (document.pk, 2)

    load_folder(mini_dataset)  # unchanged: the citation is not rewritten
    assert Citation.objects.get(object_id="rl-100", quote="autoriza el ingreso").pk == citation.pk

    path = mini_dataset / "authorizations.yaml"
    path.write_text(
        path.read_text().replace(f"document: {document.sha256}, page: 2", f"document: {document.pk}, page: 3")
    )
    load_folder(mini_dataset)
    assert Citation.objects.get(object_id="rl-100", quote="autoriza el ingreso").page == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("document: " + "f" * 64, "field 'document': no document '" + "f" * 64 + "' (give its SHA-256 or its id)"),
        ("page: 2", "field 'page': a page needs a document"),
        ("DOC, page: 4", "field 'page': document #1 has 3 pages; there is no page 4"),
        ("DOC, page: dos", "field 'page': a whole page number is expected"),
    ],
)
def test_bad_document_or_page_names_the_citation(mini_dataset: Path, extra: str, message: str) -> None:
    document = stored_resolution()
    cite_in(mini_dataset, extra.replace("DOC", f"document: {document.sha256}").replace("#1", f"#{document.pk}"))
    with pytest.raises(DatasetInvalid) as info:
        load_folder(mini_dataset)
    errors = "\n".join(info.value.errors)
    assert "authorizations.yaml" in errors and "citations[1]" in errors
    assert message.replace("#1", f"#{document.pk}") in errors
    assert not Citation.objects.exists()
