"""Browsing in a real browser (Debian's Chromium through Playwright): a facet click filters the list, a column
header sorts it, the CSV link downloads exactly what is shown, the record page's citation and JSON link work,
axe-core finds nothing, and no request leaves the machine."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from .conftest import make_authorization
from .test_accessibility_browser import DESKTOP, LOCAL_HOSTS, PHONE, _sideways, _violations
from .test_browser import ARGS, CHROMIUM, _wait_for_request_threads

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def records(dataset: dict[str, Any]) -> dict[str, Any]:
    """The fixture records and two more authorizations (one of 2019 known in Spanish only), written before the
    browser starts (no ORM inside Playwright's loop)."""
    peru, usa = dataset["peru"], dataset["usa"]
    make_authorization(
        "rl-30000", peru, usa, title_es="Resolución en castellano", title_en="", approved_on=dt.date(2019, 2, 1)
    )
    make_authorization("rl-31000", peru, usa, approved_on=dt.date(2023, 9, 1), personnel_total=250)
    return dataset


@pytest.fixture
def tab(live_server: Any, records: dict[str, Any]) -> Any:
    """A browser page that records the host of every request it makes and accepts downloads."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport=DESKTOP, device_scale_factor=1, accept_downloads=True)
            page.hosts = []
            page.on("request", lambda request: page.hosts.append(urlparse(request.url).hostname))
            yield page
        finally:
            browser.close()
    _wait_for_request_threads()


def _ids(page: Any) -> list[str]:
    hrefs = page.locator("table.records tbody tr td:first-child a").evaluate_all("els => els.map(e => e.pathname)")
    return [h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs]


def test_facet_sort_and_download(live_server: Any, tab: Any) -> None:
    page = tab
    page.goto(f"{live_server.url}/es/autorizaciones/")
    assert sorted(_ids(page)) == ["rl-30000", "rl-31000", "rl-32214"]
    facets = page.get_by_role("complementary", name="Filtrar por")
    facets.get_by_role("link", name="2023", exact=True).click()
    page.wait_for_url("**/es/autorizaciones/?year=2023")
    assert sorted(_ids(page)) == ["rl-31000", "rl-32214"]
    assert facets.locator("li.selected").inner_text().startswith("✕")
    page.get_by_role("link", name="Personal autorizado (total) — ordenar por esta columna").click()
    page.wait_for_url("**/es/autorizaciones/?year=2023&sort=personnel_total")
    assert _ids(page) == ["rl-32214", "rl-31000"]
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar esta lista en CSV").click()
    download = info.value
    assert download.suggested_filename == "autorizaciones.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][0] == "Identificador"
    assert [r[0] for r in rows[1:]] == ["rl-32214", "rl-31000"]
    # the chosen facet removes itself
    facets.locator("li.selected a").click()
    page.wait_for_url("**/es/autorizaciones/?sort=personnel_total")
    assert len(_ids(page)) == 3
    assert page.hosts and set(page.hosts) <= LOCAL_HOSTS


def test_record_page_cites_and_links_to_json(live_server: Any, tab: Any) -> None:
    page = tab
    page.goto(f"{live_server.url}/en/authorizations/rl-30000/")
    h1 = page.get_by_role("heading", level=1)
    assert h1.inner_text() == "Resolución en castellano (Spanish only)"
    assert h1.locator('span[lang="es"]').inner_text() == "Resolución en castellano"
    cite = page.locator("section#cite")
    assert cite.get_by_role("heading", name="Cite this record").is_visible()
    assert f"{live_server.url}/en/authorizations/rl-30000/" in cite.inner_text()
    assert f"{live_server.url}/es/autorizaciones/rl-30000/" in cite.inner_text()
    assert not _violations(page)
    page.set_viewport_size(PHONE)
    assert _sideways(page) == 0
    cite.get_by_role("link", name="This record as JSON (API)").click()
    page.wait_for_url("**/api/v1/records/authorizations/rl-30000")
    assert json.loads(page.locator("body").inner_text())["id"] == "rl-30000"
    assert page.hosts and set(page.hosts) <= LOCAL_HOSTS


def test_faceted_list_is_accessible_and_fits_a_phone(live_server: Any, tab: Any) -> None:
    page = tab
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/en/authorizations/?year=2023&sort=-personnel_total")
        assert not _violations(page), size
        assert _sideways(page) == 0, size
    assert set(page.hosts) <= LOCAL_HOSTS
