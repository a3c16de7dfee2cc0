"""A structure's or a service's name is plain text, on every path (issue 12).

A name with markup signs was the carrier of the stored XSS (it reached a map tooltip as HTML):
the forms, the API, the data·inclusion import and the structures sheet refuse it alike, with
the French message naming the file, the row and the field; nothing is written.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maillage.directory.models import Service, Structure
from maillage.directory.services import service_create, structure_create
from maillage.interop.datainclusion import dumps
from maillage.interop.datainclusion_import import datainclusion_import
from maillage.interop.structures_sheet import COLUMNS, structures_import
from maillage.interop.tabular import write_table

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror=alert("xss")>'


def _record(**extra):
    return {
        "source": "dora",
        "id": "dora--xss",
        "nom": f"Lieu {PAYLOAD} (exemple fictif)",
        "date_maj": "2024-05-02",
        **extra,
    }


def test_datainclusion_import_refuses_a_structure_name_with_markup(armentieres):
    before = Structure.objects.count()
    ok = _record(id="dora--ok", nom="Lieu sans balise (exemple fictif)")
    report = datainclusion_import(territory=armentieres, structures=dumps([ok, _record()]))
    assert not report.ok
    assert [(p.file, p.row, p.field) for p in report.problems] == [("structures.json", 2, "nom")]
    assert "balise" in report.problems[0].message
    assert Structure.objects.count() == before  # the valid record is not written either


def test_datainclusion_import_refuses_a_service_name_with_markup(armentieres):
    structure = _record(nom="Lieu (exemple fictif)")
    service = {
        "source": "dora",
        "id": "dora--service-xss",
        "structure_id": "dora--xss",
        "nom": "Atelier <svg onload=alert(1)> (exemple fictif)",
        "description": "Un atelier pour les familles, exemple fictif d'import refusé.",
        "date_maj": "2024-05-02",
    }
    report = datainclusion_import(
        territory=armentieres, structures=dumps([structure]), services=dumps([service])
    )
    assert [(p.file, p.row, p.field) for p in report.problems] == [("services.json", 1, "nom")]
    assert not Structure.objects.filter(source="dora").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_structures_sheet_refuses_names_with_markup(armentieres, fmt):
    before = (Structure.objects.count(), Service.objects.count())
    rows = [
        {"name": "Lieu A (exemple fictif)", "commune": "59017"},
        {"name": f"Lieu B {PAYLOAD} (exemple fictif)", "commune": "59017"},
        {
            "name": "Lieu C (exemple fictif)",
            "commune": "59017",
            "service_name": "Atelier <b>fictif</b>",
        },
    ]
    data = write_table(rows, columns=COLUMNS, fmt=fmt)
    report = structures_import(territory=armentieres, data=data, filename=f"lieux.{fmt}")
    found = {(p.file, p.row, p.field) for p in report.problems}
    assert (f"lieux.{fmt}", 3, "Nom") in found
    assert any(row == 4 and "ervice" in field for _f, row, field in found), found
    assert len(found) == 2
    assert "rien n'a été enregistré" in report.lines()[0]
    assert (Structure.objects.count(), Service.objects.count()) == before


@pytest.mark.parametrize(
    "name",
    [PAYLOAD, "Crèche <script>", "Relais > Nord", "Ligne\nsuivante", "Tab\tulation"],
)
def test_services_refuse_markup_signs_and_control_characters(armentieres, name):
    with pytest.raises(ValidationError) as err:
        structure_create(territory=armentieres, name=f"{name} (exemple fictif)")
    assert "name" in err.value.message_dict
    structure = Structure.objects.filter(territory=armentieres).order_by("pk").first()
    with pytest.raises(ValidationError) as err:
        service_create(structure=structure, name=f"{name} (exemple fictif)")
    assert "name" in err.value.message_dict


@pytest.mark.parametrize(
    "name",
    [
        "Crèche « Les P'tits Loups » (exemple fictif)",
        "Centre social & culturel — Jean-Jaurès (exemple fictif)",
        'Maison "Arc-en-ciel" n° 2 / RPE (exemple fictif)',
        "École Œuvre 1+1=2 (exemple fictif)",
    ],
)
def test_ordinary_punctuation_stays_allowed(armentieres, name):
    s = structure_create(territory=armentieres, name=name)
    assert service_create(structure=s, name=name).name == name


def test_every_name_of_the_real_dataset_is_plain_text(armentieres):
    names = list(Structure.objects.values_list("name", flat=True)) + list(
        Service.objects.values_list("name", flat=True)
    )
    assert len(names) > 50
    assert not [n for n in names if set(n) & set("<>")]
