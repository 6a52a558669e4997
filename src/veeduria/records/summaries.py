"""Aggregate tables over imported data: training by year and program, personnel over time, money by stage.

Each function returns plain rows (one aggregate query each), shared by the portal and the API. A count that is
unknown stays unknown (a :class:`Figure` without value), never 0; a sum that includes an unknown or incomplete
count is a lower bound (``at_least``). Money is tabulated per flow: assistance and sales are never added up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from veeduria.evidence.models import Status
from veeduria.records.models import (
    Activity,
    ActivityKind,
    Authorization,
    Funding,
    FundingFlow,
    FundingSector,
    FundingStage,
    PersonnelCount,
)


@dataclass
class Table:
    """A pivot table: one row per ``row`` key, one column per ``column`` key."""

    columns: list[str]
    rows: list[tuple[str, list[object]]] = field(default_factory=list)
    totals: list[object] = field(default_factory=list)
    #: column key → label for readers (empty: the keys are shown)
    labels: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    """A cell that may be unknown (``value`` None: no figure, shown "s. d.", never 0) or a lower bound."""

    value: int | Decimal | None
    at_least: bool = False
    is_figure = True  #: lets a template tell a figure from a plain number

    def plus(self, other: Figure) -> Figure:
        """The sum of two figures: unknown parts make it a lower bound, two unknowns stay unknown."""
        if self.value is None and other.value is None:
            return self
        known = [v for v in (self.value, other.value) if v is not None]
        at_least = self.at_least or other.at_least or len(known) < 2
        return Figure(sum(known), at_least)


def _pivot(cells: dict[tuple[str, str], object], columns: list[str], rows: list[str]) -> Table:
    table = Table(columns=columns)
    for row in rows:
        table.rows.append((row, [cells.get((row, col)) for col in columns]))
    return table


def training_by_year_and_program(*, host: str | None = None) -> tuple[Table, Table]:
    """Training activities: (courses, trainees) by fiscal year (rows) and program (columns); with ``host``
    (a country id), the courses of that country's personnel, wherever they took place (mostly abroad). Trainees
    are :class:`Figure` cells: a sum over courses some of which give no head count is a lower bound."""
    qs = Activity.objects.filter(kind=ActivityKind.TRAINING, status=Status.PUBLISHED).exclude(fiscal_year="")
    if host:
        trainees_of = Activity.countries.through.objects.filter(country_id=host).values("activity_id")
        qs = qs.filter(pk__in=trainees_of)
    agg = qs.values("fiscal_year", "program").annotate(
        n=Count("pk"), trainees=Sum("personnel_best"), counted=Count("personnel_best")
    )
    courses: dict[tuple[str, str], object] = {}
    trainees: dict[tuple[str, str], object] = {}
    for row in agg:
        key = (row["fiscal_year"], row["program"] or "—")
        courses[key] = row["n"]
        # courses without a head count make the sum a lower bound; none counted: unknown, never 0
        trainees[key] = Figure(row["trainees"], 0 < row["counted"] < row["n"])
    years = sorted({k[0] for k in courses})
    programs = sorted({k[1] for k in courses})
    return _pivot(courses, programs, years), _pivot(trainees, programs, years)


def personnel_over_time(*, host: str | None = None, sender: str | None = None, category: str = "") -> Table:
    """Personnel counts by year and month (rows) and service (columns). A count the source does not give is an
    unknown :class:`Figure`; an ``incomplete`` count, or a sum over host countries with an unknown part, is a
    lower bound. A year's own row (a yearly series repeating one of that year's reports) is left out where the
    same year has a dated report with a known count, so that one snapshot is not shown twice."""
    qs = PersonnelCount.objects.filter(status=Status.PUBLISHED)
    if host:
        qs = qs.filter(host_country_id=host)
    if sender:
        qs = qs.filter(sending_country_id=sender)
    if category:
        qs = qs.filter(category=category)
    cells: dict[tuple[str, str], Figure] = {}
    for row in qs.values("year", "month", "service", "category", "count", "incomplete").order_by("year", "month"):
        period = f"{row['year']}" + (f"-{row['month']:02d}" if row["month"] else "")
        column = f"{row['service']} ({row['category']})" if not category else row["service"]
        figure = Figure(row["count"], bool(row["incomplete"]) and row["count"] is not None)
        key = (period, column)
        cells[key] = cells[key].plus(figure) if key in cells else figure  # several host countries: added up
    dated = {key[0][:4] for key, figure in cells.items() if len(key[0]) > 4 and figure.value is not None}
    cells = {key: figure for key, figure in cells.items() if len(key[0]) > 4 or key[0] not in dated}
    periods = sorted({k[0] for k in cells})
    columns = sorted({k[1] for k in cells}, key=lambda c: (c != "total", c))
    return _pivot(dict(cells), columns, periods)


#: order of the sector columns of a money table
_SECTORS = [*FundingSector.values, ""]


def money_by_year_and_stage(
    *, flow: str = FundingFlow.ASSISTANCE, payee: str | None = None, payer: str | None = None
) -> Table:
    """Sums of current amounts of one flow (assistance by default) by fiscal year (rows) and by sector and budget
    stage (columns, keys ``sector/stage``; ``labels`` names them). Other flows are never added in."""
    qs = Funding.objects.filter(status=Status.PUBLISHED, flow=flow)
    if payee:
        qs = qs.filter(payee_id=payee)
    if payer:
        qs = qs.filter(payer_id=payer)
    return _money_table(qs)


def money_by_flow(*, country: str | None = None) -> list[tuple[str, Table]]:
    """One money table per flow present (assistance, loans, sales), for money paid or received by ``country``."""
    qs = Funding.objects.filter(status=Status.PUBLISHED)
    if country:
        qs = qs.filter(Q(payee_id=country) | Q(payer_id=country))
    present = set(qs.values_list("flow", flat=True).distinct())
    return [(flow, _money_table(qs.filter(flow=flow))) for flow in FundingFlow.values if flow in present]


def _money_table(qs: QuerySet[Funding]) -> Table:
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in qs.values("fiscal_year", "sector", "stage").annotate(total=Sum("amount")):
        key = f"{row['sector']}/{row['stage']}"
        sums[(row["fiscal_year"], key)] += row["total"] or Decimal(0)
    sectors, stages = dict(FundingSector.choices), dict(FundingStage.choices)
    columns = [
        f"{sector}/{stage}"
        for sector in _SECTORS
        for stage in FundingStage.values
        if any(k[1] == f"{sector}/{stage}" for k in sums)
    ]
    years = sorted({k[0] for k in sums}, key=lambda y: (y[:4], y))
    # whole amounts shown without cents, the same on every database (PostgreSQL keeps the column's scale)
    cells: dict[tuple[str, str], object] = {
        k: v.quantize(Decimal(1)) if v == v.to_integral_value() else v for k, v in sums.items()
    }
    table = _pivot(cells, columns, years)
    for column in columns:
        sector, stage = column.split("/")
        table.labels[column] = format_lazy(
            "{} — {}", sectors.get(sector, _("sector sin dato")), stages.get(stage, stage)
        )
    return table


#: column keys of :func:`authorizations_by_year`
AUTHORIZATION_COLUMNS = ["authorizations", "personnel", "personnel_unknown"]


def authorization_personnel(auth: Authorization) -> Figure:
    """The personnel an authorization allows (a ceiling, not a head count): its stated total, else the sum of its
    personnel rows (a lower bound if one row has no number), else unknown."""
    if auth.personnel_total is not None:
        return Figure(auth.personnel_total)
    counts = [row.count for row in auth.personnel.all()]
    known = [c for c in counts if c is not None]
    return Figure(sum(known), len(known) < len(counts)) if known else Figure(None)


def authorizations_by_year(*, host: str | None = None) -> tuple[Table, int]:
    """Published authorizations by year of decision (rows): their number, the personnel they authorize (a sum of
    ceilings; a lower bound when one of them gives no figure) and how many give no figure. With ``host`` (a
    country id), those of that host country. Also returns how many have no date of decision (left out)."""
    qs = Authorization.objects.filter(status=Status.PUBLISHED).prefetch_related("personnel").order_by()
    if host:
        qs = qs.filter(host_country_id=host)
    counts: dict[str, int] = defaultdict(int)
    known: dict[str, int] = defaultdict(int)  # the sum of the figures given
    partial: dict[str, bool] = defaultdict(bool)  # one figure is a lower bound
    unknown: dict[str, int] = defaultdict(int)  # authorizations without a figure
    undated = 0
    for auth in qs.only("pk", "decision_date", "personnel_total"):
        if auth.decision_date is None:
            undated += 1
            continue
        year = str(auth.decision_date.year)
        counts[year] += 1
        figure = authorization_personnel(auth)
        if figure.value is None:
            unknown[year] += 1
        else:
            known[year] += int(figure.value)
            partial[year] |= figure.at_least
    table = Table(columns=list(AUTHORIZATION_COLUMNS))
    for year in sorted(counts):
        given = counts[year] - unknown[year]
        total = Figure(known[year], partial[year] or unknown[year] > 0) if given else Figure(None)
        table.rows.append((year, [counts[year], total, unknown[year]]))
    table.labels = {
        "authorizations": _("autorizaciones"),
        "personnel": _("personal autorizado (suma de límites)"),
        "personnel_unknown": _("autorizaciones sin cifra de personal"),
    }
    return table, undated
