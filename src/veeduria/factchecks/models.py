"""Fact-checks: a claim (a rumour as it was stated) and its reviews (a rating with a verdict and an explanation).

Reviews are never edited to change a rating: a later review supersedes the earlier one, which stays visible with
its date. The current review of a claim is its latest by ``reviewed_on``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from veeduria.evidence.models import Precision, Record


def _precision(label: Any) -> models.CharField:
    return models.CharField(label, max_length=10, choices=Precision.choices, default=Precision.DAY)


class Language(models.TextChoices):
    ES = "es", _("español")
    EN = "en", _("inglés")


class Rating(models.TextChoices):
    """The rating scale, from true to false; ``unproven`` when the evidence settles neither way."""

    TRUE = "true", _("Verdadero")
    MOSTLY_TRUE = "mostly_true", _("Mayormente verdadero")
    MISLEADING = "misleading", _("Engañoso / falta contexto")
    MOSTLY_FALSE = "mostly_false", _("Mayormente falso")
    FALSE = "false", _("Falso")
    UNPROVEN = "unproven", _("Sin pruebas suficientes")


#: schema.org ``ratingValue`` of each rating on a 1 (false) to 5 (true) scale; unproven has none
RATING_VALUES: dict[str, int] = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.MISLEADING: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
}


class Claim(Record):
    """A rumour or statement as it was made: its words, language, where, when and by whom it was seen."""

    text = models.TextField(_("afirmación"))
    language = models.CharField(_("idioma"), max_length=2, choices=Language.choices)
    seen_at = models.CharField(_("dónde se vio"), max_length=500, blank=True)
    seen_url = models.URLField(_("URL donde se vio"), max_length=1000, blank=True)
    seen_on = models.DateField(_("cuándo se vio"), null=True, blank=True)
    seen_precision = _precision(_("precisión de la fecha"))
    said_by = models.CharField(_("quién lo dijo"), max_length=300, blank=True)
    #: the claim's sentence embedding (float32 bytes), derived from ``text``: not versioned, not exported
    vector = models.BinaryField(_("vector"), null=True, blank=True, editable=False)

    title_field = "text"

    class Meta:
        ordering = [F("seen_on").desc(nulls_last=True), "id"]
        verbose_name = _("afirmación verificada")
        verbose_name_plural = _("verificaciones")

    def current_review(self) -> Review | None:
        """The latest published review, or None."""
        return self.reviews.filter(status="published").order_by("-reviewed_on", "-created_at", "-id").first()


class Review(Record):
    """One rating of a claim at a date, with its verdict, explanation and supporting records."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("afirmación"))
    rating = models.CharField(_("calificación"), max_length=20, choices=Rating.choices)
    verdict_es = models.CharField(_("veredicto (es)"), max_length=500)
    verdict_en = models.CharField(_("veredicto (en)"), max_length=500, blank=True)
    explanation_es = models.TextField(_("explicación (es)"))
    explanation_en = models.TextField(_("explicación (en)"), blank=True)
    reviewed_on = models.DateField(_("fecha de la verificación"))
    reviewed_precision = _precision(_("precisión de la fecha"))
    author = models.CharField(_("autor de la verificación"), max_length=300)
    author_url = models.URLField(_("URL del autor"), max_length=1000, blank=True)
    legal_norms = models.ManyToManyField(
        "records.LegalNorm", blank=True, related_name="reviews", verbose_name=_("normas que la sustentan")
    )
    agreements = models.ManyToManyField(
        "records.Agreement", blank=True, related_name="reviews", verbose_name=_("acuerdos que la sustentan")
    )
    authorizations = models.ManyToManyField(
        "records.Authorization", blank=True, related_name="reviews", verbose_name=_("autorizaciones que la sustentan")
    )
    activities = models.ManyToManyField(
        "records.Activity", blank=True, related_name="reviews", verbose_name=_("actividades que la sustentan")
    )
    facilities = models.ManyToManyField(
        "records.Facility", blank=True, related_name="reviews", verbose_name=_("instalaciones que la sustentan")
    )
    facility_uses = models.ManyToManyField(
        "records.FacilityUse", blank=True, related_name="reviews", verbose_name=_("usos que la sustentan")
    )
    statements = models.ManyToManyField(
        "records.Statement", blank=True, related_name="reviews", verbose_name=_("declaraciones que la sustentan")
    )
    observations = models.ManyToManyField(
        "oversight.FacilityObservation",
        blank=True,
        related_name="reviews",
        verbose_name=_("observaciones que la sustentan"),
    )

    title_field = "verdict"

    def clean(self) -> None:
        """The record's rules, and a saved review's claim, rating and date are never edited (the editor adds a
        new review instead, so the old rating stays in the claim's history)."""
        from django.core.exceptions import ValidationError

        from veeduria.factchecks.history import frozen_changes

        super().clean()
        values = {name: getattr(self, name) for name in ("claim_id", "rating", "reviewed_on")}
        changes = frozen_changes(str(self.pk), values) if self.pk else []
        if changes:
            message = _("Una calificación publicada no se edita: añada una nueva calificación de la afirmación.")
            raise ValidationError({attname.removesuffix("_id"): message for attname, _old in changes})

    class Meta:
        ordering = ["claim", "-reviewed_on", "id"]
        verbose_name = _("calificación de una afirmación")
        verbose_name_plural = _("calificaciones de afirmaciones")
