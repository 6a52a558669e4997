"""The secret key: the environment's, else the data directory's file, else one for this process only, with
which the server refuses to start (naming the variable); ``init`` and ``secret-key --write`` write the file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from veeduria.secret_key import write_key_file
from veeduria.settings import _secret_key


def test_the_environment_wins_then_the_file(tmp_path: Path) -> None:
    stored = tmp_path / "secret_key"
    assert _secret_key(" from-env ", stored) == ("from-env", False)
    key, ephemeral = _secret_key("", stored)
    assert ephemeral and len(key) >= 50 and key != _secret_key("", stored)[0]
    assert write_key_file(stored) and not write_key_file(stored)  # never replaced
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    key, ephemeral = _secret_key("", stored)
    assert not ephemeral and key == stored.read_text().strip()


def _veeduria(data_dir: Path, *args: str, debug: str = "0") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VEEDURIA_SECRET_KEY", "DATABASE_URL"}}
    env.update(VEEDURIA_DATA_DIR=str(data_dir), VEEDURIA_DEBUG=debug, DJANGO_SETTINGS_MODULE="veeduria.settings")
    code = "import sys; from veeduria.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_serve_refuses_without_a_lasting_key(tmp_path: Path) -> None:
    done = _veeduria(tmp_path, "serve", "--port", "1")
    assert done.returncode == 2
    assert "VEEDURIA_SECRET_KEY is not set" in done.stderr and "veeduria secret-key --write" in done.stderr


def test_secret_key_command_writes_once(tmp_path: Path) -> None:
    printed = _veeduria(tmp_path, "secret-key")
    assert printed.returncode == 0 and len(printed.stdout.strip()) >= 50
    assert not (tmp_path / "secret_key").exists()
    assert _veeduria(tmp_path, "secret-key", "--write").returncode == 0
    first = (tmp_path / "secret_key").read_text()
    again = _veeduria(tmp_path, "secret-key", "--write")
    assert again.returncode == 1 and "secret_key" in again.stderr
    assert (tmp_path / "secret_key").read_text() == first
