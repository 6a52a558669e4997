"""The presence assessment's pure rules (``veeduria.oversight.bases``), without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from veeduria.oversight.bases import (
    CRITERION_CODES,
    NO,
    RULES,
    UNKNOWN,
    YES,
    ClassificationFact,
    CountFact,
    FacilityFacts,
    FundingFact,
    ListingFact,
    ObservationFact,
    UseFact,
    assess_facts,
    categorize,
    summary,
)

BASE = FacilityFacts(id="f", name_es="Instalación", name_en="Facility", host="AAA", foreign="BBB")


def _obs(criterion: str, answer: str, pk: str = "") -> ObservationFact:
    return ObservationFact(pk or f"o-{criterion}-{answer}", criterion, answer, f"obs {criterion}", "")  # type: ignore[arg-type]


def _use(**kw: object) -> UseFact:
    values: dict[str, object] = {"id": "u", "user_country": "BBB", "label": "use", "confirmed": True}
    values.update(kw)
    return UseFact(**values)  # type: ignore[arg-type]


def test_nothing_documented_is_unknown_everywhere_and_no_presence() -> None:
    a = assess_facts(BASE)
    assert a.category == "none_documented"
    assert {c.code for c in a.criteria} == set(CRITERION_CODES)
    assert all(c.answer == UNKNOWN for c in a.criteria)  # unknown never becomes "no"


def test_each_category_is_reachable() -> None:
    base = assess_facts(replace(BASE, observations=(_obs("exclusive_control", YES), _obs("permanence", YES))))
    assert base.category == "foreign_base" and base.rule_index == 0
    command = assess_facts(
        replace(
            BASE,
            observations=(_obs("foreign_command", YES), _obs("permanence", YES), _obs("host_access", NO)),
        )
    )
    assert command.category == "foreign_base" and command.rule_index == 1
    standing = assess_facts(
        replace(BASE, uses=(_use(start=date(1989, 9, 8), end=date(1993, 12, 1), end_precision="month"),))
    )
    assert standing.category == "shared_standing"
    assert standing.answer("permanence") == YES
    short = assess_facts(replace(BASE, uses=(_use(start=date(2023, 10, 20), end=date(2023, 10, 27)),)))
    assert short.category == "temporary_use"
    assert short.answer("permanence") == NO
    assert summary([base, command, standing, short, assess_facts(BASE)]) == {
        "foreign_base": 2,
        "shared_standing": 1,
        "temporary_use": 1,
        "none_documented": 1,
    }


def test_rule_order_first_match_wins() -> None:
    answers = {code: YES for code in CRITERION_CODES}
    answers["host_access"] = NO
    index, rule = categorize(answers)
    assert (index, rule.category) == (0, "foreign_base")
    answers["exclusive_control"] = UNKNOWN
    assert categorize(answers)[0] == 1
    answers["host_access"] = YES  # host access: rule 2 fails, a standing presence remains
    assert categorize(answers)[1].category == "shared_standing"
    assert RULES[-1].conditions == ()


def test_unknown_never_satisfies_a_condition() -> None:
    answers = {code: UNKNOWN for code in CRITERION_CODES}
    assert categorize(answers)[1].category == "none_documented"
    answers["presence"] = YES
    assert categorize(answers)[1].category == "temporary_use"  # unknown permanence is not taken as standing


def test_open_ended_use_does_not_prove_permanence() -> None:
    a = assess_facts(replace(BASE, uses=(_use(start=date(1998, 1, 1), start_precision="year"),)))
    assert a.answer("presence") == YES
    assert a.answer("permanence") == UNKNOWN
    assert a.category == "temporary_use"


def test_date_precision_is_taken_into_account() -> None:
    # 1989 (year) to June 1990: certainly ~6 months, possibly ~18: neither a documented year nor surely shorter
    use = _use(start=date(1989, 1, 1), start_precision="year", end=date(1990, 6, 1), end_precision="month")
    assert assess_facts(replace(BASE, uses=(use,))).answer("permanence") == UNKNOWN
    # September 1989 (month) to December 1993 (month): certainly more than a year
    long = _use(start=date(1989, 9, 1), start_precision="month", end=date(1993, 12, 1), end_precision="month")
    assert assess_facts(replace(BASE, uses=(long,))).answer("permanence") == YES
    # a week in October 2023, known to the month only: at most a month, surely less than a year
    week = _use(start=date(2023, 10, 1), start_precision="month", end=date(2023, 10, 1), end_precision="month")
    assert assess_facts(replace(BASE, uses=(week,))).answer("permanence") == NO


def test_unconfirmed_uses_are_not_presence() -> None:
    a = assess_facts(replace(BASE, uses=(_use(confirmed=False, start=date(2005, 11, 16)),)))
    assert a.answer("presence") == UNKNOWN
    assert a.category == "none_documented"
    assert any(ch.category == "temporary_use" for ch in a.changes)


def test_uses_of_another_country_do_not_count() -> None:
    a = assess_facts(replace(BASE, uses=(_use(user_country="CCC", start=date(1990, 1, 1), end=date(1995, 1, 1)),)))
    assert a.category == "none_documented"


def test_observation_decides_and_disagreeing_observations_give_unknown() -> None:
    a = assess_facts(replace(BASE, operator_country="BBB", operator_label="X"))
    assert a.answer("foreign_command") == YES
    overridden = assess_facts(
        replace(BASE, operator_country="BBB", operator_label="X", observations=(_obs("foreign_command", NO),))
    )
    assert overridden.answer("foreign_command") == NO
    split = assess_facts(replace(BASE, observations=(_obs("host_access", YES), _obs("host_access", NO))))
    assert split.answer("host_access") == UNKNOWN
    assert len(split.criterion("host_access").evidence) == 2


def test_host_operator_means_no_foreign_command() -> None:
    assert assess_facts(replace(BASE, operator_country="AAA", operator_label="Police")).answer("foreign_command") == NO


def test_funding_sale_paid_by_host_is_not_foreign_funding() -> None:
    sale = FundingFact("s", "sale", "AAA", "BBB", "FMS", Decimal("1500000000"), "USD", "2026")
    a = assess_facts(replace(BASE, funding=(sale,)))
    assert a.answer("foreign_funding") == UNKNOWN  # not "yes"; and no record says "no"
    grant = FundingFact("g", "assistance", "BBB", "AAA", "Base", Decimal("49200000"), "USD", "1988-1993")
    b = assess_facts(replace(BASE, funding=(grant,)))
    assert b.answer("foreign_funding") == YES
    assert "49.200.000 USD" in b.criterion("foreign_funding").reasoning_es
    assert "USD 49,200,000" in b.criterion("foreign_funding").reasoning_en


def test_country_level_counts_never_answer_personnel() -> None:
    a = assess_facts(replace(BASE, country_count=CountFact("dmdc", 2025, 12, 42)))
    c = a.criterion("personnel")
    assert c.answer == UNKNOWN
    assert "42" in c.reasoning_en and "whole country" in c.reasoning_en
    assert [e.id for e in c.evidence] == ["dmdc"]


def test_inventory_listed_absent_or_maybe_aggregated() -> None:
    listed = replace(BASE, listings=(ListingFact("l", "FY2024", "SITE"),), inventory_editions=("FY2024",))
    assert assess_facts(listed).answer("official_inventory") == YES
    absent = replace(BASE, inventory_editions=("FY2024",))
    assert assess_facts(absent).answer("official_inventory") == NO
    aggregated = replace(BASE, inventory_editions=("FY2024",), inventory_aggregated=("FY2024",))
    assert assess_facts(aggregated).answer("official_inventory") == UNKNOWN
    assert assess_facts(BASE).answer("official_inventory") == UNKNOWN


def test_external_classification_alone_is_not_a_base() -> None:
    vine = ClassificationFact("v", "David Vine, US military bases abroad (via troopdata)", "lily pad", "Lima")
    a = assess_facts(replace(BASE, classifications=(vine,)))
    assert a.category == "none_documented"
    assert a.classifications == (vine,)


def test_changes_list_what_would_raise_or_lower_the_verdict() -> None:
    a = assess_facts(replace(BASE, observations=(_obs("presence", YES), _obs("permanence", YES))))
    assert a.category == "shared_standing"
    raising = [ch for ch in a.changes if ch.category == "foreign_base"]
    assert [dict(ch.needed) for ch in raising] == [
        {"exclusive_control": YES},
        {"foreign_command": YES, "host_access": NO},
    ]
    assert any(ch.needed == () and ch.category == "temporary_use" for ch in a.changes)
    assert all(ch.text_es and ch.text_en for ch in a.changes)


@pytest.mark.parametrize("code", CRITERION_CODES)
def test_every_criterion_has_texts_in_both_languages(code: str) -> None:
    a = assess_facts(BASE)
    c = a.criterion(code)
    assert c.label_es and c.label_en and c.reasoning_es and c.reasoning_en
