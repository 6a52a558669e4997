"""A real browser (Debian's Chromium through Playwright): home → an authorization → English.

Set ``VEEDURIA_SCREENSHOTS=1`` to also write docs/screenshots/*.png (home, a list, an authorization).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ..browser_requests import requests_leaving
from .conftest import make_authorization

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def records(dataset: dict[str, Any]) -> dict[str, Any]:
    """The fixture records and three more authorizations, all written before the browser starts: the ORM
    must not run inside Playwright's context (it would open a second, never closed, connection)."""
    for i, number in enumerate(("32004", "31876", "31559")):
        make_authorization(f"rl-{number}", dataset["peru"], dataset["usa"], approved_on=dt.date(2022 - i, 3, 1))
    return dataset


@pytest.fixture
def browser_page(live_server: Any, records: dict[str, Any]) -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, device_scale_factor=1)
            outside = requests_leaving(page)
            yield page
        finally:
            browser.close()
    _wait_for_request_threads()
    assert not outside, f"requests left the machine: {outside}"


def _wait_for_request_threads(timeout: float = 10.0) -> None:
    """Let the live server's request threads end (and close their database connections) once the browser
    has gone: otherwise PostgreSQL refuses to drop the test database while they are still connected."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not [t for t in threading.enumerate() if "process_request_thread" in t.name]:
            return
        time.sleep(0.05)


def test_home_to_authorization_to_english(live_server: Any, browser_page: Any) -> None:
    shots = os.environ.get("VEEDURIA_SCREENSHOTS") == "1"
    if shots:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    page.goto(f"{live_server.url}/es/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Últimas autorizaciones").is_visible()
    if shots:
        page.screenshot(path=str(SCREENSHOTS / "home.png"))
    page.locator('a.auth-link[href="/es/autorizaciones/rl-32214/"]').click()
    page.wait_for_url("**/es/autorizaciones/rl-32214/")
    assert page.get_by_role("heading", name="Desacuerdos entre fuentes").is_visible()
    if shots:
        page.set_viewport_size({"width": 1200, "height": 1500})
        page.screenshot(path=str(SCREENSHOTS / "authorization.png"))
        page.set_viewport_size({"width": 1200, "height": 900})
    page.locator('a[data-lang-switch="en"]').click()
    page.wait_for_url("**/en/authorizations/rl-32214/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Resolution rl-32214").is_visible()
    assert page.get_by_role("heading", name="Disagreements between sources").is_visible()
    assert page.get_by_text("May 2023").first.is_visible()
    if shots:
        page.goto(f"{live_server.url}/es/autorizaciones/")
        page.screenshot(path=str(SCREENSHOTS / "authorizations-list.png"))
