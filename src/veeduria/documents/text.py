"""Text of HTML and plain-text files: decoded, HTML without its scripts, styles or markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: elements whose content is never text of the document
_SKIPPED = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head"}
_BLOCKS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
    "header", "footer", "blockquote", "pre", "ul", "ol", "dt", "dd", "hr", "title",
}  # fmt: skip
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n\s*\n+")


def decode(data: bytes) -> str:
    """UTF-8 (with or without its byte-order mark), else Latin-1 (which decodes any bytes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def plain_pages(data: bytes) -> list[str]:
    """A plain-text file's pages: split on form feeds (one page when there is none)."""
    pages = decode(data).replace("\r\n", "\n").split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return pages


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping.append(tag)
        elif tag in _BLOCKS and not self.skipping:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS and not self.skipping:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            if tag in self.skipping:
                while self.skipping and self.skipping.pop() != tag:
                    pass
        elif tag in _BLOCKS and not self.skipping:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    """The readable text of an HTML file: no scripts, styles or tags; one blank line at most between blocks."""
    parser = _TextOfHtml()
    parser.feed(decode(data))
    parser.close()
    lines = (_BLANKS.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return _LINES.sub("\n\n", "\n".join(lines)).strip()
