"""Writers never bring back a merged id: the importer and the dataset loader write to the survivor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BUNDLED
from veeduria.evidence.models import Citation
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.importers import run_import
from veeduria.records.merge import apply_merges
from veeduria.records.models import Authorization

REGISTER = BUNDLED.parent / "external" / "peru-congress" / "Normas-LE-XX-XXI.xlsx"


@pytest.fixture
def merged(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"
    load_folder(BUNDLED)
    run_import("congress-register", REGISTER)
    apply_merges(BUNDLED / "merges.yaml", author="test")


def test_reimport_writes_to_the_survivor(merged: None) -> None:
    count = Authorization.objects.count()
    report = run_import("congress-register", REGISTER)
    assert not Authorization.objects.filter(pk__in=["rl-29922", "rl-30168"]).exists()
    assert Authorization.objects.count() == count
    assert report.created == 0
    survivor = Authorization.objects.get(pk="us-entry-2012-11")
    assert survivor.number == "29922"
    assert Citation.objects.filter(object_id=survivor.pk, source__id__startswith="congress-register").exists()
    again = run_import("congress-register", REGISTER)
    assert (again.created, again.updated) == (0, 0)


def test_reload_does_not_restate_merged_records(merged: None) -> None:
    report = load_folder(BUNDLED)
    assert sum(report.created.values()) == 0
    assert not Authorization.objects.filter(pk__in=["rl-29922", "rl-30168"]).exists()
