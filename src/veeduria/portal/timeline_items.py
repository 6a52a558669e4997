"""What the timeline shows, read in a fixed number of queries: a host country's authorizations (their windows and
periods), the activities with foreign forces in it and the exercises its forces took part in elsewhere, each
activity tied to the authorization it was checked against and to its findings."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.evidence.models import Precision, Status
from veeduria.oversight.models import Finding
from veeduria.portal import display
from veeduria.portal.findings import rule_label
from veeduria.portal.timeline_scale import Span, span_of
from veeduria.records import presence
from veeduria.records.models import Activity, ActivityKind, Authorization, AuthorizedPeriod, Country, InstrumentType

AUTHORIZATION = "authorization"
#: the longest title shown in a row (the record's page has the whole)
TITLE_LENGTH = 140
#: the rules about the time of an activity against its authorization: drawn as a warning
WINDOW_RULES = ("outside_window", "no_authorization")
#: labels by code, read once (a model's ``get_FOO_display`` costs much more per row)
INSTRUMENTS = dict(InstrumentType.choices)
ACTIVITY_KINDS = dict(ActivityKind.choices)


@dataclass
class FindingLink:
    rule: str
    label: str
    severity: str
    href: str

    @property
    def warning(self) -> bool:
        return self.rule in WINDOW_RULES


@dataclass
class Item:
    """One authorization or activity on the timeline."""

    key: str
    kind: str  #: ``authorization`` or an activity kind
    kind_label: str
    title: str
    href: str
    span: Span | None
    dates: str  #: the dates in words, with their precision
    countries: set[str] = field(default_factory=set)  #: ISO3 codes of the foreign countries involved
    #: an authorization: its periods; ``decision``: its span is the date of the decision (no window known)
    periods: list[Span] = field(default_factory=list)
    decision: bool = False
    #: an activity: the authorization it was checked against (or that names it) and its findings
    authorization: Item | None = None
    findings: list[FindingLink] = field(default_factory=list)

    @property
    def is_authorization(self) -> bool:
        return self.kind == AUTHORIZATION

    @property
    def outside(self) -> bool:
        """A finding says the activity was (or may have been) outside its authorized window, or without one."""
        return any(f.warning for f in self.findings)

    @property
    def sort_key(self) -> tuple[dt.date, str]:
        return (self.span.start if self.span else dt.date.max, self.title)


@functools.lru_cache(maxsize=4096)
def _date(day: dt.date | None, precision: str, lang: str | None) -> str:
    """A date in words in language ``lang`` (the active one; part of the cache key), remembered."""
    return display.format_date(day, precision)


def dates_text(start: dt.date | None, start_prec: str, end: dt.date | None, end_prec: str) -> str:
    """ "3 de mayo de 2023 – julio 2023", "desde 2023 (fin no indicado)", "fecha desconocida"."""
    first = _date(start, start_prec, get_language())
    last = _date(end, end_prec, get_language())
    if first and last:
        return first if first == last else f"{first} – {last}"
    if first:
        return _("desde %(date)s (fin no indicado)") % {"date": first}
    if last:
        return _("hasta %(date)s (inicio no indicado)") % {"date": last}
    return _("fecha desconocida")


#: ids per query when reading the rows of many activities (under every database's limit of parameters)
_BATCH = 500


def activity_scope(host: str) -> list[str]:
    """The ids of the host's activities with foreign forces, and of the exercises its forces took part in
    elsewhere or at an unknown place (withdrawn records left out). Two queries, each served by its indexes: as
    one OR, every activity would be read (500,000 courses: 1.8 s)."""
    exercises = presence.host_personnel_abroad(host) | presence.location_unknown(host)
    ids = set(presence.foreign_presence(host).order_by().values_list("pk", flat=True))
    ids |= set(exercises.filter(kind=ActivityKind.EXERCISE).order_by().values_list("pk", flat=True))
    return sorted(ids)


class _Urls:
    """Record addresses made by substitution from one reversed address per record type (no reverse per item)."""

    def __init__(self) -> None:
        self.auth = reverse("portal:authorizations-detail", kwargs={"pk": "0pk0"})
        self.activity = reverse("portal:activities-detail", kwargs={"pk": "0pk0"})

    @staticmethod
    def of(template: str, pk: str) -> str:
        return template.replace("0pk0", pk)


def _title(row: dict[str, Any], base: str, lang: str) -> str:
    other = "en" if lang == "es" else "es"
    title = str(row[f"{base}_{lang}"] or row[f"{base}_{other}"] or row["id"])
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1].rstrip() + "…"


_AUTH_FIELDS = (
    "id", "title_es", "title_en", "instrument_type", "window_start", "window_start_precision", "window_end",
    "window_end_precision", "decision_date", "decision_precision",
)  # fmt: skip
_ACTIVITY_FIELDS = (
    "id", "name_es", "name_en", "kind", "start_date", "start_precision", "end_date", "end_precision",
    "provider_country__iso3",
)  # fmt: skip


def _authorization_item(row: dict[str, Any], url: str, lang: str, periods: list[Span]) -> Item:
    window = span_of(row["window_start"], row["window_start_precision"], row["window_end"], row["window_end_precision"])
    decision = window is None
    if window is not None:
        words = dates_text(
            row["window_start"], row["window_start_precision"], row["window_end"], row["window_end_precision"]
        )
    else:
        precision = row["decision_precision"] or Precision.UNKNOWN
        window = span_of(row["decision_date"], precision, None, Precision.DAY)
        words = _("periodo autorizado no indicado; decisión: %(date)s") % {
            "date": display.format_date(row["decision_date"], precision) or _("fecha desconocida")
        }
    return Item(
        key=f"authorization:{row['id']}",
        kind=AUTHORIZATION,
        kind_label=str(INSTRUMENTS.get(row["instrument_type"], _("autorización"))),
        title=_title(row, "title", lang),
        href=url,
        span=window,
        dates=words,
        periods=periods,
        decision=decision,
    )


def _activity_item(row: dict[str, Any], url: str, lang: str) -> Item:
    return Item(
        key=f"activity:{row['id']}",
        kind=row["kind"],
        kind_label=str(ACTIVITY_KINDS.get(row["kind"], _("otra"))),
        title=_title(row, "name", lang),
        href=url,
        span=span_of(row["start_date"], row["start_precision"], row["end_date"], row["end_precision"]),
        dates=dates_text(row["start_date"], row["start_precision"], row["end_date"], row["end_precision"]),
        countries={row["provider_country__iso3"]} if row["provider_country__iso3"] else set(),
    )


def load(host: Country) -> tuple[list[Item], list[Item]]:
    """The host's authorizations and activities as items (in eight queries, plus three per 500 activities), each
    activity tied to its authorization and findings."""
    lang = (get_language() or "es")[:2]
    urls = _Urls()
    auths = Authorization.objects.filter(host_country=host).exclude(status=Status.WITHDRAWN).order_by()
    periods: dict[str, list[Span]] = defaultdict(list)
    rows = AuthorizedPeriod.objects.filter(authorization__in=auths.values("pk")).order_by("start", "pk")
    for auth_id, start, end in rows.values_list("authorization_id", "start", "end"):
        if (span := span_of(start, Precision.DAY, end, Precision.DAY)) is not None:
            periods[auth_id].append(span)
    by_auth = {
        r["id"]: _authorization_item(r, urls.of(urls.auth, r["id"]), lang, periods.get(r["id"], []))
        for r in auths.values(*_AUTH_FIELDS)
    }
    links = Authorization.foreign_countries.through.objects.filter(authorization__in=auths.values("pk"))
    for auth_id, code in links.values_list("authorization_id", "country__iso3"):
        by_auth[auth_id].countries.add(code)
    scope = activity_scope(host.iso3)
    batches = [scope[i : i + _BATCH] for i in range(0, len(scope), _BATCH)]
    by_activity = {
        r["id"]: _activity_item(r, urls.of(urls.activity, r["id"]), lang)
        for batch in batches
        for r in Activity.objects.filter(pk__in=batch).order_by().values(*_ACTIVITY_FIELDS)
    }
    for batch in batches:
        taking_part = Activity.countries.through.objects.filter(activity_id__in=batch)
        for activity_id, code in taking_part.values_list("activity_id", "country__iso3"):
            by_activity[activity_id].countries.add(code)
    for each in [*by_auth.values(), *by_activity.values()]:
        each.countries.discard(host.iso3)
    # the authorization each activity was checked against: an outside-window finding's first, then any finding's
    tied: dict[str, str] = {}
    found: dict[str, list[FindingLink]] = defaultdict(list)
    finding_rows = (
        row
        for batch in batches
        for row in Finding.objects.filter(activity_id__in=batch)
        .order_by("activity_id", "pk")
        .values_list("activity_id", "authorization_id", "rule", "severity")
    )
    for activity_id, auth_id, rule, severity in finding_rows:
        activity = by_activity.get(activity_id)
        if activity is None:
            continue
        if rule not in {f.rule for f in found[activity_id]}:
            found[activity_id].append(FindingLink(rule, rule_label(rule), severity, f"{activity.href}#legal-basis"))
        if auth_id and (activity_id not in tied or rule == "outside_window"):
            tied[activity_id] = auth_id
    named = Authorization.activities.through.objects.filter(authorization__in=auths.values("pk"))
    for auth_id, activity_id in named.order_by("pk").values_list("authorization_id", "activity_id"):
        tied.setdefault(activity_id, auth_id)
    for activity_id, activity in by_activity.items():
        activity.findings = sorted(found.get(activity_id, []), key=lambda f: (not f.warning, f.label))
        if (tied_to := tied.get(activity_id)) is not None:
            activity.authorization = by_auth.get(tied_to)
    return list(by_auth.values()), list(by_activity.values())
