"""The charts of the figures page in a real browser (Debian's Chromium): drawn as SVG in both languages with
their words in the page's language, the CSV downloaded matches the table beside the chart, the tables are read
without JavaScript, and no request leaves the machine."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from .test_browser import ARGS, CHROMIUM, _wait_for_request_threads
from .test_figures import figures  # noqa: F401  (the fixture records of the figures page)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]

CHARTS = ["personnel", "training-courses", "training-trainees", "money-assistance", "money-sale", "authorizations"]


@pytest.fixture
def browser(live_server: Any, figures: dict[str, Any]) -> Any:  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    _wait_for_request_threads()


def _watch(page: Any, requests: list[str]) -> None:
    page.on("request", lambda request: requests.append(request.url))


def _local(requests: list[str], base: str) -> None:
    assert requests, "no request seen"
    outside = [u for u in requests if not (u.startswith(base + "/") or u.startswith(("data:", "blob:")))]
    assert outside == [], outside
    assert base.startswith("http://127.0.0.1:") or base.startswith("http://localhost:")


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/es/cifras/?country=peru", ["periodo", "personas", "fuerza", "año fiscal", "cursos", "año de la decisión"]),
        ("/en/figures/?country=peru", ["period", "people", "service", "fiscal year", "courses", "year of decision"]),
    ],
)
def test_charts_are_drawn_in_the_page_language(live_server: Any, browser: Any, path: str, words: list[str]) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    _watch(page, requests)
    page.goto(live_server.url + path)
    drawn = page.locator(".chart-canvas.chart-drawn svg.marks")
    drawn.first.wait_for()
    page.wait_for_function(f"document.querySelectorAll('.chart-canvas.chart-drawn svg').length === {len(CHARTS)}")
    for key in CHARTS:
        svg = page.locator(f"#{key} .chart-canvas svg")
        assert svg.count() == 1, key
        assert svg.locator("path, rect").count() > 2, key  # marks, not an empty frame
        # once drawn, the table folds away but stays one click away
        assert page.locator(f"#{key} details.chart-data").get_attribute("open") is None, key
    text = " ".join(page.locator(".chart-canvas svg").all_text_contents())
    for word in words:
        assert word in text, word
    _local(requests, live_server.url)


def _table_rows(page: Any, key: str) -> list[list[str]]:
    rows = []
    for tr in page.locator(f"#{key} table tr").all():
        cells = [c.strip() for c in tr.locator("th, td").all_text_contents()]
        rows.append([_as_csv(c) for c in cells])
    return rows


def _as_csv(cell: str) -> str:
    """A table cell as the CSV writes it: unknown and absent empty, no grouping, "≥N"."""
    if cell in ("s. d.", "n/a", "—"):
        return ""
    if re.fullmatch(r"≥?\s?[0-9][0-9.,\s]*", cell):
        return re.sub(r"[\s.,]", "", cell)  # the fixture's amounts are whole numbers
    return cell


@pytest.mark.parametrize("key", ["personnel", "money-sale", "authorizations"])
def test_csv_download_matches_the_table(live_server: Any, browser: Any, key: str) -> None:
    page = browser.new_page(accept_downloads=True)
    requests: list[str] = []
    _watch(page, requests)
    page.goto(live_server.url + "/es/cifras/?country=peru")
    with page.expect_download() as info:
        page.locator(f"#{key} .chart-links a[download]").click()
    download = info.value
    assert download.suggested_filename == f"{key}-peru.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    table = _table_rows(page, key)
    assert len(rows) > 1
    assert rows == table
    _local(requests, live_server.url)


def test_tables_are_read_without_javascript(live_server: Any, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests: list[str] = []
    _watch(page, requests)
    page.goto(live_server.url + "/en/figures/?country=peru")
    for key in CHARTS:
        table = page.locator(f"#{key} table")
        assert table.is_visible(), key
    assert page.locator(".chart-canvas svg").count() == 0
    assert "≥\xa049" in page.locator("#personnel table").inner_text()  # a lower bound says so
    context.close()
    _local(requests, live_server.url)


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not vendored")
@pytest.mark.parametrize("width", [1200, 360])
def test_drawn_charts_fit_a_phone_and_pass_axe(live_server: Any, browser: Any, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    requests: list[str] = []
    _watch(page, requests)
    page.goto(live_server.url + "/es/cifras/?country=peru")
    page.wait_for_function(f"document.querySelectorAll('.chart-canvas.chart-drawn svg').length === {len(CHARTS)}")
    sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 0, f"scrolls sideways by {sideways}px"
    # axe is evaluated through the browser's protocol: the pages' policy refuses injected inline scripts
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))",
        AXE_TAGS,
    )
    assert violations == []
    _local(requests, live_server.url)
