"""schema.org ClaimReview of a claim's current review: for the claim page's JSON-LD and the export."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation

from veeduria.evidence.models import Citation, Precision, Status
from veeduria.factchecks.models import RATING_VALUES, Claim, Rating, Review

#: characters that could end a ``<script>`` element or start markup, written as JSON escapes
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def iso_date(value: Any, precision: str) -> str:
    """An ISO 8601 date reduced to its known precision: ``2009``, ``2009-02`` or ``2009-02-16``."""
    if precision == Precision.YEAR or precision == Precision.UNKNOWN:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return str(value.isoformat())


def claim_path(claim: Claim, language: str) -> str:
    """The claim page's path in ``language``."""
    with translation.override(language):
        return reverse("portal:claims-detail", kwargs={"pk": claim.pk})


def claim_review(review: Review, url: str, language: str) -> dict[str, Any]:
    """The ClaimReview of ``review``, published at ``url``, with its texts in ``language`` (es or en)."""
    claim = review.claim
    other = "en" if language == "es" else "es"
    verdict = getattr(review, f"verdict_{language}") or getattr(review, f"verdict_{other}")
    explanation = getattr(review, f"explanation_{language}") or getattr(review, f"explanation_{other}")
    with translation.override(language):
        rating_label = str(Rating(review.rating).label)
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": rating_label}
    if review.rating in RATING_VALUES:
        rating |= {"ratingValue": RATING_VALUES[review.rating], "bestRating": 5, "worstRating": 1}
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if claim.seen_url:
        appearance["url"] = claim.seen_url
    if claim.seen_at:
        appearance["name"] = claim.seen_at
    item: dict[str, Any] = {"@type": "Claim", "inLanguage": claim.language, "appearance": appearance}
    if claim.seen_on:
        item["datePublished"] = iso_date(claim.seen_on, claim.seen_precision)
    if claim.said_by:
        item["author"] = {"@type": "Thing", "name": claim.said_by}
    author: dict[str, Any] = {"@type": "Organization", "name": review.author}
    if review.author_url:
        author["url"] = review.author_url
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "inLanguage": language,
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "reviewRating": rating,
        "author": author,
        "datePublished": iso_date(review.reviewed_on, review.reviewed_precision),
        "headline": verdict,
        "reviewBody": explanation,
    }
    sources = [c.source.url for c in review.citations.all() if c.source.url]
    if sources:
        data["citation"] = list(dict.fromkeys(sources))
    return data


def script_json(data: Any) -> str:
    """``data`` as JSON safe to place inside a ``<script>`` element."""
    return json.dumps(data, ensure_ascii=False, indent=1).translate(_SCRIPT_ESCAPES)


def current_reviews() -> list[Review]:
    """The current review of every published claim, in claim order."""
    reviews = (
        Review.objects.filter(status=Status.PUBLISHED, claim__status=Status.PUBLISHED)
        .select_related("claim")
        .prefetch_related(Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk")))
        .order_by("claim_id", "-reviewed_on", "-created_at", "-id")
    )
    current: dict[str, Review] = {}
    for review in reviews:
        current.setdefault(review.claim_id, review)
    return list(current.values())


def export_claim_reviews(base_url: str, language: str) -> list[dict[str, Any]]:
    """Every published claim's current ClaimReview, its URL on the portal at ``base_url``."""
    base = base_url.rstrip("/")
    return [claim_review(r, base + claim_path(r.claim, language), language) for r in current_reviews()]
