"""Result cards of the search page: rendered without the request's context, cached until the
territory's data change (an edited structure or service shows in the very next search)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils.html import escape

from maillage.directory.models import Service, Structure
from maillage.directory.selectors import structure_search
from maillage.directory.services import service_update, structure_update
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
