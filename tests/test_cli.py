"""The ``veeduria`` command, run as a user runs it: a real process, a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from veeduria.cli import build_parser


def run(*args: str, data_dir: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ |= {"VEEDURIA_DATA_DIR": str(data_dir), "VEEDURIA_LANGUAGE": "en", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "veeduria.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("command", ["init", "check", "load", "import", "export", "withdraw", "serve", "manage"])
def test_help_for_each_command(command: str) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([command, "--help"])
    assert info.value.code == 0


def test_check_load_export_cycle(tmp_path: Path, mini_dataset: Path) -> None:
    assert run("init", "--no-load", data_dir=tmp_path).returncode == 0
    checked = run("check", str(mini_dataset), data_dir=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "valid, 6 records" in checked.stdout
    first = run("load", str(mini_dataset), data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "total: 6 created" in first.stdout
    second = run("load", str(mini_dataset), data_dir=tmp_path)
    assert "total: 0 created, 0 updated, 6 unchanged" in second.stdout
    exported = run("export", data_dir=tmp_path)
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {(r["type"], r["id"]) for r in rows} == {
        ("countries", "hst"),
        ("countries", "frn"),
        ("authorizations", "rl-100"),
    }
    assert all(r["citations"] and r["citations"][0]["source"]["url"] for r in rows)
    out = tmp_path / "export.jsonl"
    assert run("export", "-o", str(out), "--include-sources", data_dir=tmp_path).returncode == 0
    assert len(out.read_text().splitlines()) == 6


def test_bad_dataset_exits_1_with_one_line_reason(tmp_path: Path, mini_dataset: Path) -> None:
    path = mini_dataset / "countries.yaml"
    path.write_text(path.read_text().replace("iso3: FRN", "iso: FRN"))
    result = run("load", str(mini_dataset), data_dir=tmp_path)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("veeduria load: nothing loaded: ")
    assert "countries.yaml:6: record 'frn'" in last and "'iso'" in last
    assert run("export", data_dir=tmp_path).stdout == ""


def test_missing_folder_and_unknown_type(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nope"), data_dir=tmp_path)
    assert result.returncode == 1 and "not a folder" in result.stderr
    result = run("export", "--type", "bases", data_dir=tmp_path)
    assert result.returncode == 1 and "unknown type 'bases'" in result.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    assert run("frobnicate", data_dir=tmp_path).returncode == 2


def test_withdraw_keeps_record_out_of_export_but_retrievable(tmp_path: Path, mini_dataset: Path) -> None:
    assert run("load", str(mini_dataset), data_dir=tmp_path).returncode == 0
    result = run("withdraw", "authorizations", "rl-100", "--reason", "duplicate of rl-101", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    exported = run("export", "--type", "authorizations", data_dir=tmp_path).stdout
    assert exported == ""
    everything = run("export", "--type", "authorizations", "--include-withdrawn", data_dir=tmp_path).stdout
    row = json.loads(everything)
    assert (row["status"], row["withdrawn_reason"]) == ("withdrawn", "duplicate of rl-101")
    again = run("withdraw", "authorizations", "rl-100", "--reason", "x", data_dir=tmp_path)
    assert again.returncode == 1 and "already withdrawn" in again.stderr
    missing = run("withdraw", "authorizations", "rl-999", "--reason", "x", data_dir=tmp_path)
    assert missing.returncode == 1 and "no authorizations record with id 'rl-999'" in missing.stderr


def test_messages_in_spanish_by_default(tmp_path: Path, mini_dataset: Path) -> None:
    path = mini_dataset / "countries.yaml"
    path.write_text(path.read_text().replace("iso3: FRN", "iso: FRN"))
    result = run("load", str(mini_dataset), data_dir=tmp_path, env={"VEEDURIA_LANGUAGE": "es"})
    assert result.returncode == 1
    assert "no se cargó nada" in result.stderr
    assert "registro 'frn': campo desconocido 'iso' (¿quiso decir 'iso3'?)" in result.stderr


def test_import_messages_in_spanish(tmp_path: Path) -> None:
    header = "report_fy,program,course_title,us_unit,student_unit,location,start_date,end_date,quantity,total_cost\n"
    rows = [
        "2019_2020,IMET-1 - Fiscal Year 2019,BASIC OFFICER,FT BENNING,Army,GA,1/7/2019,6/14/2019,2,$100\n",
        "2019_2020,IMET-1 - Fiscal Year 2019,NAVAL COURSE,NAVSCIATTS,Navy,MS,2/4/2019,4/5/2019,doce,$200\n",
    ]
    path = tmp_path / "cursos.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    result = run("import", "fmtrpt", str(path), "--country", "PER", data_dir=tmp_path, env={"VEEDURIA_LANGUAGE": "es"})
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"veeduria import: no se importó nada: {path}, línea 3, columna quantity (9): ")
    assert "'doce' no es un número (--skip-bad-rows importa las demás filas)" in last
    assert last.count("no se importó nada") == 1


def test_import_recomputes_the_findings(tmp_path: Path) -> None:
    """A bulk import bypasses the per-record recomputation: the command recomputes the findings after it."""
    header = "report_fy,program,course_title,us_unit,student_unit,location,start_date,end_date,quantity,total_cost\n"
    row = "2019_2020,IMET-1 - Fiscal Year 2019,BASIC OFFICER,MTT,Army,LIMA PERU,1/7/2019,6/14/2019,2,$100\n"
    path = tmp_path / "cursos.csv"
    path.write_text(header + row, encoding="utf-8")
    first = run("import", "fmtrpt", str(path), "--country", "PER", data_dir=tmp_path, env={"VEEDURIA_LANGUAGE": "en"})
    assert first.returncode == 0, first.stderr
    assert "findings: 1" in first.stdout  # a course in Peru given by the US, no authorization recorded
    again = run("import", "fmtrpt", str(path), "--country", "PER", data_dir=tmp_path, env={"VEEDURIA_LANGUAGE": "en"})
    assert "findings" not in again.stdout  # nothing changed, nothing recomputed
