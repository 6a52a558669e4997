"""``veeduria export --all`` and ``--as-of`` run as a user runs them: a real process, a real SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from veeduria.cli import build_parser


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ |= {"VEEDURIA_DATA_DIR": str(data_dir), "VEEDURIA_LANGUAGE": "en"}
    return subprocess.run(
        [sys.executable, "-m", "veeduria.cli", *args], capture_output=True, text=True, env=environ, timeout=300
    )


@pytest.fixture
def data_dir(tmp_path: Path, mini_dataset: Path) -> Path:
    folder = tmp_path / "var"
    assert run("init", "--no-load", data_dir=folder).returncode == 0
    loaded = run("load", str(mini_dataset), data_dir=folder)
    assert loaded.returncode == 0, loaded.stderr
    return folder


def test_export_all_writes_the_set_with_its_manifest(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run("export", "--all", str(out), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    counts = {f["name"]: f["records"] for f in manifest["files"]}
    assert counts["authorizations.jsonl"] == 1 and counts["countries.csv"] == 2 and counts["sources.jsonl"] == 3
    db = sqlite3.connect(out / "veeduria.sqlite")
    assert db.execute("SELECT id FROM authorizations").fetchall() == [("rl-100",)]
    db.close()
    assert f"{len(manifest['files'])} files written" in done.stderr


def test_export_as_of_a_day_before_the_data_is_empty(data_dir: Path) -> None:
    old = run("export", "--as-of", "2000-01-01", data_dir=data_dir)
    assert old.returncode == 0, old.stderr
    assert old.stdout == ""
    now = run("export", "--as-of", "2999-12-31", "--include-sources", data_dir=data_dir)
    plain = run("export", "--include-sources", data_dir=data_dir)
    assert now.stdout == plain.stdout and len(plain.stdout.splitlines()) == 6


def test_as_of_needs_a_date() -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["export", "--as-of", "yesterday"])
    assert info.value.code == 2


def test_all_refuses_options_it_would_ignore(data_dir: Path, tmp_path: Path) -> None:
    refused = run("export", "--all", str(tmp_path / "x"), "--type", "countries", data_dir=data_dir)
    assert refused.returncode == 1 and "--all" in refused.stderr


def test_dataset_zip_loads_the_same_records_into_a_fresh_database(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export", "--all", str(out), data_dir=data_dir).returncode == 0
    dataset = tmp_path / "dataset"
    with zipfile.ZipFile(out / "dataset.zip") as archive:
        archive.extractall(dataset)
    assert "window_start: 2023-06" in (dataset / "authorizations.yaml").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert run("init", "--no-load", data_dir=fresh).returncode == 0
    loaded = run("load", str(dataset), data_dir=fresh)
    assert loaded.returncode == 0, loaded.stderr
    assert "total: 6 created" in loaded.stdout
    before = run("export", "--include-sources", data_dir=data_dir).stdout
    after = run("export", "--include-sources", data_dir=fresh).stdout
    assert after == before and len(after.splitlines()) == 6
