"""A finding's evidence values shown readably: each value name the compliance rules store has a label and a
way to be shown (dates with their record's precision, numbers, countries, norms, codes by their labels).
Names not in the table are left out: a reader never sees a raw code. The legal norms of ``basis`` are shown as
links (``norm_links``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veeduria.oversight.models import Finding
from veeduria.portal import display
from veeduria.portal.display import Value as Shown
from veeduria.records.models import ActivityKind, Country, InstrumentType, ItemCategory, LegalNorm

#: value name → label
LABELS: dict[str, Promise] = {
    "activity_start": gettext_lazy("inicio de la actividad"),
    "activity_end": gettext_lazy("fin de la actividad"),
    "window_start": gettext_lazy("inicio del periodo autorizado"),
    "window_end": gettext_lazy("fin del periodo autorizado"),
    "periods": gettext_lazy("periodos autorizados"),
    "limit": gettext_lazy("personal autorizado"),
    "low": gettext_lazy("personal (mínimo)"),
    "best": gettext_lazy("personal (mejor estimación)"),
    "high": gettext_lazy("personal (máximo)"),
    "place": gettext_lazy("lugar"),
    "department": gettext_lazy("departamento"),
    "authorized": gettext_lazy("lugares autorizados"),
    "unmatched": gettext_lazy("lugares no autorizados"),
    "items": gettext_lazy("armas, naves o aeronaves no listadas"),
    "missing": gettext_lazy("falta saber"),
    "instrument": gettext_lazy("tipo de instrumento"),
    "requires": gettext_lazy("instrumento exigido"),
    "foreign": gettext_lazy("países extranjeros"),
    "host": gettext_lazy("país donde ocurrió"),
    "kind": gettext_lazy("tipo de actividad"),
    "why": gettext_lazy("motivo"),
}

#: what an authorization's limits lack (the rule's ``missing`` codes)
MISSING: dict[str, Promise] = {
    "window": gettext_lazy("el periodo autorizado"),
    "personnel": gettext_lazy("el personal autorizado"),
    "places": gettext_lazy("los lugares autorizados"),
    "items": gettext_lazy("las armas, naves y aeronaves autorizadas"),
    "armed": gettext_lazy("si el ingreso es con armas"),
}

#: the level of instrument an entry requires
REQUIRES: dict[str, Promise] = {
    "legislative": gettext_lazy("resolución legislativa (del Congreso)"),
    "ministerial": gettext_lazy("resolución ministerial"),
    "none": gettext_lazy("ninguno"),
}

#: why an entry counts as armed
WHY: dict[str, Promise] = {
    "weapons_reported": gettext_lazy("la actividad informa armas"),
    "authorization_armed": gettext_lazy("la autorización permite el ingreso con armas"),
}

_DATES = {"activity_start": "start_precision", "activity_end": "end_precision"}
_WINDOW = {"window_start": "window_start_precision", "window_end": "window_end_precision"}
#: value name → the labels of its codes
_CODES: dict[str, dict[str, Any]] = {
    "missing": MISSING,
    "requires": REQUIRES,
    "why": WHY,
    "instrument": dict(InstrumentType.choices),
    "kind": dict(ActivityKind.choices),
}


class Lookups:
    """Countries and norms named by a page's findings, fetched once."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        norms: set[str] = set()
        for f in findings:
            values = f.values if isinstance(f.values, dict) else {}
            basis = values.get("basis") if isinstance(values, dict) else None
            norms.update(str(b) for b in basis or [] if isinstance(basis, list))
        self.norms = {n.pk: n for n in LegalNorm.objects.filter(pk__in=norms)} if norms else {}
        self._countries: dict[str, Country] | None = None

    def country(self, code: str) -> str:
        if self._countries is None:
            self._countries = {}
            for country in Country.objects.all():
                self._countries[country.pk] = country
                self._countries[country.iso3] = country
        found = self._countries.get(str(code)) or self._countries.get(str(code).upper())
        return found.title if found else str(code)


def _date(text: Any, precision: str) -> str:
    try:
        return display.format_date(dt.date.fromisoformat(str(text)), precision)
    except ValueError:
        return str(text)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _item(text: Any) -> str:
    category, sep, name = str(text).partition(": ")
    labels = dict(ItemCategory.choices)
    return f"{labels[category]}: {name}" if sep and category in labels else str(text)


def _render(name: str, value: Any, f: Finding, lookups: Lookups) -> str:
    if name in _DATES:
        return _date(value, getattr(f.activity, _DATES[name], "day"))
    if name in _WINDOW:
        return _date(value, getattr(f.authorization, _WINDOW[name], "day") if f.authorization_id else "day")
    if name == "periods":
        return "; ".join(f"{_date(p[0], 'day')} – {_date(p[1], 'day')}" for p in _list(value) if len(p) == 2)
    if name in {"foreign", "host"}:
        return ", ".join(lookups.country(x) for x in _list(value))
    if name == "items":
        return "; ".join(_item(x) for x in _list(value))
    table = _CODES.get(name)
    if table is not None:
        return ", ".join(str(table.get(str(x), x)) for x in _list(value))
    if isinstance(value, bool):
        return display.yes_no(value)
    if isinstance(value, int | float):
        return display.format_number(value)
    if isinstance(value, list):
        return ", ".join(str(x) for x in value)
    return str(value)


def readable(f: Finding, lookups: Lookups) -> list[tuple[str, str]]:
    """The labelled values of a finding's evidence, unknown names left out, empty values as "sin dato"."""
    values = f.values if isinstance(f.values, dict) else None
    if not isinstance(values, dict):
        return []
    out = []
    for name, value in values.items():
        if name not in LABELS:
            continue
        text = _("sin dato") if value is None or value == "" or value == [] else _render(name, value, f, lookups)
        out.append((str(LABELS[name]), text))
    return out


def norm_links(f: Finding, lookups: Lookups) -> list[Shown]:
    values = f.values if isinstance(f.values, dict) else {}
    return [display.link(lookups.norms[b]) for b in _list(values.get("basis") or []) if b in lookups.norms]
