"""A real browser on the claims list and a claim page, in Spanish and in English: the rating leads, the history
keeps the superseded rating, the JSON-LD parses, the language switch keeps the claim."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from ..browser_requests import requests_leaving
from ..portal.test_browser import ARGS, CHROMIUM, _wait_for_request_threads
from .claim_fixtures import checks_fixture  # noqa: F401  (the fixture "checks")

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def page(live_server: Any, checks: dict[str, Any]) -> Any:
    """The records are written before the browser starts (the ORM must not run inside Playwright's context)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            outside = requests_leaving(page)
            yield page
        finally:
            browser.close()
    _wait_for_request_threads()
    assert not outside, f"requests left the machine: {outside}"


def _json_ld(page: Any) -> dict[str, Any]:
    scripts = page.locator('script[type="application/ld+json"]')
    assert scripts.count() == 1
    data: dict[str, Any] = json.loads(scripts.text_content())
    return data


def test_claim_page_in_both_languages(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/es/verificaciones/")
    assert page.get_by_role("heading", name="Verificaciones", exact=True).is_visible()
    assert page.locator(".ratings-summary").inner_text().startswith("Falso 1")
    page.get_by_role("link", name="«Estados Unidos compró la base naval del Callao»").click()
    assert page.url.endswith("/es/verificaciones/callao-bought/")
    current = page.locator(".fact-check .verdict-line .rating")
    assert current.inner_text() == "Falso" and current.is_visible()
    assert page.locator(".fact-check .verdict").inner_text() == "Falso: es una compra que financia el Perú"
    assert page.get_by_role("link", name="Base Naval del Callao").first.is_visible()
    history = page.locator("ol.rating-history li")
    assert history.count() == 1 and "20 de enero de 2026" in history.inner_text()
    assert "Sin pruebas suficientes" in history.inner_text()
    data = _json_ld(page)
    assert data["@type"] == "ClaimReview" and data["reviewRating"]["alternateName"] == "Falso"
    assert data["url"] == f"{live_server.url}/es/verificaciones/callao-bought/"

    page.locator("[data-lang-switch=en]").click()
    assert page.url.endswith("/en/fact-checks/callao-bought/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".fact-check .verdict-line .rating").inner_text() == "False"
    assert page.locator(".fact-check .verdict").inner_text() == "False: it is a purchase Peru finances"
    assert page.get_by_role("heading", name="Rating history").is_visible()
    assert "Unproven" in page.locator("ol.rating-history li").inner_text()
    data = _json_ld(page)
    assert data["inLanguage"] == "en" and data["reviewRating"]["alternateName"] == "False"
    page.locator(".crumbs a", has_text="Fact-checks").click()  # the claims list, in English
    assert page.url.endswith("/en/fact-checks/")
    assert page.locator(".ratings-summary").inner_text().startswith("False 1")
