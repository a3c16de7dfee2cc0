"""The directory type read from a data·inclusion record's schema fields (``typologie`` of the
v0 schema, ``reseaux_porteurs`` of v1): only codes that name one Maillage type are mapped, and
every mapped type exists in the directory's typology."""

from __future__ import annotations

import yaml

from maillage.directory.loading import TYPOLOGY_FILE
from maillage.interop.datainclusion_import import structure_fields
from maillage.interop.datainclusion_typology import (
    RESEAUX_PORTEURS_V1,
    TYPOLOGIE_V0,
    typology_from_schema,
)


def test_every_mapped_type_is_a_directory_typology():
    codes = {t["code"] for t in yaml.safe_load(TYPOLOGY_FILE.read_text("utf-8"))["typologies"]}
    assert set(TYPOLOGIE_V0.values()) <= codes
    assert set(RESEAUX_PORTEURS_V1.values()) <= codes


def test_every_mapped_network_is_a_value_of_the_installed_schema():
    from data_inclusion.schema.v1 import ReseauPorteur

    assert set(RESEAUX_PORTEURS_V1) <= {r.value for r in ReseauPorteur}


def test_typologie_v0_and_reasons():
    assert typology_from_schema({"typologie": "CCAS"})[0] == "ccas"
    assert typology_from_schema({"typologie": "PE"})[0] == "france-travail"
    code, reason = typology_from_schema({"typologie": "MUNI"})
    assert code is None and "MUNI" in reason
    assert typology_from_schema({})[0] is None


def test_reseaux_porteurs_v1_only_one_network():
    assert typology_from_schema({"reseaux_porteurs": ["france-service"]})[0] == "france-services"
    assert typology_from_schema({"reseaux_porteurs": ["caf"]})[0] is None
    two = typology_from_schema({"reseaux_porteurs": ["mission-locale", "france-travail"]})
    assert two[0] is None and "plusieurs" in two[1]


def test_maillage_typologie_wins_over_the_schema():
    record = {"nom": "Exemple fictif", "typologie": "CS", "maillage_typologie": "evs"}
    assert structure_fields(record)["typology"] == "evs"
    assert structure_fields({"nom": "Exemple fictif", "typologie": "CS"})["typology"] == (
        "centre-social"
    )
