"""Peru's register of laws and legislative resolutions (``Normas-LE-XX-XXI.xlsx``, CC BY-SA 4.0).

Selects, by the title rules documented in docs/importers.md (:func:`classify`), the legislative resolutions
that authorize the entry of foreign troops, naval units, aircraft or military personnel, and those that
modify them, and creates or completes ``Authorization`` records ``rl-<number>``. A record that already
exists and was not created by this importer (a curated record) only gets its empty fields filled and the
register citation added. Records known only from the register have ``limits_known = False``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from veeduria.evidence.cleaning import check_record
from veeduria.evidence.models import Citation, Source, SourceKind
from veeduria.evidence.revisions import record_change, snapshot
from veeduria.ingest.importers import _parse as P
from veeduria.ingest.importers._read import Row, Spec, fold, open_workbook, read_sheet, spec
from veeduria.ingest.importers._store import Context, Writer
from veeduria.ingest.importers.countries import TITLE_NAMES
from veeduria.ingest.importers.errors import ImportFailed, RowError
from veeduria.records.merge import resolve_merged
from veeduria.records.models import Authorization

SPEC: Spec = spec(
    {
        "NORMA": "kind",
        "NÚMERO": "number",
        "NUMERO": "number",
        "PROMULGACIÓN": "promulgated",
        "PROMULGACION": "promulgated",
        "PUBLICACIÓN": "published",
        "PUBLICACION": "published",
        "DENOMINACIÓN": "title",
        "DENOMINACION": "title",
        "OBSERVACIONES": "observations",
        "ENLACES (3 tipos)": "url",
        "ENLACES": "url",
    },
    {"kind", "number", "title"},
)
FIELDS = (
    "instrument_type",
    "number",
    "title_es",
    "host_country_id",
    "promulgated_on",
    "published_on",
    "published_precision",
    "official_url",
    "limits_known",
    "notes_es",
    "notes_en",
    "reliability",
)
DEFAULT_COUNTRY = "PER"

# ------------------------------------------------------------------------------------ selection rules
# Every pattern runs in time linear in the title (a title may be long and hostile): a rule "A, later B" is two
# searches (:func:`_followed`), never ``A.*B``, which backtracks over every A.

#: R1 – entry: the title speaks of entry (ingreso), stay (permanencia) or consent (consintiendo) ...
ENTRY_VERB = re.compile(r"\b(INGRESO|INGRESEN|PERMANENCIA|CONSINTIENDO|CONSIENTE|ARRIBO)\b")
#: ... of troops, military personnel, naval units, warships or military aircraft ...
ENTRY_OBJECT = re.compile(
    r"\b(TROPAS|PERSONAL MILITAR|MILITARES|UNIDAD(ES)? NAVAL(ES)?|FUERZAS? NAVAL(ES)?|BUQUES?|NAVES?|"
    r"AERONAVES?|AVION(ES)? MILITAR(ES)?|HELICOPTEROS?|FRAGATAS?|SUBMARINOS?|UNIDAD DE CRUCERO)\b"
)
#: ... or of members of (later in the title) a navy, an army, an air force or armed forces.
MEMBERS = re.compile(r"\bMIEMBROS DE(?:L| LA| LAS| LOS)? ")
SERVICE = re.compile(r"\b(MARINA|EJERCITO|FUERZA AEREA|FUERZAS ARMADAS)\b")
#: R2 – modification: the title modifies (modifica / amplia / prorroga) a resolution named by number ...
MODIFY_VERB = re.compile(r"\b(MODIFICA|MODIFICAN|AMPLIA|AMPLIAR|PRORROGA|RECTIFICA)\b")
REFERENCE = re.compile(
    r"RESOLUCION(?:ES)? LEGISLATIVAS?\s*(?:(?:N[°ºO]?|NUMS?|NROS?)\.?\s*)?(\d{2,5}(?:\s*(?:,|Y)\s*\d{2,5})*)"
)
#: X – exclusions: treaties and agreements being approved (APRUEBA, later a treaty word), and Peruvian troops
#: going abroad (SALIDA).
APPROVES = re.compile(r"\bAPRUEBA\b")
TREATY = re.compile(r"\b(ACUERDO|CONVENIO|TRATADO|PROTOCOLO|CONVENCION)\b")
DEPARTURE = re.compile(r"\bSALIDA\b")


def _followed(first: re.Pattern[str], then: re.Pattern[str], text: str) -> bool:
    """Whether ``then`` matches somewhere after a match of ``first`` (after the first one is enough)."""
    found = first.search(text)
    return found is not None and then.search(text, found.end()) is not None


def _entry(title: str) -> bool:
    """R1 on a folded title."""
    if not ENTRY_VERB.search(title):
        return False
    return ENTRY_OBJECT.search(title) is not None or _followed(MEMBERS, SERVICE, title)


def _excluded(title: str) -> bool:
    """X on a folded title."""
    return _followed(APPROVES, TREATY, title) or DEPARTURE.search(title) is not None


@dataclass(frozen=True)
class Verdict:
    selected: bool
    rule: str  # "entry", "modifies", "" (not selected)
    references: tuple[str, ...] = ()


def classify(kind: str, title: str, entry_numbers: set[str] | None = None) -> Verdict:
    """Apply the title rules to one register row. ``entry_numbers``: numbers already selected by R1, so that
    R2 accepts a modification of a selected resolution even when its title does not mention entry."""
    if fold(kind).strip() != "RESOLUCION LEGISLATIVA":
        return Verdict(False, "")
    t = fold(title)
    refs = tuple(dict.fromkeys(n.lstrip("0") for m in REFERENCE.finditer(t) for n in re.findall(r"\d+", m.group(1))))
    entry = _entry(t)
    if _excluded(t) and not (entry and re.search(r"\bAUTORIZA\b", t)):
        return Verdict(False, "")
    if refs and MODIFY_VERB.search(t) and (entry or (entry_numbers is not None and set(refs) & entry_numbers)):
        return Verdict(True, "modifies", refs)
    if entry:
        return Verdict(True, "entry", refs if MODIFY_VERB.search(t) else ())
    return Verdict(False, "")


def foreign_countries(title: str) -> list[str]:
    """ISO3 codes of the countries a title names (longest spellings first, each span used once)."""
    text = f" {fold(title)} "
    found: list[str] = []
    for name, iso, pattern in _title_patterns():
        if name in text and pattern.search(text):  # the plain search first: fast over a long title
            text = pattern.sub(" ", text)
            if iso not in found:
                found.append(iso)
    return found


@cache
def _title_patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """(name, ISO3, pattern of the name as a whole word) of every country name, longest names first."""
    return [(name, iso, re.compile(rf"(?<![A-Z]){re.escape(name)}(?![A-Z])")) for name, iso in TITLE_NAMES]


# ------------------------------------------------------------------------------------------- import


@dataclass
class Candidate:
    row: Row
    number: str
    title: str
    verdict: Verdict


def _number(row: Row) -> str:
    value = row.get("number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"\d{1,6}", text):
        raise row.error("number", _("%(value)s no es un número de norma") % {"value": repr(text)})
    return text.lstrip("0") or "0"


def _date(row: Row, name: str) -> Any:
    try:
        return P.dmy_date(row.get(name))
    except ValueError as exc:
        raise row.error(name, str(exc)) from None


def run(ctx: Context) -> None:
    book = open_workbook(ctx.path)
    table = None
    for sheet in book.worksheets:
        table = read_sheet(ctx.path, sheet, SPEC)
        if table is not None:
            break
    if table is None:
        raise ImportFailed(
            _(
                "%(file)s, línea 1, columna A: ninguna hoja tiene la fila de encabezado del registro "
                "(NORMA, NÚMERO, DENOMINACIÓN) en sus primeras filas"
            )
            % {"file": ctx.path}
        )
    ctx.report.unknown_columns = table.unknown
    ctx.ensure_source("congress-register")
    progress = ctx.start_progress(table.line_estimate)
    rows: list[tuple[Row, str, str]] = []
    for row in table.rows:
        progress.advance()
        kind = row.text("kind")
        if fold(kind).strip() != "RESOLUCION LEGISLATIVA":
            ctx.report.filtered += 1
            continue
        try:
            rows.append((row, _number(row), row.text("title")))
        except RowError as err:
            ctx.row_error(err)
    book.close()
    entries = {n for _r, n, t in rows if classify("RESOLUCION LEGISLATIVA", t).rule == "entry"}
    chosen: list[Candidate] = []
    for row, number, title in rows:
        verdict = classify("RESOLUCION LEGISLATIVA", title, entries)
        if verdict.selected:
            chosen.append(Candidate(row, number, title, verdict))
        else:
            ctx.report.filtered += 1
    valid: list[tuple[Candidate, Any, Any]] = []
    for cand in chosen:
        try:
            promulgated, published = _date(cand.row, "promulgated"), _date(cand.row, "published")
            broken = check_record(Authorization, {"promulgated_on": promulgated, "published_on": published})
            if broken:
                raise cand.row.error("published", broken[0][1])
            valid.append((cand, promulgated, published))
        except RowError as err:
            ctx.row_error(err)
    if ctx.failed:
        return
    host = ctx.country_id(ctx.country or DEFAULT_COUNTRY)
    selected_ids = {f"rl-{c.number}" for c in chosen}
    referenced = {f"rl-{r}" for c in chosen for r in c.verdict.references}
    known = selected_ids | set(Authorization.objects.filter(pk__in=referenced).values_list("pk", flat=True))
    # on curated records only empty facts are filled in; notes and limits_known describe register-only records
    writer = Writer(
        ctx,
        Authorization,
        FIELDS,
        m2m=("foreign_countries", "modifies"),
        fill=("number", "title_es", "promulgated_on", "published_on", "official_url", "foreign_countries", "modifies"),
    )
    for cand, promulgated, published in valid:
        url = cand.row.text("url")
        if url and not re.match(r"https?://", url):
            url = ""
        modifies = [f"rl-{r}" for r in cand.verdict.references if f"rl-{r}" in known and r != cand.number]
        missing = [r for r in cand.verdict.references if f"rl-{r}" not in known]
        note = ""  # the selection rule is an editor's matter (docs/importers.md), not a reader's
        if missing:
            refs = ", ".join(missing)
            note = (
                f"Modifica la RL {refs}, que no figura en la selección del registro ni en la base de datos. / "
                f"Modifies RL {refs}, which is neither in the register selection nor in the database."
            )
        countries = [ctx.country_id(iso) for iso in foreign_countries(cand.title)]
        writer.add(
            f"rl-{cand.number}",
            {
                "instrument_type": "rl",
                "number": cand.number,
                "title_es": cand.title[:600],
                "host_country_id": host,
                "promulgated_on": promulgated,
                "published_on": published,
                "published_precision": "day" if published else "unknown",
                "official_url": url[:500],
                "limits_known": False,
                "notes_es": "Conocida solo por su título en el registro de normas del Congreso: los límites "
                "(personal, fechas, lugares, armas) se desconocen hasta leer el anexo.",
                "notes_en": "Known only from its title in the Congress register of norms: limits (personnel, "
                "dates, places, weapons) are unknown until the annex is read.",
                "reliability": "confirmed",
            },
            locator=f"row {cand.row.line}",
            note=note,
            m2m={"foreign_countries": countries, "modifies": modifies},
        )
    writer.flush()
    _cite_official_texts(ctx, [(f"rl-{c.number}", c.number, c.row.text("url"), p) for c, _pr, p in valid])


def _cite_official_texts(ctx: Context, rows: list[tuple[str, str, str, Any]]) -> None:
    """Each resolution's official PDF, linked from the register, becomes an official source cited by the
    record's ``official_url`` (the PDF itself is not read: its annex is what ``limits_known`` waits for)."""
    content_type = ContentType.objects.get_for_model(Authorization)
    cited = set(
        Citation.objects.filter(
            content_type=content_type, field="official_url", source__id__startswith="congreso-pdf-"
        ).values_list("object_id", flat=True)
    )
    merged = resolve_merged(Authorization, [r[0] for r in rows])
    for pk, number, url, published in rows:
        if not re.match(r"https?://", url or ""):
            continue
        pk = merged.get(pk, pk)
        source_id = f"congreso-pdf-rl-{number}"
        Source.objects.update_or_create(
            id=source_id,
            defaults={
                "title": f"Resolución Legislativa N.º {number} (texto oficial, PDF)",
                "publisher": "Congreso de la República del Perú",
                "published_on": published,
                "published_precision": "day" if published else "unknown",
                "url": url[:1000],
                "kind": SourceKind.OFFICIAL,
                "language": "es",
                "notes": f"Enlace al texto oficial tomado del registro de normas ({ctx.path.name}); "
                "Veeduría no ha leído aún este documento ni su anexo.",
            },
        )
        if pk in cited:
            continue
        record = Authorization.objects.get(pk=pk)
        before = snapshot(record)
        Citation.objects.create(
            content_type=content_type,
            object_id=pk,
            field="official_url",
            source_id=source_id,
            note="texto oficial enlazado desde el registro de normas del Congreso",
        )
        record_change(record, before, author=ctx.revision_author, reason=ctx.reason, source=ctx.source_id)
