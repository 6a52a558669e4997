"""How field values are shown on portal pages: display labels, dates with their precision, links."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, formats
from django.utils.translation import gettext as _

from veeduria.evidence.models import Precision, Record, Source, Status, localized
from veeduria.portal import labels
from veeduria.records.registry import BY_MODEL, RecordType

_LANG_SUFFIX = re.compile(r"\s*\((es|en)\)\s*$")


@dataclass
class Value:
    """A value ready for a template: text, an optional link, or a list of linked values."""

    text: str = ""
    href: str | None = None
    items: list[Value] = field(default_factory=list)
    long: bool = False
    lang: str = ""  #: set when the text is in the other language (fallback)

    @property
    def empty(self) -> bool:
        return not self.text and not self.items


def record_type_of(obj_or_model: Any) -> RecordType | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return BY_MODEL.get(model)


def record_url(obj: Any) -> str | None:
    """The portal URL of a record or a source in the active language."""
    try:
        if isinstance(obj, Source):
            return reverse("portal:source-detail", kwargs={"pk": obj.pk})
        rt = record_type_of(obj)
        if rt is None:
            return None
        return reverse(f"portal:{rt.key}-detail", kwargs={"pk": obj.pk})
    except NoReverseMatch:
        return None


def list_url(rt: RecordType) -> str:
    return reverse(f"portal:{rt.key}-list")


def value_field(f: Any) -> Any:
    """The field whose type a value has: a generated field's output field, else ``f`` itself."""
    return f.output_field if getattr(f, "generated", False) else f


def title_of(obj: Any) -> str:
    return labels.coded_title(obj) or str(getattr(obj, "title", None) or obj)


def link(obj: Any) -> Value:
    return Value(text=title_of(obj), href=record_url(obj))


def format_date(value: dt.date | None, precision: str | None = Precision.DAY) -> str:
    """A date shown with its precision: "3 de mayo de 2023", "mayo 2023", "2023"."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return dateformat.format(value, "F Y")
    if precision == Precision.UNKNOWN:
        return _("%(year)s (fecha imprecisa)") % {"year": value.year}
    return formats.date_format(value, "DATE_FORMAT")


def precision_field(model: type[models.Model], name: str) -> str | None:
    """The field holding the precision of date field ``name`` (``signed_on`` → ``signed_precision``)."""
    names = {f.name for f in model._meta.concrete_fields}
    base = re.sub(r"_(on|date)$", "", name)
    candidate = f"{base}_precision"
    return candidate if candidate in names else None


def base_label(f: Any) -> str:
    """A field's label without its language suffix: "título (es)" → "título"."""
    return _LANG_SUFFIX.sub("", str(f.verbose_name))


def format_number(value: Any) -> str:
    if isinstance(value, decimal.Decimal) and value == value.to_integral():
        value = int(value)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("sí") if value else _("no")


def field_value(obj: Any, f: Any) -> Value:
    """The display value of concrete or many-to-many field ``f`` of ``obj``."""
    if f.many_to_many:
        return Value(items=[link(o) for o in getattr(obj, f.name).all()])
    if isinstance(f, models.ForeignKey):
        related = getattr(obj, f.name)
        return link(related) if related is not None else Value()
    raw = getattr(obj, f.attname)
    if raw is None or raw == "":
        return Value()
    name = f.name
    f = value_field(f)
    if f.choices:
        return Value(text=str(dict(f.choices).get(raw, raw)))
    code = labels.code_label(obj, name, raw)
    if code is not None:
        return Value(text=code)
    if isinstance(f, models.BooleanField):
        return Value(text=yes_no(raw))
    if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
        prec = precision_field(type(obj), name)
        text = format_date(raw, getattr(obj, prec) if prec else Precision.DAY)
        stem = name.removesuffix("_date")
        basis = getattr(obj, f"{stem}_basis", "")  # the date of the decision taken from another date
        if basis and basis != "approved":
            text += f" ({getattr(obj, f'get_{stem}_basis_display')()})"
        return Value(text=text)
    if isinstance(f, models.DateTimeField):
        return Value(text=formats.date_format(raw, "DATETIME_FORMAT"))
    if isinstance(f, models.URLField):
        return Value(text=raw, href=raw)
    if isinstance(f, models.IntegerField | models.DecimalField | models.FloatField) and name not in {"year", "month"}:
        return Value(text=format_number(raw))
    return Value(text=str(raw), long=isinstance(f, models.TextField))


def localized_value(obj: Any, f_es: Any, lang: str) -> Value:
    """The value of a bilingual pair in the active language, falling back to the other one."""
    base = f_es.name[: -len("_es")]
    other = "en" if lang == "es" else "es"
    mine = getattr(obj, f"{base}_{lang}", "") or ""
    if mine:
        return Value(text=str(mine), long=isinstance(f_es, models.TextField))
    theirs = getattr(obj, f"{base}_{other}", "") or ""
    return Value(text=str(theirs), long=isinstance(f_es, models.TextField), lang=other if theirs else "")


def is_record_status(model: type[models.Model]) -> bool:
    """Whether ``status`` is the publication status (and not, as for agreements, a domain status)."""
    try:
        f = model._meta.get_field("status")
    except Exception:
        return False
    return Status.WITHDRAWN in {c[0] for c in (getattr(f, "choices", None) or [])}


def is_withdrawn(obj: Any) -> bool:
    return getattr(obj, "status", None) == Status.WITHDRAWN


def cell(obj: Any, rt: RecordType, name: str, lang: str) -> Value:
    """One list-page cell."""
    model: Any = rt.model
    f = model._meta.get_field(name)
    if name.endswith("_es") and f"{name[:-3]}_en" in {x.name for x in model._meta.concrete_fields}:
        return localized_value(obj, f, lang)
    return field_value(obj, f)


def column_label(rt: RecordType, name: str) -> str:
    return base_label(rt.model._meta.get_field(name))


def is_record(obj: Any) -> bool:
    return isinstance(obj, Record)


def title_localized(obj: Any, base: str) -> str:
    return localized(obj, base)
