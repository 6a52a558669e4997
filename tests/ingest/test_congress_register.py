"""Peru's register of norms: what the title rules catch and miss on the real file, and the merge with
curated authorizations."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from veeduria.evidence.models import Citation
from veeduria.ingest.importers import run_import
from veeduria.ingest.importers._read import fold
from veeduria.ingest.importers.congress_register import classify, foreign_countries
from veeduria.records.models import Authorization, Country

from .conftest import counts

REGISTER = "peru-congress/Normas-LE-XX-XXI.xlsx"


@pytest.fixture(scope="module")
def register_rows() -> list[tuple[str, str]]:
    book = openpyxl.load_workbook(Path(__file__).resolve().parents[2] / "data" / "external" / REGISTER, read_only=True)
    rows = [
        (str(r[1]), str(r[4] or ""))
        for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)
        if r[0] == "RESOLUCION LEGISLATIVA"
    ]
    book.close()
    return rows


def test_rules_catch_and_miss_on_the_real_file(register_rows: list[tuple[str, str]]) -> None:
    assert len(register_rows) == 6019
    entries = {n for n, t in register_rows if classify("RESOLUCION LEGISLATIVA", t).rule == "entry"}
    verdicts = {n: (t, classify("RESOLUCION LEGISLATIVA", t, entries)) for n, t in register_rows}
    caught = {n: v for n, (_t, v) in verdicts.items() if v.selected}
    assert len(caught) == 140
    assert sum(v.rule == "entry" for v in caught.values()) == 121
    assert sum(v.rule == "modifies" for v in caught.values()) == 19
    # caught: the annual programme, its modifications (references parsed), older single-ship entries
    assert caught["30724"].rule == "entry"
    for number in ("30746", "30748", "30768", "30820", "30821", "30859", "30866", "30882"):
        assert caught[number].rule == "modifies" and caught[number].references == ("30724",)
    assert caught["29043"].references == ("28959", "29018")  # "RESOLUCIONES LEGISLATIVAS NÚMS. 28959 Y 29018"
    assert caught["28169"].rule == "entry"  # "AMPLIAR LA PERMANENCIA ... DE PERSONAL MILITAR"
    assert caught["27983"].rule == "entry"  # "MIEMBROS DEL EQUIPO ... DE LA MARINA"
    assert caught["15093"].rule == "entry"  # 1964 "Consintiendo el ingreso de tropas"
    assert caught["30910"].rule == "entry"  # "PROPONE LA AUTORIZACIÓN DE INGRESO ... DE FRAGATA"
    # left out although the title speaks of the military or of ships: the near misses, all correct
    near = {
        n: t
        for n, (t, v) in verdicts.items()
        if not v.selected and re.search(r"TROPAS|MILITAR|NAVAL|BUQUE|AERONAVE", fold(t))
    }
    assert len(near) == 64
    assert near["11826"].startswith("Ratificando el Convenio Bilateral de Ayuda Militar")  # treaty, not entry
    assert near["30146"].startswith("RESOLUCIÓN LEGISLATIVA QUE APRUEBA EL ACUERDO")  # military cooperation treaty
    assert near["104"] == "Convención sobre buques hospitales"
    assert near["12231"].startswith("Ascendiendo a la clase de Capitán de Navío")  # promotions
    # what the rules cannot see: no resolution whose title mentions entry (INGRESO) is left out, but titles
    # that describe an entry without these words (e.g. only "ejercicio ... con la Marina de Guerra") would be
    assert not [n for n, (t, v) in verdicts.items() if not v.selected and re.search(r"\bINGRESO\b", fold(t))]


def test_foreign_countries_from_titles() -> None:
    assert foreign_countries("AUTORIZA EL INGRESO DE PERSONAL MILITAR DE LOS ESTADOS UNIDOS DE AMÉRICA") == ["USA"]
    assert foreign_countries("INGRESO DEL BUQUE MEXICANO ... DE LOS ESTADOS UNIDOS MEXICANOS") == ["MEX"]
    assert foreign_countries("UNIDAD NAVAL Y PERSONAL MILITAR DE LA REPÚBLICA POPULAR CHINA") == ["CHN"]
    assert foreign_countries("INGRESO DE PERSONAL MILITAR EXTRANJERO AL TERRITORIO DE LA REPÚBLICA") == []


@pytest.mark.django_db
def test_import_real_register_and_merge_with_curated(external: Path) -> None:
    per = Country.objects.create(id="per", iso3="PER", name_es="Perú", name_en="Peru")
    curated = Authorization.objects.create(
        id="rl-30724",
        instrument_type="rl",
        number="30724",
        host_country=per,
        personnel_total=3000,
        title_es="Resolución Legislativa 30724 (programa anual 2018)",
        notes_es="Curado a mano.",
    )
    report = run_import("congress-register", external / REGISTER)
    assert (report.created, report.updated, report.unchanged) == (139, 1, 0)
    assert report.filtered == 31228 - 140
    curated.refresh_from_db()
    assert curated.title_es == "Resolución Legislativa 30724 (programa anual 2018)"  # never overwritten
    assert curated.notes_es == "Curado a mano." and curated.limits_known is True and curated.personnel_total == 3000
    assert curated.official_url.endswith("30724-LEY.pdf")  # empty field filled in
    assert curated.published_on == dt.date(2018, 1, 22)
    assert Citation.objects.filter(object_id="rl-30724", source__id__startswith="congress-register").count() == 1
    modifier = Authorization.objects.get(pk="rl-30746")
    assert [a.pk for a in modifier.modifies.all()] == ["rl-30724"]
    assert modifier.limits_known is False and "anexo" in modifier.notes_es
    assert (
        modifier.official_url == "https://leyes.congreso.gob.pe/Documentos/2016_2021/ADLP/Normas_Legales/30746-LEY.pdf"
    )
    usa = Authorization.objects.get(pk="rl-28293")
    assert [c.iso3 for c in usa.foreign_countries.all()] == ["USA"] and usa.host_country_id == "per"
    source = Citation.objects.filter(object_id="rl-30746", field="").get().source
    assert source.licence == "CC BY-SA 4.0" and source.repository == "actio1680/Cuerpos-legales-Peru"
    official = Citation.objects.get(object_id="rl-30746", field="official_url").source
    assert (official.kind, official.url) == ("official", modifier.official_url)
    assert Citation.objects.filter(object_id="rl-30724", field="official_url", source__kind="official").count() == 1
    before = counts()
    again = run_import("congress-register", external / REGISTER)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 140)
    assert counts() == before


@pytest.mark.django_db
def test_another_country_register_layout(tmp_path: Path) -> None:
    """A register laid out differently (credits sheet first, header on line 3) for another host country."""
    book = openpyxl.Workbook()
    book.active.title = "Créditos"
    book.active.append(["Compilado por ..."])
    sheet = book.create_sheet("Normas")
    sheet.append(["Registro de normas"])
    sheet.append([])
    sheet.append(["NORMA", "NÚMERO", "PROMULGACIÓN", "PUBLICACIÓN", "DENOMINACIÓN", "ENLACES"])
    sheet.append(
        [
            "RESOLUCION LEGISLATIVA",
            501,
            dt.datetime(2020, 3, 1),
            "05/03/2020",
            "Autoriza el ingreso de tropas de la República de Colombia",
            "https://example.org/501.pdf",
        ]
    )
    sheet.append(["RESOLUCION LEGISLATIVA", 502, None, "09/04/2020", "Modifica la Resolución Legislativa N° 501", ""])
    sheet.append(["LEY", 503, None, "", "Ley de presupuesto", ""])
    path = tmp_path / "registro-ECU.xlsx"
    book.save(path)
    report = run_import("congress-register", path, country="ECU")
    assert (report.created, report.filtered) == (2, 1)
    first = Authorization.objects.get(pk="rl-501")
    assert first.host_country.iso3 == "ECU" and [c.iso3 for c in first.foreign_countries.all()] == ["COL"]
    assert first.promulgated_on == dt.date(2020, 3, 1) and first.published_on == dt.date(2020, 3, 5)
    assert [a.pk for a in Authorization.objects.get(pk="rl-502").modifies.all()] == ["rl-501"]
