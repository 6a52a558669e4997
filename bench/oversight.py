"""Compliance engine benchmark: generated activities checked against generated authorizations.

    python bench/oversight.py                      # 10,000, 100,000 and 1,000,000 activities, 10,000 authorizations
    python bench/oversight.py --sizes 10000 100000 # quicker

For each size, fresh child processes share one scratch SQLite database: ``generate`` writes the records with
bulk INSERTs (not measured); ``baseline`` reads the same facts the engine reads (activity rows, their countries
and explicit links, the authorizations and their limit rows) with a plain ``sqlite3`` pass and a dictionary
lookup per activity: the floor for anything that judges every activity; ``recompute`` runs
``engine.recompute_all()`` (peak memory is the child's maximum resident set size minus its size after Django
setup), then ``engine.recompute_for`` after one activity and after one authorization changes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AUTHORIZATIONS = 10_000
FOREIGN = [f"f{i:02d}" for i in range(20)]  # generated foreign countries
KINDS = ["exercise", "training", "meeting", "deployment", "port_visit", "humanitarian"]
DEPARTMENTS = ["Lima", "Callao", "Loreto", "Cusco", "Piura", "Ayacucho", "Junín", "San Martín", "Ucayali", "Puno"]
FIRST_YEAR, YEARS = 1995, 30
NOW = "2026-01-01 00:00:00"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _insert(cur: sqlite3.Cursor, model: Any, fields: list[str], rows: Any) -> None:
    """Bulk INSERT of ``rows`` (tuples in the order of ``fields``); other columns get their constant defaults."""
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.attname in fields or getattr(f, "generated", False) or f.get_internal_type() == "BigAutoField":
            continue
        if f.has_default():
            d = f.get_default()
            values[f.column] = d if not isinstance(d, bool) else int(d)
            values[f.column] = json.dumps(d) if isinstance(d, dict) else values[f.column]
        elif f.null:
            values[f.column] = None
        elif f.get_internal_type() == "DateTimeField":
            values[f.column] = NOW
        else:
            values[f.column] = ""
    columns = [model._meta.get_field(n).column for n in fields] + list(values)
    const = tuple(values.values())
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    cur.executemany(sql, (tuple(r) + const for r in rows))


def generate(size: int) -> dict[str, float]:
    """Countries, ``AUTHORIZATIONS`` authorizations with their limits, and ``size`` activities (random, seeded)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from veeduria.oversight.models import ActivityEquipment
    from veeduria.records import models as m

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    rnd = random.Random(size)
    raw = connection.connection  # the sqlite3 connection Django opened
    cur = raw.cursor()
    iso = {"per": "PER", **{c: f"X{c[1:]}" for c in FOREIGN}}
    _insert(cur, m.Country, ["id", "iso3", "name_es", "name_en"], ((k, v, k, k) for k, v in iso.items()))
    span_days = YEARS * 365
    base = date(FIRST_YEAR, 1, 1)
    auths = []
    limits = []
    for i in range(AUTHORIZATIONS):
        start = base + timedelta(days=rnd.randrange(span_days))
        end = start + timedelta(days=rnd.randrange(5, 90))
        auths.append((f"auth-{i:05d}", start, end, rnd.choice(FOREIGN)))
        limits.append(rnd.randrange(10, 2000))
    fields = [
        "id", "instrument_type", "title_es", "host_country_id", "window_start", "window_end", "personnel_total",
        "armed", "limits_known",
    ]  # fmt: skip
    _insert(
        cur,
        m.Authorization,
        fields,
        (
            (a, "rl" if i % 3 else "rm", f"Autorización {a}", "per", s.isoformat(), e.isoformat(),
             limits[i], int(i % 3 != 0), int(i % 20 != 0))
            for i, (a, s, e, _c) in enumerate(auths)
        ),
    )  # fmt: skip
    through = m.Authorization.foreign_countries.through
    _insert(cur, through, ["authorization_id", "country_id"], ((a, c) for a, _s, _e, c in auths))
    _insert(
        cur,
        m.AuthorizedPersonnel,
        ["authorization_id", "country_id", "service", "count"],
        ((a, c, svc, rnd.randrange(5, 500)) for a, _s, _e, c in auths for svc in ("Army", "Navy")),
    )
    _insert(
        cur,
        m.AuthorizedPlace,
        ["authorization_id", "name", "department"],
        ((a, d, d) for i, (a, _s, _e, _c) in enumerate(auths) for d in DEPARTMENTS[i % 7 : i % 7 + 2]),
    )
    _insert(
        cur,
        m.AuthorizedPeriod,
        ["authorization_id", "start", "end"],
        ((a, s.isoformat(), (s + (e - s) / 2).isoformat()) for i, (a, s, e, _c) in enumerate(auths) if i % 10 == 0),
    )
    by_country: dict[str, list[tuple[int, str, date, date]]] = {c: [] for c in FOREIGN}
    for j, (a, s, e, c) in enumerate(auths):
        by_country[c].append((j, a, s, e))
    acts, countries, links, equipment = [], [], [], []
    for i in range(size):
        aid = f"act-{i:07d}"
        country = FOREIGN[i % len(FOREIGN)]
        if i % 2:  # half fall inside an authorization of their country, at one of its places, within its limit
            j, a, s, e = rnd.choice(by_country[country])
            start = s + timedelta(days=rnd.randrange(max((e - s).days, 1)))
            end = min(start + timedelta(days=rnd.randrange(0, 15)), e)
            place = DEPARTMENTS[j % 7 + i % 2]
            best = rnd.randrange(1, limits[j])
        else:  # the other half anywhere, at any time
            start = base + timedelta(days=rnd.randrange(span_days))
            end = start + timedelta(days=rnd.randrange(0, 15))
            place = DEPARTMENTS[i % len(DEPARTMENTS)]
            best = rnd.randrange(1, 800)
        precision = "month" if i % 10 == 0 else "day"
        acts.append(
            (aid, KINDS[i % len(KINDS)], f"Actividad {i}", "per", start.isoformat(), precision, end.isoformat(),
             precision, place, "department", best)
        )  # fmt: skip
        countries.append((aid, country))
        if i % 3 == 0:
            countries.append((aid, "per"))
        if i % 25 == 1:
            links.append((a, aid))
        if i % 20 == 0:
            equipment.append((f"eq-{i:07d}", aid, "weapon", "Fusil", rnd.randrange(1, 50)))
        if len(acts) >= 50_000 or i == size - 1:
            fields = [
                "id", "kind", "name_es", "host_country_id", "start_date", "start_precision", "end_date",
                "end_precision", "place", "place_precision", "personnel_best",
            ]  # fmt: skip
            _insert(cur, m.Activity, fields, acts)
            _insert(cur, m.Activity.countries.through, ["activity_id", "country_id"], countries)
            _insert(cur, m.Authorization.activities.through, ["authorization_id", "activity_id"], links)
            _insert(cur, ActivityEquipment, ["id", "activity_id", "category", "name", "quantity"], equipment)
            acts, countries, links, equipment = [], [], [], []
    raw.commit()
    cur.execute("ANALYZE")
    raw.commit()
    return {"seconds": time.perf_counter() - started}


def baseline() -> dict[str, float]:
    """A plain pass over the facts: the same tables read with ``sqlite3``, one dictionary lookup per activity."""
    import django

    django.setup()
    from django.conf import settings

    base = _rss_mb()
    started = time.perf_counter()
    db = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    auths = {r[0]: r for r in db.execute("SELECT * FROM records_authorization")}
    for table in ("records_authorizedpersonnel", "records_authorizedplace", "records_authorizedperiod"):
        for row in db.execute(f"SELECT authorization_id, * FROM {table}"):
            auths.get(row[0])
    countries = dict(db.execute("SELECT activity_id, country_id FROM records_activity_countries ORDER BY activity_id"))
    links = dict(db.execute("SELECT activity_id, authorization_id FROM records_authorization_activities"))
    n = 0
    cols = "id, kind, host_country_id, start_date, start_precision, end_date, end_precision, place, personnel_best"
    for row in db.execute(f"SELECT {cols} FROM records_activity ORDER BY id"):
        if countries.get(row[0]) and auths.get(links.get(row[0], "")) is None:
            n += 1
    return {"seconds": time.perf_counter() - started, "growth_mb": _rss_mb() - base, "n": n}


def recompute() -> dict[str, float]:
    """``recompute_all`` (time, peak memory growth, findings), then ``recompute_for`` after single changes."""
    import django

    django.setup()
    from django.db import connection

    from veeduria.oversight import engine
    from veeduria.oversight.models import Finding
    from veeduria.records.models import Activity, Authorization

    connection.ensure_connection()
    base = _rss_mb()
    started = time.perf_counter()
    n = engine.recompute_all()
    elapsed = time.perf_counter() - started
    growth = _rss_mb() - base
    assert n == Finding.objects.count()
    one_activity, one_auth, near = [], [], []
    rnd = random.Random(7)
    total = Activity.objects.count()
    for _ in range(7):
        act = Activity.objects.get(pk=f"act-{rnd.randrange(total):07d}")
        act.personnel_best = (act.personnel_best or 0) + 1
        act.save(update_fields=["personnel_best"])  # signals recompute it; timed below by hand
        t = time.perf_counter()
        engine.recompute_for(act)
        one_activity.append(time.perf_counter() - t)
        auth = Authorization.objects.get(pk=f"auth-{rnd.randrange(AUTHORIZATIONS):05d}")
        near.append(len(engine.activities_near(auth)))  # how many it recomputes (not timed)
        t = time.perf_counter()
        engine.recompute_for(auth)
        one_auth.append(time.perf_counter() - t)
    return {
        "seconds": elapsed,
        "growth_mb": growth,
        "findings": n,
        "one_activity_ms": statistics.median(one_activity) * 1000,
        "one_authorization_ms": statistics.median(one_auth) * 1000,
        "activities_near": statistics.median(near),
    }


def run_child(mode: str, data_dir: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(VEEDURIA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="veeduria.settings")
    cmd = [sys.executable, __file__, "--child", mode]
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--child", choices=["generate", "baseline", "recompute"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        size = int(os.environ.get("BENCH_SIZE", "0"))
        out = {"generate": lambda: generate(size), "baseline": baseline, "recompute": recompute}[args.child]()
        print(json.dumps(out))
        return
    print(f"# Oversight benchmark ({time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]})\n")
    print(
        "| activities | authorizations | findings | baseline pass | recompute_all | recompute / baseline "
        "| µs per activity | peak RSS growth | one activity changed | one authorization changed |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            data_dir = Path(tmp) / str(size)
            data_dir.mkdir()
            os.environ["BENCH_SIZE"] = str(size)
            run_child("generate", data_dir)
            base = run_child("baseline", data_dir)
            rec = run_child("recompute", data_dir)
            print(
                f"| {size:,} | {AUTHORIZATIONS:,} | {int(rec['findings']):,} | {base['seconds']:.2f} s "
                f"| {rec['seconds']:.2f} s | {rec['seconds'] / base['seconds']:.1f}x "
                f"| {rec['seconds'] / size * 1e6:.1f} "
                f"| {rec['growth_mb']:.0f} MB (baseline: {base['growth_mb']:.0f} MB) "
                f"| {rec['one_activity_ms']:.0f} ms | {rec['one_authorization_ms']:.0f} ms "
                f"({int(rec['activities_near']):,} activities) |",
                flush=True,
            )
            for f in data_dir.glob("veeduria.sqlite3*"):
                f.unlink()


if __name__ == "__main__":
    main()
