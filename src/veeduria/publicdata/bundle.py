"""One export set in a folder: per type CSV and JSON Lines, child rows, citations and alternative values, the
findings, the documents' metadata, GeoJSON of the places with coordinates, ClaimReview JSON-LD, a SQLite snapshot
of it all, the records in the format ``veeduria load`` reads (``dataset.zip``) and ``manifest.json``. Every table
is read once, streamed, and written to all its files at once."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import translation

from veeduria.publicdata import manifest
from veeduria.publicdata.as_of import end_of_day
from veeduria.publicdata.csv_safe import neutralise
from veeduria.publicdata.dataset import ZIP_NAME, DatasetZip
from veeduria.publicdata.streams import Selection, SourceBriefs, iter_type
from veeduria.publicdata.tables import (
    Column,
    Table,
    alternative_table,
    child_tables,
    citation_table,
    flat_rows,
    model_columns,
    record_table,
)
from veeduria.records.registry import RECORD_TYPES, SOURCE_MODEL

#: the record types written as GeoJSON (the rows with a latitude and a longitude)
GEO_TYPES = ("facilities", "activities")
SNAPSHOT_NAME = "veeduria.sqlite"
_BATCH = 1000
Progress = Callable[[str], None]


def export_keys() -> list[str]:
    """Every record type, then the sources."""
    return [rt.key for rt in RECORD_TYPES] + ["sources"]


class _Csv:
    def __init__(self, path: Path, table: Table) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow([c.header for c in table.columns])
        self.table = table
        self.count = 0

    def write(self, row: dict[str, Any]) -> None:
        self.writer.writerow([neutralise(v) for v in self.table.readable(row)])
        self.count += 1


class _Snapshot:
    """The SQLite snapshot: one table per CSV file, the same columns named by their field names, codes kept."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.pending: dict[str, list[list[Any]]] = {}
        self.tables: dict[str, Table] = {}

    @staticmethod
    def _name(table: Table) -> str:
        return table.name.replace("-", "_")

    def create(self, table: Table) -> None:
        cols = ", ".join(f'"{c.name}" {c.sql}' for c in table.columns)
        self.db.execute(f'CREATE TABLE "{self._name(table)}" ({cols})')
        self.db.execute(
            "INSERT INTO _columns VALUES " + ", ".join("(?, ?, ?)" for _ in table.columns),
            [v for c in table.columns for v in (self._name(table), c.name, c.header)],
        )
        self.tables[table.name] = table
        self.pending[table.name] = []

    def insert(self, table: str, row: dict[str, Any]) -> None:
        rows = self.pending[table]
        rows.append([_sqlite_value(v) for v in self.tables[table].values(row)])
        if len(rows) >= _BATCH:
            self.flush(table)

    def flush(self, table: str) -> None:
        rows = self.pending[table]
        if rows:
            t = self.tables[table]
            marks = ", ".join("?" for _ in t.columns)
            self.db.executemany(f'INSERT INTO "{self._name(t)}" VALUES ({marks})', rows)
            rows.clear()

    def close(self) -> None:
        for table in list(self.pending):
            self.flush(table)
        self.db.commit()
        self.db.close()


def _sqlite_value(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


class ExportSet:
    """Writes one export set into ``folder`` (created if needed) and returns its manifest."""

    def __init__(self, folder: Path, selection: Selection, language: str, progress: Progress | None = None) -> None:
        self.folder = folder
        self.selection = selection
        self.language = language
        self.progress = progress or (lambda _message: None)
        self.counts: dict[str, int] = {}
        self.csv: dict[str, _Csv] = {}

    def write(self, *, base_url: str | None = None) -> dict[str, Any]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with translation.override(self.language):
            self.sqlite = _Snapshot(self.folder / (SNAPSHOT_NAME + ".part"))
            self.sqlite.db.execute("CREATE TABLE _columns (table_name TEXT, column_name TEXT, header TEXT)")
            for shared in (citation_table(), alternative_table()):
                self._open_table(shared)
            briefs = SourceBriefs()
            self.dataset = DatasetZip(self.folder / ZIP_NAME)
            for key in export_keys():
                self.progress(key)
                self._write_records(key, briefs)
            self.dataset.close()
            self.counts[ZIP_NAME] = self.dataset.count
            self._write_other("documents", model_columns(_document_model(), ("error",)), self._documents())
            if self.selection.as_of is None:
                self.progress("findings")
                self._write_other("findings", _finding_columns(), _findings())
                self._write_claim_reviews(base_url or settings.SITE_URL)
            for out in self.csv.values():
                out.handle.close()
            self.sqlite.close()
            (self.folder / (SNAPSHOT_NAME + ".part")).replace(self.folder / SNAPSHOT_NAME)
            self.counts[SNAPSHOT_NAME] = sum(v for k, v in self.counts.items() if k.endswith(".csv"))
            return manifest.write(self.folder, self.counts, self.selection, self.language)

    def _open_table(self, table: Table) -> None:
        self.csv[table.name] = _Csv(self.folder / f"{table.name}.csv", table)
        self.sqlite.create(table)

    def _write_records(self, key: str, briefs: SourceBriefs) -> None:
        model = SOURCE_MODEL if key == "sources" else next(rt.model for rt in RECORD_TYPES if rt.key == key)
        self._open_table(record_table(key, model))
        for _rel, child in child_tables(key, model):
            self._open_table(child)
        geo = _GeoJson(self.folder / f"{key}.geojson") if key in GEO_TYPES else None
        jsonl_name = f"{key}.jsonl"
        lines = 0
        with (self.folder / jsonl_name).open("w", encoding="utf-8") as jsonl:
            for data in self.dataset.write(key, model, iter_type(key, self.selection, briefs)):
                jsonl.write(json.dumps(data, ensure_ascii=False) + "\n")
                lines += 1
                for table, row in flat_rows(key, data):
                    self.csv[table].write(row)
                    self.sqlite.insert(table, row)
                if geo is not None:
                    geo.add(data)
        self.counts[jsonl_name] = lines
        if geo is not None:
            self.counts[f"{key}.geojson"] = geo.close()
        self._count_csv()

    def _write_other(self, name: str, columns: list[Column], rows: Iterable[dict[str, Any]]) -> None:
        table = Table(name, tuple(columns))
        self._open_table(table)
        lines = 0
        with (self.folder / f"{name}.jsonl").open("w", encoding="utf-8") as jsonl:
            for row in rows:
                jsonl.write(json.dumps({"type": name, **row}, ensure_ascii=False) + "\n")
                lines += 1
                self.csv[name].write(row)
                self.sqlite.insert(name, row)
        self.counts[f"{name}.jsonl"] = lines
        self._count_csv()

    def _count_csv(self) -> None:
        for name, out in self.csv.items():
            self.counts[f"{name}.csv"] = out.count

    def _documents(self) -> Iterator[dict[str, Any]]:
        from veeduria.evidence.revisions import plain

        model = _document_model()
        qs = model._default_manager.order_by("pk")
        if self.selection.as_of is not None:
            qs = qs.filter(added_at__lt=end_of_day(self.selection.as_of))
        names = [c.name for c in model_columns(model, ("error",))]
        for doc in qs.iterator(chunk_size=_BATCH):
            yield {n: plain(getattr(doc, model._meta.get_field(n).attname)) for n in names}

    def _write_claim_reviews(self, base_url: str) -> None:
        from veeduria.factchecks.claimreview import export_claim_reviews

        reviews = export_claim_reviews(base_url, self.language)
        with (self.folder / "claim-reviews.jsonld").open("w", encoding="utf-8") as out:
            out.write(json.dumps(reviews, ensure_ascii=False, indent=1) + "\n")
        self.counts["claim-reviews.jsonld"] = len(reviews)


def _document_model() -> Any:
    from veeduria.documents.models import Document

    return Document


def _finding_columns() -> list[Column]:
    from django.utils.text import capfirst

    from veeduria.oversight.models import Finding, Severity
    from veeduria.oversight.output import COLUMNS

    labels = {
        "severity": capfirst(str(Finding._meta.get_field("severity").verbose_name)),
        "rule": capfirst(str(Finding._meta.get_field("rule").verbose_name)),
        "activity": capfirst(str(Finding._meta.get_field("activity").verbose_name)),
        "authorization": capfirst(str(Finding._meta.get_field("authorization").verbose_name)),
        "explanation_es": translation.gettext("Explicación (es)"),
        "explanation_en": translation.gettext("Explicación (en)"),
        "citations": translation.gettext("Citas"),
        "computed_at": capfirst(str(Finding._meta.get_field("computed_at").verbose_name)),
    }
    severity = {str(k): str(v) for k, v in Severity.choices}
    return [Column(name, labels[name], "TEXT", severity if name == "severity" else {}) for name in COLUMNS]


def _findings() -> Iterator[dict[str, Any]]:
    from veeduria.oversight import output
    from veeduria.oversight.models import Finding
    from veeduria.oversight.queries import country_names

    names = country_names()
    batch: list[Finding] = []
    for f in Finding.objects.select_related("authorization").order_by("pk").iterator(chunk_size=_BATCH):
        batch.append(f)
        if len(batch) >= _BATCH:
            yield from output.rows(batch, names)
            batch = []
    yield from output.rows(batch, names)


class _GeoJson:
    """A FeatureCollection written feature by feature: every record with both coordinates, as a Point."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("w", encoding="utf-8")
        self.handle.write('{"type": "FeatureCollection", "features": [\n')
        self.count = 0

    def add(self, data: dict[str, Any]) -> None:
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is None or lon is None:
            return
        props = {
            k: v
            for k, v in data.items()
            if k not in {"latitude", "longitude", "citations", "alternatives"} and not isinstance(v, list | dict)
        }
        props["cited_sources"] = sorted({str(c["source"]["id"]) for c in data.get("citations", [])})
        feature = {
            "type": "Feature",
            "id": data.get("id"),
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props,
        }
        self.handle.write(("" if self.count == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
        self.count += 1

    def close(self) -> int:
        self.handle.write("\n]}\n")
        self.handle.close()
        return self.count
