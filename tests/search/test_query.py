"""The query parser: what the user typed becomes terms, phrases and prefixes, whatever it is."""

from __future__ import annotations

import pytest

from veeduria.search.query import MAX_CLAUSES, Clause, parse


def test_words_phrases_and_prefixes() -> None:
    q = parse('Santa  Lucía "fuerzas especiales" coopera* rl-32214')
    assert q.clauses == (
        Clause("term", ("santa",)),
        Clause("term", ("lucia",)),
        Clause("phrase", ("fuerzas", "especiales")),
        Clause("prefix", ("coopera",)),
        Clause("phrase", ("rl", "32214")),
    )
    assert str(q) == 'santa lucia "fuerzas especiales" coopera* "rl 32214"'


@pytest.mark.parametrize(
    "raw",
    [
        "",
        '"',
        '"unbalanced quote',
        "AND OR NOT - + : ( ) ^ ~ *",
        "- + : ( ) ^ ~ *",
        "x" * 10_000,
        "a\x00b\x01c\x7f",
        "\x00" * 50,
        "field:value^3 ~2 (a OR b)",
        "'; DROP TABLE search_indexedpassage; --",
        "*",
        "a*",
    ],
)
def test_hostile_input_gives_a_safe_query(raw: str) -> None:
    q = parse(raw)
    assert len(q.clauses) <= MAX_CLAUSES
    for clause in q.clauses:
        assert clause.words and all(w.isalnum() and w == w.lower() for w in clause.words)
        assert all(len(w) <= 40 for w in clause.words)


def test_operators_alone_are_nothing_and_words_stay_words() -> None:
    assert not parse("- + : ( ) ^ ~ *")
    assert parse("AND OR NOT").clauses == tuple(Clause("term", (w,)) for w in ("and", "or", "not"))
    assert parse('"unbalanced quote').clauses == (Clause("term", ("unbalanced",)), Clause("term", ("quote",)))
    assert parse("a\x00b").clauses == (Clause("term", ("a",)), Clause("term", ("b",)))
    assert parse("a*").clauses == (Clause("term", ("a",)),)  # a one-letter prefix is a word
