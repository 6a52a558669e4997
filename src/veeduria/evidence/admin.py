"""Admin for sources and the pieces every record admin shares: citation and alternative-value inlines,
a revision written on every save (with the editor's reason), no deletion and a "withdraw" action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from veeduria.evidence.models import AlternativeValue, Citation, Record, Revision, Source, Status
from veeduria.evidence.precedence import CURATED
from veeduria.evidence.revisions import record_change, snapshot, withdraw
from veeduria.evidence.writes import apply_links, apply_values

REASON_FIELD = "revision_reason"


class RevisionForm(forms.ModelForm):
    """A model form with the editor's reason for the change, required when editing an existing record."""

    revision_reason = forms.CharField(
        label=_("motivo del cambio"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("Obligatorio al modificar un registro; queda en el historial público."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance._state.adding and not (data.get(REASON_FIELD) or "").strip():
            self.add_error(REASON_FIELD, _("Indique el motivo del cambio."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("motivo del retiro"), widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))


def _has_publication_status(model: type[Model]) -> bool:
    field: Any = model._meta.get_field("status")
    return Status.WITHDRAWN in {c[0] for c in (field.choices or [])}


@admin.action(description=_("Retirar los registros seleccionados (pide un motivo)"), permissions=["change"])
def withdraw_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    """Ask for a reason, then withdraw each selected record through :func:`revisions.withdraw`."""
    form = WithdrawForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        author = request.user.get_username()
        done = 0
        for obj in queryset:
            if obj.status != Status.WITHDRAWN:
                withdraw(obj, reason=form.cleaned_data["reason"], author=author)
                done += 1
        modeladmin.message_user(
            request,
            ngettext("%(n)d registro retirado.", "%(n)d registros retirados.", done) % {"n": done},
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Retirar registros"),
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "action": "withdraw_selected",
    }
    return TemplateResponse(request, "admin/veeduria/withdraw.html", context)


class RevisionedAdmin(admin.ModelAdmin):
    """Every save writes a revision: snapshot before the form touches the object, diff after the inlines
    and many-to-many fields are saved. Records cannot be deleted, only withdrawn."""

    form = RevisionForm
    actions = [withdraw_selected]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            befores = getattr(request, "_veeduria_before", {})
            befores[str(obj.pk)] = snapshot(obj)
            request._veeduria_before = befores  # type: ignore[attr-defined]
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """An editor's values go through the one write path: a replaced value that an import stated is kept as
        an alternative value with its source (an editor's values replace editors' values; the revision keeps
        those)."""
        if change and isinstance(obj, Record):
            stored = type(obj)._default_manager.get(pk=obj.pk)
            edited = {
                f.attname: getattr(obj, f.attname)
                for f in obj._meta.concrete_fields
                if not f.primary_key and not getattr(f, "generated", False) and f.name in form.changed_data
            }
            apply_values(stored, edited, origin=CURATED, save=False)  # the form saves the editor's values below
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        obj = form.instance
        if change and isinstance(obj, Record):
            for m2m in obj._meta.many_to_many:
                if m2m.name in form.changed_data:
                    current = [str(pk) for pk in getattr(obj, m2m.name).values_list("pk", flat=True)]
                    wanted = [str(o.pk) for o in form.cleaned_data.get(m2m.name) or []]
                    apply_links(obj, m2m.name, current, wanted, origin=CURATED)
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_veeduria_before", {}).get(str(obj.pk)) if change else None
        reason = (form.cleaned_data.get(REASON_FIELD) or "").strip()
        if not change and not reason:
            reason = str(_("creado en la administración"))
        record_change(obj, before, author=request.user.get_username(), reason=reason)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def view_on_site(self, obj: Any) -> str | None:  # type: ignore[override]
        """The record's public page ("view on site" button)."""
        from veeduria.portal.display import record_url

        return record_url(obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not _has_publication_status(self.model):
            actions.pop("withdraw_selected", None)
        return actions


class _LinkInline(GenericTabularInline):
    ct_fk_field = "object_id"
    extra = 0
    autocomplete_fields = ["source"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # removing a citation is a change of the record, kept in the record's revision
        return self.has_change_permission(request, obj)


class CitationInline(_LinkInline):
    model = Citation
    fields = ["field", "source", "locator", "quote", "note", "document", "page"]
    autocomplete_fields = ["source", "document"]


class AlternativeValueInline(_LinkInline):
    model = AlternativeValue
    fields = ["field", "value", "preferred", "source", "locator", "quote", "note"]


@admin.register(Source)
class SourceAdmin(RevisionedAdmin):
    list_display = ["title", "kind", "reliability", "published_on", "publisher", "status"]
    list_filter = ["kind", "reliability", "status", "language"]
    search_fields = ["id", "title", "publisher", "url"]
    date_hierarchy = "published_on"


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """The history, read-only: revisions are never edited."""

    list_display = ["created_at", "content_type", "object_id", "action", "author", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_id", "author", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
