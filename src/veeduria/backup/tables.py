"""Which tables a backup holds, and their columns.

Every table of every installed app except what is derived or transient: the search index (rebuilt after a restore),
sessions, login attempts (django-axes) and the migration history (compared, not copied)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

#: apps whose tables are left out: derived (search) or transient (sessions, axes)
SKIPPED_APPS = frozenset({"search", "sessions", "axes"})
#: tables that ``migrate`` fills by itself: an empty database may hold them; a restore replaces their rows
BOOTSTRAP_TABLES = frozenset({"django_content_type", "auth_permission", "auth_group", "auth_group_permissions"})


@dataclass(frozen=True)
class Table:
    """One table of a backup: its model and the columns written, in order."""

    model: type[models.Model]
    fields: tuple[models.Field, ...]  # type: ignore[type-arg]

    @property
    def name(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def columns(self) -> list[str]:
        return [str(f.column) for f in self.fields]

    @property
    def attnames(self) -> list[str]:
        return [f.attname for f in self.fields]


def backed_up() -> list[Table]:
    """The tables of a backup, in a stable order (app, then model)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in SKIPPED_APPS or meta.proxy or not meta.managed:
            continue
        fields = tuple(f for f in meta.concrete_fields if not getattr(f, "generated", False))
        found.append(Table(model, fields))
    return sorted(found, key=lambda t: (t.model._meta.app_label, t.name))


def app_labels() -> set[str]:
    """The apps whose migrations must match between a backup and the database it is restored into."""
    return {t.model._meta.app_label for t in backed_up()}
