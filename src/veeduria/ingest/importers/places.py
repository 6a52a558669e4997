"""Where an imported activity took place, read from a free-text location: the country when the text names
it (a country, a place of :mod:`place_names`, a US state code), the precision of the place, and whether given
coordinates are only a country's centroid. Nothing is guessed: a text naming no country, or several, gives
no country."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from veeduria.ingest.importers._read import fold
from veeduria.ingest.importers.countries import COUNTRIES
from veeduria.ingest.importers.place_names import AMBIGUOUS, CENTROIDS, PLACES, US_STATES

_RANK = {"unknown": 0, "country": 1, "department": 2, "locality": 3}
#: state codes that are also common words: only read after a comma or before a ZIP code
_WORDLIKE = frozenset({"IN", "OR", "DE", "LA", "ME", "OH", "HI", "OK", "PA", "MA", "CO", "AL"})
_STATE_END = re.compile(r"(?:^|(,)\s*|\s)([A-Z]{2})(?:\s+(\d{5})(?:\s*\d{4})?)?\s*$")
_STATE_ZIP = re.compile(r"\s([A-Z]{2})\s+\d{5}\b")
_STATE_MID = re.compile(r",\s*([A-Z]{2})\s*,")
#: short names of the United States, read like a country name ("Monterey, CA, US")
_US_NAMES = frozenset({"US", "USA", "U S"})


def _norm(text: str) -> str:
    """``'Washington, D.C.'`` → ``'WASHINGTON DC'``: folded, dots dropped, other punctuation as spaces."""
    folded = fold(text).replace(".", "")
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", folded).split())


def _country_names() -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for iso3, (_gw, es, en, others) in COUNTRIES.items():
        for name in (es, en, *others):
            key = _norm(name)
            if len(key) > 3 and key not in names:
                names[key] = (iso3, "country")
    return names


def _names() -> list[tuple[str, tuple[str, str, bool]]]:
    """(normalised name, (iso3 or "", precision, is a country name)), longest first; places override
    country names and ambiguous names override both."""
    names: dict[str, tuple[str, str, bool]] = {k: (v[0], v[1], True) for k, v in _country_names().items()}
    names.update((_norm(k), (v[0], v[1], False)) for k, v in PLACES.items())
    names.update((_norm(k), (v[0], v[1], True)) for k, v in PLACES.items() if v[0] == "USA" and k in _US_NAMES)
    names.update((_norm(k), ("", "unknown", False)) for k in AMBIGUOUS)
    return sorted(names.items(), key=lambda item: -len(item[0]))


_NAMES = _names()
_BY_NAME = dict(_NAMES)


@dataclass(frozen=True)
class Located:
    """The country (ISO3, or ``None``) and precision of a location text; ``note`` says why it is unknown."""

    iso3: str | None
    precision: str
    note: str = ""


@lru_cache(maxsize=4096)
def locate(text: str) -> Located:
    """The country and precision a location text states (see the module docstring)."""
    norm = _norm(text)
    if not norm:
        return Located(None, "unknown")
    padded = f" {norm} "
    found: list[tuple[str, str]] = []  # (iso3, precision)
    for name, (iso3, precision, _is_country) in _NAMES:
        needle = f" {name} "
        start = padded.find(needle)
        while start >= 0:
            blank = " " * (len(needle) - 1)
            padded = padded[:start] + blank + padded[start + len(needle) - 1 :]
            if iso3:
                found.append((iso3, precision))
            start = padded.find(needle)
    if not found:
        state = _us_state(text)
        if state is None:
            return Located(None, "unknown")
        return Located("USA", state)
    countries = sorted({f[0] for f in found})
    if len(countries) > 1:
        return Located(None, "unknown", "names places in " + ", ".join(countries))
    precision = max((f[1] for f in found), key=_RANK.__getitem__)
    if precision != "locality" and _city_before(text):
        precision = "locality"
    if precision != "locality" and countries[0] == "USA":
        precision = max(precision, _us_state(text) or "unknown", key=_RANK.__getitem__)
    return Located(countries[0], precision)


def _us_state(text: str) -> str | None:
    """``'locality'`` (a place and its state) or ``'department'`` (a state alone) for a US state code."""
    upper = " ".join(fold(text).replace(".", "").split())
    match = _STATE_END.search(upper)
    if match and match.group(2) in US_STATES:
        code, comma, zip_code = match.group(2), match.group(1), match.group(3)
        if code not in _WORDLIKE or comma or zip_code or upper == code:
            return "department" if upper.strip(", ") == code else "locality"
    for pattern in (_STATE_ZIP, _STATE_MID):
        match = pattern.search(upper)
        if match and match.group(1) in US_STATES:
            return "locality"
    return None


def _city_before(text: str) -> bool:
    """``'Victoria, Canada'``, ``'Annapolis, Maryland'``: a text ending in ", <country or state>" after other
    words locates a locality (not so ``'Atlantic Ocean, off Brazilian coast'``)."""
    head, sep, last = text.rpartition(",")
    if not sep or not re.search(r"[A-Za-z]{2}", head):
        return False
    entry = _BY_NAME.get(_norm(last))
    return entry is not None and (entry[2] or entry[1] == "department")


def centroid_of(lat: float | None, lon: float | None) -> str | None:
    """The ISO3 code of the country whose centroid these coordinates are, if any."""
    if lat is None or lon is None:
        return None
    for iso3, (clat, clon) in CENTROIDS.items():
        if abs(lat - clat) < 1e-4 and abs(lon - clon) < 1e-4:
            return iso3
    return None
