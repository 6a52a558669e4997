"""Ranking measures as the CheckThat! Lab scorer computes them (Task 2: previously fact-checked claims).

Average precision at k divides the sum of the precisions at the relevant ranks within the top k by the number of
relevant claims of the query; MRR takes the first relevant rank over the whole returned ranking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

CUTOFFS = (1, 3, 5)


def average_precision(relevant: set[str], ranking: Sequence[str], k: int) -> float:
    """AP@k of one query."""
    if not relevant:
        return 0.0
    hits = 0
    total = 0.0
    for rank, claim_id in enumerate(ranking[:k], start=1):
        if claim_id in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def reciprocal_rank(relevant: set[str], ranking: Sequence[str]) -> float:
    """1 / rank of the first relevant claim, 0 when none is returned."""
    for rank, claim_id in enumerate(ranking, start=1):
        if claim_id in relevant:
            return 1.0 / rank
    return 0.0


def precision(relevant: set[str], ranking: Sequence[str], k: int) -> float:
    """Share of the top k that is relevant."""
    return sum(1 for claim_id in ranking[:k] if claim_id in relevant) / k


def evaluate(qrels: Mapping[str, set[str]], rankings: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """MAP@1, MAP@3, MAP@5, P@1 and MRR over the judged queries (a judged query without a ranking scores 0)."""
    if not qrels:
        raise ValueError("no judged queries to evaluate")
    scores = {f"MAP@{k}": 0.0 for k in CUTOFFS} | {"P@1": 0.0, "MRR": 0.0}
    for query_id, relevant in qrels.items():
        ranking = rankings.get(query_id, ())
        for k in CUTOFFS:
            scores[f"MAP@{k}"] += average_precision(relevant, ranking, k)
        scores["P@1"] += precision(relevant, ranking, 1)
        scores["MRR"] += reciprocal_rank(relevant, ranking)
    return {name: value / len(qrels) for name, value in scores.items()}
