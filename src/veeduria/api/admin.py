"""Editors' API tokens in the admin: created with the secret shown once, revoked by an action, never deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from veeduria.api.models import ApiToken

#: shown, never entered
READ_ONLY = ["prefix", "created_at", "last_used_at", "revoked_at"]


@admin.action(description=_("Revocar los tokens seleccionados"), permissions=["change"])
def revoke_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
    """Revoke each selected token not revoked yet: it stops working at once."""
    done = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    modeladmin.message_user(
        request, ngettext("%(n)d token revocado.", "%(n)d tokens revocados.", done) % {"n": done}, messages.SUCCESS
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Only the owner, name and expiry are entered; the secret is made on saving and shown once in a message.
    Who is not a superuser sees and creates only their own tokens."""

    list_display = ["name", "owner", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "owner__username"]
    actions = [revoke_selected]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        qs = super().get_queryset(request).select_related("owner")
        return qs if request.user.is_superuser else qs.filter(owner=request.user)  # type: ignore[misc]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["owner", "name", "expires_at"] if obj is None else ["owner", "name", *READ_ONLY, "expires_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else ["owner", *READ_ONLY]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner":
            owners = db_field.related_model._default_manager.filter(is_active=True, is_staff=True)
            kwargs["queryset"] = owners if request.user.is_superuser else owners.filter(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        secret = "" if change else obj.issue()
        super().save_model(request, obj, form, change)
        if secret:
            self.message_user(
                request,
                _("Token «%(name)s» creado. Su secreto, que no se mostrará otra vez (cópielo ahora): %(secret)s")
                % {"name": obj.name, "secret": secret},
                messages.WARNING,
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, not deleted: the history names the tokens that wrote
