"""Reading external files strictly: encoding and structure checks, header detection by content,
column mapping (known / required / unknown), rows with their line numbers."""

from __future__ import annotations

import codecs
import csv
import operator
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from veeduria.ingest import limits
from veeduria.ingest.importers.errors import ImportFailed, RowError

#: How many leading lines/rows are searched for the header row.
HEADER_SEARCH_ROWS = 30
_CHUNK = 1 << 20
#: the longest line read while looking for the header row
_HEAD_LINE_MAX = 1 << 20
#: delimiter → (name, plural name), for messages
_DELIMITER_NAMES = {
    ",": (gettext_lazy("coma"), gettext_lazy("comas")),
    ";": (gettext_lazy("punto y coma"), gettext_lazy("puntos y comas")),
    "\t": (gettext_lazy("tabulador"), gettext_lazy("tabuladores")),
    "|": (gettext_lazy("barra vertical"), gettext_lazy("barras verticales")),
}


def _cannot_read(path: Path, exc: OSError) -> ImportFailed:
    return ImportFailed(
        _("%(file)s: no se puede leer el archivo (%(reason)s)") % {"file": path, "reason": exc.strerror}
    )


def _empty_file(path: Path) -> ImportFailed:
    return ImportFailed(_("%(file)s, línea 1, columna 1: el archivo está vacío") % {"file": path})


def _either(names: list[str]) -> str:
    """``'comma'``, ``'comma or tab'``, ``'comma, semicolon or tab'`` in the active language."""
    if len(names) == 1:
        return names[0]
    return _("%(first)s o %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def norm_header(name: Any) -> str:
    """``' Training:Course Title '`` → ``'course title'``: lower case, prefix ``xxx:`` dropped, spaces collapsed."""
    text = str(name or "").replace("\ufeff", "").strip().lower()
    if ":" in text:
        prefix, rest = text.split(":", 1)
        if re.fullmatch(r"[a-z_]+", prefix) and rest:
            text = rest
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Upper case without accents, for matching Spanish titles and names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


@dataclass(frozen=True)
class Spec:
    """The columns of one file layout: header name (normalised) → canonical name."""

    columns: dict[str, str]
    required: frozenset[str]
    delimiters: tuple[str, ...] = (",",)
    #: canonical name → the header written in files, for messages
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, canonical: str) -> str:
        return self.labels.get(canonical, canonical)

    def canonical(self, header: Any) -> str | None:
        return self.columns.get(norm_header(header))


def spec(columns: dict[str, str], required: set[str] | frozenset[str], delimiters: tuple[str, ...] = (",",)) -> Spec:
    labels: dict[str, str] = {}
    for header, canonical in columns.items():
        labels.setdefault(canonical, header)
    return Spec({norm_header(k): v for k, v in columns.items()}, frozenset(required), delimiters, labels)


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, Any]
    #: canonical name → column label for messages (header text and position)
    labels: dict[str, str] = field(repr=False, default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name, default)
        return default if value is None else value

    def text(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        if type(value) is str:
            return value.strip() if value[:1].isspace() or value[-1:].isspace() else value
        return str(value).strip()

    def error(self, name: str, message: str) -> RowError:
        return RowError(self.line, self.labels.get(name, name), message)


@dataclass
class Table:
    """A file opened for import: its mapped header and a stream of rows."""

    path: Path
    header_line: int
    canonical: list[str | None]
    headers: list[str]
    unknown: list[str]
    rows: Iterator[Row]
    line_estimate: int
    delimiter: str = ","

    def has(self, name: str) -> bool:
        return name in self.canonical


# ---------------------------------------------------------------------------------------------- CSV


def _check_bytes(path: Path) -> int:
    """Reject empty, binary and wrongly encoded files before anything is parsed; return the line count."""
    _check_exists(path)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines = 0
    offset = 0
    blank = True
    last_line_start = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            nul = chunk.find(b"\x00")
            try:
                text = decoder.decode(chunk)
                bad = -1
            except UnicodeDecodeError as exc:
                bad = exc.start
                text = ""
            if nul >= 0 and (bad < 0 or nul < bad):
                line, col = _position(chunk, nul, lines, offset, last_line_start)
                raise ImportFailed(
                    _(
                        "%(file)s, línea %(line)d, columna %(column)d: datos binarios (byte NUL); "
                        "no es un archivo de texto"
                    )
                    % {"file": path, "line": line, "column": col}
                )
            if bad >= 0:
                line, col = _position(chunk, bad, lines, offset, last_line_start)
                raise ImportFailed(
                    _(
                        "%(file)s, línea %(line)d, columna %(column)d: no es texto UTF-8 (byte %(byte)s); "
                        "guarde el archivo como UTF-8"
                    )
                    % {"file": path, "line": line, "column": col, "byte": f"0x{chunk[bad]:02x}"}
                )
            if blank and text.strip():
                blank = False
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                last_line_start = offset + nl + 1
            lines += chunk.count(b"\n")
            offset += len(chunk)
            if lines > limits.max_rows():
                raise _too_many_rows(path, limits.max_rows())
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFailed(
                _("%(file)s, línea %(line)d, columna 1: el archivo termina dentro de un carácter UTF-8 (¿truncado?)")
                % {"file": path, "line": lines + 1}
            ) from None
    if blank:
        raise _empty_file(path)
    return lines


def _position(chunk: bytes, index: int, lines: int, offset: int, last_line_start: int) -> tuple[int, int]:
    """Line and (byte) column of ``chunk[index]``, given the lines and bytes read before ``chunk``."""
    before = chunk[:index]
    line = lines + before.count(b"\n") + 1
    nl = before.rfind(b"\n")
    col = index - nl if nl >= 0 else offset + index - last_line_start + 1
    return line, col


def _match_header(cells: list[str], sp: Spec) -> tuple[list[str | None], set[str]]:
    canonical = [sp.canonical(c) for c in cells]
    return canonical, set(sp.required - {c for c in canonical if c})


def read_csv(path: Path, sp: Spec) -> Table:
    """Open ``path`` as a delimited text file laid out as ``sp`` describes, or fail with a clear message."""
    lines = _check_bytes(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        head = [fh.readline(_HEAD_LINE_MAX) for _i in range(HEADER_SEARCH_ROWS)]
    head = [h for h in head if h]
    best: tuple[int, int, str, list[str], list[str | None], set[str]] | None = None
    for delimiter in sp.delimiters:
        try:
            records = list(csv.reader(head, delimiter=delimiter, strict=True))
        except csv.Error:
            records = [h.rstrip("\r\n").split(delimiter) for h in head]
        for i, cells in enumerate(records):
            canonical, missing = _match_header(cells, sp)
            if not missing:
                return _open_csv(path, sp, delimiter, i + 1, cells, canonical, lines)
            score = len(sp.required) - len(missing)
            if best is None or score > best[0]:
                best = (score, i + 1, delimiter, cells, canonical, missing)
    # No header: wrong delimiter?
    for delimiter in (",", ";", "\t", "|"):
        if delimiter in sp.delimiters:
            continue
        for i, raw_line in enumerate(head):
            _canonical, missing = _match_header(raw_line.rstrip("\r\n").split(delimiter), sp)
            if not missing:
                raise ImportFailed(
                    _(
                        "%(file)s, línea %(line)d, columna 1: las columnas están separadas por %(found)s; "
                        "se esperaba %(expected)s"
                    )
                    % {
                        "file": path,
                        "line": i + 1,
                        "found": str(_DELIMITER_NAMES[delimiter][1]),
                        "expected": _either([str(_DELIMITER_NAMES[d][0]) for d in sp.delimiters]),
                    }
                )
    if best is not None and best[0] > 0:
        line, cells, missing = best[1], best[3], best[5]
        names = ", ".join(sorted(sp.label(m) for m in missing))
        raise ImportFailed(
            ngettext(
                "%(file)s, línea %(line)d, columna %(column)d: falta la columna obligatoria: %(names)s",
                "%(file)s, línea %(line)d, columna %(column)d: faltan las columnas obligatorias: %(names)s",
                len(missing),
            )
            % {"file": path, "line": line, "column": len(cells) + 1, "names": names}
        )
    raise ImportFailed(
        _(
            "%(file)s, línea 1, columna 1: no hay ninguna fila de encabezado con las columnas obligatorias "
            "(%(names)s) en las primeras %(n)d líneas; ¿archivo o formato equivocado?"
        )
        % {"file": path, "names": ", ".join(sorted(sp.label(r) for r in sp.required)), "n": HEADER_SEARCH_ROWS}
    )


def _open_csv(
    path: Path, sp: Spec, delimiter: str, header_line: int, cells: list[str], canonical: list[str | None], lines: int
) -> Table:
    unknown = [c.strip() for c, k in zip(cells, canonical, strict=True) if k is None and c.strip()]
    labels = {k: f"{c.strip()} ({i + 1})" for i, (c, k) in enumerate(zip(cells, canonical, strict=True)) if k}
    return Table(
        path,
        header_line,
        canonical,
        [c.strip() for c in cells],
        unknown,
        _csv_rows(path, delimiter, header_line, canonical, labels),
        lines,
        delimiter,
    )


def _csv_rows(
    path: Path, delimiter: str, header_line: int, canonical: list[str | None], labels: dict[str, str]
) -> Iterator[Row]:
    width = len(canonical)
    keys = [k for k in canonical if k]
    positions = [i for i, k in enumerate(canonical) if k]
    # the mapped cells of a row, in the order of ``keys`` (all of them, as they are, when every column is known)
    every = positions == list(range(width))
    pick = _picker(positions)
    strip = str.strip
    csv.field_size_limit(limits.CELL_MAX_CHARS)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        prev = 0
        try:
            for cells in reader:
                line = prev + 1
                prev = reader.line_num
                if line <= header_line:
                    continue
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                if len(cells) != width:
                    yield Row(line, {"__shape__": (len(cells), width)}, labels)
                    continue
                yield Row(line, dict(zip(keys, map(strip, cells if every else pick(cells)), strict=True)), labels)
        except csv.Error as exc:
            if str(exc).startswith("field larger than field limit"):
                raise _cell_too_long(path, f"{reader.line_num}", "?") from None
            raise ImportFailed(
                _("%(file)s, línea %(line)d, columna 1: CSV mal formado (%(error)s); ¿archivo truncado?")
                % {"file": path, "line": reader.line_num, "error": exc}
            ) from None


def _picker(positions: list[int]) -> Callable[[list[str]], Iterable[str]]:
    if not positions:
        return lambda cells: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda cells: (cells[only],)
    return operator.itemgetter(*positions)  # type: ignore[return-value]


def check_shape(row: Row) -> None:
    """Raise a row error if the row has the wrong number of fields."""
    shape = row.values.get("__shape__")
    if shape:
        found, width = shape
        reason = _("¿fila truncada?") if found < width else _("¿delimitador equivocado o campo sin comillas?")
        message = ngettext(
            "%(found)d campo, pero el encabezado tiene %(width)d (%(reason)s)",
            "%(found)d campos, pero el encabezado tiene %(width)d (%(reason)s)",
            found,
        ) % {"found": found, "width": width, "reason": reason}
        raise RowError(row.line, f"{min(found, width) + 1}", message)


# ---------------------------------------------------------------------------------------------- XLSX


def open_workbook(path: Path, *, data_only: bool = True) -> Any:
    import openpyxl  # heavy import, only when needed

    _check_exists(path)
    check_zip(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _not_a_workbook(path, exc.__class__.__name__) from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException
        raise _not_a_workbook(path, str(exc)) from None


def check_zip(path: Path) -> None:
    """Refuse a workbook (a zip file) that would unpack to too much before anything is unpacked: too many
    files, too many bytes in all, a file packed far tighter than a sheet packs (a zip bomb), too many texts."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _not_a_workbook(path, exc.__class__.__name__) from None
    if len(members) > limits.XLSX_MAX_MEMBERS:
        raise ImportFailed(
            _("%(file)s: el libro contiene %(n)d archivos; el límite es %(limit)d")
            % {"file": path, "n": len(members), "limit": limits.XLSX_MAX_MEMBERS}
        )
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes():
        raise ImportFailed(
            _("%(file)s: el libro ocupa %(size)s descomprimido; el límite es %(limit)s (VEEDURIA_IMPORT_UNPACKED_MB)")
            % {"file": path, "size": limits.megabytes(total), "limit": limits.megabytes(limits.max_unpacked_bytes())}
        )
    for member in members:
        if (
            member.filename.lower().endswith("sharedstrings.xml")
            and member.file_size > limits.XLSX_SHARED_STRINGS_BYTES
        ):
            raise ImportFailed(
                _("%(file)s: los textos del libro (%(member)s) ocupan %(size)s descomprimidos; el límite es %(limit)s")
                % {
                    "file": path,
                    "member": member.filename,
                    "size": limits.megabytes(member.file_size),
                    "limit": limits.megabytes(limits.XLSX_SHARED_STRINGS_BYTES),
                }
            )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.XLSX_RATIO_FROM_BYTES and ratio > limits.XLSX_MAX_RATIO:
            raise ImportFailed(
                _(
                    "%(file)s: %(member)s se descomprime a %(ratio)d veces su tamaño (%(size)s); el límite es "
                    "%(limit)d veces (¿bomba zip?)"
                )
                % {
                    "file": path,
                    "member": member.filename,
                    "ratio": ratio,
                    "size": limits.megabytes(member.file_size),
                    "limit": limits.XLSX_MAX_RATIO,
                }
            )


def _too_many_rows(path: Path, limit: int, sheet: str = "") -> ImportFailed:
    where = _("%(file)s, hoja %(sheet)s") % {"file": path, "sheet": sheet} if sheet else str(path)
    return ImportFailed(
        _("%(where)s: más de %(limit)d filas (VEEDURIA_IMPORT_MAX_ROWS)") % {"where": where, "limit": limit}
    )


def _cell_too_long(path: Path, line: str, column: str) -> ImportFailed:
    return ImportFailed(
        _("%(file)s, línea %(line)s, columna %(column)s: un valor de más de %(limit)d caracteres")
        % {"file": path, "line": line, "column": column, "limit": limits.CELL_MAX_CHARS}
    )


def sheet_rows(path: Path, sheet: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sheet`` as tuples of values, bounded: at most :data:`limits.XLSX_MAX_COLUMNS` columns (the
    declared width when it is smaller), at most ``VEEDURIA_IMPORT_MAX_ROWS`` rows (declared or read, empty rows
    included), and no text longer than :data:`limits.CELL_MAX_CHARS`."""
    limit = limits.max_rows()
    if (sheet.max_row or 0) > limit:
        raise _too_many_rows(path, limit, sheet.title)
    width = min(sheet.max_column or limits.XLSX_MAX_COLUMNS, limits.XLSX_MAX_COLUMNS)
    cell_max = limits.CELL_MAX_CHARS
    for line, cells in enumerate(sheet.iter_rows(max_col=width, values_only=True), start=1):
        if line > limit:
            raise _too_many_rows(path, limit, sheet.title)
        if cells.count(None) == len(cells):
            yield cells
            continue
        for i, cell in enumerate(cells):
            if type(cell) is str and len(cell) > cell_max:
                raise _cell_too_long(path, f"{line}", column_letter(i))
        yield cells


def _not_a_workbook(path: Path, reason: str) -> ImportFailed:
    return ImportFailed(
        _("%(file)s, línea 1, columna 1: no es un libro de Excel .xlsx (%(reason)s)") % {"file": path, "reason": reason}
    )


def _check_exists(path: Path) -> None:
    """Reject a file that cannot be read or is empty."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    if size == 0:
        raise _empty_file(path)
    if size > limits.max_file_bytes():
        raise ImportFailed(
            _("%(file)s: el archivo ocupa %(size)s; el límite es %(limit)s (VEEDURIA_IMPORT_MAX_MB)")
            % {"file": path, "size": limits.megabytes(size), "limit": limits.megabytes(limits.max_file_bytes())}
        )


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def read_sheet(path: Path, sheet: Any, sp: Spec) -> Table | None:
    """Find the header row of ``sheet`` by content; ``None`` if the sheet has no such header."""
    estimate = sheet.max_row or 0
    rows = sheet_rows(path, sheet)
    buffered: list[tuple[Any, ...]] = []
    for i, cells in enumerate(rows):
        buffered.append(cells)
        texts = ["" if c is None else str(c) for c in cells]
        canonical, missing = _match_header(texts, sp)
        if not missing:
            header_line = i + 1
            unknown = [t.strip() for t, k in zip(texts, canonical, strict=True) if k is None and t.strip()]
            labels = {
                k: f"{t.strip()} ({column_letter(j)})"
                for j, (t, k) in enumerate(zip(texts, canonical, strict=True))
                if k
            }
            return Table(
                path,
                header_line,
                canonical,
                [t.strip() for t in texts],
                unknown,
                _sheet_rows(rows, header_line, canonical, labels),
                estimate,
            )
        if i >= HEADER_SEARCH_ROWS:
            return None
    return None


def _sheet_rows(
    rows: Iterator[tuple[Any, ...]], header_line: int, canonical: list[str | None], labels: dict[str, str]
) -> Iterator[Row]:
    pairs = [(i, k) for i, k in enumerate(canonical) if k]
    for line, cells in enumerate(rows, start=header_line + 1):
        if cells.count(None) == len(cells) or not any(c is not None and str(c).strip() for c in cells):
            continue
        values = {k: (cells[i] if i < len(cells) else None) for i, k in pairs}
        yield Row(line, values, labels)
