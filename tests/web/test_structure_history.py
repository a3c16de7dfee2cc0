"""Signed-in users see the history of a structure; observers also see unpublished ones."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from factories import coordinator

from maillage.accounts.models import Membership
from maillage.directory.models import Structure
from maillage.directory.services import structure_update


def test_coordinator_sees_the_history_link_and_the_public_does_not(armentieres):
    structure = Structure.objects.filter(territory=armentieres, published=True).first()
    url = f"/territoire/armentieres/structures/{structure.pk}/"
    assert "Historique des modifications" not in Client().get(url).content.decode()
    chargee = coordinator(armentieres, username="coord", email="c@ville.fr")
    client = Client()
    client.force_login(chargee)
    assert "Historique des modifications" in client.get(url).content.decode()


def test_an_unpublished_structure_is_hidden_from_the_public_not_from_observers(armentieres):
    structure = Structure.objects.filter(territory=armentieres, published=True).first()
    structure_update(structure=structure, published=False)
    url = f"/territoire/armentieres/structures/{structure.pk}/"
    assert Client().get(url).status_code == 404
    observer = get_user_model().objects.create_user("obs", "o@caf.fr", "x")
    Membership.objects.create(user=observer, territory=armentieres, role="observer")
    client = Client()
    client.force_login(observer)
    assert client.get(url).status_code == 200
