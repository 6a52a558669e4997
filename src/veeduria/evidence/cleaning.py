"""Value rules shared by the dataset loader, the importers and the admin.

(a) :func:`clean_field` applies a model field's own limits, as the strictest supported database enforces them
    (PostgreSQL integer ranges, digits and decimal places, lengths, choices), plus finite numbers, no NUL
    characters and the ranges of :data:`RANGES` (latitude, longitude, month);
(b) :data:`CROSS_RULES` are rules between two fields of one record, written as data, and :func:`check_record`
    returns every broken one as ``(field, message)``.

Messages are in the active language and name the value, never the file or record: the caller adds where.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.fields import AutoFieldMixin
from django.utils.translation import gettext as _

from veeduria.evidence.writes import precision_partner
from veeduria.records import models as m

#: integer ranges by field type, as PostgreSQL stores them (SQLite accepts more; data must fit both)
INT_RANGES: dict[str, tuple[int, int]] = dict(BaseDatabaseOperations.integer_field_ranges)
#: significant digits of a decimal that every database keeps (SQLite stores decimals as 8-byte floats)
SIGNIFICANT_DIGITS = 15
#: ranges of numeric fields by field name, in any model
RANGES: dict[str, tuple[int, int]] = {"latitude": (-90, 90), "longitude": (-180, 180), "month": (1, 12)}
#: (earlier or smaller field, "<=", later or larger field), per model; dates compare by their precision
#: (a month-precision end may be any day of that month), empty values are not compared
CROSS_RULES: dict[type[models.Model], list[tuple[str, str, str]]] = {
    m.Activity: [
        ("start_date", "<=", "end_date"),
        ("personnel_low", "<=", "personnel_best"),
        ("personnel_best", "<=", "personnel_high"),
        ("personnel_low", "<=", "personnel_high"),
    ],
    # signed after effective happens (retroactive effect, e.g. military-officer-1942): not a rule
    m.Agreement: [("signed_on", "<=", "ends_on"), ("effective_on", "<=", "ends_on")],
    m.Authorization: [
        ("window_start", "<=", "window_end"),
        ("bill_filed_on", "<=", "approved_on"),
        ("approved_on", "<=", "promulgated_on"),
        ("approved_on", "<=", "published_on"),
        ("promulgated_on", "<=", "published_on"),
    ],
    m.AuthorizedPeriod: [("start", "<=", "end")],
    m.FacilityUse: [("start_date", "<=", "end_date")],
}
_OPS = {"<="}
assert all(op in _OPS for rules in CROSS_RULES.values() for _a, op, _b in rules)


class CleanError(ValueError):
    """A value the field cannot hold; ``str()`` says why, in the active language."""


Checker = Callable[[Any], Any]


def clean_field(field: models.Field, value: Any) -> Any:
    """``value`` as ``field`` stores it, or :class:`CleanError`. Relations are returned unchanged."""
    return checker(field)(value)


def field_checker(model: type[models.Model], name: str) -> Checker:
    """:func:`clean_field` for one field, built once: for importers' per-row checks."""
    return checker(model._meta.get_field(name))  # type: ignore[arg-type]


@lru_cache(maxsize=1024)
def checker(field: models.Field) -> Checker:
    """The cleaning function of one model field (cached: the bounds are read once)."""
    if field.is_relation or getattr(field, "generated", False) or isinstance(field, AutoFieldMixin):
        return _same
    if isinstance(field, models.BooleanField):
        inner: Checker = _boolean
    elif isinstance(field, models.DecimalField):
        inner = _decimal(field.max_digits or 0, field.decimal_places or 0)
    elif isinstance(field, models.FloatField):
        inner = _float
    elif isinstance(field, models.IntegerField):
        inner = _integer(*INT_RANGES.get(field.get_internal_type(), INT_RANGES["BigIntegerField"]))
    elif isinstance(field, models.DateTimeField):
        inner = _datetime
    elif isinstance(field, models.DateField):
        inner = _date
    elif isinstance(field, models.JSONField):
        inner = clean_json
    elif isinstance(field, models.CharField | models.TextField):
        choices = tuple(str(k) for k, _label in field.flatchoices) if field.choices else ()
        inner = _text(text_max_length(field), choices, bool(field.blank))
    else:
        inner = _same
    if field.name in RANGES and isinstance(field, models.FloatField | models.IntegerField | models.DecimalField):
        inner = _ranged(inner, *RANGES[field.name])
    null = bool(field.null)

    def check(value: Any) -> Any:
        if value is None:
            if null:
                return None
            raise CleanError(_("falta un valor"))
        return inner(value)

    return check


def text_max_length(field: models.CharField | models.TextField) -> int:
    """The most characters a text field holds: its own ``max_length``, or (a text field without one: notes,
    explanations, verdicts, reasons) ``VEEDURIA_TEXT_MAX_CHARS`` (docs/limits.md)."""
    from django.conf import settings

    return int(field.max_length or settings.TEXT_MAX_CHARS)


def _same(value: Any) -> Any:
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise CleanError(_("se espera true o false, no %(value)s") % {"value": repr(value)})
    return value


def _not_finite(value: Any) -> CleanError:
    return CleanError(_("%(value)s no es un número finito") % {"value": repr(value)})


def _out_of_range(value: Any, low: float, high: float) -> CleanError:
    return CleanError(
        _("%(value)s está fuera del rango admitido (%(low)s a %(high)s)") % {"value": value, "low": low, "high": high}
    )


def _number(value: Any) -> Decimal:
    """A finite number from an int, float, Decimal or numeric text."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise CleanError(_("se espera un número, no %(value)s") % {"value": repr(value)})
    if isinstance(value, float) and not math.isfinite(value):
        raise _not_finite(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise CleanError(_("se espera un número, no %(value)s") % {"value": repr(value)}) from None
    if not number.is_finite():
        raise _not_finite(value)
    return number


def _decimal(max_digits: int, places: int) -> Checker:
    whole = max_digits - places
    quantum = Decimal(1).scaleb(-places)
    #: below this, a number with at most ``places`` decimals fits every limit (the importers' common case)
    fast = Decimal(10) ** max(0, min(whole, SIGNIFICANT_DIGITS - places))

    def check(value: Any) -> Decimal:
        number = value if type(value) is Decimal else _number(value)
        if not number.is_finite():
            raise _not_finite(value)
        if -fast < number < fast and number.quantize(quantum) == number:
            return number
        if number and number.adjusted() >= whole:
            raise CleanError(
                _("%(value)s tiene más de %(n)d cifras antes del punto decimal") % {"value": value, "n": whole}
            )
        _sign, digits, exponent = number.as_tuple()
        if isinstance(exponent, int) and exponent < -places:
            with localcontext() as ctx:
                ctx.prec = max_digits + 2
                rounded = number.quantize(quantum)
            if rounded != number:
                raise CleanError(_("%(value)s tiene más de %(n)d decimales") % {"value": value, "n": places})
            number = rounded
            _sign, digits, exponent = number.as_tuple()
        significant = len("".join(map(str, digits)).rstrip("0"))
        if significant > SIGNIFICANT_DIGITS:
            raise CleanError(
                _("%(value)s tiene más de %(n)d cifras significativas (SQLite no guarda más)")
                % {"value": value, "n": SIGNIFICANT_DIGITS}
            )
        return number

    return check


def _float(value: Any) -> float:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _not_finite(value)
        return value
    return float(_number(value))


def _integer(low: int, high: int) -> Checker:
    def check(value: Any) -> int:
        if type(value) is not int:
            number = _number(value)
            if number != number.to_integral_value():
                raise CleanError(_("%(value)s no es un número entero") % {"value": repr(value)})
            value = int(number)
        if not low <= value <= high:
            raise _out_of_range(value, low, high)
        return value

    return check


def _ranged(inner: Checker, low: float, high: float) -> Checker:
    def check(value: Any) -> Any:
        value = inner(value)
        if not low <= value <= high:
            raise _out_of_range(value, low, high)
        return value

    return check


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise CleanError(_("se espera una fecha, no %(value)s") % {"value": repr(value)})
    return value


def _datetime(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise CleanError(_("se espera una fecha con hora, no %(value)s") % {"value": repr(value)})
    return value


def _text(max_length: int | None, choices: tuple[str, ...], blank: bool) -> Checker:
    allowed = set(choices) | ({""} if blank else set())

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise CleanError(_("se espera un texto, no %(type)s") % {"type": type(value).__name__})
        if "\x00" in value:
            raise CleanError(_("contiene un carácter nulo (NUL)"))
        if max_length is not None and len(value) > max_length:
            raise CleanError(_("tiene más de %(n)d caracteres") % {"n": max_length})
        if choices and value not in allowed:
            raise CleanError(
                _("%(value)s no es uno de: %(choices)s") % {"value": repr(value), "choices": ", ".join(choices)}
            )
        return value

    return check


def clean_json(value: Any) -> Any:
    """A value JSON can hold on every database: finite numbers, text without NUL, string keys."""
    if isinstance(value, float) and not math.isfinite(value):
        raise _not_finite(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_finite(value)
    elif isinstance(value, str):
        if "\x00" in value:
            raise CleanError(_("contiene un carácter nulo (NUL)"))
    elif isinstance(value, list | tuple):
        for item in value:
            clean_json(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            clean_json(str(key))
            clean_json(item)
    return value


# ------------------------------------------------------------------------------------------ records


def check_fields(model: type[models.Model], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every field of ``values`` (by name or attname) that its model field cannot hold, as (field, message)."""
    errors = []
    for name, value in values.items():
        field = _field(model, name)
        if field is None:
            continue
        try:
            checker(field)(value)
        except CleanError as exc:
            errors.append((field.name, str(exc)))
    return errors


def check_record(
    model: type[models.Model], values: Mapping[str, Any], *, labels: bool = False
) -> list[tuple[str, str]]:
    """The broken :data:`CROSS_RULES` of one record's ``values``, as (later field, message), one per field.

    Fields missing from ``values`` or empty are not compared; a date's precision (``<stem>_precision``) is read
    from ``values`` when present, else taken as day. ``labels``: name the other field by its label (forms)
    instead of its key (files)."""
    errors: dict[str, str] = {}
    for first, _op, second in CROSS_RULES.get(model, ()):
        a, b = values.get(first), values.get(second)
        if a is None or b is None or second in errors:
            continue
        other = _label(model, first) if labels else first
        if isinstance(a, dt.date) and isinstance(b, dt.date):
            latest = period_end(b, values.get(precision_field(model, second) or "", "day"))
            if latest is not None and latest < a:
                errors[second] = _("%(value)s es anterior a %(other)s (%(other_value)s)") % {
                    "value": b,
                    "other": repr(other),
                    "other_value": a,
                }
        elif isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal) and b < a:
            errors[second] = _("%(value)s es menor que %(other)s (%(other_value)s)") % {
                "value": b,
                "other": repr(other),
                "other_value": a,
            }
    return list(errors.items())


def _label(model: type[models.Model], name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None else name


def period_end(day: dt.date, precision: Any) -> dt.date | None:
    """The last day a date of ``precision`` may mean (``None``: unknown precision, not comparable)."""
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision in ("day", "", None):
        return day
    return None


@lru_cache(maxsize=512)
def precision_field(model: type[models.Model], name: str) -> str | None:
    """The field storing the precision of date field ``name`` (``start_date`` → ``start_precision``)."""
    field = _field(model, name)
    return None if field is None else precision_partner(model, field)


def _field(model: type[models.Model], name: str) -> models.Field | None:
    return _fields(model).get(name)


@lru_cache(maxsize=128)
def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    out: dict[str, models.Field] = {}
    for f in model._meta.concrete_fields:
        out[f.name] = f  # type: ignore[assignment]
        out[f.attname] = f  # type: ignore[assignment]
    return out


def rule_fields(model: type[models.Model]) -> Iterable[str]:
    """The fields that take part in a cross rule of ``model`` (with their precision fields)."""
    for first, _op, second in CROSS_RULES.get(model, ()):
        for name in (first, second):
            yield name
            if (p := precision_field(model, name)) is not None:
                yield p


__all__ = [
    "CROSS_RULES",
    "INT_RANGES",
    "RANGES",
    "CleanError",
    "check_fields",
    "check_record",
    "checker",
    "clean_field",
    "clean_json",
    "field_checker",
    "period_end",
    "precision_field",
    "text_max_length",
]
