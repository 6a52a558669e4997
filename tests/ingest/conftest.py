"""Shared fixtures for the importer tests: the bundled files, small fixture files, database counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

from veeduria.evidence.models import Citation, Revision, Source

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = ROOT / "data" / "external"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def counts() -> dict[str, int]:
    """Rows of every record table plus sources, citations and revisions."""
    out = {m.__name__: m.objects.count() for m in apps.get_app_config("records").get_models()}
    out.update(Source=Source.objects.count(), Citation=Citation.objects.count(), Revision=Revision.objects.count())
    return out


@pytest.fixture
def external() -> Path:
    return EXTERNAL


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    """Reports of skipped rows go to a temporary VEEDURIA_DATA_DIR."""
    settings.DATA_DIR = tmp_path / "var"
    return settings.DATA_DIR
