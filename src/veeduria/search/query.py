"""The user's query, parsed by us into terms, phrases and prefixes: never passed raw to an engine.

Syntax: words (all must match, stemmed in Spanish and English, accents and case ignored), ``"a phrase"``
(consecutive words), ``word*`` (words starting with it). Anything else (operators, brackets, control
characters, unbalanced quotes) is only a separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from veeduria.search.text import WORD, fold, words

#: characters of the query read (the rest is ignored)
MAX_QUERY_CHARS = 500
#: clauses kept (the first ones)
MAX_CLAUSES = 12
#: a word longer than this is cut (no real word is)
MAX_WORD_CHARS = 40
#: a prefix shorter than this is read as a whole word ("a*" would be every word starting with "a")
MIN_PREFIX_CHARS = 2

_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"', "″": '"'})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PHRASE = re.compile(r'"([^"]*)"')

Kind = Literal["term", "phrase", "prefix"]


@dataclass(frozen=True)
class Clause:
    """One thing every result contains: a word, a phrase (several words in a row) or a word's beginning."""

    kind: Kind
    words: tuple[str, ...]

    def __str__(self) -> str:
        text = " ".join(self.words)
        return {"term": text, "phrase": f'"{text}"', "prefix": f"{text}*"}[self.kind]


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def __str__(self) -> str:
        return " ".join(str(c) for c in self.clauses)


def _word_clause(chunk: str) -> Clause | None:
    found = [w[:MAX_WORD_CHARS] for w in words(chunk)]
    if not found:
        return None  # an operator or punctuation alone
    if len(found) > 1:
        return Clause("phrase", tuple(found))  # rl-32214, U.S.: its words in a row
    if chunk.rstrip().endswith("*") and len(found[0]) >= MIN_PREFIX_CHARS:
        return Clause("prefix", (found[0],))
    return Clause("term", (found[0],))


def parse(raw: str) -> ParsedQuery:
    """The safe form of whatever the user typed (possibly empty)."""
    text = _CONTROL.sub(" ", (raw or "")[:MAX_QUERY_CHARS]).translate(_QUOTES)
    clauses: list[Clause] = []
    position = 0
    for match in _PHRASE.finditer(text):
        clauses += _chunks(text[position : match.start()])
        found = tuple(w[:MAX_WORD_CHARS] for w in words(match.group(1)))
        if len(found) == 1:
            clauses.append(Clause("term", found))
        elif found:
            clauses.append(Clause("phrase", found))
        position = match.end()
    clauses += _chunks(text[position:].replace('"', " "))  # an unbalanced quote is a separator
    unique = list(dict.fromkeys(clauses))
    return ParsedQuery(tuple(unique[:MAX_CLAUSES]))


def _chunks(text: str) -> list[Clause]:
    return [c for chunk in text.split() if (c := _word_clause(chunk)) is not None]


def is_word(text: str) -> bool:
    """Whether ``text`` is one folded word (what the engines receive)."""
    return bool(WORD.fullmatch(text)) and text == fold(text)
