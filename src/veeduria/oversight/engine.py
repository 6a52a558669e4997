"""Running the compliance rules over the database: facts loaded in bulk (streamed, a few queries), findings
replaced in bulk; ``recompute_for`` redoes only what depends on one changed record (see docs/oversight.md)."""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Collate
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from veeduria.evidence.models import Precision, Status
from veeduria.oversight import parallel, rules
from veeduria.oversight.facts import (
    ActivityFacts,
    AuthorizationFacts,
    Item,
    PersonnelLimit,
    Place,
    PlaceTable,
    activity_span,
)
from veeduria.oversight.framework import frameworks, place_tables
from veeduria.oversight.models import ActivityEquipment, Finding, SpanBound
from veeduria.records.models import Activity, Authorization

CHUNK = 20_000
#: up to how many ids a query names one by one (more: a subquery selects them)
_FEW = 1000
#: a part of the activities by id: from the first (included) to the second (excluded); ``None``: no bound
Part = tuple[str | None, str | None]
#: the columns read per activity, in the order of the fields of ``ActivityFacts`` (which has its countries after the
#: host and its equipment and links at the end)
_ACT_FIELDS = (
    "id",
    "kind",
    "host_country_id",
    "provider_country_id",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "place",
    "department",
    "place_precision",
    "personnel_low",
    "personnel_best",
    "personnel_high",
)
_Countries = Activity.countries.through
_Covers = Authorization.activities.through


# -- authorizations --------------------------------------------------------------------------------------------


def load_authorizations(qs: models.QuerySet[Authorization]) -> dict[str, AuthorizationFacts]:
    """Facts of the authorizations of ``qs`` (withdrawn ones left out), in seven queries."""
    qs = qs.exclude(status=Status.WITHDRAWN)
    rows = list(
        qs.values_list(
            "id",
            "instrument_type",
            "host_country_id",
            "window_start",
            "window_start_precision",
            "window_end",
            "window_end_precision",
            "personnel_total",
            "armed",
            "limits_known",
            "title_es",
            "decision_date",
        )
    )
    children: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    f: dict[str, Any] = {}
    if qs.query.where:  # a subset: its ids when few (each child table then reads only theirs), else a subquery
        ids = [r[0] for r in rows]
        f = {"authorization_id__in": ids if len(ids) <= _FEW else qs.values("id")}
    for aid, c in Authorization.foreign_countries.through.objects.filter(**f).values_list(
        "authorization_id", "country_id"
    ):
        children[aid]["foreign"].append(c)
    for aid, c, s, n in _child(Authorization, "personnel", f, ("country_id", "service", "count")):
        children[aid]["personnel"].append(PersonnelLimit(c, s, n))
    for aid, cat, name, q in _child(Authorization, "items", f, ("category", "name", "quantity")):
        children[aid]["items"].append(Item(cat, name, q))
    for aid, name, dep in _child(Authorization, "places", f, ("name", "department")):
        children[aid]["places"].append(Place(name, dep))
    for aid, s, e in _child(Authorization, "periods", f, ("start", "end")):
        children[aid]["periods"].append((s, e))
    for aid, norm in Authorization.legal_basis.through.objects.filter(**f).values_list(
        "authorization_id", "legalnorm_id"
    ):
        children[aid]["basis"].append(norm)
    out = {}
    for aid, itype, host, ws, wsp, we, wep, total, armed, known, title, decided in rows:
        ch = children.get(aid, {})
        out[aid] = AuthorizationFacts(
            id=aid,
            instrument_type=itype,
            host=host,
            foreign=frozenset(ch.get("foreign", ())),
            window_start=ws,
            window_start_precision=wsp,
            window_end=we,
            window_end_precision=wep,
            periods=tuple(ch.get("periods", ())),
            personnel_total=total,
            personnel=tuple(ch.get("personnel", ())),
            items=tuple(ch.get("items", ())),
            places=tuple(ch.get("places", ())),
            armed=armed,
            limits_known=known,
            legal_basis=tuple(ch.get("basis", ())),
            label=title,
            decided=decided,
        )
    return out


def _child(model: type[models.Model], name: str, f: dict[str, Any], fields: tuple[str, ...]) -> Any:
    related = model._meta.get_field(name).related_model
    return related._default_manager.filter(**f).values_list("authorization_id", *fields)  # type: ignore[union-attr]


class AuthorizationIndex:
    """Authorizations by (host, foreign country) sorted by window start, to find those that may overlap a date
    span without scanning them all; authorizations naming no foreign country match every country."""

    def __init__(self, auths: Iterable[AuthorizationFacts]) -> None:
        groups: dict[tuple[str, str], list[tuple[date, date, AuthorizationFacts]]] = defaultdict(list)
        for auth in auths:
            window = rules.match_window(auth)
            if window is None:
                continue  # no window: only an explicit link makes it a candidate
            lo, hi = window
            for country in auth.foreign or {"*"}:
                groups[(auth.host, country)].append((lo, hi, auth))
        # per group, in parallel lists: the starts, the ends, the authorizations, and the latest end among each
        # item and those before it (scanning back from the last start before an activity's end stops where no
        # earlier window reaches its start)
        self.groups: dict[tuple[str, str], tuple[list[date], list[date], list[AuthorizationFacts], list[date]]] = {}
        for key, items in groups.items():
            items.sort(key=lambda t: (t[0], t[2].id))
            reach: list[date] = []
            for t in items:
                reach.append(max(reach[-1], t[1]) if reach else t[1])
            self.groups[key] = ([t[0] for t in items], [t[1] for t in items], [t[2] for t in items], reach)
        #: hosts with authorizations naming no foreign country
        self.any_country = {host for host, country in self.groups if country == "*"}

    def candidates(self, a: ActivityFacts) -> list[AuthorizationFacts]:
        span = activity_span(a)
        host = a.host
        if span is None or host is None:
            return []
        found: dict[str, AuthorizationFacts] = {}
        first, last = span.start_lo, span.end_hi
        countries = (*a.foreign(), "*") if host in self.any_country else a.foreign()
        for country in countries:
            group = self.groups.get((host, country))
            if group is None:
                continue
            starts, ends, auths, reach = group
            i = bisect.bisect_right(starts, last)
            while i:
                i -= 1
                if reach[i] < first:
                    break
                if ends[i] >= first:
                    auth = auths[i]
                    found[auth.id] = auth
        if len(found) < 2:
            return list(found.values())
        return [found[k] for k in sorted(found)]


# -- activities ------------------------------------------------------------------------------------------------


def iter_activities(qs: models.QuerySet[Activity], part: Part = (None, None)) -> Iterator[ActivityFacts]:
    """Facts of the activities of ``qs`` (withdrawn left out) in id order, streamed: the rows, their countries,
    their equipment and their explicit authorizations are read as four ordered streams and merged (rows of the
    child tables whose activity is not among them are skipped). ``part``: only ids from its first (included) to
    its second (excluded), in code point order."""
    whole = not qs.query.where
    qs = _part(qs.exclude(status=Status.WITHDRAWN).filter(host_country__isnull=False), "id", part)
    acts = _raw(qs.order_by(_bytewise("id")).values_list(*_ACT_FIELDS))
    sub = None if whole else qs.values("id")
    countries = _stream(_Countries.objects, "activity_id", ("country_id",), sub, part)
    covers = _stream(_Covers.objects, "activity_id", ("authorization_id",), sub, part)
    equipment = _stream(
        ActivityEquipment.objects.exclude(status=Status.WITHDRAWN),
        "activity_id",
        ("category", "name", "quantity"),
        sub,
        part,
    )
    for row in acts:  # dates arrive as dates: the drivers convert them (SQLite's by the declared column type)
        aid = row[0]
        # positional: the fields of ActivityFacts in order (the row's after its host are provider … personnel_high)
        yield ActivityFacts(
            aid,
            row[1],
            row[2],
            frozenset(c[0] for c in countries.take(aid)),
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            row[10],
            row[11],
            row[12],
            row[13],
            tuple(Item(*e) for e in equipment.take(aid)),
            tuple(sorted(c[0] for c in covers.take(aid))),
        )


def _raw(qs: models.QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the database driver returns them, fetched in chunks (a server-side
    cursor on PostgreSQL): Django's per-value converters cost more than the rules, and none is needed here."""
    compiler = qs.query.get_compiler(using=qs.db)
    for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=CHUNK) or ():
        yield from chunk


def _bytewise(field: str) -> Any:
    """Order by code point, as Python compares strings (PostgreSQL's default collation may not)."""
    return Collate(field, "C") if connection.vendor == "postgresql" else field


def _part(qs: Any, key: str, part: Part) -> Any:
    """``qs`` with ``key`` in ``part`` (compared by code point, as the streams are ordered)."""
    lo, hi = part
    if lo is None and hi is None:
        return qs
    qs = qs.alias(part_key=Collate(key, "C") if connection.vendor == "postgresql" else F(key))
    if lo is not None:
        qs = qs.filter(part_key__gte=lo)
    if hi is not None:
        qs = qs.filter(part_key__lt=hi)
    return qs


class _stream:
    """Rows of a table ordered by ``key``, taken one key at a time in increasing order."""

    def __init__(
        self, manager: Any, key: str, fields: tuple[str, ...], sub: Any, part: Part, then: tuple[str, ...] = ()
    ) -> None:
        qs = _part(manager.all() if sub is None else manager.filter(**{f"{key}__in": sub}), key, part)
        self.rows = _raw(qs.order_by(_bytewise(key), *then).values_list(key, *fields))
        self.head: tuple[Any, ...] | None = next(self.rows, None)

    def take(self, key: str) -> list[tuple[Any, ...]]:
        out = []
        while self.head is not None and self.head[0] <= key:
            if self.head[0] == key:
                out.append(self.head[1:])
            self.head = next(self.rows, None)
        return out


# -- running ---------------------------------------------------------------------------------------------------


def run(acts: Iterable[ActivityFacts], auths: dict[str, AuthorizationFacts]) -> Iterator[rules.Finding]:
    """The findings of every activity in which foreign personnel entered or acted in its host country."""
    index = AuthorizationIndex(auths.values())
    fws = frameworks()
    tables = place_tables()
    empty = PlaceTable()
    hosts = set(fws) | {settings.HOST_COUNTRY.lower()}
    for a in acts:
        if a.host not in hosts or not a.foreign():
            continue  # not foreign presence (host personnel abroad, or place unknown): nothing to authorize
        cands = [auths[i] for i in a.linked if i in auths] if a.linked else index.candidates(a)
        yield from rules.check(a, cands, fws.get(a.host), tables.get(a.host, empty))


def rows(findings: Iterable[rules.Finding], size: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
    """The findings as INSERT parameter rows (values as JSON text, without the time of computation), in batches
    of ``size``: plain data that a worker process can hand to the one that writes."""
    dumps = json.JSONEncoder(default=rules.json_value).encode  # as json.dumps(v, default=rules.json_value)
    batch: list[tuple[Any, ...]] = []
    for f in findings:
        batch.append(
            (
                f.activity_id,
                f.authorization_id,
                f.rule,
                f.severity,
                f.reason,
                dumps(f.values),
            )
        )
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


#: the fields of a finding ``rows`` gives, in its order (then the time of computation)
ROW_FIELDS = ("activity", "authorization", "rule", "severity", "reason", "values")


def stored_at() -> Any:
    """The time of computation of findings stored now, as the database takes it."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def store(batches: Iterable[list[tuple[Any, ...]]]) -> int:
    """Insert batches of ``rows`` with plain multi-row INSERTs; the model layer is bypassed because it costs more
    than the rules."""
    meta = Finding._meta
    columns = [str(meta.get_field(n).column) for n in (*ROW_FIELDS, "computed_at")]  # type: ignore[union-attr]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    now = stored_at()
    wrap = _json_wrapper()
    n = 0
    with connection.cursor() as cursor:
        for batch in batches:
            if wrap is None:
                cursor.executemany(sql, [(*r, now) for r in batch])
            else:
                cursor.executemany(sql, [(*r[:-1], wrap(r[-1]), now) for r in batch])
            n += len(batch)
    return n


def _json_wrapper() -> Any:
    """How JSON text is passed to the database: as is (SQLite), or marked as ``jsonb`` already encoded
    (PostgreSQL, as ``adapt_json_value`` would with the same text)."""
    if connection.vendor != "postgresql":
        return None
    from psycopg.types.json import Jsonb

    return lambda text: Jsonb(text, dumps=_same)


def _same(value: Any) -> Any:
    return value


def _store(findings: Iterable[rules.Finding]) -> int:
    return store(rows(findings))


def recompute_all() -> int:
    """Replace every finding (and the hosts' longest spans); the number stored. Many activities on a machine with
    several cores: split in two parts by id, the second checked by a forked worker (``parallel``) while this
    process checks the first."""
    auths = load_authorizations(Authorization.objects.all())
    worker = parallel.start_second_half(auths) if parallel.worth_it() else None
    spans: dict[str, int] = {}
    try:
        with transaction.atomic():
            Finding.objects.all().delete()
            with _indexes_rebuilt_after():
                n = _check_all(worker, auths, spans)
            _set_bounds(spans, replace=True)
            return n
    finally:
        if worker is not None:
            worker.stop()


def _check_all(worker: parallel.Worker | None, auths: dict[str, AuthorizationFacts], spans: dict[str, int]) -> int:
    """Check every activity and store the findings (in two processes when there is a worker)."""
    if worker is None:
        return _store(run(measured(iter_activities(Activity.objects.all()), spans), auths))
    n = _store(run(measured(iter_activities(Activity.objects.all(), (None, worker.split)), spans), auths))
    n += worker.store()
    for host, days in worker.spans().items():
        spans[host] = max(spans.get(host, 0), days)
    return n


@contextmanager
def _indexes_rebuilt_after() -> Iterator[None]:
    """On SQLite, the findings table's secondary indexes dropped while every finding is inserted and built again
    after (sorting once costs half of keeping them up to date row by row); inside the transaction, so a failure
    restores them. PostgreSQL keeps them: dropping one would lock the table against readers until the commit."""
    if connection.vendor != "sqlite":
        yield
        return
    table = Finding._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table]
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


def measured(acts: Iterable[ActivityFacts], spans: dict[str, int]) -> Iterator[ActivityFacts]:
    """``acts`` as they pass, their hosts' longest spans (in days) noted in ``spans``."""
    for a in acts:
        span = activity_span(a)
        if a.host is not None and span is not None:
            days = (span.end_hi - span.start_lo).days + 1
            if days > spans.get(a.host, 0):
                spans[a.host] = days
        yield a


def recompute_activities(ids: Iterable[str]) -> int:
    """Replace the findings of these activities only (the authorizations that could cover them are read)."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    spans: dict[str, int] = {}
    with transaction.atomic():
        acts = list(measured(iter_activities(Activity.objects.filter(pk__in=ids)), spans))
        auths = load_authorizations(_authorizations_for(acts))
        Finding.objects.filter(activity_id__in=ids).delete()
        _set_bounds(spans, replace=False)  # an activity now longer than any before widens the search of others
        return _store(run(acts, auths))


def _authorizations_for(acts: list[ActivityFacts]) -> models.QuerySet[Authorization]:
    """Authorizations that may cover any of ``acts``: linked, or of their hosts with a window near their dates."""
    linked = {i for a in acts for i in a.linked}
    spans = [s for a in acts if (s := activity_span(a))]
    cond = Q(pk__in=linked)
    if spans:
        lo = min(s.start_lo for s in spans)
        hi = max(s.end_hi for s in spans)
        year = timedelta(days=_ANY)  # how far a window date of month or year precision may reach beyond the day
        unknown = Precision.UNKNOWN  # a date of unknown precision is not read (``rules.match_window``)
        starts = (
            Q(window_start__isnull=True)
            | Q(window_start__lte=hi)
            | (Q(window_start__lte=hi + year) & ~Q(window_start_precision=Precision.DAY))
            | Q(window_start_precision=unknown)
        )
        ends = (
            Q(window_end__isnull=True)
            | Q(window_end__gte=lo)
            | (Q(window_end__gte=lo - year) & ~Q(window_end_precision=Precision.DAY))
            | Q(window_end_precision=unknown)
        )
        cond |= Q(host_country_id__in={a.host for a in acts}) & starts & ends
    return Authorization.objects.filter(cond)


#: how many days a date of each precision may stand for after the day recorded (``facts.bounds``)
_AFTER = {Precision.DAY: 0, Precision.MONTH: 31, Precision.YEAR: 366}
#: for a precision not in ``_AFTER`` (unknown): the span is read from the other date
_ANY = 366


def activities_near(auth: Authorization) -> set[str]:
    """Activities an authorization covers or could cover, as it stands in ``auth``: linked, with findings against
    it, or of its host sharing a foreign country with it (any, if it names none) with dates that may overlap the
    days it may cover (``rules.match_window``). With the host's ``SpanBound``, only a range of start dates is read
    (an index range per date precision); without one, every activity of the host."""
    ids = set(_Covers.objects.filter(authorization_id=auth.pk).values_list("activity_id", flat=True))
    ids |= set(Finding.objects.filter(authorization_id=auth.pk).order_by().values_list("activity_id", flat=True))
    window = rules.match_window(_WindowOf(auth))  # type: ignore[arg-type]
    if window is None:
        return ids
    lo, hi = window
    host = auth.host_country_id
    qs = Activity.objects.filter(host_country_id=host)
    bound = SpanBound.objects.filter(host_id=host).values_list("longest_days", flat=True).first()
    if bound is not None:
        # each branch an index range of (host, start precision, start date); a date of unknown precision, or
        # none, says nothing of when it started: the end date decides (below)
        earliest = lo - timedelta(days=bound)
        near = Q(host_country_id=host, start_precision=Precision.UNKNOWN)
        for precision, after in _AFTER.items():
            near |= Q(host_country_id=host, start_precision=precision, start_date__isnull=True)
            near |= Q(
                host_country_id=host,
                start_precision=precision,
                start_date__gte=earliest,
                start_date__lte=hi + timedelta(days=after),
            )
        qs = Activity.objects.filter(near)
    else:
        start = Coalesce("start_date", Value(date.min, output_field=models.DateField()))
        qs = qs.alias(start_or_min=start).filter(
            Q(start_or_min__lte=hi) | (Q(start_or_min__lte=hi + timedelta(days=_ANY)) & ~Q(start_precision="day"))
        )
    slack = timedelta(days=_ANY)
    exact_end = Q(end_precision=Precision.DAY)
    qs = qs.filter(
        Q(end_date__gte=lo)
        | (Q(end_date__gte=lo - slack) & ~exact_end)
        | Q(end_date__isnull=True, start_date__gte=lo - slack)
    )
    foreign = list(
        Authorization.foreign_countries.through.objects.filter(authorization_id=auth.pk).values_list(
            "country_id", flat=True
        )
    )
    if foreign:
        # per activity found, a lookup of its countries (a list of every activity of the country costs more)
        takes_part = Exists(_Countries.objects.filter(activity_id=OuterRef("pk"), country_id__in=foreign))
        qs = qs.filter(takes_part | Q(provider_country_id__in=foreign))
    return ids | set(qs.order_by().values_list("id", flat=True))  # no ordering: a set (no sort of the rows)


def _set_bounds(bounds: dict[str, int], replace: bool) -> None:
    """Store the hosts' longest spans: replacing them (after a full recomputation) or raising them."""
    if replace:
        SpanBound.objects.all().delete()
        SpanBound.objects.bulk_create(SpanBound(host_id=h, longest_days=d) for h, d in sorted(bounds.items()))
        return
    known = dict(SpanBound.objects.filter(host_id__in=list(bounds)).values_list("host_id", "longest_days"))
    for host, days in sorted(bounds.items()):
        if host not in known:
            continue  # never computed for this host: every activity is read until a full recomputation
        if days > known[host]:
            SpanBound.objects.filter(host_id=host).update(longest_days=days)


class _WindowOf:
    """The window fields of an authorization as ``rules.match_window`` reads them (even when withdrawn)."""

    def __init__(self, auth: Authorization) -> None:
        self.window_start, self.window_start_precision = auth.window_start, auth.window_start_precision
        self.window_end, self.window_end_precision = auth.window_end, auth.window_end_precision
        self.decided = auth.decision_date


def recompute_for(record: models.Model) -> int:
    """Recompute what depends on one changed activity, authorization or one of their child rows."""
    if isinstance(record, Activity):
        return recompute_activities([str(record.pk)])
    if isinstance(record, ActivityEquipment):
        return recompute_activities([str(record.activity_id)])
    if isinstance(record, Authorization):
        return recompute_activities(activities_near(record))
    parent = getattr(record, "authorization", None)
    if isinstance(parent, Authorization):
        return recompute_activities(activities_near(parent))
    return 0
