"""A source, an authorization and a stored three-page resolution whose page 2 the authorization cites."""

from __future__ import annotations

from dataclasses import dataclass

from tests.documents.pdfs import text_pdf
from tests.portal.conftest import cite, make_authorization
from veeduria.documents import adding, extraction
from veeduria.documents.models import Document
from veeduria.evidence.models import Citation, Source
from veeduria.records import models as m

PAGES = [
    ["Resolución Legislativa N.º 32214"],
    ["Artículo 1. Autorízase el ingreso de 100 efectivos", "de las Fuerzas Armadas de los Estados Unidos."],
    ["Anexo: cronograma de actividades"],
]


@dataclass
class Cited:
    source: Source
    authorization: m.Authorization
    document: Document
    citation: Citation


def cited_resolution() -> Cited:
    source = Source.objects.create(id="el-peruano-2023", title="El Peruano, 2023-05-20", kind="official")
    peru = m.Country.objects.create(id="peru", iso3="PER", name_es="Perú", name_en="Peru")
    usa = m.Country.objects.create(id="usa", iso3="USA", name_es="Estados Unidos", name_en="United States")
    auth = make_authorization("rl-32214", peru, usa)
    added = adding.add_bytes(text_pdf(PAGES), "rl-32214.pdf", title="Resolución Legislativa 32214", source=source)
    document = extraction.extract(added.document)
    citation = cite(auth, source, quote="Autorízase el ingreso de 100 efectivos", document=document, page=2)
    return Cited(source, auth, document, citation)
