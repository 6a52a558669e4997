"""The presence assessment on the bundled data (curated dataset + Vine sites + DoD BSR + DMDC), and its pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from veeduria.ingest.dataset import load_folder
from veeduria.ingest.importers import run_import
from veeduria.oversight.base_facts import assess, assessments_for
from veeduria.oversight.bases import CRITERION_CODES, summary
from veeduria.oversight.models import FacilityObservation
from veeduria.records.models import Facility

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = ROOT / "data" / "external"


@pytest.fixture
def bundled(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"
    load_folder(ROOT / "data" / "peru-us", author="test")
    run_import("vine-sites", EXTERNAL / "peru-us" / "troopdata_basedata_PER.csv")
    for year in (2019, 2025):
        run_import("dod-bsr", EXTERNAL / "dod-bsr" / f"DoD_BSR_FY{year}.xlsx", country="PER")
    run_import("dmdc", EXTERNAL / "peru-us" / "troopdata_rebuild_reports_PER.csv", country="PER")


def test_observation_criteria_are_known_codes(bundled: None) -> None:
    used = set(FacilityObservation.objects.values_list("criterion", flat=True))
    assert used and used <= set(CRITERION_CODES)


def test_namru_south_callao_is_a_shared_location_with_standing_presence(bundled: None) -> None:
    a = assess("namru-south-callao")
    assert a.foreign == "USA"
    assert a.category == "shared_standing"
    assert a.answer("foreign_command") == "yes"
    assert a.answer("exclusive_control") == "no"
    assert a.answer("host_access") == "yes"
    assert a.answer("permanence") == "yes"
    assert a.answer("legal_instrument") == "yes"
    inventory = a.criterion("official_inventory")
    assert inventory.answer == "yes"
    assert {e.id for e in inventory.evidence} == {"bsr-fy2019-per-namru-south", "bsr-fy2025-per-namru-south"}
    command = a.criterion("foreign_command")
    sources = {c.source_id for e in command.evidence for c in e.citations}
    assert {"southcom-3535055", "navylive-4145"} <= sources
    assert "namru-agreement-1983" in {e.id for e in a.criterion("legal_instrument").evidence}
    # DMDC is country-level: shown as evidence, the answer rests on the facility-level observation
    personnel = a.criterion("personnel")
    assert "dmdc-per-2025-12-total-active-duty" in {e.id for e in personnel.evidence}
    assert "whole country" in personnel.reasoning_en


def test_a_vine_only_site_is_not_called_a_base(bundled: None) -> None:
    a = assess("vine-per-lima")
    assert a.foreign == "USA"
    assert a.category == "none_documented"
    assert [x.label for x in a.classifications] == ["lily pad"]
    assert a.answer("official_inventory") == "unknown"  # the BSR aggregates "other sites"


def test_callao_naval_base_fms_is_not_foreign_funding(bundled: None) -> None:
    a = assess("callao-naval-base", foreign="USA")
    funding = a.criterion("foreign_funding")
    assert funding.answer == "no"
    assert "fms-callao-naval-base-2026-notification" in {e.id for e in funding.evidence}
    assert a.category == "none_documented"


def test_santa_lucia_funding_and_historic_standing_presence(bundled: None) -> None:
    a = assess("santa-lucia-base")
    assert a.answer("foreign_funding") == "yes"
    ids = {e.id for e in a.criterion("foreign_funding").evidence}
    assert {"santa-lucia-state-fy1988-1993", "santa-lucia-fortifications-1989"} <= ids
    assert a.answer("permanence") == "yes"
    assert "dic 1993" in a.criterion("permanence").reasoning_es
    assert a.category == "shared_standing"


def test_every_facility_gets_an_assessment_in_few_queries(bundled: None) -> None:
    with CaptureQueriesContext(connection) as ctx:
        found = assessments_for("PER", "USA")
    assert len(ctx.captured_queries) < 40
    ids = {a.facility_id for a in found}
    assert ids == set(Facility.objects.filter(country__iso3="PER").values_list("pk", flat=True))
    by_category = summary(found)
    assert sum(by_category.values()) == len(found)
    assert by_category["foreign_base"] == 0
    assert by_category["shared_standing"] == 3  # NAMRU SOUTH Callao and Iquitos, Santa Lucía (1989–1993)
    for facility in Facility.objects.all():
        assert assess(facility.pk).category in by_category


def test_another_country_pair_has_no_evidence(bundled: None) -> None:
    assert assessments_for("PER", "COL") == []


def test_an_observation_counts_only_for_the_country_it_names(bundled: None) -> None:
    """An editor's observation about Colombia's presence at NAMRU's site does not enter the US assessment."""
    from veeduria.oversight.models import FacilityObservation
    from veeduria.records.models import Country

    col = Country.objects.get(iso3="COL")
    FacilityObservation.objects.create(
        id="namru-callao-col-test", facility_id="namru-south-callao", foreign_country=col,
        criterion="foreign_command", answer="unknown", summary_es="Prueba.",
    )  # fmt: skip
    us = next(a for a in assessments_for("PER", "USA") if a.facility_id == "namru-south-callao")
    assert "namru-callao-col-test" not in {e.id for c in us.criteria for e in c.evidence}
    col_pair = [a.facility_id for a in assessments_for("PER", "COL")]
    assert col_pair == ["namru-south-callao"]


@pytest.mark.parametrize(
    ("url", "texts"),
    [
        ("/es/metodo/bases/", ["¿Es una base extranjera? Método", "Reglas", "lily pad", "a site is defined"]),
        ("/en/method/bases/", ["Is it a foreign base? Method", "Rules", "host-state base funded by the US"]),
    ],
)
def test_method_page_in_both_languages(bundled: None, client: Client, url: str, texts: list[str]) -> None:
    page = client.get(url).content.decode()
    for text in texts:
        assert text in page
    assert "criterion-permanence" in page and "rule-5" in page


def test_facility_section_in_both_languages(bundled: None, client: Client) -> None:
    es = client.get("/es/instalaciones/namru-south-callao/").content.decode()
    assert "¿Es una base extranjera?" in es
    assert "lugar compartido o de cooperación con presencia extranjera permanente".capitalize() in es
    assert "Lo que cambiaría el veredicto" in es
    assert "/es/observaciones/namru-south-callao-command/" in es
    assert "/es/fuentes/southcom-3535055/" in es
    en = client.get("/en/facilities/vine-per-lima/").content.decode()
    assert "Is it a foreign base?" in en
    assert "No foreign presence documented" in en
    assert "External classifications (not our verdict)" in en
    assert "less than 200 personnel" in en
