"""Our copy of the data·inclusion v1 vocabularies matches the published schema package."""

from __future__ import annotations

import pytest
import yaml

from maillage.directory import vocabulary
from maillage.directory.loading import TYPOLOGY_FILE, read_typologies


def test_vocabularies_match_the_data_inclusion_schema_package():
    v1 = pytest.importorskip("data_inclusion.schema.v1")
    assert set(vocabulary.THEMATIQUES) == {t.value for t in v1.Thematique}
    assert set(vocabulary.PUBLICS) == {p.value for p in v1.Public}
    assert set(vocabulary.FRAIS) == {f.value for f in v1.Frais}
    assert set(vocabulary.MODES_ACCUEIL) == {m.value for m in v1.ModeAccueil}
    assert set(vocabulary.MODES_MOBILISATION) == {m.value for m in v1.ModeMobilisation}
    assert set(vocabulary.MOBILISABLE_PAR) == {m.value for m in v1.PersonneMobilisatrice}
    assert set(vocabulary.TYPES_SERVICE) == {t.value for t in v1.TypeService}


def test_typology_file_uses_real_thematiques_and_sensible_ages():
    entries = read_typologies()
    codes = {e["code"] for e in entries}
    for required in ("eaje-micro-creche", "rpe", "laep", "ecole-maternelle", "college", "lycee"):
        assert required in codes
    by_code = {e["code"]: e for e in entries}

    def ages(code):
        return by_code[code]["age_min"], by_code[code]["age_max"]

    assert ages("eaje-multi-accueil") == (0, 3)
    assert ages("ecole-maternelle") == (3, 6)
    assert ages("college") == (11, 15)
    assert by_code["eaje-creche-collective"]["childcare"] is True
    assert not by_code["lycee"].get("childcare")
    raw = yaml.safe_load(TYPOLOGY_FILE.read_text(encoding="utf-8"))
    assert len(raw["typologies"]) == len(entries)
