"""The "cite this" block of a record page: the record cited as a web page in APA style (7th edition), in Spanish
and in English, with the date of its last change, the date accessed (today) and its permanent address (a record's
id never changes; a merged id redirects to its survivor); and the address of its JSON in the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from veeduria.portal import display
from veeduria.records.registry import RecordType

#: the name of the citation style, shown with the block
STYLE = gettext_lazy("APA (7.ª ed.)")
AUTHOR = "Veeduría"


@dataclass
class Reference:
    """One citation in one language, in parts (the title is set in italics)."""

    lang: str
    author: str
    date: str
    title: str
    title_lang: str  #: the language of the title when it is not ``lang`` (a title known in one language only)
    description: str
    retrieved: str
    url: str

    @property
    def text(self) -> str:
        """The citation as plain text."""
        return f"{self.author}. ({self.date}). {self.title} [{self.description}]. {self.retrieved} {self.url}"


@dataclass
class Cite:
    style: str
    accessed: dt.date
    url: str
    json_url: str
    references: list[Reference]


def _day_month(d: dt.date, lang: str) -> str:
    """APA's date of a web page: "2026, November 30" / "2026, 30 de noviembre"."""
    return dateformat.format(d, r"Y, F j" if lang == "en" else r"Y, j \d\e F")


def _long_date(d: dt.date, lang: str) -> str:
    return dateformat.format(d, r"F j, Y" if lang == "en" else r"j \d\e F \d\e Y")


def title_in(obj: Any, lang: str) -> tuple[str, str]:
    """The record's title in ``lang`` and, when it is only known in the other language, that language."""
    base = getattr(obj, "title_field", "name")
    names = {f.name for f in type(obj)._meta.concrete_fields}
    if f"{base}_es" in names and f"{base}_en" in names:
        mine = getattr(obj, f"{base}_{lang}", "") or ""
        if not mine:
            other = "en" if lang == "es" else "es"
            theirs = getattr(obj, f"{base}_{other}", "") or ""
            if theirs:
                return theirs, other
    return display.title_of(obj), ""


def reference(request: HttpRequest, obj: Any, rt: RecordType, lang: str, accessed: dt.date) -> Reference:
    with override(lang):
        title, title_lang = title_in(obj, lang)
        updated = getattr(obj, "updated_at", None)
        path = reverse(f"portal:{rt.key}-detail", kwargs={"pk": obj.pk})
        return Reference(
            lang=lang,
            author=AUTHOR,
            date=_day_month(timezone.localdate(updated), lang) if updated else _("s. f."),
            title=title,
            title_lang=title_lang,
            description=capfirst(str(rt.model._meta.verbose_name)),
            retrieved=_("Recuperado el %(date)s, de") % {"date": _long_date(accessed, lang)},
            url=request.build_absolute_uri(path),
        )


def json_path(rt: RecordType, pk: str) -> str:
    """The API address of a record (``/api/v1/records/TYPE/ID``), whichever way the API names its route."""
    for name, kwargs in (
        (f"api:get-{rt.key}", {"record_id": pk}),
        ("api:record_detail", {"type_key": rt.key, "record_id": pk}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return f"/api/v1/records/{rt.key}/{quote(pk)}"


def cite(request: HttpRequest, obj: Any, rt: RecordType, lang: str) -> Cite:
    """The block for ``obj``: the reference in the reader's language first, then in the other one."""
    accessed = timezone.localdate()
    other = "en" if lang == "es" else "es"
    refs = [reference(request, obj, rt, code, accessed) for code in (lang, other)]
    return Cite(str(STYLE), accessed, refs[0].url, request.build_absolute_uri(json_path(rt, obj.pk)), refs)


#: fields that summarise a record, read when its title is only known in the other language
SUMMARY_FIELDS = ("summary", "purpose")


def summary_in(obj: Any, lang: str) -> str:
    """The record's summary (or purpose) written in ``lang``, else ""."""
    for base in SUMMARY_FIELDS:
        text = getattr(obj, f"{base}_{lang}", "") or ""
        if text:
            return str(text)
    return ""
