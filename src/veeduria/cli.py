"""The ``veeduria`` command. Each subcommand is a thin call into a library function.

Exit codes: 0 success; 1 failure, with a one-line reason on stderr; 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO


class CommandError(Exception):
    """A failure to report on one line of stderr."""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veeduria.settings")
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    translation.activate(settings.CLI_LANGUAGE)


def _(message: str) -> str:
    from django.utils.translation import gettext

    return gettext(message)


def _problems(errors: list[str]) -> str:
    return _("%(n)d problema(s); el primero: %(first)s") % {"n": len(errors), "first": errors[0]}


def _unknown_type(name: str) -> str:
    from veeduria.records.registry import BY_KEY

    return _("tipo desconocido %(type)s; tipos: %(known)s") % {"type": repr(name), "known": ", ".join(BY_KEY)}


def _ensure_dirs() -> None:
    from django.conf import settings

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    _ensure_dirs()
    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_init(args: argparse.Namespace) -> int:
    """Create or migrate the database; on an empty database load the bundled data."""
    from django.conf import settings

    from veeduria.records.models import Country
    from veeduria.secret_key import write_key_file

    if settings.SECRET_KEY_IS_EPHEMERAL and write_key_file():
        print(_("clave secreta nueva en %(file)s") % {"file": settings.SECRET_KEY_FILE}, file=sys.stderr)
    _migrate()
    try:
        from veeduria.records.permissions import ensure_editor_group
    except ImportError:  # pragma: no cover - the editors' group arrives with the admin
        pass
    else:
        ensure_editor_group()
    if args.no_load or Country.objects.exists():
        print(_("base de datos lista"))
        return 0
    from veeduria.ingest.dataset import load_folder

    folder = Path(args.dataset or settings.DEFAULT_DATASET_DIR)
    print(_("base de datos vacía: cargando %(folder)s") % {"folder": folder}, file=sys.stderr)
    print(load_folder(folder, author="init").summary())
    try:
        from veeduria.ingest.importers import import_bundled
    except ImportError:  # pragma: no cover - importers are optional at this stage
        return 0
    for name, report in import_bundled(progress=None):
        print(f"{name}: {report.summary()}")
    _apply_merges(folder)
    _recompute_findings()
    _reindex()
    _warm_counts()
    return 0


def _warm_counts() -> None:
    """Count what the pages keep per data version, now that the data changed (``veeduria.counts_cache``)."""
    from veeduria.portal.warm_counts import warm_counts

    warm_counts()


def _reindex() -> None:
    """Rebuild the search index from the database and print how many passages it holds."""
    from veeduria.search.service import reindex

    print(_("índice de búsqueda: %(n)d pasajes") % {"n": reindex()})


def _recompute_findings() -> None:
    """Replace every compliance finding and print how many there are."""
    from veeduria.oversight.engine import recompute_all

    print(_("hallazgos: %(n)d") % {"n": recompute_all()})


def _apply_merges(folder: Path) -> None:
    """Apply the dataset's ``merges.yaml`` (records found to be the same), after the imports."""
    from veeduria.records.merge import apply_merges

    path = folder / "merges.yaml"
    if path.exists():
        done, _skipped = apply_merges(path, author="init")
        print(_("fusiones: %(n)d aplicadas") % {"n": len(done)})


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a dataset folder without writing."""
    from veeduria.ingest.dataset import check_folder
    from veeduria.ingest.validate import DatasetInvalid

    try:
        dataset = check_folder(Path(args.path))
    except DatasetInvalid as exc:
        for line in exc.errors[1:]:
            print(line, file=sys.stderr)
        raise CommandError(_problems(exc.errors)) from exc
    print(_("%(path)s: válido, %(n)d registros") % {"path": args.path, "n": dataset.count()})
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """Validate and load a dataset folder (idempotent)."""
    from veeduria.ingest.dataset import load_folder
    from veeduria.ingest.validate import DatasetInvalid

    _migrate()
    try:
        report = load_folder(Path(args.path), author=args.author, reason=args.reason)
    except DatasetInvalid as exc:
        for line in exc.errors[1:]:
            print(line, file=sys.stderr)
        raise CommandError(_("no se cargó nada: %(problems)s") % {"problems": _problems(exc.errors)}) from exc
    print(report.summary())
    if sum(report.created.values()) or sum(report.updated.values()):
        _warm_counts()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import one file of a public data set."""
    from veeduria.ingest.importers import ImportFailed, run_import

    _migrate()
    try:
        report = run_import(
            args.format, Path(args.file), country=args.country, skip_bad_rows=args.skip_bad_rows, author=args.author
        )
    except ImportFailed as exc:
        raise CommandError(_("no se importó nada: %(error)s") % {"error": exc}) from exc
    print(report.summary())
    if report.created or report.updated:  # bulk writes bypass the per-record recomputation of the findings
        _recompute_findings()
        _warm_counts()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write every published record as JSON Lines."""
    from veeduria.records.export import write_jsonl
    from veeduria.records.registry import BY_KEY

    if args.all:
        return _export_all(args)
    if args.format == "claimreview":
        if args.as_of:
            raise CommandError(_("--format claimreview no admite --as-of"))
        return _export_claim_reviews(args)
    types = args.type or None
    for t in types or []:
        if t not in BY_KEY:
            raise CommandError(_unknown_type(t))
    if args.as_of:
        from functools import partial

        from veeduria.publicdata.command import write_jsonl_as_of

        write = partial(write_jsonl_as_of, day=args.as_of)
    else:
        write = write_jsonl  # type: ignore[assignment]
    out: TextIO
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8") as out:
            count = write(
                out, types=types, include_withdrawn=args.include_withdrawn, include_sources=args.include_sources
            )
        print(_("%(n)d registros escritos en %(file)s") % {"n": count, "file": args.output}, file=sys.stderr)
    else:
        write(sys.stdout, types=types, include_withdrawn=args.include_withdrawn, include_sources=args.include_sources)
    return 0


def _iso_date(text: str) -> Any:
    """A ``YYYY-MM-DD`` day for ``--as-of`` (anything else is a usage error)."""
    import datetime as dt

    return dt.date.fromisoformat(text)


def _export_all(args: argparse.Namespace) -> int:
    """The whole export set (CSV, JSON Lines, GeoJSON, ClaimReview, SQLite, manifest.json) into a folder."""
    from veeduria.publicdata.command import write_all
    from veeduria.publicdata.streams import Selection

    if args.output or args.type or args.include_sources or args.format != "jsonl":
        raise CommandError(_("--all escribe todos los archivos: no admite -o, --type, --include-sources ni --format"))
    selection = Selection(as_of=args.as_of, include_withdrawn=args.include_withdrawn)
    data = write_all(Path(args.all), selection, args.language, args.base_url)
    print(_("%(n)d archivos escritos en %(folder)s") % {"n": len(data["files"]), "folder": args.all}, file=sys.stderr)
    return 0


def _export_claim_reviews(args: argparse.Namespace) -> int:
    """Every claim's current review as a JSON array of schema.org ClaimReview objects."""
    import json

    from django.conf import settings

    from veeduria.factchecks.claimreview import export_claim_reviews

    if args.type or args.include_withdrawn or args.include_sources:
        raise CommandError(_("--format claimreview no admite --type, --include-withdrawn ni --include-sources"))
    reviews = export_claim_reviews(args.base_url or settings.SITE_URL, args.language)
    text = json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
        print(
            _("%(n)d verificaciones escritas en %(file)s") % {"n": len(reviews), "file": args.output}, file=sys.stderr
        )
    else:
        sys.stdout.write(text)
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    """Withdraw a record from publication with a reason; it stays retrievable with its history."""
    from veeduria.evidence.models import Status
    from veeduria.evidence.revisions import withdraw
    from veeduria.records.registry import BY_KEY

    if args.type not in BY_KEY:
        raise CommandError(_unknown_type(args.type))
    if not args.reason.strip():
        raise CommandError(_("--reason debe decir por qué se retira el registro"))
    model = BY_KEY[args.type].model
    obj = model._default_manager.filter(pk=args.id).first()
    if obj is None:
        raise CommandError(_("no existe un registro %(type)s con id %(id)s") % {"type": args.type, "id": repr(args.id)})
    if obj.status == Status.WITHDRAWN:  # type: ignore[attr-defined]
        raise CommandError(_("%(type)s %(id)s ya está retirado") % {"type": args.type, "id": repr(args.id)})
    withdraw(obj, reason=args.reason, author=args.author)  # type: ignore[arg-type]
    print(_("%(type)s %(id)s retirado") % {"type": args.type, "id": repr(args.id)})
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    """List probable duplicates for editors (see docs/identity.md)."""
    import json

    from django.utils.translation import get_language

    from veeduria.records.duplicates import PROFILES, find_duplicates

    types = args.type or list(PROFILES)
    for t in types:
        if t not in PROFILES:
            raise CommandError(
                _("no se buscan duplicados de %(type)s; tipos: %(known)s")
                % {"type": repr(t), "known": ", ".join(PROFILES)}
            )
    found = [c for t in types for c in find_duplicates(t, min_score=args.min_score)]
    if args.format == "json":
        print(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=1))
        return 0
    lang = get_language() or "es"
    for c in found:
        print(f"{c.score:.2f}  {c.a.type}  {c.a.id} ~ {c.b.id}")
        print(f"      {c.a.id}: {c.a.title}")
        print(f"      {c.b.id}: {c.b.title}")
        for r in c.reasons:
            print(f"      - {r.get(lang)}")
    print(_("%(n)d candidatos") % {"n": len(found)}, file=sys.stderr)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge a record into another that describes the same thing; the old id redirects to the survivor."""
    from veeduria.records.merge import MergeRefused, merge
    from veeduria.records.registry import BY_KEY

    if args.type not in BY_KEY:
        raise CommandError(_unknown_type(args.type))
    try:
        result = merge(BY_KEY[args.type].model, args.old_id, args.survivor_id, reason=args.reason, author=args.author)
    except MergeRefused as exc:
        raise CommandError(_("no se fusionó nada: %(error)s") % {"error": exc}) from exc
    print(
        _("%(type)s %(old)s fusionado en %(new)s (campos completados: %(filled)s; valores alternativos: %(alts)s)")
        % {
            "type": args.type,
            "old": repr(result.old_id),
            "new": repr(result.new_id),
            "filled": ", ".join(result.filled) or "-",
            "alts": ", ".join(result.alternatives) or "-",
        }
    )
    return 0


def cmd_oversight(args: argparse.Namespace) -> int:
    """List the compliance findings of one severity, or recompute them all."""
    from django.utils.translation import get_language

    from veeduria.oversight import output
    from veeduria.oversight.queries import list_findings

    if args.action == "recompute":
        _recompute_findings()
        return 0
    data = output.rows(list_findings(severity=args.severity))
    if args.format == "json":
        print(output.to_json(data))
    elif args.format == "csv":
        sys.stdout.write(output.to_csv(data))
    elif data:
        print(output.to_text(data, get_language() or "es"))
    return 1 if data else 0


def cmd_documents(args: argparse.Namespace) -> int:
    """Add primary documents, list them, extract their text (see docs/documents.md)."""
    from veeduria.documents import adding, extraction

    try:
        if args.action == "list":
            for line in extraction.listing():
                print(line)
            return 0
        if args.action == "add":
            added = adding.add_files([Path(f) for f in args.files], source_id=args.source)
            for item in added:
                print(adding.describe_added(item))
            todo = [item.document for item in added if not item.duplicate]
        else:
            todo = extraction.to_extract(args.ids, retry_failed=args.retry_failed)
    except adding.DocumentRefused as exc:
        for line in exc.problems[1:]:
            print(line, file=sys.stderr)
        raise CommandError(_problems(exc.problems)) from exc
    for document in extraction.extract_with_progress(todo):
        print(extraction.describe(document))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Search every record type and document page, or rebuild the search index (``reindex``)."""
    import json

    from django.utils.translation import get_language, ngettext

    from veeduria.search import params
    from veeduria.search.service import search

    if args.query == ["reindex"]:
        _reindex()
        return 0
    checked = params.check(args.type or "", args.year or "", args.country or "", args.source_kind or "")
    if checked.errors:
        raise CommandError(" ".join(checked.errors))
    lang = (get_language() or "es")[:2]
    result = search(" ".join(args.query), checked.filters, page=args.page, limit=args.limit, lang=lang)
    if args.format == "json":
        rows = [
            {
                "type": h.type,
                "id": h.record_id,
                "page": h.page or None,
                "title": h.title(lang),
                "score": h.score,
                "snippet_html": str(h.snippet),
            }
            for h in result.hits
        ]
        print(
            json.dumps(
                {"query": str(result.query), "count": result.total, "results": rows, "facets": result.facets},
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    for h in result.hits:
        page = f"  p. {h.page}" if h.page else ""
        print(f"{h.type}  {h.record_id}{page}  {h.title(lang)}")
        print(f"    {_plain(str(h.snippet))}")
    found = ngettext("%(n)d resultado para %(query)s", "%(n)d resultados para %(query)s", result.total)
    print(found % {"n": result.total, "query": str(result.query) or "-"}, file=sys.stderr)
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    """Match a text to checked claims, compute claim vectors, or evaluate matching (docs/claim-matching.md)."""
    from veeduria.factchecks import matching_cli

    try:
        if args.action == "match":
            return matching_cli.match(" ".join(args.text), args.limit, args.format)
        if args.action == "embed":
            return matching_cli.embed()
        cache = Path(args.vector_cache) if args.vector_cache else None
        return matching_cli.evaluate_files(
            Path(args.collection), Path(args.queries), Path(args.qrels), args.method, cache
        )
    except matching_cli.ClaimsCommandError as exc:
        raise CommandError(str(exc)) from exc


def _plain(html_text: str) -> str:
    """A snippet for a terminal: the marks as [brackets], the entities decoded."""
    import html

    return html.unescape(html_text.replace("<mark>", "[").replace("</mark>", "]"))


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the portal with waitress (``veeduria.server``: slow clients hold no thread; request limits)."""
    from django.core.exceptions import ImproperlyConfigured

    from veeduria.server import serve

    try:
        from veeduria.wsgi import application
    except ImproperlyConfigured as exc:
        print(exc, file=sys.stderr)
        return 2
    _ensure_dirs()
    try:
        serve(application, args.host, args.port, args.workers)
    except OSError as exc:
        print(f"{args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def cmd_secret_key(args: argparse.Namespace) -> int:
    """Print a new secret key, or write one to the data directory's key file (never replacing one)."""
    from django.conf import settings

    from veeduria.secret_key import new_key, write_key_file

    if not args.write:
        print(new_key())
        return 0
    if write_key_file():
        print(_("clave secreta nueva en %(file)s") % {"file": settings.SECRET_KEY_FILE})
        return 0
    print(_("%(file)s ya existe: se conserva") % {"file": settings.SECRET_KEY_FILE}, file=sys.stderr)
    return 1


def cmd_manage(args: argparse.Namespace) -> int:
    """Run a Django management command (e.g. createsuperuser)."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["veeduria", *args.rest])
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Write the anonymous site as static files into DIR (only what changed)."""
    from veeduria.publish.site import publish

    report = publish(Path(args.dir), args.base_url)
    for line in report.failed:
        print(line, file=sys.stderr)
    print(
        _("%(pages)d archivos; %(written)d escritos; %(deleted)d borrados")
        % {"pages": report.pages, "written": len(report.written), "deleted": len(report.deleted)},
        file=sys.stderr,
    )
    return 1 if report.failed else 0


def _table_progress(table: str, rows: int) -> None:
    if rows:
        print(f"{table}: {rows}", file=sys.stderr)


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a consistent snapshot of the database and of the stored documents to FILE (docs/backup.md)."""
    from veeduria.backup.errors import BackupError
    from veeduria.backup.write import write_backup

    try:
        manifest = write_backup(Path(args.file), progress=_table_progress if args.verbose else None)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    print(
        _("%(file)s: %(rows)d filas de %(tables)d tablas, %(docs)d documentos, SHA-256 %(sha)s")
        % {
            "file": args.file,
            "rows": sum(manifest.tables.values()),
            "tables": len(manifest.tables),
            "docs": len(manifest.documents),
            "sha": manifest.data_sha256,
        }
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into an empty database: all or nothing, then rebuild the search index (docs/backup.md)."""
    from veeduria.backup.errors import BackupError
    from veeduria.backup.read import BackupFile
    from veeduria.backup.restore import restore_backup

    try:
        with BackupFile(Path(args.file)) as backup:
            _migrate()
            counts = restore_backup(backup, progress=_table_progress if args.verbose else None)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    print(_("%(file)s: %(rows)d filas restauradas") % {"file": args.file, "rows": sum(counts.values())})
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    """``ledger verify``: recompute the revision chain (exit 1 naming the first broken revision); ``ledger head``."""
    from veeduria.evidence import ledger

    if args.action == "head":
        from veeduria.publicdata.as_of import end_of_day

        head = ledger.head(end_of_day(args.as_of) if args.as_of else None)
        date = head.date.isoformat() if head.date else ""
        print(_("cabeza %(hash)s, %(n)d revisiones, %(date)s") % {"hash": head.hash, "n": head.count, "date": date})
        return 0
    from veeduria.evidence.models import Revision
    from veeduria.ingest.importers._store import Progress

    bar = Progress(_("revisiones"), Revision.objects.count(), None, unit=_("revisiones"))
    try:
        result = ledger.verify(progress=bar.advance)
    finally:
        bar.close()
    if result.broken is not None:
        raise CommandError(str(result.broken))
    print(_("%(n)d revisiones, cabeza %(hash)s") % {"n": result.count, "hash": result.head})
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """Editors' API tokens (docs/api.md): ``create`` prints the secret once on stdout, ``list``, ``revoke``."""
    import datetime as dt

    from django.utils import timezone

    from veeduria.api.models import ApiToken
    from veeduria.api.tokens import TokenRefused, create_token, revoke_token

    try:
        if args.action == "create":
            expires = None
            if args.expires:
                try:
                    day = dt.date.fromisoformat(args.expires)
                except ValueError as exc:
                    raise CommandError(
                        _("--expires debe ser una fecha AAAA-MM-DD: %(v)s") % {"v": args.expires}
                    ) from exc
                expires = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            token, secret = create_token(args.user, args.name, expires)
            print(
                _("token %(prefix)s… creado para %(user)s; su secreto no se mostrará otra vez:")
                % {"prefix": token.prefix, "user": args.user},
                file=sys.stderr,
            )
            print(secret)
        elif args.action == "revoke":
            token = revoke_token(args.prefix)
            print(_("token %(prefix)s… (%(name)s) revocado") % {"prefix": token.prefix, "name": token.name})
        else:
            for t in ApiToken.objects.select_related("owner").order_by("created_at", "pk"):
                state = _("revocado") if t.revoked_at else (t.problem() and _("vencido")) or _("vigente")
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-"
                print(f"{t.prefix}\t{t.owner.get_username()}\t{t.name}\t{t.created_at:%Y-%m-%d}\t{used}\t{state}")
    except TokenRefused as exc:
        raise CommandError(str(exc)) from exc
    return 0


def build_parser() -> argparse.ArgumentParser:
    from veeduria.records.duplicates import DEFAULT_MIN_SCORE  # plain Python: no Django needed yet

    parser = argparse.ArgumentParser(
        prog="veeduria",
        description="Veeduría: evidence-based observatory of foreign military presence and cooperation.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, "create or migrate the database; load the bundled data into an empty database")
    p.add_argument("--dataset", help="dataset folder to load (default: the bundled data/peru-us)")
    p.add_argument("--no-load", action="store_true", help="only create or migrate the database")

    p = add("check", cmd_check, "validate a dataset folder without writing anything")
    p.add_argument("path", help="dataset folder (one YAML file per record type)")

    p = add("load", cmd_load, "validate and load a dataset folder (idempotent; all or nothing)")
    p.add_argument("path", help="dataset folder")
    p.add_argument("--author", default="dataset", help="name recorded in the revisions (default: dataset)")
    p.add_argument("--reason", default="", help="reason recorded in the revisions")

    from veeduria.ingest.importers_formats import FORMATS

    p = add("import", cmd_import, "import one file of a public data set (strict, idempotent, all or nothing)")
    p.add_argument("format", choices=FORMATS, help="file format")
    p.add_argument("file", help="the file to import")
    p.add_argument("--country", metavar="ISO3", help="host country (ISO 3166-1 alpha-3), e.g. PER")
    p.add_argument("--skip-bad-rows", action="store_true", help="import the good rows, report the bad ones")
    p.add_argument("--author", default="import", help="name recorded in the revisions")

    p = add("export", cmd_export, "write every published record as JSON Lines (type, id, fields, citations)")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--type", action="append", help="only this record type (repeatable)")
    p.add_argument("--include-withdrawn", action="store_true", help="also withdrawn records")
    p.add_argument("--include-sources", action="store_true", help="also the sources, after the records")
    p.add_argument(
        "--format",
        choices=["jsonl", "claimreview"],
        default="jsonl",
        help="jsonl: every record (default); claimreview: the fact-checks as a JSON array of schema.org ClaimReview",
    )
    p.add_argument(
        "--language",
        choices=["es", "en"],
        default="es",
        help="claimreview and --all: language of texts, URLs and CSV headers",
    )
    p.add_argument(
        "--all", metavar="DIR", help="write every file (CSV, JSON Lines, GeoJSON, SQLite, manifest) into DIR"
    )
    p.add_argument(
        "--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="the public data as it stood at the end of that day"
    )
    p.add_argument("--base-url", help="claimreview: the portal's address (default: VEEDURIA_SITE_URL)")

    p = add("withdraw", cmd_withdraw, "withdraw a record from publication, with a reason (nothing is deleted)")
    p.add_argument("type", help="record type, e.g. authorizations")
    p.add_argument("id", help="record id, e.g. rl-32214")
    p.add_argument("--reason", required=True, help="why the record is withdrawn (shown on its page)")
    p.add_argument("--author", default="cli", help="name recorded in the revision")

    p = add("duplicates", cmd_duplicates, "list probable duplicate records for editors, with a score and reasons")
    p.add_argument("--type", action="append", help="only this record type (repeatable), e.g. authorizations")
    p.add_argument(
        "--min-score",
        type=float,
        default=DEFAULT_MIN_SCORE,
        help=f"lowest score listed, 0–1 (default {DEFAULT_MIN_SCORE})",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")

    p = add("merge", cmd_merge, "merge a record into another (the old id redirects; citations and history kept)")
    p.add_argument("type", help="record type, e.g. authorizations")
    p.add_argument("old_id", help="the id that disappears (its address redirects to the survivor)")
    p.add_argument("survivor_id", help="the id that stays")
    p.add_argument("--reason", required=True, help="the evidence that both describe the same thing")
    p.add_argument("--author", default="cli", help="name recorded in the revision")

    p = add("oversight", cmd_oversight, "compliance findings (exit 1 when findings of the severity exist)")
    p.add_argument("action", nargs="?", choices=("recompute",), help="recompute: replace every finding")
    p.add_argument("--severity", choices=("violation", "undetermined", "notice"), default="violation")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output format (default text)")

    p = add("documents", cmd_documents, "primary documents: add files, list them, extract their text per page")
    docs = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = docs.add_parser("add", help="store files (PDF, HTML, text) once by SHA-256 and extract their text")
    q.add_argument("files", nargs="+", metavar="FILE", help="the files to add")
    q.add_argument("--source", metavar="ID", help="the id of the source the documents belong to")
    docs.add_parser("list", help="every document: id, status, pages, type, size, SHA-256, title")
    q = docs.add_parser("extract", help="extract the text of pending documents (or of the given ids)")
    q.add_argument("ids", nargs="*", type=int, metavar="ID", help="only these documents (again, whatever their status)")
    q.add_argument("--retry-failed", action="store_true", help="also those that failed, were corrupt or timed out")

    p = add("search", cmd_search, "search every record and document page; `veeduria search reindex` rebuilds the index")
    p.add_argument("query", nargs="+", help='words, "a phrase", prefix*; or reindex')
    p.add_argument("--type", help="only this record type (or documents)")
    p.add_argument("--year", help="only this year")
    p.add_argument("--country", metavar="ISO3", help="only this country (ISO3 code or id)")
    p.add_argument("--source-kind", help="only records citing this kind of source, e.g. official")
    p.add_argument("--page", type=int, default=1, help="page of results (default 1)")
    p.add_argument("--limit", type=int, default=20, help="results per page (default 20)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")

    p = add("claims", cmd_claims, "match a text to checked claims (Spanish or English); claim vectors; evaluation")
    claims = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = claims.add_parser("match", help="the checked claims most like TEXT, with scores")
    q.add_argument("text", nargs="+", metavar="TEXT", help="a post, headline or sentence")
    q.add_argument("--limit", type=int, default=5, help="claims shown (default 5)")
    q.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    claims.add_parser("embed", help="compute the missing claim vectors (progress on a terminal)")
    q = claims.add_parser("evaluate", help="MAP@1/3/5, P@1, MRR of matching on a collection (CheckThat! formats)")
    q.add_argument("--collection", required=True, metavar="FILE", help="claims, JSON lines (vclaim_id, vclaim, ...)")
    q.add_argument("--queries", required=True, metavar="FILE", help="queries, id<TAB>text")
    q.add_argument("--qrels", required=True, metavar="FILE", help="judgements, query_id<TAB>0<TAB>claim_id<TAB>1")
    q.add_argument("--method", choices=("lexical", "embedding", "fused"), default="fused", help="(default fused)")
    q.add_argument("--vector-cache", metavar="DIR", help="reuse/save the vectors there (outside the repository)")

    p = add("serve", cmd_serve, "serve the portal (waitress; docs/deployment.md)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")

    p = add("publish", cmd_publish, "write the anonymous site as static files into DIR (only what changed)")
    p.add_argument("dir", metavar="DIR", help="the folder to write")
    p.add_argument("--base-url", help="the dynamic site's address (default: VEEDURIA_SITE_URL)")

    p = add("backup", cmd_backup, "write a consistent snapshot of the database and documents to FILE, while serving")
    p.add_argument("file", metavar="FILE", help="the backup file to write (a tar file; replaced only when complete)")
    p.add_argument("-v", "--verbose", action="store_true", help="name each table and its rows on stderr")

    p = add("restore", cmd_restore, "restore a backup FILE into an empty database (all or nothing)")
    p.add_argument("file", metavar="FILE", help="a file written by `veeduria backup`")
    p.add_argument("-v", "--verbose", action="store_true", help="name each table and its rows on stderr")

    p = add("ledger", cmd_ledger, "the tamper-evident revision history: verify the hash chain, print its head")
    p.add_argument("action", choices=("verify", "head"), help="verify: recompute the chain; head: print its head")
    p.add_argument(
        "--as-of", type=_iso_date, metavar="YYYY-MM-DD", help="head: as it stood at the end of that day (an export's)"
    )

    p = add("token", cmd_token, "editors' API tokens: create one (its secret printed once), list them, revoke one")
    tokens = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = tokens.add_parser("create", help="a token for USER (an active staff account); prints its secret once")
    q.add_argument("user", metavar="USER", help="the owner's user name")
    q.add_argument("name", metavar="NAME", help="what the token is for, e.g. daily-import")
    q.add_argument("--expires", metavar="YYYY-MM-DD", help="the day it stops working (default: never)")
    tokens.add_parser("list", help="every token: prefix, owner, name, created, last used, state")
    q = tokens.add_parser("revoke", help="revoke the token whose secret starts with PREFIX (its first 8 characters)")
    q.add_argument("prefix", metavar="PREFIX")

    p = add("secret-key", cmd_secret_key, "print a new secret key, or write one to the data directory (--write)")
    p.add_argument("--write", action="store_true", help="write it to the data directory's secret_key file if none")

    p = add("manage", cmd_manage, "run a Django management command, e.g. `veeduria manage createsuperuser`")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="the command and its arguments")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup()
    try:
        return int(args.func(args))
    except CommandError as exc:
        print(f"veeduria {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"veeduria {args.command}: " + _("interrumpido; no se escribió nada"), file=sys.stderr)
        return 130
    except Exception as exc:
        from django.db.utils import DatabaseError

        kind = _("error de la base de datos") if isinstance(exc, DatabaseError) else type(exc).__name__
        print(f"veeduria {args.command}: {kind}: {exc}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
