"""The claim page, the claims list and the related checks of the answer page, in both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from veeduria.factchecks.models import Claim, Review
from veeduria.ingest.dataset import load_folder

from ..conftest import BUNDLED
from .claim_fixtures import checks_fixture  # noqa: F401  (the fixture "checks")


def test_claim_page_leads_with_the_current_rating_and_keeps_the_old_one(checks: dict[str, Any]) -> None:
    html = Client().get("/es/verificaciones/callao-bought/").content.decode()
    section = html.split('id="fact-check"', 1)[1].split("</section>", 1)[0]
    lead, history = section.split("Historial de calificaciones", 1)
    assert '<span class="rating rating-false">Falso</span>' in lead
    assert "Falso: es una compra que financia el Perú" in lead
    assert "La notificación describe una venta al Gobierno del Perú" in lead
    assert "Base Naval del Callao" in lead and "Mindef: no hay bases" in lead  # supporting records
    assert "possible Foreign Military Sale to the Government of Peru" in lead  # the review's citation
    assert "Sin pruebas suficientes" in history and "20 de enero de 2026" in history
    assert "Sin pruebas suficientes" not in lead


def test_claim_page_in_english(checks: dict[str, Any]) -> None:
    html = Client().get("/en/fact-checks/callao-bought/").content.decode()
    assert '<span class="rating rating-false">False</span>' in html
    assert "False: it is a purchase Peru finances" in html
    assert "Rating history" in html and "Jan. 20, 2026" in html


def test_a_new_review_supersedes_without_erasing(checks: dict[str, Any]) -> None:
    Review.objects.create(
        id="callao-bought-2026-02-01",
        claim=checks["claim"],
        rating="mostly_false",
        verdict_es="Mayormente falso: hay asesores de EE. UU.",
        explanation_es="Hasta 20 representantes de EE. UU.",
        reviewed_on=dt.date(2026, 2, 1),
        author="Verificador",
    )
    assert checks["claim"].current_review().pk == "callao-bought-2026-02-01"
    html = Client().get("/es/verificaciones/callao-bought/").content.decode()
    lead, history = html.split("Historial de calificaciones", 1)
    assert "rating-mostly_false" in lead and "rating-false" not in lead
    assert "rating-false" in history and "rating-unproven" in history
    assert history.index("24 de enero de 2026") < history.index("20 de enero de 2026")


def test_claims_list_leads_with_ratings_and_filters(checks: dict[str, Any]) -> None:
    client = Client()
    html = client.get("/es/verificaciones/").content.decode()
    assert "Falso</span> 1" in html and "Verdadero</span> 0" in html
    assert '<a class="claim-text" href="/es/verificaciones/callao-bought/">' in html
    assert client.get("/en/fact-checks/").content.decode().count('class="claim"') == 1
    assert client.get("/es/verificaciones/?rating=true").content.decode().count('class="claim"') == 0
    bad = client.get("/en/fact-checks/?rating=fals")
    assert bad.status_code == 400
    assert "Unknown rating: fals" in bad.content.decode()


def test_claim_without_review_and_withdrawn_review(checks: dict[str, Any]) -> None:
    Review.objects.filter(claim=checks["claim"]).update(status="withdrawn")
    html = Client().get("/es/verificaciones/callao-bought/").content.decode()
    assert "aún no tiene una verificación publicada" in html
    assert "application/ld+json" not in html


def test_answer_page_shows_the_related_checks(db: Any) -> None:
    load_folder(BUNDLED)
    html = Client().get("/es/respuestas/bases/PER/USA/").content.decode()
    checks = html.split('id="fact-checks"', 1)[1].split("</section>", 1)[0]
    assert "/es/verificaciones/us-military-bases-in-peru/" in checks
    assert "Mayormente falso" in checks
    assert "/es/verificaciones/us-bought-callao-naval-base/" in checks
    page = Client().get("/en/fact-checks/us-military-bases-in-peru/").content.decode()
    assert "NAMRU SOUTH" in page and "standing foreign military presence without" in page


def test_vector_is_derived_data_never_shown_versioned_or_exported(checks: dict[str, Any]) -> None:
    import io
    import json

    from veeduria.evidence.revisions import snapshot
    from veeduria.records.export import write_jsonl

    Claim.objects.filter(pk="callao-bought").update(vector=b"\x00\x01" * 8)
    claim = Claim.objects.get(pk="callao-bought")
    assert bytes(claim.vector) == b"\x00\x01" * 8
    assert "vector" not in snapshot(claim)
    out = io.StringIO()
    write_jsonl(out, types=["claims"])
    (row,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert row["id"] == "callao-bought" and "vector" not in row
    html = Client().get("/es/verificaciones/callao-bought/").content.decode()
    assert 'id="f-vector"' not in html and 'id="f-said_by"' in html
