"""Small fixture records of every type, built in code (independent of the bundled dataset)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from veeduria.evidence.models import AlternativeValue, Citation, Source
from veeduria.evidence.revisions import record_change, withdraw
from veeduria.factchecks.models import Claim, Review
from veeduria.oversight.models import ActivityEquipment, FacilityObservation
from veeduria.records import models as m


def cite(obj: Any, source: Source, field: str = "", **kw: Any) -> Citation:
    return Citation.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, source=source, field=field, **kw
    )


def alternative(obj: Any, source: Source, field: str, value: Any, preferred: bool = False) -> AlternativeValue:
    return AlternativeValue.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        source=source,
        field=field,
        value=value,
        preferred=preferred,
    )


def make_authorization(pk: str, peru: m.Country, usa: m.Country, **kw: Any) -> m.Authorization:
    fields: dict[str, Any] = {
        "instrument_type": m.InstrumentType.RL,
        "number": pk.upper(),
        "title_es": f"Resolución {pk}",
        "title_en": f"Resolution {pk}",
        "host_country": peru,
        "approved_on": dt.date(2023, 5, 1),
        "approved_precision": "month",
        "window_start": dt.date(2023, 6, 1),
        "window_end": dt.date(2023, 12, 31),
        "personnel_total": 100,
    }
    fields.update(kw)
    auth = m.Authorization.objects.create(id=pk, **fields)
    auth.foreign_countries.add(usa)
    return auth


@pytest.fixture
def dataset(db: Any) -> dict[str, Any]:
    """One record of every type, with citations, a disagreement and a revision history."""
    official = Source.objects.create(
        id="el-peruano-2023",
        title="El Peruano, 2023-05-20",
        kind="official",
        publisher="Editora Perú",
        published_on=dt.date(2023, 5, 20),
    )
    press = Source.objects.create(id="diario-x", title="Diario X: llegan tropas", kind="press", reliability="partly")
    leak = Source.objects.create(id="cable-filtrado", title="Cable filtrado", kind="leak", reliability="unverified")
    peru = m.Country.objects.create(id="peru", iso3="PER", name_es="Perú", name_en="Peru")
    usa = m.Country.objects.create(id="usa", iso3="USA", name_es="Estados Unidos", name_en="United States")
    actor = m.Actor.objects.create(
        id="ejercito-peru", name_es="Ejército del Perú", name_en="Peruvian Army", kind="armed_forces", country=peru
    )
    norm = m.LegalNorm.objects.create(
        id="ley-27856",
        kind="law",
        number="27856",
        title_es="Ley de ingreso de tropas",
        title_en="Troop entry law",
        country=peru,
        enacted_on=dt.date(2002, 10, 30),
    )
    agreement = m.Agreement.objects.create(
        id="sofa-2005",
        kind="executive_agreement",
        title_es="Acuerdo SOFA",
        title_en="SOFA agreement",
        signed_on=dt.date(2005, 1, 1),
        signed_precision="year",
        status="in_force",
    )
    agreement.parties.add(peru, usa)
    auth = make_authorization(
        "rl-32214",
        peru,
        usa,
        purpose_es="Ejercicios conjuntos",
        purpose_en="Joint exercises",
        legal_basis_text="Ley 27856",
    )
    auth.legal_basis.add(norm)
    auth.counterparts.add(actor)
    activity = m.Activity.objects.create(
        id="resolute-sentinel-2023",
        kind="exercise",
        name_es="Resolute Sentinel 2023",
        name_en="Resolute Sentinel 2023",
        host_country=peru,
        start_date=dt.date(2023, 7, 1),
        start_precision="month",
        personnel_best=80,
        fiscal_year="2023",
    )
    activity.countries.add(usa)
    auth.activities.add(activity)
    facility = m.Facility.objects.create(
        id="base-ancon", name_es="Base naval de Ancón", kind="base", country=peru, operator=actor
    )
    m.AuthorizedPersonnel.objects.create(authorization=auth, country=usa, service="Ejército", count=60)
    m.AuthorizedPersonnel.objects.create(authorization=auth, country=usa, service="Marina", count=40)
    m.AuthorizedItem.objects.create(authorization=auth, category="weapon", name="Fusil M4", quantity=60)
    m.AuthorizedItem.objects.create(authorization=auth, category="aircraft", name="C-130", quantity=1)
    m.AuthorizedPlace.objects.create(authorization=auth, name="Ancón", department="Lima", facility=facility)
    m.AuthorizedPeriod.objects.create(authorization=auth, start=dt.date(2023, 6, 1), end=dt.date(2023, 6, 30))
    use = m.FacilityUse.objects.create(
        id="ancon-usa-2023",
        facility=facility,
        user_country=usa,
        purpose_es="Entrenamiento",
        start_date=dt.date(2023, 6, 1),
        authorization=auth,
    )
    classification = m.FacilityClassification.objects.create(
        id="ancon-vine", facility=facility, scheme="Vine", label="lily pad"
    )
    listing = m.FacilityListing.objects.create(
        id="bsr-2019-lima", facility=facility, country=peru, edition="FY2019", site_name="Lima", buildings_owned=2
    )
    funding = m.Funding.objects.create(
        id="fmf-2023",
        flow="assistance",
        payer=usa,
        payee=peru,
        program="FMF",
        fiscal_year="2023",
        stage="obligation",
        amount=Decimal("1500000.00"),
    )
    count = m.PersonnelCount.objects.create(
        id="dmdc-2023-army",
        host_country=peru,
        sending_country=usa,
        year=2023,
        month=3,
        service="Army",
        category="Active",
        count=12,
    )
    statement = m.Statement.objects.create(
        id="mindef-2022-12-31",
        title_es="Mindef: EE. UU. no tiene bases en el Perú",
        title_en="Mindef: the US has no bases in Peru",
        speaker_name="Ministerio de Defensa",
        country=peru,
        made_on=dt.date(2022, 12, 31),
        quote="Estados Unidos no tiene una sola base militar en territorio peruano",
        quote_language="es",
    )
    statement.authorizations.add(auth)
    observation = FacilityObservation.objects.create(
        id="ancon-command",
        facility=facility,
        criterion="foreign_command",
        answer="no",
        summary_es="La base está bajo mando de la Marina de Guerra del Perú.",
        summary_en="The base is under the command of the Peruvian Navy.",
        observed_on=dt.date(2023, 6, 1),
    )
    equipment = ActivityEquipment.objects.create(
        id="resolute-sentinel-2023-c130", activity=activity, category="aircraft", name="C-130", quantity=1
    )
    claim = Claim.objects.create(
        id="us-bases-in-peru",
        text="Estados Unidos tiene bases militares en el Perú",
        language="es",
        seen_at="Redes sociales",
        seen_on=dt.date(2023, 5, 1),
        seen_precision="month",
    )
    review = Review.objects.create(
        id="us-bases-in-peru-check",
        claim=claim,
        rating="mostly_false",
        verdict_es="Mayormente falso: no hay una base, sí una presencia",
        verdict_en="Mostly false: no base, but a presence",
        explanation_es="El Ministerio de Defensa lo niega.",
        explanation_en="The Ministry of Defence denies it.",
        reviewed_on=dt.date(2023, 6, 1),
        author="Veeduría",
    )
    review.statements.add(statement)
    review.facilities.add(facility)
    records = [
        peru,
        usa,
        actor,
        norm,
        agreement,
        auth,
        activity,
        facility,
        use,
        classification,
        listing,
        funding,
        count,
        statement,
        observation,
        equipment,
        claim,
        review,
    ]
    for obj in records:
        cite(obj, official, locator="p. 3", quote="Autorízase el ingreso")
        record_change(obj, None, author="loader", reason="carga inicial")
    cite(auth, official, "personnel_total", locator="art. 1", quote="cien efectivos")
    cite(auth, press, "window_start", quote="llegarán en junio")
    cite(auth, leak, "purpose")
    cite(auth, official, "items", locator="anexo", quote="un avión C-130")
    alternative(auth, official, "personnel_total", 100, preferred=True)
    alternative(auth, press, "personnel_total", 150)
    withdrawn = make_authorization("rl-99999", peru, usa, title_es="Resolución retirada", title_en="Withdrawn one")
    cite(withdrawn, official)
    record_change(withdrawn, None, author="loader")
    withdraw(withdrawn, reason="Duplicado de rl-32214", author="editora")
    return {
        "records": records,
        "authorization": auth,
        "withdrawn": withdrawn,
        "official": official,
        "press": press,
        "peru": peru,
        "usa": usa,
    }
