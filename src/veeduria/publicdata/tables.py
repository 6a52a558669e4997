"""The flat tables of an export (CSV files and the SQLite snapshot's tables): their columns, with a readable
header in the export's language, an SQL type, and the labels of coded values (shown in CSV instead of codes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.records.export import PRIVATE_FIELDS

_SKIP = {"created_at", "updated_at", *PRIVATE_FIELDS}


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    sql: str = "TEXT"
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """One flat table: ``name`` is the CSV file's stem and the SQLite table's name."""

    name: str
    columns: tuple[Column, ...]

    def values(self, row: dict[str, Any]) -> list[Any]:
        """The cells of ``row`` in column order (codes, lists joined with ``; ``, other structures as text)."""
        return [_cell(row.get(c.name)) for c in self.columns]

    def readable(self, row: dict[str, Any]) -> list[Any]:
        """The cells for a CSV reader: coded values by their label."""
        cells = zip(self.columns, self.values(row), strict=True)
        return [_cell(c.labels.get(v, v) if isinstance(v, str) else v) for c, v in cells]


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _sql_type(f: models.Field) -> str:
    if isinstance(f, models.BooleanField | models.IntegerField) and not f.is_relation:
        return "INTEGER"
    if isinstance(f, models.FloatField):
        return "REAL"
    return "TEXT"


def field_column(f: models.Field) -> Column:
    labels = {str(k): str(v) for k, v in f.choices} if f.choices else {}
    return Column(f.name, capfirst(str(f.verbose_name)), _sql_type(f), labels)


def _exported(f: models.Field) -> bool:
    return f.name not in _SKIP and not getattr(f, "generated", False) and not isinstance(f, models.BinaryField)


def model_columns(model: type[models.Model], exclude: tuple[str, ...] = ()) -> list[Column]:
    """The model's exported fields, many-to-many ones included (their ids joined)."""
    cols = [field_column(f) for f in model._meta.concrete_fields if _exported(f) and f.name not in exclude]
    cols += [field_column(f) for f in model._meta.many_to_many]  # type: ignore[arg-type]
    return cols


def record_table(key: str, model: type[models.Model]) -> Table:
    """A record type's table: its fields and the ids of the sources it cites."""
    cols = model_columns(model)
    if key != "sources":
        cols.append(Column("cited_sources", _("Fuentes citadas")))
    return Table(key, tuple(cols))


def child_tables(key: str, model: type[models.Model]) -> list[tuple[str, Table]]:
    """``(relation, table)`` for the rows that belong to one record (an authorization's personnel, places…)."""
    out = []
    for rel in model._meta.related_objects:
        if rel.name in CHILD_RELATIONS and rel.related_model is not None:
            child: type[models.Model] = rel.related_model  # type: ignore[assignment]
            cols = [Column("record", capfirst(str(model._meta.verbose_name)))]
            cols += [
                field_column(f)
                for f in child._meta.concrete_fields
                if f.name not in {"id", rel.field.name} and _exported(f)
            ]
            out.append((rel.name, Table(f"{key}-{rel.name}", tuple(cols))))
    return out


def citation_table() -> Table:
    return Table(
        "citations",
        (
            Column("record_type", _("Tipo de registro")),
            Column("record", _("Registro")),
            Column("field", _("Campo (vacío: todo el registro)")),
            Column("source", _("Fuente")),
            Column("locator", _("Ubicación")),
            Column("quote", _("Cita textual")),
            Column("note", _("Nota")),
            Column("document", _("Documento"), "INTEGER"),
            Column("page", _("Página"), "INTEGER"),
        ),
    )


def alternative_table() -> Table:
    return Table(
        "alternative-values",
        (
            Column("record_type", _("Tipo de registro")),
            Column("record", _("Registro")),
            Column("field", _("Campo")),
            Column("value", _("Valor")),
            Column("source", _("Fuente")),
            Column("preferred", _("Preferido"), "INTEGER"),
            Column("locator", _("Ubicación")),
            Column("quote", _("Cita textual")),
            Column("note", _("Nota")),
        ),
    )


def flat_rows(key: str, data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(table, row)`` for one export dict: its own row, its child rows, its citations and alternatives."""
    rid = data.get("id")
    own = dict(data)
    own["cited_sources"] = sorted({str(c["source"]["id"]) for c in data.get("citations", [])})
    yield key, own
    for rel in CHILD_RELATIONS:
        for child in data.get(rel, []) or []:
            yield f"{key}-{rel}", {"record": rid, **child}
    for c in data.get("citations", []):
        yield "citations", {**c, "record_type": key, "record": rid, "source": c["source"]["id"]}
    for a in data.get("alternatives", []):
        value = a.get("value")
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        yield "alternative-values", {**a, "record_type": key, "record": rid, "value": text}
