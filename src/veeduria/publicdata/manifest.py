"""``manifest.json`` of an export set: what it holds (records and bytes per file, SHA-256), when and by which
version it was written, the state of the data it shows and the head of the revision ledger at that state, and
the licence and origin of each bundled data set."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from veeduria.publicdata.streams import Selection

MANIFEST_NAME = "manifest.json"
FORMATS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".geojson": "geojson",
    ".jsonld": "claimreview",
    ".sqlite": "sqlite",
    ".zip": "dataset",
}
#: where the bundled data sets are described (data/README.md and data/external/manifest.yaml)
DATA_DIR = Path(settings.PROJECT_DIR) / "data"


def generator() -> str:
    try:
        return f"veeduria {metadata.version('veeduria')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "veeduria"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _readme_rows(path: Path) -> list[dict[str, str]]:
    """The rows of the ``| folder | what | licence |`` table of ``data/README.md``."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"`[^`]+/`", cells[0]):
            plain = [c.replace("`", "") for c in cells]
            rows.append({"folder": "data/" + plain[0], "description": plain[1], "licence": plain[2]})
    return rows


def datasets(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """Every bundled data set with its licence and source, as listed in ``data/``."""
    out: list[dict[str, Any]] = [r for r in _readme_rows(data_dir / "README.md") if r["folder"] != "data/external/"]
    listing = data_dir / "external" / "manifest.yaml"
    if listing.exists():
        for entry in (yaml.safe_load(listing.read_text(encoding="utf-8")) or {}).get("datasets", []):
            source = entry.get("source", {})
            out.append(
                {
                    "file": "data/external/" + entry["file"],
                    "title": source.get("title", ""),
                    "publisher": source.get("publisher", ""),
                    "url": source.get("url", ""),
                    "licence": source.get("licence", ""),
                }
            )
    return out


def _order(name: str) -> tuple[int, str]:
    return (1 if name.endswith((".sqlite", ".zip")) else 0, name)


def ledger_head(as_of: dt.date | None) -> dict[str, Any]:
    """The head of the revision ledger the export shows (as of the end of ``as_of``): compare its hash with the
    one the site shows (docs/ledger.md)."""
    from veeduria.evidence import ledger
    from veeduria.publicdata.as_of import end_of_day

    return ledger.head(end_of_day(as_of) if as_of else None).as_dict()


def write(folder: Path, counts: dict[str, int], selection: Selection, language: str) -> dict[str, Any]:
    """Write and return the manifest of the files of ``counts`` (records per file) in ``folder``."""
    files = []
    for name in sorted(counts, key=_order):
        path = folder / name
        files.append(
            {
                "name": name,
                "format": FORMATS.get(path.suffix, path.suffix.lstrip(".")),
                "records": counts[name],
                "bytes": path.stat().st_size,
                "sha256": sha256(path),
            }
        )
    data = {
        "generator": generator(),
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "as_of": selection.as_of.isoformat() if selection.as_of else None,
        "include_withdrawn": selection.include_withdrawn,
        "language": language,
        "ledger_head": ledger_head(selection.as_of),
        "datasets": datasets(),
        "files": files,
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data


def read(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST_NAME
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
