"""Serving benchmark: Veeduría against Datasette and nginx on the same SQLite file, with wrk on 127.0.0.1.

    .venv/bin/python bench/serving.py                   # 10 s per request, 2 threads, 16 connections
    .venv/bin/python bench/serving.py --duration 5      # quicker
    .venv/bin/python bench/serving.py --before 57aed1d  # also the server of an earlier revision (before/after)

Needs Debian's ``wrk`` and ``nginx`` (``apt-get install wrk nginx``; this script installs nothing system-wide and
says what is missing). Datasette is installed from PyPI into the benchmark's own environment,
``bench/.venv-datasette`` (created on the first run; never the project's ``.venv``).

One run: a scratch data directory loaded with the bundled data (``veeduria init``), then, on that one database
file, ``veeduria serve`` (waitress, the production server) twice, with its response cache (warm: wrk repeats one
address) and without it (``VEEDURIA_RESPONSE_CACHE=0``, every request made), optionally the ``veeduria serve`` of
an earlier revision (``--before REF``: its ``src`` from ``git archive``), ``datasette serve --immutable`` and nginx
(a temporary configuration on a free port, run as the current user) serving the record page from a static
publication (from ``veeduria publish`` when the command exists, otherwise the page rendered by Django's test
client) and the same bytes as one file at a fixed address (the limit). Each request gets a warm-up, then
``wrk --latency``. Every process started here is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VEEDURIA = ROOT / ".venv" / "bin" / "veeduria"
PYTHON = ROOT / ".venv" / "bin" / "python"
DATASETTE_VENV = ROOT / "bench" / ".venv-datasette"
OUT = ROOT / "bench" / "out"

#: the filtered list: activities of one kind (the same rows on both sides: published, in id order)
LIST_KIND = "training"
#: the text searched: a word of many activity titles (Datasette has no FTS table here: a LIKE filter on the title)
SEARCH_WORD = "INTELLIGENCE"


@dataclass
class Result:
    name: str
    server: str
    url: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: str = ""


@dataclass
class Servers:
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        """Stop every process started here (its own process group: the server's and nginx's workers too)."""
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


#: the server without its response cache (every request made)
COLD = "veeduria serve, no response cache"
#: ``veeduria serve`` from the source folder on PYTHONPATH (an earlier revision's, see :func:`earlier_source`)
SERVE_FROM_SOURCE = [str(PYTHON), "-c", "import sys; from veeduria.cli import main; sys.exit(main())", "serve"]


def earlier_source(ref: str, work: Path) -> Path:
    """The ``src`` folder of the revision ``ref`` (``git archive``), to run its server with this environment."""
    target = work / f"before-{ref}"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def missing_tools() -> list[str]:
    missing = []
    if shutil.which("wrk") is None:
        missing.append("wrk")
    if nginx_path() is None:
        missing.append("nginx")
    return missing


def nginx_path() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_datasette(venv: Path) -> str:
    """The benchmark's own Datasette (created with ``python -m venv`` and pip on the first run); its version."""
    exe = venv / "bin" / "datasette"
    if not exe.exists():
        print(f"installing Datasette into {venv} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "datasette"], check=True)
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True).stdout
    return out.strip()


def load_database(data_dir: Path) -> Path:
    """A scratch database loaded with the bundled data; checkpointed so that an immutable reader sees it all."""
    env = {**os.environ, "VEEDURIA_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    subprocess.run([str(VEEDURIA), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    db = data_dir / "veeduria.sqlite3"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def pick_record(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT id FROM records_activity WHERE kind = ? AND status != 'withdrawn' ORDER BY id LIMIT 1 OFFSET 50",
            (LIST_KIND,),
        ).fetchone()
    return str(row[0])


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}); see {log}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"no answer from {url} within {timeout:.0f} s; see {log}")


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def datasette_ids(body: dict[str, Any]) -> list[str]:
    cols = body["columns"]
    return [str(row[cols.index("id")]) for row in body["rows"]]


def nginx_conf(work: Path, pub_port: int, pub_root: Path, limit_file: Path) -> Path:
    user = ""
    if os.geteuid() == 0:  # workers would otherwise switch to "nobody"; stay the current user
        import pwd

        user = f"user {pwd.getpwuid(os.getuid()).pw_name};"
    tmp = work / "nginx-tmp"
    tmp.mkdir(exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes auto;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{pub_port};
        root {pub_root};
        index index.html;
        location = /limit.html {{ alias {limit_file}; }}
        location / {{ try_files $uri $uri/ =404; }}
    }}
}}
"""
    )
    return conf


def published_page(work: Path, env: dict[str, str], page_path: str, *, publish: bool = True) -> tuple[Path, str]:
    """The record page as a static file: from ``veeduria publish`` when it exists (and ``publish``), else rendered
    by Django's test client. Returns the publication root and how it was made."""
    pub = work / "publication"
    has_publish = subprocess.run([str(VEEDURIA), "publish", "--help"], capture_output=True, env=env).returncode == 0
    if has_publish and publish:
        subprocess.run([str(VEEDURIA), "publish", str(pub)], env=env, check=True, stdout=subprocess.DEVNULL)
        if (pub / page_path.strip("/") / "index.html").exists():
            return pub, "veeduria publish"
        print("veeduria publish wrote no index.html for the page: rendering it instead", file=sys.stderr)
    target = pub / page_path.strip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get(sys.argv[1])\n"
        "assert r.status_code == 200, r.status_code\n"
        "open(sys.argv[2], 'wb').write(r.content)\n"
    )
    render_env = {**env, "DJANGO_SETTINGS_MODULE": "veeduria.settings", "VEEDURIA_ALLOWED_HOSTS": "testserver"}
    subprocess.run([str(PYTHON), "-c", script, page_path, str(target)], env=render_env, check=True)
    return pub, "Django test client (no veeduria publish)" if not has_publish else "Django test client (--one-page)"


_LAT = re.compile(r"^\s*(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, duration: int, threads: int, connections: int) -> tuple[float, float, float, str]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> tuple[float, float, float, str]:
    """Requests/s, p50 and p99 in ms, and the error lines of ``wrk --latency``'s output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = {int(p): float(v) * _UNIT[u] for p, v, u in _LAT.findall(out)}
    errors = "; ".join(line.strip() for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line)
    return rps, lat[50], lat[99], errors


def measure(name: str, server: str, url: str, args: argparse.Namespace) -> Result:
    """One request under wrk, after one request on its own (so that a response cache starts warm, not with every
    connection making the same answer at once) and the warm-up."""
    with contextlib.suppress(OSError):
        urllib.request.urlopen(url, timeout=60).close()
    if args.warmup:
        wrk(url, duration=args.warmup, threads=args.threads, connections=args.connections)
    rps, p50, p99, errors = wrk(url, duration=args.duration, threads=args.threads, connections=args.connections)
    result = Result(name, server, url, rps, p50, p99, errors)
    print(f"  {name:<22} {server:<24} {rps:>9.1f} req/s  p50 {p50:>8.2f} ms  p99 {p99:>8.2f} ms  {errors}", flush=True)
    return result


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "unknown"


def table(results: list[Result]) -> str:
    lines = ["| request | server | req/s | p50 ms | p99 ms |", "|---|---|---:|---:|---:|"]
    for r in results:
        note = f" ({r.errors})" if r.errors else ""
        lines.append(f"| {r.name} | {r.server}{note} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} |")
    return "\n".join(lines)


def verdict(ok: bool, *measured: Result) -> str:
    """``met`` or ``missed``; ``unknown`` when a side gave no answer within the run (nothing to compare)."""
    if any(r.rps == 0 for r in measured):
        return "unknown (no answer within the run)"
    return "met" if ok else "missed"


def ratios(results: list[Result]) -> str:
    by = {(r.name, r.server): r for r in results}
    lines = [
        "| comparison | req/s ratio | p99 ratio | target |",
        "|---|---:|---:|---|",
    ]
    for name in ("list of 100 (JSON)", "one record (JSON)", "text search (JSON)"):
        v, d = by[(name, "veeduria serve")], by[(name, "Datasette")]
        ok = v.rps >= 1.5 * d.rps and v.p99_ms <= d.p99_ms
        lines.append(
            f"| {name}: Veeduría / Datasette | {ratio(v.rps, d.rps)} | {ratio(v.p99_ms, d.p99_ms)} | "
            f"≥ 1.5x, p99 ≤ 1x: {verdict(ok, v, d)} |"
        )
        c = by.get((name, COLD))
        if c is not None:
            ok = c.rps >= 1.5 * d.rps and c.p99_ms <= d.p99_ms
            lines.append(
                f"| {name}: Veeduría without response cache / Datasette | {ratio(c.rps, d.rps)} | "
                f"{ratio(c.p99_ms, d.p99_ms)} | ≥ 1.5x, p99 ≤ 1x: {verdict(ok, c, d)} |"
            )
        s = by.get((name, "Datasette, facet suggestions"))
        if s is not None:
            lines.append(
                f"| {name}: Veeduría / Datasette with facet suggestions | {ratio(v.rps, s.rps)} | "
                f"{ratio(v.p99_ms, s.p99_ms)} | |"
            )
    page = "record page (HTML)"
    v, d = by[(page, "veeduria serve")], by[(page, "Datasette")]
    pub, lim = by[(page, "nginx: publication")], by[(page, "nginx: one file (limit)")]
    ok = v.rps >= 0.5 * d.rps
    lines.append(
        f"| {page}: veeduria serve / Datasette row page | {ratio(v.rps, d.rps)} | {ratio(v.p99_ms, d.p99_ms)} | "
        f"≥ 0.50x (2x the 0.25x of the issue): {verdict(ok, v, d)} |"
    )
    lines.append(
        f"| {page}: publication / limit | {ratio(pub.rps, lim.rps)} | {ratio(pub.p99_ms, lim.p99_ms)} | "
        f"≥ 0.50x: {verdict(pub.rps >= 0.5 * lim.rps, pub, lim)} |"
    )
    lines.append(
        f"| {page}: veeduria serve / publication | {ratio(v.rps, pub.rps)} | {ratio(v.p99_ms, pub.p99_ms)} | |"
    )
    for (name, server), before in by.items():
        if name == page and server.startswith("veeduria serve at "):
            for now in (v, by.get((page, COLD))):
                if now is not None:
                    ok = now.rps >= 2 * before.rps
                    lines.append(
                        f"| {page}: {now.server} / {server} | {ratio(now.rps, before.rps)} | "
                        f"{ratio(now.p99_ms, before.p99_ms)} | ≥ 2x: {verdict(ok, now, before)} |"
                    )
    return "\n".join(lines)


@contextlib.contextmanager
def stop_on_signal() -> Iterator[None]:
    """SIGTERM or SIGHUP end the run like Ctrl-C, so that the servers are stopped."""

    def _raise(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = {s: signal.signal(s, _raise) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def run(args: argparse.Namespace) -> int:
    missing = missing_tools()
    if missing:
        print(f"missing: {', '.join(missing)}. Install with: apt-get install wrk nginx", file=sys.stderr)
        return 2
    if not VEEDURIA.exists():
        print(f"missing: {VEEDURIA} (make install)", file=sys.stderr)
        return 2
    ds_version = ensure_datasette(args.datasette_venv)
    work = Path(tempfile.mkdtemp(prefix="veeduria-serving-"))
    servers = Servers()
    try:
        if args.data_dir:  # a loaded scratch folder kept by an earlier run
            data_dir = args.data_dir.resolve()
            db = data_dir / "veeduria.sqlite3"
        else:
            data_dir = work / "data"
            print(f"loading the bundled data into {data_dir} …", file=sys.stderr)
            db = load_database(data_dir)
        record = pick_record(db)
        # serving is measured, from one address: no rate limit (``veeduria.rate_limit``)
        env = {**os.environ, "VEEDURIA_DATA_DIR": str(data_dir), "VEEDURIA_RATE_API": "0", "VEEDURIA_RATE_FORMS": "0"}
        env.pop("DATABASE_URL", None)

        v_port, d_port, n_port, c_port = free_port(), free_port(), free_port(), free_port()
        v_log, d_log, n_log = work / "veeduria.log", work / "datasette.log", work / "nginx.log"
        v_proc = servers.start([str(VEEDURIA), "serve", "--host", "127.0.0.1", "--port", str(v_port)], v_log, env)
        c_log = work / "veeduria-cold.log"
        cold_env = {**env, "VEEDURIA_RESPONSE_CACHE": "0"}
        c_proc = servers.start([str(VEEDURIA), "serve", "--host", "127.0.0.1", "--port", str(c_port)], c_log, cold_env)
        others: dict[str, str] = {COLD: f"http://127.0.0.1:{c_port}"}
        if args.before:
            b_port, b_log = free_port(), work / "veeduria-before.log"
            b_env = {**env, "PYTHONPATH": str(earlier_source(args.before, work))}
            b_proc = servers.start([*SERVE_FROM_SOURCE, "--host", "127.0.0.1", "--port", str(b_port)], b_log, b_env)
            others[f"veeduria serve at {args.before}"] = f"http://127.0.0.1:{b_port}"
            wait_ready(f"{others[f'veeduria serve at {args.before}']}/api/v1/", b_proc, b_log)
        wait_ready(f"{others[COLD]}/api/v1/", c_proc, c_log)
        d_cmd = [str(args.datasette_venv / "bin" / "datasette"), "serve", "--immutable", str(db)]
        d_proc = servers.start([*d_cmd, "--host", "127.0.0.1", "--port", str(d_port)], d_log)
        v, d = f"http://127.0.0.1:{v_port}", f"http://127.0.0.1:{d_port}"
        wait_ready(f"{v}/api/v1/", v_proc, v_log)
        wait_ready(f"{d}/-/versions.json", d_proc, d_log)

        rid = urllib.parse.quote(record)
        page_path = f"/es/actividades/{rid}/"
        pub_root, pub_how = published_page(work, env, page_path, publish=not args.one_page)
        limit_file = work / "limit.html"
        shutil.copyfile(pub_root / page_path.strip("/") / "index.html", limit_file)
        for path in (work, *work.rglob("*")):  # readable by nginx's workers
            path.chmod(path.stat().st_mode | 0o755 if path.is_dir() else path.stat().st_mode | 0o644)
        conf = nginx_conf(work, n_port, pub_root, limit_file)
        n_proc = servers.start([str(nginx_path()), "-e", str(work / "nginx-error.log"), "-c", str(conf)], n_log)
        n = f"http://127.0.0.1:{n_port}"
        wait_ready(f"{n}/limit.html", n_proc, n_log)

        table_url = f"{d}/veeduria/records_activity"
        cases = [
            (
                "list of 100 (JSON)",
                f"{v}/api/v1/records/activities?kind={LIST_KIND}&page_size=100",
                f"{table_url}.json?kind={LIST_KIND}&status__not=withdrawn&_sort=id&_size=100&_nosuggest=1",
            ),
            ("one record (JSON)", f"{v}/api/v1/records/activities/{rid}", f"{table_url}/{rid}.json"),
            (
                "text search (JSON)",
                f"{v}/api/v1/records/activities?q={SEARCH_WORD}&page_size=100",
                f"{table_url}.json?name_es__contains={SEARCH_WORD}&status__not=withdrawn&_sort=id&_size=100&_nosuggest=1",
            ),
        ]
        # the same rows on both sides (the search differs by design: stems and every field against a title LIKE)
        v_ids = [r["id"] for r in get_json(cases[0][1])["results"]]
        d_ids = datasette_ids(get_json(cases[0][2]))
        same_list = v_ids == d_ids and len(v_ids) == 100
        v_search, d_search = get_json(cases[2][1]), get_json(cases[2][2])
        notes = {
            "list: same 100 ids": same_list,
            "search matches (Veeduría q / Datasette LIKE)": (
                f"{v_search['count']} / {d_search.get('filtered_table_rows_count')}"
            ),
        }
        if not same_list:
            print("warning: the two lists differ", file=sys.stderr)

        load_before = os.getloadavg()
        print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}", flush=True)
        results: list[Result] = []
        for name, v_url, d_url in cases:
            results.append(measure(name, "veeduria serve", v_url, args))
            for server, base in others.items():
                results.append(measure(name, server, v_url.replace(v, base), args))
            results.append(measure(name, "Datasette", d_url, args))
            if "_nosuggest=1" in d_url:  # Datasette's default also suggests facets (what the issue measured)
                default = d_url.replace("&_nosuggest=1", "")
                results.append(measure(name, "Datasette, facet suggestions", default, args))
        page = "record page (HTML)"
        results.append(measure(page, "veeduria serve", f"{v}{page_path}", args))
        for server, base in others.items():
            results.append(measure(page, server, f"{base}{page_path}", args))
        results.append(measure(page, "Datasette", f"{table_url}/{rid}", args))
        results.append(measure(page, "nginx: publication", f"{n}{page_path}", args))
        results.append(measure(page, "nginx: one file (limit)", f"{n}/limit.html", args))
        load_after = os.getloadavg()

        header = (
            f"{time.strftime('%d %B %Y, %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; load average "
            f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min); wrk -t{args.threads} "
            f"-c{args.connections} -d{args.duration}s after {args.warmup} s of warm-up; {ds_version}; "
            f"{subprocess.run([str(nginx_path()), '-v'], capture_output=True, text=True).stderr.strip()}; "
            f"static page from {pub_how}; record {record}"
        )
        report = f"{header}\n\n{table(results)}\n\n{ratios(results)}\n\n" + "\n".join(
            f"* {k}: {val}" for k, val in notes.items()
        )
        print("\n" + report)
        OUT.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        (OUT / f"serving-{stamp}.md").write_text(report + "\n")
        (OUT / f"serving-{stamp}.json").write_text(
            json.dumps(
                {
                    "header": header,
                    "load_before": load_before,
                    "load_after": load_after,
                    "notes": notes,
                    "results": [r.__dict__ for r in results],
                },
                indent=1,
            )
        )
        return 0
    finally:
        servers.stop()
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured wrk run (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--datasette-venv", type=Path, default=DATASETTE_VENV, help="Datasette's own environment")
    parser.add_argument(
        "--one-page",
        action="store_true",
        help="render the one record page instead of publishing the whole site (minutes on a busy machine)",
    )
    parser.add_argument("--data-dir", type=Path, help="a data folder kept (--keep) by a run of this revision")
    parser.add_argument("--before", metavar="REF", help="also measure veeduria serve of this git revision")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (database, logs, configuration)")
    args = parser.parse_args(argv)
    with stop_on_signal():
        try:
            return run(args)
        except KeyboardInterrupt:
            print("interrupted: servers stopped", file=sys.stderr)
            return 130


if __name__ == "__main__":
    sys.exit(main())
