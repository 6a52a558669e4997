"""Importers of external data sets: ``run_import(FORMAT, FILE)`` and ``import_bundled()``.

Each format has its own module (``fmtrpt``, ``dmdc``, ...) on a shared core: strict reading
(``_read``), value parsers (``_parse``) and the idempotent writer (``_store``). See docs/importers.md.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from veeduria.ingest.importers.errors import ImportFailed, RowError

FORMATS: tuple[str, ...] = ("fmtrpt", "dmdc", "vine-sites", "mme", "foreignassistance", "congress-register", "dod-bsr")
#: How many row errors the one-line message lists before "and N more".
_LISTED_ERRORS = 3

__all__ = ["FORMATS", "ImportFailed", "ImportReport", "RowError", "import_bundled", "run_import"]


@dataclass
class ImportReport:
    created: int
    updated: int
    unchanged: int
    skipped: list[str]
    unknown_columns: list[str]
    #: where the list of skipped rows was written (``--skip-bad-rows``), if any
    report_file: str = ""
    #: rows left out on purpose (another country, rows outside the selection rules)
    filtered: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"]
        if self.filtered:
            parts.append(f"{self.filtered} rows not selected")
        if self.skipped:
            parts.append(f"{len(self.skipped)} bad rows skipped")
        text = "; ".join(parts)
        if self.unknown_columns:
            text += f"\nunknown columns (not imported): {', '.join(self.unknown_columns)}"
        for note in self.notes:
            text += f"\n{note}"
        if self.skipped:
            shown = "\n  ".join(self.skipped[:10])
            more = f"\n  ... and {len(self.skipped) - 10} more" if len(self.skipped) > 10 else ""
            text += f"\nskipped rows:\n  {shown}{more}"
            if self.report_file:
                text += f"\nreport written to {self.report_file}"
        return text


def _module(fmt: str):  # type: ignore[no-untyped-def]
    if fmt not in FORMATS:
        raise ImportFailed(f"unknown import format {fmt!r}; known formats: {', '.join(FORMATS)}")
    return importlib.import_module(f"veeduria.ingest.importers.{fmt.replace('-', '_')}")


def run_import(
    fmt: str,
    path: Path,
    *,
    country: str | None = None,
    skip_bad_rows: bool = False,
    progress: bool | None = None,
    author: str = "import",
) -> ImportReport:
    """Import one file of format ``fmt`` in one transaction; raise :class:`ImportFailed` (nothing written)
    if the file is structurally wrong or, unless ``skip_bad_rows``, if any row is bad."""
    from veeduria.ingest.importers import _store, manifest

    module = _module(fmt)
    path = Path(path)
    if country is not None:
        country = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", country):
            raise ImportFailed(f"--country {country!r}: expected an ISO 3166-1 alpha-3 code such as PER")
    report = ImportReport(0, 0, 0, [], [])
    ctx = _store.Context(
        fmt=fmt,
        path=path,
        country=country,
        skip_bad_rows=skip_bad_rows,
        author=author,
        report=report,
        progress=_store.Progress(f"{fmt} {path.name}", 0, False),
        source_info=manifest.source_info(fmt, path),
        progress_wanted=progress,
    )
    try:
        with _store.fewer_collections(), transaction.atomic():
            ctx.tune()
            module.run(ctx)
            if ctx.errors and not skip_bad_rows:
                raise _Rejected
    except _Rejected:
        raise ImportFailed(_rejection(path, ctx.errors)) from None
    finally:
        ctx.progress.close()
    if report.skipped:
        report.report_file = str(_store.write_report(ctx, report.skipped))
    return report


class _Rejected(Exception):
    pass


def _rejection(path: Path, errors: list[RowError]) -> str:
    first = errors[0]
    text = f"{path}, {first}"
    if len(errors) > 1:
        more = ", ".join(str(e.line) for e in errors[1 : _LISTED_ERRORS + 1])
        ellipsis = ", ..." if len(errors) > _LISTED_ERRORS + 1 else ""
        text += f" (and {len(errors) - 1} more bad rows, at lines {more}{ellipsis})"
    return text + "; nothing imported (--skip-bad-rows imports the other rows)"


def import_bundled(*, progress: bool | None = None) -> list[tuple[str, ImportReport]]:
    """Import every data set listed in ``data/external/manifest.yaml``; returns (label, report) pairs."""
    from veeduria.ingest.importers import manifest

    results = []
    for entry in manifest.entries():
        report = run_import(entry.format, entry.path, country=entry.country, progress=progress)
        results.append((f"{entry.format} {entry.file}", report))
    return results
