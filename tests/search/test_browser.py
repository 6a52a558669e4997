"""A real browser, without JavaScript: the header's search box leads to the search page; facets, the language
switch and a result's link work."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.portal.test_browser import ARGS, CHROMIUM, _wait_for_request_threads

from ..browser_requests import requests_leaving

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def page(live_server: Any, corpus: dict[str, Any]) -> Any:
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


def test_header_box_search_page_facets_and_result(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/es/actividades/")
    box = page.locator("header form.site-search input[name=q]")
    box.fill("cooperacion")
    box.press("Enter")
    page.wait_for_load_state()
    url = urlparse(page.url)
    assert url.path == "/es/buscar/" and parse_qs(url.query)["q"] == ["cooperacion"]
    results = page.locator("ol.results li.result")
    assert results.count() >= 2
    assert "Cooperación" in page.locator("ol.results mark").all_inner_texts()
    # a facet narrows the results to one type
    page.locator("aside.facets [data-facet=type] a", has_text="Autorizaciones").click()
    page.wait_for_load_state()
    assert parse_qs(urlparse(page.url).query)["type"] == ["authorizations"]
    assert page.locator("ol.results li.result").count() == 1
    assert page.locator("select[name=type]").input_value() == "authorizations"
    # the same search in English
    page.locator("a[data-lang-switch=en]").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/en/search/"
    assert "1 result" in page.locator("p.summary").inner_text()
    # the result leads to its record
    page.locator("ol.results li.result h2 a").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/en/authorizations/rl-90001/"


def test_document_pages_and_a_hostile_query(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/en/search/?q=pucall*")
    hit = page.locator("ol.results li.result")
    assert hit.count() == 1 and "page 12" in hit.inner_text()
    assert page.locator("ol.results mark").inner_text() == "Pucallpa"
    page.goto(f"{live_server.url}/es/buscar/?q=%22%28AND%20-%20%5E%20~%20%2A&year=nada")
    assert page.locator("h1").inner_text() == "Buscar"
    assert "Año inválido" in page.locator("p.error").inner_text()
