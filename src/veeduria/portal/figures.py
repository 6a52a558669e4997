"""The figures page (``/es/cifras/``): each chart with its data table, its CSV and its sources.

A :class:`Chart` holds one table of :mod:`veeduria.records.summaries`, the words that name it in the page's
language and the sources its records cite. The table is the reading without JavaScript; the Vega-Lite
specification (:func:`spec`) and the CSV (:func:`csv_text`) are made from the same table, so the three agree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria import counts_cache
from veeduria.evidence.models import Citation, Source, Status
from veeduria.portal import display
from veeduria.portal.labels import SERVICE
from veeduria.publicdata.csv_safe import neutralise
from veeduria.records import summaries
from veeduria.records.models import Activity, ActivityKind, Authorization, Country, Funding, FundingFlow, PersonnelCount
from veeduria.records.registry import BY_KEY
from veeduria.records.summaries import Figure, Table


@dataclass
class Chart:
    """One chart of the figures page and everything shown beside it."""

    key: str  #: its anchor and the name of its CSV (``personnel`` → ``cifras/personnel.csv``)
    group: str  #: the section it belongs to (``personnel``, ``training``, ``money``, ``authorizations``)
    title: str
    row_label: str  #: what the rows are (the x axis)
    measure: str  #: what the numbers count (the y axis)
    series: str  #: what the columns are (the legend)
    table: Table
    mark: str = "bar"  #: ``bar`` (stacked: the columns add up) or ``line`` (they do not)
    note: str = ""
    list_url: str = ""
    list_text: str = ""
    sources: list[Source] = field(default_factory=list)
    #: columns drawn as panels of their own (different units) rather than as series of one panel
    panels: list[str] = field(default_factory=list)
    #: columns kept in the table and the CSV but not drawn
    hidden: list[str] = field(default_factory=list)
    csv_url: str = ""
    #: the Vega-Lite specification (:func:`spec`), set for the page
    vega: dict[str, Any] = field(default_factory=dict)

    def label(self, column: str) -> str:
        return str(self.table.labels.get(column, column))


def cited_sources(qs: QuerySet[Any]) -> list[Source]:
    """The published sources that the records of ``qs`` (or one of their fields) cite, by title."""
    model: type[Model] = qs.model
    cited = Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=qs.values("pk")
    ).values("source_id")
    return list(Source.objects.filter(pk__in=cited, status=Status.PUBLISHED).order_by("title"))


def _personnel(host: str | None) -> list[Chart]:
    table = summaries.personnel_over_time(host=host, category="active_duty")
    table.labels = {c: SERVICE.get(c, c) for c in table.columns}
    qs = PersonnelCount.objects.filter(status=Status.PUBLISHED, category="active_duty")
    chart = Chart(
        key="personnel",
        group="personnel",
        title=_("Personal militar extranjero asignado (servicio activo), por periodo y fuerza"),
        row_label=_("periodo"),
        measure=_("personas"),
        series=_("fuerza"),
        table=table,
        mark="line",
        note=_(
            "Personal asignado en el país según los informes del país que lo envía: una foto en una fecha, no un "
            "promedio. Los periodos van en orden, pero no siempre a la misma distancia entre sí. El total y cada "
            "fuerza son líneas distintas: no se suman."
        ),
        list_url=display.list_url(BY_KEY["personnel_counts"]),
        list_text=_("Ver los conteos uno por uno"),
        sources=cited_sources(qs.filter(host_country_id=host) if host else qs),
    )
    return [chart]


def _training(host: str | None) -> list[Chart]:
    courses, trainees = summaries.training_by_year_and_program(host=host)
    qs = Activity.objects.filter(kind=ActivityKind.TRAINING, status=Status.PUBLISHED).exclude(fiscal_year="")
    if host:
        qs = qs.filter(countries=host)
    common: dict[str, Any] = {
        "group": "training",
        "row_label": _("año fiscal"),
        "series": _("programa"),
        "list_url": display.list_url(BY_KEY["activities"]) + "?kind=training",
        "list_text": _("Ver los cursos uno por uno"),
        "sources": cited_sources(qs),
    }
    return [
        Chart(
            key="training-courses",
            title=_("Entrenamiento: cursos por año fiscal y programa"),
            measure=_("cursos"),
            table=courses,
            **common,
        ),
        Chart(
            key="training-trainees",
            title=_("Personas entrenadas por año fiscal y programa"),
            measure=_("personas entrenadas"),
            table=trainees,
            note=_(
                "Suma de los alumnos de cada curso (una persona que siguió dos cursos cuenta dos veces). «≥ N»: "
                "algún curso no da su número de alumnos."
            ),
            **common,
        ),
    ]


def _money(host: str | None) -> list[Chart]:
    qs = Funding.objects.filter(status=Status.PUBLISHED)
    if host:
        qs = qs.filter(Q(payee_id=host) | Q(payer_id=host))
    notes = {
        FundingFlow.ASSISTANCE: _(
            "Dinero que da el país donante. Los montos de ForeignAssistance.gov son de todos los sectores juntos "
            "(económico y militar): el archivo no permite separar la ayuda militar de la económica."
        ),
        FundingFlow.SALE: _(
            "Una venta no es ayuda: la paga el comprador al vendedor (p. ej. una notificación de venta militar al "
            "extranjero, FMS)."
        ),
        FundingFlow.LOAN: _("Un préstamo se devuelve: no es una donación."),
    }
    charts = []
    for flow, table in summaries.money_by_flow(country=host):
        charts.append(
            Chart(
                key=f"money-{flow}",
                group="money",
                title=str(format_lazy("{}: {}", _("Dinero por año fiscal"), FundingFlow(flow).label)),
                row_label=_("año fiscal"),
                measure=_("dólares corrientes (USD)"),
                series=_("sector y etapa"),
                table=table,
                mark="line",
                note=str(notes.get(FundingFlow(flow), "")),
                list_url=display.list_url(BY_KEY["funding"]),
                list_text=_("Ver los montos uno por uno"),
                sources=cited_sources(qs.filter(flow=flow)),
            )
        )
    return charts


def _authorizations(host: str | None) -> list[Chart]:
    table, undated = summaries.authorizations_by_year(host=host)
    qs = Authorization.objects.filter(status=Status.PUBLISHED, decision_date__isnull=False)
    note = _(
        "Una autorización fija un límite: el personal autorizado es el máximo que puede ingresar, no cuántos "
        "ingresaron. «≥ N»: alguna autorización del año no da la cifra (la suma es de las que la dan); «s. d.»: "
        "ninguna la da."
    )
    if undated:
        note += " " + _("%(n)s autorizaciones sin fecha de decisión no figuran en el gráfico.") % {"n": undated}
    chart = Chart(
        key="authorizations",
        group="authorizations",
        title=_("Autorizaciones por año de decisión y personal autorizado"),
        row_label=_("año de la decisión"),
        measure=_("número"),
        series=_("medida"),
        table=table,
        note=note,
        list_url=display.list_url(BY_KEY["authorizations"]),
        list_text=_("Ver las autorizaciones una por una"),
        sources=cited_sources(qs.filter(host_country_id=host) if host else qs),
        panels=["authorizations", "personnel"],
        hidden=["personnel_unknown"],
    )
    return [chart]


#: the charts of each section, in the order of the page
GROUPS: dict[str, Callable[[str | None], list[Chart]]] = {
    "personnel": _personnel,
    "training": _training,
    "money": _money,
    "authorizations": _authorizations,
}

#: every chart key and the section that makes it (money charts exist only for the flows present)
CHART_GROUPS = {
    "personnel": "personnel",
    "training-courses": "training",
    "training-trainees": "training",
    **{f"money-{flow}": "money" for flow in FundingFlow.values},
    "authorizations": "authorizations",
}


def charts(group: str, host: str | None) -> list[Chart]:
    """The charts of section ``group`` for ``host`` (or every host country). Each sums or lists every record of
    its kind (500,000 courses: seconds), so they are kept per data version and language
    (``veeduria.counts_cache``) and made again as the commands that change the data finish."""
    lang = get_language() or "es"
    return counts_cache.kept(f"figures|{group}|{host or ''}|{lang}", lambda: GROUPS[group](host))


def _number(value: int | Decimal) -> str:
    """A number as a machine reads it: no grouping, no needless decimals."""
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _parts(value: object) -> tuple[int | Decimal | None, bool]:
    """(number or None, lower bound?) of a table cell."""
    if isinstance(value, Figure):
        return value.value, value.at_least
    if isinstance(value, (int, Decimal)):
        return value, False
    return None, False


def cell_text(value: object) -> str:
    """A cell as the CSV writes it: unknown and absent empty (never 0), a lower bound "≥N"."""
    number, at_least = _parts(value)
    if number is None:
        return ""
    return ("≥" if at_least else "") + _number(number)


def csv_text(chart: Chart) -> str:
    """The chart's table as CSV: the same rows and columns, headed by their labels, spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(chart.row_label), *(neutralise(chart.label(c)) for c in chart.table.columns)])
    for row, cells in chart.table.rows:
        writer.writerow([neutralise(row), *(neutralise(cell_text(v)) for v in cells)])
    return out.getvalue()


def _readable(value: object) -> str:
    number, at_least = _parts(value)
    if number is None:
        return _("sin dato")
    shown = intcomma(number)
    return _("al menos %(n)s") % {"n": shown} if at_least else str(shown)


def spec(chart: Chart) -> dict[str, Any]:
    """The Vega-Lite specification of the chart, its data the table's cells (an unknown cell is a gap, a cell
    without a record is left out) and every word in the page's language."""
    drawn = [c for c in chart.table.columns if c not in chart.hidden]
    values = []
    for row, cells in chart.table.rows:
        for column, value in zip(chart.table.columns, cells, strict=True):
            if column not in drawn or value is None:
                continue
            number, at_least = _parts(value)
            values.append(
                {
                    "x": row,
                    "series": chart.label(column),
                    "value": float(number) if number is not None else None,
                    "shown": _readable(value),
                    "bound": _("al menos (falta alguna cifra)") if at_least else _("cifra completa"),
                }
            )
    rows = [row for row, _cells in chart.table.rows]
    tooltip = [
        {"field": "x", "title": chart.row_label},
        {"field": "series", "title": chart.series},
        {"field": "shown", "title": chart.measure},
    ]
    x = {"field": "x", "type": "ordinal", "title": chart.row_label, "sort": rows, "axis": {"labelOverlap": True}}
    if chart.panels:
        return {
            "description": chart.title,  # the heading above the chart says it: no title drawn twice
            "data": {"values": values},
            "vconcat": [
                {
                    "transform": [{"filter": {"field": "series", "equal": chart.label(panel)}}],
                    "width": "container",
                    "height": 160,
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "x": x,
                        "y": {"field": "value", "type": "quantitative", "title": chart.label(panel)},
                        "color": {
                            "field": "bound",
                            "type": "nominal",
                            "title": _("cifra"),
                            "scale": {"range": ["#3b6ea5", "#c9a227"]},
                            "sort": [_("cifra completa"), _("al menos (falta alguna cifra)")],
                            "legend": {"orient": "bottom"},
                        },
                        "tooltip": tooltip,
                    },
                }
                for panel in chart.panels
            ],
        }
    mark: dict[str, Any] = {"type": chart.mark, "tooltip": True}
    if chart.mark == "line":
        mark.update(point=True, invalid="break-paths-show-domains")
    return {
        "description": chart.title,  # the heading above the chart says it: no title drawn twice
        "width": "container",
        "height": 280,
        "data": {"values": values},
        "mark": mark,
        "encoding": {
            "x": x,
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": chart.measure,
                "stack": "zero" if chart.mark == "bar" else None,
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": chart.series,
                "sort": [chart.label(c) for c in drawn],
                "scale": {"scheme": "tableau10" if len(drawn) <= 10 else "tableau20"},
                "legend": {"orient": "bottom", "columns": 2, "labelLimit": 400},
            },
            "tooltip": tooltip,
        },
    }


def _host(request: HttpRequest) -> str | None:
    return request.GET.get("country", "").strip() or None


def figures_page(request: HttpRequest) -> HttpResponse:
    """Every chart, grouped in sections, each with its table, CSV link and sources; filtered by host country."""
    host = _host(request)
    query = "?" + urlencode({"country": host}) if host else ""
    groups = []
    for group in GROUPS:
        made = charts(group, host)
        for chart in made:
            chart.csv_url = reverse("portal:figures-csv", args=[chart.key]) + query
            chart.vega = spec(chart)
        groups.append((group, made))
    context = {
        "groups": groups,
        "countries": [(c.pk, c.title) for c in Country.objects.exclude(status="withdrawn")],
        "country": host or "",
    }
    return render(request, "portal/figures.html", context)


def figures_csv(request: HttpRequest, chart: str) -> HttpResponse:
    """Exactly the data of one chart (its table), as CSV, filtered like the page."""
    group = CHART_GROUPS.get(chart)
    host = _host(request)
    if group is None or (host and not Country.objects.filter(pk=host).exists()):
        raise Http404(_("No existe ese gráfico."))
    found = [c for c in charts(group, host) if c.key == chart]
    if not found:  # a flow without money: an empty table
        found = [_empty_money(chart)]
    response = HttpResponse(csv_text(found[0]), content_type="text/csv; charset=utf-8")
    name = "-".join([chart, *([host] if host else [])])
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _empty_money(key: str) -> Chart:
    return Chart(key, "money", "", _("año fiscal"), "", "", Table(columns=[]))
