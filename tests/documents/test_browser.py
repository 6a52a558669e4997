"""A real browser (Debian's Chromium through Playwright): a record's citation → the cited page of the document."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.documents.fixtures import Cited, cited_resolution
from tests.portal.test_browser import ARGS, CHROMIUM, _wait_for_request_threads

from ..browser_requests import requests_leaving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def cited(transactional_db: Any) -> Cited:
    return cited_resolution()  # written before the browser starts (the ORM must not run inside Playwright)


@pytest.fixture
def browser_page(live_server: Any, cited: Cited) -> Any:
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


def test_citation_opens_the_cited_page(live_server: Any, cited: Cited, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/es/autorizaciones/{cited.authorization.pk}/")
    link = page.locator("a.document-page").first
    assert link.inner_text() == "documento «Resolución Legislativa 32214», p. 2"
    link.click()
    page.wait_for_url(re.compile(rf"/es/documentos/{cited.document.pk}/#p2$"))
    target = page.locator("#p2")
    assert target.is_visible()
    assert "Autorízase el ingreso de 100 efectivos" in target.inner_text()
    assert page.evaluate("document.querySelector(':target').id") == "p2"
    assert page.get_by_text("Texto extraído; 3 de 3 páginas").is_visible()

    page.locator("a[data-lang-switch=en]").click()
    page.wait_for_url(re.compile(rf"/en/documents/{cited.document.pk}/"))
    assert page.get_by_role("heading", name="Records that cite this document").is_visible()
