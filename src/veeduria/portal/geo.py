"""A host country's first-level divisions (Peru's departments) for the map: outlines from ``data/geo/``
(``boundaries.yaml`` maps a host country to its file), names with their accents from the host's place table
(``<dataset>/oversight/place_aliases*.yaml``), addresses (``san-martin``), lookup with accents and case ignored,
and which division a place name or a point lies in.

Nothing here is tied to one country: a host without an entry in ``boundaries.yaml`` has no divisions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from veeduria.oversight.facts import PlaceTable, normalize, place_parts
from veeduria.oversight.framework import folder as oversight_folder
from veeduria.oversight.framework import parse_places

#: decimals kept of the outlines' coordinates (4: about 11 m, far below the simplified outlines' error)
DECIMALS = 4


def geo_dir() -> Path:
    """The folder of ``boundaries.yaml`` and the outline files (``settings.GEO_DIR``, default ``data/geo``)."""
    return Path(getattr(settings, "GEO_DIR", Path(settings.PROJECT_DIR) / "data" / "geo"))


def slug_of(name: str) -> str:
    """A division's address: its name without accents, lower case, words joined by hyphens."""
    return normalize(name).replace(" ", "-")


@dataclass(frozen=True)
class Division:
    """One first-level division: ``key`` is its normalized name, ``slug`` its address, ``name`` as written."""

    key: str
    slug: str
    name: str
    geometry: dict[str, Any] = field(compare=False, repr=False)

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside the outline (ray casting; holes excluded)."""
        kind, coords = self.geometry.get("type"), self.geometry.get("coordinates") or []
        polygons = coords if kind == "MultiPolygon" else [coords] if kind == "Polygon" else []
        for rings in polygons:
            if rings and _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, hole) for hole in rings[1:]):
                return True
        return False


@dataclass(frozen=True)
class Divisions:
    """The divisions of one host country, with the place table its places are matched by."""

    host: str
    items: tuple[Division, ...]
    attribution: str = ""
    table: PlaceTable = field(default_factory=PlaceTable)

    def by_slug(self) -> dict[str, Division]:
        return {d.slug: d for d in self.items}

    def find(self, text: str) -> Division | None:
        """The division named ``text`` (an address or a name: accents, case, hyphens and aliases ignored)."""
        key = self.table.canon(text.replace("-", " "))
        return next((d for d in self.items if d.key == key), None)

    def named_in(self, place: str) -> list[Division]:
        """The divisions a place text names ("Lima, Callao y Piura"), directly, by an alias, or by a place the
        table records to lie within one; in the order of the text."""
        keys: list[str] = []
        for part in place_parts(place, self.table):
            for key in sorted(self.table.containers(part)):
                if key not in keys:
                    keys.append(key)
        by_key = {d.key: d for d in self.items}
        return [by_key[k] for k in keys if k in by_key]

    def containing(self, lat: float, lon: float) -> Division | None:
        """The division whose outline contains the point, if any."""
        return next((d for d in self.items if d.contains(lat, lon)), None)

    def feature_collection(self, properties: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """The outlines as GeoJSON, each feature with ``properties[slug]``."""
        return {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": d.geometry, "properties": properties.get(d.slug, {})}
                for d in self.items
            ],
        }


def _in_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i - 1][0], ring[i - 1][1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _rounded(value: Any) -> Any:
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, float):
        return round(value, DECIMALS)
    return value


def _place_file(host: str, country_id: str) -> dict[str, Any]:
    """The host's place table file (its ``host`` is the country's id or, lower case, its ISO3), or ``{}``."""
    wanted = {host.lower(), country_id.lower()} - {""}
    for path in sorted(oversight_folder().glob("place_aliases*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and str(data.get("host", "")).lower() in wanted:
            return data
    return {}


@cache
def load(host: str, country_id: str = "", where: Path | None = None) -> Divisions:
    """The divisions of ``host`` (ISO3) from ``boundaries.yaml`` (none when it has no entry)."""
    base = where or geo_dir()
    index_path = base / "boundaries.yaml"
    index = yaml.safe_load(index_path.read_text(encoding="utf-8")) if index_path.exists() else {}
    entry = (index or {}).get(host.upper())
    places = _place_file(host, country_id)
    table = parse_places(places) if places else PlaceTable()
    if not entry:
        return Divisions(host.upper(), (), "", table)
    names = {normalize(str(n)): str(n) for n in places.get("departments") or ()}
    data = json.loads((base / entry["file"]).read_text(encoding="utf-8"))
    prop = entry.get("name_property", "name")
    items = []
    for feature in data.get("features") or ():
        raw = str((feature.get("properties") or {}).get(prop) or "").strip()
        if not raw:
            continue
        key = table.canon(raw)
        name = names.get(key) or raw.title()
        geometry = feature.get("geometry") or {}
        items.append(Division(key, slug_of(name), name, {**geometry, "coordinates": _rounded(geometry["coordinates"])}))
    items.sort(key=lambda d: d.key)
    return Divisions(host.upper(), tuple(items), str(entry.get("attribution", "")), table)


def for_host(host: str | None = None) -> Divisions:
    """The divisions of ``host`` (ISO3; default ``settings.HOST_COUNTRY``)."""
    from veeduria.records.models import Country

    iso3 = (host or settings.HOST_COUNTRY).upper()
    country_id = Country.objects.filter(iso3=iso3).values_list("pk", flat=True).first() or ""
    return load(iso3, str(country_id))
