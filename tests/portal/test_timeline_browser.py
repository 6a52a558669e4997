"""The timeline in a real browser (Debian's Chromium): it renders, a filter works through the plain form, the
language switch keeps the filters, axe-core finds nothing in the page's main content, no request leaves the
machine, and at 360 px the page does not scroll sideways (the drawing scrolls inside its own box)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from veeduria.oversight.models import Finding
from veeduria.records import models as m

from .conftest import make_authorization
from .test_browser import ARGS, CHROMIUM, _wait_for_request_threads

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def records(dataset: dict[str, Any]) -> dict[str, Any]:
    """An activity outside its authorization's window (with its finding) and older items that widen the axis,
    written before the browser starts (the ORM must not run inside Playwright's context)."""
    late = m.Activity.objects.create(
        id="late-visit",
        kind="port_visit",
        name_es="Visita tardía",
        name_en="Late visit",
        host_country=dataset["peru"],
        start_date=dt.date(2023, 12, 1),
        end_date=dt.date(2024, 1, 31),
    )
    late.countries.add(dataset["usa"])
    Finding.objects.create(
        activity=late, authorization=dataset["authorization"], rule="outside_window", severity="violation", reason="x"
    )
    for year in (1995, 2005, 2015):
        make_authorization(
            f"rl-{year}",
            dataset["peru"],
            dataset["usa"],
            title_es=f"Resolución de {year} con un título largo que ocupa varias líneas en un teléfono",
            approved_on=dt.date(year, 2, 1),
            window_start=dt.date(year, 3, 1),
            window_end=dt.date(year, 4, 30),
        )
    return dataset


@pytest.fixture
def browser(live_server: Any, records: dict[str, Any]) -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
    _wait_for_request_threads()


def _local_only(page: Any, base: str) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    return requests


def _assert_local(requests: list[str], base: str) -> None:
    assert requests, "no request seen"
    outside = [u for u in requests if not u.startswith(base + "/") and not u.startswith("data:")]
    assert not outside, f"requests left the machine: {outside}"
    assert base.startswith("http://localhost:") or base.startswith("http://127.0.0.1:")


def test_timeline_renders_filters_and_switches_language(live_server: Any, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = _local_only(page, live_server.url)
    page.goto(f"{live_server.url}/es/cronologia/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cronología: Perú"
    late = page.locator("li.tl-item.is-outside", has=page.locator('a[href="/es/actividades/late-visit/"]'))
    assert late.locator("svg.tl-bar rect.out").count() >= 1
    assert late.get_by_role("link", name="Hallazgo: fuera del periodo autorizado").first.is_visible()
    assert page.locator("svg.tl-bar rect").first.bounding_box()["width"] > 0
    # the filter: only authorizations, through the plain GET form (a shareable address)
    page.get_by_label("Autorizaciones (4)").check()
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**/es/cronologia/?kind=authorization*")
    assert page.locator('a[href="/es/actividades/late-visit/"]').count() == 0
    assert page.locator("li.tl-item.k-authorization").count() == 4
    page.locator('select[name="year"]').select_option("2023")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**year=2023*")
    assert "kind=authorization" in page.url
    assert page.locator("li.tl-item").count() == 1
    assert page.locator("ol.tl-axis").first.locator("li").count() == 12
    # the other language keeps the filters
    page.locator('a[data-lang-switch="en"]').click()
    page.wait_for_url("**/en/timeline/?*")
    assert "kind=authorization" in page.url and "year=2023" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Timeline: Peru"
    assert page.get_by_role("link", name="Resolution rl-32214").is_visible()
    # accessibility of the page's own content (axe-core, vendored)
    page.goto(f"{live_server.url}/es/cronologia/")
    # axe is evaluated through the browser's protocol: the pages' policy refuses injected inline scripts
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "() => axe.run({include: [['main']]}, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert not problems, problems
    _assert_local(requests, live_server.url)


def test_timeline_at_phone_width_scrolls_only_inside_its_box(live_server: Any, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    requests = _local_only(page, live_server.url)
    page.goto(f"{live_server.url}/es/cronologia/")
    assert page.locator("figure.tl").is_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("document.documentElement.clientWidth")
    assert page_width <= viewport, (page_width, viewport)
    box = page.locator(".tl-box")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the drawing (1995 to 2024) scrolls in its box
    # the row texts stay in view while the drawing scrolls
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    label = page.locator('li.tl-item a[href="/es/autorizaciones/rl-1995/"]')
    left = label.bounding_box()["x"]
    assert 0 <= left < viewport
    _assert_local(requests, live_server.url)
