"""Loading a validated dataset folder: one transaction, idempotent, a revision for every change."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from veeduria.evidence.models import AlternativeValue, Citation, Record
from veeduria.evidence.precedence import CURATED
from veeduria.evidence.revisions import Snapshot, plain, record_change, snapshot
from veeduria.evidence.writes import SourceFacts, apply_links, apply_values
from veeduria.ingest.schema import file_specs
from veeduria.ingest.validate import Dataset, Item, validate_folder
from veeduria.records.merge import resolve_merged


@dataclass
class LoadReport:
    """How many records of each type were created, updated or left unchanged."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    #: records of the folder whose id was merged into another record (left as they are: see docs/identity.md)
    merged: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        keys = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        lines = [f"{k}: {counts_text(self.created[k], self.updated[k], self.unchanged[k])}" for k in keys]
        total = sum(self.created.values()), sum(self.updated.values()), sum(self.unchanged.values())
        lines.append(f"{_('total')}: {counts_text(*total)}")
        if self.merged:
            n = sum(self.merged.values())
            lines.append(_("%(n)d registros fusionados en otros: no se escriben") % {"n": n})
        return "\n".join(lines)


def counts_text(created: int, updated: int, unchanged: int) -> str:
    """``3 created, 0 updated, 1 unchanged`` in the active language."""
    return _("%(created)d creados, %(updated)d actualizados, %(unchanged)d sin cambios") % {
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
    }


def check_folder(folder: Path) -> Dataset:
    """Validate ``folder`` without writing anything."""
    return validate_folder(folder)


def load_folder(folder: Path, *, author: str = "dataset", reason: str = "") -> LoadReport:
    """Validate ``folder`` and write it in one transaction; nothing is written if validation fails.

    The folder owns the keys it writes: a key absent from a record leaves that field as it is (an importer
    may have filled it), and the citations and alternative values the folder manages are those that cite
    the folder's own sources; citations of other sources (such as imported data sets) are kept.
    """
    dataset = validate_folder(folder)
    reason = reason or f"loaded from {folder.name}"
    report = LoadReport()
    with transaction.atomic():
        loaded: list[tuple[Item, models.Model, Snapshot | None]] = []
        facts = SourceFacts()
        for key, items in dataset.items.items():
            model = file_specs()[key].model
            merged = resolve_merged(model, [i.id for i in items]) if key != "sources" else {}
            existing = model._default_manager.in_bulk([i.id for i in items])
            for item in items:
                if item.id in merged:  # merged into another record: the survivor is an editor's, not restated
                    report.merged[key] += 1
                    continue
                obj = existing.get(item.id)
                before = snapshot(obj) if obj is not None else None
                loaded.append((item, _write_values(model, obj, item, facts), before))
        own_sources = {i.id for i in dataset.items.get("sources", [])}
        for item, obj, _before in loaded:
            _write_relations(item, obj, own_sources)
        for item, obj, before in loaded:
            revision = record_change(obj, before, author=author, reason=reason)
            bucket = report.unchanged if revision is None else report.created if before is None else report.updated
            bucket[item.key] += 1
    return report


def _write_values(model: type[models.Model], obj: models.Model | None, item: Item, facts: SourceFacts) -> models.Model:
    """Create the record, or change its values through the one write path (a curated value is preferred to an
    imported one, which is kept as an alternative value)."""
    if obj is None:
        obj = model(pk=item.id, **item.values)
        obj.save(force_insert=True)
        return obj
    if isinstance(obj, Record):
        apply_values(obj, item.values, origin=CURATED, facts=facts)
        return obj
    changed = False  # sources: the folder's own rows, written as they are
    for name, value in item.values.items():
        if name != "id" and plain(getattr(obj, name)) != plain(value):
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.save()
    return obj


def _write_relations(item: Item, obj: models.Model, own_sources: set[str]) -> None:
    spec = file_specs()[item.key]
    for m2m in obj._meta.many_to_many:
        if m2m.name not in item.m2m:
            continue
        wanted_ids = sorted(item.m2m[m2m.name])
        manager = getattr(obj, m2m.name)
        current_ids = sorted(str(pk) for pk in manager.values_list("pk", flat=True))
        if current_ids != wanted_ids and (
            not isinstance(obj, Record) or apply_links(obj, m2m.name, current_ids, wanted_ids)
        ):
            manager.set(wanted_ids)
    for name, child_model in spec.child_models.items():
        if name not in item.children:
            continue
        manager = getattr(obj, name)
        current = [{k: plain(v) for k, v in row.items()} for row in manager.values(*item_keys(spec, name))]
        wanted_rows = [{k: plain(row.get(k)) for k in item_keys(spec, name)} for row in item.children.get(name, [])]
        if current != wanted_rows:
            manager.all().delete()
            parent_field = next(
                f.name for f in child_model._meta.concrete_fields if getattr(f, "related_model", None) is type(obj)
            )
            child_model._default_manager.bulk_create(
                [child_model(**{parent_field: obj}, **row) for row in item.children.get(name, [])]
            )
    if not spec.needs_citation:
        return
    content_type = ContentType.objects.get_for_model(obj)
    links: list[tuple[Any, list[dict[str, Any]]]] = [(Citation, item.citations), (AlternativeValue, item.alternatives)]
    for model, entries in links:
        keys = [k for k in entries[0] if k != "source"] if entries else []
        current_qs = model.objects.filter(
            content_type=content_type, object_id=str(obj.pk), source_id__in=own_sources
        ).order_by("pk")
        current = [{"source": r["source_id"], **{k: r[k] for k in keys}} for r in current_qs.values("source_id", *keys)]
        wanted = [{"source": e["source"], **{k: e[k] for k in keys}} for e in entries]
        if current != wanted:
            current_qs.delete()
            model.objects.bulk_create(
                [
                    model(
                        content_type=content_type,
                        object_id=str(obj.pk),
                        source_id=e["source"],
                        **{k: v for k, v in e.items() if k != "source"},
                    )
                    for e in entries
                ]
            )


def item_keys(spec: Any, child: str) -> list[str]:
    """The stored keys of a child list: FK fields by attname."""
    return [f"{n}_id" if s.kind == "fk" else n for n, s in spec.children[child].items()]
