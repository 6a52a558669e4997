"""Facts for the presence assessment, loaded from the database in a fixed number of queries, and the two public
entry points the portal calls: :func:`assess` (one facility) and :func:`assessments_for` (a host and foreign
country pair).

Where the facts come from (see docs/bases.md):

- uses: the facility's published ``FacilityUse`` records of the foreign country (dates, confirmed, agreement or
  authorization);
- observations: editors' cited ``FacilityObservation`` records (``facility_observations.yaml``);
- the official inventory: ``FacilityListing`` rows, the DoD Base Structure Report (an inventory of the United
  States' sites: :data:`INVENTORY_STATE`);
- external classifications: ``FacilityClassification`` rows (:data:`CLASSIFICATION_STATES` says whose sites a
  scheme lists);
- funding: ``Funding`` has no facility field, so a funding record counts for a facility when it belongs to the
  agreement of one of the facility's uses, or when it cites the same (non data-set) source as one of the
  facility's ``foreign_funding`` observations;
- authorizations naming the facility among their places, activities held at it with the foreign country, and the
  latest country-level DMDC count (shown, never taken as a facility-level figure).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q

from veeduria.evidence.models import Citation, SourceKind, Status
from veeduria.oversight.bases import (
    Assessment,
    Cite,
    ClassificationFact,
    CountFact,
    FacilityFacts,
    FundingFact,
    ListingFact,
    ObservationFact,
    RecordFact,
    UseFact,
    assess_facts,
)
from veeduria.oversight.models import FacilityObservation
from veeduria.records.models import (
    Activity,
    AuthorizedPlace,
    Country,
    Facility,
    FacilityClassification,
    FacilityListing,
    FacilityUse,
    Funding,
    PersonnelCount,
)

#: whose official inventory the ``FacilityListing`` rows are (the DoD Base Structure Report lists US sites)
INVENTORY_STATE = "USA"
#: whose sites an external classification scheme lists, by the beginning of the scheme's name
CLASSIFICATION_STATES: dict[str, str] = {"David Vine, US military bases abroad": "USA"}


class FacilityNotFound(LookupError):
    pass


def _published(model: type[Model]) -> Any:
    return model.objects.exclude(status=Status.WITHDRAWN)  # type: ignore[attr-defined]


def _activities_at_facilities(foreign: str | None) -> Any:
    """The links of published activities with ``foreign`` taking part or providing them to the facilities they
    were held at (none when there is no foreign country): read from the links (few), each activity checked by
    index (not every activity read)."""
    links = Activity.facilities.through.objects.exclude(activity__status=Status.WITHDRAWN)
    if foreign is None:
        return links.none()
    taking_part = Activity.countries.through.objects.filter(activity_id=OuterRef("activity_id"), country__iso3=foreign)
    return links.filter(Q(Exists(taking_part)) | Q(activity__provider_country__iso3=foreign))


def _scheme_state(scheme: str) -> str | None:
    return next((iso for prefix, iso in CLASSIFICATION_STATES.items() if scheme.startswith(prefix)), None)


def _citations(model: type[Model], ids: Iterable[str]) -> dict[str, tuple[Cite, ...]]:
    """Every citation of the given records of ``model``, by record id (one query)."""
    ids = list(ids)
    out: dict[str, list[Cite]] = defaultdict(list)
    if not ids:
        return {}
    ct = ContentType.objects.get_for_model(model)
    rows = Citation.objects.filter(content_type=ct, object_id__in=ids).order_by("pk")
    for c in rows.values("object_id", "source_id", "quote", "locator"):
        out[c["object_id"]].append(Cite(c["source_id"], c["quote"], c["locator"]))
    return {k: tuple(v) for k, v in out.items()}


def _country_iso(pk: str | None, isos: dict[str, str]) -> str | None:
    return isos.get(pk) if pk else None


def _load(facilities: list[Facility], host: str, foreign: str | None) -> list[FacilityFacts]:
    """The facts of ``facilities`` (in the host country ``host``) about the foreign country ``foreign``."""
    ids = [f.pk for f in facilities]
    countries = {c.pk: c for c in Country.objects.all()}
    isos = {pk: c.iso3 for pk, c in countries.items()}
    foreign_c = next((c for c in countries.values() if c.iso3 == foreign), None)

    uses = list(
        _published(FacilityUse)
        .filter(facility_id__in=ids)
        .select_related("agreement", "authorization", "user")
        .order_by("facility_id", "start_date", "id")
    )
    observations = list(_published(FacilityObservation).filter(facility_id__in=ids).order_by("criterion", "id"))
    listings = list(_published(FacilityListing).filter(country__iso3=host))
    classifications = list(_published(FacilityClassification).filter(facility_id__in=ids))
    places = list(
        AuthorizedPlace.objects.filter(facility_id__in=ids, authorization__foreign_countries__iso3=foreign)
        .exclude(authorization__status=Status.WITHDRAWN)
        .select_related("authorization")
        .distinct()
    )
    at_facility = _activities_at_facilities(foreign).filter(facility_id__in=ids).select_related("activity")
    activities = list(at_facility)

    cites_obs = _citations(FacilityObservation, [o.pk for o in observations])
    funding_sources = {
        c.source_id for o in observations if o.criterion == "foreign_funding" for c in cites_obs.get(o.pk, ())
    }
    agreement_ids = {u.agreement_id for u in uses if u.agreement_id}
    funding_ct = ContentType.objects.get_for_model(Funding)
    by_source = Citation.objects.filter(content_type=funding_ct, source_id__in=funding_sources).exclude(
        source__kind__in=[SourceKind.DATASET, SourceKind.REPOSITORY]
    )
    funding_rows = list(
        _published(Funding).filter(Q(agreement_id__in=agreement_ids) | Q(pk__in=by_source.values("object_id")))
    )
    cite_funding_src = (
        dict(by_source.values_list("object_id", "source_id").order_by("object_id")) if funding_sources else {}
    )

    cites_use = _citations(FacilityUse, [u.pk for u in uses])
    cites_listing = _citations(FacilityListing, [x.pk for x in listings if x.facility_id in ids])
    cites_class = _citations(FacilityClassification, [c.pk for c in classifications])
    cites_funding = _citations(Funding, [f.pk for f in funding_rows])

    count = None
    if foreign_c is not None:
        latest = (
            _published(PersonnelCount)
            .filter(
                host_country__iso3=host,
                sending_country=foreign_c,
                service="total",
                category="active_duty",
                count__isnull=False,
            )
            .order_by("-year", "-month")
            .first()
        )
        if latest is not None:
            count = CountFact(latest.pk, latest.year, latest.month, latest.count)

    editions = tuple(sorted({x.edition for x in listings})) if foreign == INVENTORY_STATE else ()
    aggregated = tuple(sorted({x.edition for x in listings if x.aggregated})) if editions else ()

    def funding_for(fac_id: str, fac_agreements: set[str], fac_sources: set[str]) -> tuple[FundingFact, ...]:
        out = []
        for f in funding_rows:
            if f.agreement_id in fac_agreements or cite_funding_src.get(f.pk) in fac_sources:
                out.append(
                    FundingFact(
                        f.pk,
                        f.flow,
                        isos.get(f.payer_id, ""),
                        isos.get(f.payee_id, ""),
                        f.program or f.pk,
                        f.amount,
                        f.currency,
                        f.fiscal_year,
                        cites_funding.get(f.pk, ()),
                    )
                )
        return tuple(out)

    result = []
    for fac in facilities:
        f_uses = [u for u in uses if u.facility_id == fac.pk]
        here = [o for o in observations if o.facility_id == fac.pk]
        # an observation that names its foreign country counts for that country only; one that names none
        # concerns the facility's main foreign country (see default_foreign)
        named = [o for o in here if o.foreign_country_id and isos.get(o.foreign_country_id) == foreign]
        f_obs = [o for o in here if not o.foreign_country_id]
        obs_sources = {c.source_id for o in f_obs if o.criterion == "foreign_funding" for c in cites_obs.get(o.pk, ())}
        votes: dict[str, int] = defaultdict(int)
        for u in f_uses:
            votes[isos.get(u.user_country_id, "")] += 2
        if any(x.facility_id == fac.pk for x in listings):
            votes[INVENTORY_STATE] += 1
        for c in classifications:
            state = _scheme_state(c.scheme) if c.facility_id == fac.pk else None
            if state:
                votes[state] += 1
        for fund in funding_rows:
            if cite_funding_src.get(fund.pk) in obs_sources:
                for pk in (fund.payer_id, fund.payee_id):
                    votes[isos.get(pk, "")] += 1
        if _subject(votes, isos.get(fac.country_id, host)) != foreign:
            f_obs = []
        f_obs = named + f_obs
        obs_sources = {c.source_id for o in f_obs if o.criterion == "foreign_funding" for c in cites_obs.get(o.pk, ())}
        f_agreements = {u.agreement_id for u in f_uses if u.agreement_id and isos.get(u.user_country_id) == foreign}
        owner, operator = fac.owner, fac.operator
        result.append(
            FacilityFacts(
                id=fac.pk,
                name_es=fac.name_es,
                name_en=fac.name_en,
                host=isos.get(fac.country_id, host),
                foreign=foreign,
                foreign_name_es=foreign_c.name_es if foreign_c else "",
                foreign_name_en=foreign_c.name_en if foreign_c else "",
                owner_country=_country_iso(owner.country_id, isos) if owner else None,
                owner_label=owner.name_es if owner else "",
                operator_country=_country_iso(operator.country_id, isos) if operator else None,
                operator_label=operator.name_es if operator else "",
                uses=tuple(
                    UseFact(
                        id=u.pk,
                        user_country=isos.get(u.user_country_id, ""),
                        label=u.purpose_es or u.pk,
                        start=u.start_date,
                        start_precision=u.start_precision,
                        end=u.end_date,
                        end_precision=u.end_precision,
                        confirmed=u.confirmed,
                        agreement_id=u.agreement_id or "",
                        agreement_label=u.agreement.title_es if u.agreement else "",
                        authorization_id=u.authorization_id or "",
                        authorization_label=u.authorization.title_es if u.authorization else "",
                        legal_basis_text=u.legal_basis_text,
                        citations=cites_use.get(u.pk, ()),
                    )
                    for u in f_uses
                ),
                observations=tuple(
                    ObservationFact(
                        o.pk,
                        o.criterion,
                        o.answer,
                        o.summary_es,
                        o.summary_en,
                        o.observed_on,
                        o.observed_precision,
                        cites_obs.get(o.pk, ()),
                    )
                    for o in f_obs
                ),
                listings=tuple(
                    ListingFact(x.pk, x.edition, x.site_name, cites_listing.get(x.pk, ()))
                    for x in sorted(listings, key=lambda x: x.edition)
                    if x.facility_id == fac.pk and foreign == INVENTORY_STATE
                ),
                inventory_editions=editions,
                inventory_aggregated=aggregated,
                classifications=tuple(
                    ClassificationFact(c.pk, c.scheme, c.label, c.site_name, cites_class.get(c.pk, ()))
                    for c in classifications
                    if c.facility_id == fac.pk
                ),
                funding=funding_for(fac.pk, f_agreements, obs_sources),
                authorizations=tuple(
                    RecordFact(
                        "authorizations",
                        p.authorization_id,
                        p.authorization.title_es,
                        p.authorization.window_start,
                        p.authorization.window_end,
                    )
                    for p in places
                    if p.facility_id == fac.pk
                ),
                activities=tuple(
                    RecordFact(
                        "activities", a.activity_id, a.activity.name_es, a.activity.start_date, a.activity.end_date
                    )
                    for a in activities
                    if a.facility_id == fac.pk
                ),
                country_count=count,
            )
        )
    return result


def _subject(votes: dict[str, int], host: str) -> str | None:
    """The foreign country with the most evidence at a facility (ties by code), or ``None``."""
    votes = {iso: n for iso, n in votes.items() if iso and iso != host}
    if not votes:
        return None
    return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _facilities() -> Any:
    return _published(Facility).select_related("owner", "operator", "country")


def default_foreign(facility: Facility) -> str | None:
    """The foreign country an assessment of ``facility`` is about when none is given: the country with the most
    evidence at it (its uses count twice; the state of its inventory listings and external classifications, and
    the parties of funding its observations cite, once); ties by code. Editors' observations, which name no
    country, concern this country."""
    host = facility.country.iso3
    votes: dict[str, int] = defaultdict(int)
    for iso in _published(FacilityUse).filter(facility=facility).values_list("user_country__iso3", flat=True):
        votes[iso] += 2
    if _published(FacilityListing).filter(facility=facility).exists():
        votes[INVENTORY_STATE] += 1
    for scheme in _published(FacilityClassification).filter(facility=facility).values_list("scheme", flat=True):
        state = _scheme_state(scheme)
        if state:
            votes[state] += 1
    obs = _published(FacilityObservation).filter(facility=facility, criterion="foreign_funding")
    sources = Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(FacilityObservation), object_id__in=obs.values("pk")
    ).values("source_id")
    cited = (
        Citation.objects.filter(content_type=ContentType.objects.get_for_model(Funding), source_id__in=sources)
        .exclude(source__kind__in=[SourceKind.DATASET, SourceKind.REPOSITORY])
        .values("object_id")
    )
    for payer, payee in _published(Funding).filter(pk__in=cited).values_list("payer__iso3", "payee__iso3"):
        votes[payer] += 1
        votes[payee] += 1
    return _subject(votes, host)


def assess(facility_id: str, *, foreign: str | None = None) -> Assessment:
    """The presence assessment of one facility about ``foreign`` (ISO3; default :func:`default_foreign`)."""
    facility = _facilities().filter(pk=facility_id).first()
    if facility is None:
        raise FacilityNotFound(facility_id)
    foreign = foreign.upper() if foreign else default_foreign(facility)
    (facts,) = _load([facility], facility.country.iso3, foreign)
    return assess_facts(facts)


def facilities_with_evidence(host_iso3: str, foreign_iso3: str) -> list[Facility]:
    """The facilities of the host country with any evidence about the foreign country: a use, an observation,
    a listing in its inventory, an external classification of its sites, an authorization naming the facility
    or an activity held at it."""
    host, foreign = host_iso3.upper(), foreign_iso3.upper()
    schemes = [p for p, iso in CLASSIFICATION_STATES.items() if iso == foreign]
    scheme_q = Q()
    for prefix in schemes:
        scheme_q |= Q(scheme__startswith=prefix)
    linked: set[str] = set()
    linked |= set(_published(FacilityUse).filter(user_country__iso3=foreign).values_list("facility_id", flat=True))
    linked |= set(_published(FacilityObservation).values_list("facility_id", flat=True))
    if foreign == INVENTORY_STATE:
        linked |= set(_published(FacilityListing).exclude(facility=None).values_list("facility_id", flat=True))
    if schemes:
        linked |= set(_published(FacilityClassification).filter(scheme_q).values_list("facility_id", flat=True))
    linked |= set(
        AuthorizedPlace.objects.filter(authorization__foreign_countries__iso3=foreign)
        .exclude(facility=None)
        .values_list("facility_id", flat=True)
    )
    linked |= set(_activities_at_facilities(foreign).values_list("facility_id", flat=True))
    return list(_facilities().filter(country__iso3=host, pk__in=linked).order_by("name_es"))


def assessments_for(host_iso3: str, foreign_iso3: str) -> list[Assessment]:
    """The assessments of every facility of the host country with any evidence of the foreign country's
    presence or classification, ordered by category (rule order), then name. ``bases.summary`` counts them."""
    host, foreign = host_iso3.upper(), foreign_iso3.upper()
    facilities = facilities_with_evidence(host, foreign)
    out = [assess_facts(f) for f in _load(facilities, host, foreign) if _has_evidence(f)]
    return sorted(out, key=lambda a: (a.rule_index, a.name_es))


def _has_evidence(facts: FacilityFacts) -> bool:
    """Whether any loaded fact concerns the foreign country (an observation only when it is the facility's)."""
    foreign_uses = any(u.user_country == facts.foreign for u in facts.uses)
    classified = any(_scheme_state(c.scheme) == facts.foreign for c in facts.classifications)
    return bool(
        foreign_uses or facts.observations or facts.listings or classified or facts.authorizations or facts.activities
    )
