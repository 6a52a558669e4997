"""Plain facts the compliance rules read (no Django): activities, authorizations, the legal framework and the
place table, with the date and place helpers the rules share."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

#: instrument levels, from the highest
LEGISLATIVE, MINISTERIAL, NONE = "legislative", "ministerial", "none"


@dataclass(frozen=True)
class Item:
    """A weapon, vessel, aircraft, vehicle or piece of equipment (listed by an authorization or reported in an
    activity)."""

    category: str
    name: str
    quantity: int | None = None


@dataclass(frozen=True)
class PersonnelLimit:
    country: str
    service: str
    count: int | None


@dataclass(frozen=True)
class Place:
    name: str
    department: str = ""


@dataclass
class ActivityFacts:
    """One activity as the rules read it (not frozen: a frozen dataclass costs several microseconds to build, and a
    million are built; nothing changes one after it is read)."""

    id: str
    kind: str
    host: str | None
    countries: frozenset[str]
    provider: str | None = None
    start: date | None = None
    start_precision: str = "day"
    end: date | None = None
    end_precision: str = "day"
    place: str = ""
    department: str = ""
    place_precision: str = "unknown"
    personnel_low: int | None = None
    personnel_best: int | None = None
    personnel_high: int | None = None
    equipment: tuple[Item, ...] = ()
    #: authorizations that say they cover this activity (``Authorization.activities``)
    linked: tuple[str, ...] = ()

    # the answers below are computed once per activity and kept in the instance's ``__dict__``

    def foreign(self) -> frozenset[str]:
        """Participating or providing countries other than where it took place."""
        try:
            return self.__dict__["_foreign"]  # type: ignore[no-any-return]
        except KeyError:
            every = set(self.countries) | ({self.provider} if self.provider else set())
            out = self.__dict__["_foreign"] = frozenset(c for c in every if c != self.host)
            return out

    def armed(self) -> bool:
        """A weapon is reported among the activity's equipment (no weapon reported: not known to be armed)."""
        try:
            return self.__dict__["_armed"]  # type: ignore[no-any-return]
        except KeyError:
            out = self.__dict__["_armed"] = any(i.category == "weapon" for i in self.equipment)
            return out


@dataclass(frozen=True)
class AuthorizationFacts:
    id: str
    instrument_type: str
    host: str
    foreign: frozenset[str]
    window_start: date | None = None
    window_start_precision: str = "day"
    window_end: date | None = None
    window_end_precision: str = "day"
    periods: tuple[tuple[date, date], ...] = ()
    personnel_total: int | None = None
    personnel: tuple[PersonnelLimit, ...] = ()
    items: tuple[Item, ...] = ()
    places: tuple[Place, ...] = ()
    armed: bool | None = None
    limits_known: bool = True
    legal_basis: tuple[str, ...] = ()
    label: str = ""
    #: the date of the decision (approval, else publication): with no window recorded, the authorization may
    #: cover what happened in the year after it (an annual programme, an entry voted days before)
    decided: date | None = None

    def personnel_limit(self) -> int | None:
        """The total limit: ``personnel_total``, else the sum of the rows when every row has a count."""
        if self.personnel_total is not None:
            return self.personnel_total
        counts = [p.count for p in self.personnel]
        if counts and all(c is not None for c in counts):
            return sum(c for c in counts if c is not None)
        return None

    # computed once per authorization, not per check (instances are frozen; the cache lives in ``__dict__``)
    @cached_property
    def limit(self) -> int | None:
        """``personnel_limit()``, cached."""
        return self.personnel_limit()

    @cached_property
    def window_bounds(self) -> tuple[tuple[date, date] | None, tuple[date, date] | None]:
        """The bounds of the window's start and end (``bounds``), cached."""
        start = bounds(self.window_start, self.window_start_precision)
        return start, bounds(self.window_end, self.window_end_precision)

    @cached_property
    def places_key(self) -> tuple[tuple[str, str], ...]:
        """The places as plain strings (hashed much faster than the dataclasses), cached."""
        return tuple((p.name, p.department) for p in self.places)

    @cached_property
    def merged_periods(self) -> list[tuple[date, date]]:
        """``merge_periods(periods)``, cached (not to be modified)."""
        return merge_periods(self.periods)


@dataclass(frozen=True)
class EntryRule:
    """Which instrument an entry needs: the first rule whose kinds and armament match decides."""

    requires: str  #: legislative | ministerial | none
    kinds: frozenset[str] = frozenset()  #: empty: any kind
    armed: bool | None = None  #: True: only armed entries; False: only entries not known to be armed
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegalFramework:
    """A host country's rules for foreign troop entry, read from the framework data file."""

    host: str
    entries: tuple[EntryRule, ...]
    #: instrument types and the level each one grants
    instruments: dict[str, str]
    #: instrument types that can only authorize unarmed entry, with the norms that say so
    unarmed_only: dict[str, tuple[str, ...]] = field(default_factory=dict)
    in_force_from: date | None = None
    norms: tuple[str, ...] = ()
    #: level → (first, last day) in which the database holds every instrument of that level (a complete register);
    #: outside it, finding no authorization says only that none is recorded
    registers: dict[str, tuple[date, date]] = field(default_factory=dict)

    def register_covers(self, level: str, start: date, end: date) -> bool:
        """Whether every authorization of ``level`` for the days ``start``..``end`` would be in the database."""
        covered = self.registers.get(level)
        return covered is not None and covered[0] <= start and end <= covered[1]

    def required(self, kind: str, armed: bool) -> EntryRule | None:
        for rule in self.entries:
            if rule.kinds and kind not in rule.kinds:
                continue
            if rule.armed is True and not armed:
                continue
            if rule.armed is False and armed:
                continue
            return rule
        return None


RANK = {LEGISLATIVE: 2, MINISTERIAL: 1, NONE: 0}


# -- dates ------------------------------------------------------------------------------------------------------


def bounds(day: date | None, precision: str) -> tuple[date, date] | None:
    """The earliest and latest day a date of this precision can stand for (``None``: unknown)."""
    if day is None or precision == "unknown":
        return None
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "month":
        return date(day.year, day.month, 1), date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day, day


@dataclass(slots=True)
class Span:
    """When something happened: it started between ``start_lo`` and ``start_hi`` and ended between ``end_lo`` and
    ``end_hi`` (all inclusive)."""

    start_lo: date
    start_hi: date
    end_lo: date
    end_hi: date

    @property
    def exact(self) -> bool:
        return self.start_lo == self.start_hi and self.end_lo == self.end_hi


def activity_span(a: ActivityFacts) -> Span | None:
    try:
        return a.__dict__["_span"]  # type: ignore[no-any-return]
    except KeyError:
        out = a.__dict__["_span"] = _span(a)
        return out


def _span(a: ActivityFacts) -> Span | None:
    s = bounds(a.start, a.start_precision)
    e = bounds(a.end, a.end_precision)
    if s is None and e is None:
        return None
    s = s or e
    e = e or s
    assert s is not None and e is not None
    return Span(s[0], s[1], max(e[0], s[0]), max(e[1], s[1]))


def merge_periods(periods: tuple[tuple[date, date], ...]) -> list[tuple[date, date]]:
    """Periods joined where they overlap or touch (one day after the other)."""
    out: list[tuple[date, date]] = []
    for start, end in sorted(periods):
        if out and start <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


# -- places -----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Lower case, without accents, punctuation or repeated spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


@dataclass(frozen=True)
class PlaceTable:
    """Place names as data: aliases (normalized name → canonical normalized name), the host's departments, and
    which places lie within which (only where a source says so)."""

    aliases: dict[str, str] = field(default_factory=dict)
    departments: frozenset[str] = frozenset()
    within: dict[str, frozenset[str]] = field(default_factory=dict)

    def canon(self, name: str) -> str:
        n = normalize(name)
        return self.aliases.get(n, n)

    def containers(self, name: str) -> frozenset[str]:
        """The place and every place it is recorded to lie within."""
        seen = {name}
        todo = [name]
        while todo:
            for parent in self.within.get(todo.pop(), frozenset()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return frozenset(seen)


_SPLIT = re.compile(r",|;|/|\by\b|\be\b|\band\b")


def place_parts(place: str, table: PlaceTable) -> list[str]:
    """An activity's place text as canonical names: parentheses dropped, split on commas and "y"/"and"."""
    return [table.aliases.get(p, p) for p in _place_split(place)]


@lru_cache(maxsize=1 << 16)
def _place_split(place: str) -> tuple[str, ...]:
    """The normalized parts of a place text (cached: many activities share a place)."""
    text = re.sub(r"\([^)]*\)", " ", place)
    return tuple(p for p in (normalize(x) for x in _SPLIT.split(text.lower())) if p)
