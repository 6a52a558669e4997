"""The figures page: training by year and program, personnel over time, money by year and stage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from veeduria.records import models as m
from veeduria.records.summaries import money_by_year_and_stage, personnel_over_time, training_by_year_and_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(dataset: dict[str, Any]) -> dict[str, Any]:
    peru, usa = dataset["peru"], dataset["usa"]
    for i, (fy, program, trainees) in enumerate([("2019", "IMET", 3), ("2019", "IMET", 2), ("2020", "FMF", 7)]):
        m.Activity.objects.create(
            id=f"tr-{i}",
            kind="training",
            name_es=f"Curso {i}",
            host_country=peru,
            fiscal_year=fy,
            program=program,
            personnel_best=trainees,
        )
    for year, month, count in [(2024, 12, 43), (2025, 12, 42)]:
        m.PersonnelCount.objects.create(
            id=f"pc-{year}",
            host_country=peru,
            sending_country=usa,
            year=year,
            month=month,
            service="total",
            category="active_duty",
            count=count,
        )
    for fy, stage, amount in [("2022", "obligation", 100), ("2022", "obligation", 50), ("1976tq", "disbursement", 7)]:
        m.Funding.objects.create(
            id=f"f-{fy}-{stage}-{amount}",
            donor=usa,
            recipient=peru,
            fiscal_year=fy,
            stage=stage,
            amount=Decimal(amount),
        )
    return dataset


def test_summaries_pivot_the_records(figures: dict[str, Any]) -> None:
    courses, trainees = training_by_year_and_program(host=figures["peru"].pk)
    assert courses.columns == ["FMF", "IMET"]
    assert courses.rows == [("2019", [None, 2]), ("2020", [1, None])]
    assert trainees.rows == [("2019", [None, 5]), ("2020", [7, None])]
    personnel = personnel_over_time(host=figures["peru"].pk, category="active_duty")
    assert personnel.rows == [("2024-12", [43]), ("2025-12", [42])]
    money = money_by_year_and_stage(recipient=figures["peru"].pk)
    rows = {year: dict(zip(money.columns, cells, strict=True)) for year, cells in money.rows}
    assert rows["2022"]["obligation"] == Decimal(150)
    assert rows["1976tq"]["disbursement"] == Decimal(7)
    assert rows["1976tq"].get("obligation") is None


def test_summaries_filter_by_host(figures: dict[str, Any]) -> None:
    courses, _ = training_by_year_and_program(host=figures["usa"].pk)
    assert courses.rows == []


@pytest.mark.parametrize(("url", "heading"), [("/es/cifras/", "Entrenamiento"), ("/en/figures/", "Training")])
def test_figures_page_renders_in_both_languages(
    figures: dict[str, Any], client: Client, url: str, heading: str
) -> None:
    html = client.get(url, {"country": figures["peru"].pk}).content.decode()
    assert heading in html
    assert "1976tq" in html and "150" in html
