"""A claim rated twice (the later review supersedes the earlier one), built in code on the real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from veeduria.evidence.models import Citation, Source
from veeduria.factchecks.models import Claim, Review
from veeduria.records import models as m


def cite(obj: Any, source: Source, **kw: Any) -> Citation:
    return Citation.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, source=source, **kw
    )


@pytest.fixture(name="checks")
def checks_fixture(db: Any) -> dict[str, Any]:
    """Peru and the US, a facility, an official statement, and a claim with an old and a current review."""
    official = Source.objects.create(
        id="dsca-callao", title="Design and Construction at Callao", kind="official", url="https://dsca.example/callao"
    )
    press = Source.objects.create(
        id="verificador", title="Verificador: no compró la base", kind="press", url="https://press.example/check"
    )
    peru = m.Country.objects.create(id="per", iso3="PER", name_es="Perú", name_en="Peru")
    usa = m.Country.objects.create(id="usa", iso3="USA", name_es="Estados Unidos", name_en="United States")
    base = m.Facility.objects.create(id="callao-base", name_es="Base Naval del Callao", kind="base", country=peru)
    statement = m.Statement.objects.create(
        id="mindef-no-base",
        title_es="Mindef: no hay bases",
        title_en="Mindef: no bases",
        speaker_name="Ministerio de Defensa",
        country=peru,
        quote="no hay una sola base",
    )
    statement.about_countries.add(usa)
    claim = Claim.objects.create(
        id="callao-bought",
        text="Estados Unidos compró la base naval del Callao",
        language="es",
        seen_at="Redes sociales",
        seen_url="https://social.example/post/1",
        seen_on=dt.date(2026, 1, 1),
        seen_precision="month",
        said_by="Una cuenta anónima",
    )
    cite(claim, press, quote="LO FALSO")
    old = Review.objects.create(
        id="callao-bought-2026-01-20",
        claim=claim,
        rating="unproven",
        verdict_es="Sin pruebas por ahora",
        verdict_en="Unproven for now",
        explanation_es="Falta el texto de la notificación.",
        explanation_en="The notification's text is missing.",
        reviewed_on=dt.date(2026, 1, 20),
        author="Verificador",
    )
    current = Review.objects.create(
        id="callao-bought-2026-01-24",
        claim=claim,
        rating="false",
        verdict_es="Falso: es una compra que financia el Perú",
        verdict_en="False: it is a purchase Peru finances",
        explanation_es="La notificación describe una venta al Gobierno del Perú; sigue siendo una base peruana.",
        explanation_en="The notification describes a sale to the Government of Peru; it remains a Peruvian base.",
        reviewed_on=dt.date(2026, 1, 24),
        author="Verificador",
        author_url="https://press.example/",
    )
    current.facilities.add(base)
    current.statements.add(statement)
    cite(current, official, quote="possible Foreign Military Sale to the Government of Peru")
    cite(current, press, quote="LO FALSO")
    return {"claim": claim, "old": old, "current": current, "base": base, "statement": statement}
