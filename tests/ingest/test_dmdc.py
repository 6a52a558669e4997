"""DMDC personnel (troopdata): unknown is not zero, contradictions are visible, the three files meet on one id.

The expectations are read from the bundled files with the csv module, independently of the importer.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from veeduria.evidence.models import AlternativeValue, Citation
from veeduria.ingest.importers import run_import
from veeduria.records.models import PersonnelCount

from .conftest import counts

pytestmark = pytest.mark.django_db

US = "peru-us"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


def _rows(external: Path, name: str) -> list[dict[str, str]]:
    with open(external / US / f"troopdata_rebuild_{name}_PER.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _import_all(external: Path) -> None:
    for name in ("country_year", "reports", "quarter"):
        run_import("dmdc", external / US / f"troopdata_rebuild_{name}_PER.csv", country="PER")


def _count(pk: str) -> int | None:
    return PersonnelCount.objects.get(pk=pk).count


def test_dmdc_bundled_files_no_invented_zero(external: Path) -> None:
    _import_all(external)
    quarter, reports = _rows(external, "quarter"), _rows(external, "reports")
    # quarters without a report (no source; troopdata writes 0 everywhere): an empty total, no other record
    empty = [r for r in quarter if r["source"] in ("", "NA")]
    assert len(empty) == 3 and all(r["troops_ad"] == "0" for r in empty)
    for r in empty:
        when = f"dmdc-per-{r['year']}-{MONTHS.index(r['month']) + 1:02d}"
        total = PersonnelCount.objects.get(pk=f"{when}-total-active-duty")
        assert total.count is None and "No DMDC report" in total.notes_en and total.notes_es
        assert not PersonnelCount.objects.filter(pk__startswith=f"{when}-").exclude(pk=total.pk).exists()
    # troopdata's imputations between reports are not counts
    imputed = [r for r in quarter if "Imputation" in r["source"]]
    assert imputed and all(_count(f"dmdc-per-{r['year']}-06-total-active-duty") is None for r in imputed)
    # the raw report field is the value wherever the file has it (the harmonised navy_ad is 0 there)
    raw_navy = [r for r in reports if r["Navy Active Duty"] != "NA"]
    assert len(raw_navy) == 52 and {r["navy_ad"] for r in raw_navy} == {"0"}
    for r in raw_navy:
        pk = f"dmdc-per-{r['year']}-{MONTHS.index(r['month']) + 1:02d}-navy-active-duty"
        assert _count(pk) == int(r["Navy Active Duty"]) > 0
    # no navy zero from the harmonised column anywhere, and no reserve or civilian count before the reports had
    # those fields (every raw reserve/civilian field is NA before September 2008; troopdata writes 0)
    assert not PersonnelCount.objects.filter(service="navy", category="active_duty", count=0).exists()
    first_raw = min((int(r["year"]), MONTHS.index(r["month"]) + 1) for r in reports if r["Total Civilian"] != "NA")
    assert first_raw == (2008, 9)
    early = PersonnelCount.objects.filter(category__in=["reserve", "civilian"], year__lt=2008)
    assert not early.exists()
    # branch columns that are all 0 beside a total (Kane's annual figures, 2003-2004 of the country-year file)
    assert not PersonnelCount.objects.filter(
        pk__in=["dmdc-per-2003-army-active-duty", "dmdc-per-1951-army-active-duty"]
    )
    # coast guard and space force: 0 in every harmonised row, so only the raw report field's zero is kept
    cg = PersonnelCount.objects.filter(service="coast_guard", category="active_duty")
    assert cg.exists() and all(p.month for p in cg)  # no annual (harmonised-only) coast guard count
    # real zeros: a raw field reading 0 in a populated report, and an old-layout 'Army Total' of 0 whose row adds up
    assert _count("dmdc-per-2025-12-coast-guard-active-duty") == 0
    assert _count("dmdc-per-2025-12-navy-reserve") == 0
    row_1970 = next(r for r in reports if r["year"] == "1970")
    assert row_1970["Army Total"] == "0" and _count("dmdc-per-1970-09-army-active-duty") == 0
    assert _count("dmdc-per-2024-12-navy-active-duty") == 17 and _count("dmdc-per-2025-12-all-all") == 51
    notes = Citation.objects.filter(object_id="dmdc-per-2024-12-navy-active-duty").values_list("note", flat=True)
    assert any("raw DMDC report field 'Navy Active Duty'" in n and "known to be wrong" in n for n in notes)


def test_dmdc_total_contradicted_by_its_row_says_so(external: Path) -> None:
    run_import("dmdc", external / US / "troopdata_rebuild_reports_PER.csv", country="PER")
    row = next(r for r in _rows(external, "reports") if (r["year"], r["month"]) == ("1960", "September"))
    parts = sum(int(row[c]) for c in ("army_ad", "navy_ad", "air_force_ad", "marine_corps_ad"))
    assert (row["troops_ad"], parts) == ("75", 935)
    total = PersonnelCount.objects.get(pk="dmdc-per-1960-09-total-active-duty")
    assert total.count == 75 and "935" in total.notes_es and "935" in total.notes_en
    consistent = PersonnelCount.objects.get(pk="dmdc-per-2025-12-total-active-duty")
    assert consistent.notes_en == "" and not consistent.incomplete


def test_dmdc_same_report_from_two_files_meets_on_one_record(external: Path) -> None:
    """The reports and quarter files give the same months: one record each, with both citations; where the
    quarter file differs (June totals of 2014-2021 are about twice the report), its value is an alternative."""
    run_import("dmdc", external / US / "troopdata_rebuild_reports_PER.csv", country="PER")
    run_import("dmdc", external / US / "troopdata_rebuild_quarter_PER.csv", country="PER")
    pk = "dmdc-per-2014-06-total-active-duty"
    record = PersonnelCount.objects.get(pk=pk)
    assert record.count == 51  # the report's 'Total Active Duty'
    sources = set(Citation.objects.filter(object_id=pk).values_list("source_id", flat=True))
    assert any(s.startswith("dmdc-reports-") for s in sources) and any(s.startswith("dmdc-quarter-") for s in sources)
    quarter_row = next(
        i + 2 for i, r in enumerate(_rows(external, "quarter")) if (r["year"], r["month"]) == ("2014", "June")
    )
    alt = AlternativeValue.objects.get(object_id=pk, field="count")
    assert alt.value == 101 and alt.source_id.startswith("dmdc-quarter-") and alt.locator == f"row {quarter_row}"
    assert not alt.preferred
    # ids depend on country, date, service and category only: no month is stored twice
    months = PersonnelCount.objects.filter(service="total", category="active_duty", month__isnull=False)
    assert months.count() == len({(p.year, p.month) for p in months})


def test_dmdc_reimport_changes_nothing(external: Path) -> None:
    _import_all(external)
    before = counts()
    for name in ("country_year", "reports", "quarter"):
        report = run_import("dmdc", external / US / f"troopdata_rebuild_{name}_PER.csv", country="PER")
        assert (report.created, report.updated) == (0, 0), name
    assert counts() == before


HEADER = "iso3c,year,month,source,troops_ad,Army Active Duty,Navy Active Duty,Total Active Duty,Grand Total"


def test_dmdc_total_added_up_from_unknown_parts_is_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "dmdc_reports_ECU.csv"
    path.write_text(
        HEADER + "\nECU,2023,December,December 2023,NA,10,NA,NA,NA\nECU,2024,March,March 2024,NA,10,7,NA,NA\n",
        encoding="utf-8",
    )
    run_import("dmdc", path)
    # one known part: no total is made up from it
    assert not PersonnelCount.objects.filter(pk="dmdc-ecu-2023-12-total-active-duty").exists()
    total = PersonnelCount.objects.get(pk="dmdc-ecu-2024-03-total-active-duty")
    assert total.count == 17 and total.incomplete  # army + navy; other services unknown: at least 17
    assert "lower bound" in total.notes_en and "mínimo" in total.notes_es
