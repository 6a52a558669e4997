"""Claims and reviews in a dataset folder: loaded with their links and citations, or refused with an error that
names the file, the record and the field, writing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from veeduria.factchecks.models import Claim, Review
from veeduria.ingest.dataset import load_folder
from veeduria.ingest.validate import DatasetInvalid

from ..conftest import BUNDLED

CLAIMS = """\
- id: rumour
  text: "US troops will stay for good"
  language: en
  seen_at: A post
  seen_on: 2024-03
  citations:
    - source: src-press-a
"""

REVIEWS = """\
- id: rumour-check
  claim: rumour
  rating: "{rating}"
  verdict_es: Falso
  explanation_es: La autorización fija un periodo.
  reviewed_on: 2024-04-18
  author: Veeduría
  authorizations: [{authorization}]
  citations:
    - source: src-official
      quote: periodo
"""


def _write(folder: Path, rating: str = "false", authorization: str = "rl-100") -> None:
    (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    (folder / "reviews.yaml").write_text(REVIEWS.format(rating=rating, authorization=authorization), encoding="utf-8")


def test_claims_and_reviews_load_with_links(db: Any, mini_dataset: Path) -> None:
    _write(mini_dataset)
    report = load_folder(mini_dataset)
    assert report.created["claims"] == 1 and report.created["reviews"] == 1
    claim = Claim.objects.get(pk="rumour")
    assert (claim.seen_on.isoformat(), claim.seen_precision) == ("2024-03-01", "month")
    review = claim.current_review()
    assert review is not None and list(review.authorizations.values_list("pk", flat=True)) == ["rl-100"]
    assert [c.source_id for c in review.citations.all()] == ["src-official"]
    assert load_folder(mini_dataset).unchanged["reviews"] == 1  # idempotent


@pytest.mark.parametrize(
    ("rating", "authorization", "expected"),
    [
        ("wrong", "rl-100", "reviews.yaml"),
        ("false", "rl-00000", "rl-00000"),
    ],
)
def test_bad_review_is_refused_naming_where(
    db: Any, mini_dataset: Path, rating: str, authorization: str, expected: str
) -> None:
    _write(mini_dataset, rating=rating, authorization=authorization)
    with pytest.raises(DatasetInvalid) as exc:
        load_folder(mini_dataset)
    text = "\n".join(exc.value.errors)
    assert expected in text and "rumour-check" in text
    assert ("rating" if rating == "wrong" else "authorizations") in text
    assert not Claim.objects.exists() and not Review.objects.exists()


def test_bundled_reviews_cite_sources_and_say_the_nuance(db: Any) -> None:
    load_folder(BUNDLED)
    reviews = list(Review.objects.all())
    assert len(reviews) >= 4
    for review in reviews:
        assert review.citations.exists(), review.pk
        assert review.verdict_en and review.explanation_en, review.pk
    bases = Review.objects.get(claim_id="us-military-bases-in-peru")
    assert "NAMRU SOUTH" in bases.explanation_es and "sin ser una base" in bases.explanation_es
    assert bases.facilities.filter(pk="namru-south-callao").exists()
    assert Review.objects.get(claim_id="us-bought-callao-naval-base").rating == "false"
    press = {c.source.kind for c in Review.objects.get(claim_id="us-bought-callao-naval-base").citations.all()}
    assert press == {"press", "official"}


def test_a_published_rating_is_not_edited_in_place(db: Any, mini_dataset: Path) -> None:
    from django.core.exceptions import ValidationError

    _write(mini_dataset)
    load_folder(mini_dataset)
    _write(mini_dataset, rating="mostly_false")
    with pytest.raises(DatasetInvalid) as exc:
        load_folder(mini_dataset)
    (error,) = exc.value.errors
    assert error.startswith("reviews.yaml:1: record 'rumour-check': field 'rating':")
    assert "'false'" in error and "add a new review" in error
    assert Review.objects.get(pk="rumour-check").rating == "false"
    review = Review.objects.get(pk="rumour-check")
    review.rating = "true"
    with pytest.raises(ValidationError) as invalid:
        review.full_clean()
    assert set(invalid.value.message_dict) == {"rating"}
    review.rating = "false"
    review.verdict_en = "False"  # the texts may be corrected
    review.full_clean()
