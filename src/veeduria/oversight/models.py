"""What oversight stores: findings of the compliance rules, and editors' cited observations about facilities
that the presence assessment reads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from veeduria.evidence.models import Precision, Record
from veeduria.oversight import texts
from veeduria.records.models import ItemCategory


class Severity(models.TextChoices):
    VIOLATION = "violation", _("incumplimiento")
    UNDETERMINED = "undetermined", _("no determinable")
    NOTICE = "notice", _("observación")


class Finding(models.Model):
    """One result of a compliance rule about an activity (and the authorization it was checked against).

    Findings are computed, never edited: ``veeduria oversight recompute`` (and every change of a record they
    depend on) replaces them. Compliant activities have no finding."""

    activity = models.ForeignKey(
        "records.Activity", on_delete=models.CASCADE, related_name="findings", verbose_name=_("actividad")
    )
    authorization = models.ForeignKey(
        "records.Authorization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("autorización"),
    )
    rule = models.CharField(_("regla"), max_length=40)
    severity = models.CharField(_("gravedad"), max_length=16, choices=Severity.choices)
    #: which explanation applies (a key of ``texts.TEXTS``); the explanation is written from it when read
    reason = models.CharField(_("motivo"), max_length=40)
    #: the values the rule compared, {name: value} (plain JSON, rendered readably by the portal); the records it
    #: used are the activity and the authorization, and its citations theirs
    values = models.JSONField(_("valores"), default=dict)
    computed_at = models.DateTimeField(_("calculado"), auto_now=True)

    class Meta:
        ordering = ["severity", "rule", "activity_id", "pk"]
        # (the activity and the authorization are indexed as foreign keys)
        indexes = [models.Index(fields=["severity", "rule"])]
        verbose_name = _("hallazgo")
        verbose_name_plural = _("hallazgos")

    def __str__(self) -> str:
        return f"{self.rule} {self.activity_id}"

    def explanations(self, names: texts.Names) -> tuple[str, str]:
        """The Spanish and English explanation (``names``: country names by id, ``queries.country_names()``, read
        once for all the findings shown). Reads the authorization's title: select it with the finding."""
        label = ""
        if self.authorization_id:
            auth = self.authorization
            label = (auth.title_es or str(auth.pk)) if auth is not None else str(self.authorization_id)
        return texts.explain(self.reason, label, self.values if isinstance(self.values, dict) else {}, names)

    def explanation(self, lang: str, names: texts.Names) -> str:
        """The explanation in ``lang`` ("en…": English; else Spanish)."""
        es, en = self.explanations(names)
        return en if lang[:2] == "en" else es


class SpanBound(models.Model):
    """The most days an activity of a host country may last (from its earliest possible start to its latest possible
    end, date precision counted), so that the activities an authorization could cover are found by a range of
    start dates. Set by every full recomputation, raised by every recomputation of changed activities; without
    one, every activity of the host is read."""

    host = models.OneToOneField(
        "records.Country", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("país")
    )
    longest_days = models.PositiveIntegerField(_("días como máximo"))

    class Meta:
        verbose_name = _("duración máxima de actividades")
        verbose_name_plural = _("duraciones máximas de actividades")


class CriterionAnswer(models.TextChoices):
    YES = "yes", _("sí")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("desconocido")


class FacilityObservation(Record):
    """An editor's cited observation about one presence criterion of one facility (e.g. who commands it)."""

    facility = models.ForeignKey(
        "records.Facility", on_delete=models.PROTECT, related_name="observations", verbose_name=_("instalación")
    )
    #: the foreign country whose presence the observation is about (empty: the facility's main foreign user)
    foreign_country = models.ForeignKey(
        "records.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facility_observations",
        verbose_name=_("país extranjero al que se refiere"),
    )
    criterion = models.CharField(_("criterio"), max_length=40)
    answer = models.CharField(_("respuesta"), max_length=10, choices=CriterionAnswer.choices)
    summary_es = models.TextField(_("resumen (es)"))
    summary_en = models.TextField(_("resumen (en)"), blank=True)
    observed_on = models.DateField(_("fecha"), null=True, blank=True)
    observed_precision = models.CharField(
        _("precisión de la fecha"), max_length=10, choices=Precision.choices, default=Precision.DAY
    )

    title_field = "summary"

    class Meta:
        ordering = ["facility", "criterion", "id"]
        verbose_name = _("observación sobre una instalación")
        verbose_name_plural = _("observaciones sobre instalaciones")


class ActivityEquipment(Record):
    """A weapon, vessel, aircraft or other equipment a cited source reports in an activity (what the compliance
    rules compare with the authorization's list; a reported weapon makes the entry an armed one)."""

    activity = models.ForeignKey(
        "records.Activity", on_delete=models.CASCADE, related_name="equipment", verbose_name=_("actividad")
    )
    category = models.CharField(_("categoría"), max_length=12, choices=ItemCategory.choices)
    name = models.CharField(_("descripción"), max_length=200)
    quantity = models.PositiveIntegerField(_("cantidad"), null=True, blank=True)

    title_field = "name"

    class Meta:
        ordering = ["activity", "category", "id"]
        verbose_name = _("arma, nave o equipo en una actividad")
        verbose_name_plural = _("armas, naves y equipos en actividades")
