"""Reference data for reading free-text locations (FMTRPT ``location``, MME ``Location``): place names that
name one country, and the coordinates geocoders give for a whole country.

Only names whose country is not in doubt are listed; a name shared by places in several countries is listed
under :data:`AMBIGUOUS` so that it decides nothing (``Santa Lucia`` is also the Spanish name of Saint Lucia,
``Cartagena`` is in Colombia and in Spain). Names are matched as whole words, case- and accent-insensitively,
after dots are dropped (``D.C.`` → ``DC``) and other punctuation becomes a space. Add entries here when a new
file names places that stay unknown (``veeduria import`` reports how many rows have no known country).
"""

from __future__ import annotations

#: precision of a name: a ``locality`` (town, base, school with one site), a ``department`` (state, region)
#: or a ``country`` (a demonym such as "Peruvian waters", an institution with several sites)
PLACES: dict[str, tuple[str, str]] = {
    # United States: bases, schools and cities named without their state or country
    "LACKLAND": ("USA", "locality"),
    "LACKLAND AFB": ("USA", "locality"),
    "FT BENNING": ("USA", "locality"),
    "FORT BENNING": ("USA", "locality"),
    "FT RUCKER": ("USA", "locality"),
    "FORT RUCKER": ("USA", "locality"),
    "FT EUSTIS": ("USA", "locality"),
    "FORT EUSTIS": ("USA", "locality"),
    "FT MCNAIR": ("USA", "locality"),
    "FORT MCNAIR": ("USA", "locality"),
    "FT LEAVENWORTH": ("USA", "locality"),
    "FORT LEAVENWORTH": ("USA", "locality"),
    "FT BRAGG": ("USA", "locality"),
    "FORT BRAGG": ("USA", "locality"),
    "CARLISLE BARRACKS": ("USA", "locality"),
    "MAXWELL AFB": ("USA", "locality"),
    "STENNIS SPACE CENTER": ("USA", "locality"),
    "STENNIS SPACE CTR": ("USA", "locality"),
    "WASHINGTON DC": ("USA", "locality"),
    "WASH DC": ("USA", "locality"),
    "PANAMA CITY FL": ("USA", "locality"),
    "ROOSEVELT ROADS": ("USA", "locality"),  # former naval station, Puerto Rico (a US territory)
    "PETALUMA": ("USA", "locality"),  # Coast Guard training centre, California
    "WESTERN HEMIS INSTITUTE FOR SECURITY COOP": ("USA", "locality"),  # WHINSEC, Fort Benning
    "WESTERN HEMISPHERE INSTITUTE FOR SECURITY COOPERATION": ("USA", "locality"),
    "WHINSEC": ("USA", "locality"),
    "INTER AMERICAN AIR FORCES ACADEMY": ("USA", "locality"),  # IAAFA, Lackland
    "DLIELC": ("USA", "locality"),  # Defense Language Institute English Language Center, Lackland
    "CENTER FOR HEMISPHERIC DEFENSE STUDIES": ("USA", "locality"),  # CHDS, Washington DC
    "CTR FOR HEMISPHERIC DEF STUDIES": ("USA", "locality"),
    "CHDS": ("USA", "locality"),
    "ASIA PACIFIC CENTER FOR SECURITY STUDIES": ("USA", "locality"),  # APCSS, Honolulu
    "ASIA PACIFIC CTR": ("USA", "locality"),
    "USNA": ("USA", "locality"),  # US Naval Academy, Annapolis
    "US NAVAL ACADEMY": ("USA", "locality"),
    "UNITED STATES NAVAL ACADEMY": ("USA", "locality"),
    "USAFA": ("USA", "locality"),  # US Air Force Academy, Colorado Springs
    "USAF ACADEMY": ("USA", "locality"),
    "UNITED STATES AIR FORCE ACADEMY": ("USA", "locality"),
    "COLORADO SPRINGS": ("USA", "locality"),
    "WEST POINT": ("USA", "locality"),
    "FLETC": ("USA", "country"),  # Federal Law Enforcement Training Centers (several sites)
    "ARNG": ("USA", "country"),  # Army National Guard
    "DEFENSE INTELLIGENCE AGENCY": ("USA", "country"),
    "HAWAII": ("USA", "department"),
    "HAWAIIAN": ("USA", "department"),
    "FLORIDA": ("USA", "department"),
    "VIRGINIA": ("USA", "department"),
    "CALIFORNIA": ("USA", "department"),
    "CALIF": ("USA", "department"),
    "MARYLAND": ("USA", "department"),
    "COLORADO": ("USA", "department"),
    "PUERTO RICO": ("USA", "department"),
    "US": ("USA", "country"),
    "USA": ("USA", "country"),
    "U S": ("USA", "country"),
    # Germany
    "GARMISCH": ("DEU", "locality"),
    "MARSHALL CENTER": ("DEU", "locality"),  # George C. Marshall European Center, Garmisch
    "MARSHALL EUROPEAN CENTER": ("DEU", "locality"),
    # Peru
    "LIMA": ("PER", "locality"),
    "CALLAO": ("PER", "locality"),
    "CHORRILLOS": ("PER", "locality"),
    "PUCUSANA": ("PER", "locality"),
    "IQUITOS": ("PER", "locality"),
    "PUCALLPA": ("PER", "locality"),
    "CONTAMANA": ("PER", "locality"),
    "MAZAMARI": ("PER", "locality"),
    "SATIPO": ("PER", "locality"),
    "PICHANAKI": ("PER", "locality"),
    "JAUJA": ("PER", "locality"),
    "HUANUCO": ("PER", "locality"),
    "TACNA": ("PER", "locality"),
    "TUMBES": ("PER", "locality"),
    "PISCO": ("PER", "locality"),
    "ICA": ("PER", "locality"),
    "HUACHO": ("PER", "locality"),
    "CANTA": ("PER", "locality"),
    "ANCON MARINE CORPS BASE": ("PER", "locality"),  # Base de Infantería de Marina, Ancón
    "ANCON NAVAL INFANTRY BASE": ("PER", "locality"),
    "LORETO": ("PER", "department"),
    "UCAYALI": ("PER", "department"),
    "MADRE DE DIOS": ("PER", "department"),
    "PERUVIAN": ("PER", "country"),
    # Colombia, Ecuador, Brazil, Chile, Panama
    "BOGOTA": ("COL", "locality"),
    "LETICIA": ("COL", "locality"),
    "COLOMBIAN": ("COL", "country"),
    "GUAYAQUIL": ("ECU", "locality"),
    "MANTA": ("ECU", "locality"),
    "QUITO": ("ECU", "locality"),
    "BRASILIA": ("BRA", "locality"),
    "BRAZILIAN": ("BRA", "country"),
    "CHILEAN": ("CHL", "country"),
    "PANAMA CANAL": ("PAN", "locality"),
    "PANAMA CANA": ("PAN", "locality"),  # as misspelled in MME
    "PANAMAL CANAL": ("PAN", "locality"),
}

#: Names of places in more than one country: they decide nothing (the rest of the text may).
AMBIGUOUS: frozenset[str] = frozenset(
    {
        "SANTA LUCIA",  # Saint Lucia (country), Santa Lucía (Peru, Uruguay, Mexico ...)
        "CARTAGENA",  # Colombia, Spain
        "ANCON",  # Peru, Panama
        "SALINAS",  # Ecuador, Peru, United States
        "SANTIAGO",
        "SAN DIEGO",
        "PANAMA CITY",  # Panama, Florida
        "CHINA LAKE",  # California
        "GEORGIA",
    }
)

#: Country centroids as returned by Google's geocoder (Google DSPL ``countries.csv``): coordinates equal to
#: one of these locate a whole country, not a place.
CENTROIDS: dict[str, tuple[float, float]] = {
    "ARG": (-38.416097, -63.616672),
    "BOL": (-16.290154, -63.588653),
    "BRA": (-14.235004, -51.92528),
    "CAN": (56.130366, -106.346771),
    "CHL": (-35.675147, -71.542969),
    "COL": (4.570868, -74.297333),
    "CRI": (9.748917, -83.753428),
    "DEU": (51.165691, 10.451526),
    "ECU": (-1.831239, -78.183406),
    "GTM": (15.783471, -90.230759),
    "HND": (15.199999, -86.241905),
    "MEX": (23.634501, -102.552784),
    "PAN": (8.537981, -80.782127),
    "PER": (-9.189967, -75.015152),
    "PRY": (-23.442503, -58.443832),
    "SLV": (13.794185, -88.89653),
    "URY": (-32.522779, -55.765835),
    "USA": (37.09024, -95.712891),
    "VEN": (6.42375, -66.58973),
}

#: Two-letter US state codes: ``FT BENNING GA 31905``, ``Annapolis, MD``.
US_STATES: frozenset[str] = frozenset(
    {
        *("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS"),
        *("KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC"),
        *("ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"),
    }
)
