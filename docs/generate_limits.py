"""Rewrite the generated table of text fields in docs/limits.md from the models."""

import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veeduria.settings")
django.setup()

from veeduria.ingest.limits import update_document  # noqa: E402

update_document(Path(__file__).with_name("limits.md"))
