"""The precedence rules and the per-field decision, as pure functions (no database)."""

from __future__ import annotations

import datetime as dt

from veeduria.evidence.precedence import CURATED, IMPORTED, RULES, Claim, decide, same_statement
from veeduria.evidence.writes import is_empty, provenance_from_revisions, resolve, same_value


def claim(value: object, origin: str = IMPORTED, source: str = "s", kind: str = "dataset", **kw: object) -> Claim:
    return Claim(value, origin, source, kind, kw.pop("reliability", "confirmed"), **kw)  # type: ignore[arg-type]


def test_rules_are_data_in_a_fixed_order() -> None:
    assert [name for name, _attr, _order in RULES] == ["origin", "source_kind", "reliability", "incumbent"]


def test_curated_decision_over_an_import_whatever_the_source_kind() -> None:
    imported = claim(1, IMPORTED, "register", "official", incumbent=True)
    curated = claim(2, CURATED, "press-a", "press")
    d = decide(imported, curated)
    assert (d.preferred, d.other, d.rule) == (curated, imported, "origin")


def test_official_over_dataset_over_press() -> None:
    press = claim(1, source="p", kind="press", incumbent=True)
    data = claim(2, source="d", kind="dataset")
    official = claim(3, source="o", kind="official")
    assert decide(press, data).preferred is data
    assert decide(data, official).preferred is official
    assert decide(official, press).preferred is official
    assert decide(press, data).rule == "source_kind"


def test_reliability_then_the_value_in_place() -> None:
    weak = claim(1, source="a", reliability="weak", incumbent=True)
    sure = claim(2, source="b")
    assert decide(weak, sure).preferred is sure
    first = claim(1, source="a", incumbent=True)
    second = claim(2, source="b")
    d = decide(first, second)
    assert (d.preferred, d.rule) == (first, "incumbent")


def test_unknown_kinds_rank_last() -> None:
    odd = claim(1, source="a", kind="rumour", incumbent=True)
    assert decide(odd, claim(2, source="b", kind="weak")).preferred.value == 2


def test_same_statement() -> None:
    assert same_statement(claim(1, CURATED, ""), claim(2, CURATED, "x"))
    assert same_statement(claim(1, source="f"), claim(2, source="f"))
    assert not same_statement(claim(1, source="f"), claim(2, source="g"))
    assert not same_statement(claim(1, CURATED, ""), claim(2, IMPORTED, "g"))


def test_resolve_fill_keep_and_replace() -> None:
    assert resolve(claim(None, incumbent=True), claim(5)).set  # fill an empty field
    assert not resolve(claim(5, incumbent=True), claim(None, source="t")).set  # saying nothing unsays nothing
    assert not resolve(claim(5, source="a", incumbent=True), claim(5, source="b")).set  # the same value
    again = resolve(claim(5, source="a", incumbent=True), claim(6, source="a"))
    assert again.set and again.keep is None  # the same source restating: replaced, the revision keeps it
    lost = resolve(claim(5, CURATED, "", incumbent=True), claim(6, IMPORTED, "reg"))
    assert not lost.set and lost.keep is not None and lost.keep.value == 6 and lost.rule == "origin"
    won = resolve(claim(5, IMPORTED, "reg", incumbent=True), claim(6, CURATED, "press"))
    assert won.set and won.keep is not None and won.keep.value == 5


def test_values_compared_by_meaning() -> None:
    assert is_empty("") and is_empty([]) and is_empty(None) and not is_empty(0) and not is_empty(False)
    assert same_value(dt.date(2018, 4, 5), "2018-04-05")
    assert same_value(["b", "a"], ["a", "b"])
    assert not same_value(dt.date(2018, 4, 4), dt.date(2018, 4, 5))


def test_provenance_from_revisions() -> None:
    rows = [
        ("create", {}, "fa-file"),
        ("update", {"amount": [1, 2], "program": ["", "x"]}, ""),
        ("update", {"amount": [2, 3]}, "fa-other"),
    ]
    fields, creator = provenance_from_revisions(rows)
    assert creator == (IMPORTED, "fa-file")
    assert fields["amount"] == (IMPORTED, "fa-other")
    assert fields["program"] == (CURATED, "")
    assert fields.get("stage", creator) == (IMPORTED, "fa-file")


def test_same_value_across_the_types_a_database_gives_back() -> None:
    from decimal import Decimal

    assert same_value(Decimal("1.50"), 1.5) and same_value(Decimal("560000000.00"), Decimal("560000000"))
    assert same_value(dt.datetime(2020, 1, 2, 0, 0), dt.date(2020, 1, 2))
    assert not same_value(Decimal("1.5"), "uno") and not same_value(Decimal("1.5"), Decimal("1.6"))
