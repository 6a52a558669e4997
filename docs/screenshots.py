"""Screenshots of the portal for the docs, from a running server (e.g. ``make serve``).

    .venv/bin/python docs/screenshots.py [--base-url http://127.0.0.1:8000] [--authorization ID]

Uses Debian's Chromium (``/usr/bin/chromium``) through Playwright; never downloads a browser.
Writes docs/screenshots/home.png, answer-bases.png, findings.png, authorizations-list.png, authorization.png,
figures.png (English, once the charts are drawn), map.png, timeline.png and phone.png (the home page 360 px wide).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--authorization", help="id of the authorization to show (default: the latest)")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{base}/es/")
        page.screenshot(path=str(OUT / "home.png"))
        page.goto(f"{base}/es/respuestas/bases/")
        page.screenshot(path=str(OUT / "answer-bases.png"))
        page.goto(f"{base}/es/hallazgos/")
        page.screenshot(path=str(OUT / "findings.png"))
        page.goto(f"{base}/es/autorizaciones/")
        page.screenshot(path=str(OUT / "authorizations-list.png"))
        if args.authorization:
            page.goto(f"{base}/es/autorizaciones/{args.authorization}/")
        else:
            page.goto(f"{base}/es/")
            page.locator("a.auth-link").first.click()
        page.wait_for_load_state()
        page.set_viewport_size({"width": 1200, "height": 1500})
        page.screenshot(path=str(OUT / "authorization.png"))
        page.set_viewport_size({"width": 1200, "height": 1100})
        page.goto(f"{base}/en/figures/?country=per")
        page.locator("figure svg, .chart svg, .vega-embed svg").first.wait_for(timeout=15000)
        page.screenshot(path=str(OUT / "figures.png"))
        page.set_viewport_size({"width": 1200, "height": 900})
        page.goto(f"{base}/es/mapa/")
        page.locator(".leaflet-container path").first.wait_for(timeout=15000)
        page.screenshot(path=str(OUT / "map.png"))
        page.goto(f"{base}/es/cronologia/?year=2024")
        page.screenshot(path=str(OUT / "timeline.png"))
        phone = browser.new_page(viewport={"width": 360, "height": 740})
        phone.goto(f"{base}/es/")
        phone.screenshot(path=str(OUT / "phone.png"))
        browser.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
