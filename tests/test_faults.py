"""Faults survived: kill -9 in the middle of ``load``, ``import``, ``search reindex`` and ``restore`` leaves the
database as it was and a re-run succeeds; PostgreSQL cut while serving gives 503 with Retry-After (never 500) and
the server recovers by itself; on SQLite an import running while the site serves blocks no page.

Every command runs as a user runs it, in a child process, against a scratch database of the run's engine
(``tests/scratch_db.py``); the PostgreSQL cut goes through a TCP proxy in the test."""

from __future__ import annotations

import contextlib
import json
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, FIXTURES
from tests.scratch_db import ON_POSTGRES, ROOT, ScratchDatabases, veeduria, veeduria_ok

ENGINE = "postgres" if ON_POSTGRES else "sqlite"
#: every table's rows, and the number of search results of two queries with the results themselves when they are
#: few (the order of equal scores may change from one index to the next): "the state" a killed command must leave
STATE = (
    "import json; from veeduria.backup.tables import backed_up; from veeduria.search.service import search; "
    "from veeduria.search.params import check; "
    "rows = {t.name: t.model._base_manager.count() for t in backed_up()}; "
    "found = {q: search(q, check('', '', '', '').filters, page=1, limit=100, lang='es') for q in ('base', 'COURSE')}; "
    "print(json.dumps({'rows': rows, 'search': {q: [r.total, sorted((h.type, h.record_id, h.page) for h in r.hits)"
    " if r.total <= 100 else []] for q, r in found.items()}}))"
)
FMTRPT_HEADER = (
    "report_fy,program,course_title,us_unit,student_unit,location,start_date,end_date,quantity,total_cost,"
    "page_number,source_path,source_commit\n"
)


def state(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + STATE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _writing(env: dict[str, str]) -> bool:
    """Whether a write transaction is open in the database of ``env`` (a writer holds SQLite's lock; a PostgreSQL
    backend holds a transaction id)."""
    if "DATABASE_URL" not in env:
        db = sqlite3.connect(Path(env["VEEDURIA_DATA_DIR"]) / "veeduria.sqlite3", timeout=0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            db.close()
    import psycopg

    base, name = env["DATABASE_URL"].rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL", (name,)
        ).fetchone()
        return bool(row and row[0])


#: the kill -9 tests run in the SQLite run only: the code they cut short (one transaction per command, the index
#: swapped in at the end) is the same on both engines, and the PostgreSQL run would add ten minutes to the suite
KILL_TESTS = pytest.mark.skipif(ON_POSTGRES, reason="kill -9 during a command: the SQLite run")


def kill_while_writing(env: dict[str, str], args: list[str], started: Callable[[], bool] | None = None) -> None:
    """Run ``veeduria ARGS``, wait until it has been writing for a fifth of a second, then SIGKILL it at a random
    moment within the next half second (the shortest of these writes, ``load``'s, lasts about 2.5 s on a quiet
    machine: the kill lands inside it however fast the machine is)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "veeduria.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    probe = started or (lambda: _writing(env))
    deadline, since = time.monotonic() + 240, None
    while proc.poll() is None and time.monotonic() < deadline:  # writing, for a fifth of a second on end
        if not probe():
            since = None
        elif since is None:
            since = time.monotonic()
        elif time.monotonic() - since >= 0.2:
            break
        time.sleep(0.02)
    time.sleep(random.uniform(0.0, 0.5))
    assert proc.poll() is None, f"veeduria {' '.join(args)} ended (code {proc.returncode}) before it could be killed"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


@dataclass
class Database:
    """A scratch database holding the bundled dataset (loaded after a killed first attempt), and what was seen."""

    env: dict[str, str]
    seen: dict[str, object] = field(default_factory=dict)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabases]:
    databases = ScratchDatabases(tmp_path_factory.mktemp("scratch"), ENGINE)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="module")
def loaded(scratch: ScratchDatabases) -> Database:
    """kill -9 during ``veeduria load`` of the bundled dataset into an empty database, then the same load again."""
    env = scratch.new()
    database = Database(env)
    database.seen["before"] = state(env)
    kill_while_writing(env, ["load", str(BUNDLED)])
    database.seen["after_kill"] = state(env)
    database.seen["rerun"] = veeduria(env, "load", str(BUNDLED)).returncode
    database.seen["after_rerun"] = state(env)
    return database


@KILL_TESTS
def test_kill_during_load_leaves_the_empty_database_and_a_rerun_loads(loaded: Database) -> None:
    before, after_kill, after_rerun = (loaded.seen[k] for k in ("before", "after_kill", "after_rerun"))
    assert after_kill == before
    assert loaded.seen["rerun"] == 0
    assert after_rerun["rows"]["records_authorization"] > 0  # type: ignore[index]


@KILL_TESTS
def test_kill_during_import_leaves_the_previous_state_and_a_rerun_imports(loaded: Database, tmp_path: Path) -> None:
    big = tmp_path / "fmtrpt_PER.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write(FMTRPT_HEADER)
        for i in range(60000):  # ≈ 3 s of writing on a quiet machine: long enough to be killed in the middle
            out.write(
                f"2019_2020,IMET-1 - Fiscal Year 2019,COURSE {i},UNIT {i % 97},STUDENTS,PLACE,"
                f'1/{i % 28 + 1}/2019,2/{i % 28 + 1}/2019,{i % 40},"${i * 7 % 90000:,}",{i % 300},x,y\n'
            )
    before = state(loaded.env)
    kill_while_writing(loaded.env, ["import", "fmtrpt", str(big), "--country", "PER"])
    assert state(loaded.env) == before
    done = veeduria(loaded.env, "import", "fmtrpt", str(big), "--country", "PER")
    assert done.returncode == 0, done.stderr
    after = state(loaded.env)
    assert after["rows"]["records_activity"] > before["rows"]["records_activity"]  # type: ignore[index]


@KILL_TESTS
def test_kill_during_reindex_keeps_the_previous_index_and_a_rerun_rebuilds(loaded: Database) -> None:
    before = state(loaded.env)
    assert before["search"]["base"][0] > 0  # type: ignore[index]
    index_dir = Path(loaded.env["VEEDURIA_DATA_DIR"]) / "search"
    old_indexes = set(index_dir.glob("index-*"))

    def building() -> bool:  # tantivy: a new index folder; PostgreSQL: the index table is being written
        return bool(set(index_dir.glob("index-*")) - old_indexes) if not ON_POSTGRES else _writing(loaded.env)

    kill_while_writing(loaded.env, ["search", "reindex"], building)
    assert state(loaded.env) == before
    veeduria_ok(loaded.env, "search", "reindex")
    assert state(loaded.env) == before


@KILL_TESTS
def test_kill_during_restore_leaves_the_empty_database_and_a_rerun_restores(
    loaded: Database, scratch: ScratchDatabases, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.tar"
    veeduria_ok(loaded.env, "backup", str(backup))
    target = scratch.new()
    before = state(target)
    kill_while_writing(target, ["restore", str(backup)])
    assert state(target) == before
    veeduria_ok(target, "restore", str(backup))
    assert state(target) == state(loaded.env)


# -- serving ---------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, str], str]:
    """Status, headers and body of a GET (errors included)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, str]], str]]:
    """Start ``veeduria serve`` with an environment; return its base URL once it answers."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(env: dict[str, str]) -> str:
        port = _free_port()
        env = env | {"VEEDURIA_RATE_API": "0", "VEEDURIA_RATE_FORMS": "0", "VEEDURIA_RESPONSE_CACHE": "false"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "veeduria.cli", "serve", "--port", str(port), "--workers", "1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                if get(base + "/es/")[0] == 200:
                    return base
            except OSError:
                time.sleep(0.2)
        raise AssertionError("veeduria serve did not answer within 90 s")

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


class Proxy:
    """A TCP proxy to PostgreSQL in a thread: ``cut()`` closes every connection and refuses new ones,
    ``mend()`` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, _free_port()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.mend()

    def mend(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:  # shutdown first: close() alone leaves a blocked accept() listening
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL cut while serving: needs the PostgreSQL run (DATABASE_URL)")
def test_postgresql_cut_while_serving_gives_503_then_recovers(
    scratch: ScratchDatabases, serve: Callable[[dict[str, str]], str]
) -> None:
    from urllib.parse import urlsplit

    env = scratch.new()
    veeduria_ok(env, "load", str(FIXTURES / "mini"))
    url = urlsplit(env["DATABASE_URL"])
    proxy = Proxy((url.hostname or "127.0.0.1", url.port or 5432))
    try:
        via_proxy = env | {"DATABASE_URL": env["DATABASE_URL"].replace(f":{url.port}/", f":{proxy.port}/")}
        base = serve(via_proxy)
        pages = ["/es/autorizaciones/", "/en/authorizations/", "/api/v1/records/authorizations"]
        assert [get(base + p)[0] for p in pages] == [200, 200, 200]
        proxy.cut()
        for _ in range(2):
            es, en, api = (get(base + p) for p in pages)
            assert [es[0], en[0], api[0]] == [503, 503, 503]
            assert all(answer[1].get("Retry-After", "").isdigit() for answer in (es, en, api))
            assert "no está disponible" in es[2] and "not available" in en[2]
            error = json.loads(api[2])["error"]
            assert error["status"] == 503 and error["code"] == "service_unavailable" and error["message"]
        proxy.mend()
        assert [get(base + p)[0] for p in pages * 2] == [200] * 6
    finally:
        proxy.cut()


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite locking: the SQLite run")
def test_sqlite_import_while_serving_locks_no_page(
    scratch: ScratchDatabases, serve: Callable[[dict[str, str]], str], tmp_path: Path
) -> None:
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    assert options.get("transaction_mode") == "IMMEDIATE" and options.get("timeout", 0) >= 20
    env = scratch.new()
    veeduria_ok(env, "load", str(FIXTURES / "mini"))
    base = serve(env)
    big = tmp_path / "fmtrpt_PER.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write(FMTRPT_HEADER)
        for i in range(1500):
            out.write(f"2019_2020,IMET-1 - Fiscal Year 2019,COURSE {i},U,S,PLACE,1/7/2019,1/8/2019,2,$10,1,x,y\n")
    statuses: list[int] = []
    stop = threading.Event()

    def browse() -> None:
        pages = [
            "/es/autorizaciones/",
            "/es/actividades/",
            "/api/v1/records/activities",
            "/es/buscar/?q=course",
            "/en/",
        ]
        while not stop.is_set():
            for page in pages:
                statuses.append(get(base + page)[0])

    reader = threading.Thread(target=browse)
    reader.start()
    try:
        imported = veeduria(env, "import", "fmtrpt", str(big), "--country", "PER")
    finally:
        stop.set()
        reader.join(timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert len(statuses) >= 10 and set(statuses) == {200}, statuses
