"""The search page around its form and results, kept rendered for anonymous visitors (the
layout, navigation, map and « Donnez votre avis » depend only on the territory's data version,
the language and the base map): the assembled page is the page rendered whole, byte for byte,
and nothing of one visitor's page reaches another kind of visitor."""

from __future__ import annotations

import pytest
from accounts.roles import make_user
from django.test import Client

from maillage.web.views import directory as views

URL = "/territoire/armentieres/annuaire/"
QUERIES = [
    {},
    {"q": "creche"},
    {"thematique": "famille", "age": "2"},
    {"q": "école", "page": "2"},
    {"age": "pas un âge"},  # a refused form: errors shown, no results
    {"q": '<script>alert("x")</script>'},  # echoed escaped in the form
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_assembled_page_is_the_page_rendered_whole(armentieres, monkeypatch, query):
    first = Client().get(URL, query)  # renders and keeps the shell
    again = Client().get(URL, query)  # from the kept shell
    monkeypatch.setattr(views, "_has_messages", lambda request: True)  # forces the whole page
    whole = Client().get(URL, query)
    assert first.status_code == again.status_code == whole.status_code
    assert first.content == again.content == whole.content
    assert b"\x00" not in first.content


def test_a_shell_kept_for_visitors_never_reaches_a_signed_in_user(armentieres):
    anonymous = Client().get(URL).content.decode()
    assert "Connexion" in anonymous
    member = Client()
    member.force_login(make_user(armentieres, "partner"))
    page = member.get(URL).content.decode()
    assert "Mon compte" in page and ">Connexion<" not in page
    assert ">Connexion<" in Client().get(URL).content.decode()


def test_a_renamed_territory_shows_in_the_next_search(armentieres):
    from maillage.territory.services import territory_touch

    assert "Armentières" in Client().get(URL).content.decode()
    type(armentieres).objects.filter(pk=armentieres.pk).update(name="Armentières (exemple fictif)")
    territory_touch(territory=armentieres)  # what the admin and the services do
    assert "Armentières (exemple fictif)" in Client().get(URL).content.decode()
