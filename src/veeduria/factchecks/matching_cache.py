"""Vectors of an evaluation collection or query set cached in a folder outside the repository, one ``.npy`` file
named by a hash of the texts (and of whether they are queries), so that a rerun on the same texts skips the
embedding and a changed text never reuses a stale vector."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from veeduria.factchecks.embedding import DIMENSIONS, QUERY_TOKENS, Embedder

BATCH = 32


def cache_path(folder: Path, texts: Sequence[str], *, query: bool) -> Path:
    """The file holding the vectors of ``texts``."""
    kind = f"q{QUERY_TOKENS}" if query else "p"  # queries are read up to QUERY_TOKENS: a new limit, new vectors
    digest = hashlib.sha256(kind.encode() + "\x00".join(texts).encode()).hexdigest()[:24]
    return folder / f"{digest}.npy"


def embed_texts(
    embedder: Embedder,
    texts: Sequence[str],
    *,
    query: bool,
    folder: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """The vectors of ``texts`` (queries or passages), read from ``folder`` when cached there, else computed
    (with progress) and, with a folder, saved."""
    path = cache_path(folder, texts, query=query) if folder is not None else None
    if path is not None and path.exists():
        vectors = np.load(path)
        if vectors.shape == (len(texts), DIMENSIONS):
            return vectors
    rows: list[np.ndarray] = []
    for start in range(0, len(texts), BATCH):
        batch = list(texts[start : start + BATCH])
        rows.append(np.stack([embedder.query(t) for t in batch]) if query else embedder.passages(batch))
        if progress is not None:
            progress(start + len(batch), len(texts))
    vectors = np.concatenate(rows).astype(np.float32) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors
