"""Security headers on every kind of response (a page, the API, a 404, a static file), and ``manage check
--deploy`` clean under the documented production settings (README, "Security headers")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from veeduria import rate_limit
from veeduria.content_policy import policy_header

VEEDURIA = Path(sys.executable).parent / "veeduria"
#: the production environment the README documents
PRODUCTION = {
    "VEEDURIA_HTTPS": "1",
    "VEEDURIA_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "VEEDURIA_SECRET_KEY": "k7Qm2xV9pLr4Tz8Wn3Yb6Hc1Jd5Fg0Ks-a_long_random_production_key_for_the_test",
    "VEEDURIA_ALLOWED_HOSTS": "veeduria.example.org",
    "VEEDURIA_CSRF_TRUSTED_ORIGINS": "https://veeduria.example.org",
}


def _environment(tmp_path: Path, **env: str) -> dict[str, str]:
    """This process's environment without any VEEDURIA_ or DJANGO_ setting (the browser tests allow async-unsafe
    calls, which the deployment check refuses), a fresh data directory, and ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VEEDURIA_", "DJANGO_"))}
    clean.update(VEEDURIA_DATA_DIR=str(tmp_path), VEEDURIA_LANGUAGE="en", **env)
    return clean


def _check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    command = [str(VEEDURIA), "manage", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, env=_environment(tmp_path, **env), capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_under_the_documented_production_settings(tmp_path: Path) -> None:
    done = _check_deploy(tmp_path, **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_is_clean_behind_a_proxy_that_does_the_redirect(tmp_path: Path) -> None:
    """HTTPS without the proxy's scheme header: no redirect from the application (it would loop), W008 silenced."""
    env = {k: v for k, v in PRODUCTION.items() if k != "VEEDURIA_PROXY_SSL_HEADER"}
    done = _check_deploy(tmp_path, **env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_deploy_fails_on_plain_http(tmp_path: Path) -> None:
    """The check above can fail: without HTTPS the warnings (no HSTS, cookies sent over HTTP) stop it."""
    plain = _check_deploy(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != "VEEDURIA_HTTPS"})
    assert plain.returncode != 0
    assert "security.W004" in plain.stderr + plain.stdout


def _https_settings(tmp_path: Path, **env: str) -> list[Any]:
    code = (
        "import json; from veeduria import settings as s; print(json.dumps([s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SILENCED_SYSTEM_CHECKS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_environment(tmp_path, **env), capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout))


def test_redirect_to_https_only_when_the_proxy_header_is_named(tmp_path: Path) -> None:
    assert _https_settings(tmp_path) == [False, False, ["security.W021"]]
    assert _https_settings(tmp_path, **PRODUCTION) == [True, True, ["security.W021"]]
    no_header = {k: v for k, v in PRODUCTION.items() if k != "VEEDURIA_PROXY_SSL_HEADER"}
    assert _https_settings(tmp_path, **no_header) == [False, True, ["security.W021", "security.W008"]]


def _assert_headers(response: Any, where: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "img-src 'self' data:",
        "connect-src 'self'",
    ):
        assert directive in policy.split("; "), (where, directive, policy)
    assert "unsafe" not in policy, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), where


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/es/", 200),
        ("/en/authorizations/", 200),
        ("/api/v1/types", 200),
        ("/es/no-existe/", 404),
        ("/api/v1/records/authorizations/no-such-record", 404),
        ("/static/portal/portal.css", 200),
        ("/static/vendor/vega/vega-interpreter.js", 200),
    ],
)
def test_headers_on_every_kind_of_response(client: Any, db: Any, path: str, status: int) -> None:
    response = client.get(path)
    response.close()  # a static file is streamed from an open file
    assert response.status_code == status, path
    _assert_headers(response, path)


def test_the_admin_gets_the_same_policy_and_is_never_framed(client: Any, db: Any) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 200
    _assert_headers(response, "/admin/login/")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_on_https_requests_when_configured(client: Any, db: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    secure = client.get("/es/", secure=True)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/es/").headers  # never over plain HTTP


def test_policy_header_is_written_from_the_directives() -> None:
    assert policy_header({"default-src": "'self'", "upgrade-insecure-requests": ""}) == (
        "default-src 'self'; upgrade-insecure-requests"
    )


def test_the_policy_is_on_a_refused_request_too(
    client: Any, db: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outermost middleware: an answer made before the views (here the rate limit's 429) carries the policy."""
    monkeypatch.setattr(rate_limit, "now", lambda: 1_800_000_000.5)  # both requests in one window
    settings.RATE_LIMITS = {"api": "1/60", "forms": "1/60"}
    settings.RATE_LIMIT_STORE = str(tmp_path / "rate.sqlite3")
    client.get("/api/v1/types")
    refused = client.get("/api/v1/types")
    assert refused.status_code == 429
    assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]


def test_the_static_publication_s_nginx_example_sends_the_same_policy(settings: Any) -> None:
    example = (Path(__file__).resolve().parents[1] / "docs" / "publish.md").read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{policy_header(settings.CONTENT_SECURITY_POLICY)}" always;' in example
    assert f'add_header Permissions-Policy "{settings.PERMISSIONS_POLICY}" always;' in example
