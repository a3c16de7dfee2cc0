"""Data-quality page and placing « à localiser » structures (coordinators only)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from factories import coordinator as make_coordinator

from maillage.directory.models import Structure

QUALITY = "/territoire/armentieres/qualite/"


@pytest.fixture
def unlocated(armentieres) -> Structure:
    return (
        Structure.objects.filter(territory=armentieres, x_l93__isnull=True).order_by("pk").first()
    )


@pytest.fixture
def coordinator(armentieres):
    return make_coordinator(armentieres, username="coord", password="x-Secret-42")


def place_url(s: Structure) -> str:
    return f"/territoire/armentieres/qualite/structures/{s.pk}/position/"


def post_data(s: Structure, **values) -> dict:
    data = {
        "lat": "50.6880",
        "lon": "2.8800",
        "position_precision": "approximate",
        "position_source": "Vérification sur place",
    }
    data.update(values)
    return {f"s{s.pk}-{k}": v for k, v in data.items()}


def test_quality_lists_what_is_missing(client, armentieres, unlocated):
    response = client.get(QUALITY)
    html = response.content.decode()
    report = response.context["report"]
    assert (
        len(report.missing_position)
        == Structure.objects.filter(
            territory=armentieres, x_l93__isnull=True, declared_only=False
        ).count()
    )
    assert unlocated.name in html
    assert "Sans horaires" in html
    assert 'method="post"' not in html  # anonymous visitors see no placement form


def test_coordinator_sees_the_placement_map_and_forms(client, coordinator, unlocated):
    client.force_login(coordinator)
    html = client.get(QUALITY).content.decode()
    assert "data-place-map" in html
    assert f'action="{place_url(unlocated)}"' in html
    assert "csrfmiddlewaretoken" in html


def test_anonymous_post_is_sent_to_login_and_changes_nothing(client, unlocated):
    response = client.post(place_url(unlocated), post_data(unlocated))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    unlocated.refresh_from_db()
    assert unlocated.x_l93 is None


def test_non_coordinator_is_refused(client, unlocated):
    user = get_user_model().objects.create_user("partenaire", password="x-Secret-42")
    client.force_login(user)
    assert client.post(place_url(unlocated), post_data(unlocated)).status_code == 403
    unlocated.refresh_from_db()
    assert unlocated.x_l93 is None


def test_coordinator_places_a_structure(client, coordinator, unlocated, armentieres):
    version = armentieres.data_version
    client.force_login(coordinator)
    response = client.post(place_url(unlocated), post_data(unlocated))
    assert response.status_code == 302
    unlocated.refresh_from_db()
    assert (unlocated.lat, unlocated.lon) == (50.688, 2.88)
    assert unlocated.x_l93 is not None and unlocated.position_precision == "approximate"
    armentieres.refresh_from_db()
    assert armentieres.data_version > version
    page = client.get(response["Location"])
    assert "Position de « " in page.content.decode()
    assert unlocated.name not in [i.name for i in page.context["report"].missing_position]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"lat": "cinquante"}, "lat", "nombre"),
        ({"lat": "95"}, "lat", "inférieure ou égale à 90"),
        ({"lat": "48.8566", "lon": "2.3522"}, "lat", "km du territoire"),
        ({"position_source": ""}, "position_source", "obligatoire"),
        ({"position_precision": "unknown"}, "position_precision", "choix valide"),
    ],
)
def test_bad_position_is_refused_on_the_field(
    client, coordinator, unlocated, values, field, message
):
    client.force_login(coordinator)
    response = client.post(place_url(unlocated), post_data(unlocated, **values))
    assert response.status_code == 400
    forms = dict((item.id, form) for item, form in response.context["items"])
    errors = forms[unlocated.pk].errors[field]
    assert any(message in e for e in errors), errors
    assert message in response.content.decode()
    unlocated.refresh_from_db()
    assert unlocated.x_l93 is None


def test_placing_requires_post(client, coordinator, unlocated):
    client.force_login(coordinator)
    assert client.get(place_url(unlocated)).status_code == 405


def test_search_sees_a_placement_at_once(client, coordinator, unlocated):
    """Search results are cached until the territory's data change: a placement changes them."""
    near = {"lat": "50.6880", "lon": "2.8800"}
    client.force_login(coordinator)  # (a coordinator also sees the declared-only supply)
    before = client.get("/territoire/armentieres/annuaire/", near).context["result"]
    assert unlocated.pk not in [h.structure.id for h in before.results]
    client.post(place_url(unlocated), post_data(unlocated))
    after = client.get("/territoire/armentieres/annuaire/", near).context["result"]
    assert after.results[0].structure.id == unlocated.pk
    assert after.unlocated_excluded == before.unlocated_excluded - 1


def test_a_draft_is_listed_to_the_coordinator_only_here_and_in_the_diagnostic(
    client, coordinator, armentieres
):
    from maillage.directory.services import structure_create

    draft = structure_create(
        territory=armentieres,
        name="Lieu en brouillon Zéphyrine",
        typology="laep",
        commune="59017",
        published=False,
    )
    public = client.get(QUALITY)
    assert draft.name not in public.content.decode()
    assert draft.pk not in {i.id for i in public.context["report"].unpublished}
    diagnostic = client.get("/territoire/armentieres/diagnostic/qualite/")
    assert diagnostic.status_code == 200 and "Structures à localiser" in diagnostic.content.decode()
    assert draft.name not in diagnostic.content.decode()
    client.force_login(coordinator)
    seen = client.get(QUALITY)
    assert draft.pk in {i.id for i in seen.context["report"].unpublished}
    assert draft.name in seen.content.decode()
