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
    assert trainees.rows == [("2019", [None, Figure(5)]), ("2020", [Figure(7), None])]
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
                         "Dinero por año fiscal: venta pagada por el comprador",
                         "Dinero por año fiscal: asistencia (donación)"]),
        ("/en/figures/", ["n/a", "≥&nbsp;49", "Air Force", "all sectors (not broken down) — obligation",
                          "Money by fiscal year: sale paid for by the buyer",
                          "Money by fiscal year: assistance (grant)"]),
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
    assert "9.000,00" not in html and "9,000.00" not in html  # whole amounts without cents on every database
    assistance = html[html.index('id="money-assistance"') : html.index('id="money-sale"')]
    assert "1,500,000,000" not in assistance and "9,000" not in assistance and "9.000" not in assistance


# --- charts: the tables behind them, their CSV, their sources --------------------------------------------------


@pytest.fixture
def charts(figures: dict[str, Any]) -> dict[str, Any]:
    """Authorizations with a total, with personnel rows only (one without a number), without any figure, and
    without a date; a training course without a head count; the courses cite a data set."""
    import datetime as dt

    from veeduria.evidence.models import Citation, Source
    from veeduria.records.models import Activity

    from .conftest import cite, make_authorization

    peru, usa = figures["peru"], figures["usa"]
    rows_only = make_authorization("rl-rows", peru, usa, personnel_total=None, approved_on=dt.date(2023, 8, 1))
    m.AuthorizedPersonnel.objects.create(authorization=rows_only, country=usa, service="Army", count=20)
    m.AuthorizedPersonnel.objects.create(authorization=rows_only, country=usa, service="Navy", count=None)
    make_authorization("rl-nofig", peru, usa, personnel_total=None, approved_on=dt.date(2024, 2, 1))
    make_authorization(
        "rl-nodate", peru, usa, personnel_total=5, approved_on=None, published_on=None, window_start=None
    )
    course = Activity.objects.create(
        id="tr-nohead", kind="training", name_es="Curso sin alumnos", fiscal_year="2019", program="IMET"
    )
    course.countries.add(peru)
    fmtr = Source.objects.create(
        id="fmtr-2019", title="Foreign Military Training Report 2019", kind="dataset", url="https://example.org/fmtr"
    )
    for activity in Activity.objects.filter(kind="training"):
        cite(activity, fmtr, locator="row 2")
    assert Citation.objects.filter(source=fmtr).count() == 4
    return figures


def test_trainees_of_courses_without_a_head_count_are_a_lower_bound(charts: dict[str, Any]) -> None:
    courses, trainees = training_by_year_and_program(host=charts["peru"].pk)
    assert courses.rows == [("2019", [None, 3]), ("2020", [1, None])]
    assert trainees.rows == [("2019", [None, Figure(5, at_least=True)]), ("2020", [Figure(7), None])]
    m.Activity.objects.filter(program="FMF").update(personnel_best=None)
    _, trainees = training_by_year_and_program(host=charts["peru"].pk)
    assert trainees.rows[1] == ("2020", [Figure(None), None])  # no course counted: unknown, not 0


def test_authorizations_by_year_sum_the_limits_and_say_what_is_missing(charts: dict[str, Any]) -> None:
    from veeduria.records.summaries import authorizations_by_year

    table, undated = authorizations_by_year(host=charts["peru"].pk)
    assert table.columns == ["authorizations", "personnel", "personnel_unknown"]
    # 2023: rl-32214 (100) and rl-rows (20 and a row without a number): at least 120; the withdrawn one is out
    assert table.rows == [("2023", [2, Figure(120, at_least=True), 0]), ("2024", [1, Figure(None), 1])]
    assert undated == 1
    assert authorizations_by_year(host=charts["usa"].pk) == (type(table)(columns=table.columns, labels=table.labels), 0)


def test_chart_csv_is_exactly_the_table(charts: dict[str, Any], client: Client) -> None:
    response = client.get("/es/cifras/personnel.csv", {"country": charts["peru"].pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="personnel-peru.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines == [
        "periodo,total de las fuerzas,Fuerza Aérea",
        "2023-03,,",  # the unknown quarter: empty, never 0
        "2023-09,≥49,4",  # a total of incomplete parts says so
        "2024-12,43,",
        "2025-12,42,",
    ]
    english = client.get("/en/figures/authorizations.csv", {"country": charts["peru"].pk}).content.decode()
    assert english.splitlines() == [
        "year of decision,authorizations,personnel authorized (sum of limits),"
        "authorizations without a personnel figure",
        "2023,2,≥120,0",
        "2024,1,,1",
    ]
    money = client.get("/es/cifras/money-assistance.csv", {"country": charts["peru"].pk}).content.decode()
    assert "2022,150,," in money.splitlines() and "1500000000" not in money  # the sale is not aid


def test_chart_csv_neutralises_formulas_and_knows_its_charts(charts: dict[str, Any], client: Client) -> None:
    course = m.Activity.objects.create(
        id="tr-formula", kind="training", name_es="x", fiscal_year="2021", program='=HYPERLINK("http://x")'
    )
    course.countries.add(charts["peru"])
    text = client.get("/es/cifras/training-courses.csv").content.decode()
    assert text.splitlines()[0].startswith("año fiscal,\"'=HYPERLINK")
    assert client.get("/es/cifras/nothing.csv").status_code == 404
    assert client.get("/es/cifras/personnel.csv", {"country": "atlantis"}).status_code == 404
    empty = client.get("/es/cifras/money-loan.csv", {"country": charts["peru"].pk})
    assert empty.status_code == 200 and empty.content.decode() == "año fiscal\n"


def test_csv_cells_are_plain_numbers() -> None:
    from veeduria.portal.figures import cell_text
    from veeduria.publicdata.csv_safe import neutralise as _safe

    assert cell_text(Decimal("150.00")) == "150" and cell_text(Decimal("7.50")) == "7.5"
    assert cell_text(Figure(None)) == "" and cell_text(None) == "" and cell_text(Figure(3, at_least=True)) == "≥3"
    assert _safe("-1500") == "-1500" and _safe("-x") == "'-x" and _safe("@SUM(A1)") == "'@SUM(A1)"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/es/cifras/", ["Personal militar extranjero asignado (servicio activo), por periodo y fuerza", "periodo",
                         "personas", "fuerza", "Autorizaciones por año de decisión y personal autorizado",
                         "personal autorizado (suma de límites)", "al menos 120"]),
        ("/en/figures/", ["Foreign military personnel assigned (active duty), by period and service", "period",
                          "people", "service", "Authorizations by year of decision and personnel authorized",
                          "personnel authorized (sum of limits)", "at least 120"]),
    ],
)  # fmt: skip
def test_every_chart_has_its_table_csv_sources_and_words_in_the_language(
    charts: dict[str, Any], client: Client, url: str, words: list[str]
) -> None:
    import json
    import re

    html = client.get(url, {"country": charts["peru"].pk}).content.decode()
    keys = ["personnel", "training-courses", "training-trainees", "money-assistance", "money-sale", "authorizations"]
    specs = {}
    for key in keys:
        article = html[html.index(f'<article class="chart" id="{key}"') :]
        article = article[: article.index("</article>")]
        assert 'class="records pivot"' in article, key  # the table: the reading without JavaScript
        assert re.search(rf'href="/(es/cifras|en/figures)/{key}\.csv\?country=peru"', article), key
        specs[key] = json.loads(re.search(rf'<script id="{key}-spec" type="application/json">(.*?)</script>',
                                          article, re.S).group(1))  # fmt: skip
    training = html[html.index('id="training-courses"') : html.index('id="training-trainees"')]
    assert 'href="/' in training and "Foreign Military Training Report 2019" in training
    assert "https://example.org/fmtr" in training
    text = json.dumps(specs, ensure_ascii=False)
    for word in words:
        assert word in text, word
    personnel = specs["personnel"]["data"]["values"]
    assert {"x": "2023-03", "value": None}.items() <= personnel[0].items()  # unknown: a gap, not 0
    assert all(v["value"] != 0 for v in personnel)
    sale = [v["value"] for v in specs["money-sale"]["data"]["values"]]
    assistance = [v["value"] for v in specs["money-assistance"]["data"]["values"]]
    assert 1_500_000_000 in sale and 1_500_000_000 not in assistance


def test_a_yearly_row_repeating_a_dated_report_is_shown_once(figures: dict[str, Any]) -> None:
    """A yearly series (one row per year) beside dated reports of the same year: the dated report is kept and the
    year's own row left out; a year with no dated known count keeps its own row."""
    peru, usa = figures["peru"], figures["usa"]
    for pk, year, count in [("pc-2024", 2024, 43), ("pc-2022", 2022, 51)]:
        m.PersonnelCount.objects.create(
            id=pk,
            host_country=peru,
            sending_country=usa,
            year=year,
            month=None,
            service="total",
            category="active_duty",
            count=count,
        )
    periods = [period for period, _ in personnel_over_time(host=peru.pk, category="active_duty").rows]
    assert periods == ["2022", "2023-03", "2023-09", "2024-12", "2025-12"]
