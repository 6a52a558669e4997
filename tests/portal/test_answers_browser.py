"""A real browser on the answer page and the findings page: the answer leads, the language switch keeps the
pair, the findings filters work without JavaScript (a plain form)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from veeduria.oversight.models import Finding

from .test_browser import ARGS, CHROMIUM, _wait_for_request_threads

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def records(dataset: dict[str, Any]) -> dict[str, Any]:
    """Two findings written before the browser starts (the ORM must not run inside Playwright's context)."""
    auth = dataset["authorization"]
    activity = auth.activities.get()
    for rule, severity, reason, values in (
        ("personnel_over_limit", "violation", "personnel_over", {"limit": 100, "low": 120}),
        ("outside_window", "undetermined", "window_imprecise", {"activity_start": "2023-07-01"}),
    ):
        Finding.objects.create(
            activity=activity, authorization=auth, rule=rule, severity=severity, reason=reason, values=values
        )
    return dataset


@pytest.fixture
def page(live_server: Any, records: dict[str, Any]) -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
        finally:
            browser.close()
    _wait_for_request_threads()


def test_answer_page_and_findings_page(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/es/")
    question = page.get_by_role("link", name="¿Hay bases militares de Estados Unidos en Perú?")
    assert question.is_visible()
    question.click()
    assert page.url.endswith("/es/respuestas/bases/PER/USA/")
    assert page.locator(".answer-sentence").inner_text().startswith("No se documenta ninguna base militar")
    assert page.get_by_role("heading", name="Declaraciones oficiales").is_visible()
    page.locator("[data-lang-switch=en]").click()
    assert page.url.endswith("/en/answers/bases/PER/USA/")
    assert page.get_by_role("heading", name="Are there United States military bases in Peru?").is_visible()

    page.goto(f"{live_server.url}/es/hallazgos/")
    assert "2 hallazgos" in page.locator(".summary").inner_text()
    page.select_option("select[name=severity]", "violation")
    page.get_by_role("button", name="Filtrar").click()
    assert "severity=violation" in page.url
    assert "1 hallazgo" in page.locator(".summary").inner_text()
    assert page.get_by_text("Participaron en la actividad más efectivos extranjeros", exact=False).is_visible()
    assert page.get_by_text("no son lo bastante precisas", exact=False).count() == 0
