"""Journal import: CSV, XLSX and ODS; bad rows refused with row and field; safe to re-run."""

from __future__ import annotations

import pytest

from maillage.interop.tabular import TableError
from maillage.plan.journal import journal_import, journal_rows, journal_template
from maillage.plan.models import Activity, Indicator
from maillage.plan.selectors import indicator_result

from .conftest import gt_row


def _count(territory) -> int:
    return Activity.objects.filter(territory=territory).count()


def _import(territory, data: bytes, filename: str = "journal.csv", **kw):
    return journal_import(territory=territory, data=data, filename=filename, **kw)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_three_meetings_of_one_group_make_indicator_1_1_worth_1_in_2025(
    armentieres, journal_bytes, fmt
):
    """Issue 14: the indicator counts groups, not meetings (it read 3 before)."""
    from maillage.plan.services import journal_year_declare_complete

    rows = [
        gt_row(f"Groupe de travail AVS n° {i}", f"2025-0{i}-15", instance="GT AVS")
        for i in (1, 2, 3)
    ]
    report = _import(armentieres, journal_bytes(rows, fmt), f"journal.{fmt}")
    assert report.written and report.created == 3 and not report.refused
    journal_year_declare_complete(territory=armentieres, year=2025)
    ind = Indicator.objects.get(axis__convention__territory=armentieres, axis__number=1, number=1)
    result = indicator_result(territory=armentieres, indicator_id=ind.pk)
    assert result.label == "Nombre de groupes de travail dédié"
    assert result.values_by_year[2025] == 1.0
    assert sorted(e.label for e in result.evidence_by_year[2025]) == [
        "Groupe de travail AVS n° 1",
        "Groupe de travail AVS n° 2",
        "Groupe de travail AVS n° 3",
    ]


def test_rows_are_fully_imported_with_zones_partners_and_objectives(armentieres, journal_bytes):
    row = gt_row(
        "Réunion quartiers",
        "04/03/2025",
        quartiers="attargette/chanzy; BIZET 1",
        partenaires="Les centres sociaux; Le CCAS",
        objectifs="2; 1.4",
        description="Compte rendu partagé.",
    )
    report = _import(armentieres, journal_bytes([row]))
    assert report.created == 1, report.lines()
    act = Activity.objects.get(territory=armentieres, title="Réunion quartiers")
    assert str(act.date) == "2025-03-04" and act.participants == 12
    assert sorted(z.code for z in act.zones.all()) == ["590170201", "QP059069"]
    assert sorted(p.name for p in act.partners.all()) == ["Le CCAS", "Les centres sociaux"]
    assert sorted(o.code for o in act.objectives.all()) == ["1.2", "1.4"]
    assert [a.title for a in act.axes.all()] == ["Animation de la Vie Sociale"]


BAD_ROWS = [
    ({"type": "barbecue"}, "type", "type d'activité « barbecue » inconnu"),
    ({"axe": "7"}, "axe", "axe « 7 » inconnu"),
    ({"axe": "Animation de la vie sociale", "objectifs": "1.9"}, "objectifs", "objectif « 1.9 »"),
    ({"date": "2022-12-31"}, "date", "hors de la convention"),
    ({"date": "31/02/2025"}, "date", "illisible"),
    ({"participants": "-4"}, "participants", "ne peut pas être négatif"),
    ({"participants": "inf"}, "participants", "nombre entier attendu"),
    ({"participants": "12,5"}, "participants", "nombre entier attendu"),
    ({"participants": "1e99"}, "participants", "invraisemblable"),
    ({"quartiers": "Wazemmes"}, "quartiers", "quartier « Wazemmes » inconnu"),
    ({"titre": ""}, "titre", "titre obligatoire"),
    ({"titre": "[exemple fictif] GT"}, "titre", "réservé aux activités générées"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_ROWS, ids=[b[2] for b in BAD_ROWS])
def test_a_bad_row_is_refused_with_its_line_and_nothing_is_written(
    armentieres, journal_bytes, change, field, message
):
    rows = [gt_row("Bonne ligne A"), gt_row("Ligne fautive") | change, gt_row("Bonne ligne B")]
    before = _count(armentieres)
    version = armentieres.data_version
    report = _import(armentieres, journal_bytes(rows))
    assert not report.written and report.created == 0
    assert _count(armentieres) == before
    armentieres.refresh_from_db()
    assert armentieres.data_version == version
    assert report.refused_lines == [3]  # header is line 1
    problem = next(p for p in report.refused if p.field == field)
    assert message in problem.message
    assert str(problem).startswith(f"Ligne 3, colonne « {field} »")
    assert any("Rien n'a été écrit" in line for line in report.lines())


def test_valid_only_writes_the_valid_rows(armentieres, journal_bytes):
    rows = [gt_row("Valide 1"), gt_row("Fautive", participants="-1"), gt_row("Valide 2")]
    report = _import(armentieres, journal_bytes(rows), valid_only=True)
    assert report.written and report.created == 2 and report.refused_lines == [3]
    titles = set(Activity.objects.filter(territory=armentieres).values_list("title", flat=True))
    assert {"Valide 1", "Valide 2"} <= titles and "Fautive" not in titles


def test_reimport_does_not_duplicate(armentieres, journal_bytes):
    data = journal_bytes([gt_row("GT 1"), gt_row("GT 2")], "xlsx")
    assert _import(armentieres, data, "j.xlsx").created == 2
    again = _import(armentieres, data, "j.xlsx")
    assert again.created == 0 and again.duplicates == [2, 3] and again.written
    assert _count(armentieres) == 2
    same_in_file = _import(armentieres, journal_bytes([gt_row("GT 3"), gt_row("gt 3")]))
    assert same_in_file.created == 1 and same_in_file.duplicates == [3]


def test_dry_run_writes_nothing(armentieres, journal_bytes):
    report = _import(armentieres, journal_bytes([gt_row("Simulé")]), dry_run=True)
    assert report.created == 1 and not report.written
    assert _count(armentieres) == 0


def test_missing_column_or_unreadable_file_is_refused_in_french(armentieres):
    with pytest.raises(TableError, match="colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\).*axe"):
        _import(armentieres, b"date;type;titre\n2025-01-01;commission;x\n")
    with pytest.raises(TableError, match="format non pris en charge"):
        _import(armentieres, b"whatever", "journal.pdf")
    assert _count(armentieres) == 0


def test_template_and_export_round_trip(armentieres, journal_bytes):
    from maillage.interop.tabular import read_table

    for fmt in ("csv", "xlsx", "ods"):
        table = read_table(journal_template(fmt=fmt), filename=f"modele.{fmt}")
        assert table.columns[:4] == ["date", "type", "titre", "axe"] and table.rows == []
    _import(armentieres, journal_bytes([gt_row("Aller", quartiers="Bizet 1")]))
    exported = journal_bytes(journal_rows(territory=armentieres), "ods")
    again = _import(armentieres, exported, "export.ods")
    assert again.duplicates == [2] and again.created == 0
