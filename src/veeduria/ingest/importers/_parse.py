"""Value parsers shared by the importers. Each returns ``None`` for an empty value and raises
``ValueError`` with a short reason for a value it cannot read."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

EMPTY = {"", "na", "n/a", "nan", "null", "none", "-"}
_NUMBER = re.compile(r"^\s*(-)?\s*\$?\s*(-)?\s*(\d[\d,]*(?:\.\d+)?|\.\d+)(.*)$", re.S | re.ASCII)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_ISO_PARTIAL = re.compile(r"^(\d{4})-(\d{2}|xx|XX)-(\d{2}|xx|XX)$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _not_a_number(value: Any) -> str:
    return _("%(value)s no es un número") % {"value": repr(value)}


def not_iso3(text: str) -> str:
    """The reason given for a value that is not a country code."""
    return _("%(value)s no es un código ISO 3166-1 alfa-3") % {"value": repr(text)}


def _not_a_valid_date(text: str) -> str:
    return _("%(value)s no es una fecha válida") % {"value": repr(text)}


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in EMPTY)


def number(value: Any, *, allow_residue: bool = False) -> tuple[Decimal | None, str]:
    """A number written ``22660``, ``$22,660``, ``3.5``; returns the number and any trailing text
    (only allowed when ``allow_residue``: scrape artefacts such as ``26 URUGUAY``)."""
    if type(value) is str:
        plain = value.lstrip("$").replace(",", "")
        if plain.isascii() and plain.isdigit():  # fast path: "22660", "$22,660" (not "²" or "٣")
            return Decimal(plain), ""
    if is_empty(value):
        return None, ""
    if isinstance(value, bool):
        raise ValueError(_not_a_number(value))
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            raise ValueError(_("%(value)s no es un número finito") % {"value": repr(value)})
        return Decimal(str(value)), ""
    text = str(value).strip()
    plain = text.lstrip("$").replace(",", "")
    if plain.isascii() and plain.isdigit():  # fast path: "22660", "$22,660"
        return Decimal(plain), ""
    if text == "$":
        return None, ""
    match = _NUMBER.match(text)
    if not match:
        raise ValueError(_not_a_number(text))
    sign = "-" if (match.group(1) or match.group(2)) else ""
    digits, residue = match.group(3).replace(",", ""), match.group(4).strip()
    if residue and not allow_residue:
        raise ValueError(_not_a_number(text))
    try:
        return Decimal(sign + digits), residue
    except InvalidOperation:
        raise ValueError(_not_a_number(text)) from None


def count(value: Any, *, allow_residue: bool = False) -> tuple[int | None, str]:
    """A non-negative whole number."""
    if type(value) is str and value.isascii() and value.isdigit():  # fast path
        return int(value), ""
    num, residue = number(value, allow_residue=allow_residue)
    if num is None:
        return None, residue
    if num < 0:
        raise ValueError(_("cantidad negativa %(value)s") % {"value": repr(value)})
    if num != num.to_integral_value():
        raise ValueError(_("%(value)s no es un número entero") % {"value": repr(value)})
    return int(num), residue


def money(value: Any, *, allow_residue: bool = False, places: int = 2) -> tuple[Decimal | None, str]:
    """An amount rounded to ``places`` decimals (a number too large to round is returned as it is: the
    field's check in :mod:`veeduria.evidence.cleaning` rejects it with the limit it exceeds)."""
    num, residue = number(value, allow_residue=allow_residue)
    if num is None:
        return None, residue
    if num.adjusted() > _ROUNDABLE:
        return num, residue
    return num.quantize(_quantum(places)), residue


#: the largest power of ten :func:`money` rounds within the default 28-digit decimal context
_ROUNDABLE = 20


@lru_cache(maxsize=16)
def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def year_from_two_digits(yy: int) -> int:
    return 2000 + yy if yy < 50 else 1900 + yy


def us_date(value: Any) -> dt.date | None:
    """``m/d/yyyy`` or ``m/d/yy`` (US order), or a date cell."""
    if type(value) is str:
        return _us_date_text(value)
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _us_date_text(str(value))


@lru_cache(maxsize=8192)
def _us_date_text(value: str) -> dt.date | None:
    """Dates repeat a lot in a file: parsed once each (bounded cache)."""
    if is_empty(value):
        return None
    text = value.strip()
    match = _US_DATE.match(text)
    if not match:
        raise ValueError(_("%(value)s no es una fecha (se esperaba m/d/aaaa)") % {"value": repr(text)})
    month, day, year = int(match.group(1)), int(match.group(2)), match.group(3)
    yyyy = year_from_two_digits(int(year)) if len(year) == 2 else int(year)
    try:
        return dt.date(yyyy, month, day)
    except ValueError:
        raise ValueError(_not_a_valid_date(text)) from None


def dmy_date(value: Any) -> dt.date | None:
    """``dd/mm/yyyy`` (Spanish order), or a date cell."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _DMY.match(text)
    if not match:
        raise ValueError(_("%(value)s no es una fecha (se esperaba dd/mm/aaaa)") % {"value": repr(text)})
    try:
        return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        raise ValueError(_not_a_valid_date(text)) from None


def partial_date(value: Any) -> tuple[dt.date | None, str]:
    """A free-form date keeping its precision: ``10/12/96`` (day), ``2002-09-xx`` (month),
    ``2002-xx-xx`` (year). Returns the date (first day of the period) and the precision."""
    if is_empty(value):
        return None, "unknown"
    text = str(value).strip()
    match = _ISO_PARTIAL.match(text)
    if match:
        year, month, day = match.groups()
        try:
            if month.lower() == "xx":
                return dt.date(int(year), 1, 1), "year"
            if day.lower() == "xx":
                return dt.date(int(year), int(month), 1), "month"
            return dt.date(int(year), int(month), int(day)), "day"
        except ValueError:
            raise ValueError(_not_a_valid_date(text)) from None
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 1, 1), "year"
    return us_date(text), "day"


def slug(*parts: Any, max_length: int = 120) -> str:
    text = slugify("-".join(str(p) for p in parts if p not in (None, ""))).replace("_", "-")
    return text[:max_length].strip("-")


def key_hash(*parts: Any, length: int = 12) -> str:
    """A short stable hash of a natural key."""
    return text_hash("\x1f".join("" if p is None else str(p) for p in parts), length)


def text_hash(raw: str, length: int = 12) -> str:
    """:func:`key_hash` of parts already joined with ``\\x1f`` (``None`` written as ``''``)."""
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()[:length]
