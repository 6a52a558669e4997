"""The one write path on a real database: a value that loses is kept as an alternative with its source and
locator, whoever writes (importer, dataset loader, admin), and writing again changes nothing."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import BUNDLED
from tests.portal.test_admin import form_data
from veeduria.evidence.models import AlternativeValue, Revision
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.importers import run_import
from veeduria.records.models import Authorization, Funding
from veeduria.records.permissions import ensure_editor_group

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
ROW = "fa-col-2022-obligation"
CURATED_FUNDING = """\
- id: fa-col-2022-obligation
  flow: assistance
  payer: usa
  payee: col
  fiscal_year: "2022"
  stage: obligation
  amount: 999
  citations:
    - source: src-press-a
"""


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "var"
    return settings.DATA_DIR


def _other_file(tmp_path: Path) -> Path:
    """The same rows from another file, which states another amount for fiscal year 2022's obligations."""
    text = (FIXTURES / "foreignassistance_COL.csv").read_text(encoding="utf-8")
    target = tmp_path / "foreignassistance_COL_revised.csv"
    target.write_text(text.replace("2022,560000000,560000000", "2022,561000000,560000000"), encoding="utf-8")
    return target


def _alternatives(pk: str) -> list[tuple[str, Any, str, str, bool]]:
    return sorted(
        (a.field, a.value, a.source_id, a.locator, a.preferred) for a in AlternativeValue.objects.filter(object_id=pk)
    )


@pytest.mark.django_db
def test_two_files_disagree_the_first_value_stays_the_other_is_kept(tmp_path: Path, data_dir: Path) -> None:
    run_import("foreignassistance", FIXTURES / "foreignassistance_COL.csv")
    report = run_import("foreignassistance", _other_file(tmp_path))
    assert Funding.objects.get(pk=ROW).amount == Decimal("560000000")
    assert _alternatives(ROW) == [
        ("amount", "561000000", "foreignassistance-foreignassistance-col-revised", "row 2", False)
    ]
    assert report.updated >= 1
    revision = Revision.objects.filter(object_id=ROW, action="update").get()
    assert revision.source == "foreignassistance-foreignassistance-col-revised"
    assert "alternatives" in revision.changes
    # again, in either order: nothing changes, nothing is added
    again = run_import("foreignassistance", _other_file(tmp_path))
    first = run_import("foreignassistance", FIXTURES / "foreignassistance_COL.csv")
    assert (again.created, again.updated, first.created, first.updated) == (0, 0, 0, 0)
    assert len(_alternatives(ROW)) == 1


@pytest.mark.django_db
def test_a_curated_value_wins_over_an_import_which_is_kept(tmp_path: Path, data_dir: Path, mini_dataset: Path) -> None:
    run_import("foreignassistance", FIXTURES / "foreignassistance_COL.csv")
    folder = tmp_path / "curated"
    folder.mkdir()
    shutil.copy(mini_dataset / "sources.yaml", folder / "sources.yaml")
    (folder / "funding.yaml").write_text(CURATED_FUNDING, encoding="utf-8")
    load_folder(folder)
    row = Funding.objects.get(pk=ROW)
    assert row.amount == Decimal("999")
    assert _alternatives(ROW) == [("amount", "560000000", "foreignassistance-foreignassistance-col", "row 2", False)]
    # the loader and the importer again: the curated value stays, the imported one is not repeated
    assert sum(load_folder(folder).updated.values()) == 0
    report = run_import("foreignassistance", FIXTURES / "foreignassistance_COL.csv")
    assert (report.created, report.updated) == (0, 0)
    assert Funding.objects.get(pk=ROW).amount == Decimal("999")
    assert len(_alternatives(ROW)) == 1


@pytest.mark.django_db
def test_the_register_date_disagreeing_with_the_curated_one_is_kept(data_dir: Path) -> None:
    load_folder(BUNDLED)
    run_import("congress-register", BUNDLED.parent / "external" / "peru-congress" / "Normas-LE-XX-XXI.xlsx")
    record = Authorization.objects.get(pk="rl-30746")
    assert record.published_on.isoformat() == "2018-04-05"
    kept = AlternativeValue.objects.get(object_id="rl-30746", field="published_on", source__id__startswith="congress")
    assert (kept.value, kept.preferred) == ("2018-04-04", False)
    assert kept.locator.startswith("row ")


@pytest.mark.django_db
def test_an_editor_replacing_an_imported_value_keeps_it(client: Client, data_dir: Path) -> None:
    run_import("foreignassistance", FIXTURES / "foreignassistance_COL.csv")
    user = User.objects.create_user("eva", password="x", is_staff=True)
    user.groups.add(ensure_editor_group())
    client.force_login(user)
    url = f"/admin/records/funding/{ROW}/change/"
    data = form_data(client.get(url))
    data.update(amount="555000000", revision_reason="cifra corregida según el informe anual")
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert Funding.objects.get(pk=ROW).amount == Decimal("555000000")
    assert _alternatives(ROW) == [("amount", "560000000", "foreignassistance-foreignassistance-col", "row 2", False)]
    revision = Revision.objects.filter(object_id=ROW, author="eva").get()
    assert revision.changes["amount"] == ["560000000", "555000000"]
    # the next import does not take the value back
    run_import("foreignassistance", FIXTURES / "foreignassistance_COL.csv")
    assert Funding.objects.get(pk=ROW).amount == Decimal("555000000")
