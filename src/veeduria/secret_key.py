"""The secret key's file and the refusal to serve without a lasting key (see ``settings._secret_key``)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING = (
    "VEEDURIA_SECRET_KEY is not set and {file} does not exist: set VEEDURIA_SECRET_KEY, or run "
    "`veeduria secret-key --write` (or `veeduria init`) to write a new key to that file"
)


def new_key() -> str:
    """A new random key (67 URL-safe characters)."""
    return secrets.token_urlsafe(50)


def write_key_file(path: Path | None = None) -> bool:
    """Write a new key to ``path`` (the settings' key file) readable by its owner only, unless it exists; whether
    one was written."""
    path = path or settings.SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(new_key() + "\n")
    return True


def require_lasting_key() -> None:
    """Refuse to serve with a key of this process only (unless debugging), naming the variable to set."""
    if settings.SECRET_KEY_IS_EPHEMERAL and not settings.DEBUG:
        raise ImproperlyConfigured(MISSING.format(file=settings.SECRET_KEY_FILE))
