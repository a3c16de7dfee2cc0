"""The coordinator invites a CAF adviser from « Comptes et invitations » like any other role: the
role is offered with its French name and the invitation gives a « conseiller CAF » membership."""

from __future__ import annotations

from django.urls import reverse
from factories import coordinator

from maillage.accounts.models import Membership, Role


def test_the_coordinator_invites_a_caf_adviser_from_the_users_page(client, armentieres, mailoutbox):
    client.force_login(coordinator(armentieres))
    url = reverse("web:users", args=["armentieres"])
    page = client.get(url).content.decode()
    assert 'value="adviser"' in page and "conseiller CAF" in page
    response = client.post(url, {"email": "conseillere@caf.example.org", "role": "adviser"})
    assert response.status_code == 200
    assert "Invitation envoyée" in response.content.decode()
    membership = Membership.objects.get(user__email="conseillere@caf.example.org")
    assert membership.role == Role.ADVISER and membership.territory == armentieres
