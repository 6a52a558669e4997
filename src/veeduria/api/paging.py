"""Lists in a stable order (by id), paged by an opaque cursor or, for simple clients, by page number."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from veeduria import counts_cache
from veeduria.api.errors import ApiError
from veeduria.records.queries import rows_between

MAX_PAGE_SIZE = 200


#: a cursor: the hexadecimal UTF-8 of the last id of the previous page (opaque to clients); every string of this
#: form is a position in the list, so that no well-formed cursor is refused
CURSOR_PATTERN = r"^(?:[0-9a-f]{2}){1,240}$"
#: the cursor of lists whose ids are numbers: the last id in hexadecimal
INT_CURSOR_PATTERN = r"^[0-9a-f]{1,15}$"


class PageParams(Schema):
    """The paging parameters every list takes (its filter schema extends this)."""

    cursor: str | None = Field(
        None, pattern=CURSOR_PATTERN, description="next_cursor of the previous page (opaque); wins over page"
    )
    page: int | None = Field(None, ge=1, le=1_000_000, description="page number from 1 (instead of a cursor)")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="results per page")


class IntPageParams(PageParams):
    """Paging of lists whose ids are numbers."""

    cursor: str | None = Field(
        None, pattern=INT_CURSOR_PATTERN, description="next_cursor of the previous page (opaque); wins over page"
    )


def encode_cursor(last_id: Any) -> str:
    if isinstance(last_id, int):
        return format(last_id, "x")
    return str(last_id).encode().hex()


def decode_cursor(cursor: str, *, numbers: bool = False) -> Any:
    """The id after which the next page starts; a 422 naming ``cursor`` when it is not of the cursor's form."""
    try:
        if numbers:
            return int(cursor, 16)
        # no id holds a NUL (nor may PostgreSQL compare with one): after "a\0b" is after "ab"
        return bytes.fromhex(cursor).decode("utf-8", "replace").replace("\x00", "")
    except ValueError as exc:
        where = "query.cursor"
        raise ApiError(
            422,
            "invalid_parameter",
            f"invalid parameter: {where}",
            [{"where": where, "message": "not a cursor given by this API"}],
        ) from exc


@dataclass
class Page:
    rows: list[Any]
    meta: dict[str, Any]


def paginate(
    qs: QuerySet[Any],
    *,
    cursor: str | None,
    page: int | None,
    page_size: int,
    numbers: bool = False,
    count_key: str = "",
) -> Page:
    """One page of ``qs`` in id order, with ``count``, ``page_size``, ``page``, ``pages`` and ``next_cursor``;
    ``numbers``: the ids are numbers. A cursor wins over a page number. ``count_key``: what the list selects (its
    type and filters), to keep its count per data version (``veeduria.counts_cache``)."""
    qs = qs.order_by("pk")
    count = counts_cache.kept(f"api|{count_key}", qs.count) if count_key else qs.count()
    pages = max(1, math.ceil(count / page_size))
    if cursor is not None:
        after = decode_cursor(cursor, numbers=numbers)
        rows = list(qs.filter(pk__gt=after)[: page_size + 1])
        more = len(rows) > page_size
    else:
        number = page or 1
        if number > pages:
            raise ApiError(404, "no_such_page", f"page {number} is past the last page ({pages})")
        start = (number - 1) * page_size
        rows = rows_between(qs, start, start + page_size, count)  # past the middle, read from the end
        more = start + page_size < count
    rows = rows[:page_size]
    meta = {
        "count": count,
        "page_size": page_size,
        "page": None if cursor is not None else (page or 1),
        "pages": pages,
        "next_cursor": encode_cursor(rows[-1].pk) if more and rows else None,
    }
    return Page(rows, meta)
