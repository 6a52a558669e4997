"""Text preparation for claim matching: cleaning a post, accent folding, tokens, stop words and stems (Spanish or
English, whichever the text's stop words say it is)."""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+")
_HASHTAG = re.compile(r"#(\w+)")
#: Where a hashtag's words meet: a lower-case letter before a capital, a letter before a digit.
_WORD_JOIN = re.compile(r"(?<=[a-zß-ÿ])(?=[A-ZÀ-Þ])|(?<=[^\W\d_])(?=\d)")
_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_ES = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|se?tiembre|octubre|noviembre|diciembre"
#: The date that closes a quoted post (``— Name (@handle) January 28, 2021`` or ``… 28 de enero de 2021``).
_CLOSING_DATE = re.compile(
    rf"\s*(?:(?:{_MONTHS_EN}) \d{{1,2}}, \d{{4}}|\d{{1,2}} de (?:{_MONTHS_ES}) de \d{{4}})\W*$", re.IGNORECASE
)

STOP_WORDS = {
    "en": frozenset(
        [
            "a",
            "an",
            "and",
            "are",
            "as",
            "at",
            "be",
            "been",
            "but",
            "by",
            "did",
            "do",
            "does",
            "for",
            "from",
            "had",
            "has",
            "have",
            "he",
            "her",
            "his",
            "i",
            "if",
            "in",
            "into",
            "is",
            "it",
            "its",
            "me",
            "my",
            "no",
            "not",
            "of",
            "on",
            "or",
            "our",
            "she",
            "so",
            "than",
            "that",
            "the",
            "their",
            "them",
            "there",
            "these",
            "they",
            "this",
            "those",
            "to",
            "was",
            "we",
            "were",
            "what",
            "when",
            "which",
            "who",
            "will",
            "with",
            "would",
            "you",
            "your",
        ]
    ),
    "es": frozenset(
        [
            "a",
            "al",
            "algo",
            "como",
            "con",
            "de",
            "del",
            "el",
            "ella",
            "ellos",
            "en",
            "era",
            "es",
            "esa",
            "ese",
            "eso",
            "esta",
            "este",
            "esto",
            "fue",
            "ha",
            "han",
            "hay",
            "la",
            "las",
            "le",
            "les",
            "lo",
            "los",
            "mas",
            "me",
            "mi",
            "muy",
            "ni",
            "no",
            "nos",
            "o",
            "para",
            "pero",
            "por",
            "que",
            "se",
            "sin",
            "sobre",
            "su",
            "sus",
            "tambien",
            "te",
            "tu",
            "un",
            "una",
            "uno",
            "unos",
            "unas",
            "y",
            "ya",
            "yo",
        ]
    ),
}
_STEMMER_NAMES = {"en": "english", "es": "spanish"}


def clean_post(text: str) -> str:
    """A post without its links (``pic.twitter.com/…``, ``https://…``) and extra spaces, its hashtags read as
    words (``#BaseNavalCallao`` → ``Base Naval Callao``)."""
    text = _HASHTAG.sub(lambda found: _WORD_JOIN.sub(" ", found.group(1)), _URL.sub(" ", text))
    return " ".join(text.split())


def embedded_post(text: str) -> str:
    """What the embedder reads of a post: the cleaned post without the date that closes it (a quoted post's
    date is not part of its claim; the lexical side keeps it)."""
    return _CLOSING_DATE.sub("", clean_post(text))


def passage_text(text: str, title: str = "") -> str:
    """What the embedder reads of a checked claim: ``title. claim`` when there is a title."""
    title = title.strip().rstrip(".")
    return f"{title}. {text}" if title else text


def fold(text: str) -> str:
    """Lower case without accents (``EE.UU. compró`` → ``ee.uu. compro``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def guess_language(words: list[str]) -> str:
    """``es`` or ``en`` from the stop words the folded words contain (English on a tie)."""
    spanish = sum(1 for w in words if w in STOP_WORDS["es"] and w not in STOP_WORDS["en"])
    english = sum(1 for w in words if w in STOP_WORDS["en"] and w not in STOP_WORDS["es"])
    return "es" if spanish > english else "en"


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[language])


def terms(text: str, language: str | None = None) -> list[str]:
    """The index terms of a text: folded, stop words dropped, stemmed in its language (guessed when not given)."""
    words = _TOKEN.findall(fold(clean_post(text)))
    language = language if language in STOP_WORDS else guess_language(words)
    assert language is not None
    stop = STOP_WORDS[language]
    return list(_stemmer(language).stemWords([w for w in words if w not in stop]))
