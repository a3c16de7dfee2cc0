"""End to end with the test client: a partner declares a new place and its service (drafts,
invisible on the public directory, map and API), the coordinator publishes them from the
partners' space, then the place is found by ``structure_search``; the history keeps both steps.

The new place is an *exemple fictif*: its address, commune and position are those of a real
structure of the Armentières dataset (a second place at the same address), its opening hours
the syntax example shown by the form.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import ChangeRecord
from maillage.directory.models import Service, Structure, Typology
from maillage.directory.selectors import structure_search

from .roles import make_user, organisations

NAME = "Lieu déclaré par un partenaire (exemple fictif)"
SERVICE = "Accueil des familles (exemple fictif)"


def reference(territory) -> Structure:
    """A real, located structure of the dataset with an address."""
    return (
        Structure.objects.filter(
            territory=territory, published=True, lat__isnull=False, commune__isnull=False
        )
        .exclude(address="")
        .exclude(postcode="")
        .order_by("pk")
        .first()
    )


# The syntax example of the form's help text, for the fictitious place (the dataset has no
# opening hours).
EXAMPLE_HOURS = "Mo-Fr 08:00-18:00; Sa 09:00-12:00; PH off"


def place_data(territory, **overrides) -> dict:
    """The « Déclarer un nouveau lieu » form, filled (fields prefixed ``lieu-``)."""
    ref = reference(territory)
    data = {
        "name": NAME,
        "typology": Typology.objects.get(code="laep").pk,
        "description": "",
        "address": ref.address,
        "postcode": ref.postcode,
        "commune": ref.commune_id,
        "phone": "",
        "email": "",
        "website": "",
        "opening_hours": EXAMPLE_HOURS,
        "lat": ref.lat,
        "lon": ref.lon,
        "position_precision": "approximate",
    }
    data.update(overrides)
    return {f"lieu-{k}": v for k, v in data.items()}


def service_data(**overrides) -> dict:
    data = {
        "name": SERVICE,
        "type": "accompagnement",
        "description": "",
        "thematiques": ["famille--soutien-a-la-parentalite-et-a-leducation"],
        "publics": ["familles"],
        "age_min": "0",
        "age_max": "6",
        "capacity": "",
        "conditions_acces": "",
        "frais": "gratuit",
        "frais_precisions": "",
        "opening_hours": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def partner(armentieres):
    orgs = organisations(armentieres)
    client = Client()
    client.force_login(make_user(armentieres, "partner", orgs.a))
    client.orgs = orgs
    return client


@pytest.fixture
def coordinator(armentieres):
    client = Client()
    client.force_login(make_user(armentieres, "coordinator"))
    return client


def _new_url() -> str:
    return reverse("web:structure-new", args=["armentieres"])


def _public_sees(territory, name: str, pk: int) -> dict[str, bool]:
    """Where an anonymous visitor finds the place: search, page, API, directory, map."""
    anonymous = Client()
    api_search = anonymous.get("/api/v1/structures", {"territory": "armentieres", "q": name})
    geojson = anonymous.get("/api/v1/structures/geojson", {"territory": "armentieres"}).json()
    directory = anonymous.get(reverse("web:directory", args=["armentieres"]), {"q": name})
    hits = structure_search(territory=territory, q=name).results
    return {
        "search": any(h.structure.id == pk for h in hits),
        "page": anonymous.get(reverse("web:structure", args=["armentieres", pk])).status_code
        == 200,
        "api": anonymous.get(f"/api/v1/structures/{pk}?territory=armentieres").status_code == 200,
        "api_search": any(r["structure"]["id"] == pk for r in api_search.json()["results"]),
        "directory": f'id="structure-{pk}"' in directory.content.decode(),
        "map": any(f["properties"]["id"] == pk for f in geojson["features"]),
    }


def test_partner_declares_coordinator_publishes_public_finds(armentieres, partner, coordinator):
    orgs = partner.orgs
    page = partner.get(_new_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Déclarer un nouveau lieu" in html and "data-place-map" in html
    assert "en brouillon" in html

    # 1. The partner declares the place (with a position clicked on the map).
    response = partner.post(_new_url(), place_data(armentieres))
    assert response.status_code == 302, response.content.decode()[:2000]
    structure = Structure.objects.get(territory=armentieres, name=NAME)
    assert response.url == reverse("web:service-new", args=["armentieres", structure.pk])
    assert structure.published is False
    assert structure.organisation == orgs.a
    assert structure.opening_hours == EXAMPLE_HOURS
    assert structure.located and structure.position_precision == "approximate"
    assert structure.zones.exists()  # placed in its IRIS like any located structure
    created = ChangeRecord.objects.filter(object_id=str(structure.pk), action="create").get()
    assert created.after["published"] is False and created.user.email.startswith("partner-")

    # 2. The partner adds a service; the form starts from the typology's defaults.
    form = partner.get(response.url).content.decode()
    laep = Typology.objects.get(code="laep")
    for slug in laep.thematiques:
        assert re.search(rf'value="{re.escape(slug)}"[^>]*checked', form), slug
    added = partner.post(response.url, service_data())
    assert added.status_code == 302, added.content.decode()[:2000]
    service = Service.objects.get(structure=structure)
    assert service.published is False
    assert (service.age_min, service.age_max, service.publics) == (0, 6, ["familles"])

    # 3. Drafts: nowhere for the public; listed with their status for the partner.
    assert not any(_public_sees(armentieres, NAME, structure.pk).values())
    space = partner.get(reverse("web:partner-space", args=["armentieres"])).content.decode()
    row = space.split(NAME, 1)[1].split("</tr>", 1)[0]
    assert "brouillon" in row and "en attente de publication" in row

    # 4. The coordinator sees « Fiches en brouillon » with « Publier » and publishes.
    space = coordinator.get(reverse("web:partner-space", args=["armentieres"])).content.decode()
    drafts = space.split('id="brouillons"', 1)[1].split("</section>", 1)[0]
    publish_structure = reverse("web:structure-publish", args=["armentieres", structure.pk])
    publish_service = reverse("web:service-publish", args=["armentieres", service.pk])
    assert NAME in drafts and publish_structure in drafts and publish_service in drafts
    assert coordinator.post(publish_structure).status_code == 302
    assert coordinator.post(publish_service).status_code == 302
    structure.refresh_from_db()
    service.refresh_from_db()
    assert structure.published and service.published

    # 5. Found by the public search (with its service), the page, the API and the map.
    hits = structure_search(territory=armentieres, q=NAME).results
    assert [h.structure.id for h in hits] == [structure.pk]
    assert [s.name for s in hits[0].services] == [SERVICE]
    assert all(_public_sees(armentieres, NAME, structure.pk).values())
    # The publication is in the history, by the coordinator.
    published = ChangeRecord.objects.filter(
        object_id=str(structure.pk), content_type__model="structure", action="update"
    ).latest("pk")
    assert published.before["published"] is False and published.after["published"] is True
    assert published.user.email.startswith("coordinator")
    after = coordinator.get(reverse("web:partner-space", args=["armentieres"])).content.decode()
    assert NAME not in after.split('id="brouillons"', 1)[1].split("</section>", 1)[0]


def test_observer_sees_the_drafts_without_publish_button(armentieres, partner):
    partner.post(_new_url(), place_data(armentieres, lat="", lon=""))
    structure = Structure.objects.get(name=NAME)
    assert not structure.located  # without a position: « à localiser »
    observer = Client()
    observer.force_login(make_user(armentieres, "observer"))
    space = observer.get(reverse("web:partner-space", args=["armentieres"])).content.decode()
    drafts = space.split('id="brouillons"', 1)[1].split("</section>", 1)[0]
    assert NAME in drafts and "à localiser" in drafts
    assert "publier" not in drafts.lower().replace("publication", "")


def test_publishing_twice_changes_nothing(armentieres, partner, coordinator):
    partner.post(_new_url(), place_data(armentieres))
    structure = Structure.objects.get(name=NAME)
    url = reverse("web:structure-publish", args=["armentieres", structure.pk])
    coordinator.post(url)
    records = ChangeRecord.objects.count()
    again = coordinator.post(url, follow=True)
    assert "déjà publiée" in again.content.decode()
    assert ChangeRecord.objects.count() == records


def test_partner_adds_a_draft_service_to_a_published_structure(armentieres, partner):
    structure = partner.orgs.structure_a
    url = reverse("web:service-new", args=["armentieres", structure.pk])
    assert partner.post(url, service_data()).status_code == 302
    service = Service.objects.get(structure=structure, name=SERVICE)
    assert service.published is False
    hit = structure_search(territory=armentieres, q=structure.name).results
    assert SERVICE not in [s.name for h in hit for s in h.services]


def test_coordinator_declares_a_published_place_for_a_chosen_organisation(armentieres, coordinator):
    orgs = organisations(armentieres)
    page = coordinator.get(_new_url()).content.decode()
    assert 'name="lieu-organisation"' in page
    response = coordinator.post(_new_url(), place_data(armentieres, organisation=orgs.b.pk))
    assert response.status_code == 302
    structure = Structure.objects.get(name=NAME)
    assert structure.published is True and structure.organisation == orgs.b


def test_a_partner_cannot_choose_another_organisation(armentieres, partner):
    """The partner's form has no organisation field: a forged one is ignored."""
    data = place_data(armentieres, organisation=partner.orgs.b.pk)
    assert partner.post(_new_url(), data).status_code == 302
    assert Structure.objects.get(name=NAME).organisation == partner.orgs.a
