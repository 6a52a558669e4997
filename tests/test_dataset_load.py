"""The dataset loader: validation messages, idempotence, revisions, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from veeduria.evidence.models import AlternativeValue, Citation, Revision, Source
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.validate import DatasetInvalid, validate_folder
from veeduria.records.models import Authorization, Country

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = (Source, Country, Authorization, Citation, AlternativeValue, Revision)
    return {m.__name__: m.objects.count() for m in models}


def test_load_creates_records_with_children_citations_and_alternatives(mini_dataset: Path) -> None:
    report = load_folder(mini_dataset)
    assert report.created["authorizations"] == 1
    rl = Authorization.objects.get(pk="rl-100")
    assert rl.window_start_precision == "month"
    assert rl.approved_precision == "day"
    assert [p.count for p in rl.personnel.all()] == [25]
    assert rl.citations.count() == 2
    assert sorted(a.value for a in rl.alternatives.all()) == [76, 77]
    assert rl.revisions.get().action == "create"


def test_second_load_changes_nothing(mini_dataset: Path) -> None:
    load_folder(mini_dataset)
    before = counts()
    report = load_folder(mini_dataset)
    assert counts() == before
    assert sum(report.created.values()) == sum(report.updated.values()) == 0


def test_changed_value_updates_record_and_adds_revision(mini_dataset: Path) -> None:
    load_folder(mini_dataset)
    path = mini_dataset / "authorizations.yaml"
    path.write_text(path.read_text().replace("personnel_total: 25", "personnel_total: 30"))
    before = counts()
    report = load_folder(mini_dataset, author="tester", reason="annex read")
    assert report.updated["authorizations"] == 1
    assert Authorization.objects.get(pk="rl-100").personnel_total == 30
    after = counts()
    assert after["Revision"] == before["Revision"] + 1
    revision = Revision.objects.filter(object_id="rl-100").first()
    assert revision is not None
    assert revision.changes == {"personnel_total": [25, 30]}
    assert (revision.author, revision.reason) == ("tester", "annex read")


def _error_of(folder: Path) -> str:
    with pytest.raises(DatasetInvalid) as info:
        validate_folder(folder)
    return "\n".join(info.value.errors)


def test_misspelled_field_names_file_record_and_field(mini_dataset: Path) -> None:
    path = mini_dataset / "authorizations.yaml"
    path.write_text(path.read_text().replace("personnel_total:", "personel_total:"))
    message = _error_of(mini_dataset)
    assert "authorizations.yaml:1: record 'rl-100'" in message
    assert "unknown field 'personel_total' (did you mean 'personnel_total'?)" in message


def test_missing_source_is_rejected_and_database_unchanged(mini_dataset: Path) -> None:
    load_folder(mini_dataset)
    before = counts()
    path = mini_dataset / "authorizations.yaml"
    path.write_text(
        path.read_text()
        .replace("source: src-press-b", "source: src-gone")
        .replace("personnel_total: 25", "personnel_total: 99")
    )
    with pytest.raises(DatasetInvalid) as info:
        load_folder(mini_dataset)
    assert "record 'rl-100': alternatives[2]: field 'source': no source with id 'src-gone'" in str(info.value.errors)
    assert counts() == before
    assert Authorization.objects.get(pk="rl-100").personnel_total == 25


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("vote_for: 76\n", "vote_for: many\n", "field 'vote_for': a whole number is expected, got 'many'"),
        ("vote_against: 23", "vote_against: -1", "field 'vote_against': must not be negative"),
        ("approved_on: 2023-05-19", "approved_on: 19/05/2023", "field 'approved_on': '19/05/2023' is not a date"),
        ("instrument_type: rl", "instrument_type: law", "field 'instrument_type': 'law' is not one of"),
        ("host_country: hst", "host_country: xxx", "field 'host_country': no country with id 'xxx'"),
        (
            '    - {source: src-official, quote: "autoriza el ingreso"}\n'
            '    - {source: src-press-a, field: vote_for, locator: "párr. 3"}\n',
            "    []\n",
            "field 'citations': every published record needs at least one citation",
        ),
        (
            "value: 76, source: src-press-a, preferred: true",
            "value: 75, source: src-press-a, preferred: true",
            "alternatives for 'vote_for': the preferred value 75 differs from the record's value 76",
        ),
        ('  number: "100"\n', '  number: "100"\n  number: "101"\n', "duplicate key 'number'"),
        (
            "{start: 2023-06-01, end: 2023-09-30}",
            "{start: 2023-06, end: 2023-09-30}",
            "periods[1]: field 'start': a full date (YYYY-MM-DD) is required",
        ),
    ],
)
def test_bad_values_are_named(mini_dataset: Path, old: str, new: str, expected: str) -> None:
    path = mini_dataset / "authorizations.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    assert expected in _error_of(mini_dataset)


def test_unknown_file_and_bad_yaml(mini_dataset: Path) -> None:
    (mini_dataset / "authorisations.yaml").write_text("- id: x\n")
    (mini_dataset / "countries.yaml").write_text("- id: [unclosed\n")
    message = _error_of(mini_dataset)
    assert "authorisations.yaml: unknown file 'authorisations' (did you mean 'authorizations'?)" in message
    assert "countries.yaml: line" in message


def test_record_owned_keys_only(mini_dataset: Path) -> None:
    """A key absent from the YAML leaves the stored value alone (an importer may have filled it)."""
    load_folder(mini_dataset)
    Authorization.objects.filter(pk="rl-100").update(official_url="https://example.org/rl-100.pdf")
    load_folder(mini_dataset)
    assert Authorization.objects.get(pk="rl-100").official_url == "https://example.org/rl-100.pdf"
