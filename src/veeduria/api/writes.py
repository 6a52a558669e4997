"""API writes with an editor's token (:mod:`.tokens`): ``POST /records/{type}`` (a new record),
``PATCH /records/{type}/{id}`` and ``POST /records/{type}/{id}/withdraw``, through the one write path.

A change goes where the admin's goes: :func:`~veeduria.evidence.writes.apply_values` and
:func:`~veeduria.evidence.writes.apply_links` decide each value by the precedence rules (as an editor's curated
value), the source the body names is cited for each changed field, and
:func:`~veeduria.evidence.revisions.record_change` writes one revision signed ``username (token name)``. A
withdrawal is :func:`~veeduria.evidence.revisions.withdraw`, as in the admin and ``veeduria withdraw``. Either is
all or nothing; a new record is checked whole by the model (as the admin's form checks it), cited for each field
given and recorded as a ``create`` revision. The revision moves the data version, so cached reads and ETags change.

(No ``from __future__ import annotations`` here: the views made per type are annotated with their own schemas.)"""

import copy
import re
from functools import cache
from typing import Annotated, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils.translation import override
from ninja import Router, Schema
from ninja import Status as Answer
from pydantic import ConfigDict, Field, create_model

from veeduria.api import schemas, serialize
from veeduria.api.errors import TEXT_PATTERN, ApiError, ErrorOut
from veeduria.api.models import ApiToken
from veeduria.api.records import unknown_type
from veeduria.api.tokens import require_change, token_auth
from veeduria.evidence.models import Citation, Record, Source, Status
from veeduria.evidence.precedence import CURATED
from veeduria.evidence.revisions import record_change, snapshot, withdraw
from veeduria.evidence.writes import (
    SourceFacts,
    apply_links,
    apply_values,
    claim,
    is_empty,
    provenance,
    resolve,
    same_value,
)
from veeduria.records.merge import redirect_target
from veeduria.records.registry import RECORD_TYPES, RecordType

#: fields no PATCH sets: the id, publication (``/withdraw``) and bookkeeping
NOT_WRITABLE = {"id", "status", "withdrawn_reason", "updated_at"}
_CONTROLS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f"
#: a reason: not blank, and no control character but tab and line breaks (as :data:`TEXT_PATTERN`)
REASON_PATTERN = f"^[^{_CONTROLS}]*[^\\s{_CONTROLS}][^{_CONTROLS}]*$"
WRITE_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class _Body(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown field is 422, naming it


#: why a write is made: public, in the record's history; not blank, no control character but tab and line breaks
Reason = Annotated[str, Field(min_length=1, max_length=2000, pattern=REASON_PATTERN)]


class WriteMeta(_Body):
    """What every change says besides its values."""

    reason: Reason = Field(description="why the values change (public)")
    source: str = Field(
        min_length=1, max_length=120, pattern=TEXT_PATTERN, description="id of the source the values come from"
    )
    locator: str = Field("", max_length=200, pattern=TEXT_PATTERN, description="where in the source (page, row)")
    quote: str = Field("", max_length=5000, pattern=TEXT_PATTERN, description="the source's words, if useful")


META_FIELDS = set(WriteMeta.model_fields)
#: a record's id (a slug, as the models' ``id``)
ID_PATTERN = r"^[-a-zA-Z0-9_]+$"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Withdrawal(_Body):
    reason: Reason = Field(description="why the record is withdrawn from publication; public")


def writable_fields(model: type[models.Model]) -> list[Any]:
    """The public fields a PATCH may set: not the id, status, generated columns or bookkeeping."""
    return [
        f
        for f in schemas.public_fields(model)
        if f.name not in NOT_WRITABLE and not getattr(f, "generated", False) and not f.primary_key
    ]


def _body_type(field: Any) -> Any:
    """The field's type in a request: as in answers, a text (or a list of ids) also bounded and free of control
    characters."""
    python = schemas.annotation(field)
    if python is str or python == str | None:
        return python, {"pattern": TEXT_PATTERN, **({"max_length": field.max_length} if field.max_length else {})}
    if python == list[str]:
        return list[Annotated[str, Field(max_length=120, pattern=TEXT_PATTERN)]], {}
    return python, {}


def _has_control_character(value: Any) -> bool:
    """Whether a text anywhere in ``value`` holds a control character other than tab and line breaks."""
    if isinstance(value, str):
        return bool(_CONTROL.search(value))
    if isinstance(value, list | tuple):
        return any(_has_control_character(v) for v in value)
    if isinstance(value, dict):
        return any(_has_control_character(v) for v in [*value, *value.values()])
    return False


@cache
def changes_schema(rt: RecordType) -> type[Schema]:
    """The body of ``PATCH /records/{type}/{id}``: any of the type's writable fields, typed as its answers type
    them, with the reason and the source."""
    fields: dict[str, Any] = {}
    for f in writable_fields(rt.model):
        python, limits = _body_type(f)
        fields[f.name] = (python, Field(None, description=schemas.describe(f), **limits))
    return create_model(
        f"{rt.model.__name__}Changes",
        __base__=WriteMeta,
        __doc__=f"Changes of a record of type {rt.key}: only the fields given are written.",
        **fields,
    )


@cache
def creation_schema(rt: RecordType) -> type[Schema]:
    """The body of ``POST /records/{type}``: the new record's id and fields, with the reason and the source."""
    return create_model(
        f"New{rt.model.__name__}",
        __base__=changes_schema(rt),
        __doc__=f"A new record of type {rt.key}: its id and the fields it has (the others take their defaults).",
        id=(str, Field(min_length=1, max_length=120, pattern=ID_PATTERN, description="the new record's id")),
    )


def _record(rt: RecordType, record_id: str) -> Any:
    obj = rt.model._default_manager.select_for_update().filter(pk=record_id).first()
    if obj is None:
        survivor = redirect_target(rt.model, record_id)
        where = f"; it was merged into {survivor!r}, write to that record" if survivor else ""
        raise ApiError(404, "not_found", f"no {rt.key} record with id {record_id!r}{where}")
    return obj


def _invalid(errors: dict[str, list[str]]) -> ApiError:
    details = [{"where": f"body.{name}", "message": m} for name, messages in errors.items() for m in messages]
    names = ", ".join(dict.fromkeys(d["where"] for d in details))
    return ApiError(422, "invalid_value", f"invalid value: {names}", details)


def _converted(model: type[models.Model], stated: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The stated values by attname, as the model holds them; many-to-many fields apart, as lists of ids."""
    fields = {f.name: f for f in writable_fields(model)}
    values: dict[str, Any] = {}
    links: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    for name, value in stated.items():
        field = fields[name]
        if _has_control_character(value):
            errors[name] = ["a text holds a control character"]
            continue
        if field.many_to_many:
            wanted = sorted({str(v) for v in value or []})
            existing = field.related_model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True)
            found = {str(pk) for pk in existing}
            missing = [v for v in wanted if v not in found]
            if missing:
                errors[name] = [f"no {field.related_model._meta.model_name} with id {', '.join(missing)}"]
            links[name] = wanted
            continue
        try:
            target = field.target_field if field.is_relation else field
            values[field.attname] = None if value is None else target.to_python(value)
        except ValidationError as exc:
            errors[name] = list(exc.messages)
    if errors:
        raise _invalid(errors)
    return values, links


def _check(obj: Record, values: dict[str, Any]) -> None:
    """The model's own checks (those of the admin's form) on the record as it would become."""
    candidate = copy.copy(obj)
    for attname, value in values.items():
        setattr(candidate, attname, value)
    stated = {f.name for f in obj._meta.concrete_fields if f.attname in values}
    others = [f.name for f in obj._meta.concrete_fields if f.name not in stated]
    try:
        with override("en"):
            candidate.full_clean(exclude=others, validate_unique=False)
    except ValidationError as exc:
        raise _invalid(exc.message_dict) from exc


def _why_refused(obj: Record, name: str, value: Any, source_id: str) -> str:
    """Why the precedence rules kept the current value of ``name`` (see docs/evidence-model.md)."""
    fields, creator = provenance(obj)
    origin, stated_by = fields.get(name, creator)
    facts = SourceFacts()
    field: Any = obj._meta.get_field(name)
    current = sorted(str(o.pk) for o in getattr(obj, name).all()) if field.many_to_many else getattr(obj, field.attname)
    outcome = resolve(claim(current, origin, stated_by, facts, incumbent=True), claim(value, CURATED, source_id, facts))
    by = f"source {stated_by!r}" if stated_by else "an editor"
    if is_empty(value):
        return f"an empty value does not unsay the value stated by {by}; give the right value instead"
    return f"the current value, stated by {by}, is preferred by the precedence rule {outcome.rule!r}"


def _cite(obj: Record, names: list[str], source: Source, locator: str, quote: str) -> None:
    """Cite ``source`` for each changed field (unless the record already cites it there, at that locator)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    for name in names:
        Citation.objects.get_or_create(
            content_type=ct,
            object_id=str(obj.pk),
            field=name,
            source=source,
            locator=locator,
            defaults={"quote": quote},
        )


def change(rt: RecordType, record_id: str, body: WriteMeta, token: ApiToken) -> Record:
    """Write the fields ``body`` gives through the one write path, as one revision; 422 (nothing written) when a
    value is invalid or refused by the precedence rules."""
    stated = body.model_dump(exclude_unset=True, exclude=META_FIELDS)
    if not stated:
        names = ", ".join(f.name for f in writable_fields(rt.model))
        raise ApiError(422, "nothing_to_change", f"the body names no field to change; writable fields: {names}")
    source = Source.objects.filter(pk=body.source).first()
    if source is None:
        raise _invalid({"source": [f"no source with id {body.source!r}"]})
    with transaction.atomic():
        obj = _record(rt, record_id)
        values, links = _converted(rt.model, stated)
        _check(obj, values)
        before = snapshot(obj)
        changed = apply_values(obj, values, origin=CURATED, source_id=source.pk, locator=body.locator)
        refused = {
            f.name: _why_refused(obj, f.name, stated[f.name], source.pk)
            for f in writable_fields(rt.model)
            if f.attname in values and not same_value(getattr(obj, f.attname), values[f.attname])
        }
        for name, wanted in links.items():
            current = sorted(str(pk) for pk in getattr(obj, name).values_list("pk", flat=True))
            if current == wanted:
                continue
            if apply_links(obj, name, current, wanted, origin=CURATED, source_id=source.pk, locator=body.locator):
                getattr(obj, name).set(wanted)
                changed.append(name)
            else:
                refused[name] = _why_refused(obj, name, wanted, source.pk)
        if refused:  # raised inside the transaction: nothing of this change is kept
            details = [{"where": f"body.{name}", "message": why} for name, why in refused.items()]
            raise ApiError(422, "refused_by_precedence", f"value refused: {', '.join(refused)}", details)
        _cite(obj, changed, source, body.locator, body.quote)
        record_change(obj, before, author=token.author, reason=body.reason.strip())
    return obj


def create(rt: RecordType, body: Any, token: ApiToken) -> Record:
    """Create a record of ``rt`` with the fields ``body`` gives, through the one write path: checked whole by the
    model, each field given cited to the body's source, one ``create`` revision; 422 (nothing written) when the id
    is taken or a value is missing or invalid."""
    stated = body.model_dump(exclude_unset=True, exclude=META_FIELDS | {"id"})
    source = Source.objects.filter(pk=body.source).first()
    if source is None:
        raise _invalid({"source": [f"no source with id {body.source!r}"]})
    taken = _invalid({"id": [f"a {rt.key} record with id {body.id!r} exists; change it with PATCH"]})
    with transaction.atomic():
        if rt.model._default_manager.filter(pk=body.id).exists():
            raise taken
        survivor = redirect_target(rt.model, body.id)
        if survivor is not None:
            raise _invalid({"id": [f"{body.id!r} was merged into {survivor!r}: a merged id is not used again"]})
        values, links = _converted(rt.model, stated)
        obj: Any = rt.model(pk=body.id, **values)
        try:
            with override("en"):  # as the admin's form: not the fields no one edits (the times it keeps)
                obj.full_clean(exclude=[f.name for f in obj._meta.fields if not f.editable], validate_unique=False)
        except ValidationError as exc:
            raise _invalid(exc.message_dict) from exc
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
        except IntegrityError as exc:  # created meanwhile by another request
            raise taken from exc
        for name, wanted in links.items():
            getattr(obj, name).set(wanted)
        _cite(obj, [name for name, value in stated.items() if not is_empty(value)], source, body.locator, body.quote)
        record_change(obj, None, author=token.author, reason=body.reason.strip())
    return obj


def withdraw_record(rt: RecordType, record_id: str, reason: str, token: ApiToken) -> Record:
    """Withdraw a record from publication, as the admin and ``veeduria withdraw`` do."""
    with transaction.atomic():
        obj = _record(rt, record_id)
        if obj.status == Status.WITHDRAWN:
            raise ApiError(422, "already_withdrawn", f"{rt.key} {record_id!r} is already withdrawn")
        withdraw(obj, reason=reason.strip(), author=token.author)
    return obj


def _detail(rt: RecordType, obj: Record) -> dict[str, Any]:
    fresh: Any = rt.model._default_manager.get(pk=obj.pk)
    return serialize.record_detail_out(rt, fresh)


def _add_type(router: Router, rt: RecordType) -> None:
    label = schemas.describe_rel(rt.model)
    detail = schemas.record_detail_schema(rt)

    def record_create_view(request: HttpRequest, record: Any) -> Any:
        require_change(request.auth, rt.model, rt.key, "add")  # type: ignore[attr-defined]
        return Answer(201, _detail(rt, create(rt, record, request.auth)))  # type: ignore[attr-defined]

    def record_change_view(request: HttpRequest, record_id: str, changes: Any) -> dict[str, Any]:
        require_change(request.auth, rt.model, rt.key)  # type: ignore[attr-defined]
        return _detail(rt, change(rt, record_id, changes, request.auth))  # type: ignore[attr-defined]

    def record_withdraw_view(request: HttpRequest, record_id: str, body: Withdrawal) -> dict[str, Any]:
        require_change(request.auth, rt.model, rt.key)  # type: ignore[attr-defined]
        return _detail(rt, withdraw_record(rt, record_id, body.reason, request.auth))  # type: ignore[attr-defined]

    record_create_view.__annotations__["record"] = creation_schema(rt)
    router.post(
        f"/{rt.key}",
        auth=token_auth,
        response={201: detail, **WRITE_ERRORS},
        summary=f"Add one of the {label} (an editor's token)",
        operation_id=f"create_{rt.key}",
    )(record_create_view)
    record_change_view.__annotations__["changes"] = changes_schema(rt)
    router.patch(
        f"/{rt.key}/{{record_id}}",
        auth=token_auth,
        response={200: detail, **WRITE_ERRORS},
        summary=f"Change one of the {label} (an editor's token)",
        operation_id=f"change_{rt.key}",
    )(record_change_view)
    router.post(
        f"/{rt.key}/{{record_id}}/withdraw",
        auth=token_auth,
        response={200: detail, **WRITE_ERRORS},
        summary=f"Withdraw one of the {label} from publication (an editor's token)",
        operation_id=f"withdraw_{rt.key}",
    )(record_withdraw_view)


def add_write_operations(router: Router) -> None:
    """Add the write operations of every record type to the records' router (their addresses are the reads')."""
    for rt in RECORD_TYPES:
        _add_type(router, rt)

    @router.post("/{type_key}", include_in_schema=False)
    def unknown_create(request: HttpRequest, type_key: str) -> None:
        raise unknown_type(type_key)

    @router.patch("/{type_key}/{record_id}", include_in_schema=False)
    def unknown_change(request: HttpRequest, type_key: str, record_id: str) -> None:
        raise unknown_type(type_key)


__all__ = ["add_write_operations", "change", "changes_schema", "create", "creation_schema", "withdraw_record"]
