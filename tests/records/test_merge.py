"""Merging records on the real database: values, citations, history, links, redirects, refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from veeduria.cli import main
from veeduria.evidence.models import AlternativeValue, Citation, MergedRecord, Revision, Source
from veeduria.evidence.revisions import record_change, snapshot
from veeduria.records import models as m
from veeduria.records.merge import MergeRefused, apply_merges, history, merge, resolve_merged

pytestmark = pytest.mark.django_db


def cite(obj: Any, source: str, field: str = "", **kw: Any) -> Citation:
    ct = ContentType.objects.get_for_model(obj)
    return Citation.objects.create(content_type=ct, object_id=obj.pk, source_id=source, field=field, **kw)


def created(obj: Any, author: str) -> Any:
    record_change(obj, None, author=author)
    return obj


@pytest.fixture
def world() -> dict[str, Any]:
    per = m.Country.objects.create(id="per", iso3="PER", name_es="Perú", name_en="Peru")
    usa = m.Country.objects.create(id="usa", iso3="USA", name_es="Estados Unidos", name_en="United States")
    Source.objects.create(id="press-a", title="Press A", kind="press")
    Source.objects.create(id="register", title="Register", kind="dataset")
    curated = created(
        m.Authorization.objects.create(
            id="cur-1",
            instrument_type="rl",
            title_es="Autorización del ingreso de tropas de EE. UU. en noviembre de 2012",
            host_country=per,
            approved_on=dt.date(2012, 10, 18),
            window_start=dt.date(2012, 11, 1),
            notes_es="Nota curada.",
        ),
        "dataset",
    )
    curated.foreign_countries.add(usa)
    m.AuthorizedPersonnel.objects.create(authorization=curated, country=usa, service="Marines")
    cite(curated, "press-a", quote="autoriza el ingreso")
    old = m.Authorization.objects.create(
        id="rl-500",
        instrument_type="rl",
        number="500",
        title_es="RESOLUCIÓN LEGISLATIVA QUE AUTORIZA EL INGRESO DE PERSONAL MILITAR EXTRANJERO",
        host_country=per,
        published_on=dt.date(2012, 10, 23),
        approved_on=dt.date(2012, 10, 20),
        official_url="https://example.org/500.pdf",
        notes_es="Nota del registro.",
        limits_known=False,
    )
    created(old, "import:congress-register")
    before = snapshot(old)
    cite(old, "register", locator="row 7")
    cite(old, "register", field="official_url")
    record_change(old, before, author="import:congress-register")
    m.AuthorizedPlace.objects.create(authorization=old, name="Callao")
    activity = m.Activity.objects.create(id="act-1", kind="exercise", name_es="Ejercicio", host_country=per)
    old.activities.add(activity)
    other = m.Authorization.objects.create(
        id="rl-600", instrument_type="rl", title_es="Modifica la RL 500", host_country=per
    )
    other.modifies.add(old)
    facility = m.Facility.objects.create(id="base-1", name_es="Base", kind="base", country=per)
    use = m.FacilityUse.objects.create(id="use-1", facility=facility, user_country=usa, authorization=old)
    statement = m.Statement.objects.create(
        id="st-1", title_es="Declaración", speaker_name="Ministro", country=per, quote="No hay bases."
    )
    statement.authorizations.add(old)
    return {"curated": curated, "old": old, "other": other, "use": use, "statement": statement, "activity": activity}


def test_merge_keeps_values_citations_history_and_links(world: dict[str, Any]) -> None:
    result = merge(m.Authorization, "rl-500", "cur-1", reason="same resolution (register is complete)", author="ed")
    assert not m.Authorization.objects.filter(pk="rl-500").exists()
    survivor = m.Authorization.objects.get(pk="cur-1")
    # the survivor keeps its values and gets the empty ones filled
    assert survivor.approved_on == dt.date(2012, 10, 18)
    assert survivor.number == "500" and survivor.published_on == dt.date(2012, 10, 23)
    assert survivor.official_url == "https://example.org/500.pdf"
    assert survivor.notes_es == "Nota curada.\n\nNota del registro."
    assert {"number", "published_on", "official_url"} <= set(result.filled)
    # differing values become non-preferred alternatives with the old record's source and locator
    ct = ContentType.objects.get_for_model(m.Authorization)
    alts = AlternativeValue.objects.filter(content_type=ct, object_id="cur-1", field="approved_on")
    assert [(a.value, a.source_id, a.preferred, a.locator) for a in alts] == [
        ("2012-10-20", "register", False, "row 7")
    ]
    assert AlternativeValue.objects.get(object_id="cur-1", field="title_es", preferred=False).locator == "row 7"
    # citations of both
    assert {(c.source_id, c.field) for c in survivor.citations.all()} == {
        ("press-a", ""),
        ("register", ""),
        ("register", "official_url"),
    }
    # children: the survivor's personnel stay; the old places move (the survivor had none)
    assert [p.service for p in survivor.personnel.all()] == ["Marines"]
    assert [p.name for p in survivor.places.all()] == ["Callao"]
    # many-to-many and reverse links
    assert list(survivor.activities.values_list("pk", flat=True)) == ["act-1"]
    assert list(world["other"].modifies.values_list("pk", flat=True)) == ["cur-1"]
    assert m.FacilityUse.objects.get(pk="use-1").authorization_id == "cur-1"
    assert list(world["statement"].authorizations.values_list("pk", flat=True)) == ["cur-1"]
    assert Revision.objects.filter(object_id="use-1", action="update").exists()
    # the merge is recorded; both histories are readable from the survivor
    assert MergedRecord.objects.filter(content_type=ct, old_id="rl-500", new_id="cur-1", author="ed").exists()
    merge_rev = Revision.objects.get(object_id="cur-1", action=Revision.Action.MERGE)
    assert merge_rev.changes["merged_from"] == "rl-500" and merge_rev.reason.startswith("same resolution")
    assert merge_rev.changes["number"] == [None, "500"] or merge_rev.changes["number"] == ["", "500"]
    ids = {(r.object_id, r.action) for r in history(survivor)}
    assert {("cur-1", "create"), ("cur-1", "merge"), ("rl-500", "create"), ("rl-500", "update")} <= ids


def test_old_address_redirects_in_portal_and_api(world: dict[str, Any]) -> None:
    merge(m.Authorization, "rl-500", "cur-1", reason="same", author="ed")
    client = Client()
    for lang, slug in (("es", "autorizaciones"), ("en", "authorizations")):
        response = client.get(f"/{lang}/{slug}/rl-500/")
        assert response.status_code == 301
        assert response["Location"] == f"/{lang}/{slug}/cur-1/"
    page = client.get("/es/autorizaciones/cur-1/")
    assert page.status_code == 200 and "import:congress-register" in page.content.decode()
    api = client.get("/api/v1/records/authorizations/rl-500")
    assert api.status_code == 301 and api["Location"] == "/api/v1/records/authorizations/cur-1"
    assert client.get("/api/v1/records/authorizations/cur-1").json()["id"] == "cur-1"
    assert client.get("/es/autorizaciones/nothing/").status_code == 404
    assert client.get("/api/v1/records/authorizations/nothing").status_code == 404


def test_refusals_write_nothing(world: dict[str, Any]) -> None:
    counts = (Revision.objects.count(), MergedRecord.objects.count(), Citation.objects.count())
    with pytest.raises(MergeRefused, match="into itself"):
        merge(m.Authorization, "cur-1", "cur-1", reason="x", author="ed")
    with pytest.raises(MergeRefused, match=r"no .* record with id 'nope'"):
        merge(m.Authorization, "nope", "cur-1", reason="x", author="ed")
    with pytest.raises(MergeRefused, match=r"no .* record with id 'cur-1'"):
        merge(m.Activity, "act-1", "cur-1", reason="x", author="ed")  # a record of another type
    with pytest.raises(MergeRefused, match="reason"):
        merge(m.Authorization, "rl-500", "cur-1", reason=" ", author="ed")
    assert (Revision.objects.count(), MergedRecord.objects.count(), Citation.objects.count()) == counts
    assert m.Authorization.objects.filter(pk="rl-500").exists()


def test_merging_twice_is_refused_and_chains_are_followed(world: dict[str, Any]) -> None:
    merge(m.Authorization, "rl-500", "cur-1", reason="same", author="ed")
    with pytest.raises(MergeRefused, match="already merged into 'cur-1'"):
        merge(m.Authorization, "rl-500", "cur-1", reason="same", author="ed")
    with pytest.raises(MergeRefused, match="was merged into 'cur-1'"):
        merge(m.Authorization, "rl-600", "rl-500", reason="same", author="ed")
    merge(m.Authorization, "cur-1", "rl-600", reason="same again", author="ed")  # A→B, then B→C
    assert resolve_merged(m.Authorization, ["rl-500", "cur-1", "rl-600"]) == {"rl-500": "rl-600", "cur-1": "rl-600"}
    assert Client().get("/es/autorizaciones/rl-500/")["Location"] == "/es/autorizaciones/rl-600/"
    survivor = m.Authorization.objects.get(pk="rl-600")
    assert {"rl-500", "cur-1", "rl-600"} <= {r.object_id for r in history(survivor)}
    assert not survivor.modifies.exists()  # a link to itself is dropped


def test_merges_file_is_idempotent(world: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "merges.yaml"
    path.write_text("- {type: authorizations, old: rl-500, survivor: cur-1, reason: same}\n", encoding="utf-8")
    done, skipped = apply_merges(path, author="init")
    assert [r.old_id for r in done] == ["rl-500"] and skipped == []
    revisions = Revision.objects.count()
    assert apply_merges(path, author="init") == ([], ["rl-500"])
    assert Revision.objects.count() == revisions
    path.write_text("- {type: authorizations, old: rl-500}\n", encoding="utf-8")
    with pytest.raises(MergeRefused, match="needs type, old, survivor and reason"):
        apply_merges(path, author="init")


def test_cli_duplicates_and_merge(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["duplicates", "--type", "authorizations", "--format", "json", "--min-score", "0"]) == 0
    found = json.loads(capsys.readouterr().out)
    pair = next(c for c in found if set(c["ids"]) == {"cur-1", "rl-500"})
    assert pair["reasons_es"] and pair["reasons_en"] and 0 < pair["score"] <= 1
    assert main(["duplicates", "--type", "funding"]) == 1
    assert "funding" in capsys.readouterr().err
    assert main(["merge", "authorizations", "rl-500", "cur-1", "--reason", "same", "--author", "ed"]) == 0
    assert "rl-500" in capsys.readouterr().out
    assert main(["merge", "authorizations", "rl-500", "cur-1", "--reason", "same"]) == 1
    assert "no se fusionó nada: 'rl-500' ya fue fusionado en 'cur-1'" in capsys.readouterr().err  # all in Spanish


@pytest.mark.parametrize("command", ["duplicates", "merge"])
def test_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0 and command in capsys.readouterr().out
