"""Probable duplicates: records of one type that may describe the same thing, found by comparing countries,
dates, numbers and titles (see docs/identity.md).

The comparison (:func:`compare`) is a pure function over :class:`Facts`, plain data read from any record type
described in :data:`PROFILES`; :func:`find_duplicates` loads the records and compares the pairs that can match.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: Two dates further apart than this (in days, after widening each by its precision) do not match.
TOLERANCE_DAYS = 31
#: Default lowest score listed by ``veeduria duplicates``.
DEFAULT_MIN_SCORE = 0.5
#: Weights of the three comparisons (they add up to 1) and of the adjustments.
W_DATE, W_TITLE, W_COUNTRY = 0.45, 0.35, 0.20
SAME_NUMBER_SCORE = 0.95
SHARED_TITLE_NUMBER_BONUS = 0.1
#: Instrument types that carry their own number: two different ones are two different acts.
NUMBERED_INSTRUMENTS = {"rl", "rm", "rs"}
#: A penalty when the instruments differ but may be steps of one procedure (a committee vote, a bill).
STEP_PENALTY = 0.2


@dataclass(frozen=True)
class Text:
    """A message in Spanish and English."""

    es: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang[:2] == "en" else self.es


@dataclass(frozen=True)
class DatePoint:
    """One dated fact of a record: what it is (``published``, ``approved``, ``window_start``, ``start``...),
    the date and its precision (``day``, ``month``, ``year``)."""

    kind: str
    day: dt.date
    precision: str = "day"

    def interval(self) -> tuple[dt.date, dt.date]:
        """The days the date may stand for: one day, a whole month or a whole year."""
        if self.precision == "month":
            last = calendar.monthrange(self.day.year, self.day.month)[1]
            return self.day.replace(day=1), self.day.replace(day=last)
        if self.precision == "year":
            return dt.date(self.day.year, 1, 1), dt.date(self.day.year, 12, 31)
        return self.day, self.day


@dataclass(frozen=True)
class Facts:
    """What the comparison reads of one record."""

    type: str
    id: str
    title: str
    host: str | None = None
    foreign: frozenset[str] = frozenset()
    dates: tuple[DatePoint, ...] = ()
    #: numbers of the record itself by scheme: ``{"rl": "29922", "bill": "5079"}``
    numbers: tuple[tuple[str, str], ...] = ()
    kind: str = ""
    #: the import that created the record (``""`` for curated records); one import does not repeat a row
    origin: str = ""
    #: records of different kinds are never the same (activities); else a different kind is a penalty
    kinds_distinct: bool = False


@dataclass(frozen=True)
class Candidate:
    """A pair of probable duplicates, with a score from 0 to 1 and the reasons for it."""

    a: Facts
    b: Facts
    score: float
    reasons: tuple[Text, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.a.type,
            "ids": [self.a.id, self.b.id],
            "titles": [self.a.title, self.b.title],
            "origins": [self.a.origin or "curated", self.b.origin or "curated"],
            "score": round(self.score, 2),
            "reasons_es": [r.es for r in self.reasons],
            "reasons_en": [r.en for r in self.reasons],
        }


# ----------------------------------------------------------------------------------------------- titles
_SYNONYMS = (
    (r"\bee\s*\.?\s*uu\b\.?|\beeuu\b|\bestados unidos de america\b|\bestados unidos\b", " eeuu "),
    (r"\bestadounidenses?\b|\bnorteamerican[oa]s?\b", " eeuu "),
    (r"\bresolucion(es)? legislativas?\b|\brl\b", " rl "),
    (r"\bproyectos? de resolucion legislativa\b|\bprl\b|\bproyectos?\b", " prl "),
    (r"\bff\s*\.?\s*aa\b\.?|\bfuerzas armadas\b", " ffaa "),
    (r"\bsetiembre\b", " septiembre "),
)
_STOPWORDS = {
    "a",
    "al",
    "ante",
    "con",
    "de",
    "del",
    "el",
    "en",
    "entre",
    "la",
    "las",
    "lo",
    "los",
    "o",
    "para",
    "por",
    "que",
    "se",
    "segun",
    "sin",
    "su",
    "sus",
    "un",
    "una",
    "uno",
    "y",
    "the",
    "of",
    "and",
    "in",
    "for",
    "to",
    "on",
    "at",
    "by",
    "with",
    "from",
}
_MONTHS = {
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}


def fold(text: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _stem(token: str) -> str:
    if token.isdigit() or token in _MONTHS:
        return token
    if len(token) > 5 and token.endswith("es") and token[-3] in "lrdnz":
        token = token[:-2]
    elif len(token) > 3 and token.endswith("s"):
        token = token[:-1]
    return token[:6]


def _words(title: str) -> list[tuple[str, str]]:
    text = fold(title)
    for pattern, replacement in _SYNONYMS:
        text = re.sub(pattern, replacement, text)
    words = re.findall(r"[a-z0-9]+", text)
    return [(_stem(w), w) for w in words if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


def tokens(title: str) -> list[str]:
    """Words of a title for comparison: accents and case folded, synonyms unified (EE. UU. = Estados Unidos
    = estadounidense), short words dropped, plurals and endings cut (first six letters)."""
    return [stem for stem, _word in _words(title)]


def title_numbers(title: str) -> set[str]:
    """Numbers of three or more digits in a title that are not years (``RL 30746``, ``PRL 5079/2015``)."""
    found = set()
    for n in re.findall(r"\d{3,6}", title):
        value = n.lstrip("0")
        if value and not (len(n) == 4 and 1900 <= int(n) <= 2100):
            found.add(value)
    return found


def similarity(a: Sequence[str], b: Sequence[str], weights: dict[str, float] | None = None) -> float:
    """Weighted Dice similarity of two token sets (0–1); ``weights``: rarer words count more."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    w = weights or {}
    common = sum(w.get(t, 1.0) for t in sa & sb)
    total = sum(w.get(t, 1.0) for t in sa) + sum(w.get(t, 1.0) for t in sb)
    return 2 * common / total if total else 0.0


def idf_weights(titles: Iterable[Sequence[str]]) -> dict[str, float]:
    """Inverse document frequency of each token over a type's titles: words every title has weigh little."""
    docs = [set(t) for t in titles]
    df: Counter[str] = Counter(tok for d in docs for tok in d)
    n = len(docs) or 1
    return {tok: math.log((n + 1) / (c + 0.5)) for tok, c in df.items()}


# ------------------------------------------------------------------------------------------------ dates
_DATE_LABELS = {
    "approved": Text("aprobación", "approval"),
    "published": Text("publicación", "publication"),
    "window_start": Text("inicio del periodo autorizado", "start of the authorized period"),
    "start": Text("inicio", "start"),
    "signed": Text("firma", "signature"),
    "effective": Text("entrada en vigor", "entry into force"),
    "made": Text("fecha", "date"),
}
_PRECISION_FACTOR = {"day": 1.0, "month": 0.7, "year": 0.35}


def _label(kind: str) -> Text:
    return _DATE_LABELS.get(kind, Text(kind, kind))


def _gap(a: DatePoint, b: DatePoint) -> int:
    (alo, ahi), (blo, bhi) = a.interval(), b.interval()
    if ahi < blo:
        return (blo - ahi).days
    if bhi < alo:
        return (alo - bhi).days
    return 0


def _fmt(p: DatePoint) -> str:
    if p.precision == "year":
        return f"{p.day:%Y}"
    if p.precision == "month":
        return f"{p.day:%Y-%m}"
    return p.day.isoformat()


def compare_dates(a: Sequence[DatePoint], b: Sequence[DatePoint]) -> tuple[float, Text | None]:
    """The best-matching pair of dates: a score (0 when none is within :data:`TOLERANCE_DAYS`) and why."""
    best: tuple[float, Text | None] = (0.0, None)
    for pa in a:
        for pb in b:
            gap = _gap(pa, pb)
            if gap > TOLERANCE_DAYS:
                continue
            coarse = min(_PRECISION_FACTOR.get(pa.precision, 0.35), _PRECISION_FACTOR.get(pb.precision, 0.35))
            score = coarse * (1.0 if gap == 0 else 0.9 * (1 - gap / (TOLERANCE_DAYS + 1)))
            if score <= best[0]:
                continue
            la, lb = _label(pa.kind), _label(pb.kind)
            if gap == 0 and pa.kind == pb.kind and pa.precision == pb.precision:
                text = Text(f"misma fecha de {la.es} ({_fmt(pa)})", f"same {la.en} date ({_fmt(pa)})")
            elif gap == 0:
                text = Text(
                    f"{la.es} ({_fmt(pa)}) y {lb.es} ({_fmt(pb)}) coinciden",
                    f"{la.en} ({_fmt(pa)}) and {lb.en} ({_fmt(pb)}) coincide",
                )
            else:
                days_es, days_en = ("1 día", "1 day") if gap == 1 else (f"{gap} días", f"{gap} days")
                text = Text(
                    f"{la.es} ({_fmt(pa)}) y {lb.es} ({_fmt(pb)}) a {days_es}",
                    f"{la.en} ({_fmt(pa)}) and {lb.en} ({_fmt(pb)}) {days_en} apart",
                )
            best = (score, text)
    return best


# ------------------------------------------------------------------------------------------- comparison
def _numbers(f: Facts) -> dict[str, str]:
    return dict(f.numbers)


def compare(a: Facts, b: Facts, weights: dict[str, float] | None = None) -> Candidate | None:
    """Whether ``a`` and ``b`` may be the same record: a :class:`Candidate` with its score and reasons, or
    ``None`` when a rule excludes it (another import's own row, different countries or numbers, different
    numbered instruments, no dates within the tolerance and no common number)."""
    if a.id == b.id or a.type != b.type or (a.origin and a.origin == b.origin):
        return None
    if a.host and b.host and a.host != b.host:
        return None
    if a.foreign and b.foreign and not (a.foreign & b.foreign):
        return None
    na, nb = _numbers(a), _numbers(b)
    same_number: list[str] = []
    for scheme in na.keys() & nb.keys():
        if na[scheme] != nb[scheme]:
            return None
        same_number.append(scheme)
    different_kinds = bool(a.kind and b.kind and a.kind != b.kind and "other" not in (a.kind, b.kind))
    if different_kinds and (a.kinds_distinct or {a.kind, b.kind} <= NUMBERED_INSTRUMENTS):
        return None
    reasons: list[Text] = []
    date_score, date_reason = compare_dates(a.dates, b.dates)
    if date_reason is None and not same_number:
        return None
    for scheme in same_number:
        reasons.append(Text(f"mismo número ({scheme} {na[scheme]})", f"same number ({scheme} {na[scheme]})"))
    if date_reason is not None:
        reasons.append(date_reason)
    # countries
    if a.foreign and b.foreign:
        shared = ", ".join(sorted(a.foreign & b.foreign))
        country_score = 1.0
        reasons.append(Text(f"país extranjero en común: {shared}", f"foreign country in common: {shared}"))
    else:
        country_score = 0.5
        missing = a.id if not a.foreign else b.id
        reasons.append(
            Text(f"países extranjeros no indicados en {missing}", f"foreign countries not given in {missing}")
        )
    # titles
    wa, wb = _words(a.title), _words(b.title)
    ta, tb = [s for s, _w in wa], [s for s, _w in wb]
    title_score = similarity(ta, tb, weights)
    shown = dict(reversed(wa))
    common = sorted(set(ta) & set(tb), key=lambda t: (-(weights or {}).get(t, 1.0), -len(t), t))[:4]
    shared_words = [shown[t] for t in common]
    pct = round(title_score * 100)
    words = f": {', '.join(shared_words)}" if shared_words else ""
    reasons.append(Text(f"título {pct} % similar{words}", f"title {pct}% similar{words}"))
    score = W_DATE * date_score + W_TITLE * title_score + W_COUNTRY * country_score
    shared_numbers = title_numbers(a.title) & title_numbers(b.title)
    if shared_numbers:
        score += SHARED_TITLE_NUMBER_BONUS
        listed = ", ".join(sorted(shared_numbers))
        reasons.append(Text(f"los dos títulos citan el número {listed}", f"both titles cite number {listed}"))
    if different_kinds:
        score -= STEP_PENALTY
        reasons.append(
            Text(
                f"tipos distintos ({a.kind} / {b.kind}): pueden ser pasos distintos de un mismo trámite",
                f"different kinds ({a.kind} / {b.kind}): they may be different steps of one procedure",
            )
        )
    if same_number:
        score = max(score, SAME_NUMBER_SCORE)
    return Candidate(a, b, max(0.0, min(1.0, score)), tuple(reasons))


def _month(d: dt.date) -> int:
    return d.year * 12 + d.month


def candidate_pairs(items: Sequence[Facts]) -> set[tuple[int, int]]:
    """Index pairs that share a month (dates widened by the tolerance) or a number: the only pairs that
    :func:`compare` can accept, found without comparing every pair."""
    buckets: dict[Any, list[int]] = defaultdict(list)
    margin = dt.timedelta(days=TOLERANCE_DAYS)
    for i, f in enumerate(items):
        keys: set[Any] = {("n", scheme, n) for scheme, n in f.numbers}
        for p in f.dates:
            lo, hi = p.interval()
            keys.update(range(_month(lo - margin), _month(hi + margin) + 1))
        for k in keys:
            buckets[k].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if items[i].origin and items[i].origin == items[j].origin:
                    continue
                pairs.add((min(i, j), max(i, j)))
    return pairs


def find_candidates(items: Sequence[Facts], *, min_score: float = DEFAULT_MIN_SCORE) -> list[Candidate]:
    """Every pair of ``items`` scoring at least ``min_score``, best first."""
    weights = idf_weights(tokens(f.title) for f in items)
    found = []
    for i, j in candidate_pairs(items):
        cand = compare(items[i], items[j], weights)
        if cand is not None and cand.score >= min_score:
            found.append(cand)
    found.sort(key=lambda c: (-c.score, c.a.id, c.b.id))
    return found


# ------------------------------------------------------------------------------------- loading records
@dataclass(frozen=True)
class Profile:
    """Where a record type keeps what the comparison reads."""

    title: tuple[str, ...]
    dates: tuple[tuple[str, str, str], ...]  #: (date field, precision field, kind)
    host: str | None = None
    foreign: str | None = None  #: a many-to-many field to Country
    numbers: tuple[tuple[str, str], ...] = ()  #: (field, scheme); scheme "" = the kind field's value
    kind: str | None = None
    exclude_host_from_foreign: bool = False
    kinds_distinct: bool = False


PROFILES: dict[str, Profile] = {
    "authorizations": Profile(
        title=("title_es", "title_en"),
        dates=(
            ("approved_on", "approved_precision", "approved"),
            ("published_on", "published_precision", "published"),
            ("window_start", "window_start_precision", "window_start"),
        ),
        host="host_country_id",
        foreign="foreign_countries",
        numbers=(("number", ""), ("bill_number", "bill")),
        kind="instrument_type",
    ),
    "activities": Profile(
        title=("name_es", "name_en"),
        dates=(("start_date", "start_precision", "start"),),
        host="host_country_id",
        foreign="countries",
        kind="kind",
        exclude_host_from_foreign=True,
        kinds_distinct=True,
    ),
    "agreements": Profile(
        title=("title_es", "title_en"),
        dates=(("signed_on", "signed_precision", "signed"), ("effective_on", "effective_precision", "effective")),
        foreign="parties",
        numbers=(("reference", "ref"),),
        kind="kind",
    ),
    "statements": Profile(
        title=("title_es", "title_en"),
        dates=(("made_on", "made_precision", "made"),),
        host="country_id",
    ),
}


def normalize_number(value: str, scheme: str) -> str:
    """A number as compared: upper case without spaces or leading zeros; a bill number by its first digits
    (``5079/2015-PE`` = ``5079``)."""
    text = re.sub(r"\s+", "", str(value)).upper()
    if scheme == "bill":
        m = re.match(r"0*(\d+)", text)
        return m.group(1) if m else text
    return text.lstrip("0") or text


def facts_of(type_key: str, obj: Any, foreign: Iterable[str], origin: str = "") -> Facts:
    """The :class:`Facts` of one saved record (``foreign``: ids of its foreign countries)."""
    prof = PROFILES[type_key]
    title = next((str(getattr(obj, f)) for f in prof.title if getattr(obj, f, "")), str(obj.pk))
    dates = []
    for date_field, precision_field, kind in prof.dates:
        value = getattr(obj, date_field, None)
        precision = getattr(obj, precision_field, "day") or "day"
        if value is not None and precision != "unknown":
            dates.append(DatePoint(kind, value, precision))
    kind = str(getattr(obj, prof.kind, "") or "") if prof.kind else ""
    numbers = []
    for number_field, scheme in prof.numbers:
        value = getattr(obj, number_field, "") or ""
        if value:
            sch = scheme or kind or number_field
            numbers.append((sch, normalize_number(value, sch)))
    host = getattr(obj, prof.host, None) if prof.host else None
    countries = set(foreign)
    if prof.exclude_host_from_foreign and host:
        countries.discard(host)
    return Facts(
        type=type_key,
        id=str(obj.pk),
        title=title,
        host=host,
        foreign=frozenset(countries),
        dates=tuple(dates),
        numbers=tuple(numbers),
        kind=kind,
        origin=origin,
        kinds_distinct=prof.kinds_distinct,
    )


def load_facts(type_key: str) -> list[Facts]:
    """The :class:`Facts` of every published record of a type (three queries)."""
    from django.contrib.contenttypes.models import ContentType

    from veeduria.evidence.models import Revision, Status
    from veeduria.records.registry import BY_KEY

    prof = PROFILES[type_key]
    model: Any = BY_KEY[type_key].model
    objs = list(model._default_manager.exclude(status=Status.WITHDRAWN))
    foreign: dict[str, list[str]] = defaultdict(list)
    if prof.foreign:
        through = model._meta.get_field(prof.foreign).remote_field.through
        src = f"{model._meta.model_name}_id"
        for pk, country in through.objects.values_list(src, "country_id"):
            foreign[str(pk)].append(str(country))
    ct = ContentType.objects.get_for_model(model)
    origins: dict[str, str] = {}
    creations = Revision.objects.filter(content_type=ct, action=Revision.Action.CREATE)
    for object_id, author, source in creations.values_list("object_id", "author", "source"):
        origins[object_id] = source or (author if ":" in author else "")
    return [facts_of(type_key, o, foreign.get(str(o.pk), []), origins.get(str(o.pk), "")) for o in objs]


def find_duplicates(type_key: str, *, min_score: float = DEFAULT_MIN_SCORE) -> list[Candidate]:
    """Probable duplicates among the published records of one type (see :data:`PROFILES`)."""
    if type_key not in PROFILES:
        raise KeyError(type_key)
    return find_candidates(load_facts(type_key), min_score=min_score)


__all__ = [
    "PROFILES",
    "Candidate",
    "DatePoint",
    "Facts",
    "Text",
    "compare",
    "find_candidates",
    "find_duplicates",
    "load_facts",
    "similarity",
    "tokens",
]
