"""Public directory search page: filters, htmx partial, no-JS fallback, errors in French."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db.models import Count

from maillage.directory.models import Structure
from maillage.directory.selectors import structure_search
from maillage.territory.models import Zone

URL = "/territoire/armentieres/annuaire/"


def names(response) -> list[str]:
    return [h.structure.name for h in response.context["result"].results]


def test_search_page_lists_the_real_directory_with_its_map(client, armentieres):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form class="search-form" role="search"' in html
    assert 'data-geojson="/territoire/armentieres/carte.geojson"' in html
    # Every public fiche: published, and not the CTG's declared-only supply (no public fiche).
    public = Structure.objects.filter(territory=armentieres, published=True, declared_only=False)
    assert response.context["result"].total == public.count()
    points = json.loads(
        html.split('id="resultats-points" type="application/json">')[1].split("<")[0]
    )
    shown = response.context["result"].results
    assert len(points) == sum(1 for h in shown if h.structure.located)
    assert {p["id"] for p in points} <= {h.structure.id for h in shown}


def test_free_text_is_accent_insensitive(client, armentieres):
    with_accent = names(client.get(URL, {"q": "Collège"}))
    without = names(client.get(URL, {"q": "college"}))
    assert with_accent == without
    assert "Collège Jean Rostand" in with_accent
    assert "Crèche municipale" not in with_accent


def test_age_filter_keeps_the_offer_for_that_age(client, armentieres):
    toddler = names(client.get(URL, {"age": "2"}))
    assert "Crèche municipale" in toddler
    assert "Collège Jean Rostand" not in toddler
    teenager = names(client.get(URL, {"age": "13"}))
    assert "Collège Jean Rostand" in teenager
    assert "Crèche municipale" not in teenager


def test_quartier_filter_keeps_structures_of_that_zone(client, armentieres):
    iris = (
        Zone.objects.filter(kind="iris", structures__territory=armentieres)
        .annotate(n=Count("structures"))
        .order_by("-n", "code")
        .first()
    )
    found = client.get(URL, {"quartier": iris.code}).context["result"]
    expected = set(
        Structure.objects.filter(territory=armentieres, zones=iris, published=True).values_list(
            "name", flat=True
        )
    )
    assert len(expected) > 1
    assert {h.structure.name for h in found.results} == expected


def test_around_me_sorts_by_distance_from_the_position(client, armentieres):
    target = Structure.objects.get(territory=armentieres, name="Collège Jean Rostand")
    response = client.get(URL, {"lat": target.lat, "lon": target.lon})
    result = response.context["result"]
    assert result.results[0].structure.name == "Collège Jean Rostand"
    assert result.results[0].distance_m == 0
    distances = [h.distance_m for h in result.results]
    assert distances == sorted(distances)
    assert "triés par distance" in response.content.decode()
    # Structures « à localiser » cannot be sorted by distance: they are counted, not hidden.
    unlocated = Structure.objects.filter(
        territory=armentieres, published=True, declared_only=False, x_l93__isnull=True
    ).count()
    assert result.unlocated_excluded == unlocated
    assert "ne sont pas localisées" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"age": "deux"}, "age", "nombre entier"),
        ({"age": "-1"}, "age", "supérieure ou égale à 0"),
        ({"thematique": "<script>"}, "thematique", "Sélectionnez un choix valide"),
        ({"lat": "48.8", "lon": ""}, None, "Position reçue invalide"),
        ({"lat": "0", "lon": "0"}, None, "en France"),
    ],
)
def test_bad_criteria_answer_in_french_on_the_field(client, armentieres, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in e for e in errors), form.errors
    assert response.context["result"] is None
    assert message in response.content.decode()


def test_htmx_request_gets_only_the_results_fragment(client, armentieres):
    response = client.get(URL, {"q": "crèche"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert 'hx-swap-oob="true"' in html
    assert "Crèche municipale" in html
    assert 'id="resultats-points"' in html
    assert "HX-Request" in response["Vary"]  # a cache never serves the fragment as the page


def test_htmx_history_restore_gets_the_whole_page(client, armentieres):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get(URL, {"q": "crèche"}, headers=headers).content.decode()
    assert "<html" in html and "<form" in html and "Crèche municipale" in html


def test_pagination_links_keep_the_criteria(client, armentieres):
    response = client.get(URL, {"q": "ecole"})
    result = response.context["result"]
    assert result.total > result.limit  # the real dataset has more schools than one page
    link = response.context["pages"]["next"]
    assert "q=ecole" in link and "page=2" in link
    second = client.get(URL + link)
    expected = structure_search(territory=armentieres, q="ecole", limit=20, offset=20)
    assert names(second) == [h.structure.name for h in expected.results]


def test_address_field_only_with_a_geocoder(client, armentieres, settings):
    settings.GEOCODER_URL = ""
    assert "adresse" not in client.get(URL).context["form"].fields
    settings.GEOCODER_URL = "https://geocodeur.invalid/search/"
    assert "adresse" in client.get(URL).context["form"].fields


class FakeResponse:
    def __init__(self, payload: dict) -> None:
        self.payload = json.dumps(payload).encode()

    def read(self, *_args):
        return self.payload

    def __enter__(self):
        return self

    def __exit__(self, *_args):
        return False


def test_address_is_geocoded_then_sorted_by_distance(client, armentieres, settings):
    settings.GEOCODER_URL = "https://geocodeur.invalid/search/"
    target = Structure.objects.get(territory=armentieres, name="Collège Jean Rostand")
    payload = {"features": [{"geometry": {"coordinates": [target.lon, target.lat]}}]}
    with mock.patch("urllib.request.urlopen", return_value=FakeResponse(payload)) as urlopen:
        response = client.get(URL, {"adresse": "136 boulevard Faidherbe Armentières"})
    called = urlopen.call_args.args[0]
    assert called.startswith("https://geocodeur.invalid/search/?q=136+boulevard")
    assert response.context["result"].results[0].structure.name == "Collège Jean Rostand"


@pytest.mark.parametrize(
    ("effect", "message"),
    [
        (OSError("down"), "ne répond pas"),
        (FakeResponse({"features": []}), "Adresse introuvable"),
        (FakeResponse({"features": [{"geometry": {"coordinates": [-70.0, 10.0]}}]}), "France"),
    ],
)
def test_geocoder_failures_are_explained_on_the_field(
    client, armentieres, settings, effect, message
):
    settings.GEOCODER_URL = "https://geocodeur.invalid/search/"
    kwargs = {"side_effect": effect} if isinstance(effect, Exception) else {"return_value": effect}
    with mock.patch("urllib.request.urlopen", **kwargs):
        response = client.get(URL, {"adresse": "nulle part"})
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["adresse"])


def test_unknown_territory_is_a_404(client, armentieres):
    assert client.get("/territoire/nulle-part/annuaire/").status_code == 404
