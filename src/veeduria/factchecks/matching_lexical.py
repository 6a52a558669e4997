"""BM25 over the fields of checked claims (claim, title, subtitle), each field scored alone and the scores
summed with field weights. Postings hold their precomputed BM25 weights, so a query is a few array additions."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from veeduria.factchecks.matching_text import terms

K1 = 1.2
B = 0.75
#: Field weights of the summed score (the claim sentence counts most; chosen on the training split).
FIELD_WEIGHTS: Mapping[str, float] = {"text": 1.0, "title": 0.6, "subtitle": 0.2}


class _FieldIndex:
    def __init__(self, documents: Sequence[list[str]]) -> None:
        count = len(documents)
        lengths = np.array([len(doc) for doc in documents], dtype=np.float64)
        average = float(lengths.mean()) if count and lengths.sum() else 1.0
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for number, doc in enumerate(documents):
            for term, frequency in Counter(doc).items():
                docs, tfs = postings.setdefault(term, ([], []))
                docs.append(number)
                tfs.append(frequency)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (docs, tfs) in postings.items():
            doc_array = np.array(docs, dtype=np.int32)
            tf = np.array(tfs, dtype=np.float64)
            idf = math.log(1 + (count - len(docs) + 0.5) / (len(docs) + 0.5))
            norm = K1 * (1 - B + B * lengths[doc_array] / average)
            self.postings[term] = (doc_array, (idf * tf * (K1 + 1) / (tf + norm)).astype(np.float32))

    def add_scores(self, scores: np.ndarray, query_terms: Counter[str], weight: float) -> None:
        for term in query_terms:
            found = self.postings.get(term)
            if found is not None:
                scores[found[0]] += weight * found[1]


class LexicalIndex:
    """BM25 over ``documents`` (mappings of field name to text), each in its language (``es``/``en``/None)."""

    def __init__(
        self,
        documents: Sequence[Mapping[str, str]],
        languages: Sequence[str | None],
        field_weights: Mapping[str, float] = FIELD_WEIGHTS,
    ) -> None:
        self.size = len(documents)
        self.field_weights = dict(field_weights)
        pairs = list(zip(documents, languages, strict=True))
        self.fields = {
            field: _FieldIndex([terms(doc.get(field, ""), language) for doc, language in pairs])
            for field in self.field_weights
        }

    def scores(self, text: str) -> np.ndarray:
        """The BM25 score of every document for ``text`` (0 where no term is shared)."""
        query_terms = Counter(terms(text))
        scores = np.zeros(self.size, dtype=np.float32)
        for field, index in self.fields.items():
            index.add_scores(scores, query_terms, self.field_weights[field])
        return scores
