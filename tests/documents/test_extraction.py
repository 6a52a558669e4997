"""Adding files and extracting their text: real files, the real worker process, real pypdf and tesseract."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.documents.pdfs import encrypted_pdf, scanned_pdf, text_pdf
from veeduria.documents import adding, extraction, storage
from veeduria.documents.child import Worker
from veeduria.documents.models import Document, DocumentPage, ExtractionStatus, PageMethod
from veeduria.documents.pages import page_event
from veeduria.documents.status import status_text

pytestmark = pytest.mark.django_db

RESOLUTION = [["Resolución Legislativa N.º 31234", "Autoriza el ingreso de personal militar"], ["Anexo: unidades"]]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def add_one(tmp_path: Path, name: str, data: bytes) -> Document:
    (added,) = adding.add_files([write(tmp_path, name, data)])
    return extraction.extract(added.document)


def texts(document: Document) -> list[tuple[int, str, str]]:
    return list(document.pages.values_list("number", "text", "method"))


def test_pdf_text_per_page_and_file_stored_once(tmp_path: Path) -> None:
    data = text_pdf(RESOLUTION)
    document = add_one(tmp_path, "rl-31234.pdf", data)
    assert document.status == ExtractionStatus.EXTRACTED
    assert document.kind == "pdf" and document.size == len(data) and document.page_count == 2
    pages = texts(document)
    assert [p[0] for p in pages] == [1, 2]
    assert "Resolución Legislativa N.º 31234" in pages[0][1] and pages[1][1] == "Anexo: unidades"
    assert {p[2] for p in pages} == {PageMethod.TEXT_LAYER}
    stored = extraction.file_path(document)
    assert stored.read_bytes() == data
    assert stored == Path(storage.root()) / document.sha256[:2] / f"{document.sha256}.pdf"
    assert not [p for p in stored.parent.iterdir() if p.name.startswith(".incoming-")]

    (again,) = adding.add_files([write(tmp_path, "otro-nombre.bin", data)])
    assert again.duplicate and again.document.pk == document.pk
    assert Document.objects.count() == 1
    assert f"#{document.pk}" in adding.describe_added(again) and "duplicate" in adding.describe_added(again)


def test_type_from_content_not_name(tmp_path: Path) -> None:
    html = b"<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head><body><p>Oficio 12</p>"
    html += b"<script>alert('x')</script><p>Respuesta del Ministerio</p></body></html>"
    doc = add_one(tmp_path, "respuesta.pdf", html)
    assert doc.kind == "html"
    ((_number, text, _method),) = texts(doc)
    assert text == "Oficio 12\n\nRespuesta del Ministerio"
    assert "alert" not in text and "color" not in text

    pdf = add_one(tmp_path, "resolucion.txt", text_pdf([["uno"]]))
    assert pdf.kind == "pdf"


def test_plain_text_utf8_latin1_and_form_feeds(tmp_path: Path) -> None:
    utf8 = add_one(tmp_path, "a.txt", "Página uno\fPágina dos\f".encode())
    assert [t for _n, t, _m in texts(utf8)] == ["Página uno", "Página dos"]
    latin = add_one(tmp_path, "b.txt", "Ñandú en la región".encode("latin-1"))
    assert texts(latin)[0][1] == "Ñandú en la región"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.pdf", b"", "empty"),
        ("image.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not supported"),
        ("nulls.txt", b"abc\x00def", "not supported"),
    ],
)
def test_refused_files_write_nothing(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    good = write(tmp_path, "good.txt", b"texto")
    with pytest.raises(adding.DocumentRefused) as info:
        adding.add_files([good, write(tmp_path, name, data)])
    assert name in str(info.value) and reason in str(info.value)
    assert not Document.objects.exists()
    assert not storage.root().exists()


def test_size_limit_and_unknown_source(tmp_path: Path, settings: Any) -> None:
    settings.DOCUMENT_MAX_BYTES = 100
    big = write(tmp_path, "big.txt", b"x" * 101)
    with pytest.raises(adding.DocumentRefused, match=r"big.txt: 101 bytes, more than the limit of 100 bytes"):
        adding.add_files([big])
    with pytest.raises(adding.DocumentRefused, match="no source 'nope'"):
        adding.add_files([write(tmp_path, "ok.txt", b"ok")], source_id="nope")
    assert not Document.objects.exists()


def test_encrypted_and_corrupt_pdfs_do_not_stop_the_others(tmp_path: Path) -> None:
    good = text_pdf(RESOLUTION)
    paths = [
        write(tmp_path, "secret.pdf", encrypted_pdf(["clasificado"])),
        write(tmp_path, "cut.pdf", good[: len(good) // 3]),
        write(tmp_path, "garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20),
        write(tmp_path, "good.pdf", good),
    ]
    added = adding.add_files(paths)
    done = extraction.extract_all([a.document for a in added])
    statuses = [d.status for d in done]
    assert statuses[0] == ExtractionStatus.ENCRYPTED
    assert statuses[1] in (ExtractionStatus.CORRUPT, ExtractionStatus.EXTRACTED)
    assert statuses[2] == ExtractionStatus.CORRUPT
    assert statuses[3] == ExtractionStatus.EXTRACTED and done[3].pages.count() == 2
    assert "encrypted" in status_text(done[0]).lower()
    assert "corrupt" in status_text(done[2]).lower() or "damaged" in status_text(done[2]).lower()


def test_page_limit_says_how_many(tmp_path: Path, settings: Any) -> None:
    settings.DOCUMENT_MAX_PAGES = 40
    settings.TESSERACT_COMMAND = str(tmp_path / "no-tesseract")
    document = add_one(tmp_path, "blank.pdf", text_pdf([[] for _ in range(3000)]))
    assert document.status == ExtractionStatus.PAGE_LIMIT
    assert document.page_count == 3000 and document.pages.count() == 40
    assert "40 of 3000 pages" in status_text(document)


def test_time_limit_keeps_the_pages_done_and_the_next_document_goes_on(tmp_path: Path, settings: Any) -> None:
    settings.DOCUMENT_TIME_LIMIT = 2.5  # pypdf reads about 400 of these pages per second: 3,000 take 7 s or more
    settings.DOCUMENT_MAX_PAGES = 100_000
    long = text_pdf([[f"página {n}"] * 40 for n in range(3000)])
    added = adding.add_files([write(tmp_path, "long.pdf", long), write(tmp_path, "short.txt", b"sigue funcionando")])
    document, short = extraction.extract_all([a.document for a in added])  # one child process, killed after the first
    assert document.status == ExtractionStatus.TIME_LIMIT
    assert document.page_count == 3000 and 0 < document.pages.count() < 3000
    assert list(document.pages.values_list("number", flat=True)) == list(range(1, document.pages.count() + 1))
    assert "time limit" in status_text(document)
    assert short.status == ExtractionStatus.EXTRACTED and texts(short) == [(1, "sigue funcionando", "text_layer")]


def test_no_text_layer_without_ocr(tmp_path: Path, settings: Any) -> None:
    settings.TESSERACT_COMMAND = str(tmp_path / "missing" / "tesseract")
    document = add_one(tmp_path, "scan.pdf", scanned_pdf(["RESOLUCION LEGISLATIVA 31234"]))
    assert texts(document) == [(1, "", PageMethod.NONE)]
    assert document.status == ExtractionStatus.EXTRACTED
    assert "1 page without a text layer, OCR not available" in status_text(document)


def test_a_blank_page_is_not_sent_to_ocr(tmp_path: Path) -> None:
    document = add_one(tmp_path, "blank.pdf", text_pdf([["con texto"], []]))
    assert texts(document) == [(1, "con texto", PageMethod.TEXT_LAYER), (2, "", PageMethod.TEXT_LAYER)]
    assert "OCR" not in status_text(document)


@pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract-ocr is installed by make system-deps")
def test_ocr_reads_a_scanned_page(tmp_path: Path) -> None:
    document = add_one(tmp_path, "scan.pdf", scanned_pdf(["RESOLUCION LEGISLATIVA 31234", "Ingreso de tropas"]))
    ((_number, text, method),) = texts(document)
    assert method == PageMethod.OCR
    assert "1 page read by OCR" in status_text(document)
    assert "LEGISLATIVA" in text and "31234" in text


def test_retry_failed(tmp_path: Path) -> None:
    document = add_one(tmp_path, "x.txt", b"hola")
    document.status = ExtractionStatus.FAILED
    document.save()
    assert extraction.to_extract() == []
    assert extraction.to_extract(retry_failed=True) == [document]
    with pytest.raises(adding.DocumentRefused, match="no document 999"):
        extraction.to_extract([999])


def test_memory_limit_fails_the_document_not_the_run(tmp_path: Path, settings: Any) -> None:
    settings.DOCUMENT_MEMORY_MB = 40  # enough for Python and pypdf, not for reading 3,000 pages
    settings.DOCUMENT_MAX_PAGES = 5
    settings.DOCUMENT_TIME_LIMIT = 20  # a child starved of memory may also hang: the time limit ends it
    document = add_one(tmp_path, "heavy.pdf", text_pdf([[f"página {n}"] * 40 for n in range(3000)]))
    assert document.status in (ExtractionStatus.FAILED, ExtractionStatus.TIME_LIMIT), document.error
    assert document.pages.count() == 0
    assert add_one(tmp_path, "next.txt", b"la siguiente se extrae").status == ExtractionStatus.EXTRACTED
    settings.DOCUMENT_MEMORY_MB = 0  # no limit
    assert extraction.extract(document).status == ExtractionStatus.PAGE_LIMIT


def test_failure_recorded_and_retried(tmp_path: Path) -> None:
    (added,) = adding.add_files([write(tmp_path, "r.pdf", text_pdf(RESOLUTION))])
    stored = extraction.file_path(added.document)
    original = stored.read_bytes()
    stored.chmod(0o644)
    stored.unlink()
    document = extraction.extract(added.document)
    assert document.status == ExtractionStatus.FAILED and "stored file missing" in document.error
    assert extraction.to_extract(retry_failed=True) == [document]
    stored.write_bytes(original)
    (again,) = extraction.extract_all(extraction.to_extract(retry_failed=True))
    assert again.status == ExtractionStatus.EXTRACTED and again.error == "" and again.pages.count() == 2


def test_one_child_process_per_batch_replaced_after_a_time_limit(tmp_path: Path) -> None:
    short = write(tmp_path, "a.txt", b"uno")
    long = write(tmp_path, "long.pdf", text_pdf([[f"página {n}"] * 40 for n in range(3000)]))
    with Worker() as worker:
        assert worker.run(short, "text", extraction.limits(), 60)[-1] == {"status": "extracted", "error": ""}
        first = worker.pid
        assert first is not None
        assert worker.run(short, "text", extraction.limits(), 60)[-1]["status"] == "extracted"
        assert worker.pid == first
        assert worker.run(long, "pdf", extraction.limits(), 1.0)[-1]["status"] == "time_limit"
        assert worker.pid is None  # killed
        assert worker.run(short, "text", extraction.limits(), 60)[-1]["status"] == "extracted"
        assert worker.pid not in (None, first)


def test_page_text_is_storable(tmp_path: Path) -> None:
    event = page_event(7, "Oficio\x00 N.\ud800 12", "text_layer")
    assert event == {"number": 7, "text": "Oficio N.? 12", "method": "text_layer"}
    document = add_one(tmp_path, "a.txt", b"x")
    DocumentPage.objects.create(document=document, number=2, text=event["text"], method=event["method"])
    assert document.pages.get(number=2).text == "Oficio N.? 12"
