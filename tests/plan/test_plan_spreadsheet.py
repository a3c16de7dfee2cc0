"""The action plan in a spreadsheet: template, export, import — Armentières' real plan goes out and
comes back identical in a new territory; hostile files are refused in French, nothing written."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from click.testing import CliRunner
from factories import TerritoryFactory

from maillage.accounts.models import ChangeRecord
from maillage.cli import main
from maillage.interop.tabular import read_table, write_table
from maillage.plan.models import (
    Activity,
    ActivityKind,
    Axis,
    Convention,
    Indicator,
    IndicatorTarget,
    Objective,
)
from maillage.plan.plan_io import PLAN_COLUMNS, plan_export, plan_rows, plan_template
from maillage.plan.plan_io_import import plan_import
from maillage.plan.selectors import plan_tree
from maillage.plan.services import indicator_baseline_set, indicator_target_set

FORMATS = ["xlsx", "ods", "csv"]


def _tree(territory) -> dict:
    """The whole plan as the pages read it, without database ids, territory or source."""
    data = plan_tree(territory=territory).as_dict()
    for key in ("territory", "source_title", "source_licence"):
        data.pop(key)

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "id"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(data)


def _plan_counts() -> tuple[int, ...]:
    return (
        Convention.objects.count(),
        Axis.objects.count(),
        Objective.objects.count(),
        Indicator.objects.count(),
        IndicatorTarget.objects.count(),
        ActivityKind.objects.count(),
        ChangeRecord.objects.count(),
    )


def _rows(territory) -> list[dict]:
    return plan_rows(territory=territory)


def _sheet(rows: list[dict], fmt: str = "csv") -> bytes:
    return write_table(rows, columns=PLAN_COLUMNS, fmt=fmt)


@pytest.fixture(autouse=True)
def _db(db):
    """Every test reads or writes plans in the test database (rolled back after each)."""


def _fresh():
    return TerritoryFactory(period_start=2023, period_end=2026)


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("fmt", FORMATS)
def test_armentieres_plan_exported_then_imported_in_a_new_territory_is_identical(armentieres, fmt):
    ind = Indicator.objects.get(axis__convention__territory=armentieres, axis__number=1, number=3)
    indicator_target_set(indicator=ind, year=2024, value=4)
    indicator_target_set(indicator=ind, year=2026, value=6.5)
    indicator_baseline_set(indicator=ind, value=2, year=2022)
    # A text that a spreadsheet would take for a formula is protected on export, read back as is.
    formula_like = "=SOMME(A1) puis -2 : texte, pas une formule"
    Objective.objects.filter(
        axis__convention__territory=armentieres, axis__number=3, number=1
    ).update(description=formula_like)
    data = plan_export(territory=armentieres, fmt=fmt)
    target = _fresh()
    report = plan_import(territory=target, data=data, filename=f"plan.{fmt}")
    assert report.ok and report.written, report.lines()
    assert report.created["axes"] == 4 and report.created["indicateurs"] == 24
    assert report.created["cibles"] == 2 and report.unchanged["types d'activité"] == 14
    assert _tree(target) == _tree(armentieres)
    got = Indicator.objects.get(axis__convention__territory=target, axis__number=1, number=3)
    assert (got.kind, got.rule) == ("activity_count", {"kinds": ["action de proximité"], "axis": 1})
    assert (got.baseline_value, got.baseline_year) == (2.0, 2022)
    assert (
        Objective.objects.get(
            axis__convention=got.axis.convention, axis__number=3, number=1
        ).description
        == formula_like
    )
    assert dict(got.targets.values_list("year", "value")) == {2024: 4.0, 2026: 6.5}
    kinds = Indicator.objects.filter(axis__convention__territory=target)
    assert {i.kind for i in kinds} == {"activity_count", "body_count", "document", "data", "manual"}
    # The import is kept in the history, and a second import of the same file changes nothing.
    assert ChangeRecord.objects.filter(territory=target, note=f"import du plan « plan.{fmt} »")
    again = plan_import(territory=target, data=data, filename=f"plan.{fmt}", replace=True)
    assert again.ok and not again.created and not again.updated and not again.deleted


def test_export_rows_say_what_each_row_is(armentieres):
    rows = _rows(armentieres)
    assert rows[0] == {
        "élément": "convention",
        "code": "",
        "texte": "Convention Territoriale Globale 2023/2026",
    }
    by_element = {}
    for row in rows:
        by_element.setdefault(row["élément"], []).append(row)
    assert len(by_element["axe"]) == 4 and len(by_element["objectif"]) == 15
    assert len(by_element["indicateur"]) == 24
    first = by_element["indicateur"][0]
    assert first["code"] == "1.1" and first["mode de calcul"] == "body_count"
    assert json.loads(first["règle"]) == {"kinds": ["groupe de travail"], "axis": 1}
    assert {"sous-point", "modalité", "résultat attendu", "partenaire"} <= set(by_element)


def test_template_is_empty_and_documents_every_element_and_kind():
    for fmt in FORMATS:
        table = read_table(plan_template(fmt=fmt), filename=f"modele.{fmt}")
        assert table.columns == [label for _k, label in PLAN_COLUMNS] and table.rows == []
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(plan_template(fmt="xlsx")), read_only=True)
    assert workbook.sheetnames == ["Plan", "Mode d'emploi"]
    notice = " ".join(
        str(v) for row in workbook["Mode d'emploi"].iter_rows(values_only=True) for v in row if v
    )
    for word in ("sous-point", "modalité", "résultat attendu", "partenaire", "cible", "règle"):
        assert word in notice
    for kind in ("activity_count", "body_count", "document", "data", "manual"):
        assert kind in notice


def test_an_empty_template_imports_nothing_with_a_french_reason():
    target = _fresh()
    report = plan_import(territory=target, data=plan_template(fmt="xlsx"), filename="m.xlsx")
    assert not report.ok
    assert not Convention.objects.filter(territory=target).exists()


# --------------------------------------------------------------------------- existing plan


def test_a_territory_with_a_plan_is_not_overwritten_without_replace(armentieres):
    data = plan_export(territory=armentieres, fmt="csv")
    before = _plan_counts()
    report = plan_import(territory=armentieres, data=data, filename="plan.csv")
    assert not report.ok and "--remplacer" in report.problems[0].message
    assert _plan_counts() == before


def test_replace_keeps_history_and_refuses_to_drop_what_the_journal_uses(armentieres):
    rows = _rows(armentieres)
    renamed = [
        r | {"texte": "Consolider les partenariats locaux"}
        if (r["élément"], r["code"]) == ("objectif", "2.1")
        else r
        for r in rows
    ]
    report = plan_import(
        territory=armentieres, data=_sheet(renamed), filename="plan.csv", replace=True
    )
    assert report.ok and report.updated == {"objectifs": 1}, report.lines()
    objective = Objective.objects.get(
        axis__convention__territory=armentieres, axis__number=2, number=1
    )
    assert objective.title == "Consolider les partenariats locaux"
    record = ChangeRecord.objects.filter(object_id=str(objective.pk)).latest("pk")
    assert record.before["title"] == "Consolider les partenariats"

    from maillage.plan.services import activity_record

    activity_record(
        territory=armentieres,
        date=__import__("datetime").date(2025, 3, 4),
        kind="groupe de travail",
        title="GT (test)",
        axes=[4],
        objectives=["4.1"],
    )
    without_axis_4 = [r for r in renamed if not r["code"].startswith("4")]
    before = _plan_counts()
    refused = plan_import(
        territory=armentieres, data=_sheet(without_axis_4), filename="plan.csv", replace=True
    )
    assert not refused.ok
    messages = " ".join(p.message for p in refused.problems)
    assert "encore utilisé" in messages and "activités du journal" in messages
    assert _plan_counts() == before and Activity.objects.filter(title="GT (test)").exists()


def test_dry_run_reports_and_writes_nothing(armentieres):
    target = _fresh()
    before = _plan_counts()
    report = plan_import(
        territory=target,
        data=plan_export(territory=armentieres, fmt="ods"),
        filename="plan.ods",
        dry_run=True,
    )
    assert report.ok and not report.written and report.created["axes"] == 4
    assert any(line.startswith("Simulation") for line in report.lines())
    assert _plan_counts() == before


# --------------------------------------------------------------------------- hostile files


def _refused(territory, data: bytes, filename: str = "plan.csv"):
    before = _plan_counts()
    report = plan_import(territory=territory, data=data, filename=filename)
    assert not report.ok and not report.written
    assert _plan_counts() == before
    return report


def _edit(rows: list[dict], where: tuple[str, str], changes: dict) -> list[dict]:
    """``rows`` with ``changes`` made to the row of ``where`` (élément, code)."""
    return [r | changes if (r["élément"], r["code"]) == where else r for r in rows]


def test_missing_column_is_named(armentieres):
    columns = [c for c in PLAN_COLUMNS if c[0] != "texte"]
    data = write_table(_rows(armentieres), columns=columns, fmt="xlsx")
    report = _refused(_fresh(), data, "plan.xlsx")
    problem = report.problems[0]
    assert problem.field == "texte" and "colonne obligatoire absente" in problem.message
    assert str(problem).startswith("Fichier « plan.xlsx », feuille « Données », ligne 1")


def test_unknown_indicator_kind_names_file_sheet_row_and_column(armentieres):
    rows = _edit(_rows(armentieres), ("indicateur", "2.2"), {"mode de calcul": "sondage"})
    line = next(i for i, r in enumerate(rows) if r.get("mode de calcul") == "sondage") + 2
    report = _refused(_fresh(), _sheet(rows, "ods"), "plan.ods")
    assert [str(p) for p in report.problems] == [
        f"Fichier « plan.ods », feuille « Données », ligne {line}, champ « mode de calcul » : "
        f"mode de calcul « sondage » inconnu (connus : {', '.join(Indicator.Kind.values)})."
    ]
    assert {"activity_count", "body_count", "document", "data", "manual"} <= set(
        Indicator.Kind.values
    )


def test_duplicate_axis_code_is_refused(armentieres):
    rows = _rows(armentieres)
    rows.append({"élément": "axe", "code": "2", "texte": "Un autre axe 2"})
    report = _refused(_fresh(), _sheet(rows))
    assert any("« axe » 2 en double (déjà ligne" in p.message for p in report.problems)
    assert all(p.field == "code" for p in report.problems)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"règle": '{"kinds": ["barbecue"]}'}, "règle", "type(s) d'activité inconnu(s) : barbecue"),
        ({"règle": "{kinds: 1"}, "règle", "règle illisible"),
        ({"règle": '{"kinds": [["x"]], "axis": [1]}'}, "règle", "liste « kinds »"),
        ({"règle": '{"kinds": ["commission"], "axis": 9}'}, "règle", "axe 9 inconnu"),
        ({"code": "1.9"}, "code", "numéro 1.1 attendu"),
        ({"code": "1.x"}, "code", "code « 1.x » invalide"),
        ({"code": "1.0"}, "code", "code « 1.0 » invalide"),
        ({"code": "01.02"}, "code", "« indicateur » 1.2 en double"),
        ({"texte": ""}, "texte", "obligatoire"),
        ({"année": "2024"}, "année", "colonne non utilisée"),
        ({"unité": "actions\x00"}, "unité", "caractère de contrôle"),
    ],
)
def test_bad_indicator_rows_are_refused(armentieres, change, field, words):
    rows = _edit(_rows(armentieres), ("indicateur", "1.1"), change)
    report = _refused(_fresh(), _sheet(rows))
    assert any(p.field == field and words in p.message for p in report.problems), report.lines()


def test_bad_targets_periods_and_parents_are_refused(armentieres):
    rows = _rows(armentieres) + [
        {"élément": "cible", "code": "1.2", "année": "2030", "valeur": "3"},
        {"élément": "cible", "code": "1.3", "année": "2024", "valeur": "-1"},
        {"élément": "sous-point", "code": "7.1", "texte": "Orphelin"},
        {"élément": "sous-point", "code": "7.1", "texte": "Orphelin aussi"},
        {"élément": "barbecue", "code": "", "texte": "?"},
    ]
    rows = _edit(rows, ("période", ""), {"texte": "2020-2024"})
    messages = [str(p) for p in _refused(_fresh(), _sheet(rows)).problems]
    assert any("année de 2023 à 2026 attendue" in m for m in messages), messages
    assert any("valeur cible positive ou nulle" in m for m in messages), messages
    # Rows missing the same parent are reported once, with their count.
    assert (
        sum(
            "aucune ligne « objectif » de code 7.1 dans le fichier (et 1 autre(s) ligne(s)" in m
            for m in messages
        )
        == 1
    )
    lines = [p.row for p in _refused(_fresh(), _sheet(rows)).problems]
    assert lines == sorted(lines, key=lambda n: -1 if n is None else n)
    assert any("élément « barbecue » inconnu" in m for m in messages)
    assert any("période « 2020-2024 » différente de celle du territoire" in m for m in messages)


def test_new_activity_kinds_are_added_and_clashing_ones_refused(armentieres):
    rows = _rows(armentieres)
    kinds = ActivityKind.objects.count()
    clash = rows + [
        {"élément": "type d'activité", "code": "", "texte": "a+b (test)"},
        {"élément": "type d'activité", "code": "", "texte": "ab (test)"},
        {"élément": "type d'activité", "code": "commission", "texte": "Réunion (test)"},
        {"élément": "type d'activité", "code": "x" * 81, "texte": "Long (test)"},
    ]
    messages = [p.message for p in _refused(_fresh(), _sheet(clash)).problems]
    assert any("identifiant « ab-test » déjà donné ligne" in m for m in messages), messages
    assert any(
        "identifiant « commission » déjà pris par le type « commission »" in m for m in messages
    )
    assert any("80 lettres, chiffres ou tirets au plus" in m for m in messages)
    added = rows + [{"élément": "type d'activité", "code": "", "texte": "Visite à domicile (test)"}]
    report = plan_import(territory=_fresh(), data=_sheet(added), filename="plan.csv")
    assert report.ok and report.created["types d'activité"] == 1
    assert ActivityKind.objects.count() == kinds + 1
    assert (
        ActivityKind.objects.get(slug="visite-a-domicile-test").name == "Visite à domicile (test)"
    )


def test_too_many_rows_are_refused_before_anything_is_read():
    rows = [{"élément": "sous-point", "code": "1.1", "texte": f"p{i}"} for i in range(5_001)]
    report = _refused(_fresh(), _sheet(rows))
    assert "trop de lignes (plus de 5000)" in report.problems[0].message


def test_an_ods_repeat_bomb_is_refused():
    from interop.spreadsheets import ods_bytes, ods_cell, ods_row

    header = ods_row(*(ods_cell(c) for c in ("élément", "code", "texte")))
    row = ods_row(ods_cell("sous-point"), ods_cell("1.1"), ods_cell("x"), repeat="100000000")
    data = ods_bytes(header, row, sheet="Plan")
    assert len(data) < 2000
    report = _refused(_fresh(), data, "bombe.ods")
    assert "trop de lignes" in report.problems[0].message
    assert str(report.problems[0]).startswith("Fichier « bombe.ods »")


def test_a_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (61 * 1024 * 1024))
    report = _refused(_fresh(), buffer.getvalue(), "bombe.xlsx")
    assert "volumineux" in report.problems[0].message


# --------------------------------------------------------------------------- command line


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_commands_template_export_import_and_english_aliases(armentieres, tmp_path):
    template = tmp_path / "modele.ods"
    assert _run("plan", "modele", "-o", str(template)).exit_code == 0
    assert read_table(template.read_bytes(), filename="modele.ods").rows == []
    exported = tmp_path / "plan.xlsx"
    result = _run("plan", "exporter", "--territory", "armentieres", "-o", str(exported))
    assert result.exit_code == 0 and "ligne(s) de plan exportée(s)" in result.output
    target = _fresh()
    dry = _run("plan", "import", str(exported), "--territory", target.slug, "--dry-run")
    assert dry.exit_code == 0 and "Simulation" in dry.output
    assert not Convention.objects.filter(territory=target).exists()
    done = _run("plan", "importer", str(exported), "--territory", target.slug)
    assert done.exit_code == 0 and "axes : 4 créé(s)" in done.output
    refused = _run("plan", "importer", str(exported), "--territory", target.slug)
    assert refused.exit_code == 1 and "--remplacer" in refused.output
    replaced = _run("plan", "importer", str(exported), "--territory", target.slug, "--remplacer")
    assert replaced.exit_code == 0 and "inchangé" in replaced.output
    assert _run("plan", "template", "-o", str(tmp_path / "m.csv")).exit_code == 0
    shown = _run("plan", "--territory", target.slug, "--format", "json")
    assert json.loads(shown.output)["title"] == "Convention Territoriale Globale 2023/2026"


# --------------------------------------------------------------------------- web page


def _upload(client, territory, data: bytes, name: str, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("web:plan-import", args=[territory.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, data), **extra})


def test_web_import_simulates_then_writes_on_confirmation(armentieres, client, settings, tmp_path):
    from django.urls import reverse
    from factories import coordinator

    settings.VAR_DIR = tmp_path
    target = _fresh()
    client.force_login(coordinator(target))
    page = client.get(reverse("web:plan-import", args=[target.slug]))
    assert page.status_code == 200 and "Simuler l'import" in page.content.decode()
    data = plan_export(territory=armentieres, fmt="xlsx")
    simulated = _upload(client, target, data, "plan.xlsx")
    html = simulated.content.decode()
    assert simulated.status_code == 200 and "Voici ce que l'import changerait" in html
    assert '<th scope="row">axes</th><td class="num">4</td>' in html
    assert not Convention.objects.filter(territory=target).exists()
    token = client.session["plan_file_import"]["token"]
    done = client.post(
        reverse("web:plan-import", args=[target.slug]), {"token": token, "confirm": "1"}
    )
    assert done.status_code == 302 and done.url == reverse("web:plan", args=[target.slug])
    assert _tree(target) == _tree(armentieres)
    record = ChangeRecord.objects.filter(territory=target).first()
    assert record is not None and record.user is not None
    # The plan page links to the export and, for the coordinator, to this page.
    plan_page = client.get(reverse("web:plan", args=[target.slug])).content.decode()
    assert reverse("web:plan-import", args=[target.slug]) in plan_page
    exported = client.get(reverse("web:plan-export", args=[target.slug, "csv"]))
    assert exported.status_code == 200
    assert read_table(exported.content, filename="p.csv").rows[0][1]["élément"] == "convention"


def test_web_import_shows_every_problem_and_writes_nothing(armentieres, client, settings, tmp_path):
    from factories import coordinator

    settings.VAR_DIR = tmp_path
    target = _fresh()
    client.force_login(coordinator(target))
    rows = _edit(_rows(armentieres), ("indicateur", "2.2"), {"mode de calcul": "<b>sondage</b>"})
    before = _plan_counts()
    response = _upload(client, target, _sheet(rows), "plan.csv")
    html = response.content.decode()
    assert response.status_code == 400
    assert "mode de calcul « &lt;b&gt;sondage&lt;/b&gt; » inconnu" in html
    assert "<b>sondage" not in html and "plan_file_import" not in client.session
    assert _plan_counts() == before
    replaced = _upload(client, armentieres, _sheet(_rows(armentieres)), "plan.csv")
    assert replaced.status_code == 403  # coordinator of another territory


def test_web_import_is_for_the_coordinator_only(armentieres, client):
    from django.urls import reverse
    from factories import observer, partner

    url = reverse("web:plan-import", args=["armentieres"])
    assert client.get(url).status_code == 302
    for user in (partner(armentieres), observer(armentieres)):
        client.force_login(user)
        assert client.get(url).status_code == 403
    template = client.get(reverse("web:plan-template", args=["armentieres", "ods"]))
    assert template.status_code == 200 and template["Content-Type"].endswith("spreadsheet")
    assert client.get(reverse("web:plan-template", args=["armentieres", "exe"])).status_code == 404


def test_replace_warns_when_an_indicator_with_entered_values_changes_kind(armentieres):
    from maillage.plan.services import indicator_value_set

    manual = Indicator.objects.get(
        axis__convention__territory=armentieres, kind="manual", axis__number=1
    )
    indicator_value_set(indicator=manual, year=2024, value=3, justification="Enquête (test)")
    rows = _edit(
        _rows(armentieres),
        ("indicateur", manual.code),
        {"mode de calcul": "document", "règle": '{"kinds": ["écrit partagé"], "axis": 1}'},
    )
    report = plan_import(territory=armentieres, data=_sheet(rows), filename="p.csv", replace=True)
    assert report.ok and report.updated == {"indicateurs": 1}
    assert report.warnings == [
        f"l'indicateur {manual.code} change de mode de calcul (manual → document) alors que des "
        "valeurs y sont saisies."
    ]
    assert any(line.startswith("Attention : l'indicateur") for line in report.lines())
    assert manual.values.count() == 1


def test_plan_without_territory_or_subcommand_is_a_french_usage_error():
    result = CliRunner().invoke(main, ["plan"])
    assert result.exit_code == 2
    assert "option --territory obligatoire pour afficher le plan." in result.output
