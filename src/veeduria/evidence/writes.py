"""The one write path: how a change to a record's values is decided, kept and recorded.

Every writer — the dataset loader, the importers (their fast bulk path included), the admin and the commands —
changes a record's values through :func:`apply_values` (one record, through the ORM) or through the importers'
bulk ``Writer``, which makes the same decision with :func:`resolve` on rows it reads in chunks. For each field:

* a value equal to the current one changes nothing;
* an empty field is filled;
* a value restating the current value's own statement (the same source again, or a curated correction of a
  curated value) replaces it; the revision keeps the old value;
* otherwise two sources disagree: :func:`veeduria.evidence.precedence.decide` picks the preferred value by the
  rules written as data in ``precedence.RULES``; the other value is kept as an :class:`AlternativeValue` with its
  source and locator, never dropped.

Who stated the current value of a field is read from the revisions: the latest revision that set the field
(or created the record), its ``source`` naming the data set of an import, empty for editors' work.
Every change ends with :func:`veeduria.evidence.revisions.record_change` (one revision).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from veeduria.evidence.models import AlternativeValue, Citation, Precision, Record, Revision, Source
from veeduria.evidence.precedence import CURATED, IMPORTED, Claim, decide, same_statement
from veeduria.evidence.revisions import plain

#: Origin and source of the statement behind each field's current value: field name → (origin, source id).
Provenance = dict[str, tuple[str, str]]


def is_empty(value: Any) -> bool:
    """No statement: ``None``, an empty text or an empty list (``False`` and ``0`` are values)."""
    return value is None or value == "" or value == [] or value == ()


def same_value(old: Any, new: Any) -> bool:
    """Whether two values of a field are the same value (dates, decimals and lists compared by meaning)."""
    if old == new:
        return True
    if isinstance(old, list | tuple | set) and isinstance(new, list | tuple | set):
        return sorted(map(str, old)) == sorted(map(str, new))
    if isinstance(old, decimal.Decimal) or isinstance(new, decimal.Decimal):
        try:
            return decimal.Decimal(str(old)) == decimal.Decimal(str(new))
        except decimal.InvalidOperation:
            return False
    if isinstance(old, dt.datetime) and isinstance(new, dt.date) and not isinstance(new, dt.datetime):
        return old.date() == new  # a date stored in a datetime column (SQLite reads some back so)
    return bool(plain(old) == plain(new)) or str(plain(old)) == str(plain(new))


def provenance_from_revisions(
    rows: Iterable[tuple[str, dict[str, Any] | None, str]],
) -> tuple[Provenance, tuple[str, str]]:
    """From one record's revisions, oldest first, as ``(action, changes, source)``: who set each field last,
    and who created the record (the default for fields no later revision touched)."""
    fields: Provenance = {}
    creator = (CURATED, "")
    for action, changes, source in rows:
        origin = (IMPORTED, source) if source else (CURATED, "")
        if action == Revision.Action.CREATE:
            creator = origin
            fields = {}
        for name in changes or {}:
            fields[name] = origin
    return fields, creator


def provenance(obj: Record) -> tuple[Provenance, tuple[str, str]]:
    """Who stated each field's current value of a saved record (see :func:`provenance_from_revisions`)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    rows = (
        Revision.objects.filter(content_type=ct, object_id=str(obj.pk))
        .order_by("created_at", "pk")
        .values_list("action", "changes", "source")
    )
    return provenance_from_revisions(rows)


class SourceFacts:
    """Kind and reliability of sources, looked up once per id."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, str]] = {}

    def __call__(self, source_id: str) -> tuple[str, str]:
        if not source_id:
            return "", ""
        if source_id not in self._cache:
            row = Source.objects.filter(pk=source_id).values_list("kind", "reliability").first()
            self._cache[source_id] = (str(row[0]), str(row[1])) if row else ("", "")
        return self._cache[source_id]


def claim(
    value: Any, origin: str, source_id: str, facts: SourceFacts, *, locator: str = "", incumbent: bool = False
) -> Claim:
    kind, reliability = facts(source_id)
    return Claim(value, origin, source_id, kind, reliability, locator, incumbent)


@dataclass(frozen=True)
class Resolution:
    """What to do with one field: ``set`` the new value or not, and which claim (if any) to keep aside."""

    set: bool
    keep: Claim | None = None
    rule: str = ""


def resolve(incumbent: Claim, newcomer: Claim) -> Resolution:
    """The decision for one field whose current value (``incumbent``) and new value (``newcomer``) may differ."""
    if same_value(incumbent.value, newcomer.value):
        return Resolution(set=False)
    if same_statement(incumbent, newcomer):
        return Resolution(set=True)
    if is_empty(newcomer.value):  # another source saying nothing does not unsay a value
        return Resolution(set=False)
    if is_empty(incumbent.value):
        return Resolution(set=True)
    decision = decide(incumbent, newcomer)
    return Resolution(set=decision.preferred is newcomer, keep=decision.other, rule=decision.rule)


def alternative_value(field: models.Field, value: Any, precision: str | None = None) -> Any:
    """How a value is kept in an alternative: JSON, a date written with its precision ("2018", "2018-04")."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if precision == Precision.YEAR:
            return f"{value.year:04d}"
        if precision == Precision.MONTH:
            return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    return plain(value)


def keep_alternative(obj: models.Model, field_name: str, kept: Claim, value: Any, *, note: str = "") -> bool:
    """Store ``kept`` as a non-preferred alternative value of ``field_name`` unless that source already has
    this value there; its locator is the claim's, else the source's citation of the record. True if written."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    existing = AlternativeValue.objects.filter(
        content_type=ct, object_id=str(obj.pk), field=field_name, source_id=kept.source_id
    ).values_list("value", flat=True)
    wanted = json.dumps(value, sort_keys=True, default=str)
    if any(json.dumps(v, sort_keys=True, default=str) == wanted for v in existing):
        return False
    locator = kept.locator or _citation_locator(ct, str(obj.pk), kept.source_id, field_name)
    AlternativeValue.objects.create(
        content_type=ct,
        object_id=str(obj.pk),
        field=field_name,
        value=value,
        preferred=False,
        source_id=kept.source_id,
        locator=locator[:200],
        note=note,
    )
    return True


def _citation_locator(ct: ContentType, object_id: str, source_id: str, field_name: str) -> str:
    rows = Citation.objects.filter(content_type=ct, object_id=object_id, source_id=source_id).values_list(
        "field", "locator"
    )
    by_field = dict(rows)
    return str(by_field.get(field_name) or by_field.get("") or next(iter(by_field.values()), ""))


def precision_partner(model: type[models.Model], field: models.Field) -> str | None:
    """The attname of the field that stores ``field``'s date precision, if any."""
    if not isinstance(field, models.DateField):
        return None
    names = {f.attname for f in model._meta.concrete_fields}
    stems = [field.name]
    for suffix in ("_on", "_date"):
        if field.name.endswith(suffix):
            stems.insert(0, field.name[: -len(suffix)])
    return next((f"{s}_precision" for s in stems if f"{s}_precision" in names), None)


def apply_values(
    obj: Record,
    values: dict[str, Any],
    *,
    origin: str = CURATED,
    source_id: str = "",
    locator: str = "",
    fields: Iterable[str] | None = None,
    facts: SourceFacts | None = None,
    save: bool = True,
) -> list[str]:
    """Write ``values`` (by attname) into a saved record through the precedence rules; save it if a value
    changed (unless ``save`` is false: the caller saves). ``fields``: the attnames this writer states on a record it
    did not write (default: all). Returns the names of the fields whose value changed; kept-aside values are
    stored as alternatives."""
    model = type(obj)
    by_attname = {f.attname: f for f in model._meta.concrete_fields if not getattr(f, "generated", False)}
    stated = set(values if fields is None else fields)
    facts = facts or SourceFacts()
    partners = {p for a in values if a in by_attname and (p := precision_partner(model, by_attname[a]))}
    known: tuple[Provenance, tuple[str, str]] | None = None
    changed: list[str] = []
    for attname, new in values.items():
        field = by_attname.get(attname)
        if field is None or field.primary_key or attname in partners:
            continue
        partner = precision_partner(model, field)
        old = getattr(obj, attname)
        old_precision = getattr(obj, partner) if partner else None
        new_precision = values.get(partner, old_precision) if partner else None
        if attname not in stated or (same_value(old, new) and old_precision == new_precision):
            continue
        if known is None:
            known = provenance(obj)
        field_origin, field_source = known[0].get(field.name, known[1])
        incumbent = claim(old, field_origin, field_source, facts, incumbent=True)
        newcomer = claim(new, origin, source_id, facts, locator=locator)
        # where only the precision differs, the same statement is made more (or less) precise
        outcome = Resolution(set=True) if same_value(old, new) else resolve(incumbent, newcomer)
        if outcome.keep is not None:
            kept_precision = old_precision if outcome.keep is incumbent else new_precision
            value = alternative_value(field, outcome.keep.value, kept_precision)
            keep_alternative(obj, field.name, outcome.keep, value)
        if outcome.set:
            setattr(obj, attname, new)
            if partner:
                setattr(obj, partner, new_precision)
            changed.append(field.name)
    if changed and save:
        obj.save()
    return changed


def apply_links(
    obj: Record,
    name: str,
    current: list[str],
    wanted: list[str],
    *,
    origin: str = CURATED,
    source_id: str = "",
    locator: str = "",
    facts: SourceFacts | None = None,
) -> bool:
    """The same decision for a many-to-many field (``current`` and ``wanted`` are lists of ids): True if the
    caller should set ``wanted``; a list kept aside is stored as an alternative value."""
    facts = facts or SourceFacts()
    fields, creator = provenance(obj)
    field_origin, field_source = fields.get(name, creator)
    incumbent = claim(sorted(current), field_origin, field_source, facts, incumbent=True)
    outcome = resolve(incumbent, claim(sorted(wanted), origin, source_id, facts, locator=locator))
    if outcome.keep is not None:
        keep_alternative(obj, name, outcome.keep, sorted(str(v) for v in outcome.keep.value))
    return outcome.set


__all__ = [
    "Provenance",
    "Resolution",
    "SourceFacts",
    "alternative_value",
    "apply_links",
    "apply_values",
    "claim",
    "is_empty",
    "keep_alternative",
    "precision_partner",
    "provenance",
    "provenance_from_revisions",
    "resolve",
    "same_value",
]
