"""``veeduria publish``: the mini dataset published into a folder, links checked, incremental reruns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from veeduria.ingest.dataset import load_folder
from veeduria.publish.site import publish

HREF = re.compile(r'(?:href|src)="(/[^"#]*)')


@pytest.fixture
def site(db: Any, mini_dataset: Path, tmp_path: Path) -> Path:
    load_folder(mini_dataset, author="test")
    data = tmp_path / "data"
    data.mkdir()
    with override_settings(DATA_DIR=data):
        report = publish(tmp_path / "site", "http://example.org", progress=False)
    assert report.failed == []
    return tmp_path / "site"


def _resolves(root: Path, url: str) -> bool:
    target = root / url.lstrip("/")
    if url.endswith("/"):
        return any((target / f"index{ext}").exists() for ext in (".html", ".json", ".atom"))
    return any(target.with_name(target.name + ext).exists() for ext in ("", ".json", ".html"))


@pytest.mark.django_db
def test_every_link_in_published_html_resolves(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert (site / "es/index.html").exists() and (site / "en/index.html").exists()
    assert (site / "api/v1/index.json").exists()
    broken = [
        (p, url) for p in pages for url in HREF.findall(p.read_text()) if not _resolves(site, url.replace("&amp;", "&"))
    ]
    assert broken == []


@pytest.mark.django_db
def test_record_page_matches_dynamic_and_rerun_writes_nothing(site: Path, tmp_path: Path) -> None:
    page = next(site.glob("es/*/rl-100/index.html"))
    url = "/" + str(page.parent.relative_to(site)) + "/"
    dynamic = Client(HTTP_HOST="localhost").get(url)
    title = re.search(r"<h1[^>]*>(.*?)</h1>", dynamic.content.decode(), re.S)
    assert title and title.group(1) in page.read_text()
    with override_settings(DATA_DIR=tmp_path / "data"):
        again = publish(site, "http://example.org", progress=False)
    # an Atom feed with no entry is dated by the clock (the feeds' behaviour): only such feeds may change
    changed = [n for n in again.written if not ("/feeds/" in n and "<entry" not in (site / n).read_text())]
    assert changed == [] and again.deleted == []


@pytest.mark.django_db
def test_withdrawn_record_page_removed(site: Path, tmp_path: Path) -> None:
    from veeduria.evidence.revisions import withdraw
    from veeduria.records.models import Authorization

    withdraw(Authorization.objects.get(pk="rl-100"), reason="test", author="test")
    with override_settings(DATA_DIR=tmp_path / "data"):
        again = publish(site, "http://example.org", progress=False)
    assert not list(site.glob("es/*/rl-100/index.html")) or any("rl-100" in d for d in again.deleted)
    assert 0 < len(again.written) < again.pages
