"""Pages at scale: every public page and API request timed on the bundled data plus 500,000 imported activities.

    .venv/bin/python bench/scale.py                    # build (once, cached) and measure; prints a Markdown table
    .venv/bin/python bench/scale.py --rows 100000      # a smaller scale database (its own cached folder)
    .venv/bin/python bench/scale.py --rebuild          # build the scale data directory again

The scale data directory (``/tmp/veeduria-scale-<rows>``) is built once with the real commands: ``veeduria init``
(the bundled data), ``veeduria import fmtrpt`` of ``--rows`` generated training rows in the Security Force Monitor
format (``bench/run.py``'s generator) and ``veeduria search reindex``; a file ``built`` marks it complete, so reruns
skip the build. The baseline is a data directory with the bundled data alone, built the same way.

Each request runs in a child process per data directory with Django's test client (in process, one at a time):
one warm-up, then five timed runs; the median and maximum are printed, with the ratio of the scale median to the
baseline median, and every scale median over the budget (300 ms) is flagged.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VEEDURIA = ROOT / ".venv" / "bin" / "veeduria"
BUDGET_MS = 300.0
RUNS = 5

sys.path.insert(0, str(ROOT / "bench"))
from run import generate  # noqa: E402


def data_env(data_dir: Path) -> dict[str, str]:
    """The environment of a command run on ``data_dir`` (SQLite, the data directory's own secret key)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "VEEDURIA_SEARCH_DIR"}}
    env.update(VEEDURIA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="veeduria.settings", VEEDURIA_LANGUAGE="en")
    env["VEEDURIA_RESPONSE_CACHE"] = "0"  # each page made, not replayed: what a reader meets after every change
    return env


def build(data_dir: Path, rows: int, rebuild: bool = False) -> None:
    """Build ``data_dir`` (bundled data, then ``rows`` generated training rows) unless it is already built."""
    marker = data_dir / "built"
    if marker.exists() and not rebuild:
        return
    if data_dir.exists():
        subprocess.run(["rm", "-rf", str(data_dir)], check=True)
    data_dir.mkdir(parents=True)
    env = data_env(data_dir)
    started = time.perf_counter()
    print(f"building {data_dir} ({rows:,} generated rows)", file=sys.stderr, flush=True)
    subprocess.run([str(VEEDURIA), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    if rows:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"generated_{rows}_PER.csv"
            generate(path, rows)
            subprocess.run([str(VEEDURIA), "import", "fmtrpt", str(path), "--country", "PER"], env=env, check=True)
        subprocess.run([str(VEEDURIA), "search", "reindex"], env=env, check=True)
    marker.write_text(f"{rows} rows, built in {time.perf_counter() - started:.0f} s\n")
    print(f"built {data_dir} in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


#: the list types measured with every sort and filter (the others: first page and a deep page)
HEAVY_LISTS = ("activities", "authorizations", "funding")


def lazy(func: Callable[..., str], *args: Any) -> Callable[[], str]:
    """A URL found only when its request is measured (finding it costs requests)."""
    return lambda: func(*args)


def _deep_page(client: Any, url: str) -> str:
    """The URL of the last page of a list, read from its first page ("page 1 of N" / the API's ``pages``)."""
    import re

    html = client.get(url).content.decode()
    found = re.search(r"(?:página|page) 1 (?:de|of) ([\d,.\u202f\xa0]+)", html)
    if found is None:
        return ""
    pages = int(re.sub(r"\D", "", found.group(1)))
    return f"{url}{'&' if '?' in url else '?'}page={pages}" if pages > 1 else ""


def _deep_cursor(client: Any, url: str, hops: int = 3) -> str:
    """An API list URL a few cursor pages in, following ``next_cursor``, and its last page by number."""
    current = url
    for _ in range(hops):
        data = client.get(current).json()
        cursor = data.get("next_cursor")
        if not cursor:
            break
        current = f"{url}{'&' if '?' in url else '?'}cursor={cursor}"
    return current


def _last_api_page(client: Any, url: str) -> str:
    return f"{url}?page={client.get(url).json().get('pages', 1)}"


def requests_to_time(client: Any) -> list[tuple[str, str | Callable[[], str]]]:
    """(name, URL) of every public page type and API request, with ids read from the database."""
    from django.urls import reverse
    from django.utils import translation

    from veeduria.evidence.models import Source
    from veeduria.oversight.models import Finding
    from veeduria.portal import facets, list_sort
    from veeduria.records import models as m
    from veeduria.records.registry import BY_KEY, RECORD_TYPES

    translation.activate("es")
    out: list[tuple[str, str | Callable[[], str]]] = [("home", "/es/"), ("home (en)", "/en/")]
    for rt in RECORD_TYPES:
        url = reverse(f"portal:{rt.key}-list")
        out.append((f"list {rt.key}", url))
        out.append((f"list {rt.key} deep page", lazy(_deep_page, client, url)))
        if rt.key not in HEAVY_LISTS:
            continue
        names = facets.applicable(rt)
        if "year" in names:
            out.append((f"list {rt.key} year=2010", f"{url}?year=2010"))
            out.append((f"list {rt.key} year=2010 deep page", lazy(_deep_page, client, f"{url}?year=2010")))
        if "country" in names:
            out.append((f"list {rt.key} country=usa", f"{url}?country=usa"))
            out.append((f"list {rt.key} country=per deep page", lazy(_deep_page, client, f"{url}?country=per")))
        if "kind" in names:
            kind_field: Any = rt.model._meta.get_field(rt.kind_field or "")
            kind = str(kind_field.choices[0][0])
            out.append((f"list {rt.key} kind={kind}", f"{url}?kind={kind}"))
        if "department" in names:
            out.append((f"list {rt.key} department=Lima", f"{url}?department=Lima"))
        out.append((f"list {rt.key} source_kind=dataset", f"{url}?source_kind=dataset"))
        out.append((f"list {rt.key} q=COURSE", f"{url}?q=course"))
        for column in list_sort.sortable(rt):
            out.append((f"list {rt.key} sort={column}", f"{url}?sort={column}"))
            out.append((f"list {rt.key} sort=-{column} deep page", lazy(_deep_page, client, f"{url}?sort=-{column}")))
        if rt.model is m.Activity:
            out.append(("list activities where=host", f"{url}?where=host"))
            out.append(("list activities where=abroad deep page", lazy(_deep_page, client, f"{url}?where=abroad")))
    out.append(("list sources", reverse("portal:source-list")))
    out.append(("list findings", reverse("portal:findings")))
    out.append(("list findings deep page", lazy(_deep_page, client, reverse("portal:findings"))))
    for iso in ("per", "usa"):
        out.append((f"country {iso}", reverse("portal:countries-detail", kwargs={"pk": iso})))
    for key in ("activities", "authorizations", "facilities", "claims", "agreements", "actors", "funding"):
        obj = BY_KEY[key].model._default_manager.exclude(status="withdrawn").order_by("pk").first()
        if obj is not None:
            out.append((f"detail {key}", reverse(f"portal:{key}-detail", kwargs={"pk": obj.pk})))
            out.append((f"api detail {key}", f"/api/v1/records/{key}/{obj.pk}"))
    source = Source.objects.filter(kind="dataset").order_by("pk").first()
    if source is not None:
        out.append(("detail source (dataset)", reverse("portal:source-detail", kwargs={"pk": source.pk})))
    finding = Finding.objects.order_by("pk").first()
    if finding is not None:
        out.append(("api detail finding", f"/api/v1/findings/{finding.pk}"))
    out += [
        ("answer bases", reverse("portal:answer-bases-default")),
        ("map", reverse("portal:map")),
        ("map department Lima", reverse("portal:map-department", kwargs={"department": "lima"})),
        ("timeline", reverse("portal:timeline")),
        ("figures", reverse("portal:figures")),
        ("search", reverse("portal:search") + "?q=entrenamiento"),
        ("search course", reverse("portal:search") + "?q=course"),
        ("feed authorizations", reverse("portal:feed", kwargs={"kind": "authorizations"})),
        ("feed findings", reverse("portal:feed", kwargs={"kind": "findings"})),
        ("feed fact-checks", reverse("portal:feed", kwargs={"kind": "factchecks"})),
        ("api types", "/api/v1/types"),
        ("api activities", "/api/v1/records/activities"),
        ("api activities cursor", lazy(_deep_cursor, client, "/api/v1/records/activities")),
        ("api activities last page", lazy(_last_api_page, client, "/api/v1/records/activities")),
        ("api activities year=2010", "/api/v1/records/activities?year=2010"),
        ("api activities country=usa", "/api/v1/records/activities?country=usa"),
        ("api activities kind=training", "/api/v1/records/activities?kind=training"),
        ("api activities q=course", "/api/v1/records/activities?q=course"),
        ("api authorizations", "/api/v1/records/authorizations"),
        ("api findings", "/api/v1/findings"),
        ("api sources", "/api/v1/sources"),
        ("api search", "/api/v1/search?q=entrenamiento"),
    ]  # fmt: skip
    out.append(("figures CSV", lazy(_chart_csv, client, reverse("portal:figures"))))
    # last: its first request starts writing the export set in the background (503 until it is written), which
    # would share the machine with every request measured after it
    out.append(("downloads", reverse("portal:downloads")))
    return out


def _chart_csv(client: Any, url: str) -> str:
    import re

    chart = re.search(r'href="([^"]+\.csv)"', client.get(url).content.decode())
    return chart.group(1) if chart else ""


def measure(data_dir: Path, only: str = "", runs: int = RUNS) -> dict[str, dict[str, Any]]:
    """Runs in a child process on ``data_dir``: every request timed (status, median and maximum of five in ms)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)  # the data directory was built by an earlier revision

    client = Client(HTTP_HOST="127.0.0.1")
    results: dict[str, dict[str, Any]] = {}
    for name, target in requests_to_time(client):
        if only not in name:
            continue
        url = target if isinstance(target, str) else target()
        if not url:
            continue
        status = client.get(url).status_code  # warm-up
        times, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results[name] = {
            "url": url,
            "status": status,
            "median": statistics.median(times),
            "max": max(times),
            "cpu": statistics.median(cpu),
        }
        print(f"{name}: {results[name]['median']:.0f} ms", file=sys.stderr, flush=True)
    return results


def run_measure(data_dir: Path, only: str = "", runs: int = RUNS) -> dict[str, dict[str, Any]]:
    """``measure`` in a fresh process on ``data_dir``."""
    cmd = [sys.executable, __file__, "--child", str(data_dir), "--only", only, "--runs", str(runs)]
    out = subprocess.run(cmd, env=data_env(data_dir), cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def table(base: dict[str, dict[str, Any]], scale: dict[str, dict[str, Any]], rows: int) -> str:
    """The Markdown table of the figures, scale medians over the budget in bold with a flag."""
    lines = [
        f"| request | bundled data: median (max), CPU | {rows:,} more activities: median (max), CPU | ratio | status |",
        "|---|---:|---:|---:|---|",
    ]
    for name, s in scale.items():
        b = base.get(name)
        flag = " **> 300 ms**" if s["median"] > BUDGET_MS else ""
        before = f"{b['median']:.0f} ({b['max']:.0f}), {b['cpu']:.0f} ms" if b else ""
        ratio = f"{s['median'] / b['median']:.1f}x" if b else ""
        after = f"{s['median']:.0f} ({s['max']:.0f}), {s['cpu']:.0f} ms{flag}"
        lines.append(f"| {name} `{s['url']}` | {before} | {after} | {ratio} | {s['status']} |")
    over = [n for n, s in scale.items() if s["median"] > BUDGET_MS]
    slowest = max(scale.items(), key=lambda kv: kv[1]["median"])
    lines.append("")
    lines.append(
        f"{len(scale)} requests; over {BUDGET_MS:.0f} ms: {len(over)}"
        + (f" ({', '.join(over)})" if over else "")
        + f"; slowest: {slowest[0]} ({slowest[1]['median']:.0f} ms)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=500_000, help="generated training rows of the scale database")
    parser.add_argument("--rebuild", action="store_true", help="build the cached data directories again")
    parser.add_argument("--build-only", action="store_true", help="build the data directories and stop")
    parser.add_argument("--only", default="", help="measure only the requests whose name contains this text")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each request (after one warm-up)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        results = measure(args.child, args.only, args.runs)
        print(json.dumps(results))
        return
    scale_dir = Path(f"/tmp/veeduria-scale-{args.rows // 1000}k")
    base_dir = Path("/tmp/veeduria-scale-0k")
    build(base_dir, 0, args.rebuild)
    build(scale_dir, args.rows, args.rebuild)
    if args.build_only:
        return
    print(f"# Pages at scale ({time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}, SQLite)\n")
    base = run_measure(base_dir, args.only, args.runs)
    scale = run_measure(scale_dir, args.only, args.runs)
    print(table(base, scale, args.rows))


if __name__ == "__main__":
    main()
