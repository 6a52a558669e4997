"""The map in a real browser (Debian's Chromium through Playwright): the departments and points draw, a marker
opens its record, a department leads to its page, the list reads without JavaScript, and no request leaves
the machine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from .test_browser import ARGS, CHROMIUM, _wait_for_request_threads
from .test_map import placed  # noqa: F401  (the fixture records with places)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def map_page(live_server: Any, placed: dict[str, Any]) -> Any:  # noqa: F811
    """A browser page that records the host of every request it makes."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, device_scale_factor=1)
            page.hosts = []
            page.on("request", lambda request: page.hosts.append(urlparse(request.url).hostname))
            yield page
        finally:
            browser.close()
    _wait_for_request_threads()


def test_map_draws_and_a_marker_opens_its_record(live_server: Any, map_page: Any) -> None:
    page = map_page
    page.goto(f"{live_server.url}/es/mapa/")
    page.wait_for_selector("#map.map-ready")
    assert page.locator("#map path.leaflet-interactive").count() == 25
    markers = page.locator("#map .leaflet-marker-icon")
    assert markers.count() == 2
    assert page.locator("#map .leaflet-marker-icon .sym-temporary_use").count() == 1
    assert page.locator("#map .leaflet-marker-icon .sym-activity.approximate").count() == 1
    page.locator('#map .leaflet-marker-icon[title="Base ribereña de prueba y 1 más"]').click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "usada temporalmente" in popup.inner_text()
    assert "Resolución del mapa" in popup.inner_text()
    popup.get_by_role("link", name="Base ribereña de prueba").click()
    page.wait_for_url("**/es/instalaciones/base-loreto/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Base ribereña de prueba")
    assert page.hosts and set(page.hosts) <= {"localhost", "127.0.0.1"}


def test_a_department_click_leads_to_its_page(live_server: Any, map_page: Any) -> None:
    page = map_page
    page.goto(f"{live_server.url}/en/map/")
    page.wait_for_selector("#map.map-ready")
    assert page.get_by_role("heading", name="Legend").is_visible()
    page.locator("#map path.division-cusco").click()  # its outline (no marker in Cusco: known only by department)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Cusco" in popup.inner_text()
    assert "1 facility, 1 activity" in popup.inner_text()
    popup.get_by_role("link", name="What happened in Cusco").click()
    page.wait_for_url("**/en/map/cusco/")
    assert page.get_by_role("heading", level=1).inner_text() == "What happened in Cusco"
    assert page.get_by_role("link", name="Test Andean exercise").is_visible()
    assert page.hosts and set(page.hosts) <= {"localhost", "127.0.0.1"}


def test_the_department_list_works_without_javascript(live_server: Any, placed: dict[str, Any]) -> None:  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            hosts: list[str | None] = []
            page.on("request", lambda request: hosts.append(urlparse(request.url).hostname))
            page.goto(f"{live_server.url}/es/mapa/")
            assert not page.locator("#map").is_visible()
            warning = page.locator("p.warning")
            assert warning.is_visible() and "El mapa necesita JavaScript" in warning.inner_text()
            page.get_by_role("link", name="Loreto", exact=True).click()
            page.wait_for_url("**/es/mapa/loreto/")
            assert page.get_by_role("link", name="Base ribereña de prueba").is_visible()
            assert page.get_by_role("link", name="Resolución del mapa").is_visible()
            assert hosts and set(hosts) <= {"localhost", "127.0.0.1"}
        finally:
            browser.close()
    _wait_for_request_threads()


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = "() => axe.run({include: [['main']]}, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"


def test_map_and_department_page_are_accessible_and_fit_a_phone(live_server: Any, map_page: Any) -> None:
    page = map_page
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/es/mapa/", "/en/map/loreto/"):
        page.goto(f"{live_server.url}{path}")
        if path.endswith("mapa/"):
            page.wait_for_selector("#map.map-ready")
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.evaluate("document.documentElement.clientWidth")
        assert width <= viewport, (path, width, viewport)
        # axe is evaluated through the browser's protocol: the pages' policy refuses injected inline scripts
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        result = page.evaluate(AXE_RUN)
        problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert not problems, (path, problems)
    assert page.hosts and set(page.hosts) <= {"localhost", "127.0.0.1"}
