"""Shared fixtures: the real database of the run (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
BUNDLED = ROOT / "data" / "peru-us"


@pytest.fixture
def mini_dataset(tmp_path: Path) -> Path:
    """A writable copy of the small test dataset."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _static_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """WhiteNoise warns (an error under ``-W error``) when STATIC_ROOT does not exist yet."""
    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        yield


@pytest.fixture(autouse=True, scope="session")
def _search_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The search index of the run: a temporary directory, never the data directory's."""
    with override_settings(SEARCH_DIR=tmp_path_factory.mktemp("search")):
        yield


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages built outside a request (validation, the CLI) in English, as the tests expect; the portal's
    requests choose their language from the URL."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_response_cache() -> Iterator[None]:
    """Whole responses are not kept across requests unless a test asks (tests/test_response_cache.py): tests roll
    their data back, and a data version may repeat from one test to the next."""
    with override_settings(RESPONSE_CACHE=False):
        yield


@pytest.fixture(autouse=True, scope="session")
def _no_rate_limits() -> Iterator[None]:
    """Requests are not rate limited unless a test asks (tests/test_rate_limit.py): every test client has the
    same address."""
    with override_settings(RATE_LIMITS={}):
        yield


@pytest.fixture(autouse=True)
def _no_list_counts_cache() -> Iterator[None]:
    """A list's counts are not kept across requests (veeduria.portal.facets): tests roll their data back, and a
    data version may repeat from one test to the next."""
    with override_settings(LIST_COUNTS_CACHE=False):
        yield
