"""Shared fixtures: the real database of the run (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
BUNDLED = ROOT / "data" / "peru-us"


@pytest.fixture
def mini_dataset(tmp_path: Path) -> Path:
    """A writable copy of the small test dataset."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target
