"""Every list and detail page renders in Spanish and English, with working language switches."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from veeduria.records.registry import RECORD_TYPES, RecordType

LANGS = ("es", "en")


def _record_of(dataset: dict[str, Any], rt: RecordType) -> Any:
    return next(obj for obj in dataset["records"] if isinstance(obj, rt.model))


def _url(name: str, lang: str, **kwargs: Any) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def _switch_link(html: str, lang: str) -> str:
    match = re.search(rf'href="([^"]+)" data-lang-switch="{lang}"', html)
    assert match, f"no switch link to {lang}"
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.key)
def test_list_and_detail_render(client: Client, dataset: dict[str, Any], rt: RecordType, lang: str) -> None:
    obj = _record_of(dataset, rt)
    list_url = _url(f"portal:{rt.key}-list", lang)
    slug = rt.slug_es if lang == "es" else rt.slug_en
    assert list_url == f"/{lang}/{slug}/"
    response = client.get(list_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{_url(f"portal:{rt.key}-detail", lang, pk=obj.pk)}"' in html
    detail_url = _url(f"portal:{rt.key}-detail", lang, pk=obj.pk)
    assert detail_url == f"/{lang}/{slug}/{obj.pk}/"
    response = client.get(detail_url)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()


@pytest.mark.parametrize("rt", RECORD_TYPES, ids=lambda rt: rt.key)
def test_language_switch_points_to_twin_page(client: Client, dataset: dict[str, Any], rt: RecordType) -> None:
    obj = _record_of(dataset, rt)
    for lang, other in (("es", "en"), ("en", "es")):
        for name, kwargs in ((f"portal:{rt.key}-list", {}), (f"portal:{rt.key}-detail", {"pk": obj.pk})):
            html = client.get(_url(name, lang, **kwargs)).content.decode()
            assert _switch_link(html, other) == _url(name, other, **kwargs)


def test_switch_keeps_filters(client: Client, dataset: dict[str, Any]) -> None:
    html = client.get("/es/autorizaciones/?year=2023&page=1").content.decode()
    assert _switch_link(html, "en") == "/en/authorizations/?year=2023&page=1"


def test_example_urls(client: Client, dataset: dict[str, Any]) -> None:
    es = client.get("/es/autorizaciones/rl-32214/")
    en = client.get("/en/authorizations/rl-32214/")
    assert es.status_code == en.status_code == 200
    assert "Resolución rl-32214" in es.content.decode()
    assert "Resolution rl-32214" in en.content.decode()
    assert "Datos" in es.content.decode() and "Data" in en.content.decode()
    assert client.get("/en/autorizaciones/rl-32214/").status_code == 404


def test_home(client: Client, dataset: dict[str, Any]) -> None:
    for lang, text in (("es", "Últimas autorizaciones"), ("en", "Latest authorizations")):
        html = client.get(f"/{lang}/").content.decode()
        assert text in html
        assert _url("portal:authorizations-detail", lang, pk="rl-32214") in html
        assert "rl-99999" not in html  # withdrawn


def test_sources(client: Client, dataset: dict[str, Any]) -> None:
    for lang in LANGS:
        html = client.get(_url("portal:source-list", lang)).content.decode()
        assert "El Peruano, 2023-05-20" in html
        html = client.get(_url("portal:source-detail", lang, pk="el-peruano-2023")).content.decode()
        assert _url("portal:authorizations-detail", lang, pk="rl-32214") in html
        assert _url("portal:countries-detail", lang, pk="peru") in html
        html = client.get(_url("portal:source-detail", lang, pk="diario-x")).content.decode()
        assert _url("portal:authorizations-detail", lang, pk="rl-32214") in html
    assert client.get("/es/fuentes/no-such/").status_code == 404


def test_not_found_is_bilingual(client: Client, db: Any) -> None:
    for lang in LANGS:
        response = client.get(f"/{lang}/autorizaciones/nada/")
        html = response.content.decode()
        assert response.status_code == 404
        assert "Página no encontrada" in html and "Page not found" in html


def test_root_redirects_to_a_language(client: Client, db: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/es/"
    response = client.get("/", headers={"accept-language": "en"})
    assert response["Location"] == "/en/"
