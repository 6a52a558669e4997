"""The one error of backup and restore."""

from __future__ import annotations


class BackupError(Exception):
    """A backup that cannot be written or restored, with a message naming what was wrong and where."""
