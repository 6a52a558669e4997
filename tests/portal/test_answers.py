"""The answer page "are there military bases of F in H?": the bundled pair, another pair built here, both
languages; the sentence is composed from the facilities' assessments and follows the data; the home page leads
with it."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from veeduria.ingest.dataset import load_folder
from veeduria.portal import answers
from veeduria.portal.answers import FacilityAnswer
from veeduria.portal.display import Value
from veeduria.records import models as m

from .conftest import cite, make_authorization

ROOT = Path(__file__).resolve().parents[2]


def _text(response: Any) -> str:
    """The visible text of a page's main part."""
    page = response.content.decode()
    page = page[page.index("<main>") :]
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    return re.sub(r" ([:,.;)])", r"\1", text)


def _sentence(response: Any) -> str:
    match = re.search(r'<p class="lead answer-sentence">(.*?)</p>', response.content.decode(), re.S)
    assert match, "no answer sentence"
    return html.unescape(match.group(1)).strip()


# ---------------------------------------------------------------- the sentence (no database)


def _fa(name: str, category: str) -> FacilityAnswer:
    return FacilityAnswer(facility=Value(text=name, href="/x/"), category=category, category_label=category)


class _C:
    def __init__(self, es: str, en: str) -> None:
        self.name_es, self.name_en, self.title = es, en, es


def test_sentence_is_composed_from_the_categories() -> None:
    host, foreign = _C("Perú", "Peru"), _C("Estados Unidos", "United States")
    with translation.override("es"):
        assert answers.sentence(host, foreign, []) == (  # type: ignore[arg-type]
            "No se documenta ninguna base militar de Estados Unidos en Perú ni otra presencia en sus instalaciones."
        )
        standing = answers.sentence(host, foreign, [_fa("NAMRU", "shared_standing"), _fa("X", "none_documented")])  # type: ignore[arg-type]
        assert standing == (
            "No se documenta ninguna base militar de Estados Unidos en Perú; sí una presencia permanente en "
            "instalaciones compartidas: NAMRU."
        )
        bases = [_fa(f"B{i}", "foreign_base") for i in range(5)]
        text = answers.sentence(host, foreign, bases)  # type: ignore[arg-type]
        assert text.startswith("Sí: se documentan 5 bases militares de Estados Unidos en Perú: B0, B1, B2 y 2 más")
    with translation.override("en"):
        text = answers.sentence(host, foreign, [_fa("Lab", "temporary_use")])  # type: ignore[arg-type]
        assert text == (
            "No military base of Estados Unidos is documented in Perú; temporary use of facilities of Perú: Lab."
        )


# ---------------------------------------------------------------- another pair, built here


@pytest.fixture
def colombia(dataset: dict[str, Any]) -> dict[str, Any]:
    """Colombia hosting the United States: a facility in standing use, an authorization, a statement."""
    usa = dataset["usa"]
    col = m.Country.objects.create(id="col", iso3="COL", name_es="Colombia", name_en="Colombia")
    facility = m.Facility.objects.create(
        id="base-palanquero",
        name_es="Base aérea de Palanquero",
        name_en="Palanquero air base",
        kind="base",
        country=col,
    )
    use = m.FacilityUse.objects.create(
        id="palanquero-usa",
        facility=facility,
        user_country=usa,
        purpose_es="Uso por aeronaves de EE. UU.",
        purpose_en="Use by US aircraft",
        start_date=dt.date(2009, 10, 30),
        end_date=dt.date(2015, 12, 31),
        confirmed=True,
    )
    auth = make_authorization(
        "col-res-2024",
        col,
        usa,
        number="7",
        title_es="Permiso de tránsito 2024",
        title_en="Transit permit 2024",
        approved_on=dt.date(2024, 3, 1),
        window_start=dt.date(2024, 4, 1),
        window_end=dt.date(2024, 6, 30),
    )
    m.AuthorizedPlace.objects.create(authorization=auth, name="Palanquero", department="Cundinamarca")
    m.AuthorizedItem.objects.create(authorization=auth, category="aircraft", name="C-17", quantity=2)
    statement = m.Statement.objects.create(
        id="mindefensa-col-2024",
        title_es="MinDefensa de Colombia sobre Estados Unidos",
        title_en="Colombia's defence minister on the United States",
        speaker_name="Ministro de Defensa de Colombia",
        country=col,
        made_on=dt.date(2024, 5, 2),
        quote="No hay tropas de Estados Unidos acantonadas en Colombia",
        quote_language="es",
    )
    for obj in (col, facility, use, auth, statement):
        cite(obj, dataset["official"], locator="p. 1")
    return {"col": col, "use": use, "auth": auth, "facility": facility}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_answer_page_for_another_pair(client: Client, colombia: dict[str, Any], lang: str) -> None:
    prefix = "respuestas/bases" if lang == "es" else "answers/bases"
    response = client.get(f"/{lang}/{prefix}/COL/USA/")
    assert response.status_code == 200
    text = _text(response)
    question = {
        "es": "¿Hay bases militares de Estados Unidos en Colombia?",
        "en": "Are there United States military bases in Colombia?",
    }
    assert question[lang] in text
    facility = "Base aérea de Palanquero" if lang == "es" else "Palanquero air base"
    assert facility in _sentence(response)
    assert facility in text
    assert "Permiso de tránsito 2024" in text or "Transit permit 2024" in text
    assert "C-17 (2)" in text and "Palanquero (Cundinamarca)" in text
    assert "No hay tropas de Estados Unidos acantonadas en Colombia" in text
    # Peru's statement and authorizations are not about this pair
    assert "Estados Unidos no tiene una sola base militar" not in text
    assert "rl-32214" not in response.content.decode()
    # the pair chooser lists both pairs; lowercase codes work; an unknown pair is a 404
    assert client.get(f"/{lang}/{prefix}/col/usa/").status_code == 200
    assert client.get(f"/{lang}/{prefix}/COL/XXX/").status_code == 404
    assert f'href="/{lang}/{prefix}/PER/USA/"' in response.content.decode()


def test_the_answer_follows_the_data(client: Client, colombia: dict[str, Any]) -> None:
    before = _sentence(client.get("/es/respuestas/bases/COL/USA/"))
    assert "presencia permanente" in before and "Base aérea de Palanquero" in before
    use = colombia["use"]
    use.end_date = use.start_date + dt.timedelta(days=40)  # a short use: no longer a standing presence
    use.save()
    after = _sentence(client.get("/es/respuestas/bases/COL/USA/"))
    assert after != before
    assert "uso temporal" in after and "presencia permanente" not in after
    m.FacilityUse.objects.filter(pk=use.pk).update(status="withdrawn")
    m.AuthorizedPlace.objects.all().delete()
    none = _sentence(client.get("/es/respuestas/bases/COL/USA/"))
    assert (
        none
        == "No se documenta ninguna base militar de Estados Unidos en Colombia ni otra presencia en sus instalaciones."
    )


def test_pair_chooser_redirects_and_default_pair(client: Client, colombia: dict[str, Any], settings: Any) -> None:
    response = client.get("/es/respuestas/bases/?host=COL&foreign=USA")
    assert response.status_code == 302 and response["Location"] == "/es/respuestas/bases/COL/USA/"
    settings.HOST_COUNTRY = "COL"
    assert "en Colombia?" in _text(client.get("/es/respuestas/bases/"))
    settings.HOST_COUNTRY = "PER"
    assert "en Perú?" in _text(client.get("/es/respuestas/bases/"))


def test_home_leads_with_the_answer(client: Client, dataset: dict[str, Any]) -> None:
    for lang, question, records in (
        ("es", "¿Hay bases militares de Estados Unidos en Perú?", "Registros"),
        ("en", "Are there United States military bases in Peru?", "Records"),
    ):
        page = _text(client.get(f"/{lang}/"))
        assert question in page
        assert page.index(question) < page.index(records)
    home = client.get("/es/").content.decode()
    assert 'href="/es/respuestas/bases/PER/USA/"' in home
    assert home.index("answer-sentence") < home.index("Últimas autorizaciones") < home.index("Hallazgos abiertos")


# ---------------------------------------------------------------- the bundled pair


@pytest.fixture
def bundled(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"
    load_folder(ROOT / "data" / "peru-us", author="test")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_answer_page_for_the_bundled_pair(client: Client, bundled: None, lang: str) -> None:
    response = client.get("/es/respuestas/bases/" if lang == "es" else "/en/answers/bases/")
    assert response.status_code == 200
    text = _text(response)
    per, usa = m.Country.objects.get(iso3="PER"), m.Country.objects.get(iso3="USA")
    with translation.override(lang):
        expected = answers.sentence(per, usa, answers.assessments(per, usa))
    assert _sentence(response) == expected
    assert "NAMRU SOUTH" in text
    assert "inmensa patraña" in text  # a statement of the bundled data, with its source
    for pk in ("rl-32214", "namru-south-callao-since-1983"):
        assert f"/{pk}/" in response.content.decode()


def test_the_answer_says_when_each_presence_was(client: Client, bundled: None) -> None:
    """A presence that ended is dated, so that the answer does not read as a present-day fact."""
    html = client.get("/es/respuestas/bases/PER/USA/").content.decode()
    sentence = html.split('answer-sentence">', 1)[1].split("</p>", 1)[0]
    assert "Santa Lucía (Alto Huallaga) (1989–1993)" in sentence
    assert "(desde 1983, sin fecha de fin registrada)" in sentence


def test_statements_say_which_country_they_are_about(client: Client, colombia: dict[str, Any]) -> None:
    """A statement about another country is not shown for this pair; one about the pair is, whatever it names."""
    col = colombia["col"]
    ven = m.Country.objects.create(id="ven", iso3="VEN", name_es="Venezuela", name_en="Venezuela")
    usa = m.Country.objects.get(iso3="USA")
    elsewhere = m.Statement.objects.create(
        id="col-on-ven", title_es="Sobre tropas extranjeras", speaker_name="Cancillería", country=col,
        quote="No hay tropas extranjeras en la frontera", quote_language="es",
    )  # fmt: skip
    elsewhere.about_countries.add(ven)
    about = m.Statement.objects.create(
        id="col-on-usa", title_es="Sobre la cooperación", speaker_name="Presidencia", country=col,
        quote="La cooperación continúa", quote_language="es",
    )  # fmt: skip
    about.about_countries.add(usa)
    html = client.get("/es/respuestas/bases/COL/USA/").content.decode()
    assert "La cooperación continúa" in html
    assert "No hay tropas extranjeras en la frontera" not in html
