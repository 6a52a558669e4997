"""Writes through the API with an editor's token: the one write path, one revision signed by the token's owner;
401 without a usable token, 403 without the permission; reads unaffected; the secret kept only as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.api.test_error_shape import assert_shape
from veeduria.api.models import ApiToken
from veeduria.cli import main
from veeduria.evidence.models import AlternativeValue, Citation, Revision, Source, Status
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.importers import run_import
from veeduria.records.models import Authorization, Funding
from veeduria.records.permissions import ensure_editor_group

pytestmark = pytest.mark.django_db

URL = "/api/v1/records/authorizations/rl-100"
IMPORTS = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
FUNDING_ROW = "fa-col-2022-obligation"


@pytest.fixture
def loaded(mini_dataset: Path) -> Path:
    load_folder(mini_dataset)
    return mini_dataset


def make_token(user: User, name: str = "daily import", **fields: Any) -> tuple[ApiToken, str]:
    token = ApiToken(owner=user, name=name, **fields)
    secret = token.issue()
    token.save()
    return token, secret


@pytest.fixture
def editor() -> User:
    user = User.objects.create_user("eva", is_staff=True)
    user.groups.add(ensure_editor_group())
    return user


@pytest.fixture
def secret(editor: User) -> str:
    return make_token(editor)[1]


def patch(client: Client, url: str, body: dict[str, Any], secret: str | None) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    return client.patch(url, json.dumps(body), content_type="application/json", headers=headers)


def change(**values: Any) -> dict[str, Any]:
    return {"reason": "the official text says so", "source": "src-official", "locator": "p. 2", **values}


def revisions(record_id: str = "rl-100") -> int:
    return Revision.objects.filter(object_id=record_id).count()


def test_a_change_is_one_revision_signed_by_the_token_owner(client: Client, loaded: Path, secret: str) -> None:
    response = patch(client, URL, change(title_en="Authorizes the entry of troops", vote_for=77), secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title_en"], body["vote_for"]) == ("Authorizes the entry of troops", 77)
    latest = body["history"][0]
    assert (latest["author"], latest["action"], latest["reason"]) == (
        "eva (daily import)",
        "update",
        "the official text says so",
    )
    assert latest["changes"]["title_en"] == [
        "Authorizes the entry of military personnel",
        "Authorizes the entry of troops",
    ]
    assert revisions() == 2
    cited = Citation.objects.filter(object_id="rl-100", source_id="src-official", field="title_en").get()
    assert cited.locator == "p. 2"
    # the value vote_for had, stated by a press source, stays an alternative value (the precedence rules)
    assert Authorization.objects.get(pk="rl-100").vote_for == 77
    assert ApiToken.objects.get().last_used_at is not None
    # the portal's history shows it too
    page = client.get("/en/authorizations/rl-100/")
    assert "eva (daily import)" in page.content.decode()


def test_many_to_many_fields_and_nothing_changed(client: Client, loaded: Path, secret: str) -> None:
    response = patch(client, URL, change(foreign_countries=["frn", "hst"]), secret)
    assert response.status_code == 200, response.content
    assert response.json()["foreign_countries"] == ["frn", "hst"]
    assert revisions() == 2
    again = patch(client, URL, change(foreign_countries=["hst", "frn"]), secret)
    assert again.status_code == 200 and revisions() == 2  # the same values: no revision


INVALID = [
    (change(nope=1), "body.nope"),
    (change(vote_for="many"), "body.vote_for"),
    (change(vote_for=-1), "body.vote_for"),
    (change(instrument_type="decree"), "body.instrument_type"),
    (change(host_country="narnia"), "body.host_country"),
    (change(foreign_countries=["narnia"]), "body.foreign_countries"),
    (change(title_es="x" * 2000), "body.title_es"),
    (change(window_end="2023-01-01"), "body.window_end"),  # before the window's start
    (change(title_en="a\x00b"), "body.title_en"),
    (change(source="no-such-source", title_en="x"), "body.source"),
    ({"source": "src-official", "title_en": "x"}, "body.reason"),
    (change(reason="  ", title_en="x"), "body.reason"),
    (change(status="withdrawn"), "body.status"),
    (change(reason="a\x00b", title_en="x"), "body.reason"),
    (change(foreign_countries=["fr\x00n"]), "body.foreign_countries.0"),
]


def test_invalid_changes_are_422_naming_the_field(client: Client, loaded: Path, secret: str) -> None:
    for body, where in INVALID:
        response = patch(client, URL, body, secret)
        assert response.status_code == 422, (where, response.content)
        error = response.json()["error"]
        assert_shape(response.json(), 422, error["code"])
        assert where in [d["where"] for d in error["details"]], error
    assert revisions() == 1


def test_a_body_without_fields_is_422(client: Client, loaded: Path, secret: str) -> None:
    response = patch(client, URL, change(), secret)
    assert response.status_code == 422
    assert_shape(response.json(), 422, "nothing_to_change")
    assert "title_en" in response.json()["error"]["message"]


@pytest.fixture
def imported(settings: Any, tmp_path: Path) -> str:
    settings.DATA_DIR = tmp_path / "var"
    run_import("foreignassistance", IMPORTS / "foreignassistance_COL.csv")
    Source.objects.create(id="src-official", title="Annual report", kind="official")
    return f"/api/v1/records/funding/{FUNDING_ROW}"


def test_an_imported_value_replaced_is_kept_and_an_empty_one_is_refused(
    client: Client, imported: str, secret: str
) -> None:
    refused = patch(client, imported, change(amount_constant=None), secret)
    assert refused.status_code == 422, refused.content
    assert_shape(refused.json(), 422, "refused_by_precedence")
    (detail,) = refused.json()["error"]["details"]
    assert detail["where"] == "body.amount_constant" and "empty value" in detail["message"]
    assert Funding.objects.get(pk=FUNDING_ROW).amount_constant == Decimal("560000000")

    response = patch(client, imported, change(amount="555000000"), secret)
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "555000000"
    kept = AlternativeValue.objects.get(object_id=FUNDING_ROW, field="amount")
    assert (kept.value, kept.preferred, kept.source_id) == (
        "560000000",
        False,
        "foreignassistance-foreignassistance-col",
    )


def test_withdraw(client: Client, loaded: Path, secret: str) -> None:
    url = f"{URL}/withdraw"
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post(url, {"reason": "duplicate of rl-101"}, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["withdrawn_reason"]) == ("withdrawn", "duplicate of rl-101")
    revision = Revision.objects.filter(object_id="rl-100").first()
    assert revision is not None and (revision.action, revision.author) == ("withdraw", "eva (daily import)")
    again = client.post(url, {"reason": "again"}, content_type="application/json", headers=headers)
    assert again.status_code == 422
    assert_shape(again.json(), 422, "already_withdrawn")
    assert Authorization.objects.get(pk="rl-100").status == Status.WITHDRAWN


def test_unknown_records_and_types_are_404(client: Client, loaded: Path, secret: str) -> None:
    for url, code in [
        ("/api/v1/records/authorizations/rl-999", "not_found"),
        ("/api/v1/records/bases/x", "unknown_type"),
    ]:
        response = patch(client, url, change(title_en="x"), secret)
        assert response.status_code == 404
        assert_shape(response.json(), 404, code)


def _assert_401(response: Any, code: str, words: str) -> None:
    assert response.status_code == 401, response.content
    assert_shape(response.json(), 401, code)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert words in response.json()["error"]["message"]


def test_no_wrong_revoked_or_expired_token_is_401(client: Client, loaded: Path, editor: User, secret: str) -> None:
    body = change(title_en="x")
    _assert_401(patch(client, URL, body, None), "unauthorized", "Bearer")
    _assert_401(patch(client, URL, body, secret[:-1] + ("A" if secret[-1] != "A" else "B")), "invalid_token", "unknown")
    _assert_401(patch(client, URL, body, "short"), "invalid_token", "unknown")
    revoked = make_token(editor, "old", revoked_at=timezone.now())[1]
    _assert_401(patch(client, URL, body, revoked), "invalid_token", "revoked")
    expired = make_token(editor, "old", expires_at=timezone.now() - dt.timedelta(minutes=1))[1]
    _assert_401(patch(client, URL, body, expired), "invalid_token", "expired")
    editor.is_active = False
    editor.save()
    _assert_401(patch(client, URL, body, secret), "invalid_token", "not an active account")
    response = client.post(f"{URL}/withdraw", {"reason": "x"}, content_type="application/json")
    _assert_401(response, "unauthorized", "Bearer")
    assert revisions() == 1


def test_an_owner_without_the_permission_is_403(client: Client, loaded: Path) -> None:
    staff = User.objects.create_user("sam", is_staff=True)
    response = patch(client, URL, change(title_en="x"), make_token(staff)[1])
    assert response.status_code == 403
    assert_shape(response.json(), 403, "forbidden")
    assert "sam may not change authorizations" in response.json()["error"]["message"]
    reader = User.objects.create_user("rita")
    reader.groups.add(ensure_editor_group())  # the permissions, but not staff
    assert patch(client, URL, change(title_en="x"), make_token(reader)[1]).status_code == 403
    assert revisions() == 1


def test_a_session_cookie_is_no_way_around_the_token(client: Client, loaded: Path) -> None:
    admin = User.objects.create_superuser("root")
    client.force_login(admin)
    _assert_401(patch(client, URL, change(title_en="x"), None), "unauthorized", "Bearer")
    response = client.post(f"{URL}/withdraw", {"reason": "x"}, content_type="application/json")
    _assert_401(response, "unauthorized", "Bearer")
    assert revisions() == 1


def test_reads_need_no_token_and_ignore_one(client: Client, loaded: Path) -> None:
    assert client.get(URL).status_code == 200
    assert client.get(URL, headers={"Authorization": "Bearer nonsense"}).status_code == 200
    assert client.get("/api/v1/records/authorizations", headers={"Authorization": "Bearer x"}).status_code == 200


def test_a_read_after_a_write_is_not_stale(client: Client, loaded: Path, secret: str) -> None:
    first = client.get(URL)
    etag = first.headers["ETag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    assert patch(client, URL, change(title_en="Changed"), secret).status_code == 200
    after = client.get(URL, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert after.json()["title_en"] == "Changed"


def test_only_the_hash_of_the_secret_is_stored(loaded: Path, editor: User) -> None:
    token, secret = make_token(editor)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:8] and len(secret) >= 40
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cursor.fetchall()
    assert rows and not any(secret in str(value) for row in rows for value in row)


def test_the_admin_shows_the_secret_once_and_revokes(client: Client, loaded: Path, editor: User) -> None:
    admin = User.objects.create_superuser("root")
    client.force_login(admin)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"owner": editor.pk, "name": "ci", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = re.findall(r"[A-Za-z0-9_-]{43}", response.content.decode())
    secret = next(s for s in shown if token.matches(s))
    assert (token.owner, token.name, token.prefix) == (editor, "ci", secret[:8])
    again = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert secret not in again and token.prefix in again
    assert secret not in client.get("/admin/api/apitoken/").content.decode()
    assert patch(Client(), URL, change(title_en="x"), secret).status_code == 200

    response = client.post(
        "/admin/api/apitoken/", {"action": "revoke_selected", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    assert ApiToken.objects.get().revoked_at is not None
    _assert_401(patch(Client(), URL, change(title_en="y"), secret), "invalid_token", "revoked")


def test_an_editor_manages_only_their_own_tokens(client: Client, loaded: Path, editor: User) -> None:
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(*Permission.objects.filter(codename__in=["add_apitoken", "change_apitoken"]))
    other = User.objects.create_user("otto", is_staff=True)
    make_token(other, "otto's")
    client.force_login(editor)
    assert "otto" not in client.get("/admin/api/apitoken/").content.decode()
    response = client.post("/admin/api/apitoken/add/", {"owner": other.pk, "name": "mine"})
    assert response.status_code == 200 and ApiToken.objects.filter(name="mine").count() == 0  # refused
    client.post("/admin/api/apitoken/add/", {"owner": editor.pk, "name": "mine"})
    assert ApiToken.objects.get(name="mine").owner == editor


def test_the_command_line_creates_lists_and_revokes(
    client: Client, loaded: Path, editor: User, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "create", "eva", "nightly", "--expires", "2999-01-01"]) == 0
    out, err = capsys.readouterr()
    secret = out.strip()
    token = ApiToken.objects.get(name="nightly")
    assert token.matches(secret) and token.prefix in err and token.expires_at is not None
    assert patch(client, URL, change(title_en="x"), secret).status_code == 200
    assert main(["token", "list"]) == 0
    assert f"{token.prefix}\teva\tnightly" in capsys.readouterr().out
    assert main(["token", "revoke", token.prefix]) == 0
    _assert_401(patch(client, URL, change(title_en="y"), secret), "invalid_token", "revoked")
    capsys.readouterr()
    User.objects.create_user("rita")
    for argv, words in [
        (["token", "create", "nobody", "x"], "nobody"),
        (["token", "create", "rita", "x"], "rita"),
        (["token", "create", "eva", "x", "--expires", "soon"], "soon"),
        (["token", "revoke", token.prefix], token.prefix),
    ]:
        assert main(argv) == 1, argv
        assert words in capsys.readouterr().err


NEW = "/api/v1/records/authorizations"


def post(client: Client, url: str, body: dict[str, Any], secret: str | None) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def new_authorization(**values: Any) -> dict[str, Any]:
    fields = {
        "id": "rl-900",
        "instrument_type": "rl",
        "number": "900",
        "title_es": "Autoriza el ingreso de personal militar",
        "host_country": "hst",
        "foreign_countries": ["frn"],
        "approved_on": "2024-03-01",
        "window_start": "2024-04-01",
        "window_end": "2024-06-30",
    }
    return change(**{**fields, **values})


def test_a_new_record_is_checked_cited_and_one_create_revision(client: Client, loaded: Path, secret: str) -> None:
    response = post(client, NEW, new_authorization(), secret)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["id"], body["number"], body["foreign_countries"]) == ("rl-900", "900", ["frn"])
    (created,) = body["history"]
    assert (created["action"], created["author"], created["reason"]) == (
        "create",
        "eva (daily import)",
        "the official text says so",
    )
    cited = set(Citation.objects.filter(object_id="rl-900", source_id="src-official").values_list("field", flat=True))
    assert {"number", "title_es", "foreign_countries", "window_end"} <= cited
    assert client.get(f"{NEW}/rl-900").status_code == 200
    assert client.get("/es/autorizaciones/rl-900/").status_code == 200


NEW_INVALID = [
    (new_authorization(id="rl-100"), "body.id"),  # taken
    (new_authorization(id="rl 9/00"), "body.id"),
    (new_authorization(instrument_type=None), "body.instrument_type"),  # required
    (new_authorization(window_end="2024-01-01"), "body.window_end"),  # before the window's start
    (new_authorization(foreign_countries=["narnia"]), "body.foreign_countries"),
    (new_authorization(status="withdrawn"), "body.status"),
    (new_authorization(source="no-such-source"), "body.source"),
    ({k: v for k, v in new_authorization().items() if k != "reason"}, "body.reason"),
]


def test_an_invalid_new_record_is_422_naming_the_field_and_writes_nothing(
    client: Client, loaded: Path, secret: str
) -> None:
    for body, where in NEW_INVALID:
        response = post(client, NEW, body, secret)
        assert response.status_code == 422, (where, response.content)
        assert_shape(response.json(), 422, response.json()["error"]["code"])
        assert where in [d["where"] for d in response.json()["error"]["details"]], response.json()
    assert Authorization.objects.count() == 1
    assert not Revision.objects.filter(object_id="rl-900").exists()
    assert not Citation.objects.filter(object_id="rl-900").exists()


def test_creating_needs_a_token_and_the_add_permission(client: Client, loaded: Path, editor: User) -> None:
    assert post(client, NEW, new_authorization(), None).status_code == 401
    viewer = User.objects.create_user("vic", is_staff=True)
    response = post(client, NEW, new_authorization(), make_token(viewer)[1])
    assert response.status_code == 403
    assert_shape(response.json(), 403, "forbidden")
    assert "add" in response.json()["error"]["message"]
    unknown = post(client, "/api/v1/records/bases", new_authorization(), make_token(editor)[1])
    assert unknown.status_code == 404
    assert_shape(unknown.json(), 404, "unknown_type")
    assert Authorization.objects.count() == 1
