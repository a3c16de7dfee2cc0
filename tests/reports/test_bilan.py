"""The bilan for the comité de pilotage: PDF, DOCX and XLSX carry every indicator of the plan."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from maillage.plan.bilan_build import BilanError, bilan_build
from maillage.plan.models import Activity, Indicator
from maillage.plan.selectors import activities_by_zone
from maillage.plan.services import activity_record
from maillage.reports.bilan import bilan_render

from .conftest import TODAY


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip()


def _pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent")
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


def _docx_text(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    from docx import Document

    document = Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return " ".join([t for _, t in paragraphs] + cells), paragraphs


def _labels(territory) -> list[str]:
    return list(
        Indicator.objects.filter(axis__convention__territory=territory)
        .order_by("axis__number", "number")
        .values_list("label", flat=True)
    )


def test_pdf_opens_and_names_every_indicator_and_the_fictional_journal(demo_journal):
    bilan = bilan_build(territory=demo_journal, today=TODAY)
    data = bilan_render(bilan, fmt="pdf")
    assert data.startswith(b"%PDF")
    text = _norm(_pdf_text(data))
    labels = _labels(demo_journal)
    assert len(labels) == 24
    # -layout keeps table cells apart; compare on headings "code label" with spaces collapsed.
    flat = _norm(_pdf_text(data).replace("\n", " "))
    for label in labels:
        assert _norm(label) in flat or _norm(label) in text, label
    assert "exemple fictif" in text
    assert "ce bilan inclut 40 activité(s)" in text


def test_docx_has_real_headings_tables_and_every_indicator(demo_journal):
    bilan = bilan_build(territory=demo_journal, year=2024, today=TODAY)
    text, paragraphs = _docx_text(bilan_render(bilan, fmt="docx"))
    headings = [t for style, t in paragraphs if style.startswith("Heading")]
    for label in _labels(demo_journal):
        assert label in text
        assert any(h.endswith(label) for h in headings), label
    assert "Axe 1 — Animation de la Vie Sociale" in headings
    assert "exemple fictif" in text
    assert "année 2024" in text


def test_real_journal_bilan_has_no_fictional_warning(armentieres):
    activity_record(
        territory=armentieres,
        date=TODAY,
        kind="groupe de travail",
        title="Réunion du groupe de travail AVS",
        axes=[1],
    )
    bilan = bilan_build(territory=armentieres, today=TODAY)
    assert not bilan.includes_fictional
    text, _ = _docx_text(bilan_render(bilan, fmt="docx"))
    assert "Réunion du groupe de travail AVS" in text
    assert "exemple fictif" not in text


def test_xlsx_has_one_row_per_indicator_and_the_year_activities(demo_journal):
    from openpyxl import load_workbook

    bilan = bilan_build(territory=demo_journal, year=2025, today=TODAY)
    workbook = load_workbook(io.BytesIO(bilan_render(bilan, fmt="xlsx")), read_only=True)
    rows = list(workbook["Indicateurs"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    codes = [f"{i.axis.number}.{i.number}" for i in Indicator.objects.select_related("axis")]
    assert sorted(r[header.index("Code")] for r in body) == sorted(codes)
    assert len(body) == len(codes)
    activities = list(workbook["Activités"].iter_rows(values_only=True))[1:]
    expected = Activity.objects.filter(territory=demo_journal, date__year=2025).count()
    assert expected > 0 and len(activities) == expected
    assert all(r[0].year == 2025 for r in activities)


def test_year_values_come_from_the_indicator_results(demo_journal):
    bilan = bilan_build(territory=demo_journal, year=2024, today=TODAY)
    first = bilan.axes[0].indicators[0]  # 1.1 groupes de travail
    assert first.value == first.result.values_by_year[2024]
    assert all(e.date.year == 2024 for e in first.evidence)
    assert first.value == len(first.evidence)


def test_year_outside_the_convention_is_refused_in_french(armentieres):
    with pytest.raises(BilanError, match="hors de la période"):
        bilan_build(territory=armentieres, year=2030)


def test_activities_are_counted_per_zone(armentieres):
    activity_record(
        territory=armentieres,
        date=TODAY,
        kind="action de proximité",
        title="Permanence au Bizet",
        axes=[1],
        zones=["QP059070"],
    )
    activities = Activity.objects.filter(territory=armentieres).prefetch_related("zones")
    counts = {
        z.code: z.count for z in activities_by_zone(territory=armentieres, activities=activities)
    }
    assert counts["QP059070"] == 1
    assert counts["QP059069"] == 0
    assert sum(counts.values()) == 1


def test_cli_writes_the_bilan_and_shows_progress(armentieres, tmp_path):
    from maillage.cli import main

    out = tmp_path / "bilan.xlsx"
    result = CliRunner().invoke(
        main,
        ["report", "bilan", "--territory", "armentieres", "--format", "xlsx", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"PK")
    assert "calcul des indicateurs" in result.output
    assert "24 indicateurs" in result.output


def test_cli_refuses_a_year_outside_the_period(armentieres, tmp_path):
    from maillage.cli import main

    out = tmp_path / "bilan.pdf"
    result = CliRunner().invoke(
        main, ["report", "bilan", "--territory", "armentieres", "--year", "2019", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "hors de la période" in result.output
    assert not out.exists()


def test_long_evidence_lists_are_cut_on_paper_and_complete_in_the_workbook(armentieres):
    from openpyxl import load_workbook

    # Test data (30 workshops): the real directory no longer feeds 3.1/4.1 (issue 14: oui/non).
    for day in range(1, 31):
        activity_record(
            territory=armentieres,
            date=TODAY.replace(month=3, day=day),
            kind="atelier collectif",
            title=f"Atelier {day}",
            axes=[1],
        )
    bilan = bilan_build(territory=armentieres, today=TODAY)
    long = [line for line in bilan.indicators if line.evidence_hidden]
    assert [line.result.code for line in long] == ["1.4"]
    text, _ = _docx_text(bilan_render(bilan, fmt="docx"))
    for line in long:
        assert f"… et {line.evidence_hidden} autre(s) élément(s)" in text
    hidden_label = long[0].evidence[-1].label
    workbook = load_workbook(io.BytesIO(bilan_render(bilan, fmt="xlsx")), read_only=True)
    rows = list(workbook["Éléments"].iter_rows(values_only=True))[1:]
    assert len(rows) == sum(len(line.evidence) for line in bilan.indicators)
    assert hidden_label in {r[4] for r in rows}


def test_activities_are_summed_by_axis_and_by_kind(demo_journal):
    from django.db.models import Count

    bilan = bilan_build(territory=demo_journal, year=2025, today=TODAY)
    in_2025 = Activity.objects.filter(territory=demo_journal, date__year=2025)
    by_axis = {n: c for n, _title, c in bilan.activities_by_axis}
    for number, count in by_axis.items():
        assert count == in_2025.filter(axes__number=number).count()
    expected = dict(in_2025.values_list("kind__name").annotate(n=Count("pk")))
    assert dict(bilan.activities_by_kind) == expected
    text, paragraphs = _docx_text(bilan_render(bilan, fmt="docx"))
    assert ("Heading 1", "Activités du journal") in paragraphs
    assert "Activités par type" in text


def test_hostile_titles_stay_inert_text_in_the_documents(armentieres):
    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://exemple.invalid","cliquer")'
    script = "<script>alert(1)</script> & co"
    for title in (formula, script):
        activity_record(territory=armentieres, date=TODAY, kind="commission", title=title, axes=[4])
    bilan = bilan_build(territory=armentieres, year=TODAY.year, today=TODAY)
    workbook = load_workbook(io.BytesIO(bilan_render(bilan, fmt="xlsx")))
    titles = {row[1].value for row in workbook["Activités"].iter_rows(min_row=2)}
    assert "'" + formula in titles and script in titles
    assert all(row[1].data_type == "s" for row in workbook["Activités"].iter_rows(min_row=2))
    text, _ = _docx_text(bilan_render(bilan, fmt="docx"))
    assert script in text


def test_the_bilan_shows_the_study_subjects_methods_and_honest_readings(armentieres):
    """Issue 14: the sujets d'étude verbatim, each indicator's method, 3.1 as oui/non and an
    undeclared year as « non renseigné », in the PDF, the DOCX and the XLSX alike."""
    from openpyxl import load_workbook

    from maillage.plan.selectors import indicator_results

    bilan = bilan_build(territory=armentieres, today=TODAY)
    by_code = {line.result.code: line for line in bilan.indicators}
    assert by_code["3.1"].display == "non"
    assert by_code["1.3"].display == "non renseigné"
    method = {r.code: r.method for r in indicator_results(territory=armentieres)}["1.1"]
    subject = "Rendre accessible l'offre au plus grand nombre"
    pdf = _norm(_pdf_text(bilan_render(bilan, fmt="pdf")))
    docx, paragraphs = _docx_text(bilan_render(bilan, fmt="docx"))
    for text in (pdf, _norm(docx)):
        assert "Les sujets d'étude de la convention" in text
        assert subject in text and "passerelles d'accompagnement" in text
        assert _norm(method)[:80] in text
        assert "74,3" not in text and "non renseigné" in text
    assert ("Heading 2", "Egalité des chances") in paragraphs
    workbook = load_workbook(io.BytesIO(bilan_render(bilan, fmt="xlsx")), read_only=True)
    subjects = [r[2] for r in workbook["Sujets d'étude"].iter_rows(values_only=True)]
    assert any(t and t.startswith(subject) for t in subjects)
    methods = {r[0]: r[3] for r in workbook["Méthodes"].iter_rows(values_only=True)}
    assert methods["1.1"] == method
    sheet = list(workbook["Indicateurs"].iter_rows(values_only=True))
    header, row = sheet[0], next(r for r in sheet if r[1] == "1.3")
    assert row[header.index("Valeur 2024")] is None  # never 0
    assert row[header.index("Lecture 2024")].startswith("non renseigné")
