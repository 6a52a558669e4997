"""Lists in a stable order (by id), paged by an opaque cursor or, for simple clients, by page number."""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from veeduria.api.errors import ApiError

MAX_PAGE_SIZE = 200


class PageParams(Schema):
    """The paging parameters every list takes (mixed into its filter schema)."""

    cursor: str | None = Field(None, max_length=400, description="next_cursor of the previous page (opaque)")
    page: int | None = Field(None, ge=1, le=1_000_000, description="page number from 1 (instead of a cursor)")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="results per page")


def encode_cursor(last_id: Any) -> str:
    raw = json.dumps({"after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    """The id after which the next page starts; a 422 naming ``cursor`` when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(after, str | int) or isinstance(after, bool):
        raise _bad_cursor()
    return after


def _bad_cursor() -> ApiError:
    where = "query.cursor"
    return ApiError(
        422,
        "invalid_parameter",
        f"invalid parameter: {where}",
        [{"where": where, "message": "not a cursor given by this API"}],
    )


@dataclass
class Page:
    rows: list[Any]
    meta: dict[str, Any]


def paginate(qs: QuerySet[Any], *, cursor: str | None, page: int | None, page_size: int) -> Page:
    """One page of ``qs`` in id order, with ``count``, ``page_size``, ``page``, ``pages`` and ``next_cursor``."""
    if cursor is not None and page is not None:
        raise ApiError(
            422,
            "invalid_parameter",
            "invalid parameter: query.page (give cursor or page, not both)",
            [{"where": "query.page", "message": "give cursor or page, not both"}],
        )
    qs = qs.order_by("pk")
    count = qs.count()
    pages = max(1, math.ceil(count / page_size))
    if cursor is not None:
        after = decode_cursor(cursor)
        rows = list(qs.filter(pk__gt=after)[: page_size + 1])
    else:
        number = page or 1
        if number > pages:
            raise ApiError(404, "no_such_page", f"page {number} is past the last page ({pages})")
        start = (number - 1) * page_size
        rows = list(qs[start : start + page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    meta = {
        "count": count,
        "page_size": page_size,
        "page": None if cursor is not None else (page or 1),
        "pages": pages,
        "next_cursor": encode_cursor(rows[-1].pk) if more and rows else None,
    }
    return Page(rows, meta)
