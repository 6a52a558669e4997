"""The figures page: training by year and program, personnel over time, money by year and stage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from veeduria.records import models as m
from veeduria.records.summaries import (
    Figure,
    money_by_flow,
    money_by_year_and_stage,
    personnel_over_time,
    training_by_year_and_program,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(dataset: dict[str, Any]) -> dict[str, Any]:
    peru, usa = dataset["peru"], dataset["usa"]
    for i, (fy, program, trainees) in enumerate([("2019", "IMET", 3), ("2019", "IMET", 2), ("2020", "FMF", 7)]):
        course = m.Activity.objects.create(
            id=f"tr-{i}",
            kind="training",
            name_es=f"Curso {i}",
            host_country=usa if i else None,  # held in the United States (the first: place unknown)
            provider_country=usa,
            fiscal_year=fy,
            program=program,
            personnel_best=trainees,
        )
        course.countries.add(peru)  # Peruvian trainees
    for year, month, service, count, incomplete in [
        (2024, 12, "total", 43, False),
        (2025, 12, "total", 42, False),
        (2023, 3, "total", None, False),  # a quarter without a report: unknown, never 0
        (2023, 9, "total", 49, True),  # a total of parts of which some are unknown: at least 49
        (2023, 9, "air_force", 4, False),
    ]:
        m.PersonnelCount.objects.create(
            id=f"pc-{year}-{month}-{service}",
            host_country=peru,
            sending_country=usa,
            year=year,
            month=month,
            service=service,
            category="active_duty",
            count=count,
            incomplete=incomplete,
        )
    for fy, stage, amount in [("2022", "obligation", 100), ("2022", "obligation", 50), ("1976tq", "disbursement", 7)]:
        m.Funding.objects.create(
            id=f"f-{fy}-{stage}-{amount}",
            flow="assistance",
            sector="all_sectors",
            payer=usa,
            payee=peru,
            fiscal_year=fy,
            stage=stage,
            amount=Decimal(amount),
        )
    # a sale paid by the buyer (an FMS notification), in the same fiscal year and sector
    m.Funding.objects.create(
        id="fms-2022",
        flow="sale",
        sector="military_security",
        payer=peru,
        payee=usa,
        fiscal_year="2022",
        stage="notification",
        amount=Decimal(1_500_000_000),
    )
    m.Funding.objects.create(
        id="fms-2022-obligation",
        flow="sale",
        sector="all_sectors",
        payer=peru,
        payee=usa,
        fiscal_year="2022",
        stage="obligation",
        amount=Decimal(9000),
    )
    return dataset


def test_summaries_pivot_the_records(figures: dict[str, Any]) -> None:
    courses, trainees = training_by_year_and_program(host=figures["peru"].pk)
    assert courses.columns == ["FMF", "IMET"]
    assert courses.rows == [("2019", [None, 2]), ("2020", [1, None])]
    assert trainees.rows == [("2019", [None, 5]), ("2020", [7, None])]
    personnel = personnel_over_time(host=figures["peru"].pk, category="active_duty")
    assert personnel.columns == ["total", "air_force"]
    assert personnel.rows == [
        ("2023-03", [Figure(None), None]),
        ("2023-09", [Figure(49, at_least=True), Figure(4)]),
        ("2024-12", [Figure(43), None]),
        ("2025-12", [Figure(42), None]),
    ]
    money = money_by_year_and_stage(payee=figures["peru"].pk)
    rows = {year: dict(zip(money.columns, cells, strict=True)) for year, cells in money.rows}
    assert rows["2022"]["all_sectors/obligation"] == Decimal(150)  # the sale's 9,000 is not added
    assert rows["1976tq"]["all_sectors/disbursement"] == Decimal(7)
    assert rows["1976tq"].get("all_sectors/obligation") is None
    with translation.override("es"):
        assert str(money.labels["all_sectors/obligation"]) == "todos los sectores (sin desglose) — obligación"


def test_money_tables_keep_sales_apart(figures: dict[str, Any]) -> None:
    tables = dict(money_by_flow(country=figures["peru"].pk))
    assert list(tables) == ["assistance", "sale"]
    assistance = {y: dict(zip(tables["assistance"].columns, c, strict=True)) for y, c in tables["assistance"].rows}
    sales = {y: dict(zip(tables["sale"].columns, c, strict=True)) for y, c in tables["sale"].rows}
    # the shared dataset's FMF obligation of 2023 has no sector: a column of its own, "sector sin dato"
    assert tables["assistance"].columns == ["all_sectors/obligation", "all_sectors/disbursement", "/obligation"]
    assert assistance["2022"] == {"all_sectors/obligation": 150, "all_sectors/disbursement": None, "/obligation": None}
    assert sales["2022"] == {"military_security/notification": Decimal(1_500_000_000), "all_sectors/obligation": 9000}
    assert money_by_year_and_stage(flow="sale", payer=figures["peru"].pk).rows == tables["sale"].rows


def test_sums_over_host_countries_with_an_unknown_are_lower_bounds() -> None:
    assert Figure(3).plus(Figure(None)) == Figure(3, at_least=True)
    assert Figure(None).plus(Figure(None)) == Figure(None)
    assert Figure(3).plus(Figure(4)) == Figure(7)
    assert Figure(3, at_least=True).plus(Figure(4)) == Figure(7, at_least=True)


def test_summaries_filter_by_host(figures: dict[str, Any]) -> None:
    courses, _ = training_by_year_and_program(host=figures["usa"].pk)
    assert courses.rows == []  # no US trainees, though the courses were held in the United States


@pytest.mark.parametrize(("url", "heading"), [("/es/cifras/", "Entrenamiento"), ("/en/figures/", "Training")])
def test_figures_page_renders_in_both_languages(
    figures: dict[str, Any], client: Client, url: str, heading: str
) -> None:
    html = client.get(url, {"country": figures["peru"].pk}).content.decode()
    assert heading in html
    assert "1976tq" in html and "150" in html


@pytest.mark.parametrize(
    ("url", "texts"),
    [
        ("/es/cifras/", ["s. d.", "≥&nbsp;49", "Fuerza Aérea", "todos los sectores (sin desglose) — obligación",
                         "Venta pagada por el comprador", "Asistencia (donación)"]),
        ("/en/figures/", ["n/a", "≥&nbsp;49", "Air Force", "all sectors (not broken down) — obligation",
                          "Sale paid for by the buyer", "Assistance (grant)"]),
    ],
)  # fmt: skip
def test_figures_page_unknown_incomplete_and_flows(
    figures: dict[str, Any], client: Client, url: str, texts: list[str]
) -> None:
    html = client.get(url, {"country": figures["peru"].pk}).content.decode()
    for text in texts:
        assert text in html, text
    personnel = html[html.index('id="personnel"') : html.index('id="money"')]
    assert ">0<" not in personnel  # the unknown quarter is not a zero
    assistance = html[html.index('id="money-assistance"') : html.index('id="money-sale"')]
    assert "1,500,000,000" not in assistance and "9,000" not in assistance and "9.000" not in assistance
