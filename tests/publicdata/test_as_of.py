"""``--as-of``: the public data as it stood at the end of a past day, rebuilt from the revision history."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from veeduria.evidence.models import MergedRecord, Revision
from veeduria.evidence.revisions import withdraw
from veeduria.ingest.dataset import load_folder
from veeduria.publicdata.bundle import ExportSet
from veeduria.publicdata.streams import Selection, iter_type
from veeduria.records import models as m
from veeduria.records.merge import merge

from .conftest import at, date_revisions, edit_authorizations


def authorizations(day: str | None, *, include_withdrawn: bool = False) -> dict[str, dict[str, Any]]:
    as_of = dt.date.fromisoformat(day) if day else None
    rows = iter_type("authorizations", Selection(as_of=as_of, include_withdrawn=include_withdrawn))
    return {r["id"]: r for r in rows}


def _second(records: list[dict[str, Any]]) -> None:
    records[0]["personnel_total"] = 30
    records[0]["places"].append({"name": "Callao", "department": "Callao"})
    records.append({**records[0], "id": "rl-200", "number": "200", "personnel_total": 5, "places": []})


@pytest.fixture
def history(loaded: Path) -> Path:
    """rl-100 published on 10 January 2024 with 25 personnel; on 1 March changed to 30 (and a second place) and
    rl-200 published; rl-100 withdrawn on 1 May."""
    date_revisions("2024-01-10")
    edit_authorizations(loaded, _second)
    load_folder(loaded, author="test")
    date_revisions("2024-03-01", created_at__gt=at("2024-01-11"))
    withdraw(m.Authorization.objects.get(pk="rl-100"), reason="duplicado", author="test")
    date_revisions("2024-05-01", action=Revision.Action.WITHDRAW)
    return loaded


@pytest.mark.django_db
def test_the_old_date_gives_the_old_data(history: Path) -> None:
    old = authorizations("2024-02-01")
    assert list(old) == ["rl-100"]  # rl-200 did not exist yet
    assert old["rl-100"]["personnel_total"] == 25
    assert [p["name"] for p in old["rl-100"]["places"]] == ["Lima"]
    assert old["rl-100"]["status"] == "published"


@pytest.mark.django_db
def test_a_later_date_gives_the_change_and_the_new_record(history: Path) -> None:
    march = authorizations("2024-03-01")  # the end of the day of the change
    assert sorted(march) == ["rl-100", "rl-200"]
    assert march["rl-100"]["personnel_total"] == 30
    assert [p["name"] for p in march["rl-100"]["places"]] == ["Lima", "Callao"]
    assert march["rl-200"]["personnel_total"] == 5


@pytest.mark.django_db
def test_a_record_withdrawn_later_is_present_when_it_was_published(history: Path) -> None:
    assert "rl-100" in authorizations("2024-04-30")
    assert "rl-100" not in authorizations("2024-05-01")
    assert "rl-100" not in authorizations(None)
    withdrawn = authorizations("2024-05-01", include_withdrawn=True)["rl-100"]
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_reason"] == "duplicado"


@pytest.mark.django_db
def test_before_anything_was_published_there_is_nothing(history: Path) -> None:
    assert authorizations("2024-01-09") == {}
    assert list(iter_type("countries", Selection(as_of=dt.date(2024, 1, 9)))) == []
    assert len(list(iter_type("countries", Selection(as_of=dt.date(2024, 1, 10))))) == 2


@pytest.mark.django_db
def test_today_matches_the_live_export(history: Path) -> None:
    today = dt.date.today() + dt.timedelta(days=1)
    for key in ("authorizations", "countries", "sources"):
        assert list(iter_type(key, Selection(as_of=today))) == list(iter_type(key, Selection())), key


@pytest.mark.django_db
def test_a_record_merged_away_later_is_rebuilt(history: Path) -> None:
    merge(m.Authorization, "rl-200", "rl-100", reason="la misma resolución", author="test")
    Revision.objects.filter(action=Revision.Action.MERGE).update(created_at=at("2024-06-01"))
    MergedRecord.objects.update(merged_at=at("2024-06-01"))
    assert not m.Authorization.objects.filter(pk="rl-200").exists()
    before = authorizations("2024-03-15")
    assert before["rl-200"]["personnel_total"] == 5 and before["rl-200"]["number"] == "200"
    assert "rl-200" not in authorizations("2024-06-01", include_withdrawn=True)


@pytest.mark.django_db
def test_an_as_of_export_set(history: Path, tmp_path: Path) -> None:
    manifest = ExportSet(tmp_path, Selection(as_of=dt.date(2024, 2, 1)), "es").write()
    assert manifest["as_of"] == "2024-02-01"
    counts = {f["name"]: f["records"] for f in manifest["files"]}
    assert counts["authorizations.jsonl"] == 1 and "findings.csv" not in counts
    with (tmp_path / "authorizations.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["Personal autorizado (total)"] == "25"
    line = json.loads((tmp_path / "authorizations.jsonl").read_text(encoding="utf-8"))
    assert line["citations"][0]["source"]["title"] == "Official register page"


@pytest.mark.django_db
def test_a_record_without_history_counts_from_when_it_was_written(history: Path) -> None:
    from veeduria.evidence.models import Source

    Source.objects.create(id="data-set", title="An imported data set", kind="dataset")  # no revision
    sources = {r["id"] for r in iter_type("sources", Selection(as_of=dt.date(2024, 2, 1)))}
    assert sources == {"src-official", "src-press-a", "src-press-b"}
    Source.objects.filter(pk="data-set").update(created_at=at("2023-12-01"))
    assert "data-set" in {r["id"] for r in iter_type("sources", Selection(as_of=dt.date(2024, 2, 1)))}
