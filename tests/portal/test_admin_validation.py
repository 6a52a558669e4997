"""The admin refuses what the dataset loader and the importers refuse (veeduria.evidence.cleaning): a field
error on the form, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from veeduria.evidence.models import Revision
from veeduria.records import models as m
from veeduria.records.permissions import ensure_editor_group

from .test_admin import form_data

ACTIVITY = "/admin/records/activity/resolute-sentinel-2023/change/"
AUTHORIZATION = "/admin/records/authorization/rl-32214/change/"


@pytest.fixture
def editor_client(client: Client, db: Any) -> Client:
    user = User.objects.create_user("ana", password="x", is_staff=True)
    user.groups.add(ensure_editor_group())
    client.force_login(user)
    return client


def _refused(client: Client, url: str, data: dict[str, Any]) -> Any:
    revisions = Revision.objects.count()
    data["revision_reason"] = "prueba"
    response = client.post(url, data)
    assert response.status_code == 200, "the form was accepted"
    assert Revision.objects.count() == revisions
    return response


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": "2023-06-10", "end_date": "2023-06-01"}, "end_date", "2023-06-01 es anterior a 'inicio'"),
        ({"personnel_low": "50", "personnel_best": "40"}, "personnel_best", "40 es menor que 'personal (mínimo)'"),
        # the limit is named (on PostgreSQL Django's own range check answers first, in its own words)
        ({"personnel_high": "2147483648"}, "personnel_high", "2147483647"),
        ({"latitude": "-95"}, "latitude", "-95.0 está fuera del rango admitido (-90 a 90)"),
        ({"cost": "1234567890123456.78"}, "cost", "más de 15 cifras significativas"),
    ],
)
def test_activity_form_refuses_broken_rules(
    editor_client: Client, dataset: dict[str, Any], changes: dict[str, str], field: str, message: str
) -> None:
    before = m.Activity.objects.values().get(pk="resolute-sentinel-2023")
    data = form_data(editor_client.get(ACTIVITY))
    data.update(changes)
    data.setdefault("start_precision", "day")
    data.setdefault("end_precision", "day")
    response = _refused(editor_client, ACTIVITY, data)
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert any(message in e for e in errors[field]), errors[field]
    assert m.Activity.objects.values().get(pk="resolute-sentinel-2023") == before


def test_end_in_the_month_of_the_start_is_accepted(editor_client: Client, dataset: dict[str, Any]) -> None:
    data = form_data(editor_client.get(ACTIVITY))
    data.update({"start_date": "2023-06-10", "start_precision": "day", "end_date": "2023-06-01"})
    data.update({"end_precision": "month", "revision_reason": "fin conocido al mes"})
    response = editor_client.post(ACTIVITY, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert m.Activity.objects.get(pk="resolute-sentinel-2023").end_precision == "month"


def test_authorized_period_inline_refuses_end_before_start(editor_client: Client, dataset: dict[str, Any]) -> None:
    periods = m.AuthorizedPeriod.objects.filter(authorization_id="rl-32214").count()
    data = form_data(editor_client.get(AUTHORIZATION))
    data.update({"periods-TOTAL_FORMS": str(int(data["periods-TOTAL_FORMS"]) + 1)})
    n = int(data["periods-TOTAL_FORMS"]) - 1
    data.update({f"periods-{n}-start": "2024-05-10", f"periods-{n}-end": "2024-05-01"})
    response = _refused(editor_client, AUTHORIZATION, data)
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "periods")
    assert formset.forms[n].errors["end"] == ["2024-05-01 es anterior a 'desde' (2024-05-10)"]
    assert m.AuthorizedPeriod.objects.filter(authorization_id="rl-32214").count() == periods


def test_authorization_window_end_before_start(editor_client: Client, dataset: dict[str, Any]) -> None:
    data = form_data(editor_client.get(AUTHORIZATION))
    data.update({"window_start": "2024-05-10", "window_end": "2024-05-01", "window_end_precision": "day"})
    response = _refused(editor_client, AUTHORIZATION, data)
    assert "window_end" in response.context["adminform"].form.errors
