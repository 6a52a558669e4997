"""The presence assessment on the portal: the methodology page (criteria, rules, definitions) and the section
"¿Es una base extranjera?" of a facility's page. Texts come from :mod:`veeduria.oversight.bases_text` in the
reader's language; the records and sources cited are links."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.evidence.models import Source, Status
from veeduria.oversight import base_facts
from veeduria.oversight.bases import RULES, STANDING_DAYS, Assessment, Cite, Evidence
from veeduria.oversight.bases_text import CATEGORIES, CRITERIA
from veeduria.records.models import LegalNorm


def _lang() -> str:
    return "en" if (get_language() or "es")[:2] == "en" else "es"


def _answer_label(answer: str) -> str:
    return {"yes": _("sí"), "no": _("no"), "unknown": _("desconocido")}[answer]


@dataclass
class Link:
    text: str
    href: str | None = None
    quote: str = ""


@dataclass
class CriterionRow:
    code: str
    label: str
    question: str
    answer: str
    answer_label: str
    reasoning: str
    evidence: list[tuple[Link, list[Link]]] = field(default_factory=list)


def _record_link(ev: Evidence) -> Link:
    try:
        href: str | None = reverse(f"portal:{ev.type_key}-detail", kwargs={"pk": ev.id})
    except NoReverseMatch:
        href = None
    text = ev.label or ev.id
    return Link(text if len(text) <= 140 else text[:137] + "…", href)


def _cite_links(cites: tuple[Cite, ...], titles: dict[str, str]) -> list[Link]:
    seen: set[str] = set()
    out = []
    for c in cites:
        if c.source_id in seen:
            continue
        seen.add(c.source_id)
        out.append(
            Link(titles.get(c.source_id, c.source_id), reverse("portal:source-detail", args=[c.source_id]), c.quote)
        )
    return out


def section(assessment: Assessment) -> dict[str, Any]:
    """The view data of a facility's assessment in the active language."""
    lang = _lang()
    sources = {c.source_id for crit in assessment.criteria for e in crit.evidence for c in e.citations}
    sources |= {c.source_id for x in assessment.classifications for c in x.citations}
    titles = dict(Source.objects.filter(pk__in=sources).values_list("pk", "title"))
    rows = [
        CriterionRow(
            code=c.code,
            label=CRITERIA[c.code][lang],
            question=CRITERIA[c.code][f"question_{lang}"],
            answer=c.answer,
            answer_label=_answer_label(c.answer),
            reasoning=c.reasoning_en if lang == "en" else c.reasoning_es,
            evidence=[(_record_link(e), _cite_links(e.citations, titles)) for e in c.evidence],
        )
        for c in assessment.criteria
    ]
    external = [
        {
            "scheme": x.scheme,
            "label": x.label,
            "site_name": x.site_name,
            "link": _record_link(Evidence("facility_classifications", x.id, x.label)),
            "meaning": _classification_meaning(x.label),
            "sources": _cite_links(x.citations, titles),
        }
        for x in assessment.classifications
    ]
    return {
        "assessment": assessment,
        "category": CATEGORIES[assessment.category][lang],
        "category_meaning": CATEGORIES[assessment.category][f"meaning_{lang}"],
        "foreign_name": (assessment.foreign_name_en if lang == "en" else assessment.foreign_name_es)
        or (assessment.foreign or ""),
        "reasoning": assessment.reasoning_en if lang == "en" else assessment.reasoning_es,
        "rows": rows,
        "changes": [ch.text_en if lang == "en" else ch.text_es for ch in assessment.changes],
        "external": external,
        "listings": [
            _record_link(Evidence("facility_listings", x.id, f"{x.edition}: {x.site_name}"))
            for x in assessment.listings
        ],
    }


#: What the labels of David Vine's list mean, as the troopdata package documents its columns (R/data.R).
VINE_MEANINGS: dict[str, dict[str, str]] = {
    "major base": {"es": "«major base» (base mayor)", "en": "“major base”"},
    "lily pad": {
        "es": "«less than 200 personnel or 'other site' designation in Pentagon reports» (menos de 200 efectivos o "
        "designado «otro sitio» en los informes del Pentágono)",
        "en": "“less than 200 personnel or 'other site' designation in Pentagon reports”",
    },
    "funded site": {
        "es": "«host-state base funded by the US» (base del Estado anfitrión financiada por EE. UU.)",
        "en": "“host-state base funded by the US”",
    },
}


def _classification_meaning(label: str) -> str:
    meaning = VINE_MEANINGS.get(label)
    return meaning[_lang()] if meaning else ""


def facility_section(facility: Any) -> dict[str, Any] | None:
    """The assessment section of a facility's page (``None`` for a withdrawn facility)."""
    if getattr(facility, "status", "") == Status.WITHDRAWN:
        return None
    return section(base_facts.assess(facility.pk))


def method(request: HttpRequest) -> HttpResponse:
    """The methodology page of the presence assessment."""
    lang = _lang()
    criteria = [{"code": code, "label": t[lang], "question": t[f"question_{lang}"]} for code, t in CRITERIA.items()]
    rules = [
        {
            "number": i + 1,
            "category": CATEGORIES[r.category][lang],
            "conditions": [(CRITERIA[c][lang], _answer_label(a)) for c, a in r.conditions],
        }
        for i, r in enumerate(RULES)
    ]
    categories = [{"code": code, "label": t[lang], "meaning": t[f"meaning_{lang}"]} for code, t in CATEGORIES.items()]
    norms = (
        LegalNorm.objects.exclude(status=Status.WITHDRAWN)
        .filter(country__iso3=settings.HOST_COUNTRY)
        .order_by("enacted_on", "pk")
    )
    context = {
        "criteria": criteria,
        "rules": rules,
        "categories": categories,
        "standing_days": STANDING_DAYS,
        "norms": norms,
        "vine": [(label, m[lang]) for label, m in VINE_MEANINGS.items()],
    }
    return render(request, "portal/method_bases.html", context)
