"""A real browser (Debian's Chromium, JavaScript off) on the check-a-rumour form in Spanish and English: a text in
one language finds the check of the claim made in the other."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.portal.test_browser import ARGS, CHROMIUM, _wait_for_request_threads

from ..browser_requests import requests_leaving
from .test_matching_db import make_claim

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def claims(transactional_db: Any) -> None:
    """Written before the browser starts (the ORM must not run inside Playwright's context)."""
    make_claim("callao-base", "The US bought the Callao naval base", "en", "false")
    make_claim("vacunas-chips", "Las vacunas contra la gripe contienen microchips de rastreo", "es", "false")
    make_claim("troops-training", "Congress authorized US troops to enter Peru for joint training", "en", "true")


@pytest.fixture
def page(live_server: Any, claims: None) -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
            outside = requests_leaving(page)
            yield page
        finally:
            browser.close()
    _wait_for_request_threads()
    assert not outside, f"requests left the machine: {outside}"


def test_check_a_rumour_in_both_languages(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/es/")
    page.get_by_role("link", name="Comprobar un rumor").click()
    assert page.url.endswith("/es/verificaciones/comprobar/")
    page.get_by_label("Texto a comprobar").fill("EE.UU. compró la base naval del Callao")
    page.get_by_role("button", name="Comprobar").click()
    first = page.locator(".claim-matches .result").first
    assert first.get_attribute("data-id") == "callao-base"
    assert "Falso" in first.locator(".rating").inner_text()
    assert page.get_by_label("Texto a comprobar").input_value() == "EE.UU. compró la base naval del Callao"

    page.goto(f"{live_server.url}/en/fact-checks/check/")
    assert page.get_by_role("heading", name="Check a rumour").is_visible()
    page.get_by_label("Text to check").fill("Flu shots carry tracking chips")
    page.get_by_role("button", name="Check", exact=True).click()
    first = page.locator(".claim-matches .result").first
    assert first.get_attribute("data-id") == "vacunas-chips"
    assert "False" in first.locator(".rating").inner_text()
    first.locator("a").click()
    assert page.url.endswith("/en/fact-checks/vacunas-chips/")
