"""School-holiday zone (A, B, C) of each metropolitan département, by académie.

Source: ministère de l'Éducation nationale, « Calendrier scolaire » — zones A, B and C by
académie (the layout in force since the 2016 reform, académie de Normandie included), as published
on education.gouv.fr (Licence Ouverte / Etalab 2.0). Corse (2A, 2B) and the overseas académies
have their own calendars, which ``vacances-scolaires-france`` does not carry: no zone (unknown).
"""

from __future__ import annotations

ACADEMIES: dict[str, tuple[str, tuple[str, ...]]] = {
    # académie: (zone, départements)
    "Besançon": ("A", ("25", "39", "70", "90")),
    "Bordeaux": ("A", ("24", "33", "40", "47", "64")),
    "Clermont-Ferrand": ("A", ("03", "15", "43", "63")),
    "Dijon": ("A", ("21", "58", "71", "89")),
    "Grenoble": ("A", ("07", "26", "38", "73", "74")),
    "Limoges": ("A", ("19", "23", "87")),
    "Lyon": ("A", ("01", "42", "69")),
    "Poitiers": ("A", ("16", "17", "79", "86")),
    "Aix-Marseille": ("B", ("04", "05", "13", "84")),
    "Amiens": ("B", ("02", "60", "80")),
    "Lille": ("B", ("59", "62")),
    "Nancy-Metz": ("B", ("54", "55", "57", "88")),
    "Nantes": ("B", ("44", "49", "53", "72", "85")),
    "Nice": ("B", ("06", "83")),
    "Normandie": ("B", ("14", "27", "50", "61", "76")),
    "Orléans-Tours": ("B", ("18", "28", "36", "37", "41", "45")),
    "Reims": ("B", ("08", "10", "51", "52")),
    "Rennes": ("B", ("22", "29", "35", "56")),
    "Strasbourg": ("B", ("67", "68")),
    "Créteil": ("C", ("77", "93", "94")),
    "Montpellier": ("C", ("11", "30", "34", "48", "66")),
    "Paris": ("C", ("75",)),
    "Toulouse": ("C", ("09", "12", "31", "32", "46", "65", "81", "82")),
    "Versailles": ("C", ("78", "91", "92", "95")),
}

ZONE_OF_DEPARTEMENT: dict[str, str] = {
    dep: zone for zone, deps in ACADEMIES.values() for dep in deps
}


def school_zone(departement: str) -> str | None:
    """``"A"``, ``"B"`` or ``"C"``; ``None`` for Corse, overseas and unknown codes."""
    return ZONE_OF_DEPARTEMENT.get(departement)
