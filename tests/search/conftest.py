"""Small real records of several types, and a document with pages, built in code; the index rebuilt on them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from veeduria.documents.models import Document, DocumentPage
from veeduria.evidence.models import Citation, Source
from veeduria.records import models as m
from veeduria.search.service import reindex

ROOT = Path(__file__).resolve().parents[2]


def cite(obj: Any, source: Source, quote: str = "") -> Citation:
    ct = ContentType.objects.get_for_model(type(obj))
    return Citation.objects.create(content_type=ct, object_id=obj.pk, source=source, quote=quote)


@pytest.fixture
def corpus(db: Any) -> dict[str, Any]:
    peru = m.Country.objects.create(id="per", iso3="PER", name_es="Perú", name_en="Peru")
    usa = m.Country.objects.create(id="usa", iso3="USA", name_es="Estados Unidos", name_en="United States")
    official = Source.objects.create(id="diario-oficial", title="Diario Oficial El Peruano", kind="official")
    press = Source.objects.create(id="diario-press", title="Un diario", kind="press")
    auth = m.Authorization.objects.create(
        id="rl-90001",
        instrument_type="rl",
        number="90001",
        title_es="Resolución Legislativa que autoriza el ingreso de tropas extranjeras",
        title_en="Legislative resolution authorizing the entry of foreign troops",
        host_country=peru,
        approved_on=dt.date(2024, 5, 2),
        purpose_es="Cooperación en el entrenamiento de fuerzas especiales en Santa Lucía",
        purpose_en="Joint training of special forces",
        notes_es="Texto con <script>alert(1)</script> y marcas <b>negritas</b> sobre cooperación",
        editor_notes="palabrasecretadeeditores",
    )
    auth.foreign_countries.set([usa])
    auth.items.create(category="weapon", name="fusil M4")
    auth.places.create(name="San Martín", department="San Martín")
    cite(auth, official, quote="autorizó el ingreso de tropas norteamericanas a territorio nacional")
    activity = m.Activity.objects.create(
        id="ejercicio-2019",
        kind="exercise",
        name_es="Ejercicio naval conjunto",
        name_en="Joint naval exercise",
        host_country=peru,
        start_date=dt.date(2019, 8, 1),
        place="Callao",
        description_en="Training with the troops of two navies",
    )
    activity.countries.set([peru, usa])
    cite(activity, press)
    withdrawn = m.Activity.objects.create(
        id="retirado", kind="exercise", name_es="Ejercicio retirado zanahoria", status="withdrawn"
    )
    source = Source.objects.create(id="doc-src", title="Archivo", kind="official", published_on=dt.date(2020, 1, 1))
    document = Document.objects.create(
        title="Convenio de cooperación (texto)", source=source, sha256="a" * 64, file_name="c.pdf", kind="pdf", size=10
    )
    DocumentPage.objects.create(document=document, number=1, text="Portada del convenio", method="text_layer")
    DocumentPage.objects.create(
        document=document, number=12, text="Las aeronaves de reconocimiento aterrizarán en Pucallpa", method="ocr"
    )
    reindex()
    return {"auth": auth, "activity": activity, "withdrawn": withdrawn, "document": document, "peru": peru, "usa": usa}
