"""Text of each page of a stored file, without Django: run in a child process by :mod:`.extraction`.

The events, in order: ``{"page_count": n}``, then one ``{"number", "text", "method"}`` per page, then
``{"status", "error"}``. A file that cannot be read ends with status ``encrypted``, ``corrupt`` or ``failed``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veeduria.documents.text import html_text, plain_pages

#: the languages tesseract reads (Spanish and English)
OCR_LANGUAGES = "spa+eng"
#: the longest side, in pixels, of a page drawn for OCR (A4 at 300 dpi): a huge page is scaled down to it
OCR_PIXELS = 3508


@dataclass(frozen=True)
class Limits:
    max_pages: int
    tesseract: str
    pdftoppm: str
    ocr_timeout: float = 120.0
    #: the most memory (address space) the child process and its OCR tools may take, 0 = no limit
    memory_mb: int = 0


def page_event(number: int, text: str, method: str) -> dict[str, Any]:
    """One page's event; its text without NUL characters or unpaired surrogates, which no database stores."""
    clean = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return {"number": number, "text": clean, "method": method}


def ocr_tools(limits: Limits) -> tuple[str, str] | None:
    """The full paths of tesseract and pdftoppm, or ``None`` when either is not installed."""
    tesseract, pdftoppm = shutil.which(limits.tesseract), shutil.which(limits.pdftoppm)
    return (tesseract, pdftoppm) if tesseract and pdftoppm else None


def ocr_page(path: Path, number: int, tools: tuple[str, str], timeout: float) -> str | None:
    """The text tesseract reads on page ``number`` drawn in grey by pdftoppm (``None`` if either failed)."""
    tesseract, pdftoppm = tools
    with tempfile.TemporaryDirectory(prefix="veeduria-ocr-") as tmp:
        prefix = Path(tmp) / "page"
        page = ["-f", str(number), "-l", str(number)]
        drawn = subprocess.run(
            [pdftoppm, *page, "-scale-to", str(OCR_PIXELS), "-gray", "-png", "-singlefile", str(path), str(prefix)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        image = prefix.with_suffix(".png")
        if drawn.returncode != 0 or not image.exists():
            return None
        read = subprocess.run(
            [tesseract, str(image), "stdout", "-l", OCR_LANGUAGES], capture_output=True, timeout=timeout, check=False
        )
        if read.returncode != 0:
            return None
        return read.stdout.decode("utf-8", "replace").strip()


def _draws_nothing(page: Any) -> bool:
    """Whether a PDF page has no content stream, or an empty one."""
    contents = page.get_contents()
    return contents is None or not contents.get_data().strip()


def pdf_pages(path: Path, limits: Limits) -> Iterator[dict[str, Any]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            yield {"status": "encrypted", "error": ""}
            return
        total = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        yield {"status": "corrupt", "error": f"{type(exc).__name__}: {exc}"}
        return
    yield {"page_count": total}
    tools = ocr_tools(limits)
    for index in range(min(total, limits.max_pages)):
        number = index + 1
        try:
            page = reader.pages[index]
            text = (page.extract_text() or "").strip()
            blank = not text and _draws_nothing(page)
        except MemoryError:
            yield {"status": "failed", "error": f"page {number}: memory limit reached"}
            return
        except Exception as exc:  # pypdf raises many types on a damaged page
            yield {"status": "corrupt", "error": f"page {number}: {type(exc).__name__}: {exc}"}
            return
        if text or blank:  # a page that draws nothing has nothing to read either
            yield page_event(number, text, "text_layer")
            continue
        read = ocr_page(path, number, tools, limits.ocr_timeout) if tools else None
        if read is None:
            yield page_event(number, "", "none")
        else:
            yield page_event(number, read, "ocr")
    if total > limits.max_pages:
        yield {"status": "page_limit", "error": ""}
    else:
        yield {"status": "extracted", "error": ""}


def file_pages(path: Path, kind: str, limits: Limits) -> Iterator[dict[str, Any]]:
    """The events of one file of kind ``pdf``, ``html`` or ``text``."""
    if kind == "pdf":
        yield from pdf_pages(path, limits)
        return
    data = path.read_bytes()
    texts = [html_text(data)] if kind == "html" else plain_pages(data)
    yield {"page_count": len(texts)}
    for number, text in enumerate(texts[: limits.max_pages], start=1):
        yield page_event(number, text, "text_layer")
    if len(texts) > limits.max_pages:
        yield {"status": "page_limit", "error": ""}
    else:
        yield {"status": "extracted", "error": ""}
