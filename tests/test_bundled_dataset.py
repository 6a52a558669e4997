"""The bundled Peru–US dataset: valid, idempotent, every record cited, the research file's facts present."""

from __future__ import annotations

import datetime as dt

import pytest

from veeduria.evidence.models import AlternativeValue, Citation, Revision, Source
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.validate import validate_folder
from veeduria.records.export import iter_records
from veeduria.records.models import Agreement, Authorization, Facility, LegalNorm
from veeduria.records.registry import RECORD_TYPES

from .conftest import BUNDLED

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> None:
    load_folder(BUNDLED)


def _counts() -> dict[str, int]:
    counts = {rt.key: rt.model._default_manager.count() for rt in RECORD_TYPES}
    for model in (Source, Citation, AlternativeValue, Revision):
        counts[model.__name__] = model.objects.count()
    return counts


def test_bundled_dataset_is_valid() -> None:
    assert validate_folder(BUNDLED).count() > 100


def test_loading_twice_changes_no_counts(loaded: None) -> None:
    before = _counts()
    report = load_folder(BUNDLED)
    assert _counts() == before
    assert sum(report.created.values()) == sum(report.updated.values()) == 0


def test_every_exported_record_has_a_citation(loaded: None) -> None:
    rows = list(iter_records())
    assert len(rows) > 100
    assert [r["id"] for r in rows if not r["citations"]] == []


def test_source_labels_are_kept(loaded: None) -> None:
    kinds = set(Source.objects.values_list("kind", flat=True))
    assert {"official", "press", "leak", "weak", "repository"} <= kinds


def test_core_authorizations_present(loaded: None) -> None:
    numbers = set(Authorization.objects.values_list("number", flat=True))
    assert {"30724", "30746", "31757", "31758", "32214"} <= numbers
    bills = " ".join(Authorization.objects.values_list("bill_number", flat=True))
    for bill in ("4766", "5111", "6018", "9307", "13436", "1498", "6019"):
        assert bill in bills, bill
    assert Authorization.objects.filter(number__icontains="945-2016").exists()


def test_disagreements_are_kept_with_their_sources(loaded: None) -> None:
    rl = Authorization.objects.get(number="31758")
    numbers = {str(a.value) for a in rl.alternatives.filter(field="number")}
    assert {"31758", "31548"} <= numbers
    siforex = Authorization.objects.get(bill_number__contains="6018")
    votes = {str(a.value) for a in siforex.alternatives.filter(field="vote_for")}
    assert {"76", "77"} <= votes


def test_section_8_corrections_applied(loaded: None) -> None:
    assert Authorization.objects.filter(approved_on=dt.date(2012, 10, 18)).exists()  # A6 date
    a15 = Authorization.objects.get(bill_number__contains="9307")
    assert a15.items.filter(category="aircraft", quantity=4, name__icontains="KC-135").exists()
    assert a15.alternatives.filter(field="vote_for").count() >= 2
    a1 = Authorization.objects.filter(window_start__year=2006).first()
    assert a1 is not None and a1.reliability in {"unverified", "weak"}


def test_legal_framework_facilities_and_agreements(loaded: None) -> None:
    norms = " ".join(LegalNorm.objects.values_list("number", flat=True))
    for number in ("27856", "28899", "30209"):
        assert number in norms
    assert Facility.objects.filter(name_es__icontains="NAMRU").exists()
    assert Facility.objects.filter(name_es__icontains="Santa Luc").exists()
    assert Agreement.objects.filter(estimated_cost=1_500_000_000).exists()
    assert Agreement.objects.filter(signed_on=dt.date(1940, 7, 31)).count() >= 2
