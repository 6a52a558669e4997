"""Importer benchmark: the shipped training file and a generated large file in the same format.

    python bench/run.py                 # 1,000,000 generated rows, SQLite (+ PostgreSQL if DATABASE_URL is set)
    python bench/run.py --rows 100000   # quicker
    python bench/run.py --postgres postgres://postgres@127.0.0.1:5432/bench

Every measurement runs in a fresh child process (its own database, its own peak-memory figure). Figures are
reported next to a baseline measured in the same command: a plain ``csv.reader`` pass over the same file.
Peak memory is the child's maximum resident set size (``resource.getrusage``), shown as growth over the
process after Django setup and migrations, so that files of different sizes can be compared.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "external" / "peru-us" / "sfm_fmtrpt_training_PER.csv"
HEADER = [
    "report_fy", "program", "course_title", "us_unit", "student_unit", "location", "start_date", "end_date",
    "quantity", "total_cost", "page_number", "source_path", "source_commit",
]  # fmt: skip
PROGRAMS = [
    "IMET-1 - Fiscal Year {y} Department of State Training",
    "Section 333 - Fiscal Year {y} Department of Defense Training",
    "INCLE - Fiscal Year {y} Department of State Training",
    "Regional Centers - Fiscal Year {y} Department of Defense Training",
    "FMF - Fiscal Year {y} Department of State Training",
]


def generate(path: Path, rows: int) -> None:
    """``rows`` distinct training rows in the Security Force Monitor extract's format, grouped by report year."""
    per_year = max(rows // 20, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            year = 2000 + min(i // per_year, 19)
            month, day = i % 12 + 1, i % 28 + 1
            out.writerow([
                f"{year}_{year + 1}", PROGRAMS[i % len(PROGRAMS)].format(y=year), f"COURSE {i:07d}",
                f"US UNIT {i % 211}", f"STUDENT UNIT {i % 97}", f"PLACE {i % 53}", f"{month}/{day}/{year}",
                f"{month}/{min(day + 5, 28)}/{year}", str(i % 60 + 1), f"${(i * 37) % 250000:,}", str(i % 400 + 1),
                f"scrapers/fmtrpt_{year}_{year + 1}/out.xml", "203d73fa287796fe5266db58a75c48cbb53ff4ad",
            ])  # fmt: skip


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def child(mode: str, path: Path, data_dir: Path) -> dict[str, float]:
    """Runs inside a fresh process: ``parse`` (baseline) or ``import``."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    base = _rss_mb()
    started = time.perf_counter()
    rows = 0
    if mode == "parse":
        with path.open(encoding="utf-8", newline="") as fh:
            for _row in csv.reader(fh):
                rows += 1
        rows -= 1
    else:
        from veeduria.ingest.importers import run_import

        report = run_import("fmtrpt", path, country="PER", progress=False)
        if mode == "reimport":  # the same file again: every row compared, nothing changes
            base = _rss_mb()
            started = time.perf_counter()
            report = run_import("fmtrpt", path, country="PER", progress=False)
            assert report.created == report.updated == 0, report.summary()
        rows = report.created + report.updated + report.unchanged
    elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds": elapsed, "peak_rss_mb": _rss_mb(), "growth_mb": _rss_mb() - base}


def run_child(
    mode: str, path: Path, database_url: str | None, workdir: Path, code: Path | None = None
) -> dict[str, float]:
    """One measurement in a fresh process; ``code``: the ``src`` folder of another version of Veeduría to run."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    data_dir = Path(tempfile.mkdtemp(dir=workdir))
    env.update(VEEDURIA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="veeduria.settings")
    if code is not None:
        env["PYTHONPATH"] = str(code)
    if database_url:
        env["DATABASE_URL"] = database_url
        _recreate_pg(database_url)
    cmd = [sys.executable, __file__, "--child", mode, "--file", str(path), "--data-dir", str(data_dir)]
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def checkout(ref: str, workdir: Path) -> Path:
    """The ``src`` folder of git revision ``ref`` of this repository, extracted into ``workdir``."""
    target = workdir / f"src-{ref.replace('/', '-')}"
    target.mkdir()
    archive = subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def _recreate_pg(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated file")
    parser.add_argument("--postgres", default=None, help="PostgreSQL URL of a scratch database (dropped and recreated)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--compare", metavar="GITREF", help="also run the importer of another revision (e.g. main~5) on the same files"
    )
    parser.add_argument("--child", choices=["parse", "import", "reimport"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.file, args.data_dir)))
        return
    postgres = args.postgres
    if postgres is None and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        postgres = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/veeduria_bench"
    engines = ([("SQLite", None)] if not args.no_sqlite else []) + ([("PostgreSQL", postgres)] if postgres else [])
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(f"# Importer benchmark ({time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]})\n")
        other = checkout(args.compare, workdir) if args.compare else None
        head = "| file | engine | rows | baseline parse | import | rows/s | import / parse | re-import (no change) "
        head += "| re-import / parse | peak RSS growth |"
        if other:
            head += f" import vs {args.compare} | re-import vs {args.compare} |"
        print(head)
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if other else ""))
        sizes = [("shipped (4,229 rows)", SHIPPED)]
        for rows in sorted({max(args.rows // 4, 1), args.rows}):
            path = workdir / f"generated_{rows}_PER.csv"
            generate(path, rows)
            sizes.append((f"generated {rows:,}", path))
        for label, path in sizes:
            parse = run_child("parse", path, None, workdir)
            for engine, url in engines:
                imp = run_child("import", path, url, workdir)
                again = run_child("reimport", path, url, workdir)
                rate = imp["rows"] / imp["seconds"]
                line = (
                    f"| {label} | {engine} | {int(imp['rows']):,} | {parse['seconds']:.2f} s | "
                    f"{imp['seconds']:.2f} s | {rate:,.0f} | {imp['seconds'] / parse['seconds']:.1f}x | "
                    f"{again['seconds']:.2f} s | {again['seconds'] / parse['seconds']:.1f}x | "
                    f"{imp['growth_mb']:.0f} MB (parse: {parse['growth_mb']:.0f} MB) |"
                )
                if other:
                    old_imp = run_child("import", path, url, workdir, other)
                    old_again = run_child("reimport", path, url, workdir, other)
                    line += (
                        f" {imp['seconds'] / old_imp['seconds']:.2f}x ({old_imp['seconds']:.2f} s) |"
                        f" {again['seconds'] / old_again['seconds']:.2f}x ({old_again['seconds']:.2f} s) |"
                    )
                print(line, flush=True)


if __name__ == "__main__":
    main()
