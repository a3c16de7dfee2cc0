"""Spreadsheet import/export of structures and services (CSV, XLSX, ODS)."""

from __future__ import annotations

import pytest

from maillage.directory.models import Service, Structure
from maillage.interop.structures_sheet import (
    COLUMNS,
    structures_import,
    structures_table,
    template,
)
from maillage.interop.tabular import read_table, write_table

pytestmark = pytest.mark.django_db


def _sheet(rows, fmt="csv"):
    return write_table(rows, columns=COLUMNS, fmt=fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_importing_the_same_spreadsheet_twice_leaves_one_copy(armentieres, fmt):
    data = structures_table(territory=armentieres, fmt=fmt)
    count = Structure.objects.filter(territory=armentieres).count()
    services = Service.objects.filter(structure__territory=armentieres).count()
    Structure.objects.filter(territory=armentieres).delete()
    first = structures_import(territory=armentieres, data=data, filename=f"liste.{fmt}")
    assert first.ok, first.lines()
    assert first.created == {"structures": count, "services": services}
    second = structures_import(territory=armentieres, data=data, filename=f"liste.{fmt}")
    assert second.ok and not second.created and not second.updated
    assert Structure.objects.filter(territory=armentieres).count() == count
    assert Service.objects.filter(structure__territory=armentieres).count() == services
    assert structures_table(territory=armentieres, fmt="csv") == structures_table(
        territory=armentieres, fmt="csv"
    )


def test_a_new_sheet_without_identifiers_is_safe_to_rerun(armentieres):
    rows = [
        {"name": "Ludothèque (exemple fictif)", "commune": "Armentières", "published": True},
        {
            "name": "Ludothèque (exemple fictif)",
            "commune": "59017",
            "service_name": "Prêt de jeux",
            "service_age_min": 0,
            "service_age_max": 12,
        },
    ]
    data = _sheet(rows, "xlsx")
    for _ in range(2):
        report = structures_import(territory=armentieres, data=data, filename="lieux.xlsx")
        assert report.ok, report.lines()
    structure = Structure.objects.get(territory=armentieres, name="Ludothèque (exemple fictif)")
    assert [(s.name, s.age_min, s.age_max) for s in structure.services.all()] == [
        ("Prêt de jeux", 0, 12)
    ]


def test_refused_rows_are_all_reported_and_nothing_is_written(armentieres):
    before = Structure.objects.count()
    rows = [
        {"name": "Lieu A (exemple fictif)", "lon": "abc", "lat": "50.68"},
        {"name": "", "address": "1 rue (exemple fictif)"},
        {"name": "Lieu C (exemple fictif)", "email": "pas-un-courriel"},
        {
            "name": "Lieu D (exemple fictif)",
            "service_name": "Atelier",
            "service_age_min": 6,
            "service_age_max": 3,
        },
        {"name": "Lieu E (exemple fictif)", "lon": "2.88"},
    ]
    report = structures_import(territory=armentieres, data=_sheet(rows), filename="l.csv")
    found = {(p.row, p.field) for p in report.problems}
    assert (2, "Longitude") in found
    assert (3, "Nom") in found
    assert (4, "Courriel") in found
    assert (5, "Service : âge maximum (ans, exclu)") in found
    assert (6, "Latitude") in found or (6, "Longitude") in found
    assert all(p.file == "l.csv" and p.message for p in report.problems)
    assert Structure.objects.count() == before
    assert "rien n'a été enregistré" in report.lines()[0]


def test_dry_run_writes_nothing(armentieres):
    data = _sheet([{"name": "Lieu (exemple fictif)", "commune": "59017"}])
    report = structures_import(territory=armentieres, data=data, filename="l.csv", dry_run=True)
    assert report.ok and report.created == {"structures": 1}
    assert not Structure.objects.filter(name="Lieu (exemple fictif)").exists()


def test_unknown_column_and_unreadable_file_are_refused(armentieres):
    data = b"Nom;Couleur\nLieu;bleu\n"
    report = structures_import(territory=armentieres, data=data, filename="l.csv")
    assert [(p.field, p.row) for p in report.problems] == [("Couleur", None)]
    report = structures_import(territory=armentieres, data=b"PK\x03\x04abc", filename="l.xlsx")
    assert not report.ok and "l.xlsx" in str(report.problems[0])


def test_template_has_every_column_and_imports_nothing(armentieres):
    for fmt in ("csv", "xlsx", "ods"):
        table = read_table(template(fmt=fmt), filename=f"modele.{fmt}")
        assert table.columns == [label for _, label in COLUMNS] and table.rows == []
        report = structures_import(
            territory=armentieres, data=template(fmt=fmt), filename=f"modele.{fmt}"
        )
        assert report.ok and not report.created


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_export_protects_against_formula_injection_and_reimports_the_text(armentieres, fmt):
    structure = Structure.objects.filter(territory=armentieres)[0]
    hostile = '=HYPERLINK("http://exemple.invalid","clic")'
    Structure.objects.filter(pk=structure.pk).update(description=hostile, phone="+33 3 20")
    data = structures_table(territory=armentieres, fmt=fmt)
    table = read_table(data, filename=f"x.{fmt}")
    cells = [row["Description"] for _, row in table.rows if row["Nom"] == structure.name]
    assert cells and all(c == "'" + hostile for c in cells)
    assert not any(
        v.startswith(("=", "+", "-", "@")) for _, row in table.rows for v in row.values()
    )
    report = structures_import(territory=armentieres, data=data, filename=f"x.{fmt}")
    assert report.ok and not report.updated, report.lines()
    structure.refresh_from_db()
    assert structure.description == hostile and structure.phone == "+33 3 20"
