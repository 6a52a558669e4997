"""Editors' API tokens: the secret is shown once at creation and only its SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: characters of the secret kept in clear, to tell tokens apart in the admin
PREFIX_LENGTH = 8


def digest(secret: str) -> str:
    """The SHA-256 of a secret, in hex: what is stored and compared."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A fresh random secret (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """An editor's token for writing through the API; revoked, never deleted."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("titular")
    )
    name = models.CharField(_("nombre"), max_length=100, help_text=_("para qué sirve, p. ej. «importación diaria»"))
    prefix = models.CharField(_("prefijo"), max_length=PREFIX_LENGTH, editable=False, db_index=True)
    secret_hash = models.CharField(_("SHA-256 del secreto"), max_length=64, editable=False, unique=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("vence"), null=True, blank=True, help_text=_("vacío = no vence"))
    revoked_at = models.DateTimeField(_("revocado"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("token de la API")
        verbose_name_plural = _("tokens de la API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def issue(self) -> str:
        """Give the token a new secret (kept as its hash) and return it: the only time it is seen."""
        secret = new_secret()
        self.prefix, self.secret_hash = secret[:PREFIX_LENGTH], digest(secret)
        return secret

    def matches(self, secret: str) -> bool:
        """Whether ``secret`` is this token's, compared in constant time."""
        return secrets.compare_digest(self.secret_hash, digest(secret))

    def problem(self) -> str:
        """Why the token cannot be used now (in English, the API's language), or empty."""
        now = timezone.now()
        if self.revoked_at is not None:
            return f"the token {self.prefix}… was revoked on {self.revoked_at:%Y-%m-%d %H:%M} UTC"
        if self.expires_at is not None and self.expires_at <= now:
            return f"the token {self.prefix}… expired on {self.expires_at:%Y-%m-%d %H:%M} UTC"
        if not self.owner.is_active:
            return f"the owner of the token {self.prefix}… is not an active account"
        return ""

    @property
    def author(self) -> str:
        """How its writes are signed in the history: ``username (token name)``."""
        return f"{self.owner.get_username()} ({self.name})"
