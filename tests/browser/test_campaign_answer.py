"""Issue 15 « Partners complete their own fiche » (Playwright, offline): the coordinator launches
an update campaign from the page; a partner opens the link of the e-mail (no account, no
login), enters the opening hours with the editor widget (days × ranges, holidays closed) and a
phone number, sends; the changes wait for validation (nothing public changes) and the campaign
page counts the answer. Pages checked with axe-core and at 390 px without horizontal scroll.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from accounts.roles import make_user, organisations
from django.core import mail
from django.test import Client

from maillage.accounts.models import PendingChange
from maillage.directory.models import Structure
from maillage.territory.models import Territory

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/maillage-screenshots")  # for a person to look at; not asserted
HOURS = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"


def _logged_in(browser, live_data, user, width):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_data}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _no_overflow(page, what):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{what} : page de {widths[0]} px pour {widths[1]} px"


def test_a_partner_answers_a_campaign_and_the_changes_wait(
    live_data, browser, settings, assert_accessible
):
    settings.SITE_URL = live_data  # the links of the e-mails point at this server
    SHOTS.mkdir(exist_ok=True)
    territory = Territory.objects.get(slug="armentieres")
    orgs = organisations(territory)
    coordinator = make_user(territory, "coordinator")
    partner = make_user(territory, "partner", orgs.a)
    place = orgs.structure_a
    published = Structure.objects.get(pk=place.pk)

    # The coordinator launches the campaign for every organisation (all checked by default).
    context, page = _logged_in(browser, live_data, coordinator, 1280)
    page.goto(live_data + "/territoire/armentieres/espace/campagnes/")
    page.screenshot(path=str(SHOTS / "campagnes-1280.png"), full_page=True)
    assert_accessible(page)
    page.get_by_label("Titre de la campagne").fill("Mise à jour de l'annuaire (exemple fictif)")
    page.get_by_role("button", name="Lancer la campagne").click()
    page.wait_for_url(re.compile(r".*/espace/campagnes/\d+/$"))
    campaign_url = page.url
    assert page.get_by_text("Campagne lancée").is_visible()

    # The partner's e-mail carries a link on the configured site.
    body = next(m.body for m in mail.outbox if partner.email in m.to)
    link = re.search(re.escape(live_data) + r"/campagne/[^/\s]+/", body).group(0)

    # The partner, not logged in, answers on a phone-sized screen.
    partner_context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    form = partner_context.new_page()
    form.set_default_timeout(15_000)
    form.goto(link)
    form.get_by_label("Votre nom et votre fonction").fill("Claire Martin, directrice")
    section = form.locator("section.campaign-place", has_text=place.name).first
    editor = section.locator(".oh-editor").first
    editor.wait_for(state="visible")  # the widget replaced nothing: the text field stays
    monday = editor.locator("[data-oh-day='Mo']")
    monday.get_by_role("button", name="Ajouter une plage le lundi").click()
    monday.get_by_label("Lundi, plage 1 : début").fill("09:00")
    monday.get_by_label("Lundi, plage 1 : fin").fill("12:00")
    monday.get_by_role("button", name="Ajouter une plage le lundi").click()
    monday.get_by_label("Lundi, plage 2 : début").fill("14:00")
    monday.get_by_label("Lundi, plage 2 : fin").fill("17:00")
    editor.get_by_role("button", name=re.compile("Copier le lundi")).click()
    saturday = editor.locator("[data-oh-day='Sa']")
    saturday.get_by_role("button", name="Ajouter une plage le samedi").click()
    saturday.get_by_label("Samedi, plage 1 : début").fill("09:00")
    saturday.get_by_label("Samedi, plage 1 : fin").fill("12:00")
    editor.get_by_label("fermé les jours fériés").check()
    raw = section.get_by_label("horaires d'ouverture")
    assert raw.input_value() == HOURS
    section.get_by_label("téléphone").fill("03 20 77 00 00")
    form.screenshot(path=str(SHOTS / "campagne-reponse-390.png"), full_page=True)
    _no_overflow(form, "formulaire de campagne")
    assert_accessible(form)
    form.get_by_role("button", name="Envoyer mes mises à jour").click()
    form.get_by_text("Merci !").wait_for()

    # The changes wait for the coordinator's validation: nothing public changed.
    change = PendingChange.objects.get(object_id=str(place.pk), status="pending")
    assert change.changes == {"opening_hours": HOURS, "phone": "03 20 77 00 00"}
    now = Structure.objects.get(pk=place.pk)
    assert (now.opening_hours, now.phone) == (published.opening_hours, published.phone)
    partner_context.close()

    # The campaign page counts the answer and its change waiting for validation.
    page.goto(campaign_url)
    assert page.locator("[data-count='answered']").inner_text() == "1"
    assert page.locator("[data-count='waiting']").inner_text() == "1"
    row = page.locator("tr", has_text=orgs.a.name)
    assert row.get_by_text("a répondu").is_visible()
    assert row.get_by_role("link", name=change.object_repr).is_visible()
    page.screenshot(path=str(SHOTS / "campagne-suivi-1280.png"), full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "campagne-suivi-390.png"), full_page=True)
    _no_overflow(page, "page de la campagne")
    context.close()
