"""``import_bundled``: every data set of data/external/manifest.yaml, idempotent, each record cited."""

from __future__ import annotations

import re

import pytest
import yaml

from veeduria.evidence.models import Citation
from veeduria.ingest.importers import FORMATS, import_bundled
from veeduria.records.models import Activity, Authorization, FacilityListing, Funding, PersonnelCount

from .conftest import EXTERNAL, counts


def test_manifest_lists_existing_files_with_provenance() -> None:
    data = yaml.safe_load((EXTERNAL / "manifest.yaml").read_text(encoding="utf-8"))
    assert {d["format"] for d in data["datasets"]} == set(FORMATS)
    for item in data["datasets"]:
        assert (EXTERNAL / item["file"]).is_file(), item["file"]
        source = item["source"]
        assert source["title"] and source["repository"] and re.fullmatch(r"[0-9a-f]{40}", source["commit"])
        assert source["licence"]
        assert (EXTERNAL / item["file"]).parent.joinpath("README.md").is_file()
    assert not (EXTERNAL / "claim-matching").exists()


@pytest.mark.django_db
def test_import_bundled_twice() -> None:
    results = import_bundled(progress=False)
    assert len(results) == 15
    assert Activity.objects.filter(kind="training").count() == 4221
    assert Activity.objects.filter(kind="exercise").count() == 30
    assert Authorization.objects.count() == 140
    assert Funding.objects.count() == 139
    assert FacilityListing.objects.count() == 12
    # annual counts without the zeros that stand for "no value" (see tests/ingest/test_dmdc.py)
    assert PersonnelCount.objects.filter(month__isnull=True).count() == 584
    # every imported record cites its data set and its row
    for model in (Activity, Authorization, Funding, FacilityListing, PersonnelCount):
        uncited = model.objects.exclude(pk__in=Citation.objects.values("object_id"))
        assert not uncited.exists(), model.__name__
    assert not Citation.objects.exclude(locator__contains="row").exclude(locator="").exists()
    before = counts()
    again = import_bundled(progress=False)
    assert all((r.created, r.updated) == (0, 0) for _label, r in again), [(n, r.summary()) for n, r in again]
    assert counts() == before
