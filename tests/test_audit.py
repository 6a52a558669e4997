"""tools/audit.py: a known vulnerability fails the audit, naming it; packages that could not be looked up are
counted, and fail it only when every package must be checked."""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "audit.py"
_spec = importlib.util.spec_from_file_location("audit_tool", TOOL)
assert _spec and _spec.loader
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}]},
        {"name": "pyyaml", "version": "6.0.2", "vulns": []},
        {"name": "anyio", "skip_reason": "Dependency not found on PyPI and could not be audited: anyio (4.16.0)"},
    ],
    "fixes": [],
}


def test_vulnerabilities_and_unchecked_packages_are_told_apart() -> None:
    found, skipped, checked = audit.summarise(VULNERABLE)
    assert found == ["django 5.2.0: PYSEC-2025-1 (fixed in: 5.2.1)"]
    assert skipped == ["anyio"]
    assert checked == 2


def _fake_pip_audit(folder: Path, report: dict[str, object]) -> Path:
    """A stand-in for pip-audit (its vulnerability service is outside the machine) printing ``report``."""
    python = folder / "python"
    python.symlink_to(sys.executable)
    tool = folder / "pip-audit"
    tool.write_text(f"#!/bin/sh\ncat <<'JSON'\n{json.dumps(report)}\nJSON\n", encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return python


def _run(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), str(TOOL), *args], capture_output=True, text=True, timeout=60)


def test_a_vulnerable_locked_version_fails_the_audit(tmp_path: Path) -> None:
    done = _run(_fake_pip_audit(tmp_path, VULNERABLE), str(tmp_path / "lock"))
    assert done.returncode == 1
    assert "VULNERABLE django 5.2.0: PYSEC-2025-1" in done.stdout
    assert "NOT CHECKED 1 of 3" in done.stdout


def test_packages_without_data_fail_only_when_every_package_must_be_checked(tmp_path: Path) -> None:
    offline = {"dependencies": [{"name": "anyio", "skip_reason": "not found"}], "fixes": []}
    python = _fake_pip_audit(tmp_path, offline)
    assert _run(python, "lock").returncode == 0
    strict = _run(python, "lock", "--require-data")
    assert strict.returncode == 1
    assert "NOT CHECKED 1 of 1" in strict.stdout


def test_a_pip_audit_without_answer_counts_every_package_as_not_checked(tmp_path: Path) -> None:
    python = _fake_pip_audit(tmp_path, {})
    (tmp_path / "pip-audit").write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    lock = tmp_path / "requirements.lock"
    lock.write_text("# pinned\nanyio==4.16.0\ndjango==5.2.8\n", encoding="utf-8")
    env = {**os.environ, "AUDIT_TIMEOUT": "1"}
    done = subprocess.run([str(python), str(TOOL), str(lock)], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert "had no answer in 1.0 s" in done.stdout
    assert "NOT CHECKED 2 of 2" in done.stdout
    strict = subprocess.run(
        [str(python), str(TOOL), str(lock), "--require-data"], capture_output=True, text=True, timeout=60, env=env
    )
    assert strict.returncode == 1
