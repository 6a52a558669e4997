"""Claim matching on the CheckThat! 2022 Task 2A English data: each method alone, fused, and with the date gap.

    .venv/bin/python bench/claims.py                       # devtest split, data in ../shared/data/claim-matching
    .venv/bin/python bench/claims.py --split dev --data DIR

Vectors of the collection and of the queries are cached under /tmp/veeduria-claims-bench (never in the
repository): the first run embeds the 14,231 claims (minutes on 2 cores), later runs read the cache.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veeduria.settings")

import numpy as np
from django.conf import settings

from veeduria.factchecks.embedding import Embedder
from veeduria.factchecks.matching import CANDIDATES, LEXICAL_WEIGHT, METHODS, ClaimIndex, Match, Method
from veeduria.factchecks.matching_cache import cache_path, embed_texts
from veeduria.factchecks.matching_data import load_collection, load_qrels, load_queries
from veeduria.factchecks.matching_metrics import evaluate
from veeduria.factchecks.matching_text import embedded_post, passage_text

CACHE = Path("/tmp/veeduria-claims-bench")
WEIGHTS = (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
#: The splits the fusion weight and the date bonus are chosen on (devtest is only reported).
TUNING_SPLITS = ("train", "dev")
DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "claim-matching"


def _progress(done: int, total: int) -> None:
    print(f"\r  embedding {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


def cached_vectors(embedder: Embedder | None, texts: Sequence[str], *, query: bool) -> np.ndarray:
    """The vectors of ``texts``, cached under ``CACHE`` (computed with progress the first time)."""
    if embedder is None and not cache_path(CACHE, texts, query=query).exists():
        embedder = Embedder(threads=settings.CLAIM_EMBEDDER_THREADS)
    return embed_texts(embedder, texts, query=query, folder=CACHE, progress=_progress)  # type: ignore[arg-type]


_POST_DATE = re.compile(r"([A-Z][a-z]+ \d{1,2}, \d{4})\W*$")
#: The date-gap ranking: a bonus to claims checked from 2 days before to 30 days after the post.
GAP_DAYS = (-2, 30)
BONUSES = (0.05, 0.1, 0.2, 0.3)


def post_date(text: str) -> dt.date | None:
    """The date that ends a post as the data set quotes it (``— Name (@handle) January 28, 2021``)."""
    found = _POST_DATE.search(text)
    try:
        return dt.datetime.strptime(found.group(1), "%B %d, %Y").date() if found else None
    except ValueError:
        return None


def check_date(text: str) -> dt.date | None:
    """A fact-check's date (``26 May 2015``)."""
    try:
        return dt.datetime.strptime(text.strip(), "%d %B %Y").date()
    except ValueError:
        return None


def _date_rankings(
    index: ClaimIndex,
    queries: dict[str, str],
    vectors: np.ndarray,
    checked_on: dict[str, dt.date | None],
    weight: float,
    bonus: float,
) -> dict[str, list[str]]:
    rankings = {}
    for row, (query_id, text) in enumerate(queries.items()):
        found = index.search(text, limit=CANDIDATES, query_vector=vectors[row], lexical_weight=weight)
        posted = post_date(text)

        def score(match: Match, posted: dt.date | None = posted) -> float:
            checked = checked_on.get(match.claim_id)
            near = posted and checked and GAP_DAYS[0] <= (checked - posted).days <= GAP_DAYS[1]
            return match.score + (bonus if near else 0.0)

        rankings[query_id] = [m.claim_id for m in sorted(found, key=score, reverse=True)]
    return rankings


def _rankings(
    index: ClaimIndex,
    queries: dict[str, str],
    vectors: np.ndarray | None,
    method: Method,
    weight: float = LEXICAL_WEIGHT,
    depth: int = 5,
) -> dict[str, list[str]]:
    rankings = {}
    for row, (query_id, text) in enumerate(queries.items()):
        vector = None if vectors is None else vectors[row]
        found = index.search(text, limit=depth, method=method, query_vector=vector, lexical_weight=weight)
        rankings[query_id] = [match.claim_id for match in found]
    return rankings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of vclaims.jsonl and the splits")
    parser.add_argument("--split", default="devtest", help="queries-SPLIT.tsv / qrels-SPLIT.tsv (default devtest)")
    parser.add_argument("--tune", action="store_true", help="choose the lexical weight on the train and dev splits")
    parser.add_argument("--latency", type=int, default=200, help="queries timed end to end (0: skip)")
    args = parser.parse_args(argv)
    if not (args.data / "vclaims.jsonl").exists():
        print(f"no claim-matching data in {args.data}", file=sys.stderr)
        return 1
    collection = load_collection(args.data / "vclaims.jsonl")
    started = time.monotonic()
    index = ClaimIndex(
        [c.id for c in collection],
        [{"text": c.text, "title": c.title, "subtitle": c.subtitle} for c in collection],
        ["en"] * len(collection),
        cached_vectors(None, [passage_text(c.text, c.title) for c in collection], query=False),
    )
    print(f"collection: {len(index):,} claims, lexical index built in {time.monotonic() - started:.1f} s")
    embedder = Embedder(threads=settings.CLAIM_EMBEDDER_THREADS)

    def split(name: str) -> tuple[dict[str, str], dict[str, set[str]], np.ndarray]:
        queries = load_queries(args.data / f"queries-{name}.tsv")
        qrels = load_qrels(args.data / f"qrels-{name}.tsv")
        return queries, qrels, cached_vectors(embedder, [embedded_post(t) for t in queries.values()], query=True)

    def tuning() -> tuple[dict[str, str], dict[str, set[str]], np.ndarray]:
        """The train and dev splits together: what weights are chosen on."""
        parts = [split(name) for name in TUNING_SPLITS]
        queries = {k: v for part in parts for k, v in part[0].items()}
        qrels = {k: v for part in parts for k, v in part[1].items()}
        return queries, qrels, np.concatenate([part[2] for part in parts])

    tune_queries, tune_qrels, tune_vectors = tuning()
    weight = LEXICAL_WEIGHT
    if args.tune:
        tried = {
            w: evaluate(tune_qrels, _rankings(index, tune_queries, tune_vectors, "fused", w))["MAP@5"] for w in WEIGHTS
        }
        for w, value in tried.items():
            print(f"  train+dev MAP@5 with lexical weight {w:.2f}: {value:.4f}")
        weight = max(tried, key=lambda w: tried[w])
        print(f"lexical weight chosen on train+dev: {weight:.2f}")
    queries, qrels, vectors = split(args.split)
    print(f"\n{args.split}: {len(queries)} queries\n")
    print("| method | MAP@1 | MAP@3 | MAP@5 | P@1 | MRR |\n|---|---:|---:|---:|---:|---:|")
    for method in METHODS:
        scores = evaluate(qrels, _rankings(index, queries, vectors, method, weight, depth=CANDIDATES))
        print(f"| {method} | " + " | ".join(f"{scores[name]:.4f}" for name in scores) + " |")
    checked_on = {c.id: check_date(c.date) for c in collection}
    tried = {
        b: evaluate(tune_qrels, _date_rankings(index, tune_queries, tune_vectors, checked_on, weight, b))["MAP@5"]
        for b in BONUSES
    }
    bonus = max(tried, key=lambda b: tried[b])
    scores = evaluate(qrels, _date_rankings(index, queries, vectors, checked_on, weight, bonus))
    print(
        f"| fused + date gap (bonus {bonus} chosen on train+dev) | "
        + " | ".join(f"{v:.4f}" for v in scores.values())
        + " |"
    )
    if args.latency:
        texts = list(queries.values())[: args.latency]
        end_to_end, retrieval = [], []
        for row, text in enumerate(texts):
            start = time.perf_counter()
            index.search(text, limit=5, embedder=embedder, lexical_weight=weight)
            end_to_end.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            index.search(text, limit=5, query_vector=vectors[row], lexical_weight=weight)
            retrieval.append((time.perf_counter() - start) * 1000)
        for label, timings in (("query embedded live", end_to_end), ("retrieval and fusion alone", retrieval)):
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            print(
                f"latency, {label} ({len(timings)} queries, {settings.CLAIM_EMBEDDER_THREADS} embedder threads,"
                f" load {os.getloadavg()[0]:.1f}):"
                f" median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
