"""Reading a search's filters from user input (the page, the CLI): every bad value named, never an error page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from veeduria.evidence.models import SourceKind
from veeduria.records.models import Country
from veeduria.records.registry import BY_KEY
from veeduria.search.passages import DOCUMENTS
from veeduria.search.results import Filters

#: every value of the type filter
TYPES = (*BY_KEY, DOCUMENTS)
YEARS = (1800, 2200)


@dataclass
class Checked:
    filters: Filters
    errors: list[str] = field(default_factory=list)


def country_id(value: str) -> str | None:
    """The id of a country given by id (``usa``) or ISO3 code (``USA``), or None when there is no such country."""
    value = value.strip()
    if not value or len(value) > 120 or not value.isprintable():
        return None
    found = Country.objects.filter(Q(pk=value) | Q(iso3=value.upper())).values_list("pk", flat=True).first()
    return str(found) if found is not None else None


def check(type_: str = "", year: str = "", country: str = "", source_kind: str = "") -> Checked:
    """The filters from text values (empty: not filtered); a bad value is left out and named in ``errors``."""
    errors = []
    type_, year, country, source_kind = (v.strip() for v in (type_, year, country, source_kind))
    if type_ and type_ not in TYPES:
        errors.append(
            _("Tipo desconocido: %(value)s. Tipos: %(known)s.") % {"value": repr(type_[:40]), "known": ", ".join(TYPES)}
        )
        type_ = ""
    year_value = None
    if year:
        try:
            year_value = int(year)
        except ValueError:
            year_value = None
        if year_value is None or not YEARS[0] <= year_value <= YEARS[1]:
            errors.append(_("Año inválido: %(value)s (un número entre 1800 y 2200).") % {"value": repr(year[:40])})
            year_value = None
    country_value = None
    if country:
        country_value = country_id(country)
        if country_value is None:
            errors.append(_("País desconocido: %(value)s.") % {"value": repr(country[:40])})
    if source_kind and source_kind not in SourceKind.values:
        errors.append(
            _("Tipo de fuente desconocido: %(value)s. Tipos: %(known)s.")
            % {"value": repr(source_kind[:40]), "known": ", ".join(SourceKind.values)}
        )
        source_kind = ""
    return Checked(Filters(type_ or None, year_value, country_value, source_kind or None), errors)
