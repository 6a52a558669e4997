"""Content-addressed files: ``DATA_DIR/documents/ab/<sha256>.<ext>``, written once, atomically, never altered."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

_EXTENSIONS = {"pdf": "pdf", "html": "html", "text": "txt"}


def root() -> Path:
    return Path(settings.DATA_DIR) / "documents"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_path(sha256: str, kind: str) -> Path:
    return root() / sha256[:2] / f"{sha256}.{_EXTENSIONS[kind]}"


def store(data: bytes, sha256: str, kind: str) -> Path:
    """Write ``data`` at its address through a temporary file renamed into place (kept if already there)."""
    path = stored_path(sha256, kind)
    if path.exists() and sha256_of(path.read_bytes()) == sha256:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
