"""The « Déclaration d'accessibilité » (RGAA 4.1.2 model): linked from every footer, honest state
of conformity, the contact setting, the Défenseur des droits recourse."""

from __future__ import annotations

import pytest
from django.test import Client

URL = "/accessibilite/"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/territoire/armentieres/",
        "/territoire/armentieres/annuaire/",
        "/territoire/armentieres/plan/",
        "/territoire/armentieres/diagnostic/",
        "/connexion/",
        "/donnees-personnelles/",
        URL,
    ],
)
def test_every_footer_links_to_the_statement_with_the_state(client, armentieres, path):
    html = client.get(path).content.decode()
    footer = html[html.index("<footer") :]
    assert f'<a href="{URL}">Accessibilité : non conforme</a>' in footer


def test_statement_follows_the_rgaa_model(db):
    html = Client().get(URL).content.decode()
    for heading in (
        "Déclaration d'accessibilité",
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration d'accessibilité",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        assert f">{heading}<" in html, heading
    assert "RGAA), version 4.1.2" in html
    assert "non conforme" in html and "aucun audit" in html
    assert "axe-core" in html and "390 px" in html
    assert "https://formulaire.defenseurdesdroits.fr/" in html
    assert "Libre réponse 71120" in html and "75342 Paris CEDEX 07" in html


def test_contact_comes_from_the_setting(db, settings):
    settings.ACCESSIBILITY_CONTACT = ""
    html = Client().get(URL).content.decode()
    assert "MAILLAGE_ACCESSIBILITY_CONTACT" in html  # says the contact is missing
    settings.ACCESSIBILITY_CONTACT = "accessibilite@example.org"
    html = Client().get(URL).content.decode()
    assert '<a href="mailto:accessibilite@example.org">accessibilite@example.org</a>' in html
    settings.ACCESSIBILITY_CONTACT = "https://ctg.example.org/contact"
    html = Client().get(URL).content.decode()
    assert '<a href="https://ctg.example.org/contact">' in html


def test_a_malformed_contact_setting_is_refused(monkeypatch):
    import subprocess
    import sys

    env = {"MAILLAGE_ACCESSIBILITY_CONTACT": "appelez la mairie", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import maillage.settings"],
        env={**env, "PYTHONPATH": ":".join(sys.path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "MAILLAGE_ACCESSIBILITY_CONTACT doit être" in result.stderr
