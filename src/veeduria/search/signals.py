"""Every change of a record, its children, citations or document pages marks the record for the index."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from veeduria.evidence.models import Citation
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.records.registry import BY_MODEL, RECORD_TYPES, RecordType
from veeduria.search.passages import DOCUMENTS
from veeduria.search.service import mark

_UID = "veeduria.search"


def mark_records(model: type[models.Model], ids: Iterable[Any]) -> None:
    """Mark records written without signals (the importers' bulk writes) for the index."""
    rt = BY_MODEL.get(model)
    if rt is not None:
        for pk in ids:
            mark(f"{rt.key}:{pk}")


def _record_handler(rt: RecordType) -> Any:
    def handler(sender: Any, instance: Any, **kwargs: Any) -> None:
        mark(f"{rt.key}:{instance.pk}")

    return handler


def _child_handler(rt: RecordType, fk: str) -> Any:
    def handler(sender: Any, instance: Any, **kwargs: Any) -> None:
        parent = getattr(instance, f"{fk}_id", None)
        if parent is not None:
            mark(f"{rt.key}:{parent}")

    return handler


def _m2m_handler(rt: RecordType) -> Any:
    def handler(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
        if not action.startswith("post_"):
            return
        if isinstance(instance, rt.model):
            mark(f"{rt.key}:{instance.pk}")
        for pk in pk_set or ():
            mark(f"{rt.key}:{pk}")

    return handler


def _citation(sender: Any, instance: Citation, **kwargs: Any) -> None:
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    for rt in RECORD_TYPES:
        if rt.model is model:
            mark(f"{rt.key}:{instance.object_id}")


def _document(sender: Any, instance: Any, **kwargs: Any) -> None:
    mark(f"{DOCUMENTS}:{instance.pk}")


def _document_page(sender: Any, instance: Any, **kwargs: Any) -> None:
    mark(f"{DOCUMENTS}:{instance.document_id}")


_handlers: list[Any] = []  # signals hold weak references: keep the closures alive


def _connect(signal: Any, handler: Any, sender: Any, uid: str) -> None:
    _handlers.append(handler)
    signal.connect(handler, sender=sender, dispatch_uid=f"{_UID}.{uid}")


def connect() -> None:
    for rt in RECORD_TYPES:
        handler = _record_handler(rt)
        for signal in (post_save, post_delete):
            _connect(signal, handler, rt.model, f"{signal is post_save}.{rt.key}")
        for rel in rt.model._meta.related_objects:
            if rel.name in CHILD_RELATIONS and rel.related_model is not None:
                child = _child_handler(rt, rel.field.name)
                for signal in (post_save, post_delete):
                    _connect(signal, child, rel.related_model, f"{signal is post_save}.{rt.key}.{rel.name}")
        for f in rt.model._meta.many_to_many:
            _connect(m2m_changed, _m2m_handler(rt), f.remote_field.through, f"m2m.{rt.key}.{f.name}")
    for signal in (post_save, post_delete):
        _connect(signal, _citation, Citation, f"{signal is post_save}.citation")
    from veeduria.documents.models import Document, DocumentPage

    for signal in (post_save, post_delete):
        _connect(signal, _document, Document, f"{signal is post_save}.document")
        _connect(signal, _document_page, DocumentPage, f"{signal is post_save}.page")
