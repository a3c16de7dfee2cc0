"""The browser suite's security guard, the CSP in a real Chromium, and a map's error state."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_guard_records_a_csp_violation_and_a_dialog(live_data, page, security_guard):
    """The harness itself: an injected inline handler is blocked and reported; a dialog too."""
    page.goto(live_data + "/territoire/armentieres/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"alert(1)\">')"
    )
    page.wait_for_function("window.__maillageCsp.length > 0")
    page.evaluate("alert('boîte ouverte par le test')")  # devtools evaluation: not subject to CSP
    events = security_guard.take()
    assert any(e.startswith("CSP : script-src") for e in events), events
    assert any("boîte de dialogue alert « boîte ouverte par le test »" in e for e in events)
    assert not any("« 1 »" in e for e in events), "le gestionnaire injecté s'est exécuté"
    page.wait_for_timeout(300)
    security_guard.take()  # the same violation, also logged to the console, may come late


def test_a_map_whose_data_cannot_be_fetched_says_so_in_french(live_data, page):
    page.route("**/*.geojson*", lambda route: route.fulfill(status=500, body="erreur"))
    page.goto(live_data + "/territoire/armentieres/")
    error = page.locator(".map .map-error")
    error.wait_for()
    assert error.get_attribute("role") == "alert"
    assert "La carte n'a pas pu être chargée" in error.inner_text()


def test_api_documentation_runs_under_the_policy(live_data, page):
    page.goto(live_data + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")


def test_pages_not_visited_elsewhere_run_under_the_policy(live_data, browser):
    """Plan, diagnostic, network and account pages as a coordinator and a Django admin: every
    script, style, image and request they make is allowed (the guard fails the test if not)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from maillage.accounts.services import membership_set
    from maillage.plan.models import Indicator
    from maillage.territory.models import Territory

    territory = Territory.objects.get(slug="armentieres")
    user = get_user_model().objects.create_user(
        "cdc-admin", password="x-Secret-42", is_staff=True, is_superuser=True
    )
    membership_set(user=user, territory=territory, role="coordinator")
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_data}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    indicator = Indicator.objects.filter(axis__convention__territory=territory).first()
    t = "/territoire/armentieres"
    paths = [
        f"{t}/sources/",
        f"{t}/parcours/",
        f"{t}/plan/",
        f"{t}/indicateurs/",
        f"{t}/echeancier/",
        f"{t}/bilan/",
        f"{t}/diagnostic/qualite/",
        f"{t}/diagnostic/scenarios/",
        f"{t}/espace/groupes/",
        f"{t}/espace/structures/nouvelle/",
        "/espace/jetons/",
        "/admin/",
        "/admin/directory/structure/",
    ]
    if indicator is not None:
        paths.append(f"{t}/indicateurs/{indicator.pk}/")
    try:
        for path in paths:
            response = page.goto(live_data + path)
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
