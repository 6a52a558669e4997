"""The compliance rules on plain facts (no database)."""

from __future__ import annotations

from datetime import date

from veeduria.oversight import rules
from veeduria.oversight.facts import (
    ActivityFacts,
    AuthorizationFacts,
    EntryRule,
    Item,
    LegalFramework,
    Place,
    PlaceTable,
    normalize,
    place_parts,
)

FW = LegalFramework(
    host="per",
    entries=(
        EntryRule("legislative", armed=True),
        EntryRule("ministerial", kinds=frozenset({"meeting", "training"}), armed=False),
        EntryRule("legislative", kinds=frozenset({"exercise"})),
    ),
    instruments={"rl": "legislative", "rm": "ministerial"},
    unarmed_only={"rm": ("ley-27856-art-5",)},
    registers={"legislative": (date(1993, 1, 1), date(2024, 12, 31))},
)
PLACES = PlaceTable(
    aliases={"provincia constitucional del callao": "callao"}, departments=frozenset({"lima", "arequipa", "callao"})
)


def act(**kw: object) -> ActivityFacts:
    base: dict[str, object] = {
        "id": "a", "kind": "exercise", "host": "per", "countries": frozenset({"usa"}),
        "start": date(2023, 7, 1), "end": date(2023, 7, 10), "place": "Lima", "place_precision": "locality",
        "personnel_best": 100, "linked": ("rl",),
    }  # fmt: skip
    base.update(kw)
    return ActivityFacts(**base)  # type: ignore[arg-type]


def auth(**kw: object) -> AuthorizationFacts:
    base: dict[str, object] = {
        "id": "rl", "instrument_type": "rl", "host": "per", "foreign": frozenset({"usa"}),
        "window_start": date(2023, 6, 1), "window_end": date(2023, 8, 31), "personnel_total": 200,
        "places": (Place("Lima"), Place("Callao")), "armed": True,
    }  # fmt: skip
    base.update(kw)
    return AuthorizationFacts(**base)  # type: ignore[arg-type]


def check(a: ActivityFacts, *auths: AuthorizationFacts) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in rules.check(a, list(auths), FW, PLACES)]


def test_compliant_activity_has_no_finding() -> None:
    assert check(act(), auth()) == []


def test_no_authorization_is_a_violation_and_dates_unknown_undetermined() -> None:
    assert check(act()) == [("no_authorization", "violation")]
    assert check(act(start=None, end=None)) == [("no_authorization", "undetermined")]


def test_no_authorization_outside_a_complete_register_is_undetermined() -> None:
    """Finding no authorization proves nothing where the database does not hold every instrument of the level."""
    later = act(start=date(2025, 3, 1), end=date(2025, 3, 5))  # after the register's last day
    assert check(later) == [("no_authorization", "undetermined")]
    course = act(kind="training")  # needs a ministerial resolution: no register of those
    found = rules.check(course, [], FW, PLACES)
    assert [(f.rule, f.severity) for f in found] == [("no_authorization", "undetermined")]
    assert "no prueba" in found[0].explanations()[0] and "does not prove" in found[0].explanations()[1]


def test_outside_window_day_precision_is_violation() -> None:
    assert check(act(start=date(2023, 9, 2), end=date(2023, 9, 5)), auth()) == [("outside_window", "violation")]


def test_month_precision_overlapping_is_undetermined_never_violation() -> None:
    a = act(start=date(2023, 8, 1), start_precision="month", end=None)
    assert check(a, auth(window_end=date(2023, 8, 15))) == [("outside_window", "undetermined")]


def test_periods_with_a_gap() -> None:
    periods = ((date(2023, 6, 1), date(2023, 6, 30)), (date(2023, 8, 1), date(2023, 8, 31)))
    assert check(act(), auth(periods=periods)) == [("outside_window", "violation")]
    touching = ((date(2023, 6, 1), date(2023, 6, 30)), (date(2023, 7, 1), date(2023, 8, 31)))
    assert check(act(), auth(periods=touching)) == []


def test_personnel_low_over_is_violation_only_high_over_undetermined() -> None:
    assert check(act(personnel_best=None, personnel_low=250), auth()) == [("personnel_over_limit", "violation")]
    high = act(personnel_best=None, personnel_low=150, personnel_high=250)
    assert check(high, auth()) == [("personnel_over_limit", "undetermined")]
    with_host = act(personnel_best=None, personnel_low=250, countries=frozenset({"usa", "per"}))
    assert check(with_host, auth()) == [("personnel_over_limit", "undetermined")]


def test_place_accents_case_and_aliases() -> None:
    assert check(act(place="LIMA y Provincia Constitucional del Callao"), auth()) == []
    assert check(act(place="Arequipa"), auth()) == [("place_not_authorized", "violation")]
    assert place_parts("Callao, Ancón y Salinas (fase)", PLACES) == ["callao", "ancon", "salinas"]
    assert normalize("Junín") == "junin"


def test_unlisted_items_and_armed_ministerial() -> None:
    a = act(equipment=(Item("aircraft", "C-130", 1),))
    assert check(a, auth(items=(Item("aircraft", "C-17", 1),))) == [("items_not_listed", "violation")]
    rm = auth(instrument_type="rm", armed=False, items=(Item("weapon", "fusiles"),))
    meeting = act(kind="meeting", equipment=(Item("weapon", "fusiles"),))
    assert ("armed_ministerial", "violation") in check(meeting, rm)
    assert check(act(kind="meeting"), rm) == []
    assert check(act(kind="exercise"), auth(instrument_type="rm", armed=False)) == [
        ("instrument_insufficient", "violation")
    ]


def test_limits_unknown_names_what_is_missing() -> None:
    found = rules.check(act(), [auth(limits_known=False, personnel_total=None, places=())], FW, PLACES)
    assert [(f.rule, f.severity) for f in found] == [("limits_unknown", "undetermined")]
    assert "personnel" in found[0].values["missing"]
    assert "número de efectivos" in found[0].explanations()[0]


def test_thin_evidence_is_undetermined() -> None:
    assert check(act(personnel_best=None), auth()) == [("personnel_over_limit", "undetermined")]
    assert check(act(place="", place_precision="unknown"), auth()) == [("place_not_authorized", "undetermined")]


def test_candidates_explicit_links_then_window_and_country() -> None:
    by_id = {"x": auth(id="x"), "y": auth(id="y", foreign=frozenset({"bra"})), "z": auth(id="z", window_end=None)}
    found = rules.candidates_for(act(linked=()), by_id, by_id.values())
    assert [x.id for x in found] == ["x", "z"]
    assert [x.id for x in rules.candidates_for(act(linked=("y",)), by_id, by_id.values())] == ["y"]
    later = act(start=date(2025, 1, 1), end=date(2025, 1, 2), linked=())
    assert rules.candidates_for(later, by_id, by_id.values()) == []


def test_a_breach_of_an_authorization_not_linked_to_the_activity_is_undetermined() -> None:
    """Matching countries and dates do not say which authorization covered the activity: no violation asserted."""
    loose = act(start=date(2023, 8, 20), end=date(2023, 9, 5), linked=())
    found = rules.check(loose, [auth()], FW, PLACES)
    assert [(f.rule, f.severity) for f in found] == [("outside_window", "undetermined")]
    assert "no se afirma un incumplimiento" in found[0].explanations()[0]
    assert found[0].values["unlinked"] is True
    linked = act(start=date(2023, 8, 20), end=date(2023, 9, 5))
    assert check(linked, auth()) == [("outside_window", "violation")]
