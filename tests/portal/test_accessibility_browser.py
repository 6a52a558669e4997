"""Accessibility in a real browser (Debian's Chromium through Playwright): axe-core (vendored, test-only) finds no
WCAG 2.0/2.1 A or AA violation on the main pages, in both languages, at desktop and phone widths; no page scrolls
sideways at 360 px; the skip link works with the keyboard; and no request leaves 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import override

from veeduria.search.service import reindex

from .test_browser import ARGS, CHROMIUM, _wait_for_request_threads

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1200, "height": 900}
LOCAL_HOSTS = {"localhost", "127.0.0.1"}

#: (route name, its arguments, query string): the main pages; the map, the timeline and the figures when present
PAGES: list[tuple[str, dict[str, str], str]] = [
    ("portal:home", {}, ""),
    ("portal:authorizations-list", {}, ""),
    ("portal:authorizations-detail", {"pk": "rl-32214"}, ""),
    ("portal:facilities-detail", {"pk": "base-ancon"}, ""),
    ("portal:search", {}, "?q=Resolute"),
    ("portal:answer-bases-default", {}, ""),
    ("portal:findings", {}, ""),
    ("portal:methodology", {}, ""),
    ("portal:glossary", {}, ""),
    ("portal:about", {}, ""),
    ("portal:map", {}, ""),
    ("portal:timeline", {}, ""),
    ("portal:figures", {}, ""),
]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1]),
  }));
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


def _urls(lang: str) -> list[str]:
    urls = []
    with override(lang):
        for name, kwargs, query in PAGES:
            try:
                urls.append(reverse(name, kwargs=kwargs or None) + query)
            except NoReverseMatch:  # a page not built in this checkout
                continue
    return urls


@pytest.fixture
def indexed(dataset: dict[str, Any]) -> dict[str, Any]:
    """The fixture records, searchable (written before the browser starts: no ORM inside Playwright's loop)."""
    reindex()
    return dataset


@pytest.fixture
def page(live_server: Any, indexed: dict[str, Any]) -> Any:
    """A browser page that records the host of every request it makes."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            tab = browser.new_page(viewport=DESKTOP, device_scale_factor=1)
            tab.hosts = []
            tab.on("request", lambda request: tab.hosts.append(urlparse(request.url).hostname))
            yield tab
        finally:
            browser.close()
    _wait_for_request_threads()


def _violations(page: Any) -> list[str]:
    # axe is evaluated through the browser's protocol: the pages' policy refuses injected inline scripts
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found = page.evaluate(RUN_AXE, WCAG_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {'; '.join(v['nodes'])}" for v in found]


def _sideways(page: Any) -> int:
    """How many pixels the page scrolls sideways (0: none)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_main_pages_have_no_wcag_violations_and_fit_a_phone(live_server: Any, page: Any, lang: str) -> None:
    problems: list[str] = []
    for url in _urls(lang):
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            response = page.goto(live_server.url + url)
            assert response is not None and response.ok, url
            page.wait_for_load_state("networkidle")
            problems += [f"{url} @{size['width']}px: {v}" for v in _violations(page)]
            if size is PHONE and (extra := _sideways(page)):
                problems.append(f"{url} @360px scrolls sideways by {extra}px")
    assert not problems, "\n".join(problems)
    assert page.hosts and set(page.hosts) <= LOCAL_HOSTS, set(page.hosts)


def test_skip_link_moves_the_keyboard_to_the_content(live_server: Any, page: Any) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/es/glosario/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator("a.skip-link").is_visible()  # shown when focused
    assert page.locator("a.skip-link").inner_text() == "Saltar al contenido"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, not back in the header
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside
    assert set(page.hosts) <= LOCAL_HOSTS


def test_the_menu_opens_without_javascript(live_server: Any, indexed: dict[str, Any]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            tab = browser.new_page(viewport=PHONE, java_script_enabled=False)
            tab.goto(f"{live_server.url}/en/")
            menu = tab.locator("details.more")
            assert not menu.get_by_role("link", name="Sources").is_visible()
            menu.locator("summary").click()
            menu.get_by_role("link", name="Sources").click()
            tab.wait_for_url("**/en/sources/")
            assert _sideways(tab) == 0
        finally:
            browser.close()
    _wait_for_request_threads()


def test_the_api_docs_load_from_this_machine(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.get_by_text("/api/v1/types").first.is_visible()
    assert page.hosts and set(page.hosts) <= LOCAL_HOSTS, set(page.hosts)


def test_axe_reports_a_violation_when_there_is_one(live_server: Any, page: Any) -> None:
    """The check itself can fail: a page without a language and a field without a label."""
    page.set_content("<!doctype html><html><head><title>t</title></head><body><main><input></main></body></html>")
    found = " ".join(_violations(page))
    assert "html-has-lang" in found and "label" in found


def test_a_record_prints_without_the_site_shell(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/es/autorizaciones/rl-32214/")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible() and not page.locator("footer.site").is_visible()
    assert page.get_by_role("heading", level=1).is_visible()
    page.emulate_media(media="screen")
    assert page.locator("header.site").is_visible()
