"""Claim matching over the database: the published claims as a ``ClaimIndex`` (rebuilt when a claim changes, in
any process), their stored vectors, and filling the missing ones."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max, Q

from veeduria.evidence.models import Status
from veeduria.factchecks.embedding import Embedder, from_bytes, get_embedder, to_bytes
from veeduria.factchecks.matching import ClaimIndex, Match, Method
from veeduria.factchecks.matching_text import passage_text
from veeduria.factchecks.models import Claim

_lock = threading.Lock()
_cached: tuple[object, ClaimIndex] | None = None


@dataclass(frozen=True)
class ClaimMatch:
    """A matched claim with its scores."""

    claim: Claim
    match: Match


def claim_passage(claim: Claim) -> str:
    """What the embedder reads of a claim."""
    return passage_text(claim.text)


def _fingerprint() -> object:
    summary = Claim.objects.aggregate(
        count=Count("id"), latest=Max("updated_at"), without=Count("id", filter=Q(vector__isnull=True))
    )
    return (summary["count"], summary["latest"], summary["without"])


def _build() -> ClaimIndex:
    claims = list(Claim.objects.filter(status=Status.PUBLISHED).order_by("id").only("id", "text", "language", "vector"))
    vectors: np.ndarray | None = None
    stored = [claim.vector for claim in claims]
    if claims and all(vector is not None for vector in stored):
        vectors = np.stack([from_bytes(vector) for vector in stored if vector is not None])
    return ClaimIndex(
        [claim.id for claim in claims],
        [{"text": claim.text} for claim in claims],
        [claim.language for claim in claims],
        vectors,
    )


def claim_index() -> ClaimIndex:
    """The index of the published claims, rebuilt when a claim was added, changed, deleted or given its vector
    since (one aggregate query tells)."""
    global _cached
    fingerprint = _fingerprint()
    with _lock:
        if _cached is None or _cached[0] != fingerprint:
            _cached = (fingerprint, _build())
        return _cached[1]


def match_claims(text: str, *, limit: int = 5, method: Method = "fused") -> list[ClaimMatch]:
    """The published claims most like ``text``, best first (lexical only when there is no embedder or a claim
    lacks its vector: run ``veeduria claims embed``)."""
    found = claim_index().search(text, limit=limit, method=method, embedder=get_embedder())
    claims = Claim.objects.in_bulk([match.claim_id for match in found])
    return [ClaimMatch(claims[match.claim_id], match) for match in found if match.claim_id in claims]


def embed_missing(embedder: Embedder, progress: Callable[[int, int], None] | None = None, batch: int = 32) -> int:
    """Compute the vectors of the claims that have none; returns how many were computed."""
    pending = list(Claim.objects.filter(vector__isnull=True).order_by("id").only("id", "text"))
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        vectors = embedder.passages([claim_passage(claim) for claim in chunk])
        for claim, vector in zip(chunk, vectors, strict=True):
            # ``update`` keeps ``updated_at``: a vector is derived data, not an edit of the claim
            Claim.objects.filter(pk=claim.pk, text=claim.text).update(vector=to_bytes(vector))
        if progress is not None:
            progress(start + len(chunk), len(pending))
    return len(pending)


def terminal_progress(done: int, total: int) -> None:
    """Progress on stderr, only when it is a terminal."""
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\r{done}/{total} claims embedded", end=end, file=sys.stderr, flush=True)
