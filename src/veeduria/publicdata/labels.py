"""Readable names of the files of an export set, for the downloads page."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from veeduria.records.registry import BY_KEY

FORMAT_LABELS = {
    "csv": "CSV",
    "jsonl": "JSON Lines",
    "geojson": "GeoJSON",
    "claimreview": "ClaimReview JSON-LD",
    "sqlite": "SQLite",
    "dataset": "YAML (zip)",
}


def content_label(name: str) -> str:
    """What a file holds, e.g. ``authorizations-places.csv`` → "Autorizaciones: lugares autorizados"."""
    stem = name.rsplit(".", 1)[0]
    fixed = {
        "sources": _("Fuentes"),
        "citations": _("Citas (qué fuente respalda cada dato)"),
        "alternative-values": _("Valores alternativos (donde las fuentes discrepan)"),
        "findings": _("Hallazgos de cumplimiento"),
        "documents": _("Documentos (metadatos)"),
        "claim-reviews": _("Verificaciones"),
        "veeduria": _("Todos los datos públicos en una base de datos"),
        "dataset": _("Todos los registros en el formato que carga «veeduria load»"),
    }
    if stem in fixed:
        return str(fixed[stem])
    key, _sep, relation = stem.partition("-")
    rt = BY_KEY.get(key)
    if rt is None:
        return stem
    if not relation:
        return str(rt.label)
    rel = next((r for r in rt.model._meta.related_objects if r.name == relation), None)
    if rel is None or rel.related_model is None:
        return f"{rt.label}: {relation}"
    return f"{rt.label}: {rel.related_model._meta.verbose_name_plural}"  # type: ignore[union-attr]


def format_label(fmt: str) -> str:
    return FORMAT_LABELS.get(fmt, fmt.upper())


def sort_key(name: str) -> tuple[int, str]:
    return (1 if name.endswith((".sqlite", ".zip")) else 0, capfirst(content_label(name)).casefold())
