"""Authentication of API writes: ``Authorization: Bearer <token>``, an editor's token created in the admin.

The token is looked up by its first characters and its SHA-256 compared in constant time; an unknown, revoked or
expired token, or none, is 401 (with ``WWW-Authenticate: Bearer``); a valid token whose owner may not change the
record type is 403. Reads need no token.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from veeduria.api.errors import ApiError
from veeduria.api.models import PREFIX_LENGTH, ApiToken

HOW = "writes need an editor's API token: Authorization: Bearer <token>"


def find_token(secret: str) -> ApiToken | None:
    """The token whose secret is ``secret`` (revoked or expired ones included), or None."""
    candidates = ApiToken.objects.select_related("owner").filter(prefix=secret[:PREFIX_LENGTH])
    return next((t for t in candidates if t.matches(secret)), None)


class TokenAuth(HttpBearer):
    """ninja's bearer authentication with the editors' tokens; ``request.auth`` is the :class:`ApiToken`."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        header = request.headers.get(self.header, "")
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "unauthorized", f"no bearer token: {HOW}")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = find_token(token) if len(token) >= PREFIX_LENGTH else None
        if found is None:
            raise ApiError(401, "invalid_token", f"unknown token: {HOW}")
        problem = found.problem()
        if problem:
            raise ApiError(401, "invalid_token", problem)
        found.last_used_at = timezone.now()
        found.save(update_fields=["last_used_at"])
        return found


def require_change(token: ApiToken, model: type[models.Model], what: str, action: str = "change") -> None:
    """403 unless the token's owner is staff and may ``action`` (``change`` or ``add``) records of ``model``
    (``what``: their type's name)."""
    opts = model._meta
    owner = token.owner
    if not owner.is_staff or not owner.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        raise ApiError(
            403,
            "forbidden",
            f"{owner.get_username()} may not {action} {what}: an editor's {action} permission is needed",
        )


token_auth = TokenAuth()


class TokenRefused(ValueError):
    """A token that cannot be created or revoked as asked; the message says why."""


def create_token(username: str, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token of an active staff account (as the admin allows), and its secret: the only time it is seen."""
    owner = get_user_model()._default_manager.filter(username=username).first()
    if owner is None:
        raise TokenRefused(_("no existe la cuenta %(user)s") % {"user": repr(username)})
    if not (owner.is_active and owner.is_staff):
        raise TokenRefused(_("%(user)s no es una cuenta activa del equipo (staff)") % {"user": repr(username)})
    if not name.strip():
        raise TokenRefused(_("el token necesita un nombre que diga para qué sirve"))
    token = ApiToken(owner=owner, name=name.strip(), expires_at=expires_at)
    secret = token.issue()
    token.save()
    return token, secret


def revoke_token(prefix: str) -> ApiToken:
    """Revoke the one unrevoked token whose secret starts with ``prefix``."""
    found = list(ApiToken.objects.filter(prefix=prefix[:PREFIX_LENGTH], revoked_at__isnull=True))
    if len(found) != 1:
        message = (
            _("ningún token vigente tiene el prefijo %(prefix)s")
            if not found
            else _("varios tokens tienen el prefijo %(prefix)s; revóquelos en la administración")
        )
        raise TokenRefused(message % {"prefix": repr(prefix)})
    token = found[0]
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
