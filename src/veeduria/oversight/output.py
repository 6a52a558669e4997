"""The findings as rows, CSV (spreadsheet-safe) and JSON: one table for the CLI and the portal downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from veeduria.oversight.models import Finding
from veeduria.oversight.queries import citations_of, country_names
from veeduria.oversight.texts import Names
from veeduria.publicdata.csv_safe import neutralise

COLUMNS = (
    "severity", "rule", "activity", "authorization", "explanation_es", "explanation_en", "citations", "computed_at",
)  # fmt: skip


def rows(findings: Iterable[Finding], names: Names | None = None) -> list[dict[str, Any]]:
    """One row per finding, its explanations written (select the authorizations with the findings); the citations
    are the ids of its activity's and its authorization's citations."""
    findings = list(findings)
    names = country_names() if names is None else names
    cited = citations_of(findings)
    out = []
    for f in findings:
        es, en = f.explanations(names)
        out.append(
            {
                "severity": f.severity,
                "rule": f.rule,
                "activity": f.activity_id,
                "authorization": f.authorization_id or "",
                "explanation_es": es,
                "explanation_en": en,
                "citations": " ".join(str(c.pk) for c in cited.get(f.pk, [])),
                "computed_at": f.computed_at.isoformat() if f.computed_at else "",
            }
        )
    return out


def to_csv(data: list[dict[str, Any]]) -> str:
    return "".join(csv_chunks(data))


def csv_chunks(data: Iterable[dict[str, Any]], every: int = 500) -> Iterator[str]:
    """The findings as CSV in pieces of ``every`` rows (the header first), for a streamed response."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for n, row in enumerate(data, 1):
        writer.writerow({k: neutralise(v) for k, v in row.items()})
        if n % every == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def json_chunks(data: Iterable[dict[str, Any]], count: int, every: int = 500) -> Iterator[str]:
    """A document with the keys of ``to_json`` (``count``, ``findings``), in pieces, for a streamed response."""
    parts = [f'{{"count": {count}, "findings": [']
    first = True
    for row in data:
        parts.append(("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False))
        first = False
        if len(parts) >= every:
            yield "".join(parts)
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts)


def to_json(data: list[dict[str, Any]]) -> str:
    return json.dumps({"count": len(data), "findings": data}, ensure_ascii=False, indent=1)


def to_text(data: list[dict[str, Any]], lang: str = "es") -> str:
    key = "explanation_en" if lang.startswith("en") else "explanation_es"
    return "\n".join(f"[{r['severity']}] {r['rule']} {r['activity']} {r['authorization']}: {r[key]}" for r in data)
