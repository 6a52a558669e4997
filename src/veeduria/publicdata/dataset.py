"""The public data in the dataset format that ``veeduria load`` reads (docs/dataset-format.md): one YAML file per
record type and the sources, zipped as ``dataset.zip``. ``unzip dataset.zip -d data && veeduria load data`` puts the
same records, with their citations, alternative values and child rows, into another database."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from typing import Any

import yaml
from django.db import models

from veeduria.evidence.models import Precision
from veeduria.evidence.revisions import CHILD_RELATIONS
from veeduria.evidence.writes import precision_partner

ZIP_NAME = "dataset.zip"


def _date_text(value: str | None, precision: str) -> str | None:
    """An ISO date written at its precision, as the dataset format writes it (``2023``, ``2023-06``)."""
    if value is None:
        return None
    if precision == Precision.YEAR:
        return value[:4]
    if precision == Precision.MONTH:
        return value[:7]
    return value


def dataset_record(model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
    """One export dict as a dataset record: no ``type``, dates at their precision (the precision fields are not
    keys of the format), cited sources by id."""
    record = {k: v for k, v in data.items() if k != "type"}
    for field in model._meta.concrete_fields:
        partner = precision_partner(model, field)
        if partner and field.name in record:
            record[field.name] = _date_text(record[field.name], str(record.get(partner, Precision.DAY)))
            record.pop(partner, None)
    if model._meta.model_name == "source":
        record.pop("citations", None)
    else:
        # the stored documents are files, not in the data set: a citation keeps its locator, not its page link
        record["citations"] = [
            _known(
                {
                    **{k: v for k, v in c.items() if k not in {"document", "page"}},
                    "source": c["source"]["id"] if isinstance(c["source"], dict) else c["source"],
                }
            )
            for c in record.get("citations", [])
        ]
    for name in CHILD_RELATIONS:
        if record.get(name):
            record[name] = [_known(row) for row in record[name]]
    return _known(record)


def _known(values: dict[str, Any]) -> dict[str, Any]:
    """The keys with a value (an absent key leaves a field unknown or at its default)."""
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}


class DatasetZip:
    """``dataset.zip``, written file by file and record by record."""

    def __init__(self, path: Any) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.count = 0

    def write(self, key: str, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Write ``rows`` as ``<key>.yaml``, passing every row on (so that other files are written from it too)."""
        with self.zip.open(f"{key}.yaml", "w") as handle:
            empty = True
            for row in rows:
                text = yaml.safe_dump([dataset_record(model, row)], allow_unicode=True, sort_keys=False, width=120)
                handle.write(text.encode("utf-8"))
                empty = False
                self.count += 1
                yield row
            if empty:
                handle.write(b"[]\n")

    def close(self) -> None:
        self.zip.close()
