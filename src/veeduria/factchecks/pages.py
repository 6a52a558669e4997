"""What the portal shows of fact-checks: the claim page's review section, the claims list and the related checks
of an answer page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veeduria.evidence.models import Citation, Status, localized
from veeduria.factchecks.claimreview import claim_review, script_json
from veeduria.factchecks.models import Claim, Rating, Review
from veeduria.portal import display
from veeduria.records.models import Agreement, Authorization, Country

#: the review's links to supporting records, in the order the claim page lists them
SUPPORT_FIELDS = (
    "facilities",
    "facility_uses",
    "observations",
    "agreements",
    "authorizations",
    "activities",
    "legal_norms",
    "statements",
)


@dataclass
class ReviewView:
    """One review as the pages show it."""

    review: Review
    rating: str
    rating_label: str
    verdict: str
    explanation: str
    reviewed: str
    support: list[tuple[str, list[display.Value]]] = field(default_factory=list)
    citations: list[Any] = field(default_factory=list)


def review_view(review: Review, *, details: bool = True) -> ReviewView:
    out = ReviewView(
        review=review,
        rating=review.rating,
        rating_label=str(Rating(review.rating).label),
        verdict=localized(review, "verdict"),
        explanation=localized(review, "explanation"),
        reviewed=display.format_date(review.reviewed_on, review.reviewed_precision),
    )
    if details:
        for name in SUPPORT_FIELDS:
            related = getattr(review, name).exclude(status=Status.WITHDRAWN)
            links = [display.link(obj) for obj in related]
            if links:
                label = str(Review._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
                out.support.append((label, links))
        out.citations = list(review.citations.all())  # prefetched with their sources by published_reviews
    return out


def published_reviews(claim: Claim) -> list[Review]:
    """The claim's published reviews, the current (latest) first, with their citations and sources."""
    citations = Prefetch("citations", queryset=Citation.objects.select_related("source", "document").order_by("pk"))
    reviews = claim.reviews.filter(status=Status.PUBLISHED).prefetch_related(citations)
    out = list(reviews.order_by("-reviewed_on", "-created_at", "-id"))
    for review in out:
        review.claim = claim  # known: no query per review
    return out


def claim_section(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    """The claim page's fact-check: current review, earlier ratings, and the ClaimReview JSON-LD."""
    reviews = published_reviews(claim)
    if not reviews:
        return {"current": None, "history": [], "jsonld": ""}
    current = reviews[0]
    lang = (get_language() or "es")[:2]
    jsonld = script_json(claim_review(current, request.build_absolute_uri(request.path), lang))
    return {
        "current": review_view(current),
        "history": [review_view(r, details=False) for r in reviews[1:]],
        "jsonld": jsonld,
    }


#: the claims list's order: the most false first, unproven after true, unreviewed claims last
LIST_ORDER = (Rating.FALSE, Rating.MOSTLY_FALSE, Rating.MISLEADING, Rating.MOSTLY_TRUE, Rating.TRUE, Rating.UNPROVEN)


@dataclass
class ClaimRow:
    """A claim in a list, with its current review (None when not yet reviewed)."""

    claim: Claim
    href: str | None
    seen: str
    review: ReviewView | None


def _row_order(row: ClaimRow, order: dict[str, int]) -> int:
    return order[row.review.rating] if row.review else len(order)


def claim_rows(claims: list[Claim]) -> list[ClaimRow]:
    """Each claim with its current review (None when not yet reviewed), false first, unreviewed last."""
    current: dict[str, Review] = {}
    reviews = Review.objects.filter(claim__in=claims, status=Status.PUBLISHED)
    for latest in reviews.order_by("claim_id", "-reviewed_on", "-created_at", "-id"):
        current.setdefault(latest.claim_id, latest)
    order = {str(value): i for i, value in enumerate(LIST_ORDER)}
    rows = []
    for claim in claims:
        review = current.get(claim.pk)
        view = review_view(review, details=False) if review else None
        seen = display.format_date(claim.seen_on, claim.seen_precision)
        rows.append(ClaimRow(claim, display.record_url(claim), seen, view))
    rows.sort(key=lambda r: _row_order(r, order))
    return rows


def claim_list(request: HttpRequest) -> HttpResponse:
    """``/es/verificaciones/``: every published claim led by its current rating, filterable by rating."""
    claims = list(Claim.objects.filter(status=Status.PUBLISHED))
    rows = claim_rows(claims)
    wanted = request.GET.get("rating", "").strip()
    error = ""
    if wanted and wanted not in Rating.values:
        error = _("Calificación desconocida: %(value)s. Valores posibles: %(values)s.") % {
            "value": wanted[:40],
            "values": ", ".join(Rating.values),
        }
    counts = {value: 0 for value in Rating.values}
    for row in rows:
        if row.review:
            counts[row.review.rating] += 1
    if wanted:
        rows = [r for r in rows if r.review and r.review.rating == wanted]
    context = {
        "rows": rows,
        "ratings": [(value, value.label, counts[value]) for value in LIST_ORDER],
        "rating": wanted,
        "error": error,
        "total": len(claims),
    }
    return render(request, "factchecks/claim_list.html", context, status=400 if error else 200)


def related_checks(host: Country, foreign: Country, statement_ids: list[str]) -> list[ClaimRow]:
    """The published claims whose reviews rest on records about the pair: its statements, the host's facilities,
    the foreign country's uses of them, agreements between the two, the host's authorizations of the foreign
    country's entry."""
    pair_agreements = Agreement.objects.filter(parties=host).filter(parties=foreign).values("pk")
    pair_authorizations = Authorization.objects.filter(host_country=host, foreign_countries=foreign).values("pk")
    about_pair = (
        Q(statements__in=statement_ids)
        | Q(facilities__country=host)
        | Q(facility_uses__facility__country=host, facility_uses__user_country=foreign)
        | Q(observations__facility__country=host)
        | Q(authorizations__in=pair_authorizations)
        | Q(agreements__in=pair_agreements)
    )
    claim_ids = set(Review.objects.filter(about_pair, status=Status.PUBLISHED).values_list("claim_id", flat=True))
    return claim_rows(list(Claim.objects.filter(pk__in=claim_ids, status=Status.PUBLISHED)))
