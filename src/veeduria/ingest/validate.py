"""Validation of a dataset folder: every error names the file, the record and the field. Writes nothing."""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from veeduria.evidence.models import Precision, Status
from veeduria.evidence.revisions import plain
from veeduria.ingest.schema import ALTERNATIVE_KEYS, CITATION_KEYS, LINK_KEYS, FieldSpec, FileSpec, file_specs
from veeduria.ingest.yamlfile import LineDict, YamlProblem, read_yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_url = URLValidator(schemes=["http", "https"])


class DatasetInvalid(Exception):
    """The folder failed validation; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")


class _Bad(ValueError):
    """A value that cannot be converted; the message says why."""


@dataclass
class Item:
    """One validated record, ready to write."""

    key: str
    id: str
    line: int
    values: dict[str, Any] = field(default_factory=dict)  #: model field attname → python value
    m2m: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    citations: list[dict[str, Any]] = field(default_factory=list)
    alternatives: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Dataset:
    """A validated folder: items per file key, in load order."""

    folder: Path
    items: dict[str, list[Item]]

    def count(self) -> int:
        return sum(len(v) for v in self.items.values())


def parse_date(value: Any) -> tuple[dt.date, str]:
    """``2023-05-19`` → day precision, ``2023-05`` → month, ``2023`` → year."""
    if isinstance(value, dt.datetime):
        raise _Bad("a date, not a date and time, is expected")
    if isinstance(value, dt.date):
        return value, Precision.DAY
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    match = _DATE.match(text)
    if not match:
        raise _Bad(f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = match.groups()
    try:
        if day:
            return dt.date(int(year), int(month), int(day)), Precision.DAY
        if month:
            return dt.date(int(year), int(month), 1), Precision.MONTH
        return dt.date(int(year), 1, 1), Precision.YEAR
    except ValueError as exc:
        raise _Bad(f"{value!r} is not a valid date ({exc})") from exc


def convert(spec: FieldSpec, value: Any) -> Any:
    """The python value for ``spec`` from a YAML value, or :class:`_Bad`."""
    if value is None:
        if spec.required or (not spec.nullable and spec.kind not in {"str", "text", "url", "slug"}):
            raise _Bad("a value is required")
        return None if spec.nullable else ""
    kind = spec.kind
    if kind in {"str", "text", "url", "slug"}:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise _Bad(f"text expected, got {type(value).__name__}")
        text = str(value).strip()
        if spec.max_length and len(text) > spec.max_length:
            raise _Bad(f"longer than {spec.max_length} characters")
        if spec.choices and text not in spec.choices:
            raise _Bad(f"{text!r} is not one of: {', '.join(spec.choices)}")
        if kind == "url" and text:
            try:
                _url(text)
            except ValidationError as exc:
                raise _Bad(f"{text!r} is not a valid http(s) URL") from exc
        if kind == "slug" and not SLUG.match(text):
            raise _Bad(f"{text!r} is not a lower-case slug (a-z, 0-9, -)")
        if spec.required and not text:
            raise _Bad("a value is required")
        return text
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"a whole number is expected, got {value!r}")
        if spec.positive and value < 0:
            raise _Bad(f"must not be negative, got {value}")
        return value
    if kind == "decimal":
        if isinstance(value, bool):
            raise _Bad(f"a number is expected, got {value!r}")
        try:
            return decimal.Decimal(str(value))
        except decimal.InvalidOperation as exc:
            raise _Bad(f"a number is expected, got {value!r}") from exc
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Bad(f"a number is expected, got {value!r}")
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise _Bad(f"true or false is expected, got {value!r}")
        return value
    if kind == "date":
        return parse_date(value)
    if kind == "fk":
        if not isinstance(value, str):
            raise _Bad(f"the id of a record is expected, got {value!r}")
        return value
    if kind == "m2m":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Bad("a list of record ids is expected")
        if len(set(value)) != len(value):
            raise _Bad("an id is listed twice")
        return list(value)
    return value


def _unknown(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    return f"unknown field {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


class _Validator:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.errors: list[str] = []
        self.specs = file_specs()
        self.items: dict[str, list[Item]] = {k: [] for k in self.specs}
        self.ids: dict[type[models.Model], set[str]] = {}
        self.refs: list[tuple[str, type[models.Model], str]] = []  # (where, model, id)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def run(self) -> Dataset:
        if not self.folder.is_dir():
            raise DatasetInvalid([f"{self.folder}: not a folder"])
        names = sorted(p.name for p in self.folder.iterdir() if p.suffix in {".yaml", ".yml"})
        for name in names:
            if Path(name).stem not in self.specs:
                self.error(name, _unknown(Path(name).stem, list(self.specs)).replace("field", "file"))
        for key, spec in self.specs.items():
            path = self.folder / f"{key}.yaml"
            if path.exists():
                self.read_file(path, spec)
        self.check_references()
        if self.errors:
            raise DatasetInvalid(self.errors)
        return Dataset(self.folder, {k: v for k, v in self.items.items() if v})

    def read_file(self, path: Path, spec: FileSpec) -> None:
        try:
            data = read_yaml(path)
        except YamlProblem as exc:
            self.errors.append(str(exc))
            return
        if data is None:
            return
        if not isinstance(data, list):
            self.error(path.name, "a YAML list of records is expected")
            return
        seen = self.ids.setdefault(spec.model, set())
        for index, raw in enumerate(data, start=1):
            if not isinstance(raw, LineDict):
                self.error(f"{path.name}: entry {index}", "a mapping (key: value) is expected")
                continue
            rid = raw.get("id")
            where = f"{path.name}:{raw.line}: record {rid!r}" if rid else f"{path.name}:{raw.line}: entry {index}"
            item = self.read_record(where, spec, raw)
            if item is None:
                continue
            if item.id in seen:
                self.error(where, f"field 'id': {item.id!r} is used by another record")
            seen.add(item.id)
            self.items[spec.key].append(item)

    def read_record(self, where: str, spec: FileSpec, raw: LineDict) -> Item | None:
        allowed = [*spec.fields, *spec.children, *LINK_KEYS]
        item = Item(spec.key, str(raw.get("id", "")), raw.line)
        ok = True
        for key in raw:
            if key not in allowed:
                self.error(where, _unknown(str(key), allowed))
                ok = False
        for name, fspec in spec.fields.items():
            if name not in raw:
                if fspec.required:
                    self.error(where, f"field {name!r}: a value is required")
                    ok = False
                continue
            ok = self.read_value(where, fspec, raw[name], item.values, item.m2m) and ok
        for name, child_fields in spec.children.items():
            if name not in raw:
                continue
            item.children[name] = []
            rows = raw.get(name) or []
            if not isinstance(rows, list):
                self.error(where, f"field {name!r}: a list is expected")
                ok = False
                continue
            for n, row in enumerate(rows, start=1):
                ok = self.read_child(f"{where}: {name}[{n}]", child_fields, row, item, name) and ok
        ok = self.read_links(where, spec, raw, item) and ok
        if item.values.get("status") == Status.WITHDRAWN and not item.values.get("withdrawn_reason"):
            self.error(where, "field 'withdrawn_reason': a withdrawn record needs a reason")
            ok = False
        return item if ok else None

    def read_value(
        self, where: str, fspec: FieldSpec, value: Any, out: dict[str, Any], m2m: dict[str, list[str]] | None
    ) -> bool:
        try:
            converted = convert(fspec, value)
        except _Bad as exc:
            self.error(where, f"field {fspec.name!r}: {exc}")
            return False
        if fspec.kind == "date":
            day, precision = converted if converted else (None, Precision.DAY)
            out[fspec.name] = day
            if fspec.precision_field:
                out[fspec.precision_field] = precision
            elif converted and precision != Precision.DAY:
                self.error(where, f"field {fspec.name!r}: a full date (YYYY-MM-DD) is required")
                return False
        elif fspec.kind == "fk":
            out[f"{fspec.name}_id"] = converted
            if converted is not None and fspec.target is not None:
                self.refs.append((f"{where}: field {fspec.name!r}", fspec.target, converted))
        elif fspec.kind == "m2m":
            assert m2m is not None and fspec.target is not None
            m2m[fspec.name] = converted
            for ref in converted:
                self.refs.append((f"{where}: field {fspec.name!r}", fspec.target, ref))
        else:
            out[fspec.name] = converted
        return True

    def read_child(self, where: str, fields: dict[str, FieldSpec], row: Any, item: Item, name: str) -> bool:
        if not isinstance(row, dict):
            self.error(where, "a mapping is expected")
            return False
        ok = True
        for key in row:
            if key not in fields:
                self.error(where, _unknown(str(key), list(fields)))
                ok = False
        values: dict[str, Any] = {}
        for fname, fspec in fields.items():
            if fname in row:
                ok = self.read_value(where, fspec, row[fname], values, None) and ok
            elif fspec.required:
                self.error(where, f"field {fname!r}: a value is required")
                ok = False
        item.children.setdefault(name, []).append(values)
        return ok

    def read_links(self, where: str, spec: FileSpec, raw: LineDict, item: Item) -> bool:
        ok = True
        field_names = [*spec.fields, *spec.children]
        for link, keys in (("citations", CITATION_KEYS), ("alternatives", ALTERNATIVE_KEYS)):
            entries = raw.get(link) or []
            if not isinstance(entries, list):
                self.error(where, f"field {link!r}: a list is expected")
                ok = False
                continue
            for n, entry in enumerate(entries, start=1):
                at = f"{where}: {link}[{n}]"
                if not isinstance(entry, dict):
                    self.error(at, "a mapping is expected")
                    ok = False
                    continue
                for key in entry:
                    if key not in keys:
                        self.error(at, _unknown(str(key), list(keys)))
                        ok = False
                source = entry.get("source")
                if not isinstance(source, str) or not source:
                    self.error(at, "field 'source': the id of a source is required")
                    ok = False
                else:
                    self.refs.append((f"{at}: field 'source'", self.specs["sources"].model, source))
                fname = entry.get("field") or ""
                if fname and fname not in field_names:
                    self.error(at, f"field 'field': {_unknown(str(fname), field_names)}")
                    ok = False
                if link == "alternatives" and not fname:
                    self.error(at, "field 'field': an alternative value names the field it is for")
                    ok = False
                if link == "alternatives" and "value" not in entry:
                    self.error(at, "field 'value': a value is required")
                    ok = False
                record = {k: ("" if entry.get(k) is None else entry.get(k)) for k in keys if k != "value"}
                record["field"] = fname
                if link == "alternatives":
                    record["value"] = entry.get("value")
                    record["preferred"] = bool(entry.get("preferred", False))
                getattr(item, link).append(record)
        if spec.needs_citation and not item.citations and item.values.get("status") != Status.WITHDRAWN:
            self.error(where, "field 'citations': every published record needs at least one citation")
            ok = False
        return ok and self.check_preferred(where, spec, raw, item)

    def check_preferred(self, where: str, spec: FileSpec, raw: LineDict, item: Item) -> bool:
        ok = True
        by_field: dict[str, list[dict[str, Any]]] = {}
        for alt in item.alternatives:
            by_field.setdefault(alt["field"], []).append(alt)
        for fname, alts in by_field.items():
            preferred = [a for a in alts if a["preferred"]]
            if len(preferred) > 1:
                self.error(where, f"alternatives for {fname!r}: more than one is preferred")
                ok = False
            if (
                preferred
                and fname in spec.fields
                and not _same(spec.fields[fname], preferred[0]["value"], raw.get(fname))
            ):
                self.error(
                    where,
                    f"alternatives for {fname!r}: the preferred value {preferred[0]['value']!r} "
                    f"differs from the record's value {raw.get(fname)!r}",
                )
                ok = False
        return ok

    def check_references(self) -> None:
        from django.db.utils import DatabaseError

        missing: dict[type[models.Model], set[str]] = {}
        for _where, model, ref in self.refs:
            if ref not in self.ids.get(model, set()):
                missing.setdefault(model, set()).add(ref)
        existing: dict[type[models.Model], set[str]] = {}
        for model, refs in missing.items():
            try:
                existing[model] = {
                    str(pk) for pk in model._default_manager.filter(pk__in=refs).values_list("pk", flat=True)
                }
            except DatabaseError:
                existing[model] = set()
        for where, model, ref in self.refs:
            if ref in missing.get(model, set()) and ref not in existing.get(model, set()):
                self.error(where, f"no {model.__name__} with id {ref!r}")


def _same(spec: FieldSpec, a: Any, b: Any) -> bool:
    """Whether two YAML values of ``spec`` mean the same value."""
    try:
        ca, cb = convert(spec, a), convert(spec, b)
    except _Bad:
        return False
    if spec.kind == "m2m":
        return sorted(ca or []) == sorted(cb or [])
    return bool(plain(ca) == plain(cb))


def validate_folder(folder: Path) -> Dataset:
    """Validate every file of ``folder``; raise :class:`DatasetInvalid` listing every problem."""
    return _Validator(folder).run()
