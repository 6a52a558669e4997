"""Scratch databases for tests that run the ``veeduria`` command in child processes.

Each scratch database is created empty and migrated from a template made once per test module: a copied SQLite file,
or (when the run uses PostgreSQL through ``DATABASE_URL``) ``CREATE DATABASE ... TEMPLATE``. Never the run's own
test database."""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = RUN_URL.startswith("postgres")


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "VEEDURIA_DATA_DIR"}}
    env.update(VEEDURIA_LANGUAGE="en", VEEDURIA_CLAIM_EMBEDDER="none", DJANGO_SETTINGS_MODULE="veeduria.settings")
    return env


def veeduria(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``veeduria ARGS`` in a child process with ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "veeduria.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def veeduria_ok(env: dict[str, str], *args: str) -> str:
    done = veeduria(env, *args)
    assert done.returncode == 0, f"veeduria {' '.join(args)}: {done.stderr[-2000:]}"
    return done.stdout


def drop_postgres(admin: str, db: str) -> None:
    """Drop the PostgreSQL database ``db`` if it exists (through the ``admin`` connection address)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def create_postgres(admin: str, db: str, template: str | None = None) -> None:
    """Create the PostgreSQL database ``db`` anew (dropped first if left over), empty or copied from ``template``."""
    import psycopg
    from psycopg import sql

    drop_postgres(admin, db)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db))
    if template:
        statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def empty_postgres(url: str, suffix: str) -> tuple[str, Callable[[], None]]:
    """A new empty PostgreSQL database beside the one of ``url`` (named after it, ``suffix`` and this process):
    its address and the function that drops it."""
    base, name = url.rsplit("/", 1)
    scratch, admin = f"{name}_{suffix}_{os.getpid()}", f"{base}/postgres"
    create_postgres(admin, scratch)
    return f"{base}/{scratch}", lambda: drop_postgres(admin, scratch)


@dataclass
class ScratchDatabases:
    """Makes empty, migrated databases of one engine (``postgres`` or ``sqlite``) under ``root``."""

    root: Path
    engine: str
    _admin: str = ""
    _token: str = field(default_factory=lambda: secrets.token_hex(3))
    _names: list[str] = field(default_factory=list)
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        env = self._env(self.root / "template", "template")
        if self.engine == "postgres":
            self._admin = RUN_URL.rsplit("/", 1)[0] + "/postgres"
            self._create("template")
        veeduria_ok(env, "init", "--no-load")
        self.template_env = env

    def url(self, name: str) -> str:
        return f"{RUN_URL.rsplit('/', 1)[0]}/{self._db_name(name)}"

    def _db_name(self, name: str) -> str:
        return f"veeduria_scratch_{os.getpid()}_{self._token}_{name}"

    def _env(self, data_dir: Path, name: str) -> dict[str, str]:
        env = _base_env()
        env["VEEDURIA_DATA_DIR"] = str(data_dir)
        if self.engine == "postgres":
            env["DATABASE_URL"] = self.url(name)
        return env

    def _create(self, name: str, template: str | None = None) -> None:
        db = self._db_name(name)
        create_postgres(self._admin, db, self._db_name(template) if template else None)
        self._names.append(db)

    def new(self) -> dict[str, str]:
        """The environment of a child process using a new empty, migrated database with its own data directory."""
        name = f"db{next(self._counter)}"
        data_dir = self.root / name
        data_dir.mkdir()
        if self.engine == "postgres":
            self._create(name, template="template")
        else:
            for part in ("veeduria.sqlite3", "veeduria.sqlite3-wal"):
                if (self.root / "template" / part).exists():
                    shutil.copyfile(self.root / "template" / part, data_dir / part)
        shutil.copyfile(self.root / "template" / "secret_key", data_dir / "secret_key")
        return self._env(data_dir, name)

    def drop_all(self) -> None:
        if self.engine == "postgres":
            for db in reversed(self._names):
                drop_postgres(self._admin, db)
