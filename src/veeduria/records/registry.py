"""The record types: one entry each, used by the dataset loader, the export, the portal and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veeduria.evidence.models import Source
from veeduria.factchecks.models import Claim, Review
from veeduria.oversight.models import ActivityEquipment, FacilityObservation
from veeduria.records import models as m


@dataclass(frozen=True)
class RecordType:
    """How one model is named in files, URLs and pages."""

    key: str  #: file name in a dataset folder (``authorizations`` → ``authorizations.yaml``), export ``type``
    model: type[models.Model]
    slug_es: str
    slug_en: str
    label: Promise
    #: fields shown as columns in list pages
    list_fields: tuple[str, ...]
    #: field holding the year to filter on (a date field or a text field starting with the year)
    year_field: str | None = None
    #: field holding a country to filter on (FK or M2M to Country)
    country_field: str | None = None
    #: further country fields the country filter also matches (any of them)
    extra_country_fields: tuple[str, ...] = ()
    #: a choices field to filter on
    kind_field: str | None = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = field(default=())


RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType("countries", m.Country, "paises", "countries", _("Países"), ("iso3", "name_es", "name_en")),
    RecordType(
        "actors",
        m.Actor,
        "actores",
        "actors",
        _("Actores"),
        ("name_es", "acronym", "kind", "country"),
        country_field="country",
        kind_field="kind",
        select_related=("country", "parent"),
    ),
    RecordType(
        "legal_norms",
        m.LegalNorm,
        "marco-legal",
        "legal-framework",
        _("Marco legal"),
        ("kind", "number", "article", "title_es", "enacted_on"),
        year_field="enacted_on",
        country_field="country",
        kind_field="kind",
        select_related=("country",),
    ),
    RecordType(
        "agreements",
        m.Agreement,
        "acuerdos",
        "agreements",
        _("Acuerdos"),
        ("title_es", "kind", "signed_on", "legal_status", "text_availability"),
        year_field="signed_on",
        country_field="parties",
        kind_field="kind",
        prefetch_related=("parties",),
    ),
    RecordType(
        "authorizations",
        m.Authorization,
        "autorizaciones",
        "authorizations",
        _("Autorizaciones"),
        (
            "instrument_type",
            "number",
            "bill_number",
            "title_es",
            "decision_date",
            "window_start",
            "window_end",
            "personnel_total",
        ),
        year_field="decision_date",
        country_field="foreign_countries",
        kind_field="instrument_type",
        select_related=("host_country",),
        prefetch_related=("foreign_countries",),
    ),
    RecordType(
        "activities",
        m.Activity,
        "actividades",
        "activities",
        _("Actividades"),
        ("name_es", "kind", "start_date", "end_date", "host_country", "place", "personnel_best"),
        year_field="start_date",
        country_field="countries",
        extra_country_fields=("host_country", "provider_country"),
        kind_field="kind",
        select_related=("host_country",),
    ),
    RecordType(
        "facilities",
        m.Facility,
        "instalaciones",
        "facilities",
        _("Instalaciones"),
        ("name_es", "kind", "department", "locality", "operator"),
        country_field="country",
        kind_field="kind",
        select_related=("country", "owner", "operator"),
    ),
    RecordType(
        "facility_uses",
        m.FacilityUse,
        "usos-de-instalaciones",
        "facility-uses",
        _("Usos extranjeros de instalaciones"),
        ("facility", "user_country", "start_date", "end_date", "confirmed"),
        year_field="start_date",
        country_field="user_country",
        select_related=("facility", "user_country", "user"),
    ),
    RecordType(
        "facility_classifications",
        m.FacilityClassification,
        "clasificaciones",
        "classifications",
        _("Clasificaciones externas"),
        ("facility", "scheme", "label", "site_name"),
        select_related=("facility",),
    ),
    RecordType(
        "facility_listings",
        m.FacilityListing,
        "listados-oficiales",
        "official-listings",
        _("Listados oficiales de sitios"),
        (
            "site_name",
            "edition",
            "component",
            "nearest_city",
            "buildings_owned",
            "sqft_owned",
            "buildings_leased",
            "sqft_leased",
            "buildings_other",
            "sqft_other",
            "acres",
            "replacement_value_musd",
        ),
        year_field="edition",
        country_field="country",
        select_related=("facility", "country"),
    ),
    RecordType(
        "funding",
        m.Funding,
        "financiamiento",
        "funding",
        _("Financiamiento"),
        ("fiscal_year", "flow", "payer", "payee", "sector", "stage", "program", "amount", "currency"),
        year_field="fiscal_year",
        country_field="payee",
        extra_country_fields=("payer",),
        kind_field="flow",
        select_related=("payer", "payee"),
    ),
    RecordType(
        "personnel_counts",
        m.PersonnelCount,
        "personal",
        "personnel",
        _("Personal asignado"),
        ("year", "month", "service", "category", "count", "incomplete", "sending_country"),
        year_field="year",
        country_field="host_country",
        select_related=("host_country", "sending_country"),
    ),
    RecordType(
        "facility_observations",
        FacilityObservation,
        "observaciones",
        "observations",
        _("Observaciones sobre instalaciones"),
        ("facility", "criterion", "answer", "summary_es", "observed_on"),
        year_field="observed_on",
        select_related=("facility",),
    ),
    RecordType(
        "activity_equipment",
        ActivityEquipment,
        "equipos-en-actividades",
        "activity-equipment",
        _("Armas, naves y equipos en actividades"),
        ("activity", "category", "name", "quantity"),
        kind_field="category",
        select_related=("activity",),
    ),
    RecordType(
        "statements",
        m.Statement,
        "declaraciones",
        "statements",
        _("Declaraciones oficiales"),
        ("title_es", "speaker_name", "made_on", "country"),
        year_field="made_on",
        country_field="country",
        select_related=("country", "speaker"),
    ),
    RecordType(
        "claims",
        Claim,
        "verificaciones",
        "fact-checks",
        _("Verificaciones"),
        ("text", "language", "said_by", "seen_on"),
        year_field="seen_on",
        kind_field="language",
    ),
    RecordType(
        "reviews",
        Review,
        "calificaciones",
        "claim-reviews",
        _("Calificaciones de afirmaciones"),
        ("claim", "rating", "verdict_es", "reviewed_on", "author"),
        year_field="reviewed_on",
        kind_field="rating",
        select_related=("claim",),
    ),
)

BY_KEY: dict[str, RecordType] = {rt.key: rt for rt in RECORD_TYPES}
BY_MODEL: dict[type[models.Model], RecordType] = {rt.model: rt for rt in RECORD_TYPES}
SOURCE_MODEL = Source
