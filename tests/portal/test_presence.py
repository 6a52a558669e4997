"""Foreign presence vs cooperation abroad (``records.presence``) on the bundled data: the curated dataset,
the training report and the MME exercises."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from veeduria.ingest.dataset import load_folder
from veeduria.ingest.importers import run_import
from veeduria.records import presence
from veeduria.records.models import Activity

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = ROOT / "data" / "external" / "peru-us"


@pytest.fixture
def bundled(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"
    load_folder(ROOT / "data" / "peru-us", author="test")
    run_import("fmtrpt", EXTERNAL / "sfm_fmtrpt_training_PER.csv", country="PER")
    run_import("mme", EXTERNAL / "mme_v7_wide_PER.csv")
    run_import("mme", EXTERNAL / "mme_v7_long_PER.csv")


def _ids(qs: Any) -> set[str]:
    return set(qs.values_list("pk", flat=True))


def test_presence_on_the_bundled_data(bundled: None, client: Client) -> None:
    here, abroad, unknown = (_ids(presence.by_where("PER", w)) for w in ("host", "abroad", "unknown"))
    assert not here & abroad and not here & unknown and not abroad & unknown
    # nothing counted as presence in Peru took place elsewhere or has no foreign participant
    for a in Activity.objects.filter(pk__in=here).prefetch_related("countries").select_related("provider_country"):
        assert a.host_country_id == "per"
        others = {c.iso3 for c in a.countries.all()} | {a.provider_country.iso3 if a.provider_country else "PER"}
        assert others - {"PER"}, a.pk
    # RIMPAC 2010 took place off Hawaii: Peru's navy abroad, not foreign presence in Peru
    rimpac = Activity.objects.get(pk="mme-mme3348")
    assert rimpac.host_country.iso3 == "USA" and rimpac.pk in abroad
    # a course at Fort Benning is Peruvian personnel trained abroad; one "in country" is US trainers in Peru
    assert _ids(Activity.objects.filter(place="Ft. Benning, GA, US")) <= abroad
    in_country = _ids(Activity.objects.filter(place="PERU (IN COUNTRY TRAINING)"))
    assert in_country and in_country <= here
    # curated activities in Peru with US forces are presence
    assert {"resolute-sentinel-2024", "siforex-2023", "comfort-2018", "unitas-2017"} <= here
    # figures measured on the bundled data (curated records + 4,221 courses + 30 exercises)
    counts = presence.counts("PER")
    assert counts["host"] == 553 + 5 + 16  # courses in Peru, MME exercises in Peru, curated activities
    assert counts["abroad"] == 2748 + 19 and counts["unknown"] == 920 + 6
    # the home page shows the same counts, saying which is which
    html = client.get("/es/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")
    text = re.sub(r"(\d)[ .\u202f](\d{3})\b", r"\1\2", text)  # "2 767" (Spanish thousands) → "2767"
    assert f"{counts['host']} actividades con fuerzas extranjeras en Perú" in text
    assert f"{counts['abroad']} actividades de cooperación fuera del país" in text
    assert f"{counts['unknown']} actividades con participación de Perú, en lugar desconocido" in text
    en = client.get("/en/").content.decode()
    assert "activities with foreign forces in Peru" in en and "cooperation activities outside the country" in en


def test_activities_list_where_filter(bundled: None, client: Client) -> None:
    html = client.get("/es/actividades/", {"where": "abroad", "q": "RIMPAC 2010"}).content.decode()
    assert "RIMPAC 2010" in html and "1 registro" in html
    html = client.get("/es/actividades/", {"where": "host", "q": "RIMPAC 2010"}).content.decode()
    assert "0 registros" in html and "mme-mme3348" not in html
    # the column says where it took place
    assert "País donde ocurrió" in client.get("/es/actividades/").content.decode()
    # a wrong value: an empty list and a message, never a server error
    response = client.get("/es/actividades/", {"where": "<script>x"})
    body = response.content.decode()
    assert response.status_code == 200 and "Filtro «lugar» desconocido" in body and "0 registros" in body
    assert "<script>x" not in body
    en = client.get("/en/activities/", {"where": "nowhere"}).content.decode()
    assert "Unknown “place” filter" in en
