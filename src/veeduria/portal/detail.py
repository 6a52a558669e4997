"""The content of a record's detail page: fields with their citations, disagreements, relations, history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from veeduria.evidence.models import AlternativeValue, Citation, Revision
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.portal import display, findings, readable
from veeduria.portal.display import Value
from veeduria.records import merge
from veeduria.records.export import PRIVATE_FIELDS
from veeduria.records.models import Activity, Authorization
from veeduria.records.queries import related_records
from veeduria.records.registry import RecordType

_EXTRA_LABELS = {
    "personnel": gettext_lazy("personal autorizado"),
    "items": gettext_lazy("armas, naves y equipos autorizados"),
    "places": gettext_lazy("lugares autorizados"),
    "periods": gettext_lazy("periodos autorizados"),
    "citations": gettext_lazy("citas"),
    "alternatives": gettext_lazy("valores alternativos"),
    "id": gettext_lazy("identificador"),
}
#: never shown as rows: bookkeeping, the badge, and notes meant for editors only
_HIDDEN = {"id", "created_at", "updated_at", "withdrawn_reason", "reliability", *PRIVATE_FIELDS}


@dataclass
class Row:
    name: str
    label: str
    value: Value
    keys: set[str] = field(default_factory=set)
    citations: list[Citation] = field(default_factory=list)
    alternatives: list[AlternativeValue] = field(default_factory=list)


@dataclass
class Related:
    """Records of another type that point to this one, as a table of that type's list columns."""

    label: str
    items: list[Value]
    more: bool = False
    more_href: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Value, list[Value]]] = field(default_factory=list)


@dataclass
class Change:
    """One changed field of a revision, as labels and readable values."""

    label: str
    old: Value
    new: Value
    count: bool = False  #: a list of citations or alternatives, shown by its size


@dataclass
class HistoryEntry:
    revision: Revision
    fields: list[str]
    changes: list[Change] = field(default_factory=list)


@dataclass
class Limit:
    """An authorized ceiling or a reported participation of a linked record, with what it means."""

    record: Value
    text: str


@dataclass
class Detail:
    title: str
    rows: list[Row]
    record_citations: list[tuple[str, Citation]]
    disagreements: list[Row]
    related: list[Related]
    children: dict[str, Any]
    child_citations: list[tuple[str, list[Citation]]]
    history: list[HistoryEntry]
    #: on an activity: the limits of the authorizations covering it; on an authorization: participation
    limits: list[Limit] = field(default_factory=list)
    participation: list[Limit] = field(default_factory=list)
    #: an activity's legal basis and findings, an authorization's coverage (``portal.findings``)
    oversight: Any = None

    @property
    def empty_rows(self) -> list[Row]:
        """Fields without a value (nor citations or alternatives), listed compactly."""
        return [r for r in self.rows if r.value.empty and not r.citations and not r.alternatives]


def _rows(obj: Any, lang: str) -> list[Row]:
    model = type(obj)
    concrete = list(model._meta.concrete_fields)
    names = {f.name for f in concrete}
    precision_fields = {display.precision_field(model, f.name) for f in concrete if _is_date(f)}
    derived = {f.name for f in concrete if isinstance(f, models.BinaryField)}  # e.g. a claim's embedding
    skip = _HIDDEN | {p for p in precision_fields if p} | derived
    if display.is_record_status(model):
        skip.add("status")
    rows: list[Row] = []
    ordered = [f for f in concrete if not f.name.startswith("notes_")] + list(model._meta.many_to_many)
    ordered += [f for f in concrete if f.name.startswith("notes_")]
    for f in ordered:
        if f.name in skip or (f.name.endswith("_en") and f"{f.name[:-3]}_es" in names):
            continue
        if f.name.endswith("_es") and f"{f.name[:-3]}_en" in names:
            base = f.name[:-3]
            rows.append(
                Row(base, display.base_label(f), display.localized_value(obj, f, lang), {base, f.name, f"{base}_en"})
            )
            continue
        keys = {f.name}
        prec = display.precision_field(model, f.name)
        if prec:
            keys.add(prec)
        if isinstance(f, models.ForeignKey):
            keys.add(f.attname)
        rows.append(Row(f.name, str(f.verbose_name), display.field_value(obj, f), keys))
    return rows


def _related(obj: Any) -> list[Related]:
    """The first records of each relation pointing to ``obj``; when there are more, a link to the list of all
    of them where the list can filter by ``obj`` (its country filter)."""
    out = []
    lang = (get_language() or "es")[:2]
    for group in related_records(obj):
        rel, objs = group.relation, group.records
        model = rel.related_model
        label = f"{model._meta.verbose_name_plural} ({rel.field.verbose_name})"
        more_href = None
        rt = display.record_type_of(model)
        if group.more and rt is not None and rel.field.name in {rt.country_field, *rt.extra_country_fields}:
            more_href = f"{display.list_url(rt)}?country={obj.pk}"
        related = Related(label, [display.link(o) for o in objs], group.more, more_href)
        if rt is not None:
            names = [n for n in rt.list_fields if n != rel.field.name]
            related.columns = [display.column_label(rt, n) for n in names]
            related.rows = [(display.link(o), [display.cell(o, rt, n, lang) for n in names]) for o in objs]
        out.append(related)
    return out


def _children(obj: Any) -> dict[str, Any]:
    if not hasattr(obj, "personnel"):
        return {}
    by_category: dict[str, list[Any]] = defaultdict(list)
    for item in obj.items.all():
        by_category[item.get_category_display()].append(item)
    places = [(p, display.link(p.facility) if p.facility_id else None) for p in obj.places.all()]
    periods = [(display.format_date(p.start), display.format_date(p.end), p.note) for p in obj.periods.all()]
    personnel = sorted(obj.personnel.all(), key=lambda p: (p.service or "", p.pk))
    return {
        "personnel": personnel,
        # unknown when no part has a figure (never "≥ 0"); a lower bound when some part has none
        "personnel_sum": sum(known) if (known := [p.count for p in personnel if p.count is not None]) else None,
        "personnel_incomplete": any(p.count is None for p in personnel),
        "items": sorted(by_category.items()),
        "places": places,
        "periods": periods,
        "any": bool(personnel or by_category or places or periods),
    }


def _label_of(model: type[models.Model], name: str) -> str:
    if name in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[name])
    try:
        return display.base_label(model._meta.get_field(name))
    except Exception:
        return name


def _is_date(f: Any) -> bool:
    return isinstance(display.value_field(f), models.DateField)


def _changes(obj: Any, changes: dict[str, Any], lookup: readable.Lookup) -> list[Change]:
    """A revision's changes as field labels with old and new readable values; editors' notes left out.

    A date is shown with the precision it had before and after; a precision change is folded into its date."""
    model = type(obj)
    pairs = {k: v for k, v in changes.items() if isinstance(v, list) and len(v) == 2}
    lang = (get_language() or "es")[:2]
    other = "en" if lang == "es" else "es"
    # a bilingual pair shows the reader's language; the other one only if the reader's did not change
    pairs = {k: v for k, v in pairs.items() if not (k.endswith(f"_{other}") and f"{k[:-3]}_{lang}" in pairs)}
    dates = {p: k for k in pairs if (p := display.precision_field(model, k))}
    out = []
    for key, (old, new) in pairs.items():
        if key in readable.HIDDEN_CHANGES or key in dates:
            continue
        if key in {"citations", "alternatives"}:
            counts = [Value(text=readable.count_text(v)) for v in (old, new)]
            out.append(Change(_label_of(model, key), counts[0], counts[1], count=True))
            continue
        prec = display.precision_field(model, key)
        current = getattr(obj, prec, None) if prec else None
        precisions = pairs.get(prec, [current, current]) if prec else [None, None]
        values = [
            readable.short(readable.stored_value(model, key, v, lookup, p))
            for v, p in zip((old, new), precisions, strict=True)
        ]
        out.append(Change(_label_of(model, key), values[0], values[1]))
    return out


def _participation_text(activity: Any) -> str:
    low, best, high = activity.personnel_low, activity.personnel_best, activity.personnel_high
    n = display.format_number
    if best is not None:
        text = n(best)
    elif low is not None and high is not None:
        text = _("entre %(low)s y %(high)s") % {"low": n(low), "high": n(high)}
    elif low is not None:
        text = _("al menos %(n)s") % {"n": n(low)}
    elif high is not None:
        text = _("hasta %(n)s") % {"n": n(high)}
    else:
        return ""
    return _("%(count)s personas de todos los países participantes (participación informada)") % {"count": text}


def _limit_text(auth: Any) -> str:
    parts = []
    for p in auth.personnel.all():
        who = " ".join(x for x in (p.country.title if p.country_id else "", p.service) if x)
        count = display.format_number(p.count) if p.count is not None else _("sin dato")
        parts.append(f"{who}: {count}")
    if auth.personnel_total is not None:
        parts.append(_("total autorizado: %(n)s") % {"n": display.format_number(auth.personnel_total)})
    return "; ".join(parts)


def _limits(obj: Any) -> tuple[list[Limit], list[Limit]]:
    """Authorized ceilings beside reported participation, so neither is read as the other."""
    limits: list[Limit] = []
    participation: list[Limit] = []
    if isinstance(obj, Activity):
        auths = Authorization.objects.filter(activities=obj).prefetch_related("personnel__country")
        limits = [Limit(display.link(a), t) for a in auths if (t := _limit_text(a))]
    elif isinstance(obj, Authorization):
        participation = [Limit(display.link(a), t) for a in obj.activities.all() if (t := _participation_text(a))]
    return limits, participation


def build(obj: Any, rt: RecordType) -> Detail:
    lang = (get_language() or "es")[:2]
    rows = _rows(obj, lang)
    by_key = {k: row for row in rows for k in row.keys}
    record_citations: list[tuple[str, Citation]] = []
    child_citations: dict[str, list[Citation]] = defaultdict(list)
    for c in obj.citations.all():
        if c.field in by_key:
            by_key[c.field].citations.append(c)
        elif c.field in CHILD_RELATIONS:
            child_citations[c.field].append(c)
        else:
            record_citations.append((_label_of(rt.model, c.field) if c.field else "", c))
    disagreements: dict[str, Row] = {}
    lookup = readable.Lookup()
    for a in obj.alternatives.all():
        row = by_key.get(a.field)
        if row is None:
            row = disagreements.setdefault(a.field, Row(a.field, _label_of(rt.model, a.field), Value()))
        a.display = readable.stored_value(rt.model, a.field, a.value, lookup)  # type: ignore[attr-defined]
        row.alternatives.append(a)
        disagreements.setdefault(row.name, row)
    history = []
    for r in merge.history(obj):  # the record's revisions and those of the ids merged into it
        changes = [] if r.action == Revision.Action.CREATE else _changes(obj, r.changes or {}, lookup)
        history.append(HistoryEntry(r, [c.label for c in changes], changes))
    limits, participation = _limits(obj)
    return Detail(
        title=display.title_of(obj),
        rows=rows,
        record_citations=record_citations,
        disagreements=list(disagreements.values()),
        related=_related(obj),
        children=_children(obj),
        child_citations=sorted(child_citations.items()),
        history=history,
        limits=limits,
        participation=participation,
        oversight=findings.for_record(obj),
    )


__all__ = ["Detail", "build"]
