"""The printable A4 poster of a fiche (a communication support): its name, address, contacts,
the coming week's hours and a QR code to the fiche online; never for an unpublished place."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from maillage.directory.models import Structure


def pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext absent (apt-get install poppler-utils)")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode("utf-8").split())


def test_the_poster_of_a_fiche_is_an_a4_pdf_with_its_qr_code_and_address(armentieres):
    s = (
        Structure.objects.filter(territory=armentieres, published=True, declared_only=False)
        .exclude(address="")
        .exclude(phone="")
        .order_by("pk")
        .first()
    )
    response = Client().get(reverse("web:structure-poster", args=["armentieres", s.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content).split())  # lines wrap anywhere in an A4 poster
    url = f"http://testserver/territoire/armentieres/structures/{s.pk}/"
    for expected in (s.name, s.address, s.phone, "Scannez le QR code", "Comment venir", url):
        assert "".join(expected.split()) in text, expected
    info = subprocess.run(
        ["pdfinfo", "-"], input=response.content, capture_output=True, check=True, text=False
    ).stdout.decode()
    assert "(A4)" in info and re.search(r"^Pages:\s+1$", info, re.M)  # one A4 page


def test_no_poster_for_an_unpublished_or_unknown_place(armentieres):
    s = Structure.objects.filter(territory=armentieres).order_by("pk").first()
    Structure.objects.filter(pk=s.pk).update(published=False)
    client = Client()
    assert (
        client.get(reverse("web:structure-poster", args=["armentieres", s.pk])).status_code == 404
    )
    assert (
        client.get(reverse("web:structure-poster", args=["armentieres", 999_999])).status_code
        == 404
    )
