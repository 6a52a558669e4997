"""Killing an import mid-way leaves the database as it was (one transaction per import).

The import runs in a child process against its own database: a SQLite file, or (when the test run uses
PostgreSQL through DATABASE_URL) a scratch PostgreSQL database created and dropped by the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.scratch_db import empty_postgres

ROOT = Path(__file__).resolve().parents[2]
HEADER = (
    "report_fy,program,course_title,us_unit,student_unit,location,start_date,end_date,quantity,total_cost,"
    "page_number,source_path,source_commit\n"
)
COUNT = (
    "from veeduria.records.models import Activity; from veeduria.evidence.models import Revision, Citation; "
    "print(Activity.objects.count(), Citation.objects.count(), Revision.objects.count())"
)


def _python(code: str, env: dict[str, str]) -> subprocess.Popen[str]:
    prelude = "import django; django.setup(); "
    return subprocess.Popen(
        [sys.executable, "-c", prelude + code],
        env=env,
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _run(code: str, env: dict[str, str]) -> str:
    proc = _python(code, env)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return out.strip()


@pytest.fixture
def child_env(tmp_path: Path) -> Iterator[tuple[dict[str, str], Callable[[], bool]]]:
    """Environment of the child processes and a probe telling whether the import has started writing."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(VEEDURIA_DATA_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="veeduria.settings")
    (tmp_path / "var").mkdir()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        wal = tmp_path / "var" / "veeduria.sqlite3-wal"
        yield env, lambda: wal.exists() and wal.stat().st_size > 2_000_000
        return
    import psycopg

    env["DATABASE_URL"], drop = empty_postgres(url, "kill")
    base, scratch = env["DATABASE_URL"].rsplit("/", 1)
    admin = f"{base}/postgres"

    def writing() -> bool:  # a transaction of the scratch database holds a transaction id: it has written
        with psycopg.connect(admin, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL "
                "AND now() - xact_start > interval '1 second'",
                (scratch,),
            ).fetchone()
            return bool(row and row[0])

    try:
        yield env, writing
    finally:
        drop()


def test_kill_mid_import_leaves_database_unchanged(
    tmp_path: Path, child_env: tuple[dict[str, str], Callable[[], bool]]
) -> None:
    env, writing = child_env
    small = tmp_path / "small_PER.csv"
    small.write_text(
        HEADER + "2019_2020,IMET-1 - Fiscal Year 2019,COURSE A,U,S,L,1/7/2019,1/8/2019,2,$10,1,x,y\n", encoding="utf-8"
    )
    big = tmp_path / "big_PER.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for i in range(400_000):
            fh.write(
                f"2019_2020,IMET-1 - Fiscal Year 2019,COURSE {i},UNIT {i % 97},STUDENTS,PLACE,"
                f'1/{i % 28 + 1}/2019,2/{i % 28 + 1}/2019,{i % 40},"${i * 7 % 90000:,}",{i % 300},x,y\n'
            )
    _run(
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from veeduria.ingest.importers import run_import; "
        f"run_import('fmtrpt', __import__('pathlib').Path({str(small)!r}))",
        env,
    )
    before = _run(COUNT, env)
    assert before.split()[0] == "1"
    proc = _python(
        "from veeduria.ingest.importers import run_import; "
        f"run_import('fmtrpt', __import__('pathlib').Path({str(big)!r}))",
        env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not writing():
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _run(COUNT, env) == before
