"""tools/lock.py: the lock file lists what veeduria[test] needs, at the installed versions, and says when it is
not current (``make audit`` stops then, naming the packages)."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "lock.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=60)


def test_the_lock_pins_the_installed_versions_of_what_veeduria_needs(tmp_path: Path) -> None:
    target = tmp_path / "requirements.lock"
    assert _run(str(target)).returncode == 0
    pins = dict(line.split("==") for line in target.read_text(encoding="utf-8").splitlines()[1:])
    assert pins["django"] == metadata.version("django")
    assert pins["pip-audit"] == metadata.version("pip-audit")  # the test extra
    assert "veeduria" not in pins
    assert _run("--check", str(target)).returncode == 0


def test_a_stale_lock_is_named(tmp_path: Path) -> None:
    target = tmp_path / "requirements.lock"
    _run(str(target))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace(f"django=={metadata.version('django')}", "django==1.0"), encoding="utf-8")
    stale = _run("--check", str(target))
    assert stale.returncode == 1
    assert "-django==1.0" in stale.stdout and "run make lock" in stale.stdout
