"""The dataset's duplicates rule (``doublons.csv``): two records of the same place make one fiche,
both provenances kept; the rule lives in data, a bad rule is refused naming file, line, field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from maillage.directory.models import Structure
from maillage.directory.selectors import childcare_supply
from maillage.territory.errors import DatasetError
from maillage.territory.loader import DATASETS_DIR, load_dataset
from maillage.territory.models import Statistic

DATASET = DATASETS_DIR / "armentieres"


@pytest.fixture
def dataset_copy(tmp_path: Path) -> Path:
    target = tmp_path / "armentieres"
    shutil.copytree(DATASET, target)
    return target


def test_the_ctg_crèche_municipale_is_one_fiche_with_both_provenances(armentieres):
    crèches = Structure.objects.filter(
        territory=armentieres, typology__code="eaje-creche-collective"
    )
    assert crèches.count() == 1
    crèche = crèches.get()
    assert (crèche.source, crèche.source_id) == ("ctg", "creche-municipale")
    assert crèche.name == "Crèche municipale"  # the CTG's identity wins
    assert crèche.address == "quai de la Dérivation"  # the web record's street is kept
    assert "CTG Armentières 2023-2026" in crèche.source_label
    assert "Sources web et fichiers publics" in crèche.source_label
    assert "generations-saintjude.com" in crèche.source_url
    assert "Même lieu que la fiche « ctg:creche-municipale »" in crèche.note
    assert crèche.public_source.startswith("CTG 2023-2026")
    places = {
        t.typology_code: (t.structures, t.places_known)
        for t in childcare_supply(territory=armentieres).by_typology
    }
    assert places["eaje-creche-collective"] == (1, 55)


def test_without_the_rule_the_two_records_are_two_fiches(armentieres, dataset_copy):
    path = dataset_copy / "doublons.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    load_dataset(str(dataset_copy))
    crèches = Structure.objects.filter(
        territory=armentieres, typology__code="eaje-creche-collective"
    )
    assert crèches.count() == 2
    load_dataset("armentieres")  # and the rule merges them again, the web fiche removed
    assert crèches.count() == 1


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("sources-web:inconnue,ctg:creche-municipale,raison", "fiche"),
        ("ctg:laep,ctg:inconnue,raison", "meme_lieu_que"),
        ("ctg:creche-municipale,ctg:creche-municipale,raison", "meme_lieu_que"),
        ("ctg:creche-municipale,ctg:laep,", "justification"),
    ],
)
def test_a_bad_rule_is_refused_naming_file_line_and_field(armentieres, dataset_copy, line, field):
    path = dataset_copy / "doublons.csv"
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    before = list(Structure.objects.filter(territory=armentieres).values_list("pk", "name"))
    with pytest.raises(DatasetError) as info:
        load_dataset(str(dataset_copy))
    assert info.value.file == "doublons.csv"
    assert info.value.location == "ligne 3"
    assert info.value.field == field
    after = list(Structure.objects.filter(territory=armentieres).values_list("pk", "name"))
    assert after == before


def test_a_corrected_vintage_replaces_the_old_figure_on_reload(armentieres, dataset_copy):
    path = dataset_copy / "statistics_ctg.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",1713,habitants,millésime non précisé,", ",1713,habitants,2019,"))
    load_dataset(str(dataset_copy))
    rows = Statistic.objects.filter(territory=armentieres, key="population_qpv")
    assert list(rows.values_list("vintage", flat=True)) == ["2019"]
