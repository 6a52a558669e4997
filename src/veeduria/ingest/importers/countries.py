"""A small country table: ISO 3166-1 alpha-3, Gleditsch-Ward code (MME), names and the spellings
found in the imported files (English data sets, Spanish titles of Peru's register)."""

from __future__ import annotations

from veeduria.ingest.importers._read import fold

#: iso3: (gwcode, name_es, name_en, other spellings)
COUNTRIES: dict[str, tuple[int | None, str, str, tuple[str, ...]]] = {
    "USA": (
        2,
        "Estados Unidos",
        "United States",
        (
            "United States of America",
            "Estados Unidos de América",
            "Estados Unidos de Norteamérica",
            "estadounidense",
            "estadounidenses",
            "norteamericano",
            "norteamericanos",
        ),
    ),
    "CAN": (20, "Canadá", "Canada", ("canadiense",)),
    "BHS": (31, "Bahamas", "Bahamas", ()),
    "CUB": (40, "Cuba", "Cuba", ()),
    "HTI": (41, "Haití", "Haiti", ()),
    "DOM": (42, "República Dominicana", "Dominican Republic", ()),
    "JAM": (51, "Jamaica", "Jamaica", ()),
    "TTO": (52, "Trinidad y Tobago", "Trinidad and Tobago", ("Trinidad & Tobago",)),
    "BRB": (53, "Barbados", "Barbados", ()),
    "DMA": (54, "Dominica", "Dominica", ()),
    "GRD": (55, "Granada", "Grenada", ()),
    "LCA": (56, "Santa Lucía", "Saint Lucia", ("St. Lucia",)),
    "VCT": (
        57,
        "San Vicente y las Granadinas",
        "Saint Vincent and the Grenadines",
        ("St. Vincent & Grenadines", "St. Vincent and the Grenadines"),
    ),
    "ATG": (58, "Antigua y Barbuda", "Antigua and Barbuda", ("Antigua & Barbuda",)),
    "KNA": (60, "San Cristóbal y Nieves", "Saint Kitts and Nevis", ("St. Kitts & Nevis", "St. Kitts and Nevis")),
    "MEX": (70, "México", "Mexico", ("Estados Unidos Mexicanos", "mexicano", "mexicana")),
    "BLZ": (80, "Belice", "Belize", ()),
    "GTM": (90, "Guatemala", "Guatemala", ()),
    "HND": (91, "Honduras", "Honduras", ()),
    "SLV": (92, "El Salvador", "El Salvador", ()),
    "NIC": (93, "Nicaragua", "Nicaragua", ()),
    "CRI": (94, "Costa Rica", "Costa Rica", ()),
    "PAN": (95, "Panamá", "Panama", ()),
    "COL": (100, "Colombia", "Colombia", ("colombiano", "colombianos")),
    "VEN": (101, "Venezuela", "Venezuela", ()),
    "GUY": (110, "Guyana", "Guyana", ()),
    "SUR": (115, "Surinam", "Suriname", ()),
    "ECU": (130, "Ecuador", "Ecuador", ("ecuatoriano", "ecuatorianos")),
    "PER": (135, "Perú", "Peru", ()),
    "BRA": (140, "Brasil", "Brazil", ("Federativa del Brasil", "brasileño", "brasileños")),
    "BOL": (145, "Bolivia", "Bolivia", ("boliviano", "bolivianos")),
    "PRY": (150, "Paraguay", "Paraguay", ()),
    "CHL": (155, "Chile", "Chile", ("chileno", "chilenos")),
    "ARG": (160, "Argentina", "Argentina", ("argentino", "argentinos")),
    "URY": (165, "Uruguay", "Uruguay", ()),
    "GBR": (200, "Reino Unido", "United Kingdom", ("Reino Unido de Gran Bretaña", "británico", "británicos")),
    "NLD": (210, "Países Bajos", "Netherlands", ("Reino de los Países Bajos", "Holanda")),
    "FRA": (220, "Francia", "France", ("República Francesa", "francés", "francesa", "franceses")),
    "ESP": (230, "España", "Spain", ("Reino de España", "español", "española")),
    "PRT": (235, "Portugal", "Portugal", ()),
    "DEU": (255, "Alemania", "Germany", ("República Federal de Alemania", "alemán", "alemana")),
    "ITA": (325, "Italia", "Italy", ("República Italiana", "italiano", "italiana")),
    "RUS": (365, "Rusia", "Russia", ("Federación de Rusia", "Federación Rusa", "ruso", "rusa")),
    "NOR": (385, "Noruega", "Norway", ()),
    "SWE": (380, "Suecia", "Sweden", ("sueco", "sueca")),
    "DNK": (390, "Dinamarca", "Denmark", ()),
    "UGA": (500, "Uganda", "Uganda", ()),
    "ISR": (666, "Israel", "Israel", ()),
    "CHN": (710, "China", "China", ("República Popular China", "República Popular de China", "chino", "china")),
    "KOR": (732, "Corea del Sur", "South Korea", ("República de Corea", "Corea", "coreano", "coreana")),
    "JPN": (740, "Japón", "Japan", ("japonés", "japonesa")),
    "IND": (750, "India", "India", ()),
    "BGD": (771, "Bangladés", "Bangladesh", ("Bangladesh",)),
    "THA": (800, "Tailandia", "Thailand", ()),
    "MYS": (820, "Malasia", "Malaysia", ()),
    "SGP": (830, "Singapur", "Singapore", ()),
    "IDN": (850, "Indonesia", "Indonesia", ()),
    "AUS": (900, "Australia", "Australia", ()),
    "NZL": (920, "Nueva Zelanda", "New Zealand", ()),
}

BY_GWCODE: dict[int, str] = {v[0]: k for k, v in COUNTRIES.items() if v[0] is not None}
_BY_NAME: dict[str, str] = {}
for _iso, (_gw, _es, _en, _others) in COUNTRIES.items():
    for _name in (_iso, _es, _en, *_others):
        _BY_NAME.setdefault(fold(_name), _iso)


def iso3_for_name(name: str) -> str | None:
    """The ISO3 code of a country name in English or Spanish (``None`` if not in the table)."""
    return _BY_NAME.get(fold(name.strip()))


def names(iso3: str) -> tuple[str, str]:
    entry = COUNTRIES.get(iso3.upper())
    if entry is None:
        return iso3.upper(), iso3.upper()
    return entry[1], entry[2]


#: Spanish spellings to look for in titles, longest first (so "Estados Unidos Mexicanos" wins over "Estados Unidos").
TITLE_NAMES: list[tuple[str, str]] = sorted(
    (
        (fold(n), iso)
        for iso, (_gw, es, _en, others) in COUNTRIES.items()
        for n in (es, *others)
        if iso != "PER" and len(n) > 3
    ),
    key=lambda p: -len(p[0]),
)
