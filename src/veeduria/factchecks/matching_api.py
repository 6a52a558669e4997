"""API: ``GET /api/v1/claims/match?text=…`` — the checked claims most like a text, with scores and ratings."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from veeduria.api.errors import ErrorOut
from veeduria.factchecks.embedding import get_embedder
from veeduria.factchecks.matching_claims import match_claims

router = Router(tags=["claims"])


class MatchIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000, description="a post, headline or sentence (es or en)")
    limit: int = Field(5, ge=1, le=50, description="claims returned")


class MatchedClaim(Schema):
    id: str
    text: str
    language: str
    rating: str | None = Field(description="the current review's rating, or null")
    score: float = Field(description="the ranking score (0-1 when lexical and embedding scores are fused)")
    lexical: float = Field(description="BM25 score")
    semantic: float | None = Field(description="cosine of the e5 vectors, null without the embedder")


class MatchOut(Schema):
    text: str
    method: str = Field(description="fused, or lexical when the embedder is not available")
    results: list[MatchedClaim]


@router.get("/match", response={200: MatchOut, 422: ErrorOut}, summary="Checked claims most like a text")
def match(request: HttpRequest, params: Query[MatchIn]) -> MatchOut:
    found = match_claims(params.text, limit=params.limit)
    results = []
    for item in found:
        review = item.claim.current_review()
        results.append(
            MatchedClaim(
                id=item.claim.id,
                text=item.claim.text,
                language=item.claim.language,
                rating=review.rating if review else None,
                score=item.match.score,
                lexical=item.match.lexical,
                semantic=item.match.semantic,
            )
        )
    method = "fused" if get_embedder() is not None and any(r.semantic is not None for r in results) else "lexical"
    return MatchOut(text=params.text, method=method, results=results)
