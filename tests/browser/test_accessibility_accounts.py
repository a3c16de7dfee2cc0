"""axe-core (WCAG 2.1 A/AA) on the partners' space pages, logged in through the real form."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "Tilleul-Ecluse-47-Brique"


def _coordinator():
    from django.contrib.auth import get_user_model

    from maillage.accounts.services import membership_set
    from maillage.territory.models import Territory

    user = get_user_model().objects.create_user(
        username="cdc@example.org", email="cdc@example.org", password=PASSWORD
    )
    membership_set(
        user=user, territory=Territory.objects.get(slug="armentieres"), role="coordinator"
    )
    return user


@pytest.mark.parametrize(
    "path",
    [
        "/connexion/",
        "/mot-de-passe/oubli/",
        "/donnees-personnelles/",
        "/territoire/armentieres/boite-a-outils/",
    ],
)
def test_public_account_pages_have_no_wcag_violation(live_data, page, assert_accessible, path):
    page.goto(live_data + path)
    assert_accessible(page)


def test_partner_space_pages_have_no_wcag_violation(live_data, page, assert_accessible):
    from maillage.accounts.services import api_token_create
    from maillage.directory.models import Structure

    token, _ = api_token_create(user=_coordinator(), name="tableur (exemple fictif)")
    page.goto(live_data + "/connexion/")
    page.get_by_label("Adresse électronique ou identifiant").fill("cdc@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")
    assert_accessible(page)
    structure = Structure.objects.filter(territory__slug="armentieres").order_by("pk").first()
    for path in (
        "/territoire/armentieres/espace/utilisateurs/",
        "/territoire/armentieres/espace/groupes/",
        f"/territoire/armentieres/espace/structures/{structure.pk}/modifier/",
        "/territoire/armentieres/espace/structures/nouvelle/",
        f"/territoire/armentieres/espace/structures/{structure.pk}/services/nouveau/",
        f"/territoire/armentieres/historique/directory.structure/{structure.pk}/",
        "/territoire/armentieres/boite-a-outils/",
        "/espace/jetons/",
        f"/espace/jetons/{token.pk}/revoquer/",
    ):
        page.goto(live_data + path)
        assert_accessible(page)
