"""Snippets: the part of a passage where the query matches, escaped first, then the matches marked."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from veeduria.search.query import ParsedQuery
from veeduria.search.text import WORD, fold_word, stems

#: words shown around the best match
WINDOW = 36


class Matcher:
    """Tells whether a word of a passage matches one of the query's words (stem, exact or prefix)."""

    def __init__(self, query: ParsedQuery) -> None:
        self.exact: set[str] = set()
        self.stems: set[str] = set()
        self.prefixes: list[str] = []
        for clause in query.clauses:
            if clause.kind == "prefix":
                self.prefixes.append(clause.words[0])
                continue
            self.exact.update(clause.words)
            if clause.kind == "term":  # a phrase is its exact words
                self.stems |= stems(clause.words[0])

    def __call__(self, word: str) -> bool:
        folded = fold_word(word)
        if folded in self.exact or any(folded.startswith(p) for p in self.prefixes):
            return True
        return bool(stems(folded) & self.stems)


def snippet(text: str, query: ParsedQuery, *, window: int = WINDOW) -> SafeString:
    """About ``window`` words of ``text`` around the densest match, as safe HTML with ``<mark>`` around matches."""
    matcher = Matcher(query)
    tokens = list(WORD.finditer(text))
    if not tokens:
        return mark_safe(escape(text[:300]))
    hits = [i for i, t in enumerate(tokens) if matcher(t.group())]
    start = 0
    if hits:
        best = max(hits, key=lambda i: sum(1 for j in hits if i <= j < i + window // 2))
        start = max(0, best - window // 4)
    end = min(len(tokens), start + window)
    begin_char = tokens[start].start() if start else 0
    end_char = tokens[end - 1].end() if end < len(tokens) else len(text)
    marked = set(hits)
    parts: list[str] = ["… " if start else ""]
    cursor = begin_char
    for i in range(start, end):
        token = tokens[i]
        parts.append(escape(text[cursor : token.start()]))
        word = escape(token.group())
        parts.append(f"<mark>{word}</mark>" if i in marked else word)
        cursor = token.end()
    parts.append(escape(text[cursor:end_char]))
    if end < len(tokens):
        parts.append(" …")
    return mark_safe(" ".join("".join(parts).split()))
