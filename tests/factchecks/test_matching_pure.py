"""Claim matching without the database: measures, file loaders, text preparation, BM25, fusion, and the real
multilingual embedder across Spanish and English."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from veeduria.factchecks.embedding import DIMENSIONS, QUERY_TOKENS, Embedder, from_bytes, to_bytes
from veeduria.factchecks.matching import ClaimIndex
from veeduria.factchecks.matching_data import EvaluationDataError, load_collection, load_qrels, load_queries
from veeduria.factchecks.matching_metrics import average_precision, evaluate, precision, reciprocal_rank
from veeduria.factchecks.matching_text import clean_post, embedded_post, fold, guess_language, passage_text, terms

CLAIMS = {
    "callao-en": ("the US bought the Callao naval base", "en"),
    "troops-en": ("Congress authorized US troops to enter Peru for joint training", "en"),
    "vaccine-es": ("Las vacunas contra la gripe contienen microchips de rastreo", "es"),
    "ship-en": ("A US Navy hospital ship treated patients in Lima", "en"),
    "lithium-es": ("China financia una mina de litio en la Amazonía", "es"),
    "callao-es": ("Estados Unidos compró la base naval del Callao", "es"),
}


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(threads=1)


def _index(ids: list[str], embedder: Embedder | None = None) -> ClaimIndex:
    texts = [CLAIMS[i][0] for i in ids]
    vectors = embedder.passages([passage_text(t) for t in texts]) if embedder else None
    return ClaimIndex(ids, [{"text": t} for t in texts], [CLAIMS[i][1] for i in ids], vectors)


def test_average_precision_as_the_checkthat_scorer() -> None:
    assert average_precision({"a"}, ["a", "b"], 1) == 1.0
    assert average_precision({"a"}, ["b", "a"], 1) == 0.0
    assert average_precision({"a"}, ["b", "a"], 3) == 0.5
    # two relevant: (1/1 + 2/3) / 2
    assert average_precision({"a", "c"}, ["a", "b", "c"], 5) == pytest.approx((1 + 2 / 3) / 2)
    # the second relevant claim below the cutoff still counts in the denominator
    assert average_precision({"a", "c"}, ["a", "b", "c"], 1) == 0.5
    assert reciprocal_rank({"c"}, ["a", "b", "c"]) == pytest.approx(1 / 3)
    assert reciprocal_rank({"z"}, ["a"]) == 0.0
    assert precision({"a"}, ["a", "b"], 1) == 1.0
    scores = evaluate({"q1": {"a"}, "q2": {"b"}}, {"q1": ["a"], "q2": ["x", "b"]})
    assert scores == {"MAP@1": 0.5, "MAP@3": 0.75, "MAP@5": 0.75, "P@1": 0.5, "MRR": 0.75}
    assert evaluate({"q1": {"a"}}, {})["MAP@5"] == 0.0


def test_loaders_read_the_checkthat_formats(tmp_path: Path) -> None:
    collection = tmp_path / "c.jsonl"
    collection.write_text(
        '{"vclaim_id": "v1", "vclaim": "Claim one.", "title": "T", "subtitle": "S", "date": "1 May 2020"}\n\n'
        '{"vclaim_id": "v2", "vclaim": "Claim two."}\n',
        encoding="utf-8",
    )
    claims = load_collection(collection)
    assert [(c.id, c.title, c.subtitle) for c in claims] == [("v1", "T", "S"), ("v2", "", "")]
    queries = tmp_path / "q.tsv"
    queries.write_text('q1\t"He said ""no"" — X (@x) May 1, 2020"\nq2\tplain text\n', encoding="utf-8")
    assert load_queries(queries) == {"q1": 'He said "no" — X (@x) May 1, 2020', "q2": "plain text"}
    qrels = tmp_path / "r.tsv"
    qrels.write_text("q1\t0\tv1\t1\nq1\t0\tv2\t0\nq2\t0\tv2\t1\n", encoding="utf-8")
    assert load_qrels(qrels) == {"q1": {"v1"}, "q2": {"v2"}}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "c.jsonl",
            '{"vclaim_id": "v1", "vclaim": "x"}\n{"vclaim_id": "v2"}\n',
            "c.jsonl, line 2: 'vclaim' is missing",
        ),
        ("c.jsonl", '{"vclaim_id": "v1", "vclaim": "x"}\nnot json\n', "c.jsonl, line 2: not JSON"),
        ("c.jsonl", '{"vclaim_id": "v1", "vclaim": "x"}\n{"vclaim_id": "v1", "vclaim": "y"}\n', "appears twice"),
        ("c.jsonl", "\n", "the collection is empty"),
    ],
)
def test_collection_errors_name_the_file_and_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationDataError, match=message):
        load_collection(path)


def test_query_and_qrels_errors_name_the_line(tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tfine\nq2 without a tab\n", encoding="utf-8")
    with pytest.raises(EvaluationDataError, match=r"q.tsv, line 2: expected an id, a tab and a text"):
        load_queries(queries)
    qrels = tmp_path / "r.tsv"
    qrels.write_text("q1\t0\tv1\t1\nq1 0 v1 1\n", encoding="utf-8")
    with pytest.raises(EvaluationDataError, match=r"r.tsv, line 2: expected query id"):
        load_qrels(qrels)
    with pytest.raises(EvaluationDataError, match="no such file"):
        load_qrels(tmp_path / "absent.tsv")
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("q1\tcompró".encode("latin-1"))
    with pytest.raises(EvaluationDataError, match="not UTF-8"):
        load_queries(latin)


def test_text_preparation() -> None:
    assert fold("EE.UU. compró la BASE") == "ee.uu. compro la base"
    assert clean_post("Look pic.twitter.com/AbC https://t.co/x now") == "Look now"
    # a hashtag's words are read as words, in either language
    assert clean_post("#AustralianFires 2020 #BaseNavalCallao #Perú2023 #EEUU") == (
        "Australian Fires 2020 Base Naval Callao Perú 2023 EEUU"
    )
    assert terms("#BasesNavales") == terms("bases navales")
    # the embedder does not read the date that closes a quoted post, in English or Spanish; other dates stay
    assert embedded_post("US base in Callao — Name (@name) January 28, 2021") == "US base in Callao — Name (@name)"
    assert embedded_post("Base en el Callao pic.twitter.com/x — Nombre (@n) 3 de setiembre de 2020.") == (
        "Base en el Callao — Nombre (@n)"
    )
    assert embedded_post("Troops arrived on May 5, 2021 in Lima") == "Troops arrived on May 5, 2021 in Lima"
    assert embedded_post("They counted 5, 2021 of them") == "They counted 5, 2021 of them"
    assert guess_language(["la", "base", "naval", "del", "callao"]) == "es"
    assert guess_language(["the", "base", "of", "the", "navy"]) == "en"
    # Spanish stems fold plural and accents; English stop words are dropped
    assert terms("Las bases navales") == terms("la base naval")
    assert terms("The bases of the navy") == ["base", "navi"]
    assert passage_text("Claim.", "A title.") == "A title. Claim."


def test_bm25_ranks_shared_rare_words_first() -> None:
    index = _index(list(CLAIMS))
    found = index.search("las vacunas tienen microchips", method="lexical", limit=3)
    assert found[0].claim_id == "vaccine-es"
    assert found[0].semantic is None
    assert all(m.score > 0 for m in found)
    assert index.search("zzzz qqqq", method="lexical") == []


def test_vectors_round_trip_and_reject_a_wrong_length() -> None:
    vector = np.arange(DIMENSIONS, dtype=np.float32)
    assert np.array_equal(from_bytes(to_bytes(vector)), vector)
    with pytest.raises(ValueError, match="1536 bytes"):
        from_bytes(b"\x00" * 12)


@pytest.mark.parametrize(
    ("query", "ids", "expected"),
    [
        (
            "EE.UU. compró la base naval del Callao",
            ["callao-en", "troops-en", "ship-en", "vaccine-es", "lithium-es"],
            "callao-en",
        ),
        (
            "The United States bought the naval base at Callao",
            ["callao-es", "troops-en", "ship-en", "vaccine-es", "lithium-es"],
            "callao-es",
        ),
        (
            "Un buque hospital de la Marina estadounidense atendió pacientes en Lima",
            ["callao-en", "troops-en", "ship-en", "lithium-es"],
            "ship-en",
        ),
        (
            "Flu shots carry tracking chips",
            ["callao-en", "troops-en", "ship-en", "vaccine-es", "lithium-es"],
            "vaccine-es",
        ),
    ],
)
def test_fused_matching_crosses_languages(embedder: Embedder, query: str, ids: list[str], expected: str) -> None:
    index = _index(ids, embedder)
    found = index.search(query, embedder=embedder, limit=3)
    assert found[0].claim_id == expected
    assert found[0].semantic is not None
    assert found[0].score >= found[1].score
    assert index.search(query, embedder=embedder, method="embedding", limit=1)[0].claim_id == expected


def test_a_long_query_is_read_up_to_its_first_words_that_fit(embedder: Embedder) -> None:
    short = "EE.UU. compró la base naval del Callao"
    assert embedder.truncated(short) == short
    long = " ".join(["Las tropas de Estados Unidos llegaron al Callao para un ejercicio naval."] * 20)
    cut = embedder.truncated(long)
    assert long.startswith(cut) and len(cut) < len(long)
    assert embedder._model.token_count(cut, True) <= QUERY_TOKENS
    # one word more would not fit: the cut is the longest whole-word prefix
    assert embedder._model.token_count(" ".join(long.split()[: len(cut.split()) + 1]), True) > QUERY_TOKENS
    # the vector of a long text is the vector of what was read of it
    assert np.allclose(embedder.query(long), embedder.query(cut))


def test_without_vectors_the_lexical_ranking_is_returned(embedder: Embedder) -> None:
    index = _index(["callao-en", "troops-en"])
    found = index.search("the Callao naval base", embedder=embedder)
    assert [m.claim_id for m in found] == ["callao-en"]
    assert found[0].semantic is None
