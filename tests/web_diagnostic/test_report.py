"""The diagnostic document (PDF and DOCX): seed figures with sources, charts and maps embedded,
the scenario comparison; the CLI and the web downloads."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from click.testing import CliRunner
from django.urls import reverse

from maillage.diagnostic.selectors import diagnostic_build
from maillage.reports.diagnostic import diagnostic_render

SEED_FIGURES = ("24 882", "1 048", "7 410")  # habitants, enfants de 0 à 2 ans, allocataires


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "d.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode().replace("\u202f", " ").replace("\xa0", " ")


def pdf_images(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "d.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True)
    return [line for line in out.stdout.decode().splitlines()[2:] if " image " in line]


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def scenario_report(armentieres, childcare_located, creche_scenario):
    return diagnostic_build(territory=armentieres, scenario=creche_scenario)


def test_pdf_has_the_seed_figures_with_sources_and_embedded_images(report, tmp_path):
    data = diagnostic_render(report, fmt="pdf")
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data, tmp_path).split())
    for figure in SEED_FIGURES:
        assert figure in text

    def squeeze(t: str) -> str:  # table cells wrap lines, and pdftotext drops their hyphens
        return "".join(t.split()).replace("-", "")

    for key in ("population_ctg", "enfants_0_2_ans", "foyers_allocataires"):
        assert squeeze(report.diag.figure(key).source) in squeeze(text)
    images = pdf_images(data, tmp_path)
    # charts (ages, families, places, equipment); no coverage map: with 0 of 175 places
    # located it is « non calculable » (this test counted that empty map before the guard).
    assert len(images) >= 4
    assert "Non calculable" in text and "0 des 175 places déclarées" in text


def test_docx_has_headings_tables_figures_and_images(report):
    from docx import Document

    data = diagnostic_render(report, fmt="docx")
    document = Document(io.BytesIO(data))
    text = docx_text(data)
    for figure in SEED_FIGURES:
        assert figure in text
    assert report.diag.figure("foyers_allocataires").source in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Chiffres clés" in headings and "Zones blanches" in headings
    assert len(document.tables) >= 5
    assert len(document.inline_shapes) >= 4  # no coverage map: « non calculable »
    assert "Non calculable : 0 des 175 places déclarées en petite enfance" in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert [n for n in z.namelist() if n.startswith("word/media/")]


def test_scenario_raises_the_coverage_of_its_iris(scenario_report, creche_scenario):
    zone = scenario_report.scenario.comparison.zone(creche_scenario.iris_code)
    assert zone.after > (zone.before or 0)


def test_scenario_report_shows_before_and_after(scenario_report, creche_scenario, tmp_path):
    s = scenario_report.scenario.comparison
    zone = s.zone(creche_scenario.iris_code)
    expected = [
        f"{zone.after:.2f}".replace(".", ","),  # the IRIS after the new crèche
        f"{s.coverage_before:.1f}".replace(".", ","),  # the territory before…
        f"{s.coverage_after:.1f}".replace(".", ","),  # …and after
    ]
    assert s.coverage_after > s.coverage_before
    for fmt in ("pdf", "docx"):
        data = diagnostic_render(scenario_report, fmt=fmt)
        text = " ".join((pdf_text(data, tmp_path) if fmt == "pdf" else docx_text(data)).split())
        assert creche_scenario.name in text
        assert "Avant" in text and "Après" in text
        for value in expected:
            assert value in text, (fmt, value)
    assert len(pdf_images(diagnostic_render(scenario_report, fmt="pdf"), tmp_path)) >= 7


def test_web_download_of_the_pdf_and_docx(client, armentieres):
    response = client.get(reverse("web:diagnostic-report", args=["armentieres", "docx"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response.content[:2] == b"PK"
    bad = reverse("web:diagnostic-report", args=["armentieres", "exe"])
    assert client.get(bad).status_code == 404
    unknown = reverse("web:diagnostic-report", args=["armentieres", "pdf"]) + "?scenario=abc"
    assert client.get(unknown).status_code == 404


def test_cli_writes_the_docx_and_refuses_an_unknown_scenario(armentieres, tmp_path):
    from maillage.cli import main

    out = tmp_path / "diag.docx"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["report", "diagnostic", "--territory", "armentieres", "--format", "docx", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "1 048" in docx_text(out.read_bytes())
    result = runner.invoke(
        main, ["report", "diagnostic", "--territory", "armentieres", "--scenario", "987654"]
    )
    assert result.exit_code == 1
    assert "introuvable" in result.output


def test_cli_refuses_a_bad_scenario_file_naming_the_field(armentieres, tmp_path):
    from maillage.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: test\nchanges:\n  - action: add\n    name: x\n    places: -4\n")
    result = CliRunner().invoke(
        main,
        [
            "report",
            "diagnostic",
            "--territory",
            "armentieres",
            "--scenario",
            str(bad),
            "-o",
            str(tmp_path / "x.pdf"),
        ],
    )
    assert result.exit_code == 1
    assert "changes[0]" in result.output
    assert not (tmp_path / "x.pdf").exists()
