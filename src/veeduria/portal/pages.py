"""Explanatory pages: methodology, glossary, about. What the data declares (choices, programmes, sources, data sets)
is read from it; ``portal.glossary`` adds the explanations the sources give."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from veeduria.evidence.models import Precision, Source, SourceKind, Status
from veeduria.portal import glossary as glossary_data
from veeduria.portal import labels


def methodology(request: HttpRequest) -> HttpResponse:
    """How records are sourced, the reliability scale, disagreements and precision, presence, oversight rules."""
    from veeduria.oversight.models import Severity
    from veeduria.portal.findings import RULE_LABELS
    from veeduria.records.models import PlacePrecision

    by_kind = dict(Source.objects.order_by().values_list("kind").annotate(n=Count("pk")))
    context = {
        "source_kinds": [(code, label, by_kind.get(code, 0)) for code, label in SourceKind.choices],
        "reliability": [(code, labels.reliability_label(code)) for code in labels.RELIABILITY_MEANING],
        "date_precisions": [label for _code, label in Precision.choices],
        "place_precisions": [label for _code, label in PlacePrecision.choices],
        "rules": list(RULE_LABELS.values()),
        "severities": [label for _code, label in Severity.choices],
        "datasets": _datasets(),
    }
    return render(request, "portal/methodology.html", context)


def glossary(request: HttpRequest) -> HttpResponse:
    """Programmes, instrument types and external categories explained, with their sources."""
    return render(request, "portal/glossary.html", glossary_context())


def glossary_context() -> dict[str, Any]:
    from veeduria.records.models import Activity, FacilityClassification, InstrumentType

    programmes = []
    named = Activity.objects.filter(status=Status.PUBLISHED).exclude(program="").order_by()
    for code, n in named.values_list("program").annotate(n=Count("pk")).order_by("program"):
        known = glossary_data.PROGRAMMES.get(code)
        search = f"{reverse('portal:search')}?q={code}"
        programmes.append({"code": code, "count": n, "known": known, "search": search})
    instruments = []
    for code, label in InstrumentType.choices:
        text, sources = glossary_data.INSTRUMENTS.get(code, ("", ()))
        instruments.append({"code": code, "label": label, "text": text, "sources": sources})
    in_data = (
        FacilityClassification.objects.filter(status=Status.PUBLISHED)
        .order_by()
        .values_list("scheme", "label")
        .annotate(n=Count("pk"))
    )
    counts = {label: (scheme, n) for scheme, label, n in in_data}
    categories = []
    for label in [*glossary_data.CATEGORIES, *sorted(set(counts) - set(glossary_data.CATEGORIES))]:
        meaning, source = glossary_data.CATEGORIES.get(label, ("", None))
        scheme, n = counts.get(label, ("", 0))
        categories.append({"scheme": scheme, "label": label, "count": n, "meaning": meaning, "source": source})
    return {
        "programmes": programmes,
        "instruments": instruments,
        "categories": categories,
        "fmtrpt": glossary_data.FMTRPT,
        "bsr_site": glossary_data.BSR_SITE,
        "classifications_href": reverse("portal:facility_classifications-list"),
    }


def about(request: HttpRequest) -> HttpResponse:
    """Who maintains the portal, the licences of code and data, how to correct an error."""
    return render(request, "portal/about.html", {"datasets": _datasets()})


def _datasets() -> list[Source]:
    """The data sets records come from (sources of kind ``dataset``), with their licences."""
    return list(Source.objects.filter(kind=SourceKind.DATASET).exclude(status=Status.WITHDRAWN).order_by("title"))
