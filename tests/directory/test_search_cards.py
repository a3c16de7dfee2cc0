"""Result cards of the search page: rendered without the request's context, cached until the
territory's data change (an edited structure or service shows in the very next search)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.html import escape

from maillage.directory.models import Service, Structure
from maillage.directory.selectors import structure_get, structure_search
from maillage.directory.services import service_create, service_update, structure_update
from maillage.territory.services import territory_touch
from maillage.web.templatetags.directory_cards import DISTANCE_SLOT
from maillage.web.views.directory import CARD_TEMPLATE, result_cards

URL = "/territoire/armentieres/annuaire/"


def _request():
    request = RequestFactory().get(URL)
    request.user = AnonymousUser()
    return request


def test_cards_are_what_the_template_renders_with_the_request(armentieres):
    request = _request()
    hits = structure_search(territory=armentieres, q="creche", limit=20).results
    assert hits
    cards = result_cards(request, armentieres, hits)
    with_request = [
        render_to_string(
            CARD_TEMPLATE, {"territory": armentieres, "hit": h, "s": h.structure}, request=request
        )
        for h in hits
    ]
    assert [str(c) for c in cards] == with_request
    # Served from the cache the second time, identical.
    assert [str(c) for c in result_cards(request, armentieres, hits)] == with_request


def _template_cards(request, territory, hits):
    return [
        render_to_string(
            CARD_TEMPLATE, {"territory": territory, "hit": h, "s": h.structure}, request=request
        )
        for h in hits
    ]


def test_distance_and_services_are_filled_in_each_search(armentieres):
    """One cached rendering per structure serves every search: by distance or not, with one
    subset of its services or another, more than five (« et 2 autres ») or none."""
    located = Structure.objects.filter(
        territory=armentieres, published=True, x_l93__isnull=False
    ).first()
    for i in range(7):
        service_create(
            structure=located, name=f"Atelier n° {i} « Parents & enfants » (exemple fictif)"
        )
    armentieres.refresh_from_db()
    request = _request()
    near = (located.lon + 0.001, located.lat)
    searches = [
        structure_search(territory=armentieres, near=near, limit=20).results,
        structure_search(territory=armentieres, q="atelier", limit=20).results,
        structure_search(territory=armentieres, limit=20).results,
    ]
    for hits in searches:
        assert [str(c) for c in result_cards(request, armentieres, hits)] == _template_cards(
            request, armentieres, hits
        )
    by_distance = result_cards(request, armentieres, searches[0])
    card = next(c for c in by_distance if f'id="structure-{located.pk}"' in c)
    assert " · à " in card and " m</p>" in card  # the distance, at the end of the meta line
    assert "et 2 autres" in card and "« Parents &amp; enfants » (exemple fictif)" in card
    plain = result_cards(request, armentieres, searches[2])
    assert not any(" m</p>" in c for c in plain)  # no distance without a position


def test_a_name_holding_a_slot_marker_is_rendered_whole(armentieres):
    """Forms and imports refuse control characters in a name; one written by hand in the
    database (SQLite: PostgreSQL refuses NUL in text, so the case cannot arise there) still
    gives the right card."""
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses NUL characters in text: no such name can be stored")
    structure = Structure.objects.filter(territory=armentieres, published=True).first()
    Structure.objects.filter(pk=structure.pk).update(name=f"Lieu {DISTANCE_SLOT} (exemple fictif)")
    territory_touch(territory=armentieres)
    request = _request()
    hits = [structure_get(territory=armentieres, id=structure.pk)]
    assert DISTANCE_SLOT in hits[0].structure.name
    assert [str(c) for c in result_cards(request, armentieres, hits)] == _template_cards(
        request, armentieres, hits
    )


def test_card_text_is_escaped(armentieres):
    structure = Structure.objects.filter(territory=armentieres, published=True).first()
    structure_update(structure=structure, name='L\'Atelier & "Compagnie" (exemple fictif)')
    armentieres.refresh_from_db()
    hits = structure_search(territory=armentieres, q="compagnie atelier").results
    (card,) = result_cards(_request(), armentieres, hits)
    assert "L&#x27;Atelier &amp; &quot;Compagnie&quot; (exemple fictif)" in card
    assert '"Compagnie"' not in card


def test_an_edited_structure_shows_in_the_next_search(client, armentieres):
    structure = next(
        s
        for s in Structure.objects.filter(
            territory=armentieres, published=True, declared_only=False
        ).order_by("pk")
        if s.name.replace(" ", "").isalpha()
    )
    old_name = structure.name
    card = f'id="structure-{structure.pk}"'
    before = client.get(URL, {"q": old_name}).content.decode()
    assert card in before and old_name in before
    structure_update(structure=structure, name="Maison des Tilleuls (exemple fictif)")
    after = client.get(URL, {"q": "tilleuls"}).content.decode()
    assert card in after and "Maison des Tilleuls (exemple fictif)" in after
    assert old_name not in after


def test_an_edited_service_shows_on_its_card_in_the_next_search(client, armentieres):
    service = next(
        sv
        for sv in Service.objects.filter(
            structure__territory=armentieres,
            published=True,
            structure__published=True,
            structure__declared_only=False,
        )
        .select_related("structure")
        .order_by("pk")
        if sv.structure.name.replace(" ", "").isalpha()
    )
    query = {"q": service.structure.name}
    assert escape(service.name) in client.get(URL, query).content.decode()  # card now cached
    service_update(service=service, name="Atelier des Tilleuls (exemple fictif)")
    html = client.get(URL, query).content.decode()
    assert "Atelier des Tilleuls (exemple fictif)" in html
