"""The editors' group: who may add and change records, citations and alternative values in the admin.

Called by ``veeduria init`` after migrating (no data migration creates it), and safe to call again.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models

from veeduria.documents.models import Document
from veeduria.evidence.models import AlternativeValue, Citation, Revision, Source
from veeduria.records import models as m
from veeduria.records.registry import RECORD_TYPES

EDITORS = "editors"
#: Rows edited inline in an authorization's form.
CHILD_MODELS: tuple[type[models.Model], ...] = (
    m.AuthorizedPersonnel,
    m.AuthorizedItem,
    m.AuthorizedPlace,
    m.AuthorizedPeriod,
)


def editor_models() -> list[type[models.Model]]:
    return [*(rt.model for rt in RECORD_TYPES), *CHILD_MODELS, Citation, AlternativeValue, Source, Document]


def ensure_editor_group() -> Group:
    """Create (or complete) the ``editors`` group: add, change and view on every editable model; view on
    revisions. Never delete: records are withdrawn, not deleted."""
    group, _created = Group.objects.get_or_create(name=EDITORS)
    wanted: list[Permission] = []
    for model in editor_models():
        ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
        for action in ("add", "change", "view"):
            perm, _ = Permission.objects.get_or_create(
                content_type=ct,
                codename=f"{action}_{model._meta.model_name}",
                defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
            )
            wanted.append(perm)
    ct = ContentType.objects.get_for_model(Revision)
    perm, _ = Permission.objects.get_or_create(
        content_type=ct, codename="view_revision", defaults={"name": "Can view revision"}
    )
    wanted.append(perm)
    group.permissions.add(*wanted)
    return group
