"""Counts kept per data version (``veeduria.counts_cache``): computed once per version, again after a change of
the data, and counted ahead by ``warm_counts`` so that the home page and the lists count nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from veeduria import counts_cache
from veeduria.evidence.models import Status
from veeduria.evidence.revisions import withdraw
from veeduria.portal.warm_counts import warm_counts
from veeduria.records import models as m


@pytest.fixture
def kept_counts() -> Iterator[None]:
    """Counts kept, in a cache of this test's own."""
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counts": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-counts"},
        "responses": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-responses"},
    }
    with override_settings(LIST_COUNTS_CACHE=True, CACHES=caches):
        yield


def test_computed_once_per_data_version(kept_counts: None, dataset: dict[str, Any]) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return m.Activity.objects.exclude(status=Status.WITHDRAWN).count()

    first = counts_cache.kept("activities", compute)
    assert counts_cache.kept("activities", compute) == first and len(calls) == 1
    withdraw(m.Activity.objects.first(), reason="a duplicate", author="test")  # a revision: a new data version
    assert counts_cache.kept("activities", compute) == first - 1 and len(calls) == 2


def test_off_computes_every_time(dataset: dict[str, Any]) -> None:
    calls: list[int] = []
    for _ in range(2):
        counts_cache.kept("x", lambda: calls.append(1) or 1)
    assert len(calls) == 2


def _counting(queries: list[dict[str, str]]) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "records_activity" in q["sql"]]


@pytest.mark.parametrize("url", ["/es/", "/en/", "/es/actividades/", "/es/cifras/", "/en/figures/"])
def test_warmed_pages_count_no_activities(kept_counts: None, dataset: dict[str, Any], url: str) -> None:
    client = Client()
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    assert _counting(before.captured_queries), "the page counts activities when nothing is kept"
    withdraw(m.Activity.objects.first(), reason="a duplicate", author="test")
    assert warm_counts() > 0
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert _counting(after.captured_queries) == []


def test_api_counts_are_kept_per_filters_until_the_data_changes(kept_counts: None, dataset: dict[str, Any]) -> None:
    client = Client()
    url = "/api/v1/records/activities?country=usa&page_size=1"
    first = client.get(url).json()
    with CaptureQueriesContext(connection) as again:
        assert client.get(f"{url}&page=1").json()["count"] == first["count"]  # the page is not part of the key
    assert not _counting(again.captured_queries)
    assert client.get(f"{url}&kind=training").json()["count"] != first["count"]  # other filters, another count
    withdraw(m.Activity.objects.filter(countries="usa").first(), reason="a duplicate", author="test")
    assert client.get(url).json()["count"] == first["count"] - 1
