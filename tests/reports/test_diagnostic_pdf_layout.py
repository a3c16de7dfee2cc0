"""The diagnostic PDF's tables stay legible: no header cell runs into its neighbour.

Seen in issue 20: « Enfants de moins de 3 ans (estimés) » was set on one line
(``white-space: nowrap`` on numeric headers) in a fixed-width column and spilled over
« Places pour 100 enfants » (« (estimés)Places »); « Lieux (annuaire) » over « Places
(annuaire) ». The check reads the words' boxes from ``pdftotext -bbox``: two words of one
line must not overlap, and ``pdftotext -layout`` must keep the header words apart.
"""

from __future__ import annotations

import re
import subprocess
from xml.etree import ElementTree

import pytest
from web_diagnostic.conftest import childcare_located  # noqa: F401  (fixture)

from maillage.diagnostic.selectors import diagnostic_build
from maillage.reports.diagnostic import diagnostic_render

pytestmark = pytest.mark.django_db


def _overlapping_words(pdf: str) -> list[tuple[int, str, str]]:
    """(page, word, next word) for each pair of words on one line whose boxes overlap."""
    xml = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, check=True)
    root = ElementTree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", xml.stdout))
    found = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), 1):
        words = [
            (
                float(w.get("xMin")),
                float(w.get("xMax")),
                float(w.get("yMin")),
                float(w.get("yMax")),
                w.text or "",
            )
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        ]
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                same_line = min(a[3], b[3]) - max(a[2], b[2]) > 0.5 * (a[3] - a[2])
                overlap = min(a[1], b[1]) - max(a[0], b[0])
                if same_line and overlap > 0.5:
                    found.append((number, a[4], b[4]))
    return found


def _layout(pdf: str) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, check=True, text=True
    ).stdout


def test_table_headers_do_not_run_together(armentieres, childcare_located, tmp_path):  # noqa: F811
    report = diagnostic_build(territory=armentieres)
    assert (
        report.access.coverage.validity.computable
    )  # the « places pour 100 enfants » table is printed
    pdf = tmp_path / "diagnostic.pdf"
    pdf.write_bytes(diagnostic_render(report, fmt="pdf"))
    assert _overlapping_words(str(pdf)) == []
    text = _layout(str(pdf))
    assert "Places pour 100" in text and "(annuaire)" in text
    assert not re.search(r"\)(Places|Lieux|État|Zones|Population)", text)
