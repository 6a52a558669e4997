"""Every error the API answers has one JSON shape: 400, 401, 403, 404, 405, 422, 429 and 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.testing import TestClient

from veeduria.api import serialize
from veeduria.api.errors import JsonErrorsAPI, install
from veeduria.api.models import ApiToken
from veeduria.ingest.dataset import load_folder

pytestmark = pytest.mark.django_db


def assert_shape(body: Any, status: int, code: str) -> None:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "details"}
    assert (body["error"]["status"], body["error"]["code"]) == (status, code)
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], list)


@pytest.fixture
def loaded(mini_dataset: Path) -> Path:
    load_folder(mini_dataset)
    return mini_dataset


@pytest.mark.parametrize(
    ("method", "url", "params", "status", "code"),
    [
        ("get", "/api/v1/search", {"q": "x", "country": "narnia"}, 400, "invalid_parameter"),
        ("get", "/api/v1/search", {"q": "x", "type": "bases"}, 422, "invalid_parameter"),
        ("get", "/api/v1/records/authorizations/rl-999", {}, 404, "not_found"),
        ("get", "/api/v1/records/bases", {}, 404, "unknown_type"),
        ("get", "/api/v1/no/such/address", {}, 404, "not_found"),
        ("put", "/api/v1/records/authorizations", {}, 405, "method_not_allowed"),
        ("post", "/api/v1/records/authorizations", {}, 401, "unauthorized"),
        ("delete", "/api/v1/sources/src-official", {}, 405, "method_not_allowed"),
        ("get", "/api/v1/records/authorizations", {"year": "abc"}, 422, "invalid_parameter"),
        ("patch", "/api/v1/records/authorizations/rl-100", {}, 401, "unauthorized"),
        ("post", "/api/v1/records/authorizations/rl-100/withdraw", {}, 401, "unauthorized"),
        ("put", "/api/v1/records/authorizations/rl-100", {}, 405, "method_not_allowed"),
    ],
)
def test_the_real_api(
    client: Client, loaded: Path, method: str, url: str, params: dict[str, Any], status: int, code: str
) -> None:
    response = getattr(client, method)(url, params)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    assert_shape(response.json(), status, code)
    if status == 405:
        assert "GET" in response.headers["Allow"]
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_without_the_right_is_403(client: Client, loaded: Path) -> None:
    token = ApiToken(owner=User.objects.create_user("sam", is_staff=True), name="no rights")
    secret = token.issue()
    token.save()
    body = {"reason": "r", "source": "src-official", "title_en": "x"}
    headers = {"Authorization": f"Bearer {secret}"}
    url = "/api/v1/records/authorizations/rl-100"
    response = client.patch(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert_shape(response.json(), 403, "forbidden")
    wrong = client.patch(url, body, content_type="application/json", headers={"Authorization": "Bearer 12345678x"})
    assert wrong.status_code == 401
    assert_shape(wrong.json(), 401, "invalid_token")


def test_an_unexpected_failure_is_500_without_internals(
    client: Client, loaded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(serialize, "records_out", broken)
    response = client.get("/api/v1/records/countries")
    assert response.status_code == 500
    assert_shape(response.json(), 500, "server_error")
    assert "secret" not in response.content.decode()


def _api() -> JsonErrorsAPI:
    """An API with the same error handling, whose endpoints fail as authentication and throttling would."""
    api = JsonErrorsAPI(urls_namespace="errors-test")
    install(api)

    @api.get("/401")
    def unauthorized(request: Any) -> None:
        raise AuthenticationError()

    @api.get("/403")
    def forbidden(request: Any) -> None:
        raise AuthorizationError()

    @api.get("/429")
    def throttled(request: Any) -> None:
        raise Throttled(wait=30)

    @api.get("/400")
    def bad(request: Any) -> None:
        raise HttpError(400, "bad request")

    return api


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "bad_request"), (401, "unauthorized"), (403, "forbidden"), (429, "too_many_requests")],
)
def test_authentication_and_throttling_errors(status: int, code: str) -> None:
    response = TestClient(_api()).get(f"/{status}")
    assert response.status_code == status
    assert_shape(response.json(), status, code)
    if status == 429:
        assert response.headers["Retry-After"] == "30"


def test_too_many_requests_from_one_address(
    client: Client, loaded: Path, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rate limit's 429 (veeduria.rate_limit, before any view) is in the same shape, with Retry-After."""
    from veeduria import rate_limit

    settings.RATE_LIMITS = {"api": "1/3600", "forms": "0"}
    settings.RATE_LIMIT_STORE = str(tmp_path / "rate-limits.sqlite3")
    monkeypatch.setattr(rate_limit, "now", lambda: 1_800_000_000.0)
    assert client.get("/api/v1/records/countries").status_code == 200
    response = client.get("/api/v1/records/countries")
    assert response.status_code == 429
    assert response.headers["Content-Type"].startswith("application/json")
    assert_shape(response.json(), 429, "too_many_requests")
    assert response.headers["Retry-After"] == str(3600 - 1_800_000_000 % 3600)


def test_every_operation_documents_the_rate_limit(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert operations
    for operation in operations:
        answer = operation["responses"]["429"]
        assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
        assert "Retry-After" in answer["headers"]
