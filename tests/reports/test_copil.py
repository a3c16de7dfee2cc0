"""The COPIL deck: the PowerPoint carries every indicator of the bilan with the same value, the
PDF the same text, the figures of the diagnostic with their source, « non calculable » zones
blanches with their reason."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from maillage.diagnostic.selectors import diagnostic_build
from maillage.plan.bilan_build import bilan_build
from maillage.plan.copil import copil_build
from maillage.reports.copil import copil_render
from maillage.reports.copil_slides import copil_slides

from .conftest import TODAY


def _squash(text: str) -> str:
    """Text without any white space (a PDF wraps cells anywhere), same apostrophes."""
    return re.sub(r"\s+", "", text.replace("\u2019", "'"))


def _pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent")
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _pptx(data: bytes) -> tuple[list[list[str]], list[str]]:
    """(rows of every table, every other text) of a PowerPoint file, read by python-pptx."""
    from pptx import Presentation

    rows: list[list[str]] = []
    texts: list[str] = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_table:
                rows += [[cell.text for cell in row.cells] for row in shape.table.rows]
            elif shape.has_text_frame:
                texts.append(shape.text_frame.text)
    return rows, texts


@pytest.fixture
def copil(demo_journal):
    return copil_build(
        territory=demo_journal,
        year=2024,
        to_decide="- Ouvrir une permanence\nRecruter",
        today=TODAY,
    )


def test_pptx_carries_every_indicator_of_the_bilan_with_the_same_value(demo_journal, copil):
    bilan = bilan_build(territory=demo_journal, year=2024, today=TODAY)
    rows, _texts = _pptx(copil_render(copil, fmt="pptx"))
    by_code = {row[0]: row for row in rows if re.fullmatch(r"\d+\.\d+", row[0])}
    assert len(bilan.indicators) == 24
    for line in bilan.indicators:
        row = by_code[line.result.code]
        assert row[1] == line.result.label
        assert row[2 : 2 + len(bilan.years)] == line.display_by_year  # the trend, year by year
        assert row[-3] == line.display, line.result.code
        assert row[-1] == line.status, line.result.code
    # Not only « non renseigné »: the demo journal gives values that must match too.
    counted = [line for line in bilan.indicators if line.display not in ("non renseigné", "—")]
    assert counted, "the demo journal should give some indicator a value"


def test_pptx_shows_the_territory_in_four_figures_with_source_and_vintage(demo_journal, copil):
    report = diagnostic_build(territory=demo_journal, today=TODAY)
    _rows, texts = _pptx(copil_render(copil, fmt="pptx"))
    joined = "\n".join(texts)
    population = report.diag.figure("population_ctg")
    assert "24\u202f882 habitants" in joined
    assert population.label in joined
    assert f"Source : {population.source} ; millésime : {population.vintage}." in joined
    assert report.childcare_rate.label in joined
    assert "Décisions à prendre" in joined
    assert "• Ouvrir une permanence" in joined and "• Recruter" in joined
    assert "exemple fictif" in joined  # the bilan's warning about the demo journal


def test_zones_blanches_read_non_calculable_with_the_diagnostic_reason(demo_journal, copil):
    report = diagnostic_build(territory=demo_journal, today=TODAY)
    rows, _texts = _pptx(copil_render(copil, fmt="pptx"))
    results = {row[0]: row[1] for row in rows if len(row) == 2}
    for theme in report.access.themes:
        white = theme.white
        assert white is not None
        if not white.validity.computable:  # Armentières: too little of the offer is located
            assert results[theme.theme_label] == f"Non calculable : {white.validity.reason}"
        else:
            assert results[theme.theme_label].startswith(f"{len(white.zones)} zone(s)")


def test_pdf_has_the_same_text_as_the_slides(copil):
    data = copil_render(copil, fmt="pdf")
    assert data.startswith(b"%PDF")
    text = _squash(_pdf_text(data))
    slides = copil_slides(copil)
    for slide in slides:
        for item in slide.texts:
            assert _squash(item) in text, item
    pages = subprocess.run(
        ["pdfinfo", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert f"Pages:{len(slides)}" in _squash(pages)  # one landscape page per slide
    assert "960" in pages and "540" in pages  # 16:9, as the PowerPoint


def test_pptx_and_pdf_say_the_same_words(copil):
    _rows, texts = _pptx(copil_render(copil, fmt="pptx"))
    cells = [c for row in _rows for c in row]
    pdf = _squash(_pdf_text(copil_render(copil, fmt="pdf")))
    paragraphs = [p for t in texts for p in t.split("\n")]
    assert len(paragraphs) > 40
    for item in [*paragraphs, *cells]:
        assert _squash(item.removeprefix("• ")) in pdf, item


def test_the_command_writes_the_deck_and_refuses_in_french(demo_journal, tmp_path):
    from maillage.cli import main

    runner = CliRunner()
    out = tmp_path / "copil.pptx"
    result = runner.invoke(
        main, ["report", "copil", "--territory", "armentieres", "--year", "2024", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"
    assert "24 indicateurs" in result.output
    result = runner.invoke(main, ["report", "copil", "--territory", "nulle-part"])
    assert result.exit_code == 1 and "nulle-part" in result.output
    result = runner.invoke(
        main, ["report", "copil", "--territory", "armentieres", "--comite", "999"]
    )
    assert result.exit_code == 1
    assert "Comité de pilotage n° 999 introuvable" in result.output
    result = runner.invoke(main, ["report", "copil", "--help"])
    assert "[pptx|pdf]" in result.output


def test_a_territory_without_a_plan_gets_a_french_message(fictif):
    from maillage.plan.bilan import BilanError

    with pytest.raises(BilanError) as exc:
        copil_build(territory=fictif.territory, today=TODAY)
    assert str(exc.value) == (
        f"Le territoire « {fictif.territory.slug} » n'a pas de plan d'action CTG chargé."
    )


def test_computable_zones_blanches_read_their_count_and_population(copil):
    from dataclasses import replace

    from maillage.plan.copil import WhiteZoneLine

    lines = [
        WhiteZoneLine("Petite enfance", "enfants de moins de 3 ans", True, 3, 1234.0, ""),
        WhiteZoneLine("Jeunesse", "jeunes de 11 à 17 ans", True, 2, None, ""),
    ]
    slide = next(
        s for s in copil_slides(replace(copil, white_zones=lines)) if s.title == "Zones blanches"
    )
    assert slide.table.rows == [
        ["Petite enfance", "3 zone(s) blanche(s), 1\u202f234 enfants de moins de 3 ans concernés"],
        ["Jeunesse", "2 zone(s) blanche(s), population concernée inconnue"],
    ]
