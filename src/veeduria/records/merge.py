"""Merging two records that describe the same thing (see docs/identity.md).

:func:`merge` folds an old record into a surviving one in one transaction: the survivor keeps its values and
gets the old record's where it has none; each other differing value of the old record is kept as an
alternative value with its source; citations, alternatives, many-to-many links, child rows and the links of
other records move to the survivor; a :class:`MergedRecord` row keeps the old id working and a ``merge``
revision is written on the survivor. The old record's revisions stay, readable from the survivor's page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from veeduria.evidence import ledger
from veeduria.evidence.models import AlternativeValue, Citation, MergedRecord, Record, Revision
from veeduria.evidence.precedence import CURATED, Claim
from veeduria.evidence.revisions import CHILD_RELATIONS, diff, plain, record_change, snapshot
from veeduria.evidence.writes import alternative_value, keep_alternative, precision_partner

#: Fields that are never copied nor kept as alternatives: identity, bookkeeping, editorial state.
_SKIP = {"id", "created_at", "updated_at", "status", "withdrawn_reason", "reliability"}
#: Free-text notes: both records' notes are kept, one after the other.
_NOTES = {"notes_es", "notes_en", "editor_notes"}


class MergeRefused(Exception):
    """A merge that cannot be done; nothing was written."""


@dataclass
class MergeResult:
    old_id: str
    new_id: str
    filled: list[str]
    alternatives: list[str]
    moved: dict[str, int]
    revision: Revision


# ------------------------------------------------------------------------------------------ redirects
def resolve_merged(model: type[models.Model], ids: Iterable[str]) -> dict[str, str]:
    """``{old id: surviving id}`` for those of ``ids`` that were merged into another record of ``model``
    (one query: :func:`merge` repoints earlier merges, so A→B then B→C is stored as A→C and B→C). Writers
    call it before creating a record, so that an import or a dataset never brings back a merged id."""
    wanted = {str(i) for i in ids}
    if not wanted:
        return {}
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    rows = MergedRecord.objects.filter(content_type=ct, old_id__in=wanted)
    return dict(rows.values_list("old_id", "new_id"))


def merged_ids(obj: models.Model) -> list[str]:
    """The ids merged into ``obj`` (directly or through a chain)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return list(MergedRecord.objects.filter(content_type=ct, new_id=str(obj.pk)).values_list("old_id", flat=True))


def history(obj: Record) -> models.QuerySet[Revision]:
    """The revisions of ``obj`` and of the records merged into it, newest first."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    ids = [str(obj.pk), *merged_ids(obj)]
    return Revision.objects.filter(content_type=ct, object_id__in=ids)


# ---------------------------------------------------------------------------------------------- values
def _empty(field: models.Field, value: Any) -> bool:
    if value is None or value == "":
        return True
    return bool(field.choices and value == "unknown" and field.default == "unknown")


def _source_for(citations: list[Citation], field: str) -> Citation | None:
    """The citation backing ``field``: one on that field, else the first record-level one, else any."""
    for c in citations:
        if c.field == field:
            return c
    for c in citations:
        if not c.field:
            return c
    return citations[0] if citations else None


# ------------------------------------------------------------------------------------------------ links
def _m2m_fields(model: type[models.Model]) -> list[tuple[models.ManyToManyField, str]]:
    """Every many-to-many field of the project that touches ``model``, with the side (``src``: the field is
    on ``model``; ``tgt``: it points to ``model``; a field from ``model`` to itself is listed once as
    ``self``)."""
    found: list[tuple[models.ManyToManyField, str]] = []
    for m in apps.get_models():
        for f in m._meta.many_to_many:
            if not isinstance(f, models.ManyToManyField):
                continue
            on, to = f.model, f.remote_field.model
            if on is model and to is model:
                found.append((f, "self"))
            elif on is model:
                found.append((f, "src"))
            elif to is model:
                found.append((f, "tgt"))
    return found


def _owner(row: models.Model) -> Record | None:
    """The record a row belongs to: itself, or the record of a child row (an authorization's place)."""
    if isinstance(row, Record):
        return row
    for f in row._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.remote_field.related_name in CHILD_RELATIONS:
            parent = getattr(row, f.name)
            return parent if isinstance(parent, Record) else None
    return None


class _Touched:
    """Other records changed by a merge: a snapshot before, a revision after."""

    def __init__(self) -> None:
        self.before: dict[tuple[type[models.Model], str], tuple[Record, dict[str, Any]]] = {}

    def add(self, obj: Record | None) -> None:
        if obj is None:
            return
        key = (type(obj), str(obj.pk))
        if key not in self.before:
            self.before[key] = (obj, snapshot(obj))

    def record(self, *, author: str, reason: str, skip: set[tuple[type[models.Model], str]]) -> int:
        n = 0
        for key, (obj, before) in self.before.items():
            if key in skip:
                continue
            fresh = type(obj)._default_manager.get(pk=obj.pk)
            if record_change(fresh, before, author=author, reason=reason) is not None:
                n += 1
        return n


def _move_m2m(model: type[models.Model], old: str, new: str, touched: _Touched, moved: dict[str, int]) -> None:
    for f, side in _m2m_fields(model):
        through: Any = f.remote_field.through
        src, tgt = f.m2m_field_name(), f.m2m_reverse_field_name()
        columns = []
        if side in ("src", "self"):
            columns.append((src, tgt))
        if side in ("tgt", "self"):
            columns.append((tgt, src))
        for mine, other in columns:
            rows = list(through.objects.filter(**{f"{mine}_id": old}))
            for row in rows:
                other_id = getattr(row, f"{other}_id")
                if side != "src":  # the other end is another record whose links change
                    owner_model: Any = f.model if mine == tgt else f.remote_field.model
                    if other_id not in (old, new):
                        touched.add(owner_model._default_manager.filter(pk=other_id).first())
                exists = through.objects.filter(**{f"{mine}_id": new, f"{other}_id": other_id}).exists()
                if exists or (side == "self" and other_id in (old, new)):
                    row.delete()
                else:
                    setattr(row, f"{mine}_id", new)
                    row.save()
                    moved[f.name] = moved.get(f.name, 0) + 1


def _move_reverse_fks(
    model: type[models.Model], old_obj: Record, new_obj: Record, touched: _Touched, moved: dict[str, int]
) -> None:
    for rel in model._meta.related_objects:
        if not (rel.one_to_many or rel.one_to_one) or rel.related_model is None:
            continue
        related: Any = rel.related_model
        if related in (Citation, AlternativeValue, Revision):
            continue
        fk = rel.field.name
        rows = related._default_manager.filter(**{fk: old_obj.pk})
        if related is model:  # a link from a record to itself would remain: it is dropped
            if getattr(new_obj, rel.field.attname) == old_obj.pk:
                setattr(new_obj, rel.field.attname, None)
            rows = rows.exclude(pk=new_obj.pk)
        if rel.name in CHILD_RELATIONS:
            if related._default_manager.filter(**{fk: new_obj.pk}).exists() or not rows.exists():
                continue  # the survivor's own rows win; the old ones are in the merge revision
            n = rows.update(**{fk: new_obj.pk})
            moved[rel.name] = n
            continue
        for row in rows:
            touched.add(_owner(row))
        n = rows.update(**{fk: new_obj.pk})
        if n:
            moved[rel.name] = n


def _move_generic(ct: ContentType, old: str, new: str, moved: dict[str, int]) -> None:
    keep = ("field", "source_id", "locator", "quote", "note")
    for model in (Citation, AlternativeValue):
        existing = {
            tuple(row)
            for row in model.objects.filter(content_type=ct, object_id=new).values_list(
                *keep, *(["value"] if model is AlternativeValue else [])
            )
        }
        n = 0
        for row in model.objects.filter(content_type=ct, object_id=old):
            key = tuple(getattr(row, k) for k in keep) + ((row.value,) if isinstance(row, AlternativeValue) else ())
            if key in existing:
                row.delete()
                continue
            row.object_id = new
            if isinstance(row, AlternativeValue):
                row.preferred = False if row.preferred and _has_preferred(ct, new, row.field) else row.preferred
            row.save()
            n += 1
        moved["citations" if model is Citation else "alternatives"] = n


def _has_preferred(ct: ContentType, pk: str, field: str) -> bool:
    return AlternativeValue.objects.filter(content_type=ct, object_id=pk, field=field, preferred=True).exists()


# ------------------------------------------------------------------------------------------------ merge
def merge(model: type[models.Model], old_id: str, new_id: str, *, reason: str, author: str) -> MergeResult:
    """Merge record ``old_id`` into ``new_id`` (the survivor). Raises :class:`MergeRefused` (nothing written)
    when the ids are the same, a record is missing or was already merged, or the reason is empty."""
    old_id, new_id = str(old_id), str(new_id)
    if not reason.strip():
        raise MergeRefused(_("una fusión necesita un motivo"))
    if old_id == new_id:
        raise MergeRefused(_("no se puede fusionar %(id)s consigo mismo") % {"id": repr(old_id)})
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    with transaction.atomic():
        done = resolve_merged(model, [old_id, new_id])
        if old_id in done:
            raise MergeRefused(
                _("%(old)s ya fue fusionado en %(new)s") % {"old": repr(old_id), "new": repr(done[old_id])}
            )
        if new_id in done:
            raise MergeRefused(
                _("%(id)s fue fusionado en %(new)s: fusione en %(new)s")
                % {"id": repr(new_id), "new": repr(done[new_id])}
            )
        manager: Any = model._default_manager
        found = manager.in_bulk([old_id, new_id])
        for pk in (old_id, new_id):
            if pk not in found:
                raise MergeRefused(
                    _("no hay registro de %(type)s con id %(id)s") % {"type": model._meta.verbose_name, "id": repr(pk)}
                )
        old, new = found[old_id], found[new_id]
        before_old, before = snapshot(old), snapshot(new)
        old_citations = list(Citation.objects.filter(content_type=ct, object_id=old_id).order_by("pk"))
        filled, kept = _merge_values(model, old, new, ct, old_citations)
        moved: dict[str, int] = {}
        touched = _Touched()
        _move_m2m(model, old_id, new_id, touched, moved)
        _move_reverse_fks(model, old, new, touched, moved)
        new.save()
        _move_generic(ct, old_id, new_id, moved)
        MergedRecord.objects.filter(content_type=ct, new_id=old_id).update(new_id=new_id)
        MergedRecord.objects.create(content_type=ct, old_id=old_id, new_id=new_id, author=author, reason=reason)
        # deleting a record deletes its revisions (a generic relation): they are set aside and put back
        kept_history = list(Revision.objects.filter(content_type=ct, object_id=old_id).values_list("pk", flat=True))
        Revision.objects.filter(pk__in=kept_history).update(object_id="")
        manager.filter(pk=old_id).delete()
        Revision.objects.filter(pk__in=kept_history).update(object_id=old_id)
        new = manager.get(pk=new_id)
        changes: dict[str, Any] = dict(diff(before, snapshot(new)))
        changes["merged_from"] = old_id  # not a [before, after] pair: the action and reason say it
        changes["merged_record"] = before_old
        revision = ledger.append(
            content_type=ct,
            object_id=new_id,
            author=author,
            action=Revision.Action.MERGE,
            changes=changes,
            reason=reason,
        )
        skip = {(model, old_id), (model, new_id)}
        touched.record(author=author, reason=f"{old_id} → {new_id}: {reason}", skip=skip)
    return MergeResult(old_id, new_id, filled, kept, moved, revision)


def _merge_values(
    model: type[models.Model],
    old: models.Model,
    new: models.Model,
    ct: ContentType,
    old_citations: list[Citation],
) -> tuple[list[str], list[str]]:
    """Fill the survivor's empty fields from the old record; keep each other differing value as a
    non-preferred alternative (the survivor's value stays the field's value, as in ``evidence.writes``)."""
    filled: list[str] = []
    kept: list[str] = []
    precisions = {p for f in model._meta.concrete_fields if (p := precision_partner(model, f))}
    for f in model._meta.concrete_fields:
        name = f.name
        if name in _SKIP or name in precisions or getattr(f, "generated", False) or f.primary_key:
            continue
        if isinstance(f, models.BooleanField) and not f.null:
            continue
        attname = f.attname
        ov, nv = getattr(old, attname), getattr(new, attname)
        if f.is_relation and f.related_model is model and ov in (old.pk, new.pk):
            continue
        pfield = precision_partner(model, f)
        if _empty(f, ov) or (plain(ov) == plain(nv) and (not pfield or getattr(old, pfield) == getattr(new, pfield))):
            continue
        if name in _NOTES:
            setattr(new, attname, f"{nv}\n\n{ov}" if nv else ov)
            filled.append(name)
            continue
        if _empty(f, nv):
            setattr(new, attname, ov)
            if pfield:
                setattr(new, pfield, getattr(old, pfield))
            filled.append(name)
            continue
        backing = _source_for(old_citations, name)
        if backing is None:
            continue  # no source to attribute the value to: it stays in the merge revision
        value = alternative_value(f, ov, getattr(old, pfield) if pfield else None)
        held = Claim(ov, CURATED, backing.source_id, locator=backing.locator)
        keep_alternative(new, name, held, value)  # the one write path: kept once, with its source and locator
        kept.append(name)
    return filled, kept


# ---------------------------------------------------------------------------------------- merges file
def read_merges(path: Path) -> list[dict[str, str]]:
    """The merges listed in a dataset's ``merges.yaml``: ``type``, ``old``, ``survivor``, ``reason``."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise MergeRefused(_("%(path)s: se esperaba una lista de fusiones") % {"path": path})
    merges = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not all(item.get(k) for k in ("type", "old", "survivor", "reason")):
            raise MergeRefused(
                _("%(path)s, fusión %(i)d: faltan type, old, survivor o reason") % {"path": path, "i": i}
            )
        merges.append({k: str(item[k]).strip() for k in ("type", "old", "survivor", "reason")})
    return merges


def apply_merges(path: Path, *, author: str) -> tuple[list[MergeResult], list[str]]:
    """Apply the merges of ``path`` that are not done yet (idempotent): results, and ids already merged."""
    from veeduria.records.registry import BY_KEY

    results, skipped = [], []
    for m in read_merges(path):
        if m["type"] not in BY_KEY:
            raise MergeRefused(
                _("%(path)s: tipo de registro desconocido %(type)s") % {"path": path, "type": repr(m["type"])}
            )
        model = BY_KEY[m["type"]].model
        done = resolve_merged(model, [m["old"]])
        if m["old"] in done:
            skipped.append(m["old"])
            continue
        results.append(merge(model, m["old"], m["survivor"], reason=m["reason"], author=author))
    return results, skipped


def redirect_target(model: type[models.Model], pk: str) -> str | None:
    """The surviving id a missing ``pk`` was merged into, or ``None``."""
    return resolve_merged(model, [pk]).get(str(pk))


__all__ = [
    "MergeRefused",
    "MergeResult",
    "apply_merges",
    "history",
    "merge",
    "merged_ids",
    "redirect_target",
    "resolve_merged",
]
