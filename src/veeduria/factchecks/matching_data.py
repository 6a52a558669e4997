"""Claim-matching evaluation files: a collection of checked claims (JSON lines), queries and relevance judgements
(tab-separated, the CheckThat! Lab formats). Every error names the file and the line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class EvaluationDataError(ValueError):
    """A collection, query or judgement file that cannot be read."""


@dataclass(frozen=True)
class CollectionClaim:
    """One checked claim of a collection: its id, the claim sentence, its article's title, subtitle and date."""

    id: str
    text: str
    title: str = ""
    subtitle: str = ""
    date: str = ""


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvaluationDataError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise EvaluationDataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise EvaluationDataError(f"{path}: {exc.strerror}") from exc


def load_collection(path: Path) -> list[CollectionClaim]:
    """A JSON-lines collection: ``vclaim_id`` and ``vclaim`` required; ``title``, ``subtitle``, ``date`` optional."""
    claims: list[CollectionClaim] = []
    seen: set[str] = set()
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationDataError(f"{path}, line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise EvaluationDataError(f"{path}, line {number}: a JSON object was expected")
        for key in ("vclaim_id", "vclaim"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise EvaluationDataError(f"{path}, line {number}: {key!r} is missing or empty")
        for key in ("title", "subtitle", "date"):
            if row.get(key) is not None and not isinstance(row[key], str):
                raise EvaluationDataError(f"{path}, line {number}: {key!r} must be a string")
        if row["vclaim_id"] in seen:
            raise EvaluationDataError(f"{path}, line {number}: the id {row['vclaim_id']!r} appears twice")
        seen.add(row["vclaim_id"])
        claims.append(
            CollectionClaim(
                id=row["vclaim_id"],
                text=row["vclaim"],
                title=row.get("title") or "",
                subtitle=row.get("subtitle") or "",
                date=row.get("date") or "",
            )
        )
    if not claims:
        raise EvaluationDataError(f"{path}: the collection is empty")
    return claims


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text


def load_queries(path: Path) -> dict[str, str]:
    """``id<TAB>text`` lines (a text wholly in double quotes is unquoted, ``""`` inside it being one quote)."""
    queries: dict[str, str] = {}
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        query_id, tab, text = line.partition("\t")
        if not tab or not query_id.strip() or not text.strip():
            raise EvaluationDataError(f"{path}, line {number}: expected an id, a tab and a text")
        if query_id in queries:
            raise EvaluationDataError(f"{path}, line {number}: the query id {query_id!r} appears twice")
        queries[query_id.strip()] = _unquote(text)
    if not queries:
        raise EvaluationDataError(f"{path}: no queries")
    return queries


def load_qrels(path: Path) -> dict[str, set[str]]:
    """``query_id<TAB>0<TAB>claim_id<TAB>relevance`` lines: the relevant claims of each query."""
    qrels: dict[str, set[str]] = {}
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[3].strip() not in {"0", "1"}:
            raise EvaluationDataError(
                f"{path}, line {number}: expected query id, 0, claim id and relevance (0 or 1), tab-separated"
            )
        if parts[3].strip() == "1":
            qrels.setdefault(parts[0].strip(), set()).add(parts[2].strip())
    if not qrels:
        raise EvaluationDataError(f"{path}: no relevant pairs")
    return qrels
