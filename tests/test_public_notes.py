"""Public notes of the bundled dataset are written for readers: no research-row ids, abbreviated addresses,
field names or to-dos (those belong in ``editor_notes``, which is never published)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "peru-us"
#: files whose public notes were audited for readers
AUDITED = ["sources", "authorizations", "agreements", "actors", "personnel_counts", "facilities", "statements"]
EDITORS_ONLY = [
    re.compile(r"\b(Fila|Row) [A-Z]\d+"),
    re.compile(r"^[A-Z]\d+[.(]"),
    re.compile(r"Direcci[oó]n abreviada|Sin direcci[oó]n|abbreviated address", re.I),
    re.compile(r"\b[a-z]+_[a-z_]+\s*=|\b(bill_number|window_start|window_end|personnel_total|host_country)\b"),
    re.compile(r"archivo de investigaci[oó]n|research file|el modelo|the model has", re.I),
    re.compile(r"\b(dividir|to split|TODO)\b"),
]


@pytest.mark.parametrize("name", AUDITED)
def test_public_notes_are_for_readers(name: str) -> None:
    records = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8")) or []
    bad = []
    for record in records:
        for key in ("notes", "notes_es", "notes_en"):
            text = record.get(key) or ""
            bad += [f"{record['id']}.{key}: {p.pattern}" for p in EDITORS_ONLY if p.search(text)]
    assert not bad, bad


def test_bilingual_notes_come_in_pairs() -> None:
    for name in AUDITED:
        for record in yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8")) or []:
            assert bool(record.get("notes_es")) == bool(record.get("notes_en")), (name, record["id"])
