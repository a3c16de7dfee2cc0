"""Residents' contributions in a browser: from a public fiche, « Signaler une erreur » is
filled and sent like a person would (after the minimum fill time), from the directory
« Proposer un lieu » likewise; the coordinator's queue shows both. axe-core (WCAG 2.1 A/AA) at
1280 and 390 px, no horizontal scrolling, no CSP violation (the security guard)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "Tilleul-Ecluse-47-Brique"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _fits(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} : {widths[0]} px pour un écran de {widths[1]} px"


def _coordinator() -> None:
    from django.contrib.auth import get_user_model

    from maillage.accounts.services import membership_set
    from maillage.territory.models import Territory

    user = get_user_model().objects.create_user(
        username="cdc-contrib@example.org", email="cdc-contrib@example.org", password=PASSWORD
    )
    membership_set(
        user=user, territory=Territory.objects.get(slug="armentieres"), role="coordinator"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_a_resident_reports_an_error_and_proposes_a_place(
    live_data, browser, assert_accessible, width, tmp_path
):
    from maillage.contributions.forms import MIN_FILL_SECONDS
    from maillage.contributions.models import ResidentReport
    from maillage.directory.models import Structure

    structure = (
        Structure.objects.filter(territory__slug="armentieres", published=True)
        .order_by("pk")
        .first()
    )
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_data}/territoire/armentieres/structures/{structure.pk}/")
    page.get_by_role("link", name="Signaler une erreur sur cette fiche").click()
    page.wait_for_url("**/signaler/")
    assert_accessible(page)
    _fits(page)
    trap = page.get_by_label("Ne remplissez pas ce champ").bounding_box()
    assert trap is not None and trap["x"] + trap["width"] <= 0  # off screen for people
    page.get_by_label("Les horaires").check()
    page.get_by_label("Précisez l'erreur").fill(HOSTILE + " Fermé le mercredi.")
    page.get_by_label("Votre courriel (facultatif)").fill("habitant@example.org")
    page.screenshot(path=str(tmp_path / f"signaler-{width}.png"), full_page=True)
    page.wait_for_timeout(MIN_FILL_SECONDS * 1000 + 500)  # a person takes this long at least
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url("**/contribution-envoyee/")
    assert page.locator("h1").inner_text() == "Merci, votre message est envoyé"
    assert_accessible(page)

    page.get_by_role("link", name="Retour à l'annuaire").click()
    page.get_by_role("link", name="Proposer un lieu").click()
    page.wait_for_url("**/proposer-un-lieu/")
    assert_accessible(page)
    _fits(page)
    page.get_by_label("Nom du lieu").fill("Ludothèque (exemple fictif)")
    page.get_by_label("Adresse").fill("1 rue de l'Exemple fictif, Armentières")
    page.get_by_label("Ce que le lieu propose aux familles").fill("Prêt de jeux le samedi.")
    page.screenshot(path=str(tmp_path / f"proposer-{width}.png"), full_page=True)
    # Sent at once: refused with a message, the text kept, then accepted a moment later.
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.get_by_role("alert").filter(has_text="Envoi trop rapide").wait_for()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / f"proposer-trop-rapide-{width}.png"), full_page=True)
    assert page.get_by_label("Nom du lieu").input_value() == "Ludothèque (exemple fictif)"
    page.wait_for_timeout(MIN_FILL_SECONDS * 1000 + 500)
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url("**/contribution-envoyee/")
    assert sorted(ResidentReport.objects.values_list("kind", flat=True)) == ["error", "place"]

    _coordinator()
    page.goto(live_data + "/connexion/")
    page.get_by_label("Adresse électronique ou identifiant").fill("cdc-contrib@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")
    page.goto(live_data + "/territoire/armentieres/espace/signalements/")
    page.screenshot(path=str(tmp_path / f"file-{width}.png"), full_page=True)
    assert_accessible(page)
    _fits(page)
    page.get_by_role("link", name=structure.name).click()
    page.wait_for_url("**/espace/signalements/*/")
    assert HOSTILE in page.locator(".resident-text").inner_text()  # shown as text
    page.screenshot(path=str(tmp_path / f"signalement-{width}.png"), full_page=True)
    assert_accessible(page)
    _fits(page)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_resident_answers_a_consultation(live_data, browser, assert_accessible, width, tmp_path):
    from django.contrib.auth import get_user_model

    from maillage.contributions import consultations as cons
    from maillage.contributions.forms import MIN_FILL_SECONDS
    from maillage.contributions.models import ConsultationAnswer
    from maillage.territory.models import Territory

    _coordinator()
    territory = Territory.objects.get(slug="armentieres")
    consultation = cons.consultation_create(
        territory=territory,
        user=get_user_model().objects.get(username="cdc-contrib@example.org"),
        title="Accueil du samedi (exemple fictif)",
        questions=[
            {
                "text": "Le samedi matin vous conviendrait-il ?",
                "kind": "single",
                "choices": ["Oui", "Non"],
            },
            {"text": "Quelles activités ?", "kind": "multiple", "choices": ["Jeux", "Lecture"]},
            {"text": "Une idée ?", "kind": "text", "choices": []},
        ],
    )
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_data}/territoire/armentieres/annuaire/")
    page.get_by_role("heading", name="Donnez votre avis").wait_for()
    assert_accessible(page)  # the directory with its invitation
    page.get_by_role("link", name="Accueil du samedi (exemple fictif)").click()
    page.wait_for_url(f"**/concertations/{consultation.pk}/")
    assert_accessible(page)
    _fits(page)
    page.get_by_label("Oui").check()
    page.get_by_label("Jeux").check()
    page.get_by_label("Une idée ?").fill(HOSTILE)
    page.screenshot(path=str(tmp_path / f"concertation-{width}.png"), full_page=True)
    page.wait_for_timeout(MIN_FILL_SECONDS * 1000 + 500)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_url("**/contribution-envoyee/")
    assert ConsultationAnswer.objects.count() == 1
    page.goto(live_data + "/connexion/")
    page.get_by_label("Adresse électronique ou identifiant").fill("cdc-contrib@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")
    for path in ("", f"{consultation.pk}/"):
        page.goto(f"{live_data}/territoire/armentieres/espace/concertations/{path}")
        page.screenshot(
            path=str(tmp_path / f"concertation-coord-{width}-{bool(path)}.png"), full_page=True
        )
        assert_accessible(page)
        _fits(page)
    assert HOSTILE in page.locator(".resident-text").inner_text()
    context.close()
