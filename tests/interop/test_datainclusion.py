"""data·inclusion v1: the export validates with the official package; import matches, never
duplicates, and refuses bad records without writing anything."""

from __future__ import annotations

import json

import pytest
from data_inclusion.schema import v1 as schema

from maillage.directory.models import Organisation, Service, Structure
from maillage.interop.datainclusion import datainclusion_export, datainclusion_write, dumps
from maillage.interop.datainclusion_import import datainclusion_import, datainclusion_import_dir

pytestmark = pytest.mark.django_db


def _import(territory, export, **kwargs):
    return datainclusion_import(
        territory=territory,
        structures=dumps(export.structures),
        services=dumps(export.services),
        **kwargs,
    )


def test_export_of_armentieres_validates_with_the_official_schema(armentieres, tmp_path):
    export = datainclusion_write(territory=armentieres, directory=tmp_path)
    structures = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    assert (
        len(structures) == Structure.objects.filter(territory=armentieres, published=True).count()
    )
    assert (
        len(services)
        == Service.objects.filter(
            structure__territory=armentieres, published=True, structure__published=True
        ).count()
    )
    assert structures and services
    for record in structures:
        schema.Structure.model_validate(record, context={"ignore_warnings": False})
    for record in services:
        schema.Service.model_validate(record, context={"ignore_warnings": False})
    assert export.omitted == []
    ids = [r["id"] for r in structures]
    assert len(ids) == len(set(ids))
    assert {s["structure_id"] for s in services} <= set(ids)


def test_additions_are_prefixed_and_never_rename_schema_fields(armentieres):
    export = datainclusion_export(territory=armentieres)
    for records, model in (
        (export.structures, schema.Structure),
        (export.services, schema.Service),
    ):
        for record in records:
            extra = set(record) - set(model.model_fields)
            assert all(k.startswith("maillage_") for k in extra), extra
    capacities = {r["nom"]: r["maillage_capacite"] for r in export.services}
    assert (
        capacities["Accueil en crèche collective"]
        == Service.objects.get(name="Accueil en crèche collective").capacity
    )


def test_import_into_an_empty_directory_then_export_gives_the_same_data(armentieres):
    first = datainclusion_export(territory=armentieres)
    Structure.objects.filter(territory=armentieres).delete()
    Organisation.objects.all().delete()
    report = _import(armentieres, first)
    assert report.ok, report.lines()
    assert report.created["organisations"] == len(
        {r["maillage_organisation_nom"] for r in first.structures} - {None}
    )
    assert report.created["structures"] == len(first.structures)
    assert report.created["services"] == len(first.services)
    again = datainclusion_export(territory=armentieres)
    assert again.structures == first.structures
    assert again.services == first.services


def test_reimporting_the_same_files_changes_nothing(armentieres):
    export = datainclusion_export(territory=armentieres)
    before = Structure.objects.filter(territory=armentieres).count()
    for _ in range(2):
        report = _import(armentieres, export)
        assert report.ok, report.lines()
        assert not report.created and not report.updated
    assert Structure.objects.filter(territory=armentieres).count() == before


def test_another_producers_record_is_matched_by_name_and_fills_only_empty_fields(armentieres):
    existing = (
        Structure.objects.filter(territory=armentieres, address="", phone="")
        .exclude(commune=None)
        .exclude(note="")[0]
    )
    note = existing.note
    record = {
        "source": "dora",
        "id": "dora--abc",
        "nom": existing.name,
        "date_maj": "2024-05-02",
        "code_insee": existing.commune.insee_code,
        "adresse": None,
        "telephone": "03 20 00 00 00",
        "description": "Description venue d'un autre producteur.",
        "maillage_note": "Note d'un autre producteur.",
    }
    report = datainclusion_import(territory=armentieres, structures=dumps([record]))
    assert report.ok, report.lines()
    assert report.updated == {"structures": 1} and not report.created
    existing.refresh_from_db()
    assert existing.phone == "03 20 00 00 00"
    assert existing.description == "Description venue d'un autre producteur."
    assert existing.note == note  # a filled field is not overwritten by another producer
    assert existing.source != "dora"  # the record keeps its own producer


def test_bad_record_is_reported_with_file_record_and_field_and_nothing_is_written(armentieres):
    export = datainclusion_export(territory=armentieres)
    Structure.objects.filter(territory=armentieres).delete()
    bad = [dict(r) for r in export.structures]
    bad[2]["nom"] = "ab"
    bad[5]["code_postal"] = "5928"
    report = datainclusion_import(territory=armentieres, structures=dumps(bad))
    assert not report.ok
    rows = {(p.file, p.row, p.field) for p in report.problems}
    assert ("structures.json", 3, "nom") in rows
    assert ("structures.json", 6, "code_postal") in rows
    assert "trop court" in str(report.problems[0]) or "format" in str(report.problems[0])
    assert Structure.objects.filter(territory=armentieres).count() == 0


def test_directory_rules_refuse_what_the_schema_accepts(armentieres):
    record = {
        "source": "dora",
        "id": "dora--x",
        "nom": "Lieu hors de France",
        "date_maj": "2024-05-02",
        "longitude": 50.68,
        "latitude": 2.88,
    }
    report = datainclusion_import(territory=armentieres, structures=dumps([record]))
    assert [(p.row, p.field) for p in report.problems] == [(1, "latitude")]
    assert not Structure.objects.filter(source="dora").exists()


def test_service_of_an_unknown_structure_is_refused(armentieres):
    export = datainclusion_export(territory=armentieres)
    service = dict(export.services[0], structure_id="ctg--inconnue")
    report = datainclusion_import(
        territory=armentieres, structures=dumps(export.structures), services=dumps([service])
    )
    assert [(p.file, p.field) for p in report.problems] == [("services.json", "structure_id")]


def test_dry_run_reports_without_writing(armentieres):
    export = datainclusion_export(territory=armentieres)
    Structure.objects.filter(territory=armentieres).delete()
    report = _import(armentieres, export, dry_run=True)
    assert report.ok and report.created["structures"] == len(export.structures)
    assert Structure.objects.filter(territory=armentieres).count() == 0


def test_import_dir_without_structures_file_is_refused(armentieres, tmp_path):
    report = datainclusion_import_dir(territory=armentieres, directory=tmp_path)
    assert not report.ok and "absent" in report.problems[0].message


def test_structures_outside_the_territory_are_ignored_and_counted(armentieres):
    records = [
        {
            "source": "dora",
            "id": "dora--lille",
            "nom": "Lieu à Lille (exemple fictif)",
            "date_maj": "2024-05-02",
            "code_insee": "59350",
        }
    ]
    services = [
        {
            "source": "dora",
            "structure_id": "dora--lille",
            "id": "dora--s1",
            "nom": "Service à Lille",
            "description": "Service d'exemple fictif.",
            "date_maj": "2024-05-02",
        }
    ]
    report = datainclusion_import(
        territory=armentieres, structures=dumps(records), services=dumps(services)
    )
    assert report.ok and report.ignored == {"structures": 1, "services": 1}
    assert not Structure.objects.filter(source="dora").exists()
    assert "hors du territoire" in " ".join(report.lines())
