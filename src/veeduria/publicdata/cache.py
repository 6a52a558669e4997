"""Export sets generated on demand into ``$VEEDURIA_DATA_DIR/exports/`` and kept until the data changes.

The folder of a set is named by its language and a fingerprint of the data (the latest revision, finding and
document): a change gives a new fingerprint, the next request writes a new set and the older sets of that
language are removed. Two processes asking at once write it once (a file lock). The portal never makes a reader
wait for it: while a set is written (in a thread) it serves the previous one."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from veeduria.publicdata import manifest
from veeduria.publicdata.bundle import ExportSet
from veeduria.publicdata.streams import Selection


def exports_dir() -> Path:
    return Path(settings.DATA_DIR) / "exports"


def fingerprint() -> str:
    """A short digest of what an export shows: the data version the HTTP caching uses (the latest revision, finding
    and document, and the installed code), read in one query; it changes whenever the public data do."""
    from veeduria.http_cache import data_version

    return hashlib.sha256(f"{manifest.generator()}|{data_version().tag}".encode()).hexdigest()[:16]


def current_set(language: str) -> tuple[Path, dict[str, Any]]:
    """The folder and manifest of the export set of the data as it is now, written first if needed."""
    root = exports_dir()
    folder = root / f"{language}-{fingerprint()}"
    found = manifest.read(folder)
    if found is not None:
        return folder, found
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".lock-{language}").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = manifest.read(folder)
        if found is not None:
            return folder, found
        work = root / f".work-{folder.name}"
        shutil.rmtree(work, ignore_errors=True)
        ExportSet(work, Selection(), language).write()
        work.rename(folder)
        for old in root.glob(f"{language}-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
        data = manifest.read(folder)
        assert data is not None
        return folder, data


ExportSetFiles = tuple[Path, dict[str, Any]]
#: the thread writing each language's set in this process
_writers: dict[str, threading.Thread] = {}


def latest_set(language: str) -> ExportSetFiles | None:
    """The most recently written complete set of ``language``, whatever data it shows."""
    found = []
    for folder in exports_dir().glob(f"{language}-*"):
        data = manifest.read(folder)
        if data is not None:
            found.append((data["created"], folder.stat().st_mtime, folder, data))
    if not found:
        return None
    _created, _mtime, folder, data = max(found, key=lambda t: (t[0], t[1]))
    return folder, data


def _write_in_thread(language: str) -> None:
    try:
        current_set(language)
    finally:
        connections.close_all()


def start_writing(language: str) -> threading.Thread:
    """Write the current set of ``language`` in a thread (unless one is already at it); return the thread."""
    thread = _writers.get(language)
    if thread is None or not thread.is_alive():
        thread = threading.Thread(target=_write_in_thread, args=(language,), name=f"export-{language}", daemon=True)
        _writers[language] = thread
        thread.start()
    return thread


def available_set(language: str) -> tuple[ExportSetFiles | None, bool]:
    """The set to offer now and whether it shows the current data; when it does not, the current one is being
    written (``None``: none was ever written)."""
    folder = exports_dir() / f"{language}-{fingerprint()}"
    data = manifest.read(folder)
    if data is not None:
        return (folder, data), True
    start_writing(language)
    return latest_set(language), False
