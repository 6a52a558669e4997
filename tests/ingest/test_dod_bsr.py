"""DoD Base Structure Report workbooks: six editions with different layouts, renamed sites, formulas."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from veeduria.ingest.importers import ImportFailed, run_import
from veeduria.records.models import Country, Facility, FacilityListing

from .conftest import counts

pytestmark = pytest.mark.django_db
EDITIONS = ("2019", "2020", "2022", "2023", "2024", "2025")


def test_six_editions_of_the_real_workbooks(external: Path) -> None:
    for year in EDITIONS:
        report = run_import("dod-bsr", external / "dod-bsr" / f"DoD_BSR_FY{year}.xlsx", country="PER")
        assert report.created == (3 if year == "2019" else 2), year  # 2019 also creates the facility
    listings = FacilityListing.objects.filter(country__iso3="PER")
    assert listings.count() == 12
    namru = listings.filter(aggregated=False)
    assert sorted(namru.values_list("edition", flat=True)) == [f"FY{y}" for y in EDITIONS]
    assert set(namru.values_list("facility_id", flat=True)) == {"namru-south"}  # renamed site, one facility
    assert set(namru.values_list("site_name", flat=True)) == {
        "Naval Medical Research Center Det",
        "NAVMEDRSCHU SIX LIMA PE",
    }
    fy24 = namru.get(edition="FY2024")
    assert (fy24.buildings_owned, fy24.sqft_owned, fy24.buildings_other, fy24.sqft_other) == (5, 10288, 2, 39526)
    assert fy24.replacement_value_musd == Decimal("30.961") and fy24.acres == Decimal("0.00")
    assert fy24.component == "Navy Active" and fy24.nearest_city == "Lima"
    other = listings.get(edition="FY2025", aggregated=True)
    assert (other.site_count, other.buildings_owned, other.replacement_value_musd) == (3, 8, Decimal("10.810"))
    # "Peru" the city in Indiana (Grissom ARB) is not Peru the country
    assert not FacilityListing.objects.filter(site_name__icontains="grissom").exists()
    assert Facility.objects.get(pk="namru-south").kind == "laboratory"
    before = counts()
    for year in EDITIONS:
        report = run_import("dod-bsr", external / "dod-bsr" / f"DoD_BSR_FY{year}.xlsx", country="PER")
        assert (report.created, report.updated) == (0, 0)
    assert counts() == before


def test_curated_facility_is_used_not_changed(external: Path) -> None:
    per = Country.objects.create(id="per", iso3="PER", name_es="Perú", name_en="Peru")
    Facility.objects.create(
        id="namru-south-callao",
        name_es="Laboratorios de NAMRU SOUTH (Callao)",
        kind="laboratory",
        country=per,
        locality="Callao",
    )
    run_import("dod-bsr", external / "dod-bsr" / "DoD_BSR_FY2024.xlsx", country="PER")
    assert FacilityListing.objects.get(pk="bsr-fy2024-per-namru-south").facility_id == "namru-south-callao"
    assert not Facility.objects.filter(pk="namru-south").exists()
    assert Facility.objects.get(pk="namru-south-callao").locality == "Callao"


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    intro = book.active
    intro.title = "INTRO"
    intro.append(["Base Structure Report - FY26 Baseline (As of 30 Sept 2025)"])
    main = book.create_sheet("Federal DoD Main Report")
    main.append(["Base Structure Report - FY26 Baseline (As of 30 Sept 2025)"])
    main.append(["Criteria: ..."])
    main.append([])
    main.append([])
    main.append(
        [
            "Country/State",
            "Site",
            "Component",
            "Name Nearest City",
            "Count Building Owned",
            "Building Owned SqFt",
            "Count Bldgs Leased",
            "Bldgs Leased SqFt",
            "Count Bldgs Other",
            "Bldgs Other SqFt",
            "Acres Owned",
            "Total Acres",
            "Plant Replacement Value ($M)",
            "Remarks",
        ]
    )
    main.append(["Indiana", "Some ARB", "Air Force Reserve", "COLOMBIA", 9, 900, 0, 0, 0, 0, 1, 1, 50])
    main.append(
        [
            "COLOMBIA",
            "Forward Operating Site Alpha",
            "Army Active",
            "Bogota",
            2,
            1000,
            1,
            500,
            0,
            0,
            12.5,
            12.5,
            "=+E7+G7",
        ]
    )  # formula without a cached value
    other = book.create_sheet("Federal Other Sites")
    other.append(["Base Structure Report - FY26 Baseline"])
    other.append(
        [
            "Country/State",
            "Number Of Sites",
            "Count Bldgs Owned",
            " Owned Bldgs SqFt",
            "Count Bldgs Leased",
            " Leased Bldgs SqFt",
            "Count Bldgs Other",
            " Bldgs Other SqFt",
            " Acres Owned",
            " Total Acres",
            "Plant Replacement Value State ($M)",
        ]
    )
    other.append(["Colombia", 2, 3, 300, 0, 0, 0, 0, 0, 0, 1.25])
    other.append(["Ecuador", 1, 1, 100, 0, 0, 0, 0, 0, 0, 0.5])
    other.append(["Total", "=SUM(B3:B4)", "=SUM(C3:C4)", None, None, None, None, None, None, None, None])
    book.save(path)
    return path


def test_another_country_formulas_and_layout(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bsr_test.xlsx")
    report = run_import("dod-bsr", path, country="COL")
    assert report.created == 3  # facility + listing + other sites
    assert report.unknown_columns == ["Remarks"]
    site = FacilityListing.objects.get(pk="bsr-fy2026-col-forward-operating-site-alpha")
    assert site.replacement_value_musd == Decimal("3.000")  # =+E7+G7 computed: 2 + 1
    assert site.facility_id == "bsr-col-forward-operating-site-alpha" and site.acres == Decimal("12.50")
    assert FacilityListing.objects.get(pk="bsr-fy2026-col-other-sites").site_count == 2
    assert FacilityListing.objects.count() == 2  # the Indiana row whose city is "COLOMBIA" is not Colombia


def test_needs_country_and_a_main_sheet(tmp_path: Path, external: Path) -> None:
    with pytest.raises(ImportFailed, match="lists every country; say which with --country"):
        run_import("dod-bsr", external / "dod-bsr" / "DoD_BSR_FY2024.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["nothing", "here"])
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(ImportFailed, match="no sheet with the main report's columns"):
        run_import("dod-bsr", tmp_path / "empty.xlsx", country="PER")
