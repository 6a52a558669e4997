"""Query functions over the stored findings, shared by the portal, the API and the CLI."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from veeduria.evidence.models import Citation
from veeduria.oversight.models import Finding, Severity
from veeduria.oversight.texts import Names
from veeduria.records.models import Activity, Authorization, Country
from veeduria.records.queries import MAX_YEAR, MIN_YEAR

#: severities from the gravest to the mildest (display order)
SEVERITIES: tuple[str, ...] = (Severity.VIOLATION, Severity.UNDETERMINED, Severity.NOTICE)


def list_findings(
    *,
    severity: str | None = None,
    rule: str | None = None,
    year: int | None = None,
    country: str | None = None,
    activity: str | None = None,
    authorization: str | None = None,
) -> QuerySet[Finding]:
    """Findings, filtered. ``year``: the activity's start year; ``country``: an ISO3 code of a country that took
    part in or provided the activity, or one the authorization names; ``activity`` / ``authorization``: ids."""
    qs = Finding.objects.select_related("activity", "authorization")
    if severity:
        qs = qs.filter(severity=severity)
    if rule:
        qs = qs.filter(rule=rule)
    if year is not None:
        if not MIN_YEAR <= year <= MAX_YEAR:
            return qs.none()  # no activity starts in such a year (and a date cannot hold it)
        qs = qs.filter(activity__start_date__year=year)
    if country:
        code = country.upper()
        qs = qs.filter(
            Q(activity__countries__iso3=code)
            | Q(activity__provider_country__iso3=code)
            | Q(authorization__foreign_countries__iso3=code)
        ).distinct()
    if activity:
        qs = qs.filter(activity_id=activity)
    if authorization:
        qs = qs.filter(authorization_id=authorization)
    return qs.order_by("severity", "rule", "activity_id", "pk")


def counts(qs: QuerySet[Finding]) -> dict[str, int]:
    """How many findings of each severity and of each rule: keys ``severity:<s>``, ``rule:<code>`` and
    ``total``. Every severity is present (0 when none)."""
    out: dict[str, int] = {f"severity:{s}": 0 for s in SEVERITIES}
    base = qs.order_by()
    for row in base.values("severity").annotate(n=Count("pk", distinct=True)):
        out[f"severity:{row['severity']}"] = row["n"]
    for rule_row in base.values("rule").annotate(n=Count("pk", distinct=True)).order_by("rule"):
        out[f"rule:{rule_row['rule']}"] = rule_row["n"]
    out["total"] = base.values("pk").distinct().count()
    return out


def country_names() -> Names:
    """Country names by id, (Spanish, English), for writing explanations."""
    return {str(i): (es, en or es) for i, es, en in Country.objects.values_list("id", "name_es", "name_en")}


def citations_of(findings: Iterable[Finding]) -> dict[int, list[Citation]]:
    """The citations each finding rests on (its activity's, then its authorization's), by finding pk, in two
    queries whatever their number; their sources are selected with them."""
    findings = list(findings)
    by_record: dict[tuple[int, str], list[Citation]] = defaultdict(list)
    types = {m: ContentType.objects.get_for_model(m) for m in (Activity, Authorization)}
    for model, attr in ((Activity, "activity_id"), (Authorization, "authorization_id")):
        ids = {str(getattr(f, attr)) for f in findings if getattr(f, attr)}
        if not ids:
            continue
        ct = types[model]
        for c in Citation.objects.filter(content_type=ct, object_id__in=ids).select_related("source").order_by("pk"):
            by_record[(ct.pk, c.object_id)].append(c)
    out: dict[int, list[Citation]] = {}
    for f in findings:
        cs = list(by_record.get((types[Activity].pk, str(f.activity_id)), ()))
        if f.authorization_id:
            cs += by_record.get((types[Authorization].pk, str(f.authorization_id)), [])
        out[f.pk] = cs
    return out
