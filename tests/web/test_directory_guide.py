"""The printable « Guide des lieux ressources » (PDF A4 with a static map and QR codes)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from maillage.directory.models import Structure
from maillage.territory.models import Zone

GUIDE = "/territoire/armentieres/guide.pdf"


def pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext absent (apt-get install poppler-utils)")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode("utf-8").split())


def test_guide_is_a_pdf_with_every_published_structure(client, armentieres):
    response = client.get(GUIDE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Guide des lieux ressources" in text
    for name in ("Crèche municipale", "Collège Jean Rostand", "Médiathèque L'Albatros"):
        assert name in text


def test_guide_by_quartier_keeps_only_its_structures(client, armentieres):
    iris = Zone.objects.filter(kind="iris", structures__territory=armentieres).first()
    inside = set(Structure.objects.filter(zones=iris).values_list("name", flat=True))
    outside = Structure.objects.filter(territory=armentieres, x_l93__isnull=False).exclude(
        zones=iris
    )
    text = pdf_text(client.get(GUIDE, {"quartier": iris.code}).content)
    assert iris.name in text
    for name in inside:
        assert " ".join(name.split()) in text
    assert not any(f" {s.name} " in text for s in outside if not any(s.name in n for n in inside))


def test_guide_by_theme(client, armentieres):
    text = pdf_text(client.get(GUIDE, {"theme": "petite-enfance"}).content)
    assert "Crèche municipale" in text
    assert "Collège Jean Rostand" not in text


@pytest.mark.parametrize("params", [{"quartier": "nulle-part"}, {"theme": "cuisine"}])
def test_guide_refuses_unknown_criteria(client, armentieres, params):
    assert client.get(GUIDE, params).status_code == 404
