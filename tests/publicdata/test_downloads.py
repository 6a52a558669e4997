"""The downloads page and its files: generated on demand, kept until the data change, served without waiting."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from veeduria.evidence.revisions import withdraw
from veeduria.publicdata import cache
from veeduria.records import models as m


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.alternates: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(tag)
        if tag == "link" and dict(attrs).get("rel") == "alternate" and dict(attrs).get("type"):
            self.alternates.append(dict(attrs))


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The languages whose export set the portal started writing (the thread itself is not run here)."""
    calls: list[str] = []
    monkeypatch.setattr(cache, "start_writing", calls.append)
    return calls


@pytest.mark.django_db
def test_page_lists_every_file_with_size_count_and_checksum(
    loaded: Path, data_dir: Path, client: Client, started: list[str]
) -> None:
    folder, manifest = cache.current_set("es")
    assert folder.parent == data_dir / "exports"
    response = client.get("/es/datos/")
    assert response.status_code == 200
    html = response.content.decode()
    page = outline(html)
    assert page.headings.count("h1") == 1 and page.headings[0] == "h1"
    for f in manifest["files"]:
        assert f'href="/es/datos/{f["name"]}"' in html
        assert f["sha256"] in html.replace("<wbr>", "")
    assert "Autorizaciones (CSV)" in html and "Autorizaciones: lugares autorizados (CSV)" in html
    assert {a["href"] for a in page.alternates if a["type"] == "application/atom+xml"} == {
        "/es/feeds/autorizaciones/",
        "/es/feeds/hallazgos/",
        "/es/feeds/verificaciones/",
    }
    assert "CC BY-SA 4.0" in html
    assert manifest["created"] not in html  # the date is written for readers, not as ISO 8601
    assert started == []  # the set was current: nothing to write


@pytest.mark.django_db
def test_english_page_and_file(loaded: Path, data_dir: Path, client: Client, started: list[str]) -> None:
    _folder, manifest = cache.current_set("en")
    response = client.get("/en/data/")
    assert response.status_code == 200
    assert "<h1>Open data</h1>" in response.content.decode()
    entry = next(f for f in manifest["files"] if f["name"] == "authorizations.csv")
    file = client.get("/en/data/authorizations.csv")
    body = b"".join(file.streaming_content)  # type: ignore[attr-defined]
    assert file["Content-Type"] == "text/csv; charset=utf-8"
    assert file["Content-Disposition"] == 'attachment; filename="authorizations.csv"'
    assert hashlib.sha256(body).hexdigest() == entry["sha256"]
    assert body.decode().splitlines()[0].startswith("Id,Status,")


@pytest.mark.django_db
def test_unknown_files_are_not_served(loaded: Path, data_dir: Path, client: Client) -> None:
    cache.current_set("es")
    manifest = client.get("/es/datos/manifest.json")
    assert manifest.status_code == 200 and b"".join(manifest.streaming_content).startswith(b"{")  # type: ignore[attr-defined]
    for name in ("nope.csv", "..", ".lock-es", "veeduria.sqlite.part"):
        assert client.get(f"/es/datos/{name}").status_code == 404, name


@pytest.mark.django_db
def test_nothing_written_yet_is_a_503_and_starts_the_writing(
    loaded: Path, data_dir: Path, client: Client, started: list[str]
) -> None:
    response = client.get("/es/datos/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "se están preparando" in response.content.decode()
    assert client.get("/es/datos/authorizations.csv").status_code == 503
    assert started == ["es", "es"]


@pytest.mark.django_db
def test_changed_data_serve_the_previous_set_while_the_new_one_is_written(
    loaded: Path, data_dir: Path, client: Client, started: list[str]
) -> None:
    old_folder, _old = cache.current_set("es")
    withdraw(m.Authorization.objects.get(pk="rl-100"), reason="duplicado", author="test")
    response = client.get("/es/datos/")
    assert response.status_code == 200 and "se están actualizando" in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # this page changes once the new set is written
    assert started == ["es"]
    new_folder, new = cache.current_set("es")  # what the thread does
    assert new_folder != old_folder and not old_folder.exists()
    assert {f["name"]: f["records"] for f in new["files"]}["authorizations.csv"] == 0
    started.clear()
    again = client.get("/es/datos/")
    assert "se están actualizando" not in again.content.decode() and started == []
    assert "no-store" not in again.get("Cache-Control", "")


@pytest.mark.django_db
def test_the_set_is_kept_while_the_data_do_not_change(loaded: Path, data_dir: Path) -> None:
    first, manifest = cache.current_set("es")
    second, again = cache.current_set("es")
    assert first == second and again["created"] == manifest["created"]


@pytest.mark.django_db(transaction=True)
def test_the_writing_thread_writes_the_set(loaded: Any, data_dir: Path) -> None:
    cache.start_writing("es").join(timeout=120)
    found, fresh = cache.available_set("es")
    assert fresh and found is not None and (found[0] / "veeduria.sqlite").exists()
