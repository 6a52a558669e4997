"""Minimal hand-written PDFs for the tests and the benchmark: text pages, blank pages, a scanned page."""

from __future__ import annotations

import io
import subprocess
import tempfile
import zlib
from pathlib import Path


def _escape(text: str) -> bytes:
    raw = text.encode("latin-1")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(lines: list[str]) -> bytes:
    if not lines:
        return b""
    ops = [b"BT /F1 11 Tf 14 TL 56 780 Td"]
    for line in lines:
        ops.append(b"(" + _escape(line) + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def build(objects: list[bytes], page_ids: list[int]) -> bytes:
    """A PDF of ``objects`` (object 1 the catalog, 2 the page tree, numbered from 1) with its xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d" % len(data) + extra + b" >>\nstream\n" + data + b"\nendstream"


def text_pdf(pages: list[list[str]]) -> bytes:
    """One page per list of lines (an empty list is a blank page without a text layer), Helvetica 11 pt."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects: list[bytes] = [b"", b"", font]
    page_ids = []
    for lines in pages:
        objects.append(_stream(_content(lines)))
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % content_id
        )
        page_ids.append(len(objects))
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_ids)
    return build(objects, page_ids)


def scanned_pdf(lines: list[str], dpi: int = 150) -> bytes:
    """One page that shows ``lines`` as a grey image only (no text layer), drawn by Debian's pdftoppm."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "text.pdf"
        source.write_bytes(text_pdf([lines]))
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", str(source), str(Path(tmp) / "page")], check=True
        )
        pgm = (Path(tmp) / "page.pgm").read_bytes()
    magic, width, height, maxval, pixels = pgm.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255", "pdftoppm -gray writes 8-bit PGM"
    w, h = int(width), int(height)
    image = _stream(
        zlib.compress(pixels[: w * h]),
        b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Filter /FlateDecode" % (w, h),
    )
    draw = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        image,
        _stream(draw),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 3 0 R >> >> "
        b"/Contents 4 0 R >>",
    ]
    return build(objects, [5])


def encrypted_pdf(lines: list[str]) -> bytes:
    """A text page encrypted by pypdf with a user password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf([lines]))))
    writer.encrypt(user_password="secreto", owner_password="dueño", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
