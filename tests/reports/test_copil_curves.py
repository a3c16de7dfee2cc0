"""The quarter curve of each indicator against its target on the COPIL deck's axis slides:
a picture in the PowerPoint (the indicator page's chart function, PNG), the same image in the PDF;
indicators without a quarter series stay « suivi annuel uniquement »."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from maillage.plan.copil import copil_build
from maillage.reports.copil import copil_render
from maillage.reports.copil_slides import copil_slides, has_quarter_data

from .conftest import TODAY


@pytest.fixture
def copil(demo_journal):
    return copil_build(territory=demo_journal, year=2024, today=TODAY, keep_snapshot=False)


def test_pptx_axis_slides_carry_the_quarter_curve_of_quarterly_indicators(copil):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    # Read from the quarters themselves, not through the deck's own rule (has_quarter_data).
    def shown(s):
        return any(q.value is not None or (q.partial or 0) > 0 for q in s.quarters)

    quarterly = {i for i, s in copil.quarters.items() if s.quarterly and shown(s)}
    empty = {i for i, s in copil.quarters.items() if s.quarterly and not shown(s)}
    yearly = {i for i, s in copil.quarters.items() if not s.quarterly}
    assert quarterly and yearly and empty  # the demo plan has all three
    slides = copil_slides(copil)
    charted = [pk for s in slides for pk, _alt in s.charts]
    # Each quarterly indicator with something to show, once; no yearly one; no curve made of
    # « n.r. » only (an indicator whose quarters are all unknown says nothing as a curve).
    assert sorted(charted) == sorted(quarterly)
    assert not any(has_quarter_data(copil.quarters[pk]) for pk in empty)
    codes = {line.result.indicator_id: line.result.code for line in copil.bilan.indicators}

    deck = Presentation(io.BytesIO(copil_render(copil, fmt="pptx")))
    pictures: dict[str, list[str]] = {}
    for page in deck.slides:
        title = next(s.text_frame.text for s in page.shapes if s.has_text_frame)
        for shape in page.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                descr = shape._element.nvPicPr.cNvPr.get("descr")
                pictures.setdefault(title, []).append(descr)
                assert shape.image.content_type == "image/png"
    curve_slides = {t: d for t, d in pictures.items() if t.startswith("Axe ")}
    assert curve_slides and all("par trimestre" in t for t in curve_slides)
    alts = [a for d in curve_slides.values() for a in d]
    assert len(alts) == len(quarterly)
    for pk in quarterly:
        assert any(f"l'indicateur {codes[pk]} (" in a for a in alts), codes[pk]
    for pk in yearly | empty:
        assert not any(f"l'indicateur {codes[pk]} (" in a for a in alts), codes[pk]
    notes = " ".join(n for s in slides for n in s.notes)
    assert "Suivi annuel uniquement : " in notes


def test_pdf_deck_has_the_same_curves(copil):
    if shutil.which("pdfimages") is None:
        pytest.skip("pdfimages (poppler-utils) absent")
    charted = [pk for s in copil_slides(copil) for pk, _alt in s.charts]
    data = copil_render(copil, fmt="pdf")
    listing = subprocess.run(
        ["pdfimages", "-list", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    images = [line for line in listing.splitlines()[2:] if line.strip()]
    assert len([i for i in images if " image " in i]) >= len(charted) > 0
