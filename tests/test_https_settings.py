"""HTTPS settings: off by default; with VEEDURIA_HTTPS, secure cookies and HSTS; the proxy's scheme header
trusted only when named; editors' passwords checked by the validators."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


def _settings(**env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VEEDURIA_") or k == "VEEDURIA_DATA_DIR"}
    clean.update(env, DJANGO_SETTINGS_MODULE="veeduria.settings")
    code = (
        "import json; from veeduria import settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True)
    keys = ("session_secure", "csrf_secure", "hsts", "proxy_header")
    return dict(zip(keys, json.loads(out.stdout), strict=True))


def test_plain_http_by_default() -> None:
    assert _settings() == {"session_secure": False, "csrf_secure": False, "hsts": 0, "proxy_header": None}


def test_https_turns_on_secure_cookies_and_hsts() -> None:
    on = _settings(VEEDURIA_HTTPS="1", VEEDURIA_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert on == {
        "session_secure": True,
        "csrf_secure": True,
        "hsts": 31536000,
        "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    assert _settings(VEEDURIA_SECURE_COOKIES="true")["hsts"] == 31536000  # the former name still works


@pytest.mark.parametrize("weak", ["1", "password1234", "123456789012", "veeduria"])
def test_weak_passwords_are_refused(weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_a_long_uncommon_password_passes() -> None:
    validate_password("rio-ucayali-lancha-1987-verde")
