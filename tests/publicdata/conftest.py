"""The mini dataset loaded through the real loader (with its revisions), and a data directory per test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import override_settings
from django.utils import timezone

from veeduria.evidence.models import Revision
from veeduria.ingest.dataset import load_folder
from veeduria.records import models as m


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    with override_settings(DATA_DIR=folder):
        yield folder


@pytest.fixture
def loaded(db: Any, mini_dataset: Path) -> Path:
    """The mini dataset (two countries, three sources, authorization rl-100) loaded; returns its folder."""
    load_folder(mini_dataset, author="test")
    return mini_dataset


def at(day: str) -> dt.datetime:
    """Noon of ``day`` in the portal's time zone."""
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12)))


def date_revisions(day: str, **filters: Any) -> None:
    """Move the revisions written so far (or those of ``filters``) to ``day``: the history of a test."""
    Revision.objects.filter(**filters).update(created_at=at(day))


def edit_authorizations(folder: Path, change: Any) -> None:
    """Rewrite ``authorizations.yaml`` of ``folder`` through ``change(list_of_records)``."""
    path = folder / "authorizations.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_facility(**values: Any) -> m.Facility:
    from veeduria.evidence.revisions import record_change

    facility = m.Facility.objects.create(
        **{"id": "base-x", "name_es": "Base X", "kind": "base", "country_id": "hst", **values}
    )
    record_change(facility, None, author="test")
    return facility
