"""``territory_view``: the territory of the URL, 404 when unknown, the role checked when asked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from maillage.web.decorators import COORDINATOR, EDITOR, MEMBER, territory_view
from tests.accounts.roles import make_user, organisations

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/armentieres/page/?q=1")
    request.user = user
    return request


def _echo(request, territory, pk=None):
    return HttpResponse(f"{territory.slug}:{pk}")


def test_public_view_receives_the_territory_and_the_other_url_arguments(armentieres):
    view = territory_view(_echo)
    response = view(_request(AnonymousUser()), slug="armentieres", pk=7)
    assert response.content == b"armentieres:7"


def test_unknown_territory_is_404(armentieres):
    view = territory_view(_echo)
    with pytest.raises(Http404):
        view(_request(AnonymousUser()), slug="atlantide")
    coordinator = make_user(armentieres, "coordinator")
    with pytest.raises(Http404):
        territory_view(role=COORDINATOR)(_echo)(_request(coordinator), slug="atlantide")


def test_anonymous_visitor_of_a_role_page_goes_to_the_login_page(armentieres):
    for role in (COORDINATOR, MEMBER, EDITOR):
        response = territory_view(role=role)(_echo)(_request(AnonymousUser()), slug="armentieres")
        assert response.status_code == 302
        assert "next=/armentieres/page/%3Fq%3D1" in response["Location"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (COORDINATOR, {"coordinator"}),
        (MEMBER, {"coordinator", "partner", "observer"}),
        (EDITOR, {"coordinator", "partner"}),
    ],
)
def test_role_is_checked_with_the_permissions_rules(armentieres, role, allowed):
    org = organisations(armentieres).a
    view = territory_view(role=role, denied="Réservé.")(_echo)
    for held in ("coordinator", "partner", "observer", None):
        user = make_user(
            armentieres, held, organisation=org if held == "partner" else None, email=f"{held}@x.fr"
        )
        if held in allowed:
            assert view(_request(user), slug="armentieres").status_code == 200, held
        else:
            with pytest.raises(PermissionDenied, match="Réservé."):
                view(_request(user), slug="armentieres")


def test_default_refusal_message_is_french(armentieres):
    observer = make_user(armentieres, "observer")
    with pytest.raises(PermissionDenied, match="chargé de coopération"):
        territory_view(role=COORDINATOR)(_echo)(_request(observer), slug="armentieres")
