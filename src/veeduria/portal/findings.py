"""The findings page (filters with counts, a table, pagination, downloads) and the oversight sections of the
activity and authorization pages. Findings come from ``veeduria.oversight.queries``; their rule codes and the
names of their evidence values are shown through the label tables below, never raw."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from veeduria.oversight.models import Finding, Severity
from veeduria.oversight.queries import SEVERITIES, citations_of, country_names, counts, list_findings
from veeduria.portal import display, finding_values
from veeduria.portal.display import Value as Shown
from veeduria.records.models import Activity, Authorization, Country

#: what each compliance rule checks, for readers (codes of ``veeduria.oversight.rules.RULES``)
RULE_LABELS: dict[str, Promise] = {
    "no_authorization": gettext_lazy("sin autorización"),
    "instrument_insufficient": gettext_lazy("instrumento insuficiente"),
    "armed_ministerial": gettext_lazy("ingreso armado con resolución ministerial"),
    "outside_window": gettext_lazy("fuera del periodo autorizado"),
    "personnel_over_limit": gettext_lazy("más personal que el autorizado"),
    "place_not_authorized": gettext_lazy("lugar no autorizado"),
    "items_not_listed": gettext_lazy("armas, naves o aeronaves no listadas"),
    "limits_unknown": gettext_lazy("límites de la autorización desconocidos"),
}

#: severity → CSS class of its badge
BADGE: dict[str, str] = {
    Severity.VIOLATION: "sev-violation",
    Severity.UNDETERMINED: "sev-undetermined",
    Severity.NOTICE: "sev-notice",
}


def rule_label(code: str) -> str:
    """The readable name of a rule code; an unknown code is never shown raw."""
    label = RULE_LABELS.get(code)
    return str(label) if label is not None else _("otra regla")


def severity_order() -> Case:
    """Gravest first: violations, then undetermined, then notices."""
    return Case(
        *[When(severity=s, then=Value(i)) for i, s in enumerate(SEVERITIES)],
        default=Value(len(SEVERITIES)),
        output_field=IntegerField(),
    )


@dataclass
class Row:
    """One finding ready for a template."""

    finding: Finding
    activity: Shown
    authorization: Shown | None
    rule: str
    severity: str
    badge: str
    explanation: str
    records: list[Shown] = field(default_factory=list)
    citations: list[Shown] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)


def rows(findings: Iterable[Finding]) -> list[Row]:
    """Findings as rows, their explanations written in the active language, with the citations of their activity
    and authorization (two queries) and the records their values name."""
    findings = list(findings)
    cited = citations_of(findings)
    names = country_names()
    lang = (get_language() or "es")[:2]
    lookups = finding_values.Lookups(findings)
    out = []
    for f in findings:
        shown_citations = []
        for c in cited.get(f.pk, []):
            text = c.source.title + (f" ({c.locator})" if c.locator else "")
            shown_citations.append(Shown(text=text, href=display.record_url(c.source)))
        out.append(
            Row(
                finding=f,
                activity=display.link(f.activity),
                authorization=display.link(f.authorization) if f.authorization_id else None,
                rule=rule_label(f.rule),
                severity=f.get_severity_display(),
                badge=BADGE.get(f.severity, ""),
                explanation=f.explanation(lang, names),
                records=finding_values.norm_links(f, lookups),
                citations=shown_citations,
                values=finding_values.readable(f, lookups),
            )
        )
    return out


def _download(fmt: str) -> str:
    """The address of the findings file in format ``fmt`` (``/es/hallazgos.csv``), made by the export view."""
    return reverse("portal:findings-export", kwargs={"fmt": fmt})


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _with_filters(href: str, severity: str, rule: str, year: str, country: str) -> str:
    """``href`` with the page's filters that are set as its query string."""
    query = urlencode(
        {k: v for k, v in (("severity", severity), ("rule", rule), ("year", year), ("country", country)) if v}
    )
    return f"{href}?{query}" if query and href else href


def findings_page(request: HttpRequest) -> HttpResponse:
    """``/es/hallazgos/``: findings filtered by severity, rule, year and country, with counts per choice."""
    get = request.GET
    severity = get.get("severity", "").strip()
    severity = severity if severity in SEVERITIES else ""
    rule = get.get("rule", "").strip()[:40]
    year_text = get.get("year", "").strip()
    year = _int(year_text)
    year_text = year_text if year else ""
    country = get.get("country", "").strip().upper()[:3]
    where = country or None
    qs = list_findings(severity=severity or None, rule=rule or None, year=year, country=where)
    by_severity = counts(list_findings(rule=rule or None, year=year, country=where))
    by_rule = counts(list_findings(severity=severity or None, year=year, country=where))
    total = counts(qs)["total"]
    ordered = qs.annotate(_rank=severity_order()).order_by(
        "_rank", F("activity__start_date").desc(nulls_last=True), "rule", "activity_id", "pk"
    )
    page = Paginator(ordered, settings.PAGE_SIZE).get_page(get.get("page"))
    started = Finding.objects.exclude(activity__start_date=None).annotate(y=ExtractYear("activity__start_date"))
    years = sorted(set(started.values_list("y", flat=True)), reverse=True)
    # read from the findings (a few hundred) to their activities' countries, not from each country's activities
    links = Activity.countries.through.objects.filter(activity_id__in=Finding.objects.values("activity_id"))
    involved = Country.objects.filter(pk__in=links.values("country_id"))
    params = get.copy()
    params.pop("page", None)
    context = {
        "rows": rows(page.object_list),
        "page": page,
        "total": total,
        "severities": [(s, Severity(s).label, by_severity.get(f"severity:{s}", 0)) for s in SEVERITIES],
        "rules": [(key[5:], rule_label(key[5:]), n) for key, n in by_rule.items() if key.startswith("rule:")],
        "years": years,
        "countries": [(c.iso3, c.title) for c in involved],
        "filters": {"severity": severity, "rule": rule, "year": year_text, "country": country},
        "query": params.urlencode(),
        # the downloads hold what the page shows: the same filters (only those set and valid)
        "csv_href": _with_filters(_download("csv"), severity, rule, year_text, country),
        "json_href": _with_filters(_download("json"), severity, rule, year_text, country),
    }
    return render(request, "portal/findings.html", context)


# ---------------------------------------------------------------- detail-page sections


@dataclass
class Oversight:
    """The oversight section of an activity page (legal basis) or an authorization page (coverage)."""

    kind: str  #: "activity" or "authorization"
    authorizations: list[Shown] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)
    #: on an authorization: each covered activity with its findings under this authorization
    covered: list[tuple[Shown, list[Row]]] = field(default_factory=list)
    #: on an activity: foreign forces took part in the country where it took place (an authorization applies)
    needs_basis: bool = False
    findings_href: str = ""


def _findings_qs(**kw: Any) -> QuerySet[Finding]:
    return list_findings(**kw).annotate(_rank=severity_order()).order_by("_rank", "rule", "pk")


def _is_foreign_presence(activity: Activity) -> bool:
    if activity.host_country_id is None:
        return False
    others = {c.pk for c in activity.countries.all()} - {activity.host_country_id}
    return bool(others) or (activity.provider_country_id not in (None, activity.host_country_id))


def for_activity(activity: Activity) -> Oversight:
    """The authorizations that cover an activity (listed by it, or matched by the compliance engine) and its
    findings."""
    findings = list(_findings_qs(activity=activity.pk))
    matched = {f.authorization_id for f in findings if f.authorization_id}
    auths = Authorization.objects.filter(activities=activity) | Authorization.objects.filter(pk__in=matched)
    return Oversight(
        kind="activity",
        authorizations=[display.link(a) for a in auths.distinct()],
        findings=rows(findings),
        needs_basis=_is_foreign_presence(activity) or bool(findings),
        findings_href=reverse("portal:findings"),
    )


def for_authorization(auth: Authorization) -> Oversight:
    """The activities an authorization covers (listed by it, or checked against it) with their findings."""
    findings = rows(_findings_qs(authorization=auth.pk))
    by_activity: dict[str, list[Row]] = defaultdict(list)
    for r in findings:
        by_activity[r.finding.activity_id].append(r)
    listed = list(auth.activities.all())
    extra = Activity.objects.filter(pk__in=[k for k in by_activity if k not in {a.pk for a in listed}])
    covered = [(display.link(a), by_activity.get(a.pk, [])) for a in [*listed, *extra]]
    return Oversight(kind="authorization", covered=covered, findings=findings, findings_href=reverse("portal:findings"))


def for_record(obj: Any) -> Oversight | None:
    """The oversight section of a detail page, or ``None`` for a record type without one."""
    if isinstance(obj, Activity):
        return for_activity(obj)
    if isinstance(obj, Authorization):
        return for_authorization(obj)
    return None
