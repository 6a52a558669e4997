"""Validation of a dataset folder: every error names the file, the record and the field. Writes nothing."""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _

from veeduria.evidence.cleaning import CleanError, check_record, checker, clean_json, text_max_length
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
        more = _(" (y %(n)d más)") % {"n": len(errors) - 1} if len(errors) > 1 else ""
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
        raise _Bad(_("se espera una fecha, no una fecha con hora"))
    if isinstance(value, dt.date):
        return value, Precision.DAY
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    match = _DATE.match(text)
    if not match:
        raise _Bad(_("%(value)s no es una fecha (AAAA-MM-DD, AAAA-MM o AAAA)") % {"value": repr(value)})
    year, month, day = match.groups()
    try:
        if day:
            return dt.date(int(year), int(month), int(day)), Precision.DAY
        if month:
            return dt.date(int(year), int(month), 1), Precision.MONTH
        return dt.date(int(year), 1, 1), Precision.YEAR
    except ValueError as exc:
        raise _Bad(_("%(value)s no es una fecha válida (%(error)s)") % {"value": repr(value), "error": exc}) from exc


def convert(spec: FieldSpec, value: Any) -> Any:
    """The python value for ``spec`` from a YAML value, or :class:`_Bad`."""
    if value is None:
        if spec.required or (not spec.nullable and spec.kind not in {"str", "text", "url", "slug"}):
            raise _Bad(_("falta un valor"))
        return None if spec.nullable else ""
    kind = spec.kind
    if kind in {"str", "text", "url", "slug"}:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise _Bad(_("se espera un texto, no %(type)s") % {"type": type(value).__name__})
        text = str(value).strip()
        if spec.max_length and len(text) > spec.max_length:
            raise _Bad(_("tiene más de %(n)d caracteres") % {"n": spec.max_length})
        if spec.choices and text not in spec.choices:
            raise _Bad(
                _("%(value)s no es uno de: %(choices)s") % {"value": repr(text), "choices": ", ".join(spec.choices)}
            )
        if kind == "url" and text:
            try:
                _url(text)
            except ValidationError as exc:
                raise _Bad(_("%(value)s no es una URL http(s) válida") % {"value": repr(text)}) from exc
        if kind == "slug" and not SLUG.match(text):
            raise _Bad(_("%(value)s no es un identificador en minúsculas (a-z, 0-9, -)") % {"value": repr(text)})
        if spec.required and not text:
            raise _Bad(_("falta un valor"))
        return text
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(_("se espera un número entero, no %(value)s") % {"value": repr(value)})
        if spec.positive and value < 0:
            raise _Bad(_("no puede ser negativo: %(value)s") % {"value": value})
        return value
    if kind == "decimal":
        if isinstance(value, bool):
            raise _Bad(_("se espera un número, no %(value)s") % {"value": repr(value)})
        try:
            return decimal.Decimal(_exact(value))
        except decimal.InvalidOperation as exc:
            raise _Bad(_("se espera un número, no %(value)s") % {"value": repr(value)}) from exc
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Bad(_("se espera un número, no %(value)s") % {"value": repr(value)})
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise _Bad(_("se espera true o false, no %(value)s") % {"value": repr(value)})
        return value
    if kind == "date":
        return parse_date(value)
    if kind == "fk":
        if not isinstance(value, str):
            raise _Bad(_("se espera el id de un registro, no %(value)s") % {"value": repr(value)})
        return value
    if kind == "m2m":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Bad(_("se espera una lista de ids de registros"))
        if len(set(value)) != len(value):
            raise _Bad(_("un id aparece dos veces"))
        return list(value)
    return value


def _exact(value: Any) -> str:
    """The text of a number as written in the file (a YAML float's own digits, not its binary rounding)."""
    text = getattr(value, "text", "")
    if text and isinstance(value, float) and math.isfinite(value):
        plain = text.replace("_", "")
        try:
            decimal.Decimal(plain)
        except decimal.InvalidOperation:
            return str(value)
        return plain
    return str(value)


def _record_at(where: str, rid: Any) -> str:
    return _("%(where)s: registro %(id)s") % {"where": where, "id": repr(rid)}


def _entry(where: str, index: int) -> str:
    return _("%(where)s: entrada %(n)d") % {"where": where, "n": index}


def _unknown(key: str, allowed: list[str], *, what: str = "field") -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    text = _("archivo desconocido %(key)s") if what == "file" else _("campo desconocido %(key)s")
    hint = _(" (¿quiso decir %(close)s?)") % {"close": repr(close[0])} if close else ""
    return text % {"key": repr(key)} + hint


def _frozen_message(old: Any) -> str:
    return _(
        "una calificación publicada no se edita (su valor es %(old)s): añada una nueva calificación de la "
        "afirmación, con su fecha; la anterior queda en el historial"
    ) % {"old": repr(plain(old))}


def _in_field(name: str, message: str) -> str:
    return _("campo %(field)s: %(message)s") % {"field": repr(name), "message": message}


class _Validator:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.errors: list[str] = []
        self.specs = file_specs()
        self.items: dict[str, list[Item]] = {k: [] for k in self.specs}
        self.ids: dict[type[models.Model], set[str]] = {}
        self.refs: list[tuple[str, str, type[models.Model], str]] = []  # (where, field, model, id)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def run(self) -> Dataset:
        if not self.folder.is_dir():
            raise DatasetInvalid([_("%(path)s: no es una carpeta") % {"path": self.folder}])
        names = sorted(p.name for p in self.folder.iterdir() if p.suffix in {".yaml", ".yml"})
        for name in names:
            if Path(name).stem not in self.specs and name != "merges.yaml":  # merges: records/merge.py
                self.error(name, _unknown(Path(name).stem, list(self.specs), what="file"))
        for key, spec in self.specs.items():
            path = self.folder / f"{key}.yaml"
            if path.exists():
                self.read_file(path, spec)
        self.check_references()
        self.check_frozen_reviews()
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
            self.error(path.name, _("se espera una lista YAML de registros"))
            return
        seen = self.ids.setdefault(spec.model, set())
        for index, raw in enumerate(data, start=1):
            if not isinstance(raw, LineDict):
                self.error(_entry(path.name, index), _("se espera un mapa (clave: valor)"))
                continue
            rid = raw.get("id")
            where = _record_at(f"{path.name}:{raw.line}", rid) if rid else _entry(f"{path.name}:{raw.line}", index)
            item = self.read_record(where, spec, raw)
            if item is None:
                continue
            if item.id in seen:
                self.error(where, _in_field("id", _("%(id)s ya lo usa otro registro") % {"id": repr(item.id)}))
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
                    self.error(where, _in_field(name, _("falta un valor")))
                    ok = False
                continue
            ok = self.read_value(where, fspec, raw[name], item.values, item.m2m, spec.model) and ok
        for name, child_fields in spec.children.items():
            if name not in raw:
                continue
            item.children[name] = []
            rows = raw.get(name) or []
            if not isinstance(rows, list):
                self.error(where, _in_field(name, _("se espera una lista")))
                ok = False
                continue
            for n, row in enumerate(rows, start=1):
                child = spec.child_models[name]
                ok = self.read_child(f"{where}: {name}[{n}]", child_fields, row, item, name, child) and ok
        ok = self.cross_rules(where, spec.model, item.values) and ok
        ok = self.read_links(where, spec, raw, item) and ok
        if item.values.get("status") == Status.WITHDRAWN and not item.values.get("withdrawn_reason"):
            self.error(where, _in_field("withdrawn_reason", _("un registro retirado necesita un motivo")))
            ok = False
        return item if ok else None

    def cross_rules(self, where: str, model: type[models.Model], values: dict[str, Any]) -> bool:
        """The rules between fields of one record or child row (an end after its start, low <= high)."""
        errors = check_record(model, values)
        for name, message in errors:
            self.error(where, _in_field(name, message))
        return not errors

    def read_value(
        self,
        where: str,
        fspec: FieldSpec,
        value: Any,
        out: dict[str, Any],
        m2m: dict[str, list[str]] | None,
        model: type[models.Model],
    ) -> bool:
        try:
            converted = clean(model, fspec, value)
        except (_Bad, CleanError) as exc:
            self.error(where, _in_field(fspec.name, str(exc)))
            return False
        if fspec.kind == "date":
            day, precision = converted if converted else (None, Precision.DAY)
            out[fspec.name] = day
            if fspec.precision_field:
                out[fspec.precision_field] = precision
            elif converted and precision != Precision.DAY:
                self.error(where, _in_field(fspec.name, _("se requiere una fecha completa (AAAA-MM-DD)")))
                return False
        elif fspec.kind == "fk":
            out[f"{fspec.name}_id"] = converted
            if converted is not None and fspec.target is not None:
                self.refs.append((where, fspec.name, fspec.target, converted))
        elif fspec.kind == "m2m":
            assert m2m is not None and fspec.target is not None
            m2m[fspec.name] = converted
            for ref in converted:
                self.refs.append((where, fspec.name, fspec.target, ref))
        else:
            out[fspec.name] = converted
        return True

    def read_child(
        self, where: str, fields: dict[str, FieldSpec], row: Any, item: Item, name: str, model: type[models.Model]
    ) -> bool:
        if not isinstance(row, dict):
            self.error(where, _("se espera un mapa (clave: valor)"))
            return False
        ok = True
        for key in row:
            if key not in fields:
                self.error(where, _unknown(str(key), list(fields)))
                ok = False
        values: dict[str, Any] = {}
        for fname, fspec in fields.items():
            if fname in row:
                ok = self.read_value(where, fspec, row[fname], values, None, model) and ok
            elif fspec.required:
                self.error(where, _in_field(fname, _("falta un valor")))
                ok = False
        ok = ok and self.cross_rules(where, model, values)
        item.children.setdefault(name, []).append(values)
        return ok

    def read_links(self, where: str, spec: FileSpec, raw: LineDict, item: Item) -> bool:
        ok = True
        field_names = [*spec.fields, *spec.children]
        for link, keys in (("citations", CITATION_KEYS), ("alternatives", ALTERNATIVE_KEYS)):
            entries = raw.get(link) or []
            if not isinstance(entries, list):
                self.error(where, _in_field(link, _("se espera una lista")))
                ok = False
                continue
            for n, entry in enumerate(entries, start=1):
                at = f"{where}: {link}[{n}]"
                if not isinstance(entry, dict):
                    self.error(at, _("se espera un mapa (clave: valor)"))
                    ok = False
                    continue
                for key in entry:
                    if key not in keys:
                        self.error(at, _unknown(str(key), list(keys)))
                        ok = False
                source = entry.get("source")
                if not isinstance(source, str) or not source:
                    self.error(at, _in_field("source", _("falta el id de una fuente")))
                    ok = False
                else:
                    self.refs.append((at, "source", self.specs["sources"].model, source))
                fname = entry.get("field") or ""
                if fname and fname not in field_names:
                    self.error(at, _in_field("field", _unknown(str(fname), field_names)))
                    ok = False
                if link == "alternatives" and not fname:
                    self.error(at, _in_field("field", _("un valor alternativo indica el campo al que corresponde")))
                    ok = False
                if link == "alternatives" and "value" not in entry:
                    self.error(at, _in_field("value", _("falta un valor")))
                    ok = False
                elif link == "alternatives":
                    ok = self.check_alternative(at, spec, fname, entry["value"]) and ok
                record = {k: ("" if entry.get(k) is None else entry.get(k)) for k in keys if k != "value"}
                record["field"] = fname
                ok = self.check_link_texts(at, link, record) and ok
                if link == "alternatives":
                    record["value"] = entry.get("value")
                    record["preferred"] = bool(entry.get("preferred", False))
                else:
                    ok = self.read_document_page(at, entry, record) and ok
                getattr(item, link).append(record)
        if spec.needs_citation and not item.citations and item.values.get("status") != Status.WITHDRAWN:
            self.error(where, _in_field("citations", _("todo registro publicado necesita al menos una cita")))
            ok = False
        return ok and self.check_preferred(where, spec, raw, item)

    def check_link_texts(self, where: str, link: str, record: dict[str, Any]) -> bool:
        """A citation's or alternative value's texts (locator, quote, note) within their fields' lengths."""
        from veeduria.evidence.models import AlternativeValue, Citation

        model = Citation if link == "citations" else AlternativeValue
        ok = True
        for name in ("locator", "quote", "note"):
            value = record.get(name)
            limit = text_max_length(model._meta.get_field(name))  # type: ignore[arg-type]
            if isinstance(value, str | int | float) and len(str(value)) > limit:
                self.error(where, _in_field(name, _("tiene más de %(n)d caracteres") % {"n": limit}))
                ok = False
        return ok

    def read_document_page(self, where: str, entry: dict[str, Any], record: dict[str, Any]) -> bool:
        """A citation's ``document`` (its SHA-256 or id) and ``page`` (one of the document's pages), stored in
        ``record`` as ``document_id`` and ``page`` (``None`` when absent)."""
        from veeduria.documents.citations import find_document, page_problem

        ref, page = entry.get("document"), entry.get("page")
        del record["document"]
        record["document_id"] = record["page"] = None
        document = None
        if ref not in (None, ""):
            document = find_document(ref)
            if document is None:
                message = _("no existe el documento %(ref)s (se indica por su SHA-256 o su id)") % {"ref": repr(ref)}
                self.error(where, _in_field("document", message))
                return False
        if page in (None, ""):
            page = None
        elif isinstance(page, bool) or not isinstance(page, int):
            self.error(where, _in_field("page", _("se espera un número de página entero")))
            return False
        problem = page_problem(document, page)
        if problem:
            self.error(where, _in_field("page", problem))
            return False
        record["document_id"] = document.pk if document else None
        record["page"] = page
        return True

    def check_alternative(self, where: str, spec: FileSpec, fname: str, value: Any) -> bool:
        """An alternative value must be one the field could hold (and JSON every database stores)."""
        fspec = spec.fields.get(fname)
        try:
            clean_json(value)
            if fspec is not None and fspec.kind not in {"fk", "m2m"} and value is not None:
                clean(spec.model, fspec, value)
        except (_Bad, CleanError) as exc:
            self.error(where, _in_field("value", str(exc)))
            return False
        return True

    def check_preferred(self, where: str, spec: FileSpec, raw: LineDict, item: Item) -> bool:
        ok = True
        by_field: dict[str, list[dict[str, Any]]] = {}
        for alt in item.alternatives:
            by_field.setdefault(alt["field"], []).append(alt)
        for fname, alts in by_field.items():
            preferred = [a for a in alts if a["preferred"]]
            if len(preferred) > 1:
                self.error(where, _("alternativas de %(field)s: hay más de una preferida") % {"field": repr(fname)})
                ok = False
            if (
                preferred
                and fname in spec.fields
                and not _same(spec.fields[fname], preferred[0]["value"], raw.get(fname))
            ):
                self.error(
                    where,
                    _("alternativas de %(field)s: el valor preferido %(value)s difiere del del registro %(record)s")
                    % {"field": repr(fname), "value": repr(preferred[0]["value"]), "record": repr(raw.get(fname))},
                )
                ok = False
        return ok

    def check_frozen_reviews(self) -> None:
        """A saved review's claim, rating and date are not edited: a new assessment is a new review."""
        from veeduria.factchecks.history import changed_reviews

        items = {i.id: i for i in self.items.get("reviews", [])}
        for review_id, changes in changed_reviews((i.id, i.values) for i in items.values()).items():
            where = _record_at(f"reviews.yaml:{items[review_id].line}", review_id)
            for attname, old in changes:
                name = attname.removesuffix("_id")
                self.error(where, _in_field(name, _frozen_message(old)))

    def check_references(self) -> None:
        from django.db.utils import DatabaseError

        missing: dict[type[models.Model], set[str]] = {}
        for _where, _name, model, ref in self.refs:
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
        for where, name, model, ref in self.refs:
            if ref in missing.get(model, set()) and ref not in existing.get(model, set()):
                self.error(
                    where,
                    _in_field(
                        name,
                        _("no existe %(model)s con id %(id)s") % {"model": model._meta.verbose_name, "id": repr(ref)},
                    ),
                )


def clean(model: type[models.Model], spec: FieldSpec, value: Any) -> Any:
    """:func:`convert`, then the model field's own rules (digits, finite numbers, ranges, lengths, choices)."""
    converted = convert(spec, value)
    if spec.kind == "decimal" and isinstance(value, float) and math.isfinite(value):
        value = converted  # every digit written, not the float's
    if spec.kind in {"int", "decimal", "float"} and value is not None:
        return checker(model._meta.get_field(spec.name))(value)  # type: ignore[arg-type]
    if spec.kind in {"str", "text", "url", "slug", "bool"}:
        return checker(model._meta.get_field(spec.name))(converted)  # type: ignore[arg-type]
    if spec.kind == "json":
        return clean_json(converted)
    return converted


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
