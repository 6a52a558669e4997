"""The home page: the answers first (bases, latest authorizations, open findings, latest fact-checks), then the ways
in (search, map, timeline, figures, record types); the table counts last."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from veeduria.evidence.models import Status
from veeduria.portal import display

#: how many authorizations and fact-checks the home page lists
LATEST_AUTHORIZATIONS = 6
LATEST_CHECKS = 4


def home(request: HttpRequest) -> HttpResponse:
    from veeduria.records import presence, queries
    from veeduria.records.registry import BY_KEY

    latest = [
        (a, display.record_url(a), display.format_date(a.decision_date, a.decision_precision))
        for a in queries.latest_authorizations(LATEST_AUTHORIZATIONS)
    ]
    activities_url = display.list_url(BY_KEY["activities"])
    places = [(key, n, f"{activities_url}?where={key}") for key, n in presence.counts(settings.HOST_COUNTRY).items()]
    context: dict[str, Any] = {
        "latest": latest,
        "places": places,
        "host_name": host_name(),
        "record_types": [(rt, display.list_url(rt)) for rt in BY_KEY.values()],
        "counts": [(rt, n, display.list_url(rt)) for rt, n in queries.home_counts()],
        "latest_checks": latest_checks(LATEST_CHECKS),
    }
    context.update(home_answers())
    return render(request, "portal/home.html", context)


def host_name() -> str:
    """The title of the host country (``settings.HOST_COUNTRY``), or its code when it is not in the database."""
    from veeduria.records.models import Country

    country = Country.objects.filter(iso3=settings.HOST_COUNTRY).first()
    return country.title if country else settings.HOST_COUNTRY


def home_answers() -> dict[str, Any]:
    """The bases question for the default pair and the open findings by severity."""
    from veeduria.oversight.models import Finding, Severity
    from veeduria.oversight.queries import SEVERITIES
    from veeduria.portal import answer_views, answers

    pair = answers.default_pair()
    by_severity = dict(Finding.objects.order_by().values_list("severity").annotate(n=Count("pk")))
    findings_href = reverse("portal:findings")
    return {
        "answer": answer_views.summary(*pair) if pair else None,
        "finding_counts": [
            (s, Severity(s).label, by_severity.get(s, 0), f"{findings_href}?severity={s}") for s in SEVERITIES
        ],
        "finding_total": sum(by_severity.values()),
        "findings_href": findings_href,
    }


def latest_checks(n: int) -> list[Any]:
    """The ``n`` published claims whose current review is the most recent, newest first."""
    from veeduria.factchecks.models import Claim, Review
    from veeduria.factchecks.pages import claim_rows

    reviews = Review.objects.filter(status=Status.PUBLISHED, claim__status=Status.PUBLISHED)
    order: list[str] = []
    for claim_id in reviews.order_by("-reviewed_on", "-created_at", "-id").values_list("claim_id", flat=True):
        if claim_id not in order:
            order.append(claim_id)
            if len(order) == n:
                break
    claims = Claim.objects.in_bulk(order)
    rows = claim_rows([claims[pk] for pk in order])
    rank = {pk: i for i, pk in enumerate(order)}
    return sorted(rows, key=lambda row: rank[row.claim.pk])
