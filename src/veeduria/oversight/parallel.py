"""Checking many activities in two processes: a forked worker checks the second part (by id) with its own
database connection and spills its findings, as INSERT rows, to a temporary SQLite file; the process that started
it checks the first part and then inserts both, in id order (the same rows in the same order as one process). On
SQLite the spilled rows are copied with one ``INSERT … SELECT`` from the attached file, without a Python loop."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db import connection, connections

from veeduria.evidence.models import Status
from veeduria.oversight.facts import AuthorizationFacts
from veeduria.oversight.models import Finding
from veeduria.records.models import Activity

#: from how many activities a second process pays for itself (forking and spilling cost ≈ 0.1 s)
PARALLEL_FROM = 50_000

#: the share of the activities this process checks itself: it also deletes the old findings and inserts all the new
#: ones, so the worker takes the larger part (45 %: measured on 100,000 activities)
FIRST_SHARE = 0.45

#: the connection inherited from the parent, kept referenced in the worker so that it is never closed there (closing
#: it would end the parent's session on PostgreSQL); the worker leaves with ``os._exit``, which runs no finalizer
_INHERITED: list[Any] = []


def _activities() -> Any:
    return Activity.objects.exclude(status=Status.WITHDRAWN).filter(host_country__isnull=False)


def worth_it() -> bool:
    """Whether to split: several cores, ``fork``, a database a second connection sees as this one does (not an
    in-memory SQLite database, no transaction open here whose writes a worker would not see), enough activities."""
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        return False
    return bool(_activities().count() >= PARALLEL_FROM)


class Worker:
    """The forked process checking the activities from ``split`` on."""

    def __init__(self, split: str, process: Any, path: str) -> None:
        self.split, self.process, self.path = split, process, path
        self.attached = False

    def finish(self) -> None:
        """Wait for it; a failure is raised here."""
        self.process.join()
        if self.process.exitcode != 0:
            raise RuntimeError(f"the process checking the second half failed (exit code {self.process.exitcode})")

    def store(self) -> int:
        """Insert its findings (once it has finished) into the findings table; the number inserted."""
        from veeduria.oversight.engine import store, stored_at

        self.finish()
        if connection.vendor != "sqlite":
            return store(self.batches())
        meta = Finding._meta
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in _columns())
        with connection.cursor() as cursor:
            cursor.execute("ATTACH DATABASE %s AS spill", [self.path])  # detached by ``stop`` (not in a transaction)
            self.attached = True
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({names}, {quote(_column('computed_at'))}) "
                f"SELECT {', '.join(SPILL_COLUMNS)}, %s FROM spill.f ORDER BY rowid",
                [stored_at()],
            )
            return int(cursor.rowcount)

    def spans(self) -> dict[str, int]:
        """The longest span of each host among its activities (``engine.measured``), once it has finished."""
        self.finish()
        with sqlite3.connect(self.path) as spill:
            return {str(h): int(d) for h, d in spill.execute("SELECT host, days FROM bound")}

    def batches(self, size: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        """Its rows, as ``engine.rows`` gives them, read from the spill file."""
        with sqlite3.connect(self.path) as spill:
            rows = spill.execute(f"SELECT {', '.join(SPILL_COLUMNS)} FROM f ORDER BY rowid")
            while batch := rows.fetchmany(size):
                yield batch

    def stop(self) -> None:
        """End it (if still running), detach and remove its file: call it after the transaction that stored."""
        if self.attached:
            with connection.cursor() as cursor:
                cursor.execute("DETACH DATABASE spill")
            self.attached = False
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        if os.path.exists(self.path):
            os.unlink(self.path)


def split_point() -> str | None:
    """The id where the worker's part starts (``FIRST_SHARE`` of the activities before it, in code point order;
    ``None``: fewer than two activities)."""
    from veeduria.oversight.engine import _bytewise

    qs = _activities()
    n = qs.count()
    if n < 2:
        return None
    return str(qs.order_by(_bytewise("id")).values_list("id", flat=True)[max(1, int(n * FIRST_SHARE))])


def start_second_half(auths: dict[str, AuthorizationFacts]) -> Worker | None:
    """Fork a worker checking the activities from ``split_point()`` on against ``auths``."""
    split = split_point()
    if split is None:
        return None
    fd, path = tempfile.mkstemp(prefix="veeduria-findings-", suffix=".sqlite3")
    os.close(fd)
    process = multiprocessing.get_context("fork").Process(target=_work, args=(auths, split, path), daemon=True)
    process.start()
    return Worker(split, process, path)


#: the spill table's columns: those of ``engine.rows``, in its order
SPILL_COLUMNS = ("activity_id", "authorization_id", "rule", "severity", "reason", "value_json")


def _column(name: str) -> str:
    return str(Finding._meta.get_field(name).column)  # type: ignore[union-attr]


def _columns() -> list[str]:
    """The findings table's columns that ``engine.rows`` fills, in its order."""
    from veeduria.oversight.engine import ROW_FIELDS

    return [_column(n) for n in ROW_FIELDS]


def _work(auths: dict[str, AuthorizationFacts], split: str, path: str) -> None:
    """In the worker: a connection of its own, then the rows of the findings of the second half, spilled."""
    from veeduria.oversight.engine import iter_activities, measured, rows, run

    _INHERITED.append(connections["default"])
    connections["default"] = connections.create_connection("default")
    try:
        spill = sqlite3.connect(path)
        spill.execute("PRAGMA journal_mode = OFF")
        spill.execute("PRAGMA synchronous = OFF")
        spill.execute(f"CREATE TABLE f ({', '.join(SPILL_COLUMNS)})")
        insert = f"INSERT INTO f VALUES ({', '.join('?' * len(SPILL_COLUMNS))})"
        spans: dict[str, int] = {}
        for batch in rows(run(measured(iter_activities(Activity.objects.all(), (split, None)), spans), auths)):
            spill.executemany(insert, batch)
        spill.execute("CREATE TABLE bound (host, days)")
        spill.executemany("INSERT INTO bound VALUES (?, ?)", sorted(spans.items()))
        spill.commit()
        spill.close()
    finally:
        connections["default"].close()
