"""Findings follow the records: a change to an activity, an authorization or one of their child rows or links
recomputes what depends on it once, when the transaction commits (a dataset load in one transaction recomputes
once at its end). ``suspended()`` turns this off for bulk work that recomputes everything afterwards."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from veeduria.oversight.models import ActivityEquipment
from veeduria.records.models import (
    Activity,
    Authorization,
    AuthorizedItem,
    AuthorizedPeriod,
    AuthorizedPersonnel,
    AuthorizedPlace,
)

_state = threading.local()


@contextmanager
def suspended() -> Iterator[None]:
    """No recomputation on changes inside the block (call ``engine.recompute_all`` after it)."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


def _pending() -> dict[str, set[str]]:
    """The changes noted in this thread's transaction, flushed when it commits. Noted changes whose flush is no
    longer registered (their transaction rolled back: Django drops its on-commit callbacks) are forgotten, so that
    a rolled-back transaction does not stop later changes from being recomputed."""
    connection = transaction.get_connection()
    stale = connection.in_atomic_block and not any(entry[1] is _flush for entry in connection.run_on_commit)
    if getattr(_state, "pending", None) is None or stale:
        _state.pending = {"activities": set(), "authorizations": set()}
        if connection.in_atomic_block:
            transaction.on_commit(_flush)
    return _state.pending  # type: ignore[no-any-return]


def _flush() -> None:
    from veeduria.oversight import engine

    pending, _state.pending = _state.pending, None
    ids = set(pending["activities"])
    for auth in Authorization.objects.filter(pk__in=pending["authorizations"]):
        ids |= engine.activities_near(auth)
    engine.recompute_activities(ids)


def _note(kind: str, pk: Any) -> None:
    if getattr(_state, "depth", 0) == 0 and pk is not None:
        _pending()[kind].add(str(pk))
        if not transaction.get_connection().in_atomic_block:
            _flush()  # autocommit: at once


def _on_activity(sender: Any, instance: Any, **kw: Any) -> None:
    _note("activities", instance.activity_id if isinstance(instance, ActivityEquipment) else instance.pk)


def _on_authorization(sender: Any, instance: Any, **kw: Any) -> None:
    if isinstance(instance, Authorization):
        _note("authorizations", instance.pk)
    else:
        _note("authorizations", instance.authorization_id)


def _before_delete(sender: Any, instance: Authorization, **kw: Any) -> None:
    """An authorization about to go: the activities it covered or could cover are recomputed without it."""
    _near_now(instance)


def _near_now(auth: Authorization, flush: bool = True) -> None:
    """The activities ``auth`` covers or could cover as it stands now (before a change) are recomputed after it
    (``flush=False``: by the ``post_save`` that follows, even outside a transaction)."""
    if getattr(_state, "depth", 0) == 0:
        from veeduria.oversight.engine import activities_near

        _pending()["activities"].update(activities_near(auth))
        if flush and not transaction.get_connection().in_atomic_block:
            _flush()


def _before_save(sender: Any, instance: Authorization, **kw: Any) -> None:
    """An authorization about to change: the activities its old window and countries matched are recomputed too
    (after the change, activities it no longer matches would otherwise keep their old findings)."""
    if getattr(_state, "depth", 0) == 0 and instance.pk is not None and not kw.get("raw"):
        old = Authorization.objects.filter(pk=instance.pk).first()
        if old is not None:
            _near_now(old, flush=False)


def _on_links(sender: Any, instance: Any, action: str, pk_set: Any = None, **kw: Any) -> None:
    if sender is Authorization.foreign_countries.through and action in ("pre_add", "pre_remove", "pre_clear"):
        if isinstance(instance, Authorization):
            # the activities it matches before the change (adding a first country narrows it too)
            _near_now(instance)
        return
    if not action.startswith("post_") and action != "pre_clear":
        return
    if isinstance(instance, Activity):
        _note("activities", instance.pk)
        if sender is Authorization.activities.through:
            for pk in pk_set or ():
                _note("authorizations", pk)
    elif isinstance(instance, Authorization):
        _note("authorizations", instance.pk)
        if sender is Authorization.activities.through:
            for pk in pk_set or ():
                _note("activities", pk)


def connect() -> None:
    for model in (Activity, ActivityEquipment):
        post_save.connect(_on_activity, sender=model, dispatch_uid=f"oversight-{model.__name__}-save")
    post_delete.connect(_on_activity, sender=ActivityEquipment, dispatch_uid="oversight-equipment-delete")
    pre_delete.connect(_before_delete, sender=Authorization, dispatch_uid="oversight-authorization-pre-delete")
    pre_save.connect(_before_save, sender=Authorization, dispatch_uid="oversight-authorization-pre-save")
    children: tuple[Any, ...] = (Authorization, AuthorizedPersonnel, AuthorizedItem, AuthorizedPlace, AuthorizedPeriod)
    for child in children:
        post_save.connect(_on_authorization, sender=child, dispatch_uid=f"oversight-{child.__name__}-save")
        post_delete.connect(_on_authorization, sender=child, dispatch_uid=f"oversight-{child.__name__}-delete")
    links = (Authorization.activities.through, Authorization.foreign_countries.through, Activity.countries.through)
    for through in links:
        m2m_changed.connect(_on_links, sender=through, dispatch_uid=f"oversight-{through.__name__}")
