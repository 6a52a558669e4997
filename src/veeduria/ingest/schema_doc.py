"""The field tables of ``docs/dataset-format.md``, generated from the schema (``veeduria schema``)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import override

from veeduria.ingest.schema import FieldSpec, file_specs

MARKER = "<!-- FIELDS -->"

_TYPES = {
    "str": "text",
    "text": "long text",
    "url": "URL",
    "slug": "id (slug)",
    "int": "whole number",
    "decimal": "number",
    "float": "number",
    "bool": "true/false",
    "date": "date",
    "fk": "id of",
    "m2m": "list of ids of",
    "json": "any",
}


def _row(spec: FieldSpec) -> str:
    kind = _TYPES[spec.kind]
    if spec.target is not None:
        kind = f"{kind} {spec.target._meta.verbose_name}"
    if spec.kind == "int" and spec.positive:
        kind += " ≥ 0"
    if spec.choices:
        kind += ": " + ", ".join(f"`{c}`" for c in spec.choices)
    if spec.kind == "date" and not spec.precision_field:
        kind += " (YYYY-MM-DD)"
    required = "yes" if spec.required or spec.name == "id" else ""
    return f"| `{spec.name}` | {kind} | {required} | {spec.help} |"


def fields_markdown() -> str:
    """One table per file, and one per child list, with the English labels of the fields."""
    with override("en"):
        return _tables()


def _tables() -> str:
    parts: list[str] = []
    for key, spec in file_specs().items():
        parts += [f"### `{key}.yaml`", "", "| field | type | required | meaning |", "|---|---|---|---|"]
        parts += [_row(f) for f in spec.fields.values()]
        if spec.needs_citation:
            parts.append("| `citations` | list (see above) | yes | sources of the record and its fields |")
            parts.append("| `alternatives` | list (see above) |  | disagreeing sourced values |")
        parts.append("")
        for child, fields in spec.children.items():
            parts += [
                f"#### `{key}.yaml`: `{child}` (list)",
                "",
                "| field | type | required | meaning |",
                "|---|---|---|---|",
            ]
            parts += [_row(f) for f in fields.values()]
            parts.append("")
    return "\n".join(parts)


def update_document(path: Path) -> None:
    """Rewrite the generated part of ``path`` (everything after the ``<!-- FIELDS -->`` marker)."""
    head = path.read_text(encoding="utf-8").split(MARKER)[0]
    path.write_text(f"{head}{MARKER}\n\n{fields_markdown()}", encoding="utf-8")
