"""The one table of renderers: every document format the site and the CLI offer is in it, and
each entry draws its result object."""

from __future__ import annotations

import inspect

import pytest
from click.testing import CliRunner

from maillage.plan.bilan import BilanError
from maillage.reports import bilan as bilan_report
from maillage.reports import diagnostic as diagnostic_report
from maillage.reports import renderers


@pytest.mark.parametrize(
    ("document", "fmt"),
    [(d, f) for d, table in renderers.RENDERERS.items() for f in table],
)
def test_every_renderer_of_the_table_is_importable_and_reports_progress(document, fmt):
    draw = renderers.renderer(document, fmt)
    assert callable(draw), f"{document}/{fmt}: {renderers.RENDERERS[document][fmt]}"
    assert "progress" in inspect.signature(draw).parameters
    assert fmt in renderers.CONTENT_TYPES


def test_the_formats_offered_are_those_of_the_table():
    assert diagnostic_report.FORMATS == ("pdf", "docx")
    assert bilan_report.FORMATS == ("pdf", "docx", "xlsx")
    assert bilan_report.CONTENT_TYPES["xlsx"].endswith("spreadsheetml.sheet")
    assert renderers.renderer("diagnostic", "xlsx") is None
    assert renderers.renderer("inconnu", "pdf") is None


def test_an_unknown_format_is_refused_in_french():
    with pytest.raises(diagnostic_report.DiagnosticError, match="Format « odt » inconnu"):
        diagnostic_report.diagnostic_render(object(), fmt="odt")  # type: ignore[arg-type]
    with pytest.raises(BilanError, match="Format « odt » inconnu"):
        bilan_report.bilan_render(object(), fmt="odt")  # type: ignore[arg-type]


def test_the_commands_offer_the_formats_of_the_table():
    from maillage.cli import main

    runner = CliRunner()
    for command, document in (("bilan", "bilan"), ("diagnostic", "diagnostic")):
        result = runner.invoke(main, ["report", command, "--help"])
        assert result.exit_code == 0, result.output
        assert "[" + "|".join(renderers.formats(document)) + "]" in result.output
