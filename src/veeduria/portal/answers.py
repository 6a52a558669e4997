"""The answer to "are there military bases of country F in country H?", for any pair of countries in the
database, composed from live data: the presence assessment of each facility (``veeduria.oversight.bases``),
the standing foreign use of facilities, the personnel counts, the authorizations of recent years, the
findings and the official statements. Nothing here states a fact of its own; every sentence is built from
records."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from veeduria.evidence.models import Citation, Source, Status
from veeduria.oversight.base_facts import assessments_for
from veeduria.oversight.models import CriterionAnswer
from veeduria.portal.display import Value as Shown
from veeduria.portal.display import format_date
from veeduria.records import presence
from veeduria.records.models import (
    Authorization,
    Country,
    FacilityUse,
    PersonnelCount,
    Statement,
)

#: presence categories of ``veeduria.oversight.bases``, by what the answer says of them
BASE = "foreign_base"
STANDING = "shared_standing"
TEMPORARY = "temporary_use"
#: how many facility names a sentence lists before "and N more"
NAMES_IN_SENTENCE = 3
#: the authorizations shown: those decided in the last this-many years with a decision for the pair
RECENT_YEARS = 5


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def published_countries() -> Any:
    return Country.objects.exclude(status=Status.WITHDRAWN)


def find_country(code: str) -> Country | None:
    return published_countries().filter(iso3__iexact=code.strip()[:3]).first()


def default_pair() -> tuple[Country, Country] | None:
    """The host of the setting ``VEEDURIA_HOST_COUNTRY`` and the foreign country with most authorizations and
    foreign-presence activities in it."""
    host = find_country(settings.HOST_COUNTRY)
    if host is None:
        return None
    score: Counter[str] = Counter()
    auths = Authorization.objects.exclude(status=Status.WITHDRAWN).filter(host_country=host)
    score.update(auths.exclude(foreign_countries=None).values_list("foreign_countries", flat=True))
    acts = presence.foreign_presence(host.iso3)
    score.update(Country.objects.filter(activities__in=acts).exclude(pk=host.pk).values_list("pk", flat=True))
    score.update(
        FacilityUse.objects.exclude(status=Status.WITHDRAWN)
        .filter(facility__country=host)
        .values_list("user_country", flat=True)
    )
    if not score:
        return None
    best = min(score.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    foreign = published_countries().filter(pk=best).first()
    return (host, foreign) if foreign is not None else None


def pairs() -> list[tuple[Country, Country]]:
    """Every (host, foreign) pair the records connect: authorizations, foreign use of facilities, personnel
    counts; hosts and foreign countries by name."""
    found: set[tuple[str, str]] = set()
    auths = Authorization.objects.exclude(status=Status.WITHDRAWN).exclude(foreign_countries=None)
    found.update(auths.values_list("host_country", "foreign_countries").distinct())
    uses = FacilityUse.objects.exclude(status=Status.WITHDRAWN)
    found.update(uses.values_list("facility__country", "user_country").distinct())
    counts = PersonnelCount.objects.exclude(status=Status.WITHDRAWN)
    found.update(counts.values_list("host_country", "sending_country").distinct())
    names = {c.pk: c for c in published_countries().filter(pk__in={x for p in found for x in p})}
    out = [(names[h], names[f]) for h, f in found if h in names and f in names and h != f]
    return sorted(out, key=lambda p: (_plain(p[0].title), _plain(p[1].title)))


# ---------------------------------------------------------------- assessments


@dataclass
class FacilityAnswer:
    """One facility's assessment (``veeduria.oversight.bases.Assessment``) in the reader's language."""

    facility: Shown
    category: str
    category_label: str
    #: (label, answer code, answer label, reasoning) of every criterion
    criteria: list[tuple[str, str, str, str]] = field(default_factory=list)
    reasoning: str = ""
    would_change: list[str] = field(default_factory=list)
    #: external classifications (scheme, label), shown beside ours
    external: list[tuple[str, str]] = field(default_factory=list)
    #: when the recorded foreign use was ("1989–1993", "desde 1983"; empty: not recorded)
    period: str = ""


def assessments(host: Country, foreign: Country) -> list[FacilityAnswer]:
    """The presence assessment of every facility of ``host`` for ``foreign``."""
    found = [_facility_answer(a) for a in assessments_for(host.iso3, foreign.iso3)]
    periods = use_periods(foreign, [a.facility.href for a in found])
    for item in found:
        item.period = periods.get(item.facility.href or "", "")
    return found


def use_periods(foreign: Country, hrefs: list[str | None]) -> dict[str, str]:
    """The period of ``foreign``'s recorded use of each facility ("1989–1993", "desde 1983"), keyed by the
    facility's address, so that the answer says when a presence was, not only that it was."""
    spans: dict[str, list[Any]] = {}
    uses = (
        FacilityUse.objects.filter(user_country=foreign)
        .exclude(status=Status.WITHDRAWN)
        .values_list("facility_id", "start_date", "end_date")
    )
    for facility_id, start, end in uses:
        span = spans.setdefault(facility_id, [None, None])
        if start and (span[0] is None or start < span[0]):
            span[0] = start
        if end and (span[1] is None or end > span[1]):
            span[1] = end
    out = {}
    for facility_id, (start, end) in spans.items():
        href = reverse("portal:facilities-detail", kwargs={"pk": facility_id})
        if start and end:  # the last recorded end (a use with none recorded does not make it ongoing)
            out[href] = f"{start.year}–{end.year}" if end.year != start.year else str(start.year)
        elif start:
            out[href] = _("desde %(year)s, sin fecha de fin registrada") % {"year": start.year}
    return out


def _facility_answer(a: Any) -> FacilityAnswer:
    lang = "en" if (get_language() or "es")[:2] == "en" else "es"
    answer_labels = dict(CriterionAnswer.choices)
    criteria = [
        (
            getattr(c, f"label_{lang}"),
            c.answer,
            str(answer_labels.get(c.answer, "")),
            getattr(c, f"reasoning_{lang}") or c.reasoning_es,
        )
        for c in a.criteria
    ]
    name = getattr(a, f"name_{lang}") or a.name_es
    href = reverse("portal:facilities-detail", kwargs={"pk": a.facility_id})
    return FacilityAnswer(
        facility=Shown(text=name, href=href),
        category=a.category,
        category_label=getattr(a, f"category_{lang}"),
        criteria=criteria,
        reasoning=getattr(a, f"reasoning_{lang}"),
        would_change=[getattr(c, f"text_{lang}") for c in a.changes],
        external=[(c.scheme, c.label) for c in a.classifications],
    )


def _names(items: list[FacilityAnswer]) -> str:
    names = [f"{i.facility.text} ({i.period})" if i.period else i.facility.text for i in items[:NAMES_IN_SENTENCE]]
    rest = len(items) - len(names)
    text = ", ".join(names)
    if rest:
        text += " " + ngettext("y %(n)d más", "y %(n)d más", rest) % {"n": rest}
    return text


def sentence(host: Country, foreign: Country, answers: list[FacilityAnswer]) -> str:
    """The one-sentence answer, composed from the facilities' categories."""
    names = {"foreign": foreign.title, "host": host.title}
    by = {k: [a for a in answers if a.category == k] for k in (BASE, STANDING, TEMPORARY)}
    if by[BASE]:
        n = len(by[BASE])
        text = ngettext(
            "Sí: se documenta %(n)d base militar de %(foreign)s en %(host)s: %(names)s",
            "Sí: se documentan %(n)d bases militares de %(foreign)s en %(host)s: %(names)s",
            n,
        ) % {**names, "n": n, "names": _names(by[BASE])}
    else:
        text = _("No se documenta ninguna base militar de %(foreign)s en %(host)s") % names
    if by[STANDING]:
        text += "; " + _("sí una presencia permanente en instalaciones compartidas: %(names)s") % {
            "names": _names(by[STANDING])
        }
    if by[TEMPORARY]:
        text += "; " + _("uso temporal de instalaciones de %(host)s: %(names)s") % {
            **names,
            "names": _names(by[TEMPORARY]),
        }
    if not any(by.values()):
        text += " " + _("ni otra presencia en sus instalaciones")
    return text + "."


# ---------------------------------------------------------------- the other evidence


@dataclass
class PersonnelRow:
    period: str
    active_duty: int | None
    everyone: int | None


def personnel(host: Country, foreign: Country) -> tuple[list[PersonnelRow], list[Any]]:
    """The foreign personnel counts in ``host`` over time: per year, its last reported period, with the
    active-duty total and the total of all categories (``None`` where the source gives no figure); and the
    sources cited by those counts."""
    qs = PersonnelCount.objects.exclude(status=Status.WITHDRAWN).filter(host_country=host, sending_country=foreign)
    last: dict[int, tuple[int, int]] = {}
    for year, month in qs.values_list("year", "month").distinct():
        key = (year, month or 0)
        if year not in last or key > last[year]:
            last[year] = key
    wanted = Q(pk__in=[])
    for year, month in last.values():
        wanted |= Q(year=year, month=month or None)
    cells: dict[tuple[int, int], dict[str, int | None]] = {}
    ids = list(qs.values_list("pk", flat=True))
    for year, month, service, category, count in qs.filter(wanted).values_list(
        "year", "month", "service", "category", "count"
    ):
        row = cells.setdefault((year, month or 0), {})
        if (service, category) == ("total", "active_duty"):
            row["active"] = count
        elif category == "all" and service in {"all", "total"}:
            row["all"] = count
    rows = []
    for (year, month), row in sorted(cells.items(), reverse=True):
        period = format_date(dt.date(year, month, 1), "month") if month else str(year)
        rows.append(PersonnelRow(period, row.get("active"), row.get("all")))
    ct = ContentType.objects.get_for_model(PersonnelCount)
    cited = Citation.objects.filter(content_type=ct, object_id__in=ids).values("source_id").distinct()
    return rows, list(Source.objects.filter(pk__in=cited))


def standing_uses(host: Country, foreign: Country) -> list[FacilityUse]:
    """Foreign use of the host's facilities by ``foreign``, ongoing first."""
    qs = FacilityUse.objects.exclude(status=Status.WITHDRAWN).filter(facility__country=host, user_country=foreign)
    qs = qs.select_related("facility", "user", "agreement", "authorization")
    return list(qs.order_by(F("end_date").desc(nulls_first=True), F("start_date").desc(nulls_last=True)))


def recent_authorizations(host: Country, foreign: Country) -> tuple[list[Authorization], int]:
    """The pair's authorizations decided in the last ``RECENT_YEARS`` years that have one (latest first), and
    how many authorizations the pair has in all."""
    qs = Authorization.objects.exclude(status=Status.WITHDRAWN).filter(host_country=host, foreign_countries=foreign)
    total = qs.count()
    latest = qs.exclude(decision_date=None).order_by("-decision_date").values_list("decision_date", flat=True).first()
    if latest is None:
        return [], total
    recent = qs.filter(decision_date__year__gt=latest.year - RECENT_YEARS)
    recent = recent.prefetch_related("personnel__country", "items", "places", "periods")
    return list(recent.order_by(F("decision_date").desc(nulls_last=True), "-number", "id")), total


def _names_pattern(countries: list[Country]) -> re.Pattern[str] | None:
    words = {_plain(n) for c in countries for n in (c.name_es, c.name_en) if n}
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


def statements(host: Country, foreign: Country) -> list[Statement]:
    """Official statements about the pair: one country's official speaking of the other (``about_countries``).
    A statement that does not say whom it is about belongs to the pair when it is tied to one of the pair's
    authorizations, or when one country's official names the other country (by its Spanish or English name), or
    when a host official names no other country (a general statement about foreign bases in the host)."""
    qs = Statement.objects.exclude(status=Status.WITHDRAWN).filter(country__in=[host, foreign])
    qs = qs.select_related("speaker", "country").prefetch_related(
        "authorizations__foreign_countries", "citations__source", "about_countries"
    )
    names_of = {host.pk: _names_pattern([host]), foreign.pk: _names_pattern([foreign])}
    others = _names_pattern(list(published_countries().exclude(pk=host.pk)))
    out = []
    for s in qs:
        about = {c.pk for c in s.about_countries.all()}
        if about:
            if {host.pk, foreign.pk} <= about | {s.country_id}:
                out.append(s)
            continue
        linked = any(
            a.host_country_id == host.pk and any(c.pk == foreign.pk for c in a.foreign_countries.all())
            for a in s.authorizations.all()
        )
        text = _plain(" ".join((s.title_es, s.title_en, s.quote, s.summary_es, s.summary_en)))
        other = foreign if s.country_id == host.pk else host
        pattern = names_of[other.pk]
        names_other = bool(pattern and pattern.search(text))
        general = s.country_id == host.pk and not (others and others.search(text))
        if linked or names_other or general:
            out.append(s)
    return out
