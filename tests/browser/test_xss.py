"""Stored XSS: payloads in every text a partner can write are shown as text, on every page and map.

The payload classes of issue 12: tags with event handlers (``<img onerror>``, ``<svg onload>``),
an attribute break-out, ``javascript:`` and ``data:`` URLs, a ``<script>`` and an entity-encoded
tag (a double-decoding sink would turn it into markup). Every dialog and every CSP violation fails
the test (``security_guard``, see conftest). Names with markup are refused by validation since
issue 12; the names here are written with the ORM, as data stored before that rule (or by a
path that would forget it), to check that the pages and maps still render them as text.
"""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "Tilleul-Ecluse-47-Brique"
TOKEN = "zxqv"  # a search token found in no real record
P_IMG = '<img src=x onerror=alert("img")>'
P_SVG = '<svg onload=alert("svg")>'
P_ATTR = '" onmouseover="alert(\'attr\')" x="'
P_JS = 'javascript:alert("js")'
P_DATA = 'data:text/html,<script>alert("data")</script>'
P_SCRIPT = '<script>alert("script")</script>'
P_ENTITY = '&lt;img src=x onerror=alert("entity")&gt;'

NAME = f"{TOKEN} exemple fictif {P_IMG} {P_SVG} {P_ATTR} {P_ENTITY}"
UNLOCATED_NAME = f"{TOKEN} à localiser, exemple fictif {P_IMG} {P_ATTR}"
DRAFT_NAME = f"{TOKEN} brouillon, exemple fictif {P_SVG} {P_SCRIPT}"
SERVICE_NAME = f"{TOKEN} service fictif {P_IMG} {P_ATTR}"
DESCRIPTION = f"Exemple fictif. {P_SCRIPT} {P_IMG} {P_JS} {P_DATA} {P_ENTITY}"
ADDRESS = f"1 rue fictive {P_SVG} {P_ATTR}"
ACTIVITY_TITLE = f"{TOKEN} activité fictive {P_IMG} {P_SVG} {P_ATTR}"
TOOLBOX_TITLE = f"{TOKEN} outil fictif {P_IMG} {P_ATTR}"

OPEN_TOOLTIPS = """(sel) => {
  const el = document.querySelector(sel);
  const map = el && el._maillageMap;
  if (!map) { return null; }
  const texts = [];
  map.eachLayer((l) => {
    if (l.getTooltip && l.getTooltip()) {
      l.openTooltip();
      texts.push(l.getTooltip().getElement().textContent);
      l.closeTooltip();
    }
  });
  return texts;
}"""


def _users():
    from django.contrib.auth import get_user_model

    from maillage.accounts.services import membership_set
    from maillage.directory.models import Organisation
    from maillage.territory.models import Territory

    territory = Territory.objects.get(slug="armentieres")
    org = Organisation.objects.create(slug="org-fictive-xss", name="Organisation fictive")
    users = {}
    for role, email in (("coordinator", "cdc@example.org"), ("partner", "partner@example.org")):
        user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
        membership_set(
            user=user,
            territory=territory,
            role=role,
            organisation=org if role == "partner" else None,
        )
        users[role] = user
    return territory, org, users


def _force_name(obj, name: str) -> None:
    """Store ``name`` as it is (no validation), then refresh what is derived from it."""
    from maillage.directory.search_text import refresh_search_text
    from maillage.territory.services import territory_touch

    type(obj).objects.filter(pk=obj.pk).update(name=name)
    obj.refresh_from_db()
    structure = getattr(obj, "structure", obj)
    structure.refresh_from_db()
    refresh_search_text(structure)
    territory_touch(territory=structure.territory)


def _data():
    from maillage.directory.models import Structure
    from maillage.directory.services import service_create, structure_create
    from maillage.network.services import toolbox_add
    from maillage.plan.models import ActivityKind, Axis
    from maillage.plan.services import activity_record

    territory, org, users = _users()
    # A real position of the dataset (a located crèche), so the fictitious fiche is on the map.
    near = (
        Structure.objects.filter(territory=territory, x_l93__isnull=False)
        .exclude(lat=None)
        .order_by("pk")
        .first()
    )
    located = structure_create(
        territory=territory,
        name=f"{TOKEN} exemple fictif",
        organisation=org,
        typology="eaje-multi-accueil",
        description=DESCRIPTION,
        address=ADDRESS,
        lon=near.lon,
        lat=near.lat,
        note=f"Exemple fictif {P_SVG}",
    )
    _force_name(located, NAME)
    service = service_create(
        structure=located,
        name=f"{TOKEN} service fictif",
        description=DESCRIPTION,
        conditions_acces=f"Exemple fictif {P_IMG}",
        capacity=12,
    )
    _force_name(service, SERVICE_NAME)
    unlocated = structure_create(
        territory=territory, name=f"{TOKEN} à localiser", organisation=org, address=ADDRESS
    )
    _force_name(unlocated, UNLOCATED_NAME)
    draft = structure_create(
        territory=territory,
        name=f"{TOKEN} brouillon",
        organisation=org,
        description=DESCRIPTION,
        lon=near.lon,
        lat=near.lat,
        published=False,
        user=users["partner"],
    )
    _force_name(draft, DRAFT_NAME)
    activity = activity_record(
        territory=territory,
        date=dt.date(2024, 3, 12),
        kind=ActivityKind.objects.order_by("order", "name").first(),
        title=ACTIVITY_TITLE,
        description=DESCRIPTION,
        axes=[Axis.objects.filter(convention__territory=territory).order_by("pk").first()],
        partners=[f"Partenaire fictif {P_SVG}"],
        publics=f"Public fictif {P_ATTR}",
        lon=near.lon,
        lat=near.lat,
        validated=True,
        is_fictional=True,
        author=users["partner"],
    )
    toolbox_add(
        territory=territory,
        user=users["partner"],
        title=TOOLBOX_TITLE,
        audience="professionnels",
        theme="petite-enfance",
        description=DESCRIPTION,
        url="https://example.org/outil-fictif",
    )
    return {
        "located": located,
        "service": service,
        "unlocated": unlocated,
        "draft": draft,
        "activity": activity,
        **users,
    }


def _login(browser, base: str, email: str, viewport=None):
    context = browser.new_context(
        locale="fr-FR", viewport=viewport or {"width": 1100, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/connexion/")
    page.get_by_label("Adresse électronique ou identifiant").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")
    return context, page


def _tooltips(page, selector: str) -> list[str]:
    page.wait_for_selector(f"{selector} .leaflet-interactive")
    page.wait_for_function(
        "(sel) => { const el = document.querySelector(sel); return el && el._maillageMap; }",
        arg=selector,
    )
    texts = page.evaluate(OPEN_TOOLTIPS, selector)
    assert texts is not None, f"{selector} : carte sans référence _maillageMap"
    return texts


def _text(page) -> str:
    return page.locator("main").inner_text()


def test_payloads_in_partner_texts_are_shown_as_text_everywhere(live_data, browser, security_guard):
    d = _data()
    base = live_data
    t = "/territoire/armentieres"
    s = d["located"]

    context = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        # Structure page: texts, then the marker's hover tooltip on the mini-map.
        page.goto(f"{base}{t}/structures/{s.pk}/")
        assert page.locator("h1").inner_text() == NAME
        main = _text(page)
        for text in (ADDRESS, SERVICE_NAME, P_SCRIPT, P_JS, P_DATA, P_ENTITY):
            assert text in main
        page.wait_for_selector("#carte-structure .leaflet-interactive")
        # The map's zoom or pan animation over (a locator: no string evaluated under the CSP).
        page.locator(
            "#carte-structure.leaflet-zoom-anim, #carte-structure.leaflet-pan-anim"
        ).wait_for(state="detached")
        page.locator("#carte-structure").scroll_into_view_if_needed()
        box = page.locator("#carte-structure").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("#carte-structure .leaflet-tooltip")
        assert page.locator("#carte-structure .leaflet-tooltip").inner_text() == NAME
        assert (
            page.locator(
                "#carte-structure .leaflet-tooltip img, #carte-structure .leaflet-tooltip svg"
            ).count()
            == 0
        )
        assert security_guard.take() == []

        # Directory search: the list, then the marker's popup.
        page.goto(f"{base}{t}/annuaire/?q={TOKEN}")
        names = page.locator("#resultats .result h3").all_inner_texts()
        assert NAME in names and UNLOCATED_NAME in names and DRAFT_NAME not in names
        page.wait_for_selector("#carte-resultats .leaflet-interactive")
        page.locator(f"#structure-{s.pk} [data-show-on-map]").click()
        popup = page.locator("#carte-resultats .leaflet-popup-content a")
        popup.wait_for()
        assert popup.inner_text() == NAME
        assert page.locator("#carte-resultats .leaflet-popup-content img").count() == 0
        _tooltips(page, "#carte-resultats")  # the zones' tooltips open without a dialog

        # Unlocated structure page, professional directory, the journal and its map.
        page.goto(f"{base}{t}/structures/{d['unlocated'].pk}/")
        assert page.locator("h1").inner_text() == UNLOCATED_NAME
        page.goto(f"{base}{t}/pro/annuaire/?q={TOKEN}")
        assert NAME in _text(page)
        page.goto(f"{base}{t}/journal/")
        assert ACTIVITY_TITLE in _text(page)
        # A fictitious activity's title is prefixed « [exemple fictif] » on the map.
        assert f"[exemple fictif] {ACTIVITY_TITLE}" in _tooltips(page, "#carte-journal")
        page.goto(f"{base}{t}/journal/{d['activity'].pk}/")
        assert ACTIVITY_TITLE in _text(page) and P_SCRIPT in _text(page)
        page.goto(f"{base}{t}/boite-a-outils/")
        assert TOOLBOX_TITLE in _text(page)
        page.goto(f"{base}{t}/")
        _tooltips(page, ".map[data-geojson]")
        assert security_guard.take() == []
    finally:
        context.close()

    # The partner's space: its fiches and its draft, listed and opened in their forms.
    context, page = _login(browser, base, "partner@example.org")
    try:
        page.goto(f"{base}{t}/espace/")
        assert DRAFT_NAME in _text(page) and NAME in _text(page)
        for structure, name in ((d["draft"], DRAFT_NAME), (s, NAME)):
            page.goto(f"{base}{t}/espace/structures/{structure.pk}/modifier/")
            assert page.locator("input[name=name]").input_value() == name
        page.goto(f"{base}{t}/espace/services/{d['service'].pk}/modifier/")
        assert page.locator("input[name=name]").input_value() == SERVICE_NAME
    finally:
        context.close()

    # The coordinator opens the draft and the quality page (placing the unlocated structure).
    context, page = _login(browser, base, "cdc@example.org")
    try:
        page.goto(f"{base}{t}/espace/")
        assert DRAFT_NAME in _text(page)
        page.goto(f"{base}{t}/structures/{d['draft'].pk}/")
        assert DRAFT_NAME in _tooltips(page, "#carte-structure")
        page.goto(f"{base}{t}/qualite/")
        assert UNLOCATED_NAME in _text(page)
        page.wait_for_selector("#carte-placement .leaflet-interactive")
        form = page.locator(f"#placer-{d['unlocated'].pk}")
        form.get_by_role("button", name="Placer sur la carte").click()
        assert page.locator("#placement-courant").inner_text() == UNLOCATED_NAME
        page.locator("#carte-placement").scroll_into_view_if_needed()
        box = page.locator("#carte-placement").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        marker = page.locator("#carte-placement .leaflet-marker-draggable")
        marker.wait_for()
        assert marker.get_attribute("title") == UNLOCATED_NAME
        page.goto(f"{base}{t}/diagnostic/qualite/")
        page.goto(f"{base}{t}/historique/directory.structure/{s.pk}/")
    finally:
        context.close()

    # Diagnostic maps: the zones map draws childcare sites (our crèche among them).
    context = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{base}{t}/diagnostic/")
        if page.locator(".map[data-diag-map]").count():  # the coverage map, when calculable
            _tooltips(page, ".map[data-diag-map]")
        page.goto(f"{base}{t}/diagnostic/zones/")
        if page.locator("#carte-zones").count():
            assert NAME in _tooltips(page, "#carte-zones")
        else:  # too few places located: « non calculable », with its reason, and no map
            assert "Non calculable" in _text(page)
    finally:
        context.close()
