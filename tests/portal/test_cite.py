"""The "cite this" block of every record page: APA style in both languages, date accessed, permanent address,
and the link to the record's JSON in the API."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from veeduria.records.registry import RECORD_TYPES, RecordType

from .conftest import make_authorization


def _cite_section(html: str) -> str:
    match = re.search(r'<section id="cite".*?</section>', html, re.S)
    assert match, "no cite block"
    return match.group(0)


def _record_of(dataset: dict[str, Any], rt: RecordType) -> Any:
    return next(obj for obj in dataset["records"] if isinstance(obj, rt.model))


def test_cite_block_in_spanish(client: Client, dataset: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None: dt.date(2026, 3, 9) if value is None else value.date()
    )
    html = client.get("/es/autorizaciones/rl-32214/").content.decode()
    block = _cite_section(html)
    assert '<h2 id="cite-title">Citar este registro</h2>' in block
    assert "APA (7.ª ed.)" in block
    refs = re.findall(r'<p class="reference" lang="(\w\w)">(.*?)</p>', block, re.S)
    assert [lang for lang, _ in refs] == ["es", "en"]  # the reader's language first
    es, en = refs[0][1], refs[1][1]
    assert "Veeduría. (" in es and "<cite>Resolución rl-32214</cite> [Autorización]." in es
    assert "Recuperado el 9 de marzo de 2026, de" in es
    assert 'href="http://testserver/es/autorizaciones/rl-32214/"' in es
    assert "<cite>Resolution rl-32214</cite> [Authorization]." in en
    assert "Retrieved March 9, 2026, from" in en
    assert 'href="http://testserver/en/authorizations/rl-32214/"' in en


def test_cite_block_in_english_marks_a_spanish_only_title(client: Client, dataset: dict[str, Any]) -> None:
    make_authorization("rl-30000", dataset["peru"], dataset["usa"], title_es="Resolución en castellano", title_en="")
    block = _cite_section(client.get("/en/authorizations/rl-30000/").content.decode())
    assert "Cite this record" in block and "APA (7th ed.)" in block
    assert '<cite lang="es">Resolución en castellano</cite> [Authorization].' in block
    today = timezone.localdate()
    with translation.override("en"):
        from django.utils import dateformat

        assert f"Retrieved {dateformat.format(today, 'F j, Y')}, from" in block


def test_json_link_answers_with_the_record(client: Client, dataset: dict[str, Any]) -> None:
    block = _cite_section(client.get("/en/authorizations/rl-32214/").content.decode())
    match = re.search(r'<a href="([^"]+)" type="application/json">This record as JSON \(API\)</a>', block)
    assert match
    assert match.group(1) == "http://testserver/api/v1/records/authorizations/rl-32214"
    response = client.get(match.group(1).removeprefix("http://testserver"))
    assert response.status_code == 200
    assert json.loads(response.content)["id"] == "rl-32214"


@pytest.mark.parametrize("rt", [rt for rt in RECORD_TYPES if rt.key != "claims"], ids=lambda rt: rt.key)
def test_every_record_page_has_the_block(client: Client, dataset: dict[str, Any], rt: RecordType) -> None:
    obj = _record_of(dataset, rt)
    for lang in ("es", "en"):
        with translation.override(lang):
            url = reverse(f"portal:{rt.key}-detail", kwargs={"pk": obj.pk})
        block = _cite_section(client.get(url).content.decode())
        assert f"http://testserver{url}" in block
        assert f"/api/v1/records/{rt.key}/{obj.pk}" in block


def test_the_claim_page_has_the_block(client: Client, dataset: dict[str, Any]) -> None:
    block = _cite_section(client.get("/es/verificaciones/us-bases-in-peru/").content.decode())
    assert "/api/v1/records/claims/us-bases-in-peru" in block
