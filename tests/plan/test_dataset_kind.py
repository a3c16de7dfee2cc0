"""The « ctg_plan » dataset kind refuses a malformed plan, naming the file, place and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from maillage.plan.dataset_kind import parse_plan
from maillage.territory.errors import DatasetError
from maillage.territory.loader import FileSpec, read_manifest, resolve_dataset

DATASET = resolve_dataset("armentieres")
MANIFEST = read_manifest(DATASET)
SPEC = next(s for s in MANIFEST.files if s.kind == "ctg_plan")
PLAN = yaml.safe_load((DATASET / SPEC.path).read_text(encoding="utf-8"))


def _parse(tmp_path: Path, data) -> dict:
    path = tmp_path / "plan.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    spec = FileSpec(path="plan.yaml", kind="ctg_plan", title="t", licence="l")
    return parse_plan(spec, path, MANIFEST)


def _broken(change) -> dict:
    data = yaml.safe_load(yaml.safe_dump(PLAN))
    change(data)
    return data


def test_the_embedded_plan_parses(tmp_path):
    parsed = _parse(tmp_path, PLAN)
    assert len(parsed["axes"]) == 4 and len(parsed["activity_kinds"]) == 14
    assert [s["title"] for s in parsed["study_subjects"]] == [
        "Animation de la Vie Sociale",
        "Accompagner le développement de l'enfant",
        "Parentalité/Insertion",
        "Egalité des chances",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["axes"][0]["indicators"][0]["rule"].update(kinds=["pique-nique"]),
            "indicateur 1.1, champ « rule » : type(s) d'activité inconnu(s) : pique-nique",
        ),
        (
            lambda d: d["axes"][1]["indicators"][2].update(kind="magie"),
            "indicateur 2.3, champ « kind » : mode de calcul inconnu",
        ),
        (
            lambda d: d["axes"][2]["indicators"][2]["rule"].update(source="boule de cristal"),
            "indicateur 3.3, champ « rule » : source de données inconnue",
        ),
        (
            lambda d: d["axes"][0]["indicators"][1]["rule"].update(zone="lune"),
            "filtre de zone inconnu",
        ),
        (
            lambda d: d["axes"][0]["indicators"][0]["rule"].update(objectives=["1.9"]),
            "objectifs inconnus",
        ),
        (
            lambda d: d["convention"].update(period=[2022, 2026]),
            "convention, champ « period » : période [2022, 2026] différente",
        ),
        (lambda d: d["axes"][3].update(title=""), "axe 4, champ « title » : texte attendu"),
        (lambda d: d["axes"][1]["objectives"][1].update(number=5), "numéro 5 trouvé, 2 attendu"),
        (
            lambda d: d["axes"][0]["objectives"][0].update(sub_points="un seul texte"),
            "objectif 1.1, champ « sub_points » : liste de textes attendue",
        ),
    ],
)
def test_a_malformed_plan_is_refused_with_a_french_message(tmp_path, change, expected):
    with pytest.raises(DatasetError) as info:
        _parse(tmp_path, _broken(change))
    assert str(info.value).startswith("Fichier « plan.yaml »")
    assert expected in str(info.value)


def test_invalid_yaml_names_its_line(tmp_path):
    with pytest.raises(DatasetError, match=r"« plan\.yaml », ligne 2 : YAML invalide"):
        _parse(tmp_path, "format: 1\naxes: a: b\n")
