"""The answer pages: ``/es/respuestas/bases/<host>/<foreign>/`` and the default pair at ``/es/respuestas/bases/``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from veeduria.evidence.models import localized
from veeduria.factchecks.pages import related_checks
from veeduria.oversight.models import Severity
from veeduria.oversight.queries import SEVERITIES, counts, list_findings
from veeduria.portal import answers, display, findings
from veeduria.records.models import Country, DecisionBasis
from veeduria.records.registry import BY_KEY

#: how many of the pair's findings the page lists (the findings page has them all)
LATEST_FINDINGS = 5


def answer_url(host: Country, foreign: Country) -> str:
    return reverse("portal:answer-bases", kwargs={"host": host.iso3, "foreign": foreign.iso3})


def bases_default(request: HttpRequest) -> HttpResponse:
    """The pair chosen in the form (``?host=PER&foreign=USA``), else the default pair."""
    host_code, foreign_code = request.GET.get("host", ""), request.GET.get("foreign", "")
    if host_code and foreign_code:
        host, foreign = answers.find_country(host_code), answers.find_country(foreign_code)
        if host is None or foreign is None:
            raise Http404(_("No existe ese país."))
        return HttpResponseRedirect(answer_url(host, foreign))
    pair = answers.default_pair()
    if pair is None:
        return render(request, "portal/answer_bases.html", {"empty": True, "pairs": _pairs()}, status=200)
    return bases_answer(request, pair[0].iso3, pair[1].iso3)


def _pairs() -> list[dict[str, Any]]:
    return [{"host": h, "foreign": f, "href": answer_url(h, f)} for h, f in answers.pairs()]


def summary(host: Country, foreign: Country) -> dict[str, Any]:
    """The question, the one-sentence answer and its link (also used by the home page)."""
    assessed = answers.assessments(host, foreign)
    return {
        "question": _("¿Hay bases militares de %(foreign)s en %(host)s?")
        % {"foreign": foreign.title, "host": host.title},
        "sentence": answers.sentence(host, foreign, assessed),
        "href": answer_url(host, foreign),
        "assessments": assessed,
    }


def _authorization_rows(host: Country, foreign: Country) -> tuple[list[dict[str, Any]], int]:
    auths, total = answers.recent_authorizations(host, foreign)
    out = []
    for a in auths:
        personnel = list(a.personnel.all())
        counted = [p.count for p in personnel]
        if a.personnel_total is not None:
            people = display.format_number(a.personnel_total)
        elif counted and all(c is not None for c in counted):
            people = display.format_number(sum(c or 0 for c in counted))
        else:
            people = ""
        out.append(
            {
                "link": display.link(a),
                "decided": display.format_date(a.decision_date, a.decision_precision),
                "basis": str(DecisionBasis(a.decision_basis).label) if a.decision_basis not in ("", "approved") else "",
                "personnel": people,
                "items": [
                    f"{i.name} ({display.format_number(i.quantity)})" if i.quantity is not None else i.name
                    for i in a.items.all()
                ],
                "places": [p.name + (f" ({p.department})" if p.department else "") for p in a.places.all()],
                "window": (
                    display.format_date(a.window_start, a.window_start_precision),
                    display.format_date(a.window_end, a.window_end_precision),
                ),
                "periods": len(a.periods.all()),
                "limits_known": a.limits_known,
            }
        )
    return out, total


def _statement(s: Any) -> dict[str, Any]:
    sources = {c.source_id: c.source for c in s.citations.all()}
    return {
        "quote": s.quote,
        "speaker": s.speaker_name,
        "role": localized(s, "speaker_role"),
        "country": s.country.title,
        "made": display.format_date(s.made_on, s.made_precision),
        "link": display.link(s),
        "sources": [display.link(src) for src in sources.values()],
    }


def bases_answer(request: HttpRequest, host: str, foreign: str) -> HttpResponse:
    h, f = answers.find_country(host), answers.find_country(foreign)
    if h is None or f is None or h.pk == f.pk:
        raise Http404(_("No existe esa pareja de países."))
    head = summary(h, f)
    statements = answers.statements(h, f)
    personnel_rows, personnel_sources = answers.personnel(h, f)
    auths, auth_total = _authorization_rows(h, f)
    pair_findings = list_findings(country=f.iso3).filter(activity__host_country=h)
    by_severity = counts(pair_findings)
    latest = pair_findings.order_by("-activity__start_date", "pk")[:LATEST_FINDINGS]
    findings_href = reverse("portal:findings") + f"?country={f.iso3}"
    context = {
        **head,
        "host": h,
        "foreign": f,
        "uses": [
            (u, display.format_date(u.start_date, u.start_precision), display.format_date(u.end_date, u.end_precision))
            for u in answers.standing_uses(h, f)
        ],
        "personnel_rows": personnel_rows,
        "personnel_sources": personnel_sources,
        "personnel_list": display.list_url(BY_KEY["personnel_counts"]) + f"?country={h.pk}",
        "authorizations": auths,
        "authorization_total": auth_total,
        "authorizations_href": display.list_url(BY_KEY["authorizations"]) + f"?country={f.pk}",
        "recent_years": answers.RECENT_YEARS,
        "severities": [
            (s, Severity(s).label, by_severity.get(f"severity:{s}", 0), f"{findings_href}&severity={s}")
            for s in SEVERITIES
        ],
        "finding_total": by_severity["total"],
        "finding_rows": findings.rows(latest),
        "findings_href": findings_href,
        "statements": [_statement(s) for s in statements],
        "checks": related_checks(h, f, [s.pk for s in statements]),
        "pairs": _pairs(),
        "methodology_href": reverse("portal:method-bases"),
    }
    return render(request, "portal/answer_bases.html", context)
