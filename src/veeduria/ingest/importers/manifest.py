"""``data/external/manifest.yaml``: the bundled data sets (format, file, country) and their provenance."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from veeduria.ingest.importers._store import SourceInfo


def folder() -> Path:
    return Path(settings.PROJECT_DIR) / "data" / "external"


@dataclass(frozen=True)
class Entry:
    format: str
    file: str
    country: str | None
    source: dict[str, Any]

    @property
    def path(self) -> Path:
        return folder() / self.file


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> tuple[Entry, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for item in data.get("datasets", []):
        out.append(Entry(item["format"], item["file"], item.get("country"), dict(item.get("source") or {})))
    return tuple(out)


def entries() -> tuple[Entry, ...]:
    path = folder() / "manifest.yaml"
    if not path.exists():
        return ()
    return _load(path, path.stat().st_mtime)


def source_info(fmt: str, path: Path) -> SourceInfo:
    """Provenance for ``path``: from the manifest entry with the same file name, else a plain fallback."""
    for entry in entries():
        if entry.format == fmt and Path(entry.file).name == path.name:
            src = entry.source
            return SourceInfo(
                title=str(src.get("title") or path.name),
                publisher=str(src.get("publisher", "")),
                url=str(src.get("url", "")),
                repository=str(src.get("repository", "")),
                commit=str(src.get("commit", "")),
                licence=str(src.get("licence", "")),
                notes=str(src.get("notes", "")).strip(),
                kind=str(src.get("kind", "dataset")),
                language=str(src.get("language", "en")),
                reliability=str(src.get("reliability", "confirmed")),
            )
    return SourceInfo(
        title=f"{path.name} (imported as {fmt})",
        notes=f"Imported from a local file named {path.name}; provenance not recorded in data/external/manifest.yaml.",
        reliability="unverified",
    )
