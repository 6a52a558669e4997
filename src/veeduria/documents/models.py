"""A stored primary document and the text of each of its pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from veeduria.evidence.models import Source


class Kind(models.TextChoices):
    """The type of a file, detected from its content (never from its name)."""

    PDF = "pdf", _("PDF")
    HTML = "html", _("HTML")
    TEXT = "text", _("Texto plano")


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("Pendiente de extracción")
    EXTRACTED = "extracted", _("Texto extraído")
    PAGE_LIMIT = "page_limit", _("Extraído hasta el límite de páginas")
    TIME_LIMIT = "time_limit", _("Extracción interrumpida por el límite de tiempo")
    ENCRYPTED = "encrypted", _("PDF cifrado: no se puede leer")
    CORRUPT = "corrupt", _("Archivo dañado: no se puede leer")
    FAILED = "failed", _("La extracción falló")


class PageMethod(models.TextChoices):
    TEXT_LAYER = "text_layer", _("capa de texto")
    OCR = "ocr", _("OCR")
    NONE = "none", _("sin capa de texto, OCR no disponible")


class Document(models.Model):
    """One file as it was added: its bytes are stored once, under their SHA-256, and never altered."""

    title = models.CharField(_("título"), max_length=500)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("fuente"),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    file_name = models.CharField(_("nombre del archivo"), max_length=255, editable=False)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, editable=False)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"), editable=False)
    status = models.CharField(
        _("estado"), max_length=12, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING, editable=False
    )
    error = models.TextField(_("error de extracción"), blank=True, editable=False)
    #: pages in the file (0 while unknown); the extracted ones are the ``pages`` rows
    page_count = models.PositiveIntegerField(_("páginas del archivo"), default=0, editable=False)
    added_at = models.DateTimeField(_("añadido"), auto_now_add=True)
    extracted_at = models.DateTimeField(_("extraído"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-added_at", "-pk"]
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")

    def __str__(self) -> str:
        return self.title


class DocumentPage(models.Model):
    """The text of one page (1-based number) and how it was obtained."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("página"))
    text = models.TextField(_("texto"), blank=True)
    method = models.CharField(_("método"), max_length=12, choices=PageMethod.choices)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_page_once")]
        verbose_name = _("página de documento")
        verbose_name_plural = _("páginas de documento")

    def __str__(self) -> str:
        return f"{self.document_id} p. {self.number}"
