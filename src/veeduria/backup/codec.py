"""Column values to JSON and back: dates, times and decimals as ISO text, bytes as base64; each column is read
back by its own field (``Field.to_python``), so one file fits SQLite and PostgreSQL alike."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot write {type(value).__name__} to a backup")


def dumps(row: Any) -> str:
    """One line of JSON (no line break inside)."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_plain)


def to_database(field: models.Field, value: Any, connection: BaseDatabaseWrapper) -> Any:  # type: ignore[type-arg]
    """A value read from a backup, ready for a raw INSERT into ``connection``'s database."""
    if isinstance(field, models.JSONField):
        if value is None and not field.null:  # JSON null, not SQL NULL
            return connection.ops.adapt_json_value(None, field.encoder)
    elif value is not None:
        if isinstance(field, models.DurationField):
            value = datetime.timedelta(seconds=value)
        value = field.to_python(value)
    return field.get_db_prep_save(value, connection)
