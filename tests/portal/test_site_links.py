"""Every portal page announces the Atom feeds (for feed readers) and links the open data from its footer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

FEEDS = {
    "es": ["/es/feeds/autorizaciones/", "/es/feeds/hallazgos/", "/es/feeds/verificaciones/"],
    "en": ["/en/feeds/authorizations/", "/en/feeds/findings/", "/en/feeds/fact-checks/"],
}
OPEN_DATA = {"es": "/es/datos/", "en": "/en/data/"}


@pytest.mark.parametrize("url", ["/es/", "/en/", "/es/autorizaciones/", "/en/timeline/"])
def test_feeds_announced_and_open_data_linked(dataset: dict[str, Any], client: Client, url: str) -> None:
    lang = url[1:3]
    html = client.get(url).content.decode()
    assert html.count('type="application/atom+xml"') == 3
    for href in FEEDS[lang]:
        assert f'href="{href}"' in html, (url, href)
    assert f'href="{OPEN_DATA[lang]}"' in html
