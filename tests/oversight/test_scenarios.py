"""Scenarios that are not in the repository, loaded on top of the bundled dataset: each activity gets exactly the
right finding (rule and severity), compliant ones none; findings follow changes made through the ORM and the
loader (signals); a host country without a framework file gets "undetermined: no framework".

The scenario records are fictional (a foreign country "Escenaria", XSC, that no bundled authorization names;
dates in 2019–2020, inside the Congress register, where the bundled authorizations naming no country do not
reach)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.db import transaction
from django.test import override_settings

from tests.conftest import BUNDLED
from veeduria.ingest.dataset import load_folder
from veeduria.oversight import engine
from veeduria.oversight.models import Finding, SpanBound
from veeduria.oversight.queries import country_names
from veeduria.records.models import Activity, Authorization, Country

SOURCE = [{"id": "scn-fuente", "title": "Escenario de prueba (ficticio)", "kind": "official"}]
CITE = [{"source": "scn-fuente"}]
COUNTRIES = [
    {"id": "xsc", "iso3": "XSC", "name_es": "Escenaria", "name_en": "Scenaria", "citations": CITE},
    {"id": "xhc", "iso3": "XHC", "name_es": "Anfitriona", "name_en": "Hostland", "citations": CITE},
]


def _auth(pk: str, start: str, end: str, covers: list[str], **kw: object) -> dict[str, object]:
    """A legislative resolution for Escenaria's forces: 100 personnel, in Lima (Ancón), linked to ``covers``."""
    record: dict[str, object] = {
        "id": pk,
        "instrument_type": "rl",
        "title_es": f"Autorización {pk}",
        "host_country": "per",
        "foreign_countries": ["xsc"],
        "window_start": start,
        "window_end": end,
        "personnel_total": 100,
        "armed": False,
        "places": [{"name": "Ancón", "department": "Lima"}],
        "activities": covers,
        "citations": CITE,
    }
    record.update(kw)
    return record


def _act(pk: str, start: str, end: str, kind: str = "exercise", **kw: object) -> dict[str, object]:
    """Escenaria's forces in Peru: 40 of them, in Ancón (Lima)."""
    record: dict[str, object] = {
        "id": pk,
        "kind": kind,
        "name_es": f"Escenario {pk}",
        "host_country": "per",
        "start_date": start,
        "end_date": end,
        "place": "Ancón",
        "department": "Lima",
        "place_precision": "locality",
        "personnel_low": 30,
        "personnel_best": 40,
        "personnel_high": 45,
        "countries": ["xsc"],
        "citations": CITE,
    }
    record.update(kw)
    return record


ACTIVITIES = [
    _act("scn-compliant-linked", "2019-03-02", "2019-03-08"),
    _act("scn-compliant-matched", "2020-08-03", "2020-08-05"),  # covered by countries and dates, no link
    _act("scn-outside", "2019-04-01", "2019-04-05"),
    _act("scn-personnel", "2019-05-02", "2019-05-04", personnel_low=120, personnel_best=150, personnel_high=180),
    _act("scn-place", "2019-06-02", "2019-06-04", place="Iquitos", department="Loreto"),
    _act("scn-armed-rm", "2019-07-02", "2019-07-04", kind="training"),
    _act("scn-month", "2019-08", "2019-08"),
    _act("scn-limits-unknown", "2019-09-02", "2019-09-04"),
    _act("scn-none", "2019-10-14", "2019-10-18"),
    _act("scn-other-host", "2019-10-14", "2019-10-18", host_country="xhc", department="", place="Ciudad"),
]
AUTHORIZATIONS = [
    _auth("scn-rl-march", "2019-03-01", "2019-03-10", ["scn-compliant-linked"]),
    _auth("scn-rl-august-2020", "2020-08-01", "2020-08-10", []),
    _auth("scn-rl-march-b", "2019-03-11", "2019-03-20", ["scn-outside"]),
    _auth("scn-rl-may", "2019-05-01", "2019-05-10", ["scn-personnel"]),
    _auth("scn-rl-june", "2019-06-01", "2019-06-10", ["scn-place"]),
    _auth("scn-rm-july", "2019-07-01", "2019-07-10", ["scn-armed-rm"], instrument_type="rm", armed=True),
    _auth("scn-rl-august", "2019-08-10", "2019-08-20", ["scn-month"]),
    _auth(
        "scn-rl-september",
        "2019-09-01",
        "2019-09-10",
        ["scn-limits-unknown"],
        limits_known=False,
        personnel_total=None,
        places=[],
    ),
]
#: activity → the (rule, severity) of each of its findings, exactly
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "scn-compliant-linked": set(),
    "scn-compliant-matched": set(),
    "scn-outside": {("outside_window", "violation")},
    "scn-personnel": {("personnel_over_limit", "violation")},
    "scn-place": {("place_not_authorized", "violation")},
    "scn-armed-rm": {("armed_ministerial", "violation")},
    "scn-month": {("outside_window", "undetermined")},
    "scn-limits-unknown": {("limits_unknown", "undetermined")},
    "scn-none": {("no_authorization", "violation")},
}


def write_scenarios(folder: Path, activities: list[dict[str, object]] | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    files = {
        "sources.yaml": SOURCE,
        "countries.yaml": COUNTRIES,
        "activities.yaml": activities if activities is not None else ACTIVITIES,
        "authorizations.yaml": AUTHORIZATIONS,
    }
    for name, records in files.items():
        (folder / name).write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def findings_of(pk: str) -> set[tuple[str, str]]:
    return set(Finding.objects.filter(activity_id=pk).values_list("rule", "severity"))


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    load_folder(BUNDLED)
    folder = write_scenarios(tmp_path / "scenarios")
    load_folder(folder)
    engine.recompute_all()
    return folder


@pytest.mark.django_db(transaction=True)
def test_each_scenario_gets_exactly_its_finding(loaded: Path) -> None:
    for pk, expected in EXPECTED.items():
        assert findings_of(pk) == expected, pk
    # the finding says what it compared, and against which authorization
    outside = Finding.objects.get(activity_id="scn-outside")
    assert outside.authorization_id == "scn-rl-march-b"
    assert outside.values["window_end"] == "2019-03-20"
    assert Finding.objects.get(activity_id="scn-none").authorization_id is None
    unknown = Finding.objects.get(activity_id="scn-limits-unknown")
    assert set(unknown.values["missing"]) >= {"personnel", "places"}
    # the bundled data is judged as before: scenarios add findings, they do not change others
    assert Finding.objects.exclude(activity__id__startswith="scn-").exists()
    # not the configured host and no framework: not judged
    assert findings_of("scn-other-host") == set()


@pytest.mark.django_db(transaction=True)
def test_loader_and_orm_changes_recompute(loaded: Path) -> None:
    # the loader: the out-of-window activity moved inside its window (one transaction, recomputed at commit)
    moved = [
        dict(a, start_date="2019-03-12", end_date="2019-03-14") if a["id"] == "scn-outside" else a for a in ACTIVITIES
    ]
    load_folder(write_scenarios(loaded, moved))
    assert findings_of("scn-outside") == set()
    # the ORM: more personnel than authorized
    act = Activity.objects.get(pk="scn-compliant-linked")
    act.personnel_low, act.personnel_best, act.personnel_high = 200, 210, 220
    act.save()
    assert findings_of("scn-compliant-linked") == {("personnel_over_limit", "violation")}
    # a child row of the authorization: the limit raised
    auth = Authorization.objects.get(pk="scn-rl-march")
    auth.personnel_total = 500
    auth.save()
    assert findings_of("scn-compliant-linked") == set()
    # an authorized place removed: the place no longer matches
    auth.places.all().delete()
    auth.places.create(name="Iquitos", department="Loreto")
    assert findings_of("scn-compliant-linked") == {("place_not_authorized", "violation")}


@pytest.mark.django_db(transaction=True)
def test_links_deletion_and_window_changes_recompute(loaded: Path) -> None:
    auth = Authorization.objects.get(pk="scn-rl-march")
    act = Activity.objects.get(pk="scn-compliant-linked")
    # the link removed: the activity is still matched by countries and dates, so still covered
    auth.activities.remove(act)
    assert findings_of("scn-compliant-linked") == set()
    # ... until the window moves away from it (the activities the old window matched are recomputed)
    auth.window_start, auth.window_end = dt.date(2019, 11, 1), dt.date(2019, 11, 10)
    auth.save()
    assert findings_of("scn-compliant-linked") == {("no_authorization", "violation")}
    # linked again: checked against it, outside its window
    auth.activities.add(act)
    assert findings_of("scn-compliant-linked") == {("outside_window", "violation")}
    # a matched authorization losing its country: the activity it covered has none left
    matched = Authorization.objects.get(pk="scn-rl-august-2020")
    assert findings_of("scn-compliant-matched") == set()
    matched.foreign_countries.clear()
    assert findings_of("scn-compliant-matched") == set()  # naming no country, it matches every country
    matched.foreign_countries.add(Country.objects.get(pk="usa"))
    assert findings_of("scn-compliant-matched") == {("no_authorization", "violation")}
    # an authorization deleted: the activity it covered has no authorization left
    Authorization.objects.get(pk="scn-rl-may").delete()
    assert findings_of("scn-personnel") == {("no_authorization", "violation")}


@pytest.mark.django_db(transaction=True)
def test_another_host_without_framework_is_undetermined(loaded: Path) -> None:
    with override_settings(HOST_COUNTRY="XHC"):
        engine.recompute_all()
        found = Finding.objects.get(activity_id="scn-other-host")
    assert (found.rule, found.severity) == ("no_authorization", "undetermined")
    assert found.reason == "no_framework"
    es, en = found.explanations(country_names())
    assert "Hostland" in en and "Anfitriona" in es
    # Peru's activities are still judged by Peru's framework
    assert findings_of("scn-outside") == {("outside_window", "violation")}


@pytest.mark.django_db(transaction=True)
def test_near_activities_by_start_range_are_those_of_a_full_read(loaded: Path) -> None:
    """With the hosts' longest spans (set by the full recomputation) the activities an authorization could cover
    are read by a range of start dates: every activity that has it as a candidate, and none a full read of the
    host's activities would leave out."""
    assert SpanBound.objects.exists()
    auths = list(Authorization.objects.all())
    ranged = {a.pk: engine.activities_near(a) for a in auths}
    index = engine.AuthorizationIndex(engine.load_authorizations(Authorization.objects.all()).values())
    candidate_of: dict[str, set[str]] = {a.pk: set() for a in auths}
    for act in engine.iter_activities(Activity.objects.all()):
        for auth in index.candidates(act):
            candidate_of[auth.id].add(act.id)
    assert sum(map(len, candidate_of.values())) > 20
    SpanBound.objects.all().delete()
    for a in auths:
        assert candidate_of[a.pk] <= ranged[a.pk] <= engine.activities_near(a), a.pk


@pytest.mark.django_db(transaction=True)
def test_a_longer_activity_raises_the_span_bound(loaded: Path) -> None:
    """An activity made to last years is still found by an authorization whose window meets only its end."""
    before = SpanBound.objects.get(host_id="per").longest_days
    act = Activity.objects.get(pk="scn-none")
    act.start_date, act.end_date = dt.date(2001, 1, 1), dt.date(2031, 1, 1)
    act.save()
    assert SpanBound.objects.get(host_id="per").longest_days > max(before, 10_000)
    auth = Authorization.objects.get(pk="scn-rl-march")
    auth.window_start, auth.window_end = dt.date(2030, 12, 20), dt.date(2030, 12, 31)
    assert "scn-none" in engine.activities_near(auth)


def _all_findings() -> list[tuple[str, str | None, str, str, str]]:
    return sorted(Finding.objects.values_list("activity_id", "authorization_id", "rule", "severity", "reason"))


@pytest.mark.django_db(transaction=True)
def test_recomputing_each_activity_alone_gives_the_full_recomputation(loaded: Path) -> None:
    """The authorizations read for a few activities (a range of windows near their dates) are enough: every
    activity recomputed on its own gets the findings of the full recomputation."""
    whole = _all_findings()
    assert len(whole) > 10
    Finding.objects.all().delete()
    for pk in Activity.objects.values_list("pk", flat=True):
        engine.recompute_activities([pk])
    assert _all_findings() == whole


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_does_not_stop_later_recomputation(loaded: Path) -> None:
    """Changes noted in a transaction that rolls back are forgotten with it; the next transaction's changes are
    recomputed at its commit."""
    act = Activity.objects.get(pk="scn-compliant-linked")
    with pytest.raises(RuntimeError), transaction.atomic():
        act.personnel_low = act.personnel_best = act.personnel_high = 900
        act.save()
        raise RuntimeError("rolled back")
    assert findings_of("scn-compliant-linked") == set()
    with transaction.atomic():
        act.personnel_low, act.personnel_best, act.personnel_high = 200, 210, 220
        act.save()
    assert findings_of("scn-compliant-linked") == {("personnel_over_limit", "violation")}
