"""One consistent read of the whole database while the server keeps writing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def consistent_read() -> Iterator[None]:
    """Every query inside sees the database as it was at the first one.

    PostgreSQL: one REPEATABLE READ, READ ONLY transaction. SQLite: one deferred read transaction, which in WAL mode
    sees one snapshot and blocks no writer (Django's own transactions are IMMEDIATE: they would block writers)."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")
