"""The value rules of ``veeduria.evidence.cleaning`` on their own (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from veeduria.evidence.cleaning import (
    CROSS_RULES,
    CleanError,
    check_fields,
    check_record,
    clean_field,
    clean_json,
    period_end,
    precision_field,
)
from veeduria.evidence.models import Source
from veeduria.records import models as m


def field(model: Any, name: str) -> Any:
    return model._meta.get_field(name)


COST = field(m.Agreement, "estimated_cost")  # max_digits=18, decimal_places=2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e30, "1e+30 has more than 16 digits before the decimal point"),
        ("1e30", "1e30 has more than 16 digits before the decimal point"),
        (Decimal("10000000000000000"), "more than 16 digits before the decimal point"),
        (float("nan"), "nan is not a finite number"),
        (float("inf"), "inf is not a finite number"),
        (float("-inf"), "-inf is not a finite number"),
        (Decimal("NaN"), "is not a finite number"),
        ("Infinity", "is not a finite number"),
        (1.234, "1.234 has more than 2 decimal places"),
        (Decimal("9999999999999999.99"), "has more than 15 significant digits (SQLite keeps no more)"),
        (Decimal("1234567890123456"), "has more than 15 significant digits"),
        (True, "a number is expected, got True"),
        ("12,5", "a number is expected, got '12,5'"),
        ([1], "a number is expected, got [1]"),
    ],
)
def test_decimal_refused(value: Any, expected: str) -> None:
    with pytest.raises(CleanError) as info:
        clean_field(COST, value)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("9999999999999990.00"), Decimal("9999999999999990.00")),  # 16 whole digits, 15 significant
        (Decimal("-9999999999999.99"), Decimal("-9999999999999.99")),
        (74000000, Decimal("74000000")),
        ("1.500", Decimal("1.50")),  # trailing zeros are not decimal places lost
        (1.5, Decimal("1.5")),
        (0, Decimal(0)),
        (None, None),
    ],
)
def test_decimal_accepted(value: Any, expected: Any) -> None:
    assert clean_field(COST, value) == expected


def test_required_decimal_refuses_empty() -> None:
    with pytest.raises(CleanError, match="a value is required"):
        clean_field(field(m.Funding, "amount"), None)


@pytest.mark.parametrize(
    ("model", "name", "value", "expected"),
    [
        (m.Activity, "personnel_best", 2147483648, "2147483648 is out of range (0 to 2147483647)"),
        (m.Activity, "personnel_best", -1, "-1 is out of range (0 to 2147483647)"),
        (m.Activity, "personnel_best", 2.5, "2.5 is not a whole number"),
        (m.PersonnelCount, "year", 40000, "40000 is out of range (0 to 32767)"),
        (m.PersonnelCount, "month", 13, "13 is out of range (1 to 12)"),
        (m.PersonnelCount, "month", 0, "0 is out of range (1 to 12)"),
        (m.Activity, "latitude", 90.5, "90.5 is out of range (-90 to 90)"),
        (m.Facility, "longitude", -180.01, "-180.01 is out of range (-180 to 180)"),
        (m.Activity, "latitude", float("nan"), "nan is not a finite number"),
        (m.Activity, "kind", "war", "'war' is not one of: exercise, training"),
        (m.Activity, "name_es", "x" * 501, "longer than 500 characters"),
        (m.Activity, "description_es", "a\x00b", "contains a NUL character"),
        (m.Activity, "start_date", dt.datetime(2020, 1, 1), "a date is expected"),
        (m.Authorization, "armed", "yes", "true or false is expected"),
        (m.Activity, "name_es", 5, "text expected, got int"),
    ],
)
def test_field_limits(model: Any, name: str, value: Any, expected: str) -> None:
    with pytest.raises(CleanError) as info:
        clean_field(field(model, name), value)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (m.Activity, "personnel_best", 2147483647),
        (m.Activity, "personnel_best", 0),
        (m.Activity, "latitude", -90),
        (m.Activity, "longitude", 180.0),
        (m.Activity, "name_es", "x" * 500),
        (m.Funding, "sector", ""),  # blank allowed: unknown
        (m.Activity, "host_country", "anything"),  # relations are checked against the database elsewhere
        (Source, "kind", "press"),
    ],
)
def test_field_limits_reached_not_passed(model: Any, name: str, value: Any) -> None:
    assert clean_field(field(model, name), value) == value


def test_json_values_must_be_storable() -> None:
    assert clean_json({"a": [1, 2.5, "x"]}) == {"a": [1, 2.5, "x"]}
    for bad in (float("nan"), [1, float("inf")], {"k": "a\x00"}):
        with pytest.raises(CleanError):
            clean_json(bad)


def test_check_fields_names_each_bad_field() -> None:
    errors = check_fields(m.Activity, {"cost": Decimal("1e20"), "latitude": 95.0, "name_es": "ok", "x": 1})
    assert [name for name, _message in errors] == ["cost", "latitude"]


def test_end_before_start() -> None:
    values = {"start_date": dt.date(2020, 3, 10), "end_date": dt.date(2020, 3, 9)}
    assert check_record(m.Activity, values) == [("end_date", "2020-03-09 is before 'start_date' (2020-03-10)")]
    assert check_record(m.Activity, values, labels=True) == [("end_date", "2020-03-09 is before 'start' (2020-03-10)")]
    assert check_record(m.Activity, {**values, "end_date": dt.date(2020, 3, 10)}) == []
    assert check_record(m.Activity, {**values, "end_date": None}) == []
    assert check_record(m.Activity, {"start_date": dt.date(2020, 3, 10)}) == []


def test_dates_compare_by_precision() -> None:
    """An end known to the month (stored as its first day) may be any day of that month."""
    start = dt.date(2008, 6, 12)
    month = {"start_date": start, "end_date": dt.date(2008, 6, 1), "end_precision": "month"}
    assert check_record(m.Activity, month) == []
    assert check_record(m.Activity, {**month, "end_date": dt.date(2008, 5, 1)}) != []
    year = {"start_date": start, "end_date": dt.date(2008, 1, 1), "end_precision": "year"}
    assert check_record(m.Activity, year) == []
    assert check_record(m.Activity, {**year, "end_precision": "day"}) != []
    assert period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)
    assert period_end(dt.date(2024, 2, 1), "unknown") is None


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"personnel_low": 10, "personnel_best": 5, "personnel_high": 20}, ["personnel_best"]),
        ({"personnel_low": 1, "personnel_best": 50, "personnel_high": 20}, ["personnel_high"]),
        ({"personnel_low": 30, "personnel_high": 20}, ["personnel_high"]),
        ({"personnel_low": 30, "personnel_best": 20, "personnel_high": 10}, ["personnel_best", "personnel_high"]),
        ({"personnel_low": 5, "personnel_best": 5, "personnel_high": 5}, []),
    ],
)
def test_low_best_high(values: dict[str, int], errors: list[str]) -> None:
    assert [name for name, _message in check_record(m.Activity, values)] == errors


@pytest.mark.parametrize(
    ("model", "first", "second"),
    [
        (m.Agreement, "effective_on", "ends_on"),
        (m.Agreement, "signed_on", "ends_on"),
        (m.Authorization, "window_start", "window_end"),
        (m.Authorization, "approved_on", "published_on"),
        (m.Authorization, "promulgated_on", "published_on"),
        (m.AuthorizedPeriod, "start", "end"),
        (m.FacilityUse, "start_date", "end_date"),
    ],
)
def test_rules_of_each_model(model: Any, first: str, second: str) -> None:
    later, earlier = dt.date(2020, 5, 2), dt.date(2020, 5, 1)
    assert check_record(model, {first: later, second: earlier})[0][0] == second
    assert check_record(model, {first: earlier, second: later}) == []


def test_signed_after_effective_is_allowed() -> None:
    """Agreements may take effect before they are signed (retroactive effect)."""
    values = {"signed_on": dt.date(1942, 3, 11), "effective_on": dt.date(1942, 2, 14)}
    assert check_record(m.Agreement, values) == []


def test_rules_name_real_fields() -> None:
    for model, rules in CROSS_RULES.items():
        for first, op, second in rules:
            assert op == "<="
            field(model, first), field(model, second)
    assert precision_field(m.Activity, "start_date") == "start_precision"
    assert precision_field(m.Authorization, "window_start") == "window_start_precision"
    assert precision_field(m.AuthorizedPeriod, "start") is None


def test_automatic_ids_are_not_checked() -> None:
    assert clean_field(field(m.AuthorizedPeriod, "id"), object) is object
