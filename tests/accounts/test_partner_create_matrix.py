"""Who may declare a place, add a service and publish: anonymous → login page; observer,
partner of another organisation and user without role → 403 with nothing written; the right
roles succeed (so the matrix is not vacuous)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.directory.models import Service, Structure
from maillage.directory.services import service_create, structure_create

from .roles import fingerprint, sql_writes
from .test_partner_create import place_data, service_data


@pytest.fixture
def drafts(roles, armentieres):
    """A draft place of organisation A and its draft service, declared by A's partner."""
    structure = structure_create(
        territory=armentieres,
        name="Brouillon de l'organisation A (exemple fictif)",
        user=roles.partner_a,
        organisation=roles.orgs.a,
    )
    service = service_create(
        structure=structure, name="Service en brouillon (exemple fictif)", user=roles.partner_a
    )
    assert not structure.published and not service.published
    return structure, service


def _client(roles, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(roles, role))
    return client


def _urls(armentieres, roles, drafts) -> dict[str, str]:
    structure, service = drafts
    return {
        "structure-new": reverse("web:structure-new", args=["armentieres"]),
        "service-new-draft": reverse("web:service-new", args=["armentieres", structure.pk]),
        "service-new-published": reverse(
            "web:service-new", args=["armentieres", roles.orgs.structure_a.pk]
        ),
        "structure-publish": reverse("web:structure-publish", args=["armentieres", structure.pk]),
        "service-publish": reverse("web:service-publish", args=["armentieres", service.pk]),
    }


def _post_data(armentieres, name: str) -> dict:
    if name == "structure-new":
        return place_data(armentieres)
    if name.startswith("service-new"):
        return service_data()
    return {}


# (role, url name) → expected status of a valid POST; GET is the same for the forms.
REFUSED = [
    *[
        (role, name)
        for role in ("observer", "outsider")
        for name in (
            "structure-new",
            "service-new-draft",
            "service-new-published",
            "structure-publish",
            "service-publish",
        )
    ],
    *[
        (role, name)
        for role in ("partner_b", "partner_a")
        for name in ("structure-publish", "service-publish")
    ],
    ("partner_b", "service-new-draft"),
    ("partner_b", "service-new-published"),
]
NAMES = ["structure-new", "service-new-draft", "structure-publish", "service-publish"]


@pytest.mark.parametrize("name", [*NAMES, "service-new-published"])
def test_anonymous_goes_to_the_login_page(armentieres, roles, drafts, name):
    url = _urls(armentieres, roles, drafts)[name]
    before = fingerprint()
    client = _client(roles, "anonymous")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, _post_data(armentieres, name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))
    assert not sql_writes(queries)
    assert fingerprint() == before
    if not name.endswith("-publish"):
        assert client.get(url).url.startswith(reverse("web:login"))


@pytest.mark.parametrize(("role", "name"), REFUSED)
def test_refused_roles_get_403_and_nothing_is_written(armentieres, roles, drafts, role, name):
    url = _urls(armentieres, roles, drafts)[name]
    client = _client(roles, role)
    before = fingerprint()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, _post_data(armentieres, name))
    assert response.status_code == 403, (role, name, response.status_code)
    assert not sql_writes(queries), sql_writes(queries)
    assert fingerprint() == before
    if name.endswith("-publish"):
        assert client.get(url).status_code == 405
    else:
        assert client.get(url).status_code == 403


def test_the_right_roles_succeed(armentieres, roles, drafts):
    structure, service = drafts
    urls = _urls(armentieres, roles, drafts)
    partner_a, partner_b = _client(roles, "partner_a"), _client(roles, "partner_b")
    coordinator = _client(roles, "coordinator")
    # Every partner declares places, for their own organisation.
    assert partner_b.get(urls["structure-new"]).status_code == 200
    assert partner_b.post(urls["structure-new"], place_data(armentieres)).status_code == 302
    created = Structure.objects.filter(organisation=roles.orgs.b, published=False)
    assert created.count() == 1
    # A's partner adds services to A's draft and to A's published structure (drafts both).
    for key in ("service-new-draft", "service-new-published"):
        assert partner_a.get(urls[key]).status_code == 200
        assert partner_a.post(urls[key], service_data()).status_code == 302
    assert Service.objects.filter(name=service_data()["name"], published=False).count() == 2
    # The coordinator publishes.
    assert coordinator.post(urls["structure-publish"]).status_code == 302
    assert coordinator.post(urls["service-publish"]).status_code == 302
    structure.refresh_from_db()
    service.refresh_from_db()
    assert structure.published and service.published


def test_a_partner_with_a_draft_of_another_territory_id_gets_404(armentieres, roles):
    """Ids are looked up within the territory of the URL."""
    from .roles import other_territory

    other = other_territory()
    elsewhere = structure_create(territory=other, name="Ailleurs (exemple fictif)")
    client = _client(roles, "coordinator")
    url = reverse("web:service-new", args=["armentieres", elsewhere.pk])
    assert client.get(url).status_code == 404
    url = reverse("web:structure-publish", args=["armentieres", elsewhere.pk])
    assert client.post(url).status_code == 404


def test_links_are_shown_to_the_roles_that_may_use_them(armentieres, roles, drafts):
    space = reverse("web:partner-space", args=["armentieres"])
    new = reverse("web:structure-new", args=["armentieres"])
    publish = reverse("web:structure-publish", args=["armentieres", drafts[0].pk])
    pages = {
        r: _client(roles, r).get(space).content.decode()
        for r in ("partner_a", "observer", "coordinator")
    }
    assert new in pages["partner_a"] and new in pages["coordinator"]
    assert new not in pages["observer"]
    assert publish in pages["coordinator"]
    assert publish not in pages["observer"] and publish not in pages["partner_a"]
    add = reverse("web:service-new", args=["armentieres", drafts[0].pk])
    assert add in pages["partner_a"]
