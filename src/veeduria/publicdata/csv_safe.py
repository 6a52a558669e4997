"""CSV that a spreadsheet opens without running anything: a cell a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe; a plain number
(``-1500``) stays a number. The one rule for every CSV the project writes."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The text of one cell: unknown (``None``) empty, a formula-like text prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _plain_number(text):
        return "'" + text
    return text


def _plain_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite() and text.strip() == text
    except InvalidOperation:
        return False


def write_csv(out: TextIO, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``headers`` then ``rows``, every cell neutralised; return the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
        count += 1
    return count
