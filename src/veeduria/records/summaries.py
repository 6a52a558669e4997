"""Aggregate tables over imported data: training by year and program, personnel over time, money by stage.

Each function returns plain rows (one aggregate query each), shared by the portal and the API.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from veeduria.evidence.models import Status
from veeduria.records.models import Activity, ActivityKind, Funding, FundingStage, PersonnelCount


@dataclass
class Table:
    """A pivot table: one row per ``row`` key, one column per ``column`` key."""

    columns: list[str]
    rows: list[tuple[str, list[object]]] = field(default_factory=list)
    totals: list[object] = field(default_factory=list)


def _pivot(cells: dict[tuple[str, str], object], columns: list[str], rows: list[str]) -> Table:
    table = Table(columns=columns)
    for row in rows:
        table.rows.append((row, [cells.get((row, col)) for col in columns]))
    return table


def training_by_year_and_program(*, host: str | None = None) -> tuple[Table, Table]:
    """Training activities: (courses, trainees) by fiscal year (rows) and program (columns)."""
    qs = Activity.objects.filter(kind=ActivityKind.TRAINING, status=Status.PUBLISHED).exclude(fiscal_year="")
    if host:
        qs = qs.filter(host_country_id=host)
    agg = qs.values("fiscal_year", "program").annotate(n=Count("pk"), trainees=Sum("personnel_best"))
    courses: dict[tuple[str, str], object] = {}
    trainees: dict[tuple[str, str], object] = {}
    for row in agg:
        key = (row["fiscal_year"], row["program"] or "—")
        courses[key] = row["n"]
        trainees[key] = row["trainees"]
    years = sorted({k[0] for k in courses})
    programs = sorted({k[1] for k in courses})
    return _pivot(courses, programs, years), _pivot(trainees, programs, years)


def personnel_over_time(*, host: str | None = None, sender: str | None = None, category: str = "") -> Table:
    """Personnel counts by year and month (rows) and service (columns); the latest count per period."""
    qs = PersonnelCount.objects.filter(status=Status.PUBLISHED)
    if host:
        qs = qs.filter(host_country_id=host)
    if sender:
        qs = qs.filter(sending_country_id=sender)
    if category:
        qs = qs.filter(category=category)
    cells: dict[tuple[str, str], object] = {}
    for row in qs.values("year", "month", "service", "category", "count").order_by("year", "month"):
        period = f"{row['year']}" + (f"-{row['month']:02d}" if row["month"] else "")
        column = f"{row['service']} ({row['category']})" if not category else row["service"]
        cells[(period, column)] = row["count"]
    periods = sorted({k[0] for k in cells})
    columns = sorted({k[1] for k in cells})
    return _pivot(cells, columns, periods)


def money_by_year_and_stage(*, payee: str | None = None, payer: str | None = None) -> Table:
    """Sums of current amounts by fiscal year (rows) and budget stage (columns)."""
    qs = Funding.objects.filter(status=Status.PUBLISHED)
    if payee:
        qs = qs.filter(payee_id=payee)
    if payer:
        qs = qs.filter(payer_id=payer)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in qs.values("fiscal_year", "stage").annotate(total=Sum("amount")):
        sums[(row["fiscal_year"], row["stage"])] += row["total"] or Decimal(0)
    stages = [s.value for s in FundingStage if any(k[1] == s.value for k in sums)]
    years = sorted({k[0] for k in sums}, key=lambda y: (y[:4], y))
    cells: dict[tuple[str, str], object] = dict(sums)
    return _pivot(cells, stages, years)
