"""The texts of the presence assessment, as data in both languages: criteria, categories, dates and amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

#: Each criterion: its name, the question it answers, and the words for its answers (es/en).
CRITERIA: dict[str, dict[str, str]] = {
    "presence": {
        "es": "Presencia extranjera documentada",
        "en": "Documented foreign presence",
        "question_es": "¿Documenta algún registro personal o unidades del país extranjero en la instalación?",
        "question_en": "Does any record document personnel or units of the foreign country at the facility?",
        "yes_es": "hay presencia extranjera documentada",
        "yes_en": "foreign presence is documented",
        "no_es": "no hubo presencia extranjera",
        "no_en": "there was no foreign presence",
        "unknown_es": "no documentada",
        "unknown_en": "not documented",
    },
    "exclusive_control": {
        "es": "Control exclusivo extranjero del área",
        "en": "Exclusive foreign control of the area",
        "question_es": "¿Controla el país extranjero el área de forma exclusiva?",
        "question_en": "Does the foreign country control the area exclusively?",
        "yes_es": "el país extranjero controla el área de forma exclusiva",
        "yes_en": "the foreign country controls the area exclusively",
        "no_es": "el país extranjero no controla el área de forma exclusiva",
        "no_en": "the foreign country does not control the area exclusively",
        "unknown_es": "desconocido",
        "unknown_en": "unknown",
    },
    "foreign_command": {
        "es": "Mando extranjero de la instalación",
        "en": "Foreign command of the installation",
        "question_es": "¿Manda u opera la instalación una unidad del país extranjero?",
        "question_en": "Is the installation commanded or operated by a unit of the foreign country?",
        "yes_es": "la manda u opera el país extranjero",
        "yes_en": "the foreign country commands or operates it",
        "no_es": "no la manda el país extranjero",
        "no_en": "the foreign country does not command it",
        "unknown_es": "desconocido",
        "unknown_en": "unknown",
    },
    "permanence": {
        "es": "Permanencia",
        "en": "Permanence",
        "question_es": "¿Hay presencia extranjera continua durante un periodo indicado de al menos un año?",
        "question_en": "Is there a continuous foreign presence over a stated period of at least a year?",
        "yes_es": "la presencia es continua durante al menos un año",
        "yes_en": "the presence is continuous over at least a year",
        "no_es": "la presencia no es continua",
        "no_en": "the presence is not continuous",
        "unknown_es": "desconocido",
        "unknown_en": "unknown",
    },
    "personnel": {
        "es": "Personal extranjero destacado",
        "en": "Foreign personnel stationed",
        "question_es": "¿Da algún registro una cifra de personal extranjero destacado en la instalación?",
        "question_en": "Does any record give a number of foreign personnel stationed at the facility?",
        "yes_es": "hay personal extranjero destacado allí",
        "yes_en": "foreign personnel are stationed there",
        "no_es": "no hay personal extranjero destacado allí",
        "no_en": "no foreign personnel are stationed there",
        "unknown_es": "desconocido",
        "unknown_en": "unknown",
    },
    "foreign_funding": {
        "es": "Infraestructura construida o financiada por el país extranjero",
        "en": "Infrastructure built or funded by the foreign state",
        "question_es": "¿Construyó o financió el país extranjero la infraestructura?",
        "question_en": "Did the foreign state build or fund the infrastructure?",
        "yes_es": "el país extranjero la construyó o financió",
        "yes_en": "the foreign state built or funded it",
        "no_es": "no la financió el país extranjero",
        "no_en": "the foreign state did not fund it",
        "unknown_es": "desconocido",
        "unknown_en": "unknown",
    },
    "legal_instrument": {
        "es": "Instrumento jurídico que concede uso o estatus",
        "en": "Legal instrument granting use or status",
        "question_es": (
            "¿Concede un acuerdo o una autorización el uso de la instalación o un estatus al país extranjero?"
        ),
        "question_en": (
            "Does an agreement or an authorization grant the foreign country use of the facility or a status?"
        ),
        "yes_es": "un instrumento jurídico concede el uso",
        "yes_en": "a legal instrument grants the use",
        "no_es": "ningún instrumento concede el uso",
        "no_en": "no instrument grants the use",
        "unknown_es": "desconocido",
        "unknown_en": "unknown",
    },
    "host_access": {
        "es": "Acceso de las autoridades anfitrionas",
        "en": "Host authority access",
        "question_es": "¿Tienen acceso a la instalación las autoridades del país anfitrión?",
        "question_en": "Do the host country's authorities have access to the facility?",
        "yes_es": "las autoridades anfitrionas tienen acceso",
        "yes_en": "the host authorities have access",
        "no_es": "las autoridades anfitrionas no tienen acceso",
        "no_en": "the host authorities have no access",
        "unknown_es": "desconocido",
        "unknown_en": "unknown",
    },
    "official_inventory": {
        "es": "Listada en el inventario oficial del país extranjero",
        "en": "Listed in the foreign state's official inventory",
        "question_es": (
            "¿Figura el sitio en el inventario oficial de sitios del país extranjero (DoD Base Structure Report)?"
        ),
        "question_en": "Is the site in the foreign state's official inventory of sites (DoD Base Structure Report)?",
        "yes_es": "figura en el inventario oficial",
        "yes_en": "it is in the official inventory",
        "no_es": "no figura en el inventario oficial",
        "no_en": "it is not in the official inventory",
        "unknown_es": "desconocido",
        "unknown_en": "unknown",
    },
}

#: The categories, in the order of the rules that give them.
CATEGORIES: dict[str, dict[str, str]] = {
    "foreign_base": {
        "es": "base extranjera",
        "en": "foreign base",
        "meaning_es": (
            "Presencia permanente bajo control exclusivo o mando extranjero sin acceso de las autoridades anfitrionas."
        ),
        "meaning_en": "A standing presence under exclusive foreign control, or foreign command without host access.",
    },
    "shared_standing": {
        "es": "lugar compartido o de cooperación con presencia extranjera permanente",
        "en": "shared or cooperative location with a standing foreign presence",
        "meaning_es": (
            "Presencia extranjera documentada y continua durante al menos un año, sin control exclusivo "
            "extranjero documentado."
        ),
        "meaning_en": (
            "A documented foreign presence continuous over at least a year, without documented exclusive "
            "foreign control."
        ),
    },
    "temporary_use": {
        "es": "instalación del país anfitrión usada temporalmente",
        "en": "host facility used temporarily",
        "meaning_es": (
            "Presencia extranjera documentada sin permanencia documentada (usos breves o sin fechas que la muestren)."
        ),
        "meaning_en": (
            "A documented foreign presence without documented permanence (short uses, or no dates showing it)."
        ),
    },
    "none_documented": {
        "es": "sin presencia extranjera documentada",
        "en": "no foreign presence documented",
        "meaning_es": (
            "Ningún registro documenta personal o unidades extranjeras en la instalación (puede haber "
            "financiamiento, planes o clasificaciones externas)."
        ),
        "meaning_en": (
            "No record documents foreign personnel or units at the facility (there may be funding, plans or "
            "external classifications)."
        ),
    },
}

_MONTHS = {
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def describe_date(value: date, precision: str, lang: str) -> str:
    """A date written with the precision it is known to: ``8 sep 1989``, ``dic 1993``, ``1983``."""
    month = _MONTHS["en" if lang == "en" else "es"][value.month - 1]
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{month} {value.year}"
    if precision == "unknown":
        return "?"
    return f"{value.day} {month} {value.year}"


def fmt_amount(amount: Decimal | None, currency: str, lang: str) -> str:
    """``49.200.000 USD`` (es) or ``USD 49,200,000`` (en); ``?`` when unknown."""
    if amount is None:
        return "?"
    text = f"{int(amount):,}"
    if lang == "en":
        return f"{currency} {text}".strip()
    return f"{text.replace(',', '.')} {currency}".strip()
