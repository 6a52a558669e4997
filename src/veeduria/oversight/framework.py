"""Reading the legal framework and the place table from the data files beside the dataset
(``<dataset>/oversight/legal_framework*.yaml`` and ``place_aliases*.yaml``, one host country each)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from veeduria.oversight.facts import EntryRule, LegalFramework, PlaceTable, normalize


def folder() -> Path:
    return Path(settings.DEFAULT_DATASET_DIR) / "oversight"


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or "host" not in data:
        raise ValueError(f"{path}: a mapping with a 'host' key is expected")
    return data


def parse_framework(data: dict[str, Any]) -> LegalFramework:
    since = data.get("in_force_from")
    return LegalFramework(
        host=str(data["host"]).lower(),
        entries=tuple(
            EntryRule(
                requires=e["requires"],
                kinds=frozenset(e.get("kinds") or ()),
                armed=e.get("armed"),
                basis=tuple(e.get("basis") or ()),
            )
            for e in data.get("entries") or ()
        ),
        instruments={str(k): str(v) for k, v in (data.get("instruments") or {}).items()},
        unarmed_only={str(k): tuple(v or ()) for k, v in (data.get("unarmed_only") or {}).items()},
        in_force_from=date.fromisoformat(str(since)) if since else None,
        norms=tuple(data.get("norms") or ()),
        registers={
            str(level): (date.fromisoformat(str(r["from"])), date.fromisoformat(str(r["to"])))
            for level, r in (data.get("registers") or {}).items()
        },
    )


def parse_places(data: dict[str, Any]) -> PlaceTable:
    aliases = {normalize(k): normalize(v) for k, v in (data.get("aliases") or {}).items()}
    within = {normalize(k): frozenset(normalize(x) for x in v) for k, v in (data.get("within") or {}).items()}
    return PlaceTable(aliases, frozenset(normalize(d) for d in data.get("departments") or ()), within)


@cache
def frameworks(where: Path | None = None) -> dict[str, LegalFramework]:
    """Every host's framework, by host country id."""
    base = where or folder()
    out = {}
    for path in sorted(base.glob("legal_framework*.yaml")):
        fw = parse_framework(_read(path))
        out[fw.host] = fw
    return out


@cache
def place_tables(where: Path | None = None) -> dict[str, PlaceTable]:
    """Every host's place table, by host country id."""
    base = where or folder()
    return {str(_read(p)["host"]).lower(): parse_places(_read(p)) for p in sorted(base.glob("place_aliases*.yaml"))}
