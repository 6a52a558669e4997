"""The compliance rules: plain facts in, findings out (no Django, no database).

``check(activity, candidates, framework, places)`` returns the findings of one activity against the
authorizations that could cover it; ``candidates_for`` says which those are. See docs/oversight.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from veeduria.oversight.facts import (
    NONE,
    RANK,
    ActivityFacts,
    AuthorizationFacts,
    LegalFramework,
    PlaceTable,
    Span,
    activity_span,
    bounds,
    normalize,
    place_parts,
)
from veeduria.oversight.texts import Names, explain

VIOLATION, UNDETERMINED, NOTICE = "violation", "undetermined", "notice"
_ORDER = {VIOLATION: 0, UNDETERMINED: 1, NOTICE: 2}

#: rule codes
NO_AUTHORIZATION = "no_authorization"
INSTRUMENT = "instrument_insufficient"
ARMED_MINISTERIAL = "armed_ministerial"
OUTSIDE_WINDOW = "outside_window"
PERSONNEL = "personnel_over_limit"
PLACE = "place_not_authorized"
ITEMS = "items_not_listed"
LIMITS_UNKNOWN = "limits_unknown"
RULES = (NO_AUTHORIZATION, INSTRUMENT, ARMED_MINISTERIAL, OUTSIDE_WINDOW, PERSONNEL, PLACE, ITEMS, LIMITS_UNKNOWN)


@dataclass(frozen=True)
class Finding:
    """One finding: its reason code and values say everything its explanation states (values are plain data;
    dates and sets are stored as JSON by ``json_value``)."""

    activity_id: str
    authorization_id: str | None
    rule: str
    severity: str
    reason: str
    values: dict[str, Any] = field(default_factory=dict)
    #: the title of the authorization it was checked against (empty: none), as the explanation names it
    auth_label: str = ""

    def explanations(self, names: Names | None = None) -> tuple[str, str]:
        """The Spanish and English explanation (``names``: country names by id; without them, ids)."""
        return explain(self.reason, self.auth_label, self.values, names)


def json_value(v: Any) -> Any:
    """How a finding's value that JSON has no type for is stored (``json`` ``default=``): a date as ISO text, a set
    as a sorted list."""
    if isinstance(v, set | frozenset):
        return sorted(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    raise TypeError(f"not JSON: {type(v).__name__}")


# -- which authorizations could cover an activity -----------------------------------------------------------------


#: how long after its decision an authorization with no recorded window may cover an activity (a candidate only:
#: its window stays unknown, so the finding against it is undetermined, never compliant)
UNKNOWN_WINDOW_REACH = timedelta(days=366)


def match_window(auth: AuthorizationFacts) -> tuple[date, date] | None:
    """The days an authorization may cover, for finding candidates: its window's earliest start to latest end; a
    missing end is taken as the end of the start's year (and a missing start as the start of the end's year), so
    that an open window does not match every later activity; with no window at all, the year after its decision.
    ``None``: neither a window nor a date of decision is recorded."""
    ws = bounds(auth.window_start, auth.window_start_precision)
    we = bounds(auth.window_end, auth.window_end_precision)
    if ws is None and we is None:
        if auth.decided is not None:  # window unknown: the year after the decision (its findings say so)
            return auth.decided, auth.decided + UNKNOWN_WINDOW_REACH
        return None
    lo = ws[0] if ws else date(we[1].year, 1, 1)  # type: ignore[index]
    hi = we[1] if we else date(lo.year, 12, 31)
    return lo, hi


def could_overlap(span: Span, auth: AuthorizationFacts) -> bool:
    """The activity may fall (at least partly) within the authorization's window (only an explicit link makes an
    authorization without a window a candidate)."""
    window = match_window(auth)
    return window is not None and span.start_lo <= window[1] and span.end_hi >= window[0]


def candidates_for(a: ActivityFacts, by_id: dict[str, AuthorizationFacts], pool: Iterable[AuthorizationFacts]) -> list:
    """Explicitly linked authorizations; else those of the same host that share a foreign country (or name none)
    and whose window may overlap the activity's dates."""
    if a.linked:
        return [by_id[i] for i in a.linked if i in by_id]
    span = activity_span(a)
    if span is None:
        return []
    foreign = a.foreign()
    return [
        auth
        for auth in pool
        if auth.host == a.host and (not auth.foreign or auth.foreign & foreign) and could_overlap(span, auth)
    ]


# -- the rules ------------------------------------------------------------------------------------------------------


def check(
    a: ActivityFacts, candidates: list[AuthorizationFacts], framework: LegalFramework | None, places: PlaceTable
) -> list[Finding]:
    """The findings of one activity in which foreign personnel entered or acted in the host country."""
    return [_finish(d) for d in _check(a, candidates, framework, places)]


def _check(
    a: ActivityFacts, candidates: list[AuthorizationFacts], framework: LegalFramework | None, places: PlaceTable
) -> list[_Draft]:
    """The drafts of the findings kept (explanations and evidence are written only for these)."""
    span = activity_span(a)
    if framework is None:
        return [_f(a, None, NO_AUTHORIZATION, UNDETERMINED, "no_framework", host=a.host)]
    if framework.in_force_from and span is not None and span.end_hi < framework.in_force_from:
        return [_f(a, None, NO_AUTHORIZATION, NOTICE, "before_framework", since=framework.in_force_from)]
    entry = framework.required(a.kind, a.armed())
    if entry is not None and entry.requires == NONE:
        return []
    if not candidates:
        if span is None:
            return [_f(a, None, NO_AUTHORIZATION, UNDETERMINED, "no_auth_dates_unknown", foreign=a.foreign())]
        if entry is None:
            return [_f(a, None, NO_AUTHORIZATION, UNDETERMINED, "no_auth_rule_unknown", kind=a.kind)]
        # the database may not hold every instrument of that level for these dates: then absence is not proof
        registered = framework.register_covers(entry.requires, span.start_lo, span.end_hi)
        return [
            _f(
                a,
                None,
                NO_AUTHORIZATION,
                VIOLATION if registered else UNDETERMINED,
                "no_auth" if registered else "no_auth_unregistered",
                foreign=a.foreign(),
                requires=entry.requires,
                basis=entry.basis,
            )
        ]
    results = []
    for auth in candidates:
        result = _against(a, span, auth, entry, framework, places)
        if not result:
            return []  # one authorization covers it fully
        results.append(result)
    if a.linked:
        return [f for r in results for f in r]
    return [_unlinked(d) for d in min(results, key=lambda r: sorted(_ORDER[f.severity] for f in r))]


def _unlinked(d: _Draft) -> _Draft:
    """A finding against an authorization that matches the activity only by countries and dates (no record says
    it covers it): another authorization may be the one, so a breach of its limits is undetermined, not a
    violation; the explanation says why (``texts.UNLINKED``)."""
    if d.severity != VIOLATION:
        return d
    return d._replace(severity=UNDETERMINED, values={**d.values, "unlinked": True})


def _against(
    a: ActivityFacts,
    span: Span | None,
    auth: AuthorizationFacts,
    entry: Any,
    framework: LegalFramework,
    places: PlaceTable,
) -> list[_Draft]:
    out: list[_Draft] = []
    out += _instrument(a, auth, entry, framework)
    out += _window(a, span, auth)
    if not auth.limits_known:
        missing = _missing(auth)
        out.append(_f(a, auth, LIMITS_UNKNOWN, UNDETERMINED, "limits_unknown", missing=missing))
        return out
    if auth.limit is not None:
        out += _personnel(a, auth)
    if auth.places:
        out += _places(a, auth, places)
    if a.equipment:
        out += _items(a, auth)
    return out


def _missing(auth: AuthorizationFacts) -> list[str]:
    missing = []
    if auth.window_start is None or auth.window_end is None:
        missing.append("window")
    if auth.personnel_limit() is None:
        missing.append("personnel")
    if not auth.places:
        missing.append("places")
    if not auth.items:
        missing.append("items")
    if auth.armed is None:
        missing.append("armed")
    return missing


def _instrument(a: ActivityFacts, auth: AuthorizationFacts, entry: Any, fw: LegalFramework) -> list[_Draft]:
    level = fw.instruments.get(auth.instrument_type)
    armed_entry = a.armed() or auth.armed is True
    if auth.instrument_type in fw.unarmed_only and armed_entry:
        why = "weapons_reported" if a.armed() else "authorization_armed"
        return [
            _f(
                a,
                auth,
                ARMED_MINISTERIAL,
                VIOLATION,
                "armed_ministerial",
                why=why,
                instrument=auth.instrument_type,
                basis=fw.unarmed_only[auth.instrument_type],
            )
        ]
    if level is None:
        return [_f(a, auth, INSTRUMENT, UNDETERMINED, "instrument_unknown", instrument=auth.instrument_type)]
    if entry is None:
        return [_f(a, auth, INSTRUMENT, UNDETERMINED, "no_auth_rule_unknown", kind=a.kind)]
    if RANK[level] < RANK[entry.requires]:
        return [
            _f(
                a,
                auth,
                INSTRUMENT,
                VIOLATION,
                "instrument_low",
                instrument=auth.instrument_type,
                requires=entry.requires,
                basis=entry.basis,
            )
        ]
    return []


def _window(a: ActivityFacts, span: Span | None, auth: AuthorizationFacts) -> list[_Draft]:
    ws, we = auth.window_bounds
    periods = auth.merged_periods
    within = span is not None and ws is not None and we is not None and span.start_lo >= ws[1] and span.end_hi <= we[0]
    if within and not periods:
        return []  # within the window (the common case, decided before any value is gathered)
    vals = {
        "activity_start": a.start,
        "activity_end": a.end,
        "window_start": auth.window_start,
        "window_end": auth.window_end,
    }
    if span is None:
        return [_f(a, auth, OUTSIDE_WINDOW, UNDETERMINED, "dates_unknown", **vals)]
    if (ws is not None and span.start_hi < ws[0]) or (we is not None and span.end_lo > we[1]):
        return [_f(a, auth, OUTSIDE_WINDOW, VIOLATION, "outside_window", **vals)]
    if periods:
        certain = (span.start_hi, span.end_lo) if span.start_hi <= span.end_lo else None
        if any(span.start_lo >= p[0] and span.end_hi <= p[1] for p in periods):
            pass
        elif certain and not any(certain[0] >= p[0] and certain[1] <= p[1] for p in periods):
            return [_f(a, auth, OUTSIDE_WINDOW, VIOLATION, "outside_periods", periods=periods, **vals)]
        else:
            return [_f(a, auth, OUTSIDE_WINDOW, UNDETERMINED, "periods_imprecise", periods=periods, **vals)]
    if ws is None or we is None:
        if auth.limits_known:
            return [_f(a, auth, OUTSIDE_WINDOW, UNDETERMINED, "window_open", **vals)]
        return []
    if span.start_lo >= ws[1] and span.end_hi <= we[0]:
        return []
    return [_f(a, auth, OUTSIDE_WINDOW, UNDETERMINED, "window_imprecise", **vals)]


def _personnel(a: ActivityFacts, auth: AuthorizationFacts) -> list[_Draft]:
    limit = auth.limit
    if limit is None:
        return []
    low, best, high = a.personnel_low, a.personnel_best, a.personnel_high
    if low is None and best is None and high is None:
        reason = "personnel_unknown"
    else:
        floor = low if low is not None else best if high is None else None
        if floor is not None and floor > limit:
            reason = "personnel_with_host" if a.host is not None and a.host in a.countries else "personnel_over"
        elif max(x for x in (low, best, high) if x is not None) > limit:
            reason = "personnel_maybe_over"
        else:
            return []
    severity = VIOLATION if reason == "personnel_over" else UNDETERMINED
    return [_f(a, auth, PERSONNEL, severity, reason, limit=limit, low=low, best=best, high=high)]


#: place verdicts already reached, by (table, activity place, department, precision, authorized places): places
#: repeat across activities, and the verdict depends on nothing else (the table is kept to rule out a reused id)
_PLACE_VERDICTS: dict[tuple[Any, ...], tuple[PlaceTable, tuple[Any, ...] | None]] = {}


def _places(a: ActivityFacts, auth: AuthorizationFacts, table: PlaceTable) -> list[_Draft]:
    if not auth.places:
        return []
    key = (id(table), a.place, a.department, a.place_precision, auth.places_key)
    hit = _PLACE_VERDICTS.get(key)
    if hit is None or hit[0] is not table:
        if len(_PLACE_VERDICTS) >= 100_000:
            _PLACE_VERDICTS.clear()
        hit = _PLACE_VERDICTS[key] = (table, _place_verdict(a, auth, table))
    if hit[1] is None:
        return []
    severity, text, allowed, unmatched = hit[1]
    vals: dict[str, Any] = {"place": a.place, "department": a.department, "authorized": list(allowed)}
    if unmatched is not None:
        vals["unmatched"] = list(unmatched)
    return [_f(a, auth, PLACE, severity, text, **vals)]


def _place_verdict(a: ActivityFacts, auth: AuthorizationFacts, table: PlaceTable) -> tuple[Any, ...] | None:
    """(severity, reason, authorized names, unmatched parts or ``None``), or ``None`` when the places match."""
    allowed: set[str] = set()
    for p in auth.places:
        allowed.add(table.canon(p.name))
        if p.department:
            allowed.add(table.canon(p.department))
    authorized = tuple(sorted(allowed))
    parts = place_parts(a.place, table) if a.place else []
    if a.department:
        parts.append(table.canon(a.department))
    if not parts or (a.place_precision in ("country", "unknown") and not a.department):
        return (UNDETERMINED, "place_unknown", authorized, None)
    unmatched = [p for p in parts if not _matches(p, allowed, table)]
    if not unmatched:
        return None
    auth_has_departments = any(x in table.departments for x in allowed)
    # the activity's department, itself not authorized: every place of the activity lies outside the authorized
    # departments (departments do not overlap)
    dep = table.canon(a.department) if a.department else ""
    outside = dep in table.departments and dep in unmatched
    certain = [p for p in unmatched if p in table.departments or not auth_has_departments or outside]
    if certain and len(certain) == len(unmatched):
        return (VIOLATION, "place_not_authorized", authorized, tuple(unmatched))
    return (UNDETERMINED, "place_unmatched", authorized, tuple(unmatched))


def _matches(part: str, allowed: set[str], table: PlaceTable) -> bool:
    if table.containers(part) & allowed:
        return True
    padded = f" {part} "
    return any(f" {name} " in padded or (len(part) > 3 and f" {part} " in f" {name} ") for name in allowed)


def _items(a: ActivityFacts, auth: AuthorizationFacts) -> list[_Draft]:
    unlisted = []
    for item in a.equipment:
        if item.category not in ("weapon", "vessel", "aircraft"):
            continue
        listed = [x for x in auth.items if x.category == item.category and _same(x.name, item.name)]
        if not listed:
            unlisted.append(f"{item.category}: {item.name}")
        elif item.quantity is not None and all(x.quantity is not None for x in listed):
            allowed = sum(x.quantity or 0 for x in listed)
            if item.quantity > allowed:
                unlisted.append(f"{item.category}: {item.name} ({item.quantity} > {allowed})")
    if unlisted:
        return [_f(a, auth, ITEMS, VIOLATION, "items_not_listed", items=unlisted)]
    return []


def _same(listed: str, reported: str) -> bool:
    x, y = normalize(listed), normalize(reported)
    return bool(x) and bool(y) and (x in y or y in x)


class _Draft(NamedTuple):
    """A finding before its explanation and evidence are written: most drafts of an activity checked against
    several candidates are discarded, and writing the texts costs more than the rules."""

    a: ActivityFacts
    auth: AuthorizationFacts | None
    rule: str
    severity: str
    text: str
    values: dict[str, Any]


def _f(a: ActivityFacts, auth: AuthorizationFacts | None, rule: str, severity: str, text: str, **values: Any) -> _Draft:
    return _Draft(a, auth, rule, severity, text, values)


def _finish(d: _Draft) -> Finding:
    auth = d.auth
    label = (auth.label or auth.id) if auth is not None else ""
    return Finding(d.a.id, auth.id if auth is not None else None, d.rule, d.severity, d.text, d.values, label)
