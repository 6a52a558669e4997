"""Hostile files built to exhaust the importing machine (zip bombs, whole-column sums, huge fields, a title that
made two patterns backtrack, a 10 MB note): each run through the real ``veeduria`` command in a child process
must stop with a one-line message naming the file and the limit, within seconds and a few hundred MB, and leave
the database as it was (docs/limits.md).

The child uses its own database: a SQLite file, or (when the test run uses PostgreSQL through DATABASE_URL) a
scratch PostgreSQL database created and dropped here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from tests.scratch_db import empty_postgres

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: processor time and peak memory one hostile file may cost the importing process (processor time, not wall
#: time: the tests share the machine; wall time is bounded loosely, against a hang)
SECONDS = 10.0
WALL_SECONDS = 90.0
PEAK_MB = 400
COUNT = (
    "import django; django.setup(); from django.apps import apps; "
    "from veeduria.evidence.models import Citation, Revision, Source; "
    "print(sorted((m.__name__, m.objects.count()) for m in apps.get_app_config('records').get_models()), "
    "Source.objects.count(), Citation.objects.count(), Revision.objects.count())"
)
HEADER_FMTRPT = (
    "report_fy,program,course_title,us_unit,student_unit,location,start_date,end_date,quantity,total_cost,"
    "page_number,source_path,source_commit\n"
)
ROW_FMTRPT = '2019_2020,IMET-1 - Fiscal Year 2019,COURSE,UNIT,Army,GA,1/7/2019,6/14/2019,2,"$22,660",12,x.xml,abc\n'


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    peak_mb: float


#: runs the ``veeduria`` command and, as it exits, reports its own processor time and peak memory on stderr: the
#: peak is the address space's high-water mark (``VmHWM``, started afresh by the exec); ``ru_maxrss`` would keep the
#: forking test process's own size (700 MB in the whole suite)
_MEASURED = (
    "import atexit, re, resource, runpy, sys\n"
    "def report():\n"
    "    u = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    try:\n"
    "        kb = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "    except (OSError, AttributeError):\n"
    "        kb = u.ru_maxrss\n"
    "    sys.stderr.write(f'\\nRUSAGE {u.ru_utime + u.ru_stime} {kb}\\n')\n"
    "atexit.register(report)\n"
    "sys.argv = ['veeduria', *sys.argv[1:]]\n"
    "runpy.run_module('veeduria.cli', run_name='__main__')\n"
)


def _run(args: list[str], env: dict[str, str], *, python: bool = False) -> Outcome:
    """Run the ``veeduria`` command (or ``python -c``) and measure its wall time, processor time and peak memory."""
    command = [sys.executable, "-c", args[0]] if python else [sys.executable, "-c", _MEASURED, *args]
    start = time.monotonic()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    seconds = time.monotonic() - start
    stderr, cpu, peak = done.stderr, 0.0, 0.0
    if not python:
        stderr, _sep, usage = done.stderr.rstrip().rpartition("\nRUSAGE ")
        cpu_text, peak_kb = usage.split()
        cpu, peak = float(cpu_text), int(peak_kb) / 1024
    return Outcome(done.returncode, done.stdout, stderr, seconds, cpu, peak)


@pytest.fixture(scope="module")
def child_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of the child processes: a migrated database holding one imported file."""
    folder = tmp_path_factory.mktemp("bombs")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        VEEDURIA_DATA_DIR=str(folder / "var"),
        DJANGO_SETTINGS_MODULE="veeduria.settings",
        VEEDURIA_LANGUAGE="en",
        VEEDURIA_CLAIM_EMBEDDER="none",
    )
    url = os.environ.get("DATABASE_URL", "")
    drop: Callable[[], None] = lambda: None  # noqa: E731
    if url.startswith("postgres"):
        env["DATABASE_URL"], drop = empty_postgres(url, "bombs")
    try:
        assert _run(["init", "--no-load"], env).code == 0
        loaded = _run(["import", "fmtrpt", str(FIXTURES / "fmtrpt_final_COL.tsv")], env)
        assert loaded.code == 0, loaded.stderr
        yield env
    finally:
        drop()


def _counts(env: dict[str, str]) -> str:
    outcome = _run([COUNT], env, python=True)
    assert outcome.code == 0, outcome.stderr
    return outcome.stdout


# ----------------------------------------------------------------------------------------------- the bombs


def _zip(path: Path, members: dict[str, int], *, filler: bytes = b"\0") -> Path:
    """A zip whose members are ``size`` bytes of ``filler`` each (tiny once compressed)."""
    chunk = filler * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, size in members.items():
            with archive.open(name, "w", force_zip64=True) as fh:
                left = size
                while left > 0:
                    fh.write(chunk[: min(left, len(chunk))])
                    left -= len(chunk)
    return path


def unpacked(tmp: Path) -> tuple[list[str], str]:
    path = _zip(tmp / "Normas-unpacked.xlsx", {f"xl/worksheets/sheet{i}.xml": 70 << 20 for i in range(3)})
    return [
        "import",
        "congress-register",
        str(path),
    ], "unpacks to 210 MB; the limit is 200 MB (VEEDURIA_IMPORT_UNPACKED_MB)"


def ratio(tmp: Path) -> tuple[list[str], str]:
    path = _zip(tmp / "Normas-ratio.xlsx", {"[Content_Types].xml": 100, "xl/worksheets/sheet1.xml": 50 << 20})
    return ["import", "congress-register", str(path)], "the limit is 100 times (zip bomb?)"


def members(tmp: Path) -> tuple[list[str], str]:
    path = _zip(tmp / "Normas-members.xlsx", {f"x/{i}.xml": 1 for i in range(1500)})
    return ["import", "congress-register", str(path)], "the workbook holds 1500 files; the limit is 1000"


def shared_strings(tmp: Path) -> tuple[list[str], str]:
    path = _zip(tmp / "Normas-texts.xlsx", {"xl/sharedStrings.xml": 60 << 20}, filler=b"<si><t>a</t></si>")
    return ["import", "congress-register", str(path)], "unpack to 60 MB; the limit is 50 MB"


def _bsr(tmp: Path, formula: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Federal DoD Main Report"
    sheet.append(["DoD Base Structure Report FY24 BASELINE"])
    sheet.append(["Country/State", "Site", "Building Owned", "Plant Replacement Value ($M)"])
    sheet.append(["PERU", "LIMA SITE", 1, formula])
    path = tmp / "DoD_BSR_FY2024.xlsx"
    book.save(path)
    return path


def sum_range(tmp: Path) -> tuple[list[str], str]:
    path = _bsr(tmp, "=SUM(C1:C1048576)")
    return ["import", "dod-bsr", str(path), "--country", "PER"], "adds up more than 10000 cells"


def sum_column(tmp: Path) -> tuple[list[str], str]:
    path = _bsr(tmp, "=SUM(C:C)")
    return ["import", "dod-bsr", str(path), "--country", "PER"], "the formula =SUM(C:C) adds up more than 10000 cells"


def _with_text(path: Path, placeholder: str, text: str) -> Path:
    """``path`` with ``placeholder`` replaced by ``text`` in its sheets (openpyxl itself writes at most 32,767
    characters in a cell, as Excel does; a hostile file need not)."""
    rewritten = path.with_name(f"{path.stem}-long{path.suffix}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(placeholder.encode(), text.encode())
            target.writestr(info, data)
    return rewritten


def long_title(tmp: Path) -> tuple[list[str], str]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NORMA", "NÚMERO", "DENOMINACIÓN"])
    sheet.append(["RESOLUCIÓN LEGISLATIVA", 30001, "TITLE-PLACEHOLDER"])
    book.save(tmp / "Normas.xlsx")
    path = _with_text(tmp / "Normas.xlsx", "TITLE-PLACEHOLDER", "INGRESO DE MIEMBROS DE " * 9000)
    return ["import", "congress-register", str(path)], "line 2, column C: a value of more than 32767 characters"


def csv_field(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "field_PER.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER_FMTRPT)
        fh.write(ROW_FMTRPT.replace("COURSE", "C" * (50 << 20)))
    return ["import", "fmtrpt", str(path)], "line 2, column ?: a value of more than 32767 characters"


def csv_lines(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "lines_PER.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER_FMTRPT)
        block = "\n" * 1_000_000
        for _i in range(10):
            fh.write(block)
    return ["import", "fmtrpt", str(path)], "more than 2000000 rows (VEEDURIA_IMPORT_MAX_ROWS)"


def csv_size(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "huge_PER.csv"
    with path.open("wb") as fh:
        fh.truncate(250 << 20)  # sparse: nothing on disk, 250 MB to whoever reads it
    return ["import", "fmtrpt", str(path)], "the file takes 250 MB; the limit is 200 MB (VEEDURIA_IMPORT_MAX_MB)"


def yaml_note(tmp: Path) -> tuple[list[str], str]:
    folder = tmp / "dataset"
    folder.mkdir()
    (folder / "sources.yaml").write_text(
        "- id: src-a\n  title: A\n  kind: press\n  language: es\n  notes: " + "abc def " * (10 << 17) + "\n",
        encoding="utf-8",
    )
    return ["load", str(folder)], "sources.yaml: line 5: a value of more than 100000 characters"


def yaml_size(tmp: Path) -> tuple[list[str], str]:
    folder = tmp / "dataset"
    folder.mkdir()
    with (folder / "sources.yaml").open("wb") as fh:
        fh.truncate(60 << 20)
    return [
        "load",
        str(folder),
    ], "sources.yaml: the file takes 60 MB; the limit is 50 MB (VEEDURIA_DATASET_FILE_MAX_MB)"


BOMBS = [
    unpacked,
    ratio,
    members,
    shared_strings,
    sum_range,
    sum_column,
    long_title,
    csv_field,
    csv_lines,
    csv_size,
    yaml_note,
    yaml_size,
]


@pytest.mark.parametrize("bomb", BOMBS, ids=[b.__name__ for b in BOMBS])
def test_bomb_refused_quickly_in_little_memory(
    bomb: Callable[[Path], tuple[list[str], str]], tmp_path: Path, child_env: dict[str, str]
) -> None:
    args, message = bomb(tmp_path)
    before = _counts(child_env)
    outcome = _run(args, child_env)
    assert outcome.code == 1, (outcome.stdout, outcome.stderr)
    line = outcome.stderr.strip().splitlines()[-1]
    assert outcome.stderr.strip().count("\n") == 0, outcome.stderr
    assert message in line, line
    named = Path(args[2]).name if args[0] == "import" else "sources.yaml"
    assert named in line, line
    assert outcome.cpu_seconds < SECONDS and outcome.seconds < WALL_SECONDS, outcome
    assert outcome.peak_mb < PEAK_MB, outcome
    assert _counts(child_env) == before


def test_declared_million_rows_cost_seconds(tmp_path: Path, child_env: dict[str, str]) -> None:
    """A sheet declaring A1:XFD1048576, with a cell in its last row and column, is read in bounded time and
    memory (no 16,384-column rows); its one row is not selected, so nothing is written, not even its source."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NORMA", "NÚMERO", "DENOMINACIÓN"])
    sheet.append(["LEY", 30001, "LEY GENERAL"])
    sheet["XFD1048576"] = "x"
    path = tmp_path / "Normas-declared.xlsx"
    book.save(path)
    before = _counts(child_env)
    outcome = _run(["import", "congress-register", str(path)], child_env)
    assert outcome.code == 0, outcome.stderr
    assert "no row imported: nothing was saved, not even the file's source" in outcome.stdout
    assert outcome.cpu_seconds < SECONDS and outcome.seconds < WALL_SECONDS, outcome
    assert outcome.peak_mb < PEAK_MB, outcome
    assert _counts(child_env) == before


def test_excel_length_title_costs_little(tmp_path: Path, child_env: dict[str, str]) -> None:
    """A title as long as a cell may be (32,767 characters), made of what made two title patterns backtrack
    ("MIEMBROS DE ... " and "APRUEBA ..." many times over): read and classified in bounded time."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NORMA", "NÚMERO", "DENOMINACIÓN"])
    sheet.append(["RESOLUCIÓN LEGISLATIVA", 30001, "INGRESO DE MIEMBROS DE " * 1400])
    sheet.append(["RESOLUCIÓN LEGISLATIVA", 30002, "INGRESO APRUEBA " * 2000])
    path = tmp_path / "Normas-titles.xlsx"
    book.save(path)
    before = _counts(child_env)
    outcome = _run(["import", "congress-register", str(path)], child_env)
    assert outcome.code == 0, outcome.stderr
    assert "no row imported" in outcome.stdout
    assert outcome.cpu_seconds < SECONDS and outcome.seconds < WALL_SECONDS, outcome
    assert _counts(child_env) == before


# ------------------------------------------------------------------------------------------- in process


@pytest.mark.parametrize(
    "title",
    [
        "INGRESO DE MIEMBROS DE " * 9000,
        "APRUEBA EL INGRESO " * 11000,
        "RESOLUCION LEGISLATIVA N " + "12 Y " * 40000,
        "RESOLUCION LEGISLATIVA" + " " * 200_000,
    ],
    ids=["members", "approves", "references", "spaces"],
)
def test_title_patterns_do_not_backtrack(title: str) -> None:
    from veeduria.ingest.importers.congress_register import classify, foreign_countries

    assert len(title) >= 200_000
    start = time.process_time()
    classify("Resolución Legislativa", title, set())
    foreign_countries(title)
    assert time.process_time() - start < 1.0


def test_title_rules_unchanged_by_the_rewrite() -> None:
    from veeduria.ingest.importers.congress_register import classify

    entry = "RESOLUCION LEGISLATIVA QUE AUTORIZA EL INGRESO DE MIEMBROS DE LA MARINA DE LOS ESTADOS UNIDOS"
    assert classify("RESOLUCION LEGISLATIVA", entry).rule == "entry"
    assert not classify("RESOLUCION LEGISLATIVA", "INGRESO DE MIEMBROS DEL CLUB").selected
    assert not classify("RESOLUCION LEGISLATIVA", "APRUEBA EL ACUERDO SOBRE EL INGRESO DE TROPAS").selected
    assert not classify("RESOLUCION LEGISLATIVA", "AUTORIZA LA SALIDA DE TROPAS").selected
    assert classify("RESOLUCION LEGISLATIVA", "AUTORIZA EL INGRESO DE TROPAS Y APRUEBA EL CONVENIO").selected


@pytest.mark.django_db
def test_an_import_of_nothing_leaves_nothing(tmp_path: Path) -> None:
    from veeduria.ingest.importers import run_import

    from .conftest import counts

    before = counts()
    header_only = tmp_path / "empty_PER.csv"
    header_only.write_text(HEADER_FMTRPT, encoding="utf-8")
    all_bad = tmp_path / "bad_PER.csv"
    all_bad.write_text(HEADER_FMTRPT + ROW_FMTRPT.replace("1/7/2019", "someday"), encoding="utf-8")
    for path in (header_only, all_bad):
        report = run_import("fmtrpt", path, country="PER", skip_bad_rows=True)
        assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
        assert "no row imported: nothing was saved, not even the file's source" in report.summary()
    assert report.skipped
    assert counts() == before  # no source, no country, no revision
    assert run_import("fmtrpt", FIXTURES / "fmtrpt_final_COL.tsv").created
    assert counts()["Source"] == before["Source"] + 1


@pytest.mark.django_db
def test_long_text_fields_have_a_maximum(tmp_path: Path) -> None:
    from veeduria.evidence.cleaning import CleanError, clean_field
    from veeduria.evidence.models import Source
    from veeduria.ingest.dataset import check_folder
    from veeduria.ingest.validate import DatasetInvalid

    folder = tmp_path / "dataset"
    folder.mkdir()
    fine, long = "x" * 99_999, "x" * 100_001
    (folder / "sources.yaml").write_text(
        f"- id: src-a\n  title: A\n  kind: press\n  language: es\n  notes: {fine}\n"
        f"- id: src-b\n  title: B\n  kind: press\n  language: es\n  notes: {long}\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetInvalid) as info:
        check_folder(folder)
    assert info.value.errors == [
        "sources.yaml: line 10: a value of more than 100000 characters (VEEDURIA_TEXT_MAX_CHARS)"
    ]
    assert clean_field(Source._meta.get_field("notes"), fine) == fine
    with pytest.raises(CleanError, match="longer than 100000 characters"):
        clean_field(Source._meta.get_field("notes"), long)


@pytest.mark.django_db
def test_citation_texts_have_a_maximum(tmp_path: Path) -> None:
    from veeduria.ingest.dataset import check_folder
    from veeduria.ingest.validate import DatasetInvalid

    folder = tmp_path / "dataset"
    folder.mkdir()
    (folder / "sources.yaml").write_text("- id: src-a\n  title: A\n  kind: press\n  language: es\n")
    (folder / "countries.yaml").write_text(
        "- id: frn\n  iso3: FRN\n  name_es: F\n  name_en: F\n"
        f"  citations:\n    - source: src-a\n      locator: {'p' * 201}\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetInvalid) as info:
        check_folder(folder)
    wanted = "citations[1]: field 'locator': longer than 200 characters"
    assert any(wanted in e for e in info.value.errors), info.value.errors


def test_limits_document_lists_every_text_field() -> None:
    from veeduria.ingest.limits import MARKER, text_fields_markdown

    document = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    assert document.split(MARKER)[1].strip() == text_fields_markdown().strip()
