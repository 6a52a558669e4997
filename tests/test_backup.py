"""``veeduria backup`` and ``veeduria restore`` run as a user runs them: child processes, real databases.

The round trip is judged by the open-data export (``veeduria export --all``) of the original and of the restored
database: the same record files, the same counts. Across engines JSON values are compared parsed (PostgreSQL's jsonb
keeps object keys in its own order)."""

from __future__ import annotations

import csv
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.scratch_db import ON_POSTGRES, ScratchDatabases, veeduria, veeduria_ok

ENGINE = "postgres" if ON_POSTGRES else "sqlite"
#: files of an export set that differ by design between two exports (when, and the SQLite file's bytes)
NOT_COMPARED = {"manifest.json", "veeduria.sqlite", "dataset.zip"}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabases]:
    databases = ScratchDatabases(tmp_path_factory.mktemp("scratch"), ENGINE)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="module")
def source(scratch: ScratchDatabases, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A database with the mini dataset and one stored document."""
    env = scratch.new()
    veeduria_ok(env, "load", str(FIXTURES / "mini"))
    note = tmp_path_factory.mktemp("doc") / "note.txt"
    note.write_text("Resolución legislativa: ingreso de personal militar extranjero.\n", encoding="utf-8")
    veeduria_ok(env, "documents", "add", str(note))
    return env


@pytest.fixture(scope="module")
def backup_file(source: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("backup") / "veeduria.backup.tar"
    veeduria_ok(source, "backup", str(target))
    return target


def _normal(value: str) -> Any:
    """A cell or line with its JSON objects parsed (key order ignored), else the text itself."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    return parsed if isinstance(parsed, dict | list) else value


def export_of(env: dict[str, str], folder: Path, *, parsed: bool = False) -> dict[str, Any]:
    """The record files of ``veeduria export --all`` (and the counts of its manifest)."""
    veeduria_ok(env, "export", "--all", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files: dict[str, Any] = {"counts": {f["name"]: f["records"] for f in manifest["files"]}}
    for path in sorted(folder.iterdir()):
        if path.name in NOT_COMPARED:
            continue
        text = path.read_text(encoding="utf-8")
        if not parsed:
            files[path.name] = text.splitlines()
        elif path.suffix == ".csv":
            files[path.name] = [[_normal(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
        else:
            files[path.name] = [_normal(line) for line in text.splitlines()]
    return files


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}  # type: ignore[union-attr]


def _rewrite(path: Path, target: Path, manifest: dict[str, Any] | None = None, data: bytes | None = None) -> Path:
    """A copy of a backup with another manifest or data member."""
    members = _members(path)
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest).encode()
    if data is not None:
        members["data.jsonl.gz"] = data
    with tarfile.open(target, "w") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return target


def test_round_trip_restores_the_same_export_and_documents(
    scratch: ScratchDatabases, source: dict[str, str], backup_file: Path, tmp_path: Path
) -> None:
    manifest = json.loads(_members(backup_file)["manifest.json"])
    assert manifest["engine"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert manifest["tables"]["records_authorization"] == 1 and manifest["tables"]["documents_document"] == 1
    assert any(m.startswith("records.0001") for m in manifest["migrations"])
    target = scratch.new()
    restored = veeduria(target, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr
    assert f"{sum(manifest['tables'].values())} rows restored" in restored.stdout
    before, after = export_of(source, tmp_path / "a"), export_of(target, tmp_path / "b")
    assert before["counts"]["authorizations.jsonl"] == 1 and before["documents.csv"][1:]
    assert after == before
    stored = list(Path(target["VEEDURIA_DATA_DIR"], "documents").rglob("*.txt"))
    assert [p.name for p in stored] == [next(iter(manifest["documents"].values())) + ".txt"]
    found = veeduria_ok(target, "search", "personal militar extranjero", "--format", "json")
    assert json.loads(found)["count"] >= 1  # the search index was rebuilt
    again = veeduria(target, "restore", str(backup_file))
    assert again.returncode == 1 and "not empty" in again.stderr and "evidence_revision" in again.stderr


@pytest.mark.skipif(not ON_POSTGRES, reason="across engines: needs the PostgreSQL run (DATABASE_URL)")
def test_backup_restores_across_engines(tmp_path: Path) -> None:
    sqlite = ScratchDatabases(tmp_path / "sqlite", "sqlite")
    postgres = ScratchDatabases(tmp_path / "postgres", "postgres")
    try:
        origin = sqlite.new()
        veeduria_ok(origin, "load", str(FIXTURES / "mini"))
        veeduria_ok(origin, "backup", str(tmp_path / "from-sqlite.tar"))
        on_postgres = postgres.new()
        veeduria_ok(on_postgres, "restore", str(tmp_path / "from-sqlite.tar"))
        veeduria_ok(on_postgres, "backup", str(tmp_path / "from-postgres.tar"))
        back_on_sqlite = sqlite.new()
        veeduria_ok(back_on_sqlite, "restore", str(tmp_path / "from-postgres.tar"))
        exports = [
            export_of(env, tmp_path / f"e{i}", parsed=True)
            for i, env in enumerate((origin, on_postgres, back_on_sqlite))
        ]
        assert exports[0]["counts"]["authorizations.jsonl"] == 1
        assert exports[1] == exports[0] and exports[2] == exports[0]
    finally:
        postgres.drop_all()


def test_restore_refuses_a_damaged_file_and_writes_nothing(
    scratch: ScratchDatabases, backup_file: Path, tmp_path: Path
) -> None:
    data = bytearray(_members(backup_file)["data.jsonl.gz"])
    data[len(data) // 2] ^= 0xFF
    damaged = _rewrite(backup_file, tmp_path / "damaged.tar", data=bytes(data))
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_text("hello", encoding="utf-8")
    target = scratch.new()
    for path, reason in ((damaged, "SHA-256"), (truncated, "truncated"), (not_a_backup, "not a readable backup")):
        refused = veeduria(target, "restore", str(path))
        assert refused.returncode == 1, refused.stdout
        assert reason in refused.stderr and str(path) in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    assert export_of(target, tmp_path / "empty")["counts"]["authorizations.jsonl"] == 0


def test_restore_refuses_another_versions_backup_naming_the_migrations(
    scratch: ScratchDatabases, backup_file: Path, tmp_path: Path
) -> None:
    manifest = json.loads(_members(backup_file)["manifest.json"])
    dropped = manifest["migrations"].pop()
    manifest["migrations"].append("records.9999_from_the_future")
    other = _rewrite(backup_file, tmp_path / "other.tar", manifest=manifest)
    refused = veeduria(scratch.new(), "restore", str(other))
    assert refused.returncode == 1
    assert "records.9999_from_the_future" in refused.stderr and dropped in refused.stderr
    manifest["format_version"] = 99
    newer = _rewrite(backup_file, tmp_path / "newer.tar", manifest=manifest)
    refused = veeduria(scratch.new(), "restore", str(newer))
    assert refused.returncode == 1 and "99" in refused.stderr
