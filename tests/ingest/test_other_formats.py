"""DMDC counts, Vine's sites, MME exercises and ForeignAssistance.gov totals: shipped files and another country."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from veeduria.ingest.importers import ImportFailed, run_import
from veeduria.records.models import Activity, Facility, FacilityClassification, Funding, PersonnelCount

from .conftest import counts

pytestmark = pytest.mark.django_db
US = "peru-us"


def test_dmdc_another_country(fixtures: Path) -> None:
    report = run_import("dmdc", fixtures / "dmdc_reports_ECU.csv")
    assert report.created == 2 * 7 and report.notes == ["layout: reports"]
    navy = PersonnelCount.objects.get(pk="dmdc-ecu-2023-12-navy-active-duty")
    assert navy.count == 7 and navy.host_country.iso3 == "ECU" and navy.sending_country.iso3 == "USA"
    assert PersonnelCount.objects.get(pk="dmdc-ecu-2023-09-all-all").count == 36


def test_vine_sites(external: Path) -> None:
    report = run_import("vine-sites", external / US / "troopdata_basedata_PER.csv", country="PER")
    assert (report.created, report.updated) == (5 + 6, 0)
    iquitos = Facility.objects.get(pk="vine-per-imf-santa-rosa-iquitos")
    assert (
        iquitos.name_es == "Sitio «IMF Santa Rosa, Iquitos» (lista de David Vine)"
        and iquitos.reliability == "unverified"
    )
    labels = set(FacilityClassification.objects.filter(facility=iquitos).values_list("label", flat=True))
    assert labels == {"lily pad", "funded site"}
    scheme = set(FacilityClassification.objects.values_list("scheme", flat=True))
    assert scheme == {"David Vine, US military bases abroad (via troopdata)"}
    assert not FacilityClassification.objects.filter(label="major base").exists()
    before = counts()
    assert run_import("vine-sites", external / US / "troopdata_basedata_PER.csv", country="PER").unchanged == 11
    assert counts() == before


def test_vine_sites_merge_only_by_matching_id(fixtures: Path) -> None:
    from veeduria.records.models import Country

    col = Country.objects.create(id="col", iso3="COL", name_es="Colombia", name_en="Colombia")
    Facility.objects.create(
        id="palanquero", name_es="Base Aérea Germán Olano (Palanquero)", kind="airfield", country=col
    )
    report = run_import("vine-sites", fixtures / "vine_sites_COL.csv")
    assert report.created == 1 + 3  # one new facility, three classifications
    assert Facility.objects.get(pk="palanquero").name_es == "Base Aérea Germán Olano (Palanquero)"
    assert FacilityClassification.objects.get(facility_id="palanquero").label == "lily pad"
    assert Facility.objects.filter(pk="vine-col-tres-esquinas").exists()


def test_mme(external: Path) -> None:
    wide = run_import("mme", external / US / "mme_v7_wide_PER.csv")
    assert (wide.created, wide.updated) == (30, 0)
    long = run_import("mme", external / US / "mme_v7_long_PER.csv")
    assert (long.created, long.unchanged, long.updated) == (0, 0, 30)  # adds its citation
    ex = Activity.objects.get(pk="mme-mme324")
    assert ex.kind == "exercise" and ex.name_es == "Unitas 83"
    assert (ex.start_date, ex.start_precision) == (dt.date(1983, 6, 1), "month")
    assert ex.host_country is None and ex.place == "around the South American continent"  # no one country
    assert {c.iso3 for c in ex.countries.all()} == {"BRA", "CHL", "COL", "ECU", "PER", "USA", "URY", "VEN"}
    assert "naval" in ex.description_es and "Sea" not in ex.description_es
    day = Activity.objects.get(pk="mme-mme1451")
    assert (day.start_date, day.start_precision, day.end_date) == (dt.date(1996, 10, 12), "day", dt.date(1996, 10, 18))
    assert day.name_es.startswith("Ejercicio multinacional sin nombre")
    before = counts()
    for name in ("wide", "long"):
        report = run_import("mme", external / US / f"mme_v7_{name}_PER.csv")
        assert (report.created, report.updated) == (0, 0)
    assert counts() == before


def test_mme_where_exercises_took_place(external: Path) -> None:
    """The country an exercise took place in comes from its location text; a country's centroid is country
    precision; the rows the re-check found wrong are corrected with the MME value kept in the notes."""
    run_import("mme", external / US / "mme_v7_wide_PER.csv")
    run_import("mme", external / US / "mme_v7_long_PER.csv")
    held = {a.pk: (a.host_country.iso3 if a.host_country else None) for a in Activity.objects.all()}
    assert held["mme-mme3348"] == "USA"  # RIMPAC 2010, "waters surrounding the Hawaiian islands"
    rimpac = Activity.objects.get(pk="mme-mme3348")
    assert rimpac.place_precision == "department" and "PER" in {c.iso3 for c in rimpac.countries.all()}
    in_peru = sorted(pk for pk, iso3 in held.items() if iso3 == "PER")
    assert in_peru == ["mme-mme1451", "mme-mme2490", "mme-mme3122", "mme-mme3131", "mme-mme946"]
    unknown = sorted(pk for pk, iso3 in held.items() if iso3 is None)
    assert unknown == ["mme-mme2199", "mme-mme2849", "mme-mme324", "mme-mme3370", "mme-mme398", "mme-mme655"]
    assert held["mme-mme2882"] == "COL"  # "Colombian city of Leticia"
    # "Colombia" at Colombia's centroid: the country, not a place
    colombia = Activity.objects.get(pk="mme-mme2013")
    assert (colombia.host_country.iso3, colombia.place_precision, colombia.latitude) == ("COL", "country", 4.570868)
    # Huacho 2008: the coordinates in Costa Rica are set aside, kept in the notes, with the reason in both languages
    huacho = Activity.objects.get(pk="mme-mme3122")
    assert (huacho.latitude, huacho.longitude, huacho.place_precision) == (None, None, "locality")
    assert "Costa Rica" in huacho.notes_es and "Costa Rica" in huacho.notes_en and "E7" in huacho.notes_en
    assert "latitud 11.0519916" in huacho.notes_es and "longitude -85.6948458" in huacho.notes_en
    assert "latitude = 11.0519916 set aside" in huacho.editor_notes
    unitas = Activity.objects.get(pk="mme-mme2199")
    assert unitas.latitude is None and "Minnesota" in unitas.notes_es and "44.4569347" in unitas.notes_en
    # flagged, not changed: no US participant in two rows; a trilateral exercise
    for pk in ("mme-mme2882", "mme-mme3131"):
        ex = Activity.objects.get(pk=pk)
        assert "USA" not in {c.iso3 for c in ex.countries.all()} and "no US participant" in ex.notes_en
    assert "trilateral" in Activity.objects.get(pk="mme-mme1451").notes_en
    # the public notes never carry the editor notes
    assert not Activity.objects.exclude(editor_notes="").filter(notes_en__contains="corrections/mme.yaml").exists()


def test_mme_another_country_and_unknown_participants(fixtures: Path) -> None:
    report = run_import("mme", fixtures / "mme_wide_ECU.csv")
    assert report.created == 2
    assert any("Atlantis" in n for n in report.notes)
    ex = Activity.objects.get(pk="mme-mme9001")
    assert ex.host_country.iso3 == "ECU" and ex.start_precision == "month"  # "Guayaquil"
    assert ex.place_precision == "locality" and (ex.latitude, ex.longitude) == (-2.19, -79.88)
    assert {c.iso3 for c in ex.countries.all()} == {"ECU", "USA", "COL"}


def test_mme_without_a_common_country_needs_country(fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "mme_mixed.csv"
    text = (fixtures / "mme_wide_ECU.csv").read_text(encoding="utf-8")
    path.write_text(text.replace(",Ecuador,United States,Atlantis", ",Chile,Argentina,"), encoding="utf-8")
    with pytest.raises(ImportFailed, match="no country takes part in every exercise"):
        run_import("mme", path)
    assert run_import("mme", path, country="ECU").created == 1


def test_foreignassistance(external: Path) -> None:
    report = run_import("foreignassistance", external / US / "foreignassistance_us_foreign_aid_country_PER.csv")
    assert (report.created, report.updated) == (139, 0)
    stages = dict.fromkeys(["obligation", "disbursement", "planned", "request"], 0)
    for stage in stages:
        stages[stage] = Funding.objects.filter(stage=stage).count()
    assert stages == {"obligation": 80, "disbursement": 24, "planned": 18, "request": 17}
    row = Funding.objects.get(pk="fa-per-2023-disbursement")
    assert (row.amount, row.amount_constant) == (Decimal("201745986.00"), Decimal("192425008.00"))
    assert row.payer.iso3 == "USA" and row.payee.iso3 == "PER"
    assert (row.flow, row.sector) == ("assistance", "all_sectors")
    assert Funding.objects.filter(fiscal_year__endswith="tq").exists()
    assert (
        run_import("foreignassistance", external / US / "foreignassistance_us_foreign_aid_country_PER.csv").unchanged
        == 139
    )


def test_foreignassistance_another_country(fixtures: Path) -> None:
    report = run_import("foreignassistance", fixtures / "foreignassistance_COL.csv")
    assert report.created == 4
    assert Funding.objects.get(pk="fa-col-1976tq-obligation").amount_constant == Decimal("61000000.00")
    assert Funding.objects.get(pk="fa-col-2023-request").amount_constant is None
    filtered = run_import("foreignassistance", fixtures / "foreignassistance_COL.csv", country="PER")
    assert (filtered.created, filtered.filtered) == (0, 4)


def test_foreignassistance_sector_file_keeps_the_sector_of_each_row(tmp_path: Path) -> None:
    """The sector-level file says which sector each amount is in; the bundled country file says "all sectors"."""
    path = tmp_path / "foreignassistance_sectors_COL.csv"
    path.write_text(
        "country_code,country_name,transaction_type_name,fiscal_year,assistance_category_name,current_amount\n"
        "COL,Colombia,Obligations,2022,Military,100\n"
        "COL,Colombia,Obligations,2022,Economic,250\n"
        "COL,Colombia,Obligations,2022,Other,7\n",
        encoding="utf-8",
    )
    run_import("foreignassistance", path)
    sectors = dict(Funding.objects.values_list("program", "sector"))
    assert sectors == {"Military": "military_security", "Economic": "economic_other", "Other": ""}
    assert set(Funding.objects.values_list("flow", flat=True)) == {"assistance"}


def test_vine_coordinates_of_a_country_centroid_have_country_precision(tmp_path: Path) -> None:
    from veeduria.records.models import Facility

    path = tmp_path / "vine_sites_PER.csv"
    path.write_text(
        "countryname,ccode,iso3c,basename,lat,lon,base,lilypad,fundedsite\n"
        "Peru,135,PER,Somewhere,-9.189967,-75.015152,0,1,0\n"
        "Peru,135,PER,Lima,-12.047816,-77.062203,0,1,0\n",
        encoding="utf-8",
    )
    run_import("vine-sites", path)
    precision = dict(Facility.objects.values_list("locality", "coord_precision"))
    assert precision == {"Somewhere": "country", "Lima": "locality"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mme1: latitude\n", "mme1: a map (drop, note_es, note_en) is expected, got 'latitude'"),
        ("mme1: {drop: latitude}\n", "mme1: “drop” only accepts latitude, longitude"),
        ("mme1: {drop: [altitude]}\n", "mme1: “drop” only accepts latitude, longitude"),
    ],
)
def test_mme_corrections_file_says_which_entry_is_wrong(tmp_path: Path, text: str, expected: str) -> None:
    from veeduria.ingest.importers.mme import _load_corrections

    path = tmp_path / "mme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        _load_corrections(path, 0.0)
    assert expected in str(info.value)
