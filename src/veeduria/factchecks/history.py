"""A rating is never edited in place: a review's claim, rating and date stay as published, and a changed
assessment is a new review of the claim (the earlier one stays in the claim's history with its date)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.utils import DatabaseError

from veeduria.factchecks.models import Review

#: the review fields that never change once saved (attnames)
FROZEN = ("claim_id", "rating", "reviewed_on")


def frozen_changes(review_id: str, values: dict[str, Any]) -> list[tuple[str, Any]]:
    """The frozen fields ``values`` would change on the saved review ``review_id``, with their saved values."""
    return changed_reviews([(review_id, values)]).get(review_id, [])


def changed_reviews(wanted: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, list[tuple[str, Any]]]:
    """For each saved review among ``wanted`` (id, attname → value), the frozen fields that would change."""
    wanted = list(wanted)
    try:
        saved = {r["id"]: r for r in Review.objects.filter(pk__in=[i for i, _v in wanted]).values("id", *FROZEN)}
    except DatabaseError:  # no tables yet (a check before the first migration): nothing saved to compare with
        return {}
    out: dict[str, list[tuple[str, Any]]] = {}
    for review_id, values in wanted:
        row = saved.get(review_id)
        if row is None:
            continue
        changed = [(name, row[name]) for name in FROZEN if name in values and values[name] != row[name]]
        if changed:
            out[review_id] = changed
    return out
