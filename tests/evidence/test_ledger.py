"""The revision ledger on a real database: every write path chains its revisions, ``veeduria ledger verify``
passes on untouched data and names the first revision changed, deleted or inserted behind the program's back,
the migration chains existing rows, exports and pages carry the head."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.conftest import BUNDLED
from tests.portal.test_admin import form_data
from veeduria import cli
from veeduria.evidence import ledger
from veeduria.evidence.models import Revision
from veeduria.evidence.revisions import withdraw
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.importers import run_import
from veeduria.publicdata import cache
from veeduria.publicdata.bundle import ExportSet
from veeduria.publicdata.streams import Selection
from veeduria.records.merge import merge
from veeduria.records.models import Authorization, Funding
from veeduria.records.permissions import ensure_editor_group

IMPORT = Path(__file__).resolve().parents[1] / "ingest" / "fixtures" / "foreignassistance_COL.csv"
ROW = "fa-col-2022-obligation"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ledger.md"


def table() -> str:
    return connection.ops.quote_name(Revision._meta.db_table)


def stored_chain() -> list[tuple[int, str, str]]:
    return list(Revision.objects.order_by("id").values_list("id", "previous_hash", "hash"))


def assert_linked() -> None:
    """Every revision is hashed and points at the one before it."""
    chain = stored_chain()
    assert chain, "no revisions"
    previous = ledger.GENESIS
    for _pk, previous_hash, digest in chain:
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert previous_hash == previous
        previous = digest


@pytest.fixture(autouse=True)
def _english_cli(settings: Any) -> None:
    settings.CLI_LANGUAGE = "en"


@pytest.fixture
def editor(client: Client) -> Client:
    user = User.objects.create_user("eva", password="x", is_staff=True)
    user.groups.add(ensure_editor_group())
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_loader_importer_admin_and_merge_all_chain_their_revisions(mini_dataset: Path, editor: Client) -> None:
    load_folder(mini_dataset, author="test")
    loaded = Revision.objects.count()
    run_import("foreignassistance", IMPORT)
    imported = Revision.objects.count()
    assert imported > loaded
    url = f"/admin/records/funding/{ROW}/change/"
    data = form_data(editor.get(url))
    data.update(amount="555000000", revision_reason="cifra corregida según el informe anual")
    assert editor.post(url, data).status_code == 302
    assert Funding.objects.get(pk=ROW).amount == Decimal("555000000")
    original = Authorization.objects.get(pk="rl-100")
    Authorization.objects.create(id="rl-101", instrument_type="rl", number="101", host_country=original.host_country)
    merge(Authorization, "rl-101", "rl-100", reason="la misma resolución", author="eva")
    assert Revision.objects.filter(author="eva").count() == 2  # the admin's change and the merge
    assert_linked()
    result = ledger.verify()
    assert (result.broken, result.count, result.head) == (None, Revision.objects.count(), stored_chain()[-1][2])


@pytest.mark.django_db
def test_verify_passes_on_the_bundled_data_and_the_command_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    load_folder(BUNDLED, author="init")
    assert cli.main(["ledger", "verify"]) == 0
    count, head = Revision.objects.count(), stored_chain()[-1][2]
    assert capsys.readouterr().out.strip() == f"{count} revisions, head {head}"
    assert cli.main(["ledger", "head"]) == 0
    assert head in capsys.readouterr().out


@pytest.fixture
def chained(mini_dataset: Path) -> list[tuple[int, str, str]]:
    load_folder(mini_dataset, author="test")
    run_import("foreignassistance", IMPORT)
    assert ledger.verify().broken is None
    return stored_chain()


def _broken(capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["ledger", "verify"]) == 1
    return capsys.readouterr().err


@pytest.mark.django_db
def test_a_revision_changed_in_the_database_is_named(
    chained: list[tuple[int, str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    target = chained[len(chained) // 2][0]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table()} SET changes = %s WHERE id = %s", ['{"amount": [null, "1"]}', target])
    broken = ledger.verify().broken
    assert broken is not None and broken.id == target
    row = Revision.objects.get(pk=target)
    assert broken.record.endswith(row.object_id) and broken.date == row.created_at
    message = _broken(capsys)
    assert f"revision {target} (" in message and "content changed" in message


@pytest.mark.django_db
def test_a_deleted_revision_breaks_the_link_of_the_next(
    chained: list[tuple[int, str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    gone, following = chained[3][0], chained[4][0]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table()} WHERE id = %s", [gone])
    broken = ledger.verify().broken
    assert broken is not None and broken.id == following
    assert f"revision {following} (" in _broken(capsys)


@pytest.mark.django_db
def test_an_inserted_revision_is_named(chained: list[tuple[int, str, str]], capsys: pytest.CaptureFixture[str]) -> None:
    first = Revision.objects.order_by("id").first()
    assert first is not None
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table()} (content_type_id, object_id, created_at, author, action, changes, reason, source,"
            " previous_hash, hash) VALUES (%s, %s, %s, 'x', 'update', '{}', '', '', '', '')",
            [first.content_type_id, first.object_id, timezone.now()],
        )
    inserted = Revision.objects.order_by("-id").values_list("id", flat=True)[0]
    broken = ledger.verify().broken
    assert broken is not None and broken.id == inserted
    assert "no hash" in _broken(capsys)


@pytest.mark.django_db
def test_an_inserted_revision_with_a_forged_hash_breaks_the_link_after_it(
    chained: list[tuple[int, str, str]],
) -> None:
    """A forger who recomputes the inserted row's hash still breaks the next revision's link."""
    a, b = chained[5][0], chained[6][0]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table()} SET action = 'withdraw' WHERE id = %s", [a])
    # rehash the changed row, as a forger would, but not the ones after it
    row = next(ledger.rows(Revision.objects.filter(pk=a)))
    forged = ledger.link(row, chained[4][2], ledger.content_type_names())
    Revision.objects.filter(pk=a).update(hash=forged)
    broken = ledger.verify().broken
    assert broken is not None and broken.id == b and "link" in broken.why


@pytest.mark.django_db
def test_the_migration_chains_existing_revisions(chained: list[tuple[int, str, str]]) -> None:
    Revision.objects.update(previous_hash="", hash="")
    assert ledger.verify().broken is not None
    migration = __import__("veeduria.evidence.migrations.0006_revision_ledger", fromlist=["hash_existing"])
    migration.hash_existing(apps, SimpleNamespace(connection=connection))
    assert stored_chain() == chained
    assert ledger.verify().broken is None


@pytest.mark.django_db
def test_the_hash_follows_the_documented_recipe(chained: list[tuple[int, str, str]]) -> None:
    """The canonical JSON of docs/ledger.md, written out by hand for one revision."""
    revision = Revision.objects.order_by("id")[2]
    created = revision.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    text = json.dumps(
        {
            "action": revision.action,
            "author": revision.author,
            "changes": revision.changes,
            "content_type": f"{revision.content_type.app_label}.{revision.content_type.model}",
            "created_at": created,
            "id": revision.pk,
            "object_id": revision.object_id,
            "previous_hash": revision.previous_hash,
            "reason": revision.reason,
            "source": revision.source,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == revision.hash
    assert "ensure_ascii=False" in DOCS.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_exports_carry_the_head_and_the_head_as_of_their_date(tmp_path: Path, mini_dataset: Path) -> None:
    load_folder(mini_dataset, author="test")
    early = list(Revision.objects.order_by("id").values_list("id", flat=True))
    Revision.objects.filter(pk__in=early).update(created_at=timezone.make_aware(dt.datetime(2020, 1, 1, 12)))
    run_import("foreignassistance", IMPORT)
    now = ledger.head()
    data = ExportSet(tmp_path / "now", Selection(), "es").write()
    assert data["ledger_head"]["hash"] == now.hash == stored_chain()[-1][2]
    assert data["ledger_head"]["count"] == Revision.objects.count()
    on_disk = json.loads((tmp_path / "now" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["ledger_head"] == data["ledger_head"]
    then = ExportSet(tmp_path / "then", Selection(as_of=dt.date(2020, 1, 2)), "es").write()["ledger_head"]
    assert then["count"] == len(early)
    assert then["hash"] == Revision.objects.get(pk=early[-1]).hash
    before = ExportSet(tmp_path / "before", Selection(as_of=dt.date(2019, 1, 1)), "es").write()["ledger_head"]
    assert (before["hash"], before["count"], before["date"]) == (ledger.GENESIS, 0, None)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/es/acerca/", "/en/about/", "/es/datos/"])
def test_pages_show_the_head(
    client: Client, mini_dataset: Path, path: str, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATA_DIR = tmp_path / "var"
    monkeypatch.setattr(cache, "start_writing", lambda _language: None)  # no export thread; written here instead
    load_folder(mini_dataset, author="test")
    head = ledger.head()
    _folder, manifest = cache.current_set("es")
    assert manifest["ledger_head"]["hash"] == head.hash
    page = client.get(path).content.decode()
    assert head.hash in page
    assert f"{head.count} revision" in page
    assert "ledger_head" in page


@pytest.mark.django_db
def test_a_revision_written_without_a_hash_is_hashed_by_the_next_write(chained: list[tuple[int, str, str]]) -> None:
    """A writer that inserted a revision and did not seal it: the next writer chains it first, in id order."""
    first = Revision.objects.order_by("id").first()
    assert first is not None
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table()} (content_type_id, object_id, created_at, author, action, changes, reason, source,"
            " previous_hash, hash) VALUES (%s, %s, %s, 'x', 'update', '{}', '', '', '', '')",
            [first.content_type_id, first.object_id, timezone.now()],
        )
    withdraw(Authorization.objects.get(pk="rl-100"), reason="prueba", author="eva")
    assert_linked()
    assert ledger.verify().broken is None
