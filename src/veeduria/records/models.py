"""The domain: countries and actors, legal norms, agreements, authorizations, activities,
facilities and their foreign use, money and personnel counts. Every model is a cited ``Record``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from veeduria.evidence.models import Precision, Record


def _precision(label: Any) -> models.CharField:
    return models.CharField(label, max_length=10, choices=Precision.choices, default=Precision.DAY)


class Country(Record):
    iso3 = models.CharField(_("código ISO 3166-1 alfa-3"), max_length=3, unique=True)
    name_es = models.CharField(_("nombre (es)"), max_length=200)
    name_en = models.CharField(_("nombre (en)"), max_length=200)

    class Meta:
        ordering = ["name_es"]
        verbose_name = _("país")
        verbose_name_plural = _("países")


class ActorKind(models.TextChoices):
    STATE = "state", _("Estado")
    ARMED_FORCES = "armed_forces", _("fuerzas armadas")
    SERVICE = "service", _("rama de las fuerzas armadas")
    UNIT = "unit", _("unidad militar")
    MINISTRY = "ministry", _("ministerio")
    AGENCY = "agency", _("agencia")
    POLICE_UNIT = "police_unit", _("unidad policial")
    LEGISLATURE = "legislature", _("órgano legislativo")
    OTHER = "other", _("otro")


class Actor(Record):
    name_es = models.CharField(_("nombre (es)"), max_length=300)
    name_en = models.CharField(_("nombre (en)"), max_length=300, blank=True)
    acronym = models.CharField(_("sigla"), max_length=40, blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=ActorKind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="actors", verbose_name=_("país"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("depende de"),
    )

    class Meta:
        ordering = ["name_es"]
        verbose_name = _("actor")
        verbose_name_plural = _("actores")


class NormKind(models.TextChoices):
    CONSTITUTION = "constitution", _("constitución")
    LAW = "law", _("ley")
    SUPREME_DECREE = "supreme_decree", _("decreto supremo")
    REGULATION = "regulation", _("reglamento")
    OTHER = "other", _("otra norma")


class LegalNorm(Record):
    """A provision of the host country's law that governs foreign troop entry."""

    kind = models.CharField(_("tipo"), max_length=20, choices=NormKind.choices)
    number = models.CharField(_("número"), max_length=60, blank=True)
    article = models.CharField(_("artículo"), max_length=120, blank=True)
    title_es = models.CharField(_("título (es)"), max_length=500)
    title_en = models.CharField(_("título (en)"), max_length=500, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("país"))
    enacted_on = models.DateField(_("fecha"), null=True, blank=True)
    enacted_precision = _precision(_("precisión de la fecha"))
    summary_es = models.TextField(_("resumen (es)"), blank=True)
    summary_en = models.TextField(_("resumen (en)"), blank=True)
    amends = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="amended_by", verbose_name=_("modifica")
    )

    title_field = "title"

    class Meta:
        ordering = ["kind", "number"]
        verbose_name = _("norma")
        verbose_name_plural = _("marco legal")


class AgreementKind(models.TextChoices):
    TREATY = "treaty", _("tratado")
    EXECUTIVE_AGREEMENT = "executive_agreement", _("acuerdo ejecutivo")
    MOU = "mou", _("memorándum de entendimiento")
    MISSION_AGREEMENT = "mission_agreement", _("acuerdo de misión")
    FMS_CASE = "fms_case", _("venta militar al extranjero (FMS)")
    DESIGNATION = "designation", _("designación")
    DECLARATION = "declaration", _("declaración")
    OTHER = "other", _("otro")


class AgreementStatus(models.TextChoices):
    IN_FORCE = "in_force", _("vigente")
    EXPIRED = "expired", _("vencido")
    NEGOTIATING = "negotiating", _("en negociación")
    NOTIFIED = "notified", _("notificado")
    SIGNED = "signed", _("firmado")
    UNKNOWN = "unknown", _("desconocido")


class TextAvailability(models.TextChoices):
    PUBLIC = "public", _("público")
    PARTIAL = "partial", _("parcial")
    CONFIDENTIAL = "confidential", _("confidencial")
    UNKNOWN = "unknown", _("desconocido")


class Agreement(Record):
    kind = models.CharField(_("tipo"), max_length=24, choices=AgreementKind.choices)
    title_es = models.CharField(_("título (es)"), max_length=500)
    title_en = models.CharField(_("título (en)"), max_length=500, blank=True)
    reference = models.CharField(_("referencia"), max_length=200, blank=True)
    parties = models.ManyToManyField(Country, related_name="agreements", verbose_name=_("partes"))
    signed_on = models.DateField(_("firmado"), null=True, blank=True)
    signed_precision = _precision(_("precisión de la firma"))
    effective_on = models.DateField(_("en vigor desde"), null=True, blank=True)
    effective_precision = _precision(_("precisión de la entrada en vigor"))
    ends_on = models.DateField(_("vence"), null=True, blank=True)
    ends_precision = _precision(_("precisión del vencimiento"))
    term = models.CharField(_("plazo"), max_length=200, blank=True)
    legal_status = models.CharField(
        _("situación"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.UNKNOWN
    )
    text_availability = models.CharField(
        _("texto"), max_length=20, choices=TextAvailability.choices, default=TextAvailability.UNKNOWN
    )
    summary_es = models.TextField(_("resumen (es)"), blank=True)
    summary_en = models.TextField(_("resumen (en)"), blank=True)
    estimated_cost = models.DecimalField(_("costo estimado"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, blank=True)
    renews = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewed_by", verbose_name=_("renueva")
    )

    title_field = "title"

    class Meta:
        ordering = ["-signed_on", "title_es"]
        verbose_name = _("acuerdo")
        verbose_name_plural = _("acuerdos")


class InstrumentType(models.TextChoices):
    RL = "rl", _("Resolución Legislativa")
    RM = "rm", _("Resolución Ministerial")
    RS = "rs", _("Resolución Suprema")
    BILL = "bill", _("proyecto de resolución legislativa")
    COMMITTEE = "committee", _("aprobación de comisión")
    OTHER = "other", _("otro")


class DecisionBasis(models.TextChoices):
    APPROVED = "approved", _("fecha de aprobación")
    PUBLISHED = "published", _("fecha de publicación")
    WINDOW_START = "window_start", _("inicio del periodo autorizado")


class Authorization(Record):
    """A legislative or executive authorization of foreign troop entry, stored as structured limits."""

    instrument_type = models.CharField(_("tipo de instrumento"), max_length=12, choices=InstrumentType.choices)
    number = models.CharField(_("número"), max_length=40, blank=True)
    bill_number = models.CharField(_("número de proyecto"), max_length=40, blank=True)
    title_es = models.CharField(_("título (es)"), max_length=600)
    title_en = models.CharField(_("título (en)"), max_length=600, blank=True)
    host_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="authorizations_hosted", verbose_name=_("país anfitrión")
    )
    foreign_countries = models.ManyToManyField(
        Country, related_name="authorizations", verbose_name=_("países extranjeros")
    )
    bill_filed_on = models.DateField(_("proyecto presentado"), null=True, blank=True)
    approved_on = models.DateField(_("aprobada"), null=True, blank=True)
    approved_precision = _precision(_("precisión de la aprobación"))
    promulgated_on = models.DateField(_("promulgada"), null=True, blank=True)
    published_on = models.DateField(_("publicada"), null=True, blank=True)
    published_precision = _precision(_("precisión de la publicación"))
    vote_for = models.PositiveIntegerField(_("votos a favor"), null=True, blank=True)
    vote_against = models.PositiveIntegerField(_("votos en contra"), null=True, blank=True)
    vote_abstain = models.PositiveIntegerField(_("abstenciones"), null=True, blank=True)
    purpose_es = models.TextField(_("finalidad (es)"), blank=True)
    purpose_en = models.TextField(_("finalidad (en)"), blank=True)
    armed = models.BooleanField(_("con armas de guerra"), null=True, blank=True)
    personnel_total = models.PositiveIntegerField(_("personal autorizado (total)"), null=True, blank=True)
    window_start = models.DateField(_("inicio del periodo autorizado"), null=True, blank=True)
    window_start_precision = _precision(_("precisión del inicio"))
    window_end = models.DateField(_("fin del periodo autorizado"), null=True, blank=True)
    window_end_precision = _precision(_("precisión del fin"))
    rotation_terms = models.CharField(_("rotación"), max_length=300, blank=True)
    cost_bearer = models.CharField(_("asume los costos"), max_length=300, blank=True)
    legal_basis = models.ManyToManyField(
        LegalNorm, blank=True, related_name="authorizations", verbose_name=_("base legal")
    )
    legal_basis_text = models.TextField(_("base legal citada"), blank=True)
    modification_clause = models.TextField(_("cláusula de modificación de fechas"), blank=True)
    counterparts = models.ManyToManyField(
        Actor, blank=True, related_name="authorizations_as_counterpart", verbose_name=_("contrapartes nacionales")
    )
    modifies = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="modified_by", verbose_name=_("modifica")
    )
    activities: models.ManyToManyField[Activity, Any] = models.ManyToManyField(
        "Activity", blank=True, related_name="authorizations", verbose_name=_("actividades cubiertas")
    )
    limits_known = models.BooleanField(
        _("límites conocidos"),
        default=True,
        help_text=_("falso si el registro solo se conoce por su título y falta leer el anexo"),
    )
    official_url = models.URLField(_("texto oficial"), max_length=500, blank=True)
    #: the date of the decision: the approval date where known, else the publication date, else the window start
    decision_date = models.GeneratedField(
        expression=Coalesce("approved_on", "published_on", "window_start"),
        output_field=models.DateField(_("fecha de la decisión"), null=True, blank=True),
        db_persist=True,
        verbose_name=_("fecha de la decisión"),
    )
    decision_precision = models.GeneratedField(
        expression=Case(
            When(approved_on__isnull=False, then=F("approved_precision")),
            When(published_on__isnull=False, then=F("published_precision")),
            When(window_start__isnull=False, then=F("window_start_precision")),
            default=Value("unknown"),
        ),
        output_field=models.CharField(max_length=10, choices=Precision.choices),
        db_persist=True,
        verbose_name=_("precisión de la fecha de la decisión"),
    )
    decision_basis = models.GeneratedField(
        expression=Case(
            When(approved_on__isnull=False, then=Value("approved")),
            When(published_on__isnull=False, then=Value("published")),
            When(window_start__isnull=False, then=Value("window_start")),
            default=Value(""),
        ),
        output_field=models.CharField(max_length=12, choices=DecisionBasis.choices),
        db_persist=True,
        verbose_name=_("la fecha de la decisión es"),
    )

    title_field = "title"

    def get_decision_basis_display(self) -> str:
        """Which date the date of the decision is ("fecha de publicación"), in the active language."""
        return str(DecisionBasis(self.decision_basis).label) if self.decision_basis else ""

    def get_decision_precision_display(self) -> str:
        return str(Precision(self.decision_precision).label) if self.decision_precision else ""

    class Meta:
        ordering = [F("decision_date").desc(nulls_last=True), "-number", "id"]
        verbose_name = _("autorización")
        verbose_name_plural = _("autorizaciones")


class AuthorizedPersonnel(models.Model):
    authorization = models.ForeignKey(Authorization, on_delete=models.CASCADE, related_name="personnel")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("país"))
    service = models.CharField(_("fuerza o grupo"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("efectivos"), null=True, blank=True)
    note = models.CharField(_("nota"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("personal autorizado")
        verbose_name_plural = _("personal autorizado")


class ItemCategory(models.TextChoices):
    WEAPON = "weapon", _("arma")
    AIRCRAFT = "aircraft", _("aeronave")
    VESSEL = "vessel", _("buque")
    VEHICLE = "vehicle", _("vehículo")
    EQUIPMENT = "equipment", _("equipo")


class AuthorizedItem(models.Model):
    authorization = models.ForeignKey(Authorization, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("categoría"), max_length=12, choices=ItemCategory.choices)
    name = models.CharField(_("descripción"), max_length=200)
    quantity = models.PositiveIntegerField(_("cantidad"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("arma, nave o equipo autorizado")
        verbose_name_plural = _("armas, naves y equipos autorizados")


class AuthorizedPlace(models.Model):
    authorization = models.ForeignKey(Authorization, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("lugar"), max_length=200)
    department = models.CharField(_("departamento"), max_length=100, blank=True)
    facility = models.ForeignKey(
        "Facility", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("instalación")
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("lugar autorizado")
        verbose_name_plural = _("lugares autorizados")


class AuthorizedPeriod(models.Model):
    authorization = models.ForeignKey(Authorization, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("desde"))
    end = models.DateField(_("hasta"))
    note = models.CharField(_("nota"), max_length=300, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("periodo autorizado")
        verbose_name_plural = _("periodos autorizados")


class ActivityKind(models.TextChoices):
    EXERCISE = "exercise", _("ejercicio conjunto")
    TRAINING = "training", _("curso de entrenamiento")
    DEPLOYMENT = "deployment", _("despliegue")
    HUMANITARIAN = "humanitarian", _("misión humanitaria o médica")
    EVENT_SECURITY = "event_security", _("seguridad de un evento")
    PORT_VISIT = "port_visit", _("visita a puerto")
    EQUIPMENT_DELIVERY = "equipment_delivery", _("entrega de equipo")
    MEETING = "meeting", _("reunión")
    OTHER = "other", _("otra")


class PlacePrecision(models.TextChoices):
    EXACT = "exact", _("exacta")
    LOCALITY = "locality", _("localidad")
    DEPARTMENT = "department", _("departamento")
    COUNTRY = "country", _("país")
    UNKNOWN = "unknown", _("desconocida")


class Activity(Record):
    kind = models.CharField(_("tipo"), max_length=20, choices=ActivityKind.choices)
    name_es = models.CharField(_("nombre (es)"), max_length=500)
    name_en = models.CharField(_("nombre (en)"), max_length=500, blank=True)
    description_es = models.TextField(_("descripción (es)"), blank=True)
    description_en = models.TextField(_("descripción (en)"), blank=True)
    #: where the activity took place (empty: not known); who took part is ``countries``
    host_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities_hosted",
        verbose_name=_("país donde ocurrió"),
    )
    start_date = models.DateField(_("inicio"), null=True, blank=True)
    start_precision = _precision(_("precisión del inicio"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    end_precision = _precision(_("precisión del fin"))
    place = models.CharField(_("lugar"), max_length=500, blank=True)
    department = models.CharField(_("departamento"), max_length=100, blank=True)
    place_precision = models.CharField(
        _("precisión del lugar"), max_length=12, choices=PlacePrecision.choices, default=PlacePrecision.UNKNOWN
    )
    latitude = models.FloatField(_("latitud"), null=True, blank=True)
    longitude = models.FloatField(_("longitud"), null=True, blank=True)
    personnel_best = models.PositiveIntegerField(_("personal (mejor estimación)"), null=True, blank=True)
    personnel_low = models.PositiveIntegerField(_("personal (mínimo)"), null=True, blank=True)
    personnel_high = models.PositiveIntegerField(_("personal (máximo)"), null=True, blank=True)
    countries = models.ManyToManyField(
        Country, blank=True, related_name="activities", verbose_name=_("países participantes")
    )
    units = models.ManyToManyField(Actor, blank=True, related_name="activities", verbose_name=_("unidades"))
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="activities", verbose_name=_("acuerdos"))
    facilities: models.ManyToManyField[Facility, Any] = models.ManyToManyField(
        "Facility", blank=True, related_name="activities", verbose_name=_("instalaciones")
    )
    program = models.CharField(_("programa"), max_length=120, blank=True)
    provider_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities_provided",
        verbose_name=_("país que imparte"),
    )
    provider_unit = models.CharField(_("unidad que imparte"), max_length=300, blank=True)
    recipient_unit = models.CharField(_("unidad receptora"), max_length=300, blank=True)
    cost = models.DecimalField(_("costo"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, blank=True)
    fiscal_year = models.CharField(_("año fiscal"), max_length=20, blank=True)

    class Meta:
        ordering = ["-start_date", "name_es"]
        verbose_name = _("actividad")
        verbose_name_plural = _("actividades")
        indexes = [
            models.Index(fields=["kind", "start_date"]),
            models.Index(fields=["fiscal_year", "program"]),
            # the list's default order, with the status it filters on: a page's ids read from the index alone
            models.Index(fields=["-start_date", "name_es", "id", "status"], name="activity_list_order"),
            # every other sortable column of the list: a sorted page scans this index, not the table's wide rows
            # (veeduria.portal.list_sort). Led by the end date (sorted from the index alone) and the personnel, not
            # the id: rows met in id order would each displace the kept page of a sort whose ties go by id
            # descending. 500,000 activities: 140-260 ms a sorted page's ids down to 0-150.
            models.Index(
                fields=[
                    "end_date",
                    "personnel_best",
                    "kind",
                    "place",
                    "host_country",
                    "name_es",
                    "name_en",
                    "id",
                    "status",
                ],
                name="activity_list_sorts",
            ),
            # the activities an authorization may cover: a range of start dates per host and precision, with
            # everything else the search reads in the index, so that no row of the table is visited
            # (oversight.engine.activities_near)
            models.Index(
                fields=[
                    "host_country",
                    "start_precision",
                    "start_date",
                    "end_date",
                    "end_precision",
                    "provider_country",
                    "id",
                ],
                name="activity_host_span",
            ),
        ]


class FacilityKind(models.TextChoices):
    BASE = "base", _("base")
    AIRFIELD = "airfield", _("aeródromo")
    PORT = "port", _("puerto")
    LABORATORY = "laboratory", _("laboratorio")
    POLICE_BASE = "police_base", _("base policial")
    TRAINING_CENTRE = "training_centre", _("centro de entrenamiento")
    OTHER = "other", _("otra")


class Facility(Record):
    name_es = models.CharField(_("nombre (es)"), max_length=300)
    name_en = models.CharField(_("nombre (en)"), max_length=300, blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=FacilityKind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("país"))
    owner = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities_owned",
        verbose_name=_("propietario"),
    )
    operator = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities_operated",
        verbose_name=_("operador"),
    )
    department = models.CharField(_("departamento"), max_length=100, blank=True)
    locality = models.CharField(_("localidad"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitud"), null=True, blank=True)
    longitude = models.FloatField(_("longitud"), null=True, blank=True)
    coord_precision = models.CharField(
        _("precisión de las coordenadas"), max_length=12, choices=PlacePrecision.choices, default=PlacePrecision.UNKNOWN
    )
    description_es = models.TextField(_("descripción (es)"), blank=True)
    description_en = models.TextField(_("descripción (en)"), blank=True)

    class Meta:
        ordering = ["name_es"]
        verbose_name = _("instalación")
        verbose_name_plural = _("instalaciones")


class FacilityUse(Record):
    """A period of foreign use of a host facility, tied to its legal basis."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="uses", verbose_name=_("instalación"))
    user_country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("país usuario"))
    user = models.ForeignKey(Actor, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("usuario"))
    start_date = models.DateField(_("desde"), null=True, blank=True)
    start_precision = _precision(_("precisión del inicio"))
    end_date = models.DateField(_("hasta"), null=True, blank=True)
    end_precision = _precision(_("precisión del fin"))
    purpose_es = models.TextField(_("finalidad (es)"), blank=True)
    purpose_en = models.TextField(_("finalidad (en)"), blank=True)
    legal_basis_text = models.TextField(_("base legal"), blank=True)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facility_uses",
        verbose_name=_("acuerdo"),
    )
    authorization = models.ForeignKey(
        Authorization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facility_uses",
        verbose_name=_("autorización"),
    )
    confirmed = models.BooleanField(_("confirmado"), default=False)

    title_field = "purpose"

    class Meta:
        ordering = ["facility", "start_date"]
        verbose_name = _("uso extranjero de instalación")
        verbose_name_plural = _("usos extranjeros de instalaciones")


class FacilityClassification(Record):
    """An external classification of a facility (e.g. a researcher's coding), not our verdict."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="classifications", verbose_name=_("instalación")
    )
    scheme = models.CharField(_("clasificación"), max_length=120)
    label = models.CharField(_("categoría"), max_length=120)
    site_name = models.CharField(_("nombre en la fuente"), max_length=300, blank=True)

    title_field = "label"

    class Meta:
        ordering = ["facility", "scheme"]
        verbose_name = _("clasificación externa")
        verbose_name_plural = _("clasificaciones externas")


class FacilityListing(Record):
    """One official inventory listing of a site in one edition (e.g. a DoD Base Structure Report)."""

    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("instalación"),
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("país"))
    edition = models.CharField(_("edición"), max_length=20)
    site_name = models.CharField(_("sitio"), max_length=300)
    component = models.CharField(_("componente"), max_length=100, blank=True)
    nearest_city = models.CharField(_("ciudad más cercana"), max_length=200, blank=True)
    aggregated = models.BooleanField(_("agregado (otros sitios)"), default=False)
    site_count = models.PositiveIntegerField(_("número de sitios"), null=True, blank=True)
    buildings_owned = models.PositiveIntegerField(_("edificios propios"), null=True, blank=True)
    sqft_owned = models.PositiveIntegerField(_("pies² propios"), null=True, blank=True)
    buildings_leased = models.PositiveIntegerField(_("edificios arrendados"), null=True, blank=True)
    sqft_leased = models.PositiveIntegerField(_("pies² arrendados"), null=True, blank=True)
    buildings_other = models.PositiveIntegerField(_("otros edificios"), null=True, blank=True)
    sqft_other = models.PositiveIntegerField(_("otros pies²"), null=True, blank=True)
    acres = models.DecimalField(_("acres"), max_digits=14, decimal_places=2, null=True, blank=True)
    replacement_value_musd = models.DecimalField(
        _("valor de reposición (M USD)"), max_digits=14, decimal_places=3, null=True, blank=True
    )

    title_field = "site_name"

    class Meta:
        ordering = ["edition", "site_name"]
        verbose_name = _("listado oficial de sitio")
        verbose_name_plural = _("listados oficiales de sitios")


class FundingStage(models.TextChoices):
    REQUEST = "request", _("solicitud presupuestaria")
    APPROPRIATION = "appropriation", _("asignación")
    PLANNED = "planned", _("asignado y planificado")
    OBLIGATION = "obligation", _("obligación")
    DISBURSEMENT = "disbursement", _("desembolso")
    NOTIFICATION = "notification", _("notificación")


class FundingFlow(models.TextChoices):
    ASSISTANCE = "assistance", _("asistencia (donación)")
    LOAN = "loan", _("préstamo")
    SALE = "sale", _("venta pagada por el comprador")


class FundingSector(models.TextChoices):
    MILITARY_SECURITY = "military_security", _("militar y de seguridad")
    ECONOMIC_OTHER = "economic_other", _("económica y otras")
    ALL_SECTORS = "all_sectors", _("todos los sectores (sin desglose)")


class Funding(Record):
    """Money: who pays whom (assistance given, a loan, a sale paid by the buyer), by program, fiscal year,
    sector and budget stage."""

    flow = models.CharField(_("tipo de flujo"), max_length=12, choices=FundingFlow.choices)
    payer = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="funding_paid", verbose_name=_("paga"))
    payee = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="funding_received", verbose_name=_("recibe")
    )
    sector = models.CharField(_("sector"), max_length=20, choices=FundingSector.choices, blank=True)
    program = models.CharField(_("programa"), max_length=200, blank=True)
    fiscal_year = models.CharField(_("año fiscal"), max_length=20)
    stage = models.CharField(_("etapa"), max_length=16, choices=FundingStage.choices)
    amount = models.DecimalField(_("monto (corriente)"), max_digits=18, decimal_places=2)
    amount_constant = models.DecimalField(
        _("monto (constante)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("moneda"), max_length=3, default="USD")
    description_es = models.TextField(_("descripción (es)"), blank=True)
    description_en = models.TextField(_("descripción (en)"), blank=True)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="funding", verbose_name=_("acuerdo")
    )

    title_field = "program"

    class Meta:
        ordering = ["-fiscal_year", "flow", "stage", "program"]
        verbose_name = _("financiamiento")
        verbose_name_plural = _("financiamiento")
        indexes = [models.Index(fields=["fiscal_year", "stage"])]


class PersonnelCount(Record):
    """Personnel of a sending country assigned to a host country at a date, by service and category."""

    host_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="personnel_hosted", verbose_name=_("país anfitrión")
    )
    sending_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="personnel_sent", verbose_name=_("país de origen")
    )
    year = models.PositiveSmallIntegerField(_("año"))
    month = models.PositiveSmallIntegerField(_("mes"), null=True, blank=True)
    service = models.CharField(_("fuerza"), max_length=40)
    category = models.CharField(_("categoría"), max_length=40)
    #: empty when the source gives no value (unknown), never 0
    count = models.PositiveIntegerField(_("personas"), null=True, blank=True)
    #: a total computed from parts of which some are unknown: a lower bound, not the whole
    incomplete = models.BooleanField(_("suma de partes incompletas"), default=False)

    title_field = "service"

    class Meta:
        ordering = ["-year", "-month", "service"]
        verbose_name = _("conteo de personal")
        verbose_name_plural = _("conteos de personal")
        indexes = [models.Index(fields=["host_country", "year"])]


class Statement(Record):
    """An official statement on the record (who said what, when), cited to where it was reported."""

    title_es = models.CharField(_("título (es)"), max_length=500)
    title_en = models.CharField(_("título (en)"), max_length=500, blank=True)
    speaker_name = models.CharField(_("quién lo dijo"), max_length=300)
    speaker_role_es = models.CharField(_("cargo (es)"), max_length=300, blank=True)
    speaker_role_en = models.CharField(_("cargo (en)"), max_length=300, blank=True)
    speaker = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="statements", verbose_name=_("institución")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="statements", verbose_name=_("país del declarante")
    )
    made_on = models.DateField(_("fecha"), null=True, blank=True)
    made_precision = _precision(_("precisión de la fecha"))
    quote = models.TextField(_("cita textual"))
    quote_language = models.CharField(_("idioma de la cita"), max_length=10, blank=True)
    summary_es = models.TextField(_("resumen (es)"), blank=True)
    summary_en = models.TextField(_("resumen (en)"), blank=True)
    authorizations = models.ManyToManyField(
        Authorization, blank=True, related_name="statements", verbose_name=_("autorizaciones a las que se refiere")
    )
    #: the countries the statement is about besides the speaker's (e.g. a Peruvian minister on US bases: usa)
    about_countries = models.ManyToManyField(
        Country, blank=True, related_name="statements_about", verbose_name=_("países a los que se refiere")
    )

    title_field = "title"

    class Meta:
        ordering = [F("made_on").desc(nulls_last=True), "id"]
        verbose_name = _("declaración oficial")
        verbose_name_plural = _("declaraciones oficiales")
