"""The English catalogue is complete: every msgid translated, every model label and choice in English."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

import veeduria

LOCALE = Path(veeduria.__file__).parent / "locale" / "en" / "LC_MESSAGES"
#: Words spelled the same in both languages.
SAME = {
    "URL",
    "commit",
    "actor",
    "sector",
    "acres",
    "base",
    "no",
    "Portal",
    "Total",
    "English",
    "Home",
    "vector",
    "HTML",
}
SAME |= {"PDF", "SHA-256", "OCR"}


def _entries(text: str) -> list[str]:
    return [e for e in text.split("\n\n")[1:] if e.strip() and not e.lstrip().startswith("#~")]


def test_catalogue_complete_and_compiled() -> None:
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert (LOCALE / "django.mo").exists()
    assert "#, fuzzy" not in po
    for entry in _entries(po):
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry, flags=re.M)
        assert msgstrs, entry
        for raw in msgstrs:
            assert "".join(re.findall(r'"(.*)"', raw)), f"untranslated: {entry}"


def test_model_labels_translated() -> None:
    untranslated, checked = [], 0
    for app in ("records", "evidence", "oversight", "documents", "factchecks", "search"):
        for model in apps.get_app_config(app).get_models():
            labels = [model._meta.verbose_name, model._meta.verbose_name_plural]
            for field in model._meta.get_fields():
                labels.append(getattr(field, "verbose_name", ""))
                labels += [label for _value, label in getattr(field, "choices", None) or []]
            for label in labels:
                if not isinstance(label, Promise):
                    continue  # not a translatable string (e.g. a default verbose name)
                checked += 1
                with translation.override("es"):
                    es = str(label)
                with translation.override("en"):
                    en = str(label)
                if es == en and es not in SAME and not re.fullmatch(r"[\w ]*\((es|en)\)", es):
                    untranslated.append(f"{model.__name__}: {es}")
    assert checked > 200
    assert not untranslated, untranslated
