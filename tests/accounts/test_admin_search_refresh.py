"""An edit made in the Django admin shows in the directory search at once: the structures'
search text, Lambert-93 position and zones are rebuilt and the territory's data_version bumped
(the search runs on an in-memory index keyed on it)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from maillage.directory.models import Structure
from maillage.directory.search import structure_search

from .admin_form import admin_form_data
from .roles import organisations

WORD = "Zéphyrine"  # exemple fictif: no structure of the dataset carries it


@pytest.fixture
def admin_client(db):
    user = get_user_model().objects.create_superuser(
        username="administratrice", email="admin@example.org", password="Tilleul-Ecluse-47"
    )
    client = Client()
    client.force_login(user)
    return client


def _change(client, obj, **changes) -> None:
    """Open the admin change page of ``obj``, change some fields, save like a browser."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = admin_form_data(client.get(url).content.decode(), f"{opts.model_name}_form")
    for name, value in changes.items():
        data[name] = [value]
    data["_save"] = ["Enregistrer"]
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")


def _found(territory, q: str, **filters) -> set[int]:
    page = structure_search(territory=territory, q=q, limit=500, **filters)
    return {hit.structure.id for hit in page.results}


def test_a_structure_renamed_in_the_admin_is_found_at_once(armentieres, admin_client):
    structure = organisations(armentieres).structure_a
    assert _found(armentieres, WORD) == set()  # the index is built (and cached) before the edit
    version = armentieres.data_version
    _change(admin_client, structure, name=f"{structure.name} {WORD} (exemple fictif)")
    assert _found(armentieres, "zephyrine") == {structure.pk}
    armentieres.refresh_from_db()
    assert armentieres.data_version > version
    structure.refresh_from_db()
    assert WORD.lower() not in structure.search_text and "zephyrine" in structure.search_text


def test_a_structure_moved_in_the_admin_gets_its_lambert93_position_and_zones(
    armentieres, admin_client
):
    moved = organisations(armentieres).structure_a
    located = Structure.objects.filter(territory=armentieres, x_l93__isnull=False)
    # Another structure's real position, in an IRIS the moved one is not in.
    target = next(
        s
        for s in located.exclude(pk=moved.pk).prefetch_related("zones").order_by("pk")
        if {z.code for z in s.zones.all()} - {z.code for z in moved.zones.all()}
    )
    target_zones = {z.code for z in target.zones.all()}
    zone = sorted(target_zones - {z.code for z in moved.zones.all()})[0]
    assert moved.pk not in _found(armentieres, "", quartier=zone)
    _change(admin_client, moved, lon=repr(target.lon), lat=repr(target.lat))
    moved.refresh_from_db()
    assert (moved.x_l93, moved.y_l93) == pytest.approx((target.x_l93, target.y_l93), abs=0.01)
    assert {z.code for z in moved.zones.all()} == target_zones
    assert moved.pk in _found(armentieres, "", quartier=zone)


def test_a_service_renamed_in_the_admin_is_found_at_once(armentieres, admin_client):
    service = organisations(armentieres).service
    assert _found(armentieres, WORD) == set()
    _change(admin_client, service, name=f"Atelier {WORD} (exemple fictif)")
    assert _found(armentieres, WORD) == {service.structure_id}


def test_a_typology_or_organisation_renamed_in_the_admin_is_found_at_once(
    armentieres, admin_client
):
    orgs = organisations(armentieres)
    typology = orgs.structure_a.typology
    of_typology = set(
        Structure.objects.filter(
            territory=armentieres, typology=typology, published=True
        ).values_list("pk", flat=True)
    )
    assert of_typology and _found(armentieres, WORD) == set()
    _change(admin_client, typology, label=f"{typology.label} {WORD} (exemple fictif)")
    assert _found(armentieres, WORD) == of_typology
    of_organisation = set(
        Structure.objects.filter(
            territory=armentieres, organisation=orgs.b, published=True
        ).values_list("pk", flat=True)
    )
    assert of_organisation
    _change(admin_client, orgs.b, name="Association Orphéon (exemple fictif)")
    assert _found(armentieres, "orpheon") == of_organisation


def test_a_structure_deleted_in_the_admin_leaves_the_search_at_once(armentieres, admin_client):
    structure = organisations(armentieres).structure_b
    name = structure.name
    assert structure.pk in _found(armentieres, name)
    delete = reverse("admin:directory_structure_delete", args=[structure.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert structure.pk not in _found(armentieres, name)


def test_saving_the_territory_in_the_admin_never_rewinds_its_data_version(
    armentieres, admin_client
):
    from maillage.directory.services import structure_update

    url = reverse("admin:territory_territory_change", args=[armentieres.pk])
    page = admin_client.get(url).content.decode()  # loaded before the write below
    data = admin_form_data(page, "territory_form")
    assert "data_version" not in data  # shown, not editable
    structure = organisations(armentieres).structure_a
    structure_update(structure=structure, published=False)  # withdrawn meanwhile
    armentieres.refresh_from_db()
    version = armentieres.data_version
    assert structure.pk not in _found(armentieres, structure.name)
    data["_save"] = ["Enregistrer"]
    assert admin_client.post(url, data).status_code == 302
    armentieres.refresh_from_db()
    assert armentieres.data_version > version
    assert structure.pk not in _found(armentieres, structure.name)


def test_a_structure_moved_to_another_territory_in_the_admin_is_found_there_at_once(
    armentieres, admin_client
):
    from maillage.territory.models import Territory

    other = Territory.objects.create(
        slug="autre-exemple",
        name="Autre territoire (exemple fictif)",
        period_start=2023,
        period_end=2026,
    )
    assert _found(other, "") == set()
    structure = organisations(armentieres).structure_a
    _change(admin_client, structure, territory=str(other.pk))
    assert _found(other, "") == {structure.pk}
    assert structure.pk not in _found(armentieres, "")
