"""The type of a file from its first bytes (never from its name)."""

from __future__ import annotations

import re

from veeduria.documents.models import Kind

#: how many leading bytes the sniffing reads
SNIFF_BYTES = 8192
_HTML_START = re.compile(
    rb"<(!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|meta|!--)[\s>/]",
    re.IGNORECASE,
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def detect_kind(head: bytes) -> Kind | None:
    """PDF (``%PDF-`` in the first KiB), HTML (a tag first, as browsers sniff), plain text (no control bytes
    but tab, newline, carriage return and form feed), or ``None`` for anything else."""
    if b"%PDF-" in head[:1024]:
        return Kind.PDF
    body = head
    for bom in _BOMS:
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    if _HTML_START.match(body.lstrip(b" \t\r\n\x0c")):
        return Kind.HTML
    if looks_like_text(head):
        return Kind.TEXT
    return None


def looks_like_text(head: bytes) -> bool:
    """No NUL or other C0 control bytes (a cut-off multi-byte character at the end is allowed)."""
    allowed = {9, 10, 12, 13, 27}
    return all(b >= 32 or b in allowed for b in head)
