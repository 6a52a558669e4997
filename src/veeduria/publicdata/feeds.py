"""Atom 1.0 feeds of new or changed authorizations, compliance findings and fact-checks, for all countries or
for one (``/es/feeds/autorizaciones/``, ``/en/feeds/findings/PER/``…). Changes are read from the revisions;
findings, which are computed, from the time they were last computed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.evidence.models import Revision
from veeduria.factchecks.models import Claim, Review
from veeduria.oversight.models import Finding, Severity
from veeduria.oversight.queries import country_names
from veeduria.records.models import Authorization, Country

#: entries in a feed
LIMIT = 50
#: the feeds: key → (Spanish path segment, English path segment)
KINDS = {
    "authorizations": ("autorizaciones", "authorizations"),
    "findings": ("hallazgos", "findings"),
    "factchecks": ("verificaciones", "fact-checks"),
}


def _is_en() -> bool:
    return (get_language() or "es")[:2] == "en"


def kind_title(kind: str) -> str:
    return {
        "authorizations": _("Autorizaciones nuevas o modificadas"),
        "findings": _("Hallazgos de cumplimiento"),
        "factchecks": _("Verificaciones nuevas o modificadas"),
    }[kind]


def feed_links(country: str | None = None) -> list[dict[str, str]]:
    """The title and address of each feed (all countries, or ``country``'s): for ``<link rel="alternate">``."""
    out = []
    for kind in KINDS:
        if country:
            url = reverse("portal:feed-country", kwargs={"kind": kind, "country": country})
        else:
            url = reverse("portal:feed", kwargs={"kind": kind})
        out.append({"title": kind_title(kind), "url": url})
    return out


@dataclass(frozen=True)
class Entry:
    title: str
    description: str
    link: str
    guid: str
    updated: dt.datetime


@dataclass(frozen=True)
class Spec:
    kind: str
    country: Country | None
    url: str


def _revision_title(action: str, title: str) -> str:
    template: str = {
        Revision.Action.CREATE: _("Nuevo: %(title)s"),
        Revision.Action.UPDATE: _("Modificado: %(title)s"),
        Revision.Action.WITHDRAW: _("Retirado: %(title)s"),
        Revision.Action.RESTORE: _("Restablecido: %(title)s"),
        Revision.Action.MERGE: _("Fusionado con otro registro: %(title)s"),
    }.get(Revision.Action(action), _("Modificado: %(title)s"))
    return template % {"title": title}


def _field_names(model: type[models.Model], names: list[str]) -> str:
    out = []
    for name in names:
        if name == "citations":
            out.append(_("citas"))
        elif name == "alternatives":
            out.append(_("valores alternativos"))
        else:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            out.append(str(getattr(field, "verbose_name", name)))
    return ", ".join(dict.fromkeys(out))


def _revision_description(model: type[models.Model], revision: Revision) -> str:
    if revision.action == Revision.Action.CREATE:
        text = _("Registro nuevo.")
    else:
        changed = [k for k, v in revision.changes.items() if isinstance(v, list) and k != "editor_notes"]
        fields = _field_names(model, changed)
        text = _("Cambió: %(fields)s.") % {"fields": fields} if fields else _("Registro modificado.")
    if revision.reason:
        text += " " + _("Motivo: %(reason)s") % {"reason": revision.reason}
    return escape(text)


def _revision_entries(
    model: type[models.Model], ids: models.QuerySet[Any] | None, link_of: Any = None
) -> list[tuple[Revision, models.Model]]:
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    revisions = Revision.objects.filter(content_type=ct).exclude(object_id="")
    if ids is not None:
        revisions = revisions.filter(object_id__in=ids)
    found = list(revisions.order_by("-created_at", "-pk")[:LIMIT])
    objects = model._default_manager.in_bulk({r.object_id for r in found})
    return [(r, objects[r.object_id]) for r in found if r.object_id in objects]


def _authorizations(country: Country | None) -> list[Entry]:
    ids = None
    if country is not None:
        ids = (
            Authorization.objects.filter(Q(foreign_countries=country) | Q(host_country=country))
            .values_list("pk", flat=True)
            .distinct()
        )
    return [
        Entry(
            _revision_title(r.action, obj.title),  # type: ignore[attr-defined]
            _revision_description(Authorization, r),
            reverse("portal:authorizations-detail", kwargs={"pk": obj.pk}),
            f"urn:veeduria:revision:{r.pk}",
            r.created_at,
        )
        for r, obj in _revision_entries(Authorization, ids)
    ]


def _findings(country: Country | None) -> list[Entry]:
    qs = Finding.objects.select_related("activity", "authorization")
    if country is not None:
        qs = qs.filter(
            Q(activity__host_country=country)
            | Q(activity__countries=country)
            | Q(authorization__foreign_countries=country)
        ).distinct()
    names = country_names()
    severity = dict(Severity.choices)
    entries = []
    for f in qs.order_by("-computed_at", "-pk")[:LIMIT]:
        es, en = f.explanations(names)
        title = _("%(severity)s: %(activity)s") % {
            "severity": capfirst(str(severity.get(f.severity, f.severity))),
            "activity": f.activity.title,
        }
        entries.append(
            Entry(
                title,
                escape(en if _is_en() else es),
                reverse("portal:activities-detail", kwargs={"pk": f.activity_id}),
                f"urn:veeduria:finding:{f.pk}:{int(f.computed_at.timestamp())}",
                f.computed_at,
            )
        )
    return entries


def _factchecks(country: Country | None) -> list[Entry]:
    review_ids = claim_ids = None
    if country is not None:
        about = (
            Q(authorizations__foreign_countries=country)
            | Q(authorizations__host_country=country)
            | Q(activities__countries=country)
            | Q(activities__host_country=country)
        )
        review_ids = Review.objects.filter(about).values_list("pk", flat=True).distinct()
        claim_ids = Review.objects.filter(about).values_list("claim_id", flat=True).distinct()
    found: list[tuple[Revision, models.Model, Claim]] = []
    for r, obj in _revision_entries(Claim, claim_ids):
        found.append((r, obj, obj))  # type: ignore[arg-type]
    reviews = _revision_entries(Review, review_ids)
    claims = Claim.objects.in_bulk({obj.claim_id for _r, obj in reviews})  # type: ignore[attr-defined]
    for r, obj in reviews:
        found.append((r, obj, claims[obj.claim_id]))  # type: ignore[attr-defined]
    found.sort(key=lambda t: (t[0].created_at, t[0].pk), reverse=True)
    return [
        Entry(
            _revision_title(r.action, claim.title),
            _revision_description(type(obj), r),
            reverse("portal:claims-detail", kwargs={"pk": claim.pk}),
            f"urn:veeduria:revision:{r.pk}",
            r.created_at,
        )
        for r, obj, claim in found[:LIMIT]
    ]


_ENTRIES = {"authorizations": _authorizations, "findings": _findings, "factchecks": _factchecks}
_PAGES = {
    "authorizations": "portal:authorizations-list",
    "findings": "portal:findings",
    "factchecks": "portal:factchecks",
}


class ChangesFeed(Feed):  # type: ignore[type-arg]
    """One Atom feed: the latest changes of one kind, for every country or one."""

    feed_type = Atom1Feed
    author_name = "Veeduría"

    def get_object(self, request: HttpRequest, kind: str, country: str | None = None) -> Spec:  # type: ignore[override]
        if kind not in KINDS:
            raise Http404(kind)
        found = None
        if country is not None:
            found = Country.objects.filter(iso3=country.upper()).first()
            if found is None:
                raise Http404(country)
        return Spec(kind, found, request.build_absolute_uri(request.path))

    def title(self, obj: Spec) -> str:
        text = f"Veeduría: {kind_title(obj.kind)}"
        return f"{text} ({obj.country.title})" if obj.country else text

    def subtitle(self, obj: Spec) -> str:
        return _("Las últimas %(n)d novedades, cada una enlazada a su página con sus fuentes.") % {"n": LIMIT}

    def link(self, obj: Spec) -> str:
        page = reverse(_PAGES[obj.kind])
        return f"{page}?country={obj.country.iso3}" if obj.country and obj.kind == "findings" else page

    def feed_guid(self, obj: Spec) -> str:
        return obj.url

    def items(self, obj: Spec) -> list[Entry]:
        return _ENTRIES[obj.kind](obj.country)

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.description

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: Entry) -> dt.datetime:
        return item.updated

    def item_updateddate(self, item: Entry) -> dt.datetime:
        return item.updated


changes_feed = ChangesFeed()
