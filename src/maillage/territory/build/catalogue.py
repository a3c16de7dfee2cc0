"""What Maillage knows of the national files: producer, address, licence, vintage.

Two levels: each *kind* of national file has its producer, download address and licence (used
for any file of that kind); the exact files of the shared test folder (``SOURCES.md`` of
``data/national``) are also known by their SHA-256, with their vintage and origin. A file that
is neither gets its vintage from its name (a year such as ``2023`` in ``…_2023-06-19.gpkg``) or
« millésime non précisé », said so in the dataset's ``SOURCES.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LICENCE_OUVERTE = "Licence Ouverte (Etalab)"


@dataclass(frozen=True)
class KindInfo:
    title: str
    producer: str
    source_url: str
    licence: str = LICENCE_OUVERTE


KINDS: dict[str, KindInfo] = {
    "communes": KindInfo(
        "Contours des communes (ADMIN EXPRESS)", "IGN", "https://geoservices.ign.fr/adminexpress"
    ),
    "iris": KindInfo(
        "Contours IRIS (CONTOURS-IRIS)",
        "IGN et INSEE",
        "https://geoservices.ign.fr/contoursiris",
    ),
    "qpv": KindInfo(
        "Quartiers prioritaires de la politique de la ville",
        "ANCT",
        "https://sig.ville.gouv.fr",
    ),
    "cells": KindInfo(
        "Carreaux de 200 m (Filosofi, données carroyées)",
        "INSEE",
        "https://www.insee.fr/fr/statistiques/6215138",
    ),
    "rp_population": KindInfo(
        "Population par IRIS et tranche d'âge (base infracommunale « Évolution et structure de "
        "la population »)",
        "INSEE",
        "https://www.insee.fr/fr/statistiques/4228434",
    ),
    "rp_menages": KindInfo(
        "Population des ménages par type de ménage, par IRIS (base infracommunale « Couples, "
        "familles, ménages »)",
        "INSEE",
        "https://www.insee.fr/fr/statistiques/4228432",
    ),
    "rp_logement": KindInfo(
        "Résidences principales par IRIS (base infracommunale « Logement »)",
        "INSEE",
        "https://www.insee.fr/fr/statistiques/4228437",
    ),
    "commune_populations": KindInfo(
        "Populations légales des communes (COG)",
        "INSEE, DGCL, La Poste (via @etalab/decoupage-administratif)",
        "https://www.npmjs.com/package/@etalab/decoupage-administratif",
    ),
    "colleges_geoloc": KindInfo(
        "Adresse et géolocalisation des collèges",
        "Ministère de l'Éducation nationale",
        "https://data.education.gouv.fr/explore/dataset/"
        "fr-en-adresse-et-geolocalisation-etablissements-premier-et-second-degre/",
    ),
    "ips_ecoles": KindInfo(
        "Indices de position sociale des écoles (identifiants et communes, sans position)",
        "Ministère de l'Éducation nationale (DEPP)",
        "https://data.education.gouv.fr/explore/dataset/fr-en-ips_ecoles/",
    ),
    "ips_lycees": KindInfo(
        "Indices de position sociale des lycées (identifiants et communes, sans position)",
        "Ministère de l'Éducation nationale (DEPP)",
        "https://data.education.gouv.fr/explore/dataset/fr-en-ips_lycees/",
    ),
    "bpe": KindInfo(
        "Base permanente des équipements (BPE), fichier « ensemble » géolocalisé",
        "INSEE",
        "https://www.insee.fr/fr/metadonnees/source/serie/s1161",
    ),
    "datainclusion_structures": KindInfo(
        "Structures de l'offre d'insertion et d'accompagnement (data·inclusion)",
        "Plateforme de l'inclusion (data·inclusion), d'après les sources nommées dans le "
        "champ « source » de chaque enregistrement",
        "https://www.data.gouv.fr/fr/datasets/referentiel-de-loffre-dinsertion-liste-des-"
        "structures-et-services-dinsertion/",
        "Licence Ouverte (Etalab), sauf mention contraire de la source d'un enregistrement",
    ),
    "datainclusion_services": KindInfo(
        "Services de l'offre d'insertion et d'accompagnement (data·inclusion)",
        "Plateforme de l'inclusion (data·inclusion), d'après les sources nommées dans le "
        "champ « source » de chaque enregistrement",
        "https://www.data.gouv.fr/fr/datasets/referentiel-de-loffre-dinsertion-liste-des-"
        "structures-et-services-dinsertion/",
        "Licence Ouverte (Etalab), sauf mention contraire de la source d'un enregistrement",
    ),
}


@dataclass(frozen=True)
class KnownFile:
    """A national file known byte for byte (``data/national/SOURCES.md``)."""

    origin: str
    vintages: dict[str, str]  # kind (or layer kind) → vintage
    title: str = ""


_ICU = (
    "copie exacte de {name} du dépôt cedricr/icu-mediapart (commit ff937b43), "
    "GeoPackage écrit par son auteur depuis ADMIN EXPRESS 3.2 (juin 2023), les QPV 2015 de "
    "l'ANCT et Filosofi 2017 (INSEE)"
)
_EPIDIA = (
    "copie exacte de {name} du dépôt EpidIA-org/AI_epidemiology (commit 17408c52), extrait de "
    "la base INSEE par son auteur (IRIS de type H seulement)"
)
_BERILIA = (
    "contours décodés des tuiles vectorielles du dépôt Propexum/Berilia (commit f48b0d13), "
    "CONTOURS-IRIS 2020 généralisés (≈ 12 m)"
)
KNOWN_FILES: dict[str, KnownFile] = {
    "0474eb74f4b1ba14581724a2dfc0d567cf604f250b722526e86a8d2a83cf9622": KnownFile(
        _ICU.format(name="output/lille.gpkg"),
        {"communes": "2023", "qpv": "2015", "cells": "2017"},
    ),
    "48d58a1893cf8c53a31e4c93dee9fbe66c47847402b5c4e1703a1993e52994d2": KnownFile(
        _ICU.format(name="output/marseille.gpkg"),
        {"communes": "2023", "qpv": "2015", "cells": "2017"},
    ),
    "d04c21344df10d94ad5e8e2a910336906457c7284fdc8f293128853649902551": KnownFile(
        _EPIDIA.format(name="data/IRIS_population/IRIS_population_IR_Hab.csv"), {}
    ),
    "9d7880b802315ec9000d59832c33b917044faac1d885cc0178fd484d18f1e4d8": KnownFile(
        _EPIDIA.format(name="data/IRIS_housing/IRIS_housing_IR_Hab.csv"), {}
    ),
    "e075343802bc9e11c827e5bbe2622246f0084d0456f7bcbc7f053cd3af42700b": KnownFile(
        _EPIDIA.format(name="data/IRIS_household/IRIS_household_IR_Hab.csv"), {}
    ),
    "3b9a311ff56fd7a14149b20357cd4162804232aa93d1d8e9e9668e41be9610bf": KnownFile(
        _BERILIA, {"iris": "2020"}
    ),
    "e57aa0bd3c80b5d1fc0e5d3aa834c914ad9bfd99e6c2a2cc557b5d4d7ab16143": KnownFile(
        _BERILIA, {"iris": "2020"}
    ),
    "4a6a80a0eb7e04d072e7a49132247d49e248a43b6579f9e7f9783b55b7ecde86": KnownFile(
        "copie exacte de fr-en-ips_ecoles.csv du dépôt NicolasBchb/IPS_dataviz (commit 01f92ef9)",
        {},
    ),
    "35e6bbceca7bbed1ef0fd3460b0fb601b2e83b79718fa30e1970cfff1c2113b8": KnownFile(
        "copie exacte de fr-en-ips_lycees.csv du dépôt SamiLhl/Msrmt_Issues_FRA (commit b40a9607)",
        {},
    ),
    "22ce1c8d303b8e1a94a11706cef5e8c9cd45475094efb2e6966e57bae808a2c3": KnownFile(
        "copie exacte du fichier du dépôt Cat-Miaou/Vyz (commit fedc2d56), limité aux collèges "
        "par l'auteur du dépôt",
        {"colleges_geoloc": "2024"},
    ),
}

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def vintage_from_name(name: str) -> str:
    """The last year 20xx named in a file name, or ``""``."""
    years = _YEAR.findall(name)
    return years[-1] if years else ""


def qpv_vintage(code: str) -> str:
    """« 2015 » for the 2015 geography (``QP059069``), « 2024 » for the 2024 one (``QN…``)."""
    if re.fullmatch(r"QP\d{6}", code):
        return "2015"
    if code.startswith("QN"):
        return "2024"
    return ""
