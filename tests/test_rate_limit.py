"""Rate limits per client address (veeduria.rate_limit): 429 with Retry-After past the limit, per address, per
window, on the API (its JSON error shape) and on the portal's forms (a translated page); none when disabled."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import LazySettings as SettingsWrapper
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from tests.api.test_error_shape import assert_shape
from veeduria import rate_limit
from veeduria.rate_limit import Rate, SqliteStore, bucket_of, client_address, client_key, parse_rate

pytestmark = pytest.mark.django_db

API = "/api/v1/records/countries"
SEARCH_ES, SEARCH_EN = "/es/buscar/", "/en/search/"
#: a moment at the start of a 60-second window, so that the tests never cross into the next one by chance
T0 = 1_800_000_000 - 1_800_000_000 % 60


@pytest.fixture
def limited(settings: SettingsWrapper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """3 API requests and 2 form requests per 60 seconds, counted in a fresh store, the clock at :data:`T0`."""
    store = tmp_path / "rate-limits.sqlite3"
    settings.RATE_LIMITS = {"api": "3/60", "forms": "2/60"}
    settings.RATE_LIMIT_STORE = str(store)
    monkeypatch.setattr(rate_limit, "now", lambda: T0 + 0.5)
    return store


def test_the_api_answers_429_past_its_limit_in_its_error_shape(client: Client, limited: Path) -> None:
    assert [client.get(API).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(API)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused["Content-Type"].startswith("application/json")
    assert_shape(refused.json(), 429, "too_many_requests")
    assert "at most 3 every 60 seconds" in refused.json()["error"]["message"]
    assert refused["Cache-Control"] == "no-store"


def test_another_address_is_counted_apart(client: Client, limited: Path) -> None:
    for _ in range(4):
        client.get(API)
    assert client.get(API).status_code == 429
    assert client.get(API, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_count_starts_again_with_the_next_window(
    client: Client, limited: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        client.get(API)
    monkeypatch.setattr(rate_limit, "now", lambda: T0 + 59.2)
    late = client.get(API)
    assert (late.status_code, late["Retry-After"]) == (429, "1")
    monkeypatch.setattr(rate_limit, "now", lambda: T0 + 60.1)
    assert [client.get(API).status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.parametrize("value", ["0", "", "  "])
def test_a_limit_of_0_or_empty_is_no_limit(
    client: Client, limited: Path, settings: SettingsWrapper, value: str
) -> None:
    settings.RATE_LIMITS = {"api": value, "forms": value}
    assert {client.get(API).status_code for _ in range(6)} == {200}
    assert {client.get(SEARCH_ES).status_code for _ in range(4)} == {200}
    assert not limited.exists()


@pytest.mark.parametrize(
    ("path", "language", "text"), [(SEARCH_ES, "es", "Vuelva a intentarlo"), (SEARCH_EN, "en", "Try again")]
)
def test_the_search_form_answers_a_translated_page(
    client: Client, limited: Path, path: str, language: str, text: str
) -> None:
    assert [client.get(path, {"q": "acuerdo"}).status_code for _ in range(2)] == [200, 200]
    refused = client.get(path, {"q": "acuerdo"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused["Content-Type"].startswith("text/html")
    page = refused.content.decode()
    assert f'lang="{language}"' in page and text in page and "60" in page


def test_forms_sent_are_counted_together_and_apart_from_the_api(client: Client, limited: Path) -> None:
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 302
    assert client.get("/es/verificaciones/comprobar/").status_code == 200
    assert client.post("/es/verificaciones/comprobar/", {"text": "x"}).status_code == 429
    assert client.get(API).status_code == 200


def test_pages_static_files_and_the_admin_are_not_counted(client: Client, limited: Path) -> None:
    for _ in range(3):
        assert client.get("/es/acerca/").status_code == 200
        assert client.get("/admin/login/").status_code == 200
        assert client.get("/static/portal/no-such-file.css").status_code == 404
    assert client.get(SEARCH_ES).status_code == 200


@pytest.mark.parametrize(
    ("path", "method", "bucket"),
    [
        ("/api/v1/", "GET", "api"),
        ("/api/v1/records/authorizations", "POST", "api"),
        ("/es/buscar/", "GET", "forms"),
        ("/en/fact-checks/check/", "GET", "forms"),
        ("/es/autorizaciones.csv", "GET", "forms"),
        ("/en/findings.json", "GET", "forms"),
        ("/es/autorizaciones/", "POST", "forms"),
        ("/es/autorizaciones/", "GET", None),
        ("/es/cifras/", "HEAD", None),
        ("/es/datos/autorizaciones.csv", "GET", None),
        ("/admin/", "POST", None),
        ("/static/portal/site.css", "GET", None),
    ],
)
def test_which_requests_count(path: str, method: str, bucket: str | None) -> None:
    request = RequestFactory().generic(method, path)
    assert bucket_of(request) == bucket


def test_the_forwarded_address_is_trusted_only_when_named(settings: SettingsWrapper) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.CLIENT_IP_HEADER = ""
    assert client_address(request) == "127.0.0.1"
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_address(request) == "203.0.113.9"  # the address the front server added, not the client's own
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_address(request) == "127.0.0.1"


def test_behind_a_proxy_the_named_header_decides(client: Client, limited: Path, settings: SettingsWrapper) -> None:
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for _ in range(3):
        client.get(API, HTTP_X_REAL_IP="198.51.100.1")
    assert client.get(API, HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    assert client.get(API, HTTP_X_REAL_IP="198.51.100.2").status_code == 200


def test_an_ipv6_client_counts_as_its_64_network() -> None:
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert client_key("") == "unknown"
    assert client_key("x" * 5000) == "x" * 64


@pytest.mark.parametrize("value", ["120", "abc/60", "10/0", "-1/60", "1.5/60", "²/60", "10/60/2"])
def test_a_wrong_limit_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"VEEDURIA_RATE_API.*REQUESTS/SECONDS"):
        parse_rate(value, "VEEDURIA_RATE_API")


def test_well_formed_limits() -> None:
    assert parse_rate(" 120 / 60 ", "V") == Rate(120, 60)
    assert parse_rate("0/60", "V") is None


def test_processes_share_the_counts(tmp_path: Path) -> None:
    """Two worker processes counting at the same time: no count is lost."""
    path = tmp_path / "shared.sqlite3"
    code = (
        "import sys; from pathlib import Path; from veeduria.rate_limit import SqliteStore\n"
        "store = SqliteStore(Path(sys.argv[1]))\n"
        "for _ in range(200): store.hit('api:192.0.2.1', 2000000000)\n"
    )
    workers = [subprocess.Popen([sys.executable, "-c", code, str(path)]) for _ in range(2)]
    assert [w.wait(timeout=60) for w in workers] == [0, 0]
    assert SqliteStore(path).hit("api:192.0.2.1", 2000000000) == 401


def test_a_broken_store_lets_requests_through(client: Client, limited: Path, settings: SettingsWrapper) -> None:
    settings.RATE_LIMIT_STORE = str(limited.parent)  # a folder: no database can be opened there
    assert {client.get(API).status_code for _ in range(5)} == {200}


def _redis(url: str) -> object:
    """A client of the local Redis server; the test is skipped where there is none (Redis is optional)."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis server at {url}")
    return client


def test_counts_in_redis(client: Client, limited: Path, settings: SettingsWrapper) -> None:
    settings.RATE_LIMIT_STORE = url = "redis://127.0.0.1:6379/15"
    redis = _redis(url)
    first, second = (f"198.51.100.{n}" for n in (time.time_ns() % 250 + 1, time.time_ns() % 250 + 2))
    keys = [f"veeduria:rate:api:{address}:{T0 + 60}" for address in (first, second)]
    redis.delete(*keys)  # type: ignore[attr-defined]
    try:
        assert [client.get(API, REMOTE_ADDR=first).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert client.get(API, REMOTE_ADDR=second).status_code == 200
        assert not limited.exists()
    finally:
        redis.delete(*keys)  # type: ignore[attr-defined]


def test_a_proxy_without_the_header_setting_is_warned_about(
    settings: SettingsWrapper, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CLIENT_IP_HEADER = ""
    rate_limit._warn_behind_proxy.cache_clear()
    client_address(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1"))
    assert "VEEDURIA_CLIENT_IP_HEADER" not in caplog.text
    client_address(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9"))
    assert "VEEDURIA_CLIENT_IP_HEADER is not set" in caplog.text
