"""The partners' space home leads each role to the pages it may use: the coordinator to the
COPIL, the residents' reports and consultations and the audience; the CAF adviser (who reads
like an observer) to the drafts and the audience, and the audience page lets them in."""

from __future__ import annotations

from django.urls import reverse
from factories import UserFactory, coordinator, partner

from maillage.accounts.models import Role


def _space(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("web:partner-space", args=["armentieres"]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinator_space_links_to_copil_residents_and_audience(client, armentieres):
    page = _space(client, coordinator(armentieres))
    for name in ("plan-copil", "resident-reports", "consultations", "usage-audience"):
        assert reverse(f"web:{name}", args=["armentieres"]) in page, name


def test_the_adviser_reads_drafts_and_audience_but_not_the_coordination_tools(client, armentieres):
    adviser = UserFactory(role=Role.ADVISER, territory=armentieres)
    page = _space(client, adviser)
    assert "Fiches en brouillon" in page
    audience = reverse("web:usage-audience", args=["armentieres"])
    assert audience in page
    assert client.get(audience).status_code == 200
    assert reverse("web:resident-reports", args=["armentieres"]) not in page


def test_a_partner_sees_neither_the_audience_nor_the_residents_queue(client, armentieres):
    page = _space(client, partner(armentieres))
    assert reverse("web:usage-audience", args=["armentieres"]) not in page
    assert reverse("web:resident-reports", args=["armentieres"]) not in page
    assert client.get(reverse("web:usage-audience", args=["armentieres"])).status_code == 403
