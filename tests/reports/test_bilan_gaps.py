"""The bilan's « Les actions et les manques qu'elles comblent »: the same before/after as the
COPIL deck (one computation, :func:`maillage.plan.gaps.gap_effects`), printed in the PDF, DOCX
and XLSX; « non calculable » with its reason on Armentières, never 0."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from maillage.plan import gaps
from maillage.plan.bilan_build import bilan_build
from maillage.plan.models import Activity, ActivityKind, Axis, Convention
from maillage.reports.bilan import bilan_render, fr_number
from maillage.territory.selectors import territory_zones

from .conftest import TODAY


def _activity(territory, title: str) -> Activity:
    kind = ActivityKind.objects.order_by("pk").first() or ActivityKind.objects.create(
        slug="permanence", name="permanence"
    )
    return Activity.objects.create(
        territory=territory, date=dt.date(2025, 5, 6), kind=kind, title=title
    )


def _docx_rows(data: bytes) -> list[list[str]]:
    from docx import Document

    return [
        [c.text for c in row.cells]
        for table in Document(io.BytesIO(data)).tables
        for row in table.rows
    ]


def _xlsx_rows(data: bytes, sheet: str) -> list[list[object]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


@pytest.fixture
def fictif_linked(fictif):
    """The synthetic territory with a plan (*exemple fictif*), every crèche located, and an
    activity linked to a zone blanche « vie sociale » and to the QPV."""
    from maillage.territory.services import territory_touch

    territory = fictif.territory
    convention = Convention.objects.create(
        territory=territory, title="CTG (exemple fictif)", period_start=2024, period_end=2027
    )
    Axis.objects.create(convention=convention, number=1, title="Accès aux droits")
    fictif.structures["a_localiser"].delete()
    territory_touch(territory=territory)
    from maillage.diagnostic.selectors import diagnostic_build

    report = diagnostic_build(territory=territory, today=TODAY)
    theme = next(t for t in report.access.themes if t.theme == "vie-sociale")
    assert theme.white is not None and theme.white.validity.computable and theme.white.zones
    code = theme.white.zones[0].zones[0]
    zone = next(z for z in territory_zones(territory=territory) if z.code == code)
    act = _activity(territory, "Animation de rue (exemple fictif)")
    gaps.gap_link_add(activity=act, kind="zone_blanche", theme="vie-sociale", zone_id=zone.pk)
    gaps.gap_link_add(activity=act, kind="qpv", zone_id=fictif.qpv.pk)
    expected = sum(w.population for w in theme.white.zones if code in w.zones)
    return territory, act, expected


def test_fictif_bilan_carries_the_decks_before_after(fictif_linked):
    from maillage.plan.copil import copil_build

    territory, act, expected = fictif_linked
    copil = copil_build(territory=territory, today=TODAY, keep_snapshot=False)
    bilan = bilan_build(territory=territory, today=TODAY)
    assert bilan.gap_effects == copil.gap_effects  # the deck's figures, the same function
    zone_effect = next(g for g in bilan.gap_effects if g.label.startswith("Zone blanche"))
    assert zone_effect.before == pytest.approx(expected) and expected > 0

    docx_rows = _docx_rows(bilan_render(bilan, fmt="docx"))
    assert ["Action", "Manque", "Avant", "Après"] in docx_rows
    zone_row = next(r for r in docx_rows if r[1].startswith("Zone blanche ") and r[0])
    assert act.title in zone_row[0] and zone_row[2] == fr_number(expected)
    qpv_row = next(r for r in docx_rows if r[1].startswith("QPV ") and act.title in r[0])
    assert qpv_row[2] == "pas de chiffre avant/après pour ce type de manque"

    sheet = _xlsx_rows(bilan_render(bilan, fmt="xlsx"), "Manques")
    assert sheet[0] == ["Action", "Manque", "Avant", "Après"]
    xlsx_zone = next(r for r in sheet if str(r[1]).startswith("Zone blanche"))
    assert xlsx_zone[2] == pytest.approx(expected)  # a number in the spreadsheet


def test_armentieres_bilan_says_non_calculable_never_0(armentieres):
    from maillage.diagnostic.selectors import diagnostic_build

    act = _activity(armentieres, "Permanence petite enfance au Bizet (test)")
    iris = next(z for z in territory_zones(territory=armentieres) if z.kind == "iris")
    gaps.gap_link_add(activity=act, kind="zone_blanche", theme="petite-enfance", zone_id=iris.pk)
    bilan = bilan_build(territory=armentieres, year=2025, today=TODAY)
    report = diagnostic_build(territory=armentieres, today=TODAY)
    theme = next(t for t in report.access.themes if t.theme == "petite-enfance")
    assert not theme.white.validity.computable  # no structure of the CTG has a position
    (effect,) = bilan.gap_effects
    assert effect.before is None and effect.reason == theme.white.validity.reason

    rows = _docx_rows(bilan_render(bilan, fmt="docx"))
    (row,) = [r for r in rows if r[1].startswith("Zone blanche")]
    assert row[2] == f"non calculable : {theme.white.validity.reason}"
    assert row[3] == "non calculable"
    sheet = _xlsx_rows(bilan_render(bilan, fmt="xlsx"), "Manques")
    (cells,) = [r for r in sheet if str(r[1]).startswith("Zone blanche")]
    assert cells[2] == row[2] and cells[3] == "non calculable"


def test_a_bilan_without_links_builds_no_diagnostic(armentieres, monkeypatch):
    import maillage.diagnostic.selectors as selectors

    def refuse(**kwargs):  # noqa: ANN003, ANN202
        raise AssertionError("diagnostic built for a bilan with no linked gap")

    monkeypatch.setattr(selectors, "diagnostic_build", refuse)
    bilan = bilan_build(territory=armentieres, year=2025, today=TODAY)
    assert bilan.gap_effects == []
    assert (
        "Manques"
        not in __import__("openpyxl")
        .load_workbook(io.BytesIO(bilan_render(bilan, fmt="xlsx")))
        .sheetnames
    )
