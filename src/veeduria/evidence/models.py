"""Evidence: sources, citations, alternative values and revisions, and the abstract cited record."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    OFFICIAL = "official", _("Oficial")
    PRESS = "press", _("Prensa")
    DATASET = "dataset", _("Conjunto de datos")
    REPOSITORY = "repository", _("Repositorio público")
    LEAK = "leak", _("Documento filtrado")
    WEAK = "weak", _("Pista débil")


class Reliability(models.TextChoices):
    """What a second reader checked: that the source says what the record says (not that the claim is true)."""

    CONFIRMED = "confirmed", _("Cita verificada")
    PARTLY = "partly", _("Verificada en parte")
    WEAK = "weak", _("Pista débil")
    UNVERIFIED = "unverified", _("Sin verificar")


class Status(models.TextChoices):
    PUBLISHED = "published", _("Publicado")
    WITHDRAWN = "withdrawn", _("Retirado")


class Precision(models.TextChoices):
    DAY = "day", _("día")
    MONTH = "month", _("mes")
    YEAR = "year", _("año")
    UNKNOWN = "unknown", _("desconocida")


class Source(models.Model):
    """A document, page or data set that records cite."""

    id = models.SlugField(primary_key=True, max_length=120)
    title = models.CharField(_("título"), max_length=500)
    publisher = models.CharField(_("editor"), max_length=300, blank=True)
    published_on = models.DateField(_("fecha"), null=True, blank=True)
    published_precision = models.CharField(
        _("precisión de la fecha"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    archive_url = models.URLField(_("URL archivada"), max_length=1000, blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=SourceKind.choices)
    reliability = models.CharField(
        _("fiabilidad"), max_length=20, choices=Reliability.choices, default=Reliability.CONFIRMED
    )
    language = models.CharField(_("idioma"), max_length=10, blank=True)
    licence = models.CharField(_("licencia"), max_length=200, blank=True)
    repository = models.CharField(_("repositorio"), max_length=300, blank=True)
    commit = models.CharField(_("commit"), max_length=64, blank=True)
    notes = models.TextField(_("notas"), blank=True)
    editor_notes = models.TextField(_("notas para editores (no se publican)"), blank=True)
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    withdrawn_reason = models.TextField(_("motivo del retiro"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("fuente")
        verbose_name_plural = _("fuentes")

    def __str__(self) -> str:
        return self.title


class _RecordLink(models.Model):
    """Fields shared by everything attached to one record of any type."""

    #: indexed by ``Meta.indexes`` (content type, object id): no single-column indexes to maintain
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.CharField(max_length=120)
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("campo"), max_length=60, blank=True, help_text=_("vacío = todo el registro"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("fuente"))
    locator = models.CharField(_("ubicación"), max_length=200, blank=True, help_text=_("página, párrafo, fila"))
    quote = models.TextField(_("cita textual"), blank=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["content_type", "object_id"])]


class Citation(_RecordLink):
    """Ties a record (or one field of it) to a source, and optionally to a page of one of the stored documents."""

    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("documento"),
    )
    page = models.PositiveIntegerField(_("página"), null=True, blank=True, help_text=_("página del documento"))

    class Meta(_RecordLink.Meta):
        ordering = ["pk"]
        verbose_name = _("cita")
        verbose_name_plural = _("citas")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(page__isnull=True) | models.Q(document__isnull=False),
                name="citation_page_needs_document",
            )
        ]

    def clean(self) -> None:
        """A page needs a document and must be one of its pages."""
        from django.core.exceptions import ValidationError

        from veeduria.documents.citations import page_problem

        problem = page_problem(self.document, self.page)
        if problem:
            raise ValidationError({"page": problem})

    def __str__(self) -> str:
        return f"{self.object_id}:{self.field or '*'} ← {self.source_id}"


class AlternativeValue(_RecordLink):
    """One sourced value of a field on which sources disagree; one of them is preferred."""

    value = models.JSONField(_("valor"))
    preferred = models.BooleanField(_("preferido"), default=False)

    class Meta(_RecordLink.Meta):
        ordering = ["field", "-preferred", "pk"]
        verbose_name = _("valor alternativo")
        verbose_name_plural = _("valores alternativos")

    def __str__(self) -> str:
        return f"{self.field}={self.value!r} ({self.source_id})"


class Revision(models.Model):
    """What changed in a record, when, by whom and why. Revisions are never edited."""

    class Action(models.TextChoices):
        CREATE = "create", _("creado")
        UPDATE = "update", _("modificado")
        WITHDRAW = "withdraw", _("retirado")
        RESTORE = "restore", _("restablecido")
        MERGE = "merge", _("fusionado")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.CharField(max_length=120)
    record = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)
    author = models.CharField(_("autor"), max_length=150)
    action = models.CharField(_("acción"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("cambios"), default=dict)
    reason = models.TextField(_("motivo"), blank=True)
    #: the id of the source on whose authority an import wrote the change (empty for editors' changes)
    source = models.CharField(_("fuente"), max_length=120, blank=True)
    #: the ledger (evidence.ledger): the previous revision's hash and this one's, SHA-256 in hex
    previous_hash = models.CharField(_("hash anterior"), max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        verbose_name = _("revisión")
        verbose_name_plural = _("revisiones")

    def __str__(self) -> str:
        return f"{self.object_id} {self.action} {self.created_at:%Y-%m-%d}"


class MergedRecord(models.Model):
    """A record id merged into another: the old address keeps working and redirects to the survivor."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    old_id = models.CharField(_("id fusionado"), max_length=120)
    new_id = models.CharField(_("id que sobrevive"), max_length=120)
    merged_at = models.DateTimeField(_("fecha"), auto_now_add=True)
    author = models.CharField(_("autor"), max_length=150)
    reason = models.TextField(_("motivo"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "old_id"], name="merged_record_once")]
        verbose_name = _("registro fusionado")
        verbose_name_plural = _("registros fusionados")

    def __str__(self) -> str:
        return f"{self.old_id} → {self.new_id}"


class Record(models.Model):
    """Abstract base of every published, cited, revisioned record."""

    id = models.SlugField(primary_key=True, max_length=120)
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    withdrawn_reason = models.TextField(_("motivo del retiro"), blank=True)
    reliability = models.CharField(
        _("fiabilidad"), max_length=20, choices=Reliability.choices, default=Reliability.CONFIRMED
    )
    notes_es = models.TextField(_("notas (es)"), blank=True)
    notes_en = models.TextField(_("notas (en)"), blank=True)
    editor_notes = models.TextField(_("notas para editores (no se publican)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    citations = GenericRelation(Citation, object_id_field="object_id")
    alternatives = GenericRelation(AlternativeValue, object_id_field="object_id")
    revisions = GenericRelation(Revision, object_id_field="object_id")

    #: Fields shown as the record's title, in order of preference per language.
    title_field = "name"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def clean_fields(self, exclude: Any = None) -> None:
        """Django's checks, then the limits of :mod:`~veeduria.evidence.cleaning` that Django leaves to the
        database (PostgreSQL integer ranges on SQLite too, latitude/longitude, finite numbers)."""
        from django.core.exceptions import ValidationError

        from veeduria.evidence.cleaning import check_fields

        errors: dict[str, Any] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        skip = set(exclude or ()) | set(errors)
        values = {
            f.name: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if f.name not in skip and not f.is_relation and not getattr(f, "generated", False)
        }
        for name, message in check_fields(type(self), values):
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        """The cross-field rules (an end after its start, low ≤ best ≤ high), as errors of the later field."""
        from django.core.exceptions import ValidationError

        from veeduria.evidence.cleaning import check_record

        values = {  # not the generated columns: the database computes them, an unsaved record has none yet
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if not getattr(f, "generated", False)
        }
        errors = check_record(type(self), values, labels=True)
        if errors:
            raise ValidationError({name: [message] for name, message in errors})

    @property
    def title(self) -> str:
        return str(localized(self, self.title_field) or self.pk)

    @property
    def notes(self) -> str:
        return localized(self, "notes")


def localized(obj: Any, base: str) -> str:
    """The value of ``base_es``/``base_en`` in the active language, falling back to the other, or ``base``."""
    lang = (get_language() or "es")[:2]
    other = "en" if lang == "es" else "es"
    for name in (f"{base}_{lang}", f"{base}_{other}", base):
        value = getattr(obj, name, None)
        if value:
            return str(value)
    return ""
