"""Labels for codes that readers must never see raw, kept as data.

Two tables: codes stored as plain strings by importers (``air_force`` in a personnel count's ``service``),
and the visible names of the reliability scale and the source kinds (the stored codes stay as they are; the
names say what was checked, see the reliability page).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veeduria.evidence.models import Reliability

#: services of a sending country's armed forces, as written by the DMDC importer
SERVICE: dict[str, Promise] = {
    "total": _("total de las fuerzas"),
    "all": _("todo el personal"),
    "army": _("Ejército"),
    "navy": _("Armada"),
    "air_force": _("Fuerza Aérea"),
    "marine_corps": _("Infantería de Marina"),
    "coast_guard": _("Guardia Costera"),
    "space_force": _("Fuerza Espacial"),
    "army_national_guard": _("Guardia Nacional del Ejército"),
    "air_national_guard": _("Guardia Nacional Aérea"),
    "dod": _("Departamento de Defensa"),
}

#: personnel categories, as written by the DMDC importer
CATEGORY: dict[str, Promise] = {
    "active_duty": _("servicio activo"),
    "reserve": _("reserva"),
    "civilian": _("civiles"),
    "all": _("total general (todas las categorías)"),
}

#: language codes of sources and quotes
LANGUAGE: dict[str, Promise] = {
    "es": _("español"),
    "en": _("inglés"),
    "it": _("italiano"),
    "pt": _("portugués"),
    "fr": _("francés"),
    "qu": _("quechua"),
}

#: (model name, field name) → code table; ``*`` matches every model
CODE_LABELS: dict[tuple[str, str], dict[str, Promise]] = {
    ("personnelcount", "service"): SERVICE,
    ("personnelcount", "category"): CATEGORY,
    ("*", "language"): LANGUAGE,
    ("*", "quote_language"): LANGUAGE,
}

#: visible names of the reliability codes: the model's choices (what was checked, not truth)
RELIABILITY: dict[str, Promise] = {str(code): label for code, label in Reliability.choices}

#: what each reliability code means, shown on the reliability page
RELIABILITY_MEANING: dict[str, Promise] = {
    "confirmed": _(
        "Una segunda persona leyó la fuente y comprobó que dice lo que dice el registro (mismas cifras, fechas y "
        "nombres). No significa que lo que afirma la fuente sea cierto: si la fuente es una nota de prensa, lo "
        "verificado es que la prensa lo publicó así."
    ),
    "partly": _(
        "La fuente dice parte de lo que dice el registro; otra parte difiere o no se encontró en ella. Las notas y "
        "los desacuerdos entre fuentes del registro dicen qué parte."
    ),
    "weak": _(
        "El dato viene de una fuente poco fiable (un blog, una copia sin respaldo, una sola fuente secundaria) o "
        "solo pudo deducirse. Sirve como pista para investigar, no como hecho."
    ),
    "unverified": _(
        "Nadie ha comprobado todavía el dato contra su fuente, o la fuente no pudo recuperarse. Se publica para "
        "que pueda comprobarse."
    ),
}

#: what each source kind is, shown on the reliability page
KIND_MEANING: dict[str, Promise] = {
    "official": _(
        "Texto publicado por un gobierno, un congreso o unas fuerzas armadas (o una copia fiel de ese texto, "
        "indicada como copia). Dice lo que la institución afirma o decide."
    ),
    "press": _(
        "Nota de prensa o de opinión. Informa lo que otros dicen o lo que el medio averiguó; conviene contrastarla "
        "con fuentes oficiales."
    ),
    "dataset": _(
        "Conjunto de datos publicado por una institución o por investigadores. Se importa tal como viene; sus "
        "errores conocidos se señalan en los registros."
    ),
    "repository": _("Archivo en un repositorio público de código o datos (por ejemplo, una transcripción)."),
    "leak": _(
        "Documento filtrado (por ejemplo, un cable diplomático); su autenticidad no fue confirmada oficialmente."
    ),
    "weak": _("Blog o sitio de baja fiabilidad: indicio que requiere confirmación; no se usa como única prueba."),
}


def code_label(model: Any, field: str, code: Any) -> str | None:
    """The label of ``code`` stored in ``field`` of ``model`` (a class or instance), or ``None`` if none is known."""
    cls: Any = model if isinstance(model, type) else type(model)
    name = cls._meta.model_name
    table = CODE_LABELS.get((name, field)) or CODE_LABELS.get(("*", field))
    if table is None or not isinstance(code, str) or code not in table:
        return None
    return str(table[code])


def coded_title(obj: Any) -> str | None:
    """A readable title for a record whose title field holds a code (a personnel count's ``service``):
    the labels of every coded field of its model, e.g. "Fuerza Aérea, servicio activo"; else ``None``."""
    model = type(obj)
    name = model._meta.model_name
    title_field = getattr(model, "title_field", "")
    if (name, title_field) not in CODE_LABELS:
        return None
    parts = []
    for (model_name, field), table in CODE_LABELS.items():
        if model_name == name:
            code = getattr(obj, field, "")
            parts.append(str(table[code]) if code in table else str(code))
    return ", ".join(p for p in parts if p)


def reliability_label(code: str) -> str:
    return str(RELIABILITY.get(code, code))
