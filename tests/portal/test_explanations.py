"""Methodology, glossary and about: what the data declares is read from it, every explanation with its source,
both languages."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from veeduria.evidence.models import Source, SourceKind
from veeduria.portal.findings import RULE_LABELS
from veeduria.portal.glossary import INSTRUMENTS, PROGRAMMES
from veeduria.records import models as m

LANGS = ("es", "en")


def _url(name: str, lang: str, **kwargs: Any) -> str:
    with override(lang):
        return reverse(name, kwargs=kwargs or None)


def _get(client: Client, name: str, lang: str) -> str:
    response = client.get(_url(name, lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels  # no skipped level
    return html


@pytest.mark.parametrize("lang", LANGS)
def test_methodology_links_the_method_pages_and_lists_what_the_data_declares(
    client: Client, dataset: dict[str, Any], lang: str
) -> None:
    html = _get(client, "portal:methodology", lang)
    for name in ("portal:reliability", "portal:method-bases", "portal:findings", "portal:source-list"):
        assert f'href="{_url(name, lang)}"' in html
    with override(lang):
        for _code, label in SourceKind.choices:
            assert str(label) in html
        for label in RULE_LABELS.values():
            assert str(label)[1:] in html  # capitalised in the list
    assert f'href="{_url("portal:about", lang)}#corrections"' in html
    if lang == "en":
        assert "What is not known is shown as unknown, never as zero." in html


def test_methodology_lists_the_imported_data_sets(client: Client, dataset: dict[str, Any]) -> None:
    Source.objects.create(
        id="fmtrpt-per", title="Foreign Military Training Report, Peru", kind="dataset", licence="MIT"
    )
    html = _get(client, "portal:methodology", "es")
    assert 'href="/es/fuentes/fmtrpt-per/"' in html and "MIT" in html


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_programmes_from_the_data_with_their_source(
    client: Client, dataset: dict[str, Any], lang: str
) -> None:
    peru = dataset["peru"]
    for i, program in enumerate(("IMET", "IMET", "CTFP", "XYZ-9")):
        m.Activity.objects.create(
            id=f"course-{i}", kind="training", name_es=f"Curso {i}", host_country=peru, program=program
        )
    html = _get(client, "portal:glossary", lang)
    section = html.split('id="programmes"', 1)[1].split("</section>", 1)[0]
    assert "International Military Education and Training (IMET)" in section
    assert "Regional Defense Counterterrorism Fellowship Program" in section
    assert "security-force-monitor/fmtrpt_data" in section
    assert ("2 actividades del programa IMET" if lang == "es" else "2 activities of the IMET programme") in section
    # a programme the sources do not name further is listed, and says so
    assert "XYZ-9" in section
    assert ("Las fuentes no dan otro nombre." if lang == "es" else "The sources give no other name.") in section
    assert "FMF" not in section  # listed only when an activity names it (the fixture's FMF is a funding record)


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_instrument_types_from_the_model_and_external_categories(
    client: Client, dataset: dict[str, Any], lang: str
) -> None:
    html = _get(client, "portal:glossary", lang)
    section = html.split('id="instruments"', 1)[1].split("</section>", 1)[0]
    with override(lang):
        for code, label in m.InstrumentType.choices:
            assert f'id="instrument-{code}"' in section and str(label)[1:] in section
            if code in INSTRUMENTS:
                assert str(INSTRUMENTS[code][0]) in section.replace("&quot;", '"').replace("&#x27;", "'")
    assert "Ley 27856" in section or "Law 27856" in section
    assert "vlex.com.pe" in section  # each explanation with its source
    categories = html.split('id="categories"', 1)[1].split("</section>", 1)[0]
    assert "less than 200 personnel or &#x27;other site&#x27; designation in Pentagon reports" in categories
    assert "host-state base funded by the US" in categories
    assert ("1 instalación con esta categoría" if lang == "es" else "1 facility with this category") in categories


def test_glossary_programmes_cover_the_importer_vocabulary() -> None:
    from veeduria.ingest.importers.fmtrpt import PROGRAMS

    assert {name for _pattern, name in PROGRAMS} == set(PROGRAMMES)


@pytest.mark.parametrize("lang", LANGS)
def test_about_licences_data_sets_and_corrections(client: Client, dataset: dict[str, Any], lang: str) -> None:
    Source.objects.create(
        id="troopdata",
        title="DMDC counts (troopdata)",
        kind="dataset",
        licence="GPL-3.0-or-later",
        publisher="M. Flynn",
    )
    html = _get(client, "portal:about", lang)
    assert 'id="licences"' in html and 'id="corrections"' in html
    assert "AGPL-3.0-or-later" in html and "CC BY-SA 4.0" in html
    assert "GPL-3.0-or-later" in html and f'href="{_url("portal:source-detail", lang, pk="troopdata")}"' in html
    corrections = html.split('id="corrections"', 1)[1].split("</section>", 1)[0]
    assert corrections.count("<li>") >= 4 and "<ol>" in corrections
    assert 'href="/api/v1/docs"' in html and 'href="/api/v1/"' in html
