"""The Foreign Military Training Report importer on the shipped file, an updated file and another country."""

from __future__ import annotations

import csv
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Count

from veeduria.evidence.models import Citation, Revision, Source
from veeduria.ingest.importers import run_import
from veeduria.ingest.importers.fmtrpt import normalise_program
from veeduria.records.models import Activity, Country

from .conftest import counts

pytestmark = pytest.mark.django_db
SHIPPED = "peru-us/sfm_fmtrpt_training_PER.csv"


def test_shipped_file(external: Path) -> None:
    report = run_import("fmtrpt", external / SHIPPED, country="PER")
    assert (report.created, report.updated, report.unchanged) == (4221, 0, 0)
    assert report.filtered == 8  # program total rows (no course): not activities
    assert report.unknown_columns == [] and report.skipped == []
    held = dict(
        Activity.objects.values("host_country__iso3").annotate(n=Count("pk")).values_list("host_country__iso3", "n")
    )
    assert (held.pop("PER"), sum(held.values()) - held[None], held[None]) == (553, 2748, 920)
    assert Activity.objects.filter(countries__iso3="PER").count() == 4221  # Peruvian trainees in every course
    assert "place of the courses: 553 in the trainees' country, 2748 in another country, 920 with no known country" in (
        report.notes
    )
    citation = Citation.objects.get(locator="report FY1999-2000, row 2")
    first = Activity.objects.get(pk=citation.object_id)
    assert first.name_es == "Curso «ACFT MAINTENANCE OFF» (IMET, AF 1999)"
    assert first.program == "IMET" and first.fiscal_year == "1999"
    assert first.cost == Decimal("3160.00") and first.currency == "USD" and first.personnel_best == 4
    assert first.provider_country.iso3 == "USA" and first.host_country is None  # no location in the report
    assert [c.iso3 for c in first.countries.all()] == ["PER"]  # the trainees' country takes part
    assert (first.place, first.place_precision) == ("", "unknown")
    source = citation.source
    assert source.repository == "security-force-monitor/fmtrpt_data"
    assert source.commit == "203d73fa287796fe5266db58a75c48cbb53ff4ad" and source.licence.startswith("MIT")
    with_page = Citation.objects.filter(source=source, locator__contains="p. ").first()
    assert with_page is not None and with_page.locator.startswith("report FY")
    # programs normalised, dates m/d/yyyy and m/d/yy, costs "$22,660"
    programs = set(Activity.objects.values_list("program", flat=True))
    assert {"IMET", "FMF", "INCLE", "Section 333", "Section 1004", "Regional Centers", "CTFP"} <= programs
    assert Activity.objects.filter(start_date__year=2001, start_precision="day").exists()
    # scrape artefacts are kept with a note, not silently cleaned
    spilled = Activity.objects.filter(description_en__contains="holds two dates").count()
    assert spilled == 170 + 18 + 13 + 10 + 6 + 5 + 5 + 2 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1
    assert Activity.objects.filter(description_en__contains="trailing text").count() == 1


def test_second_run_changes_nothing(external: Path) -> None:
    run_import("fmtrpt", external / SHIPPED, country="PER")
    before = counts()
    report = run_import("fmtrpt", external / SHIPPED, country="PER")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4221)
    assert counts() == before


def test_updated_file_updates_only_what_changed(external: Path, tmp_path: Path) -> None:
    path = tmp_path / "sfm_fmtrpt_training_PER.csv"
    shutil.copy(external / SHIPPED, path)
    run_import("fmtrpt", path, country="PER")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("1999_2000,") and '"$3,160"' in lines[1]
    lines[1] = lines[1].replace('"$3,160"', '"$3,610"')
    path.write_text("".join(lines), encoding="utf-8")
    before = counts()
    report = run_import("fmtrpt", path, country="PER")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4220)
    after = counts()
    assert after["Revision"] == before["Revision"] + 1
    assert {k: v for k, v in after.items() if k != "Revision"} == {k: v for k, v in before.items() if k != "Revision"}
    revision = Revision.objects.filter(action="update").get()
    assert revision.changes == {"cost": ["3160", "3610"]}
    assert revision.author == "import:fmtrpt" and "sfm_fmtrpt_training_PER.csv" in revision.reason


def test_final_tsv_layout_of_another_country(fixtures: Path) -> None:
    """SFM's final TSV (tab-separated, ``training:``/``qa:`` names), Colombia and Ecuador rows."""
    report = run_import("fmtrpt", fixtures / "fmtrpt_final_COL.tsv")
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert Country.objects.filter(iso3__in=["COL", "ECU", "USA"]).count() == 3
    col = Activity.objects.filter(countries__iso3="COL")  # Colombian trainees
    assert col.count() == 3
    # where each course took place: Fort Benning (US), Bogotá (Colombia), "CARTAGENA" (Colombia or Spain: unknown)
    where = {a.place: (a.host_country.iso3 if a.host_country else None, a.place_precision) for a in col}
    assert where == {
        "FT BENNING, GA": ("USA", "locality"),
        "BOGOTA": ("COL", "locality"),
        "CARTAGENA": (None, "unknown"),
    }
    assert Activity.objects.get(countries__iso3="ECU").host_country.iso3 == "USA"  # "STENNIS, MS"
    assert "1 in the trainees' country, 2 in another country, 1 with no known country" in report.notes[-1]
    imet = col.get(program="IMET")
    assert imet.cost == Decimal("45120.00") and imet.start_date.isoformat() == "2019-01-07"
    assert imet.recipient_unit == "Ejército Nacional" and imet.provider_unit == "FT BENNING, GA"
    assert Citation.objects.get(object_id=imet.pk).locator == "report FY2019-2020, p. 312, row 2"
    assert not Activity.objects.filter(host_country__iso3="PER").exists()
    assert not Activity.objects.filter(countries__iso3="PER").exists()
    # --country keeps only that country's rows
    report = run_import("fmtrpt", fixtures / "fmtrpt_final_COL.tsv", country="ECU")
    assert (report.created, report.unchanged, report.filtered) == (0, 1, 3)
    assert Source.objects.filter(pk="fmtrpt-fmtrpt-final-col").exists()


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("International Military Education And Training (IMET), FY 99", ("IMET", "1999")),
        ("IMET-1 - Fiscal Year 2010 Department of State Training", ("IMET", "2010")),
        (
            "DOS Western Hemisphere Region, Peru,  International Narcotics and Law Enforcement (INL),FY03",
            ("INCLE", "2003"),
        ),
        ("INCLE - Fiscal Year 2019 Department of State Training", ("INCLE", "2019")),
        ("Section 333 - Fiscal Year 2018 Department of Defense Training", ("Section 333", "2018")),
        (
            "DOD Western Hemisphere Region, Peru,  Foreign Assistance Act Draw Down, Section 506, FY05",
            ("Section 506", "2005"),
        ),
        (
            "DOD Western Hemisphere Region, Peru,  Center For Hemispheric Defense Studies(CHDS), FY02",
            ("Regional Centers", "2002"),
        ),
        ("FMF - FY 2009 DoS Training", ("FMF", "2009")),
        ("Something New - Fiscal Year 2022 Department of State Training", ("Something New", "2022")),
    ],
)
def test_program_normalisation(label: str, expected: tuple[str, str]) -> None:
    assert normalise_program(label) == expected


def test_repeated_key_in_another_report_group_does_not_break_the_import(tmp_path: Path) -> None:
    """Occurrence counters are kept per report year (bounded memory): a row repeated after another report
    year's rows gets the same id again. The import must not fail on it; the repeat updates the record."""
    header = (
        "report_fy,program,course_title,us_unit,student_unit,location,start_date,end_date,quantity,total_cost,"
        "page_number,source_path,source_commit\n"
    )
    row_a = "2019_2020,IMET-1 - Fiscal Year 2019,COURSE A,U,S,L,1/7/2019,1/8/2019,2,$10,1,x,y\n"
    row_b = "2020_2021,IMET-1 - Fiscal Year 2020,COURSE B,U,S,L,1/7/2020,1/8/2020,2,$10,1,x,y\n"
    path = tmp_path / "unsorted_PER.csv"
    path.write_text(header + row_a + row_b + row_a.replace(",2,$10,", ",3,$10,"), encoding="utf-8")
    report = run_import("fmtrpt", path)
    assert (report.created, report.updated) == (2, 1)
    assert Activity.objects.filter(name_es__contains="COURSE A").get().personnel_best == 3


def test_progress_bar_only_when_asked_or_on_a_terminal(fixtures: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_import("fmtrpt", fixtures / "fmtrpt_final_COL.tsv", progress=True)
    assert "fmtrpt fmtrpt_final_COL.tsv [" in capsys.readouterr().err
    run_import("fmtrpt", fixtures / "fmtrpt_final_COL.tsv")  # auto: stderr is not a terminal here
    assert capsys.readouterr().err == ""


def test_where_courses_took_place_checked_against_the_file(external: Path) -> None:
    """An independent reading of the file (csv module, simple rules) agrees with the importer row by row:
    no course is placed in Peru unless its location names Peru or a Peruvian place, a US address is in the
    United States, an empty location is an unknown place."""
    run_import("fmtrpt", external / SHIPPED, country="PER")
    host_by_line = {}
    rows = Citation.objects.filter(source__id__startswith="fmtrpt-", locator__contains="row ")
    for locator, host in rows.values_list("locator", "object_id"):
        host_by_line[int(locator.rsplit("row ", 1)[1])] = host
    activities = {a.pk: a for a in Activity.objects.select_related("host_country")}
    us_address = re.compile(r"(,\s*(US|USA|UNITED STATES)\s*$)|\b[A-Z]{2},? \d{5}\b")
    peru_words = ("PERU", "LIMA", "IQUITOS", "PUCALLPA", "CALLAO", "MAZAMARI", "ANCON", "LORETO", "TUMBES")
    checked = {"PER": 0, "USA": 0, "unknown": 0}
    with (external / SHIPPED).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if line not in host_by_line:
                assert not row["course_title"]  # a program total row, not a course
                continue
            activity = activities[host_by_line[line]]
            iso3 = activity.host_country.iso3 if activity.host_country else None
            location = row["location"].strip().upper()
            assert activity.place == row["location"].strip()[:500]
            if not location:
                assert iso3 is None and activity.place_precision == "unknown"
                checked["unknown"] += 1
            elif us_address.search(location):
                assert iso3 == "USA", location
                checked["USA"] += 1
            if iso3 == "PER":
                assert any(w in location for w in peru_words), location
                checked["PER"] += 1
            elif "PERU" in location:
                assert location == "CNOC, PETALUMA, PERU" and iso3 is None  # names a US place and Peru
            if iso3 is None and location:
                assert activity.place_precision == "unknown"
    assert checked == {"PER": 553, "USA": 1158, "unknown": 307}
    # "Peru (in country training)" names only the country; "Lima, Peru" a locality
    precisions = dict(
        Activity.objects.filter(place__iexact="PERU (IN COUNTRY TRAINING)")
        .values_list("place_precision", "host_country__iso3")
        .distinct()
    )
    assert precisions == {"country": "PER"}
    assert set(Activity.objects.filter(place="Lima, Peru").values_list("place_precision", flat=True)) == {"locality"}
