"""What the glossary says about programmes, instrument types and external categories, and where it comes from.

Only what the sources say: the names of training programmes as the Foreign Military Training Report's labels
write them, the instrument types as the Peruvian norms and their press reports describe them, and the external
categories as their authors document them. Which programmes, instruments and categories are listed comes from the
data (the models' choices and the values imported); this module only adds the explanations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Cited:
    """A source of an explanation: its title and, when public, its address."""

    title: str
    url: str = ""


FMTRPT = Cited(
    "Foreign Military Training Report (US Department of State and Department of Defense), Peru rows, "
    "Security Force Monitor scrape",
    "https://github.com/security-force-monitor/fmtrpt_data",
)

#: department that reports a programme's training, as the report's labels say
STATE = _("Departamento de Estado")
DEFENSE = _("Departamento de Defensa")


@dataclass(frozen=True)
class Programme:
    """A training programme: the name the report gives it (empty when its labels only carry the acronym), the
    department reporting it and one label as written in the report."""

    name: str
    department: Promise
    label: str


#: normalised programme (``veeduria.ingest.importers.fmtrpt.PROGRAMS``) → what the report's labels say
PROGRAMMES: dict[str, Programme] = {
    "IMET": Programme(
        "International Military Education and Training (IMET)",
        STATE,
        "IMET-1 - Fiscal Year 2010 Department of State Training",
    ),
    "FMF": Programme("", STATE, "FMF - Fiscal Year 2017 Department of State Training"),
    "INCLE": Programme(
        "International Narcotics and Law Enforcement (INL)",
        STATE,
        "INCLE - Fiscal Year 2019 Department of State Training",
    ),
    "CTFP": Programme(
        "Regional Defense Counterterrorism Fellowship Program",
        DEFENSE,
        "CTFP - Fiscal Year 2012 Department of Defense Training",
    ),
    "CTIWFP": Programme("", DEFENSE, "CTIWFP - Fiscal Year 2019 Department of Defense Training"),
    "Section 1004": Programme(
        "Drug Interdiction and Counter-Drug Activities, Section 1004",
        DEFENSE,
        "Section 1004 - Fiscal Year 2010 Department of Defense Training",
    ),
    "Section 333": Programme("", DEFENSE, "Section 333 - Fiscal Year 2019 Department of Defense Training"),
    "Section 1203": Programme("", DEFENSE, "Section 1203 - Fiscal Year 2016 Department of Defense Training"),
    "Section 506": Programme(
        "Foreign Assistance Act Draw Down, Section 506",
        DEFENSE,
        "Section 506 - FAA Drawdown Relating To Narcotics Education And Training, FY 00",
    ),
    "Regional Centers": Programme(
        "Regional Centers (e.g. Center For Hemispheric Defense Studies, CHDS)",
        DEFENSE,
        "Regional Centers - Fiscal Year 2017 Department of Defense Training",
    ),
    "Service Academies": Programme(
        "Service Academies", DEFENSE, "Service Academies - Fiscal Year 2019 Department of Defense Training"
    ),
    "PKO": Programme("", STATE, "PKO - Fiscal Year 2019 Department of State Training"),
    "GPOI": Programme("", STATE, "GPOI - Fiscal Year 2012 Department of State Training"),
    "NADR": Programme("", STATE, "NADR - Fiscal Year 2020 Department of State Training"),
    "ALP": Programme("", DEFENSE, "ALP - Fiscal Year 2010 Department of Defense Training"),
    "PME": Programme("", DEFENSE, "PME - Fiscal Year 2012 Department of Defense Training"),
    "Exchanges": Programme("Exchange Training", DEFENSE, "Exchange - Fiscal Year 2018 Department of Defense Training"),
    "Misc DoD/DoS Non-SA": Programme(
        "Miscellaneous, DOD/DOS Non-Security Assistance",
        DEFENSE,
        "Misc DoD/DoS Non-SA - Fiscal Year 2014 Department of Defense Training",
    ),
}

CONSTITUTION = Cited(
    "Constitución Política del Perú 1993, art. 102 inc. 8 (jeqo/peru-constitucion)",
    "https://github.com/jeqo/peru-constitucion",
)
RL_30724 = Cited(
    "Resolución Legislativa 30724, El Peruano, 22 Jan 2018 (Scribd copy)",
    "https://scribd.com/document/411322392/Ley-Que-Declara-de-Prioridad-e-Interes-Nacional-La-Construcc-Ley-n-30723-1608601-10-Es-en-1",
)
RM_2011 = Cited(
    "Mindef, Resolución Ministerial of 18 May 2011 (OCR copy)",
    "https://p.pdfdokument.com/2esoucion-jvinisteria_5ef35bac097c47af308e5218.html",
)
RL_32214_PRESS = Cited(
    "Prensa Latina on RL 32214 (2025)",
    "https://vocesdelsur.prensa-latina.cu/peru-autoriza-ingreso-de-militares-de-estados-unidos-durante-el-2025",
)
PRL_5079 = Cited("Dictamen on PRL 5079/2015-PE (vLex)", "https://vlex.com.pe/vid/645213321")
COMMITTEE_2012 = Cited("Inforegión (2012)", "https://archivo.inforegion.pe/tag/militares-estadounidenses")

#: instrument type (``records.models.InstrumentType``) → (what it is, its sources)
INSTRUMENTS: dict[str, tuple[Promise, tuple[Cited, ...]]] = {
    "rl": (
        _(
            "Norma del Congreso. La Constitución le atribuye «prestar consentimiento para el ingreso de tropas "
            "extranjeras en el territorio de la República, siempre que no afecte, en forma alguna, la soberanía "
            "nacional». El ingreso con armas se autoriza así, según los artículos 3 y 4 de la Ley 27856 (modificada "
            "por la Ley 30209). Hay una resolución anual con el programa de actividades con fuerzas armadas "
            "extranjeras y otras para casos puntuales."
        ),
        (CONSTITUTION, RL_30724, PRL_5079),
    ),
    "rm": (
        _(
            "Norma del Ministro de Defensa. Según el artículo 5 de la Ley 27856 (modificado por la Ley 28899), "
            "autoriza el ingreso de personal militar extranjero sin armas de guerra (fomento de la confianza, "
            "asistencia cívica, planeamiento de ejercicios, actividades académicas, de instrucción o entrenamiento); "
            "el Presidente del Consejo de Ministros da cuenta al Congreso por escrito en 24 horas. Debe especificar "
            "los motivos, la relación del personal, los equipos transeúntes y el tiempo de permanencia."
        ),
        (RM_2011,),
    ),
    "rs": (
        _(
            "Norma del Poder Ejecutivo refrendada por el Ministro de Defensa. Las resoluciones legislativas "
            "recientes permiten modificar con ella, por causas imprevistas, la fecha de inicio autorizada, sin "
            "exceder el plazo; el Ministro informa a la Comisión de Defensa en 48 horas."
        ),
        (RL_32214_PRESS,),
    ),
    "bill": (
        _(
            "Proyecto presentado al Congreso (PRL) para autorizar un ingreso. Se registra como tal mientras no se "
            "conoce la resolución legislativa que lo aprobó."
        ),
        (PRL_5079,),
    ),
    "committee": (
        _("Aprobación de la Comisión de Defensa del Congreso, no del Pleno."),
        (COMMITTEE_2012,),
    ),
}

TROOPDATA = Cited(
    "troopdata (M. Flynn), documentation of the basedata columns (R/data.R); David Vine's list, to 2018",
    "https://github.com/meflynn/troopdata",
)
BSR = Cited("US Department of Defense, Base Structure Report, FY2022")

#: (scheme of ``FacilityClassification``, its category label as stored) → (definition as its authors give it, source)
CATEGORIES: dict[str, tuple[str, Cited]] = {
    "major base": ("major base", TROOPDATA),
    "lily pad": ("less than 200 personnel or 'other site' designation in Pentagon reports", TROOPDATA),
    "funded site": ("host-state base funded by the US", TROOPDATA),
}
BSR_SITE = (
    "a site is defined as a single, specific geographic location containing real property assets",
    BSR,
)
