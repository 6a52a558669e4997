"""The home page leads with the answers, then the ways in, the counts last; every page's shell (skip link,
navigation, footer, favicon) and the admin's titles."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from veeduria.evidence.models import Status

from .conftest import make_authorization

LANGS = ("es", "en")


def _url(name: str, lang: str, **kwargs: Any) -> str:
    with override(lang):
        return reverse(name, kwargs=kwargs or None)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("lang", "order"),
    [
        (
            "es",
            [
                "¿Hay bases militares",
                "Últimas autorizaciones",
                "Hallazgos abiertos",
                "Últimas verificaciones",
                "Explorar",
                "Registros",
            ],
        ),
        (
            "en",
            [
                "Are there United States military bases",
                "Latest authorizations",
                "Open findings",
                "Latest fact-checks",
                "Explore",
                "Records",
            ],
        ),
    ],
)
def test_home_leads_with_the_answers_then_the_ways_in(
    client: Client, dataset: dict[str, Any], lang: str, order: list[str]
) -> None:
    html = client.get(f"/{lang}/").content.decode()
    main = _text(html.split('<div id="main"', 1)[1])
    positions = [main.index(heading) for heading in order]
    assert positions == sorted(positions)
    for name in ("portal:map", "portal:timeline", "portal:figures", "portal:search", "portal:authorizations-list"):
        assert f'"{_url(name, lang)}"' in html
    # the latest fact-check, with its rating, links to its claim
    assert f'href="{_url("portal:claims-detail", lang, pk="us-bases-in-peru")}"' in html
    assert "rating-mostly_false" in html


def test_home_lists_authorizations_by_date_of_decision_unknown_is_unknown(
    client: Client, dataset: dict[str, Any]
) -> None:
    make_authorization("rl-40001", dataset["peru"], dataset["usa"], personnel_total=None, approved_on=None)
    make_authorization("rl-40002", dataset["peru"], dataset["usa"], approved_on=dt.date(2024, 2, 1))
    html = client.get("/es/").content.decode()
    section = html.split('id="latest-title"', 1)[1].split("</section>", 1)[0]
    assert section.index("rl-40002") < section.index("rl-32214")
    row = section.split("rl-40001", 1)[1].split("</tr>", 1)[0]
    assert "desconocido" in row and ">0<" not in row
    assert "rl-99999" not in section  # withdrawn


def test_home_without_fact_checks_says_so(client: Client, dataset: dict[str, Any]) -> None:
    from veeduria.factchecks.models import Review

    Review.objects.update(status=Status.WITHDRAWN)
    html = client.get("/en/").content.decode()
    section = html.split('id="checks-title"', 1)[1].split("</section>", 1)[0]
    assert "No fact-checks published." in section
    assert "rating-mostly_false" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_shell_skip_link_navigation_footer_favicon(client: Client, dataset: dict[str, Any], lang: str) -> None:
    html = client.get(_url("portal:glossary", lang)).content.decode()
    body = html.split("<body>", 1)[1]
    first_focusable = re.search(r"<(a|button|input|select|textarea|summary)\b[^>]*>", body)
    assert (
        first_focusable
        and 'class="skip-link"' in first_focusable.group(0)
        and 'href="#main"' in first_focusable.group(0)
    )
    assert '<main>\n<div id="main" tabindex="-1">' in html
    assert html.count("<h1") == 1
    # a few main links, the rest in a menu that needs no JavaScript
    main_links = html.split('class="main-links"', 1)[1].split("</ul>", 1)[0]
    assert main_links.count("<li>") <= 8
    menu = html.split('<details class="more">', 1)[1].split("</details>", 1)[0]
    assert f'"{_url("portal:authorizations-list", lang)}"' in menu and "<summary>" in menu
    footer = html.split('<footer class="site">', 1)[1]
    for href in (
        _url("portal:methodology", lang),
        _url("portal:glossary", lang),
        _url("portal:about", lang),
        _url("portal:reliability", lang),
        "/api/v1/docs",
        _url("portal:about", lang) + "#licences",
    ):
        assert f'href="{href}"' in footer, href
    favicon = re.search(r'<link rel="icon" type="image/svg\+xml" href="/static/([^"]+)"', html)
    assert favicon and finders.find(favicon.group(1))
    assert "<svg" in Path(finders.find(favicon.group(1)) or "").read_text()


@pytest.mark.parametrize(("lang", "header"), [("es", "Veeduría: administración"), ("en", "Veeduría: administration")])
def test_admin_is_titled_veeduria(client: Client, db: Any, lang: str, header: str) -> None:
    html = client.get("/admin/login/", headers={"accept-language": lang}).content.decode()
    assert header in html and "Django" not in _text(html).replace("django", "")
    assert "<title>" in html and "Veeduría" in html.split("<title>", 1)[1].split("</title>", 1)[0]


def test_home_without_findings_says_so(client: Client, dataset: dict[str, Any]) -> None:
    html = client.get("/en/").content.decode()
    section = html.split('id="findings-title"', 1)[1].split("</section>", 1)[0]
    assert "No open findings." in section and "See the 0 findings" not in section
    assert f'href="{_url("portal:methodology", "en")}#oversight"' in section
