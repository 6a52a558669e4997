"""What one input file may cost: the limits every importer and the dataset loader apply before and while reading
(listed in docs/limits.md). Those an operator may change are settings (``VEEDURIA_IMPORT_*``); the others are
fixed here, with the reason for their value."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

#: the longest text of one CSV field or workbook cell: Excel's own limit for a cell
CELL_MAX_CHARS = 32_767
#: files inside a workbook (a real .xlsx holds a few dozen)
XLSX_MAX_MEMBERS = 1_000
#: how many times larger than its compressed size a file inside a workbook may be once unpacked (real sheets:
#: about 10); only files above :data:`XLSX_RATIO_FROM_BYTES` are measured
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 1024 * 1024
#: the unpacked size of a workbook's shared strings (all its texts, read into memory at once)
XLSX_SHARED_STRINGS_BYTES = 50 * 1024 * 1024
#: columns of a sheet that are read (cells further right are ignored)
XLSX_MAX_COLUMNS = 256
#: the most cells one formula computed by an importer may add up (``=SUM(B5:B87)`` adds 83)
FORMULA_MAX_CELLS = 10_000
#: the most cell values all computed formulas of one file may read together
FORMULA_MAX_READS = 1_000_000
#: the most filled cells of a sheet whose formulas an importer computes (the sheet is held in memory)
FORMULA_SHEET_MAX_CELLS = 500_000


def max_file_bytes() -> int:
    """The largest file ``veeduria import`` reads (``VEEDURIA_IMPORT_MAX_MB``)."""
    return int(settings.IMPORT_MAX_BYTES)


def max_unpacked_bytes() -> int:
    """The most a workbook may unpack to (``VEEDURIA_IMPORT_UNPACKED_MB``)."""
    return int(settings.IMPORT_UNPACKED_BYTES)


def max_rows() -> int:
    """The most lines (CSV) or rows (each sheet of a workbook) of one imported file (``VEEDURIA_IMPORT_MAX_ROWS``)."""
    return int(settings.IMPORT_MAX_ROWS)


def max_dataset_file_bytes() -> int:
    """The largest YAML file of a dataset folder (``VEEDURIA_DATASET_FILE_MAX_MB``)."""
    return int(settings.DATASET_FILE_MAX_BYTES)


def max_text_chars() -> int:
    """The longest text of a field without a length of its own (``VEEDURIA_TEXT_MAX_CHARS``)."""
    return int(settings.TEXT_MAX_CHARS)


def megabytes(size: int) -> str:
    """``209715200`` → ``'200 MB'`` (for messages)."""
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} B"


# ------------------------------------------------------------------------------- the text fields' maxima

#: where the generated table of docs/limits.md starts
MARKER = "<!-- TEXT FIELDS -->"


def text_fields() -> list[tuple[str, list[tuple[str, int | None]]]]:
    """Every text field a dataset file or an importer writes, per file (``sources.yaml``, ``authorizations.yaml:
    places``, ``citations`` ...): (field, its own maximum, or ``None`` for ``VEEDURIA_TEXT_MAX_CHARS``)."""
    from django.db import models

    from veeduria.evidence.models import AlternativeValue, Citation
    from veeduria.ingest.schema import file_specs

    def texts(model: type[models.Model], names: list[str]) -> list[tuple[str, int | None]]:
        fields = [model._meta.get_field(n) for n in names]
        return [(f.name, f.max_length) for f in fields if isinstance(f, models.CharField | models.TextField)]

    out = []
    for key, spec in file_specs().items():
        out.append((f"{key}.yaml", texts(spec.model, list(spec.fields))))
        for child, fields in spec.children.items():
            out.append((f"{key}.yaml: {child}", texts(spec.child_models[child], list(fields))))
    out.append(("citations", texts(Citation, ["locator", "quote", "note"])))
    out.append(("alternatives", texts(AlternativeValue, ["locator", "quote", "note"])))
    return out


def text_fields_markdown() -> str:
    """The table of docs/limits.md after :data:`MARKER`: each file's text fields and their maxima."""
    lines = ["| file | text fields (most characters; **T** = `VEEDURIA_TEXT_MAX_CHARS`) |", "|---|---|"]
    for where, fields in text_fields():
        listed = ", ".join(f"`{name}` {'**T**' if n is None else n}" for name, n in fields)
        lines.append(f"| `{where}` | {listed} |")
    return "\n".join(lines) + "\n"


def update_document(path: Path) -> None:
    """Rewrite the generated part of ``path`` (everything after :data:`MARKER`)."""
    head = path.read_text(encoding="utf-8").split(MARKER)[0]
    path.write_text(f"{head}{MARKER}\n\n{text_fields_markdown()}", encoding="utf-8")
