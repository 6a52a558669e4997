"""The content policy in a real browser (Debian's Chromium): the map, the figures, the timeline, a claim page, the
rumour form, the API documentation and the admin draw under the site's strict Content-Security-Policy without a
single violation (no inline script or style, no eval), and what they draw is there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from .test_browser import ARGS, CHROMIUM, _wait_for_request_threads
from .test_figures import figures  # noqa: F401  (the fixture records of the figures page)
from .test_map import placed  # noqa: F401  (the fixture records with places)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]

#: records every violation the page reports, before any of its own scripts runs
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var element = e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 120) : "";
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " on " + location.pathname
    + " " + (e.sourceFile || "") + ":" + e.lineNumber + " " + element);
});
"""
PASSWORD = "rio-ucayali-lancha-1987-verde"


class Watched:
    """A browser page with the violations it reported and its console errors."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.violations: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _console(self, message: Any) -> None:
        where = message.location.get("url", "")
        if message.type == "error" and not where.endswith("/favicon.ico"):  # the admin names no icon
            self.errors.append(f"{message.text} ({where})")

    def collect(self) -> None:
        """Keep the violations the current page reported (each page starts a new list)."""
        if self.page.url.startswith("http"):
            self.violations.extend(self.page.evaluate("window.__violations || []"))

    def problems(self) -> list[str]:
        """Violations and console errors so far (a refused inline style or eval shows in both)."""
        self.collect()
        return [*dict.fromkeys(self.violations), *self.errors]


@pytest.fixture
def watched(live_server: Any, figures: Any, placed: Any, settings: Any) -> Iterator[Watched]:  # noqa: F811
    settings.CLAIM_EMBEDDER = "none"  # lexical matching: the form's answer without loading the model
    get_user_model().objects.create_superuser("editora", "editora@example.org", PASSWORD)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield Watched(browser.new_page(viewport={"width": 1200, "height": 900}))
        finally:
            browser.close()
    _wait_for_request_threads()


def _open(watched: Watched, url: str) -> Any:
    watched.collect()
    response = watched.page.goto(url)
    assert response is not None and response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    return watched.page


def test_map_figures_and_timeline_draw_without_violations(live_server: Any, watched: Watched) -> None:
    page = _open(watched, f"{live_server.url}/es/")  # first, the check can fail: a style attribute is refused
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    page.wait_for_function("window.__violations.length > 0")
    assert any(v.startswith("style-src") for v in watched.problems())
    page.goto("about:blank")  # leave the page spoilt on purpose before counting again
    watched.violations.clear()
    watched.errors.clear()
    page = _open(watched, f"{live_server.url}/es/mapa/")
    page.wait_for_selector("#map.map-ready")
    assert page.locator("#map path.leaflet-interactive").count() > 0
    assert page.locator("#map .leaflet-marker-icon").count() > 0
    assert page.locator("#map").is_visible()

    page = _open(watched, f"{live_server.url}/en/figures/?country=peru")
    page.wait_for_selector(".chart-canvas.chart-drawn svg.marks")
    page.wait_for_function("document.querySelectorAll('.chart-canvas.chart-drawn svg').length === 6")
    bars = page.locator("#training-courses .chart-canvas svg .mark-rect path")
    assert bars.count() > 1
    bars.first.hover()  # the tooltip: styled from charts.css, not from an injected style element
    page.wait_for_selector("#vg-tooltip-element.visible")
    assert page.locator("style").count() == 0

    page = _open(watched, f"{live_server.url}/es/cronologia/")
    assert page.locator("svg.tl-bar rect").first.bounding_box()["width"] > 0
    assert watched.problems() == []


def test_claim_rumour_form_api_docs_and_admin_without_violations(live_server: Any, watched: Watched) -> None:
    page = _open(watched, f"{live_server.url}/es/verificaciones/us-bases-in-peru/")
    assert page.locator('script[type="application/ld+json"]').count() == 1

    page = _open(watched, f"{live_server.url}/es/verificaciones/comprobar/")
    page.locator("#rumour-text").fill("Estados Unidos tiene bases militares en el Perú")
    page.get_by_role("button", name="Comprobar").click()
    page.wait_for_load_state()
    assert "us-bases-in-peru" in page.content()

    page = _open(watched, f"{live_server.url}/api/v1/docs")
    page.wait_for_selector("#swagger-ui .opblock", timeout=60_000)
    assert page.locator("#swagger-ui .opblock").count() > 3
    page.locator("#swagger-ui .opblock-summary").first.click()  # an operation opens
    page.wait_for_selector("#swagger-ui .opblock-body")

    page = _open(watched, f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("editora")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page = _open(watched, f"{live_server.url}/admin/records/authorization/rl-32214/change/")
    page.wait_for_selector(".datetimeshortcuts, .inline-group")
    assert watched.problems() == []
