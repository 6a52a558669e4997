"""Load: mixed pages, API requests and searches against ``veeduria serve`` with wrk, minute by minute.

    .venv/bin/python bench/load.py                      # 600 s on the scale data, then 600 s on the bundled data
    .venv/bin/python bench/load.py --duration 120       # quicker
    .venv/bin/python bench/load.py --only scale         # one data directory

Needs Debian's ``wrk`` (``apt-get install wrk``). The data directories are those of ``bench/scale.py`` (built there
and cached: ``/tmp/veeduria-scale-500k`` with 500,000 imported activities, ``/tmp/veeduria-scale-0k`` with the
bundled data alone). For each, ``veeduria serve`` runs on a free port of 127.0.0.1 as it is shipped (response
cache on); wrk (``bench/load.lua``) draws each request at random from a list of URLs (home, lists with filters,
sorts and pages, record pages, map, timeline, figures, feeds, API lists, cursors and details, searches) and counts
every answer that is not 2xx or 3xx. The run is cut into one-minute wrk runs, so that requests/s, p50 and p99 are
reported per minute (a stable p99: the minutes agree). The resident memory of the server's processes is sampled
every 10 s (flat: the first and last samples agree). Every process started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from serving import free_port, wait_ready  # bench/ is the script's folder: the same helpers as the serving benchmark

ROOT = Path(__file__).resolve().parents[1]
VEEDURIA = ROOT / ".venv" / "bin" / "veeduria"
LUA = ROOT / "bench" / "load.lua"
DATA_DIRS = {"scale": Path("/tmp/veeduria-scale-500k"), "bundled": Path("/tmp/veeduria-scale-0k")}
_LAT = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Minute:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: str
    socket_errors: str


@dataclass
class Run:
    name: str
    urls: int
    minutes: list[Minute] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)


def parse_wrk(out: str) -> Minute:
    """Requests/s, p50, p99 (ms), the errors counted by ``load.lua`` and wrk's socket errors of one wrk run."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = {int(p): float(v) * _UNIT[u] for p, v, u in _LAT.findall(out)}
    counted = re.search(r"LOAD errors=(\d+) statuses=(\S*)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return Minute(
        rps,
        lat.get(50, 0.0),
        lat.get(99, 0.0),
        int(counted.group(1)) if counted else -1,
        counted.group(2) if counted else "",
        socket.group(1).strip() if socket else "",
    )


def urls(base: str) -> list[str]:
    """The paths requested: every kind of public page, API request and search, ids read from the API."""
    import json

    def get(path: str) -> Any:
        with urllib.request.urlopen(base + path, timeout=120) as resp:
            return json.loads(resp.read())

    activities = get("/api/v1/records/activities?page_size=5")
    cursor = activities.get("next_cursor") or ""
    activity = activities["results"][0]["id"]
    authorization = get("/api/v1/records/authorizations?page_size=1")["results"][0]["id"]
    facility = get("/api/v1/records/facilities?page_size=1")["results"][0]["id"]
    paths = [
        "/es/", "/en/", "/es/actividades/", "/en/activities/", "/es/actividades/?page=2", "/es/actividades/?page=40",
        "/es/actividades/?year=2010", "/es/actividades/?country=usa", "/es/actividades/?kind=training",
        "/es/actividades/?sort=-start_date", "/es/actividades/?sort=name&page=3", "/es/actividades/?where=host",
        "/es/autorizaciones/", "/es/autorizaciones/?year=2023", "/es/financiamiento/", "/es/instalaciones/",
        "/es/acuerdos/", "/es/marco-legal/", "/es/hallazgos/", "/es/verificaciones/", "/es/fuentes/",
        f"/es/actividades/{activity}/", f"/en/activities/{activity}/", f"/es/autorizaciones/{authorization}/",
        f"/es/instalaciones/{facility}/", "/es/paises/per/", "/es/paises/usa/", "/es/mapa/", "/es/cronologia/",
        "/es/cifras/", "/es/respuestas/bases/", "/es/datos/", "/es/feeds/autorizaciones/",
        "/es/buscar/?q=entrenamiento", "/es/buscar/?q=callao", "/en/search/?q=training", "/es/buscar/?q=course",
        "/api/v1/", "/api/v1/types", "/api/v1/records/activities", f"/api/v1/records/activities?cursor={cursor}",
        "/api/v1/records/activities?year=2010", "/api/v1/records/activities?country=usa",
        "/api/v1/records/activities?q=course", f"/api/v1/records/activities/{activity}",
        f"/api/v1/records/authorizations/{authorization}", "/api/v1/records/authorizations", "/api/v1/findings",
        "/api/v1/search?q=entrenamiento", "/api/v1/search?q=callao",
    ]  # fmt: skip
    return paths


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def wait_written(url: str, timeout: float) -> bool:
    """Whether ``url`` answers 200 within ``timeout`` seconds (the downloads page answers 503 while the data's
    export set is first written)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                return bool(resp.status == 200)
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(5)


def load(name: str, data_dir: Path, args: argparse.Namespace, work: Path) -> Run:
    """``veeduria serve`` on ``data_dir`` under wrk for ``args.duration`` seconds, one wrk run a minute."""
    if not (data_dir / "built").exists():
        raise SystemExit(f"{data_dir} is not built: run .venv/bin/python bench/scale.py --build-only first")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "VEEDURIA_SEARCH_DIR"}}
    # one client address: the rate limits (120 API requests a minute) would answer 429 to the load itself
    env.update(VEEDURIA_DATA_DIR=str(data_dir), VEEDURIA_RATE_API="0", VEEDURIA_RATE_FORMS="0")
    log = work / f"serve-{name}.log"
    with log.open("wb") as out:
        cmd = [str(VEEDURIA), "serve", "--port", str(port)]
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/es/", proc, log, timeout=120)
        paths = urls(base)
        for path in ("/es/datos/", "/en/data/"):  # written once per data version in the background: 503 until then
            if not wait_written(base + path, args.downloads_wait):
                if path in paths:
                    paths.remove(path)
                print(f"{name}: {path} not written within {args.downloads_wait} s, left out", file=sys.stderr)
        url_file = work / f"urls-{name}.txt"
        url_file.write_text("\n".join(paths) + "\n")
        run = Run(name, len(paths))
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                run.rss_mb.append(rss_mb(proc.pid))
                stop.wait(10)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        wrk_env = {**os.environ, "VEEDURIA_LOAD_URLS": str(url_file)}
        left = args.duration
        while left > 0:
            seconds = min(60, left)
            cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "30s"]
            cmd += ["--latency", "-s", str(LUA), base]
            done = subprocess.run(cmd, env=wrk_env, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
            minute = parse_wrk(done.stdout)
            run.minutes.append(minute)
            print(f"{name} minute {len(run.minutes)}: {minute}, RSS {run.rss_mb[-1]:.0f} MB", file=sys.stderr)
            left -= seconds
        stop.set()
        sampler.join()
        run.rss_mb.append(rss_mb(proc.pid))
        return run
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def report(runs: list[Run], args: argparse.Namespace) -> str:
    """The Markdown figures: one row per minute of each run, then a summary per run."""
    lines = [
        "| data | minute | requests/s | p50 | p99 | errors (non-2xx/3xx) | socket errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        for i, m in enumerate(run.minutes, 1):
            lines.append(
                f"| {run.name} | {i} | {m.rps:.1f} | {m.p50_ms:.0f} ms | {m.p99_ms:.0f} ms | {m.errors}"
                f"{' (' + m.statuses + ')' if m.statuses else ''} | {m.socket_errors} |"
            )
    lines += [
        "",
        "| data | URLs | requests/s (mean) | p99 min–max over the minutes | errors (HTTP and socket, timeouts too) "
        "| server RSS first → max → last |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        rps = sum(m.rps for m in run.minutes) / len(run.minutes)
        p99 = [m.p99_ms for m in run.minutes]
        errors = sum(max(m.errors, 0) for m in run.minutes)
        errors += sum(int(n) for m in run.minutes for n in re.findall(r"\d+", m.socket_errors))
        rss = run.rss_mb
        lines.append(
            f"| {run.name} | {run.urls} | {rps:.1f} | {min(p99):.0f}–{max(p99):.0f} ms | {errors} | "
            f"{rss[0]:.0f} → {max(rss):.0f} → {rss[-1]:.0f} MB ({len(rss)} samples) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=600, help="seconds of load per data directory")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--downloads-wait", type=int, default=600, help="seconds to wait for the export set")
    parser.add_argument("--only", choices=sorted(DATA_DIRS), help="one data directory")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    names = [args.only] if args.only else ["scale", "bundled"]
    with tempfile.TemporaryDirectory() as tmp:
        load_avg = os.getloadavg()[0]
        started = time.strftime("%Y-%m-%d %H:%M")
        runs = [load(name, DATA_DIRS[name], args, Path(tmp)) for name in names]
    print(f"# Load ({started}, {args.duration} s per data directory, wrk -t{args.threads} -c{args.connections}, "
          f"machine load average at the start {load_avg:.1f})\n")  # fmt: skip
    print(report(runs, args))


if __name__ == "__main__":
    main()
