"""The ClaimReview JSON-LD: the export command's array and the claim page's script, checked property by property
against schema.org's ClaimReview (itemReviewed Claim with appearance and datePublished, reviewRating with
alternateName, author, datePublished, url)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from veeduria.cli import main
from veeduria.factchecks.models import Claim, Rating
from veeduria.ingest.dataset import load_folder
from veeduria.records.registry import BY_KEY

from ..conftest import BUNDLED
from .claim_fixtures import checks_fixture  # noqa: F401  (the fixture "checks")

ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LABELS = {str(label) for label in Rating.labels} | {"True", "Mostly true", "Misleading / lacks context"}
LABELS |= {"Mostly false", "False", "Unproven"}


def assert_claim_review(data: dict[str, Any]) -> None:
    """Every property the ClaimReview must carry, with the type schema.org gives it."""
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    assert re.match(r"^https?://[^/]+/(es|en)/", data["url"]), data["url"]
    assert data["claimReviewed"].strip()
    assert ISO_DATE.match(data["datePublished"]), data["datePublished"]
    assert data["author"]["@type"] == "Organization" and data["author"]["name"].strip()
    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert ISO_DATE.match(item["datePublished"]), item["datePublished"]
    appearance = item["appearance"]
    assert appearance["@type"] == "CreativeWork" and (appearance.get("url") or appearance.get("name"))
    rating = data["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["alternateName"] in LABELS, rating["alternateName"]
    if "ratingValue" in rating:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert data["headline"].strip() and data["reviewBody"].strip()


def export(tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    out = tmp_path / "claimreview.json"
    assert main(["export", "--format", "claimreview", "-o", str(out), *args]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_export_writes_the_current_review_of_each_claim(checks: dict[str, Any], tmp_path: Path) -> None:
    (data,) = export(tmp_path, "--base-url", "https://veeduria.example/", "--language", "en")
    assert_claim_review(data)
    assert data["url"] == "https://veeduria.example/en/fact-checks/callao-bought/"
    assert data["datePublished"] == "2026-01-24"  # the current review, not the superseded one
    assert data["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert data["itemReviewed"]["datePublished"] == "2026-01"  # the month the claim was seen, no invented day
    assert data["itemReviewed"]["appearance"]["url"] == "https://social.example/post/1"
    assert data["author"] == {"@type": "Organization", "name": "Verificador", "url": "https://press.example/"}
    assert data["headline"] == "False: it is a purchase Peru finances"
    assert data["citation"] == ["https://dsca.example/callao", "https://press.example/check"]


def test_export_in_spanish_and_without_withdrawn_claims(checks: dict[str, Any], tmp_path: Path) -> None:
    (data,) = export(tmp_path, "--base-url", "https://veeduria.example")
    assert data["url"] == "https://veeduria.example/es/verificaciones/callao-bought/"
    assert data["reviewRating"]["alternateName"] == "Falso"
    Claim.objects.filter(pk="callao-bought").update(status="withdrawn")
    assert export(tmp_path) == []


def test_export_rejects_record_options(checks: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "claimreview", "--type", "claims"]) == 1
    assert "--format claimreview" in capsys.readouterr().err


def test_bundled_fact_checks_are_valid_claim_reviews(db: Any, tmp_path: Path) -> None:
    load_folder(BUNDLED)
    data = export(tmp_path, "--base-url", "https://veeduria.example")
    assert len(data) == BY_KEY["claims"].model._default_manager.count() >= 4
    for item in data:
        assert_claim_review(item)
    by_url = {d["url"].rsplit("/", 2)[1]: d for d in data}
    assert by_url["us-bought-callao-naval-base"]["reviewRating"]["alternateName"] == "Falso"


def test_claim_page_embeds_escaped_json_ld(checks: dict[str, Any]) -> None:
    Claim.objects.filter(pk="callao-bought").update(text='Compró la base </script><script>alert("x")</script> & más')
    html = Client().get("/en/fact-checks/callao-bought/").content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert_claim_review(data)
    assert data["claimReviewed"] == 'Compró la base </script><script>alert("x")</script> & más'
    assert "<script>alert" not in html
    assert data["url"] == "http://testserver/en/fact-checks/callao-bought/"
    assert data["inLanguage"] == "en"
