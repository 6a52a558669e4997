"""Text normalisation shared by the engines and the highlighter: accents and case folded, Spanish and English
stems (Snowball, the algorithms tantivy and PostgreSQL use)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

#: a word: letters and digits (the tokenizer of both engines splits on anything else)
WORD = re.compile(r"[^\W_]+")
STEM_LANGUAGES = ("spanish", "english")


def fold(text: str) -> str:
    """``text`` in lower case without accents: "Lucía" → "lucia", "Ñandú" → "nandu"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return WORD.findall(fold(text))


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded word in ``language`` (``spanish`` or ``english``)."""
    return str(_stemmer(language).stemWord(word))


@lru_cache(maxsize=65536)
def stems(word: str) -> frozenset[str]:
    """The stems of a folded word in both languages."""
    return frozenset(stem(word, language) for language in STEM_LANGUAGES)


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """:func:`fold` of one word, remembered (snippets fold the same words again and again)."""
    return fold(word)
