"""The editors' admin: every save writes a revision with the editor's reason; nothing can be deleted."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from veeduria.evidence.models import Revision, Status
from veeduria.records import models as m
from veeduria.records.permissions import ensure_editor_group

CHANGE_URL = "/admin/records/authorization/rl-32214/change/"


@pytest.fixture
def editor(db: Any) -> User:
    user = User.objects.create_user("ana", password="x", is_staff=True)
    user.groups.add(ensure_editor_group())
    return user


@pytest.fixture
def editor_client(client: Client, editor: User) -> Client:
    client.force_login(editor)
    return client


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def form_data(response: Any) -> dict[str, Any]:
    """The POST data an unchanged admin change form would send."""
    data: dict[str, Any] = {}
    form = response.context["adminform"].form
    for name, bound in ((n, form[n]) for n in form.fields):
        data[name] = _value(bound.value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, bound in ((n, formset.management_form[n]) for n in formset.management_form.fields):
            data[f"{formset.prefix}-{name}"] = _value(bound.value())
        for sub in formset.forms:
            for name in sub.fields:
                data[sub.add_prefix(name)] = _value(sub[name].value())
    return {k: v for k, v in data.items() if v is not False}


def test_editor_group(editor: User) -> None:
    assert editor.has_perm("records.change_authorization")
    assert editor.has_perm("evidence.add_citation")
    assert editor.has_perm("records.add_authorizedpersonnel")
    assert not editor.has_perm("records.delete_authorization")
    assert ensure_editor_group().pk == ensure_editor_group().pk  # idempotent


def test_admin_edit_writes_revision_with_reason(editor_client: Client, dataset: dict[str, Any]) -> None:
    response = editor_client.get(CHANGE_URL)
    assert response.status_code == 200
    assert "revision_reason" in response.content.decode()
    assert 'href="/es/autorizaciones/rl-32214/"' in response.content.decode()  # "view on site"
    data = form_data(response)
    data["personnel_total"] = "120"
    revisions = Revision.objects.filter(object_id="rl-32214")
    before = revisions.count()

    rejected = editor_client.post(CHANGE_URL, data)  # no reason: refused
    assert rejected.status_code == 200 and "revision_reason" in rejected.context["adminform"].form.errors
    assert revisions.count() == before

    data["revision_reason"] = "Corrección según el anexo"
    data["personnel-0-count"] = "70"  # an inline child changes too
    response = editor_client.post(CHANGE_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert revisions.count() == before + 1
    revision = revisions.first()
    assert revision is not None
    assert revision.author == "ana" and revision.reason == "Corrección según el anexo"
    assert revision.action == Revision.Action.UPDATE
    assert revision.changes["personnel_total"] == [100, 120]
    assert "personnel" in revision.changes
    html = editor_client.get("/es/autorizaciones/rl-32214/").content.decode()
    assert "Corrección según el anexo" in html


def test_admin_add_writes_create_revision(editor_client: Client, dataset: dict[str, Any]) -> None:
    response = editor_client.post(
        "/admin/records/country/add/",
        {
            "id": "chile",
            "iso3": "CHL",
            "name_es": "Chile",
            "name_en": "Chile",
            "status": "published",
            "reliability": "confirmed",
            "evidence-citation-content_type-object_id-TOTAL_FORMS": "1",
            "evidence-citation-content_type-object_id-INITIAL_FORMS": "0",
            "evidence-citation-content_type-object_id-0-source": "el-peruano-2023",
            "evidence-alternativevalue-content_type-object_id-TOTAL_FORMS": "0",
            "evidence-alternativevalue-content_type-object_id-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    revision = Revision.objects.get(object_id="chile")
    assert revision.action == Revision.Action.CREATE and revision.author == "ana"
    assert revision.changes["citations"][1][0]["source"] == "el-peruano-2023"


def test_delete_is_impossible(editor_client: Client, admin_client: Client, dataset: dict[str, Any]) -> None:
    for client in (editor_client, admin_client):
        assert client.get("/admin/records/authorization/rl-32214/delete/").status_code == 403
        assert client.post("/admin/records/authorization/rl-32214/delete/", {"post": "yes"}).status_code == 403
        changelist = client.get("/admin/records/authorization/")
        assert "delete_selected" not in changelist.content.decode()
    assert m.Authorization.objects.filter(pk="rl-32214").exists()


def test_withdraw_action_asks_for_reason(editor_client: Client, dataset: dict[str, Any]) -> None:
    url = "/admin/records/authorization/"
    data = {"action": "withdraw_selected", "_selected_action": ["rl-32214"]}
    page = editor_client.post(url, data)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    page = editor_client.post(url, {**data, "apply": "1", "reason": ""})
    assert page.status_code == 200
    assert m.Authorization.objects.get(pk="rl-32214").status == Status.PUBLISHED
    done = editor_client.post(url, {**data, "apply": "1", "reason": "Fuente desmentida"})
    assert done.status_code == 302
    auth = m.Authorization.objects.get(pk="rl-32214")
    assert auth.status == Status.WITHDRAWN and auth.withdrawn_reason == "Fuente desmentida"
    revision = Revision.objects.filter(object_id="rl-32214").first()
    assert revision is not None and revision.action == Revision.Action.WITHDRAW and revision.author == "ana"


def test_every_record_type_has_admin_pages(admin_client: Client, dataset: dict[str, Any]) -> None:
    for obj in dataset["records"]:
        opts = obj._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        assert admin_client.get(base).status_code == 200
        assert admin_client.get(f"{base}{obj.pk}/change/").status_code == 200
        assert admin_client.get(f"{base}add/").status_code == 200
    assert admin_client.get("/admin/evidence/source/").status_code == 200
    assert admin_client.get("/admin/evidence/source/el-peruano-2023/change/").status_code == 200
    assert admin_client.get("/admin/evidence/revision/").status_code == 200
