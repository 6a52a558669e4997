"""Rewrite the generated field tables of docs/dataset-format.md from the models."""

import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veeduria.settings")
django.setup()

from veeduria.ingest.schema_doc import update_document  # noqa: E402

update_document(Path(__file__).with_name("dataset-format.md"))
