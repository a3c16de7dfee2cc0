"""The COPIL in a browser (issue 18): the coordinator records a meeting and a decision, turns
the decision into an échéance, the échéancier shows it, and the next meeting's deck starts with
what became of it. Screenshots at 1280 and 390 px; axe-core on every page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from accounts.roles import make_user
from django.test import Client

from maillage.territory.models import Territory

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/maillage-screenshots")


def _fits(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} : {widths[0]} px pour un écran de {widths[1]} px"


def _shoot(page, name: str, assert_accessible) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _fits(page)
        page.screenshot(path=str(SHOTS / f"copil-{name}-{width}.png"), full_page=True)
        assert_accessible(page)


def test_coordinator_turns_a_copil_decision_into_an_echeance(
    live_data, browser, assert_accessible, tmp_path
):
    from pptx import Presentation

    SHOTS.mkdir(exist_ok=True)
    territory = Territory.objects.get(slug="armentieres")
    client = Client()
    client.force_login(make_user(territory, "coordinator"))
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_data}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    base = f"{live_data}/territoire/armentieres"

    page.goto(f"{base}/copil/")
    page.get_by_role("link", name="Préparer un comité de pilotage").click()
    page.get_by_label("Date").fill("2025-03-14")
    page.get_by_label("Intitulé").fill("COPIL de printemps")
    page.get_by_label("Participants").fill("Ville d'Armentières\nCAF du Nord")
    page.get_by_label("Ordre du jour").fill("Bilan 2024\nZones blanches")
    _shoot(page, "nouveau", assert_accessible)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/copil/\d+/$"))
    meeting_url = page.url

    page.get_by_role("textbox", name="Décision").fill("Ouvrir une permanence au Bizet")
    page.get_by_label("Qui la porte").fill("CCAS")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_role("heading", name="Ouvrir une permanence au Bizet").wait_for()
    page.get_by_label("Échéance de l'étape").fill("2025-09-30")
    page.get_by_role("button", name="Transformer en échéance").click()
    page.get_by_text("La décision est une étape de l'échéancier, pour le 30/09/2025.").wait_for()
    assert page.get_by_role("button", name="Transformer en échéance").count() == 0
    _shoot(page, "comite", assert_accessible)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="« Ouvrir une permanence au Bizet »").click()
    step = page.locator("li.step", has_text="Ouvrir une permanence au Bizet")
    assert "30/09/2025" in step.inner_text() and "CCAS" in step.inner_text()
    assert step.get_by_role("link", name="Décision du comité de pilotage").count() == 1
    _shoot(page, "echeancier", assert_accessible)

    # The next COPIL's deck starts with what became of the decision.
    page.goto(f"{base}/copil/nouveau/")
    page.get_by_label("Date").fill("2025-12-05")
    page.get_by_label("Intitulé").fill("COPIL d'automne")
    page.get_by_label("Décisions à prendre").fill("Valider le plan 2026")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/copil/\d+/$"))
    assert page.url != meeting_url
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger le diaporama (PPTX)").click()
    download = info.value
    assert download.suggested_filename == "copil-armentieres-2025-12-05.pptx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    deck = Presentation(io.BytesIO(path.read_bytes()))
    second = [s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame]
    assert second[0] == "Suites des décisions du dernier COPIL"
    table = next(s.table for s in deck.slides[1].shapes if s.has_table)
    row = [c.text for c in table.rows[1].cells]
    # 30/09/2025 is past: the open step reads late.
    assert row[0] == "Ouvrir une permanence au Bizet" and row[-1] == "prévu (en retard)"

    page.goto(f"{base}/copil/")
    _shoot(page, "liste", assert_accessible)
    page.goto(f"{base}/bilan/")
    _shoot(page, "bilan", assert_accessible)
    context.close()
