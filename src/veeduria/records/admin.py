"""Admin for every record type: citations and alternative values inline, an authorization's limits inline,
a revision with the editor's reason on every save, withdrawal instead of deletion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import HttpRequest

from veeduria.evidence.admin import AlternativeValueInline, CitationInline, RevisionedAdmin, RevisionForm
from veeduria.evidence.cleaning import check_fields, check_record
from veeduria.evidence.models import Record
from veeduria.records import models as m
from veeduria.records.queries import search_fields
from veeduria.records.registry import RECORD_TYPES, RecordType


class RecordForm(RevisionForm):
    """The record form: the model's checks (:meth:`Record.clean_fields`, :meth:`Record.clean`) as errors of
    the fields shown, or of the whole form for a field that is not."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            moved: dict[str, list[Any]] = {}
            for name, messages in errors.error_dict.items():
                key = name if name == NON_FIELD_ERRORS or name in self.fields else NON_FIELD_ERRORS
                moved.setdefault(key, []).extend(messages)
            errors = ValidationError(moved)
        super()._update_errors(errors)  # type: ignore[misc]  # not declared in django-stubs


class ChildForm(forms.ModelForm):
    """A child row of a record (an authorized period, a head count): the limits and cross-field rules of
    :mod:`~veeduria.evidence.cleaning` on the values entered."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        model = self._meta.model
        valid = {k: v for k, v in data.items() if k in self.fields and k not in self.errors}
        for name, message in [*check_fields(model, valid), *check_record(model, valid, labels=True)]:
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class _ChildInline(admin.TabularInline):
    extra = 0
    form = ChildForm

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # a removed row is a change of the authorization, kept in its revision
        return self.has_change_permission(request, obj)


class PersonnelInline(_ChildInline):
    model = m.AuthorizedPersonnel
    autocomplete_fields = ["country"]


class ItemInline(_ChildInline):
    model = m.AuthorizedItem


class PlaceInline(_ChildInline):
    model = m.AuthorizedPlace
    autocomplete_fields = ["facility"]


class PeriodInline(_ChildInline):
    model = m.AuthorizedPeriod


def _is_record(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, Record)


def admin_class(rt: RecordType) -> type[RevisionedAdmin]:
    """A ``ModelAdmin`` for one record type, built from the registry."""
    model: Any = rt.model
    opts = model._meta
    relations = [
        f.name
        for f in [*opts.concrete_fields, *opts.many_to_many]
        if isinstance(f, models.ForeignKey | models.ManyToManyField) and _is_record(f.related_model)
    ]
    list_display = [f for f in rt.list_fields if not isinstance(opts.get_field(f), models.ManyToManyField)]
    list_filter: list[Any] = ["status", "reliability"]
    for name in (rt.kind_field, rt.country_field):
        if name and name not in list_filter:
            list_filter.append(name)
    inlines: list[Any] = [CitationInline, AlternativeValueInline]
    if model is m.Authorization:
        inlines = [PersonnelInline, ItemInline, PlaceInline, PeriodInline, *inlines]
    attrs: dict[str, Any] = {
        "__module__": __name__,
        "list_display": ["id", *list_display, "status", "reliability"],
        "list_filter": list_filter,
        "search_fields": search_fields(rt),
        "autocomplete_fields": relations,
        "list_select_related": list(rt.select_related),
        "inlines": inlines,
        "form": RecordForm,
        "show_full_result_count": False,
        "list_per_page": 50,
    }
    date_field = (
        rt.year_field if rt.year_field and isinstance(opts.get_field(rt.year_field), models.DateField) else None
    )
    if date_field:
        attrs["date_hierarchy"] = date_field
    return type(f"{model.__name__}Admin", (RevisionedAdmin,), attrs)


for _rt in RECORD_TYPES:
    admin.site.register(_rt.model, admin_class(_rt))
