"""What ``veeduria export --all DIR`` and ``veeduria export --as-of DATE`` do (called by :mod:`veeduria.cli`)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from django.utils.translation import gettext as _

from veeduria.publicdata.bundle import ExportSet
from veeduria.publicdata.streams import Selection, SourceBriefs, iter_type
from veeduria.records.registry import RECORD_TYPES


def write_all(folder: Path, selection: Selection, language: str, base_url: str | None) -> dict[str, Any]:
    """Write the whole export set into ``folder``, telling on stderr which table is being written."""

    template = _("exportando %(table)s…")  # in the command's language, not the export's

    def progress(key: str) -> None:
        print(template % {"table": key}, file=sys.stderr, flush=True)

    return ExportSet(folder, selection, language, progress).write(base_url=base_url)


def write_jsonl_as_of(
    out: TextIO, day: dt.date, *, types: list[str] | None, include_withdrawn: bool, include_sources: bool
) -> int:
    """The JSON Lines export (records, then the sources if asked) as the data stood at the end of ``day``."""
    selection = Selection(as_of=day, include_withdrawn=include_withdrawn)
    briefs = SourceBriefs()
    keys = [rt.key for rt in RECORD_TYPES if not types or rt.key in types]
    if include_sources:
        keys.append("sources")
    count = 0
    for key in keys:
        for row in iter_type(key, selection, briefs):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
