"""Presence assessment: "is this facility a foreign military base?" — pure rules over plain facts.

Facts about one facility and one foreign country (:class:`FacilityFacts`, loaded by
:mod:`veeduria.oversight.base_facts`) go in; an :class:`Assessment` comes out: every criterion answered
yes / no / unknown with its evidence and a short reasoning in Spanish and English, the category derived by the
ordered rule table :data:`RULES`, the reasoning, and what evidence would change the verdict.

Unknown never becomes "no": a criterion is "no" only when a record says so (an editor's cited observation, the
facility's host operator, a documented short use, a complete inventory without the site).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Literal

from veeduria.oversight.bases_text import CATEGORIES, CRITERIA, describe_date, fmt_amount
from veeduria.oversight.facts import bounds

Answer = Literal["yes", "no", "unknown"]
YES: Answer = "yes"
NO: Answer = "no"
UNKNOWN: Answer = "unknown"

#: the project's own threshold for a "standing" presence: documented presence over at least this many days
STANDING_DAYS = 365

#: criterion codes, in display order ("presence" is the derived signal the rules start from)
CRITERION_CODES: tuple[str, ...] = tuple(CRITERIA)


@dataclass(frozen=True)
class Cite:
    """One citation of a record: source id, locator and quote."""

    source_id: str
    quote: str = ""
    locator: str = ""


@dataclass(frozen=True)
class Evidence:
    """A record the answer rests on (registry type key and id), with a short label and its citations."""

    type_key: str
    id: str
    label: str
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class UseFact:
    id: str
    user_country: str
    label: str
    start: date | None = None
    start_precision: str = "day"
    end: date | None = None
    end_precision: str = "day"
    confirmed: bool = False
    agreement_id: str = ""
    agreement_label: str = ""
    authorization_id: str = ""
    authorization_label: str = ""
    legal_basis_text: str = ""
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class ObservationFact:
    id: str
    criterion: str
    answer: Answer
    summary_es: str
    summary_en: str = ""
    observed_on: date | None = None
    observed_precision: str = "day"
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class ListingFact:
    id: str
    edition: str
    site_name: str
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class ClassificationFact:
    id: str
    scheme: str
    label: str
    site_name: str = ""
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class FundingFact:
    id: str
    flow: str
    payer: str
    payee: str
    label: str
    amount: Decimal | None = None
    currency: str = ""
    fiscal_year: str = ""
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class RecordFact:
    """An authorization naming the facility among its places, or an activity held at it."""

    type_key: str
    id: str
    label: str
    start: date | None = None
    end: date | None = None
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class CountFact:
    """The latest country-level count of the foreign state's personnel in the host country (DMDC)."""

    id: str
    year: int
    month: int | None
    count: int
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class FacilityFacts:
    id: str
    name_es: str
    name_en: str
    host: str
    foreign: str | None
    foreign_name_es: str = ""
    foreign_name_en: str = ""
    #: countries (ISO3) of the facility's owner and operator, with their labels
    owner_country: str | None = None
    owner_label: str = ""
    operator_country: str | None = None
    operator_label: str = ""
    uses: tuple[UseFact, ...] = ()
    observations: tuple[ObservationFact, ...] = ()
    listings: tuple[ListingFact, ...] = ()
    #: editions of the foreign state's inventory imported for the host country, and those of them with an
    #: aggregated "other sites" row (a site not listed by name may be one of them)
    inventory_editions: tuple[str, ...] = ()
    inventory_aggregated: tuple[str, ...] = ()
    classifications: tuple[ClassificationFact, ...] = ()
    funding: tuple[FundingFact, ...] = ()
    authorizations: tuple[RecordFact, ...] = ()
    activities: tuple[RecordFact, ...] = ()
    country_count: CountFact | None = None


@dataclass(frozen=True)
class Criterion:
    code: str
    answer: Answer
    reasoning_es: str
    reasoning_en: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def label_es(self) -> str:
        return CRITERIA[self.code]["es"]

    @property
    def label_en(self) -> str:
        return CRITERIA[self.code]["en"]


@dataclass(frozen=True)
class Rule:
    """One row of the rule table: the category it gives when every condition (criterion, answer) holds."""

    category: str
    conditions: tuple[tuple[str, Answer], ...]


#: The rules, tried in order; the first whose conditions all hold gives the category. The last has none.
RULES: tuple[Rule, ...] = (
    Rule("foreign_base", (("exclusive_control", YES), ("permanence", YES))),
    Rule("foreign_base", (("foreign_command", YES), ("permanence", YES), ("host_access", NO))),
    Rule("shared_standing", (("presence", YES), ("permanence", YES))),
    Rule("temporary_use", (("presence", YES),)),
    Rule("none_documented", ()),
)


@dataclass(frozen=True)
class Change:
    """What evidence would change the verdict: the answers that would make another rule apply."""

    category: str
    needed: tuple[tuple[str, Answer], ...]
    text_es: str
    text_en: str


@dataclass(frozen=True)
class Assessment:
    facility_id: str
    name_es: str
    name_en: str
    host: str
    foreign: str | None
    foreign_name_es: str
    foreign_name_en: str
    criteria: tuple[Criterion, ...]
    category: str
    rule_index: int
    reasoning_es: str
    reasoning_en: str
    changes: tuple[Change, ...] = ()
    classifications: tuple[ClassificationFact, ...] = ()
    listings: tuple[ListingFact, ...] = field(default=())

    def answer(self, code: str) -> Answer:
        return next(c.answer for c in self.criteria if c.code == code)

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)

    @property
    def category_es(self) -> str:
        return CATEGORIES[self.category]["es"]

    @property
    def category_en(self) -> str:
        return CATEGORIES[self.category]["en"]


# --------------------------------------------------------------------------------------------- the rules


def matches(rule: Rule, answers: dict[str, Answer]) -> bool:
    """Whether every condition of ``rule`` holds (an unknown answer never satisfies a condition)."""
    return all(answers.get(code, UNKNOWN) == wanted for code, wanted in rule.conditions)


def categorize(answers: dict[str, Answer]) -> tuple[int, Rule]:
    """The first rule of :data:`RULES` that holds for ``answers``, with its index."""
    for index, rule in enumerate(RULES):
        if matches(rule, answers):
            return index, rule
    raise AssertionError("the last rule has no condition")  # pragma: no cover


def changes_for(answers: dict[str, Answer], rule_index: int) -> tuple[Change, ...]:
    """For each rule ranked above the one that applied: the answers it still needs (unknown ones first to be
    documented, known ones that new evidence would have to contradict). For the rule that applied: the answers
    it rests on (evidence against them would lower the verdict)."""
    out: list[Change] = []
    seen: set[tuple[str, tuple[tuple[str, Answer], ...]]] = set()
    for rule in RULES[:rule_index]:
        needed = tuple((code, want) for code, want in rule.conditions if answers.get(code, UNKNOWN) != want)
        key = (rule.category, needed)
        if not needed or key in seen:
            continue
        seen.add(key)
        es = " y ".join(_need_text(code, want, answers, "es") for code, want in needed)
        en = " and ".join(_need_text(code, want, answers, "en") for code, want in needed)
        cat = CATEGORIES[rule.category]
        out.append(
            Change(
                rule.category,
                needed,
                f"Sería «{cat['es']}» con evidencia de que {es}.",
                f"It would be “{cat['en']}” with evidence that {en}.",
            )
        )
    applied = RULES[rule_index]
    if applied.conditions:
        lower = next(r for r in RULES[rule_index + 1 :] if r.category != applied.category)
        rests_es = " y ".join(_label(code, "es") for code, _ in applied.conditions)
        rests_en = " and ".join(_label(code, "en") for code, _ in applied.conditions)
        cat = CATEGORIES[lower.category]
        out.append(
            Change(
                lower.category,
                (),
                f"Evidencia que contradiga lo documentado sobre: {rests_es} la rebajaría (p. ej. a «{cat['es']}»).",
                f"Evidence contradicting what is documented about: {rests_en} would lower it (e.g. to “{cat['en']}”).",
            )
        )
    return tuple(out)


def _label(code: str, lang: str) -> str:
    return CRITERIA[code][lang].lower()


def _need_text(code: str, want: Answer, answers: dict[str, Answer], lang: str) -> str:
    word = CRITERIA[code][f"{want}_{lang}"]
    now = answers.get(code, UNKNOWN)
    if now == UNKNOWN:
        return word
    return f"{word} (hoy documentado lo contrario)" if lang == "es" else f"{word} (the opposite is documented today)"


# ------------------------------------------------------------------------------------------ the criteria


def _obs_evidence(obs: ObservationFact) -> Evidence:
    return Evidence("facility_observations", obs.id, obs.summary_es, obs.citations)


def _from_observations(code: str, facts: FacilityFacts) -> tuple[Answer | None, tuple[Evidence, ...], str, str]:
    """The editors' cited observations of one criterion: their answer (``None`` when they give none, unknown
    when they disagree), evidence and reasoning."""
    found = [o for o in facts.observations if o.criterion == code]
    if not found:
        return None, (), "", ""
    evidence = tuple(_obs_evidence(o) for o in found)
    known = {o.answer for o in found if o.answer != UNKNOWN}
    es = " ".join(o.summary_es for o in found)
    en = " ".join(o.summary_en or o.summary_es for o in found)
    if len(known) > 1:
        return UNKNOWN, evidence, "Las observaciones citadas discrepan: " + es, "The cited observations disagree: " + en
    if not known:
        return None, evidence, es, en
    return known.pop(), evidence, es, en


def _combine(code: str, facts: FacilityFacts, derived: tuple[Answer, tuple[Evidence, ...], str, str]) -> Criterion:
    """An editor's cited observation decides; otherwise what the records say (``derived``)."""
    obs_answer, obs_evidence, obs_es, obs_en = _from_observations(code, facts)
    answer, evidence, es, en = derived
    if obs_answer is not None:
        return Criterion(code, obs_answer, obs_es, obs_en, obs_evidence + evidence)
    if obs_evidence:
        es, en = (f"{obs_es} {es}".strip(), f"{obs_en} {en}".strip())
    return Criterion(code, answer, es, en, obs_evidence + evidence)


def _use_evidence(use: UseFact) -> Evidence:
    return Evidence("facility_uses", use.id, use.label, use.citations)


def _foreign_uses(facts: FacilityFacts) -> list[UseFact]:
    return [u for u in facts.uses if facts.foreign and u.user_country == facts.foreign]


def _period(use: UseFact, lang: str) -> str:
    start = describe_date(use.start, use.start_precision, lang) if use.start else "?"
    end = describe_date(use.end, use.end_precision, lang) if use.end else "?"
    return f"{start} – {end}"


def _span_days(use: UseFact) -> int | None:
    """Days the use certainly lasted (start at the end of its precision, end at its beginning)."""
    if use.start is None or use.end is None:
        return None
    return (use.end - _latest(use.start, use.start_precision)).days


def _max_span_days(use: UseFact) -> int | None:
    """Days the use may have lasted at most (start at the beginning of its precision, end at its end)."""
    if use.start is None or use.end is None:
        return None
    return (_latest(use.end, use.end_precision) - use.start).days


def _latest(value: date, precision: str) -> date:
    """The last day a date of this precision can stand for."""
    span = bounds(value, precision)
    return span[1] if span else value


def _exclusive_control(facts: FacilityFacts) -> Criterion:
    es = "Ningún registro dice quién controla el área; sin evidencia, la respuesta queda desconocida."
    en = "No record says who controls the area; without evidence the answer stays unknown."
    return _combine("exclusive_control", facts, (UNKNOWN, (), es, en))


def _foreign_command(facts: FacilityFacts) -> Criterion:
    evidence = (Evidence("facilities", facts.id, facts.operator_label),) if facts.operator_label else ()
    if facts.foreign and facts.operator_country == facts.foreign:
        derived = (
            YES,
            evidence,
            f"La instalación la opera {facts.operator_label}, del país extranjero.",
            f"The facility is operated by {facts.operator_label}, of the foreign country.",
        )
    elif facts.operator_country == facts.host:
        derived = (
            NO,
            evidence,
            f"La instalación la opera {facts.operator_label}, del país anfitrión.",
            f"The facility is operated by {facts.operator_label}, of the host country.",
        )
    else:
        derived = (
            UNKNOWN,
            (),
            "Ningún registro dice quién opera o manda la instalación.",
            "No record says who operates or commands the facility.",
        )
    return _combine("foreign_command", facts, derived)


def _permanence(facts: FacilityFacts) -> Criterion:
    confirmed = [u for u in _foreign_uses(facts) if u.confirmed]
    evidence = tuple(_use_evidence(u) for u in confirmed)
    long = [u for u in confirmed if (_span_days(u) or 0) >= STANDING_DAYS]
    short = [u for u in confirmed if _max_span_days(u) is not None and (_max_span_days(u) or 0) < STANDING_DAYS]
    if long:
        es = "; ".join(_period(u, "es") for u in long)
        en = "; ".join(_period(u, "en") for u in long)
        derived = (
            YES,
            evidence,
            f"Uso extranjero confirmado durante un periodo de al menos un año: {es}.",
            f"Confirmed foreign use over a period of at least a year: {en}.",
        )
    elif short and len(short) == len(confirmed):
        es = "; ".join(_period(u, "es") for u in short)
        en = "; ".join(_period(u, "en") for u in short)
        derived = (
            NO,
            evidence,
            f"Los usos extranjeros confirmados duraron menos de un año: {es}.",
            f"The confirmed foreign uses lasted less than a year: {en}.",
        )
    elif confirmed:
        es = "; ".join(_period(u, "es") for u in confirmed)
        en = "; ".join(_period(u, "en") for u in confirmed)
        derived = (
            UNKNOWN,
            evidence,
            (
                f"Uso extranjero confirmado ({es}), pero sin fechas que muestren una presencia continua de "
                f"al menos un año."
            ),
            f"Confirmed foreign use ({en}), but without dates showing a continuous presence of at least a year.",
        )
    else:
        derived = (
            UNKNOWN,
            tuple(_use_evidence(u) for u in _foreign_uses(facts)),
            "Ningún uso extranjero confirmado con fechas.",
            "No confirmed foreign use with dates.",
        )
    return _combine("permanence", facts, derived)


def _personnel(facts: FacilityFacts) -> Criterion:
    evidence: tuple[Evidence, ...] = ()
    es = "Ningún registro da una cifra de personal extranjero en esta instalación."
    en = "No record gives a figure of foreign personnel at this facility."
    note_es = note_en = ""
    count = facts.country_count
    if count is not None:
        when_es = describe_date(date(count.year, count.month or 1, 1), "month" if count.month else "year", "es")
        when_en = describe_date(date(count.year, count.month or 1, 1), "month" if count.month else "year", "en")
        label = f"DMDC {count.year}{f'-{count.month:02d}' if count.month else ''}: {count.count}"
        evidence = (Evidence("personnel_counts", count.id, label, count.citations),)
        note_es = (
            f" Los conteos DMDC son del país entero ({count.count} en servicio activo, {when_es}) y no dicen dónde"
            " sirven: no responden este criterio."
        )
        note_en = (
            f" DMDC counts are for the whole country ({count.count} on active duty, {when_en}) and do not say where"
            " they serve: they do not answer this criterion."
        )
    result = _combine("personnel", facts, (UNKNOWN, evidence, es + note_es, en + note_en))
    if note_es and note_es not in result.reasoning_es:
        result = replace(result, reasoning_es=result.reasoning_es + note_es, reasoning_en=result.reasoning_en + note_en)
    return result


def _foreign_funding(facts: FacilityFacts) -> Criterion:
    foreign = facts.foreign
    paid = [f for f in facts.funding if f.payer == foreign and f.flow != "sale"]
    bought = [f for f in facts.funding if f.payer == facts.host and f.flow == "sale"]
    evidence = tuple(Evidence("funding", f.id, f.label, f.citations) for f in paid + bought)
    if paid:
        es = "; ".join(f"{f.label} ({fmt_amount(f.amount, f.currency, 'es')}, {f.fiscal_year})" for f in paid)
        en = "; ".join(f"{f.label} ({fmt_amount(f.amount, f.currency, 'en')}, {f.fiscal_year})" for f in paid)
        derived = (
            YES,
            evidence,
            f"Financiamiento del país extranjero: {es}.",
            f"Funding by the foreign country: {en}.",
        )
    elif bought:
        es = "; ".join(f.label for f in bought)
        en = "; ".join(f.label for f in bought)
        derived = (
            UNKNOWN,
            evidence,
            f"Obras compradas y pagadas por el país anfitrión ({es}): no es financiamiento extranjero, pero no"
            " descarta otro.",
            f"Works bought and paid for by the host country ({en}): not foreign funding, but it does not rule out"
            " other funding.",
        )
    else:
        derived = (
            UNKNOWN,
            (),
            "Ningún registro de financiamiento vinculado a la instalación.",
            "No funding record linked to the facility.",
        )
    return _combine("foreign_funding", facts, derived)


def _legal_instrument(facts: FacilityFacts) -> Criterion:
    uses = _foreign_uses(facts)
    standing = [u for u in uses if u.agreement_id]
    temporary = [u for u in uses if u.authorization_id and not u.agreement_id]
    evidence = tuple(Evidence("agreements", u.agreement_id, u.agreement_label) for u in standing)
    evidence += tuple(Evidence("authorizations", u.authorization_id, u.authorization_label) for u in temporary)
    evidence += tuple(Evidence(a.type_key, a.id, a.label, a.citations) for a in facts.authorizations)
    if standing:
        es = "; ".join(sorted({u.agreement_label for u in standing}))
        derived = (
            YES,
            evidence,
            f"El uso extranjero se basa en un acuerdo: {es}.",
            f"The foreign use rests on an agreement: {es}.",
        )
    elif temporary or facts.authorizations:
        names = sorted({u.authorization_label for u in temporary} | {a.label for a in facts.authorizations})
        derived = (
            YES,
            evidence,
            f"Autorizaciones de ingreso que nombran la instalación o su uso (temporales): {'; '.join(names)}.",
            f"Entry authorizations naming the facility or its use (temporary): {'; '.join(names)}.",
        )
    else:
        derived = (
            UNKNOWN,
            tuple(_use_evidence(u) for u in uses),
            "Ningún acuerdo ni autorización vinculados a un uso extranjero de la instalación.",
            "No agreement or authorization linked to a foreign use of the facility.",
        )
    return _combine("legal_instrument", facts, derived)


def _host_access(facts: FacilityFacts) -> Criterion:
    es = "Ningún registro describe el acceso de las autoridades del país anfitrión."
    en = "No record describes the host authorities' access."
    return _combine("host_access", facts, (UNKNOWN, (), es, en))


def _official_inventory(facts: FacilityFacts) -> Criterion:
    evidence = tuple(
        Evidence("facility_listings", x.id, f"{x.edition}: {x.site_name}", x.citations) for x in facts.listings
    )
    editions = ", ".join(facts.inventory_editions)
    if facts.listings:
        names = "; ".join(sorted({f"{x.site_name}" for x in facts.listings}))
        eds = ", ".join(sorted({x.edition for x in facts.listings}))
        derived = (
            YES,
            evidence,
            f"Listada en el inventario oficial de sitios del país extranjero (ediciones {eds}) como «{names}».",
            f"Listed in the foreign country's official inventory of sites (editions {eds}) as “{names}”.",
        )
    elif facts.inventory_editions and facts.inventory_aggregated:
        derived = (
            UNKNOWN,
            (),
            f"No figura por nombre en las ediciones importadas ({editions}), pero estas agregan sitios pequeños bajo"
            " «otros sitios», entre los que podría estar.",
            f"Not listed by name in the imported editions ({editions}), but they aggregate small sites under “other"
            " sites”, which may include it.",
        )
    elif facts.inventory_editions:
        derived = (
            NO,
            (),
            f"No figura en las ediciones importadas del inventario ({editions}).",
            f"Not listed in the imported editions of the inventory ({editions}).",
        )
    else:
        derived = (
            UNKNOWN,
            (),
            "No se ha importado ningún inventario oficial del país extranjero para este país.",
            "No official inventory of the foreign country has been imported for this country.",
        )
    return _combine("official_inventory", facts, derived)


def _presence(facts: FacilityFacts, others: dict[str, Criterion]) -> Criterion:
    confirmed = [u for u in _foreign_uses(facts) if u.confirmed]
    evidence = tuple(_use_evidence(u) for u in confirmed)
    evidence += tuple(Evidence(a.type_key, a.id, a.label, a.citations) for a in facts.activities)
    backing = [c for code, c in others.items() if code in ("exclusive_control", "permanence", "personnel")]
    if confirmed or facts.activities or any(c.answer == YES for c in backing):
        parts_es, parts_en = [], []
        if confirmed:
            parts_es.append(f"{len(confirmed)} uso(s) extranjero(s) confirmado(s)")
            parts_en.append(f"{len(confirmed)} confirmed foreign use(s)")
        if facts.activities:
            parts_es.append(f"{len(facts.activities)} actividad(es) con el país extranjero en la instalación")
            parts_en.append(f"{len(facts.activities)} activit(y/ies) with the foreign country at the facility")
        for c in backing:
            if c.answer == YES:
                parts_es.append(c.label_es.lower())
                parts_en.append(c.label_en.lower())
        derived = (
            YES,
            evidence,
            "Documentada: " + "; ".join(parts_es) + ".",
            "Documented: " + "; ".join(parts_en) + ".",
        )
    else:
        unconfirmed = tuple(_use_evidence(u) for u in _foreign_uses(facts))
        es = "Ningún registro documenta personal o unidades del país extranjero en la instalación"
        en = "No record documents personnel or units of the foreign country at the facility"
        if unconfirmed:
            es += " (hay usos registrados sin confirmar: patrocinio, planes o menciones)"
            en += " (there are unconfirmed uses on record: sponsorship, plans or mentions)"
        derived = (UNKNOWN, unconfirmed, es + ".", en + ".")
    return _combine("presence", facts, derived)


def assess_facts(facts: FacilityFacts) -> Assessment:
    """Answer every criterion for ``facts``, derive the category by :data:`RULES` and say what would change it."""
    if facts.foreign is None:
        facts = replace(facts, uses=(), funding=(), authorizations=(), activities=())
    others = {
        c.code: c
        for c in (
            _exclusive_control(facts),
            _foreign_command(facts),
            _permanence(facts),
            _personnel(facts),
            _foreign_funding(facts),
            _legal_instrument(facts),
            _host_access(facts),
            _official_inventory(facts),
        )
    }
    presence = _presence(facts, others)
    criteria = (presence, *others.values())
    answers = {c.code: c.answer for c in criteria}
    index, rule = categorize(answers)
    cat = CATEGORIES[rule.category]
    if rule.conditions:
        why_es = ", ".join(f"{_label(c, 'es')}: {CRITERIA[c][f'{a}_es']}" for c, a in rule.conditions)
        why_en = ", ".join(f"{_label(c, 'en')}: {CRITERIA[c][f'{a}_en']}" for c, a in rule.conditions)
        reasoning_es = f"Regla {index + 1}: «{cat['es']}» porque {why_es}."
        reasoning_en = f"Rule {index + 1}: “{cat['en']}” because {why_en}."
    else:
        reasoning_es = f"Regla {index + 1}: «{cat['es']}»: ninguna regla anterior se cumple con lo documentado."
        reasoning_en = f"Rule {index + 1}: “{cat['en']}”: no earlier rule holds on what is documented."
    return Assessment(
        facility_id=facts.id,
        name_es=facts.name_es,
        name_en=facts.name_en or facts.name_es,
        host=facts.host,
        foreign=facts.foreign,
        foreign_name_es=facts.foreign_name_es,
        foreign_name_en=facts.foreign_name_en,
        criteria=criteria,
        category=rule.category,
        rule_index=index,
        reasoning_es=reasoning_es,
        reasoning_en=reasoning_en,
        changes=changes_for(answers, index),
        classifications=facts.classifications,
        listings=facts.listings,
    )


def summary(assessments: list[Assessment]) -> dict[str, int]:
    """How many facilities fall in each category (every category present, in rule order)."""
    counts = {rule.category: 0 for rule in RULES}
    for a in assessments:
        counts[a.category] += 1
    return counts
