"""Matching a new rumour (a post, a headline, a sentence in Spanish or English) to checked claims.

Two retrievers: BM25 over the claims' words (``matching_lexical``) and the cosine of multilingual e5 vectors
(``embedding``), which finds a claim across languages. Their scores are min-max normalized over the union of
their top candidates and summed with the weight ``LEXICAL_WEIGHT`` (chosen on the training split, see
``docs/claim-matching.md``). Without an embedder, the lexical ranking alone is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from veeduria.factchecks.embedding import Embedder
from veeduria.factchecks.matching_lexical import LexicalIndex
from veeduria.factchecks.matching_text import embedded_post

Method = Literal["lexical", "embedding", "fused"]
METHODS: tuple[Method, ...] = ("lexical", "embedding", "fused")
#: Weight of the normalized BM25 score in the fused score (the cosine gets the rest).
LEXICAL_WEIGHT = 0.3
#: Candidates taken from each retriever before fusion.
CANDIDATES = 100


@dataclass(frozen=True)
class Match:
    """A checked claim found for a text: its id, the score used to rank (0-1 when fused), and each retriever's."""

    claim_id: str
    score: float
    lexical: float
    semantic: float | None


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    count = min(count, scores.size)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, count - 1)[:count]
    return top[np.argsort(-scores[top], kind="stable")]


def _normalized(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


class ClaimIndex:
    """The searchable claims: ids, fields (``text``, ``title``, ``subtitle``), languages and, optionally, vectors
    (one L2-normalized row per claim, in the same order)."""

    def __init__(
        self,
        ids: Sequence[str],
        documents: Sequence[Mapping[str, str]],
        languages: Sequence[str | None],
        vectors: np.ndarray | None = None,
    ) -> None:
        if vectors is not None and vectors.shape[0] != len(ids):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(ids)} claims")
        self.ids = list(ids)
        self.lexical = LexicalIndex(documents, languages)
        self.vectors = vectors

    def __len__(self) -> int:
        return len(self.ids)

    def search(
        self,
        text: str,
        *,
        limit: int = 5,
        method: Method = "fused",
        embedder: Embedder | None = None,
        query_vector: np.ndarray | None = None,
        lexical_weight: float = LEXICAL_WEIGHT,
    ) -> list[Match]:
        """The ``limit`` best claims for ``text``. ``embedding`` and ``fused`` need vectors and a query vector
        (given, or computed by ``embedder``); without them the lexical ranking is returned."""
        if not self.ids or limit < 1:
            return []
        lexical = self.lexical.scores(text)
        semantic: np.ndarray | None = None
        if method != "lexical" and self.vectors is not None:
            if query_vector is None and embedder is not None:
                query_vector = embedder.query(embedded_post(text))
            if query_vector is not None:
                semantic = self.vectors @ query_vector
        if semantic is None or method == "lexical":
            order = [i for i in _top(lexical, limit) if lexical[i] > 0]
            return [Match(self.ids[i], float(lexical[i]), float(lexical[i]), None) for i in order]
        if method == "embedding":
            order = list(_top(semantic, limit))
            return [Match(self.ids[i], float(semantic[i]), float(lexical[i]), float(semantic[i])) for i in order]
        candidates = np.union1d(_top(lexical, CANDIDATES), _top(semantic, CANDIDATES))
        fused = lexical_weight * _normalized(lexical[candidates]) + (1 - lexical_weight) * _normalized(
            semantic[candidates]
        )
        best = _top(fused, limit)
        return [
            Match(
                self.ids[candidates[i]],
                float(fused[i]),
                float(lexical[candidates[i]]),
                float(semantic[candidates[i]]),
            )
            for i in best
        ]
