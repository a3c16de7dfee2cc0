"""The directory typology of a data·inclusion structure, from the schema's own referentials.

A data·inclusion export does not carry Maillage's typology (only its ``maillage_typologie``
addition does). The schema publishes two referentials that sometimes say what a structure is:

- ``typologie`` (schema v0, until 0.25.0): one code per structure. Verified against
  ``schemas/extra/typologies-de-structures.json`` of github.com/gip-inclusion/data-inclusion-schema
  at commit f570e59d (2025-05-20, version 0.25.0, the last v0; 91 codes, unchanged since 0.17.0 of
  2024-08-29) and, for ``PE``, at commit 445e5a75 (2024-06-05, version 0.14.0: « Pôle emploi »,
  replaced by ``FT`` « France Travail » in later versions). Read on 2026-12-03.
- ``reseaux_porteurs`` (schema v1, the one Maillage validates with): a list of networks.
  Verified against ``data_inclusion.schema.v1.ReseauPorteur`` of the PyPI package
  ``data-inclusion-schema`` 1.0.10 (installed with Maillage) and
  ``docs/referentiels/reseaux_porteurs.md`` of the same repository (v1.0.8, commit df9ce7f).

Only the codes that name **one** Maillage typology without doubt are mapped; every other code
leaves the structure untyped (never guessed):

- v0 left out: ``CIAS`` (intercommunal, while Maillage's type is the communal CCAS), ``CSC``
  (centre socio-culturel: a centre social only when approved by the CAF), ``MQ`` (maison de
  quartier), ``MSAP`` (not every MSAP became a France services), ``MUNI``, ``CC``, ``EPCI``,
  ``ASSO``, ``CD``, ``MDS``, ``AVIP`` (a crèche, but of which kind), and the others, which have
  no Maillage type;
- v1: a network says who supports a structure, rarely what it is; a structure is typed only
  when it names exactly one network and that network's members are all of one Maillage type.
  Left out: ``caf`` (the CAF network also holds the structures it approves, centres sociaux…),
  ``ccas-cias`` (CCAS or CIAS), ``fcsf`` (centres sociaux and some EVS), ``creches-avip``,
  ``communes``, ``departements`` and the others.
- services' ``thematiques`` (e.g. ``famille--garde-denfants``) span several Maillage types
  (crèches, assistants maternels, RPE, ALSH…): none is mapped.
"""

from __future__ import annotations

from typing import Any

#: schema v0 ``typologie`` code → Maillage typology code (``directory/typology.yaml``).
TYPOLOGIE_V0: dict[str, str] = {
    "CCAS": "ccas",  # Centres communaux d'action sociale (CCAS)
    "CAF": "caf",  # Caisses d'allocation familiale (CAF)
    "CS": "centre-social",  # Centre social
    "EVS": "evs",  # Espace de Vie Sociale (EVS)
    "E2C": "e2c",  # E2C - École de la 2e chance
    "FT": "france-travail",  # France Travail
    "PE": "france-travail",  # Pôle emploi (0.14.0), France Travail since 1 January 2024
    "ML": "mission-locale",  # Mission Locale
    "RFS": "france-services",  # Réseau France Services
    "BIB": "mediatheque",  # Bibliothèque / Médiathèque
}

#: schema v1 ``reseaux_porteurs`` value → Maillage typology code.
RESEAUX_PORTEURS_V1: dict[str, str] = {
    "france-travail": "france-travail",  # France Travail
    "mission-locale": "mission-locale",  # Mission Locale
    "france-service": "france-services",  # France Service
    "ecoles-de-la-deuxieme-chance": "e2c",  # Écoles de la 2ᵉ Chance
}

SCHEMA_SOURCES = (
    "data-inclusion-schema 0.25.0 (typologie, v0) et 1.0.10 (reseaux_porteurs, v1), "
    "github.com/gip-inclusion/data-inclusion-schema"
)


def typology_from_schema(record: dict[str, Any]) -> tuple[str | None, str]:
    """The Maillage typology a data·inclusion structure's own fields give, and why.

    ``(code, reason)``: ``code`` is ``None`` when no field names one typology without doubt
    (``reason`` then says which value was not mapped, or is empty)."""
    typologie = str(record.get("typologie") or "").strip()
    if typologie:
        code = TYPOLOGIE_V0.get(typologie)
        if code:
            return code, f"typologie « {typologie} » du schéma data·inclusion"
        return None, f"typologie « {typologie} » sans type d'annuaire correspondant"
    networks = record.get("reseaux_porteurs")
    if isinstance(networks, list) and networks:
        if len(networks) > 1:
            return None, "plusieurs réseaux porteurs : non typée"
        network = str(networks[0])
        code = RESEAUX_PORTEURS_V1.get(network)
        if code:
            return code, f"réseau porteur « {network} » du schéma data·inclusion"
        return None, f"réseau porteur « {network} » sans type d'annuaire correspondant"
    return None, ""
