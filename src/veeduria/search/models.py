"""The passages table of the PostgreSQL engine (full-text search in the database). On SQLite deployments the
table stays empty: the embedded engine keeps its own index (see ``tantivy_engine``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedPassage(models.Model):
    """One passage as PostgreSQL searches it; the migration adds the ``document`` tsvector column and its GIN
    index on PostgreSQL only."""

    key = models.CharField(max_length=300, unique=True)
    ref = models.CharField(max_length=200, db_index=True)
    type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=120)
    page = models.PositiveIntegerField(default=0)
    title_es = models.TextField(blank=True)
    title_en = models.TextField(blank=True)
    text = models.TextField(blank=True)
    year = models.IntegerField(null=True, blank=True)
    #: country ids between spaces (" per usa "), so that one ``LIKE`` finds one of them
    countries = models.TextField(blank=True)
    source_kinds = models.TextField(blank=True)

    class Meta:
        ordering = ["type", "record_id", "page"]
        verbose_name = _("pasaje indexado")
        verbose_name_plural = _("pasajes indexados")
