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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        """What the import did, in the active language (several lines)."""
        parts = [
            _("%(created)d creados, %(updated)d actualizados, %(unchanged)d sin cambios")
            % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        ]
        if self.filtered:
            n = self.filtered
            parts.append(ngettext("%(n)d fila no seleccionada", "%(n)d filas no seleccionadas", n) % {"n": n})
        if self.skipped:
            n = len(self.skipped)
            parts.append(ngettext("%(n)d fila errónea omitida", "%(n)d filas erróneas omitidas", n) % {"n": n})
        lines = ["; ".join(parts)]
        if self.unknown_columns:
            lines.append(
                _("columnas desconocidas (no importadas): %(columns)s") % {"columns": ", ".join(self.unknown_columns)}
            )
        lines.extend(self.notes)
        if self.skipped:
            lines.append(_("filas omitidas:"))
            lines.extend(f"  {s}" for s in self.skipped[:10])
            if len(self.skipped) > 10:
                lines.append("  " + _("... y %(n)d más") % {"n": len(self.skipped) - 10})
            if self.report_file:
                lines.append(_("informe escrito en %(file)s") % {"file": self.report_file})
        return "\n".join(lines)


def _module(fmt: str):  # type: ignore[no-untyped-def]
    if fmt not in FORMATS:
        raise ImportFailed(
            _("formato de importación desconocido %(format)s; formatos: %(known)s")
            % {"format": repr(fmt), "known": ", ".join(FORMATS)}
        )
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
    if the file is structurally wrong or, unless ``skip_bad_rows``, if any row is bad. A file none of whose rows
    is created, updated or found unchanged writes nothing at all (not even its source)."""
    from veeduria.ingest.importers import _store, manifest

    module = _module(fmt)
    path = Path(path)
    if country is not None:
        country = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", country):
            raise ImportFailed(
                _("--country %(country)s: se esperaba un código ISO 3166-1 alfa-3, como PER")
                % {"country": repr(country)}
            )
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
            if not (report.created or report.updated or report.unchanged):
                raise _Nothing  # nothing of the file was kept: neither is its source (or anything else)
    except _Rejected:
        raise ImportFailed(_rejection(path, ctx.errors)) from None
    except _Nothing:
        report.notes.append(_("ninguna fila importada: no se guardó nada, tampoco la fuente del archivo"))
    finally:
        ctx.progress.close()
    if report.skipped:
        report.report_file = str(_store.write_report(ctx, report.skipped))
    return report


class _Rejected(Exception):
    pass


class _Nothing(Exception):
    """No row of the file was kept: the run's transaction is rolled back."""


def _rejection(path: Path, errors: list[RowError]) -> str:
    """The one-line message of a file rejected for bad rows: the first one, and where the others are."""
    if len(errors) == 1:
        return _("%(file)s, %(error)s (--skip-bad-rows importa las demás filas)") % {
            "file": path,
            "error": errors[0],
        }
    lines = ", ".join(str(e.line) for e in errors[1 : _LISTED_ERRORS + 1])
    if len(errors) > _LISTED_ERRORS + 1:
        lines += ", ..."
    n = len(errors) - 1
    return ngettext(
        "%(file)s, %(error)s (y %(n)d fila errónea más, en la línea %(lines)s; "
        "--skip-bad-rows importa las demás filas)",
        "%(file)s, %(error)s (y %(n)d filas erróneas más, en las líneas %(lines)s; "
        "--skip-bad-rows importa las demás filas)",
        n,
    ) % {"file": path, "error": errors[0], "n": n, "lines": lines}


def import_bundled(*, progress: bool | None = None) -> list[tuple[str, ImportReport]]:
    """Import every data set listed in ``data/external/manifest.yaml``; returns (label, report) pairs."""
    from veeduria.ingest.importers import manifest

    results = []
    for entry in manifest.entries():
        report = run_import(entry.format, entry.path, country=entry.country, progress=progress)
        results.append((f"{entry.format} {entry.file}", report))
    return results
