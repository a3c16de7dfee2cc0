"""The embeddable directory (« widget »): the one page another site may frame, with no script
and no form; every other page stays unframeable. Filtered by thématique or quartier, escaped,
published places only, counted as a widget view."""

from __future__ import annotations

import pytest
from django.test import Client

from maillage.directory.models import Structure
from maillage.directory.selectors import structure_search
from maillage.usage.models import DailyCount

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
URL = "/territoire/armentieres/widget/"


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_widget_may_be_framed_by_any_site_and_runs_nothing(armentieres):
    response = Client(HTTP_USER_AGENT=BROWSER).get(URL, {"thematique": "famille"})
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy  # default-src 'none': no script at all
    assert "X-Frame-Options" not in response.headers
    assert not response.cookies
    html = response.content.decode()
    assert "<script" not in html and "<form" not in html


def test_every_other_page_stays_unframeable(armentieres):
    for url in ("/territoire/armentieres/annuaire/", "/donnees-personnelles/"):
        response = Client().get(url)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url


def test_the_widget_lists_the_filtered_published_places_with_links_to_their_fiches(armentieres):
    expected = structure_search(territory=armentieres, thematique="famille", limit=50)
    assert expected.total > 0
    html = Client().get(URL, {"thematique": "famille"}).content.decode()
    for hit in expected.results:
        fiche = f"http://testserver/territoire/armentieres/structures/{hit.structure.id}/"
        assert f'href="{fiche}" target="_blank" rel="noopener"' in html
    other = structure_search(territory=armentieres, limit=500).results
    absent = [h for h in other if h.structure.id not in {e.structure.id for e in expected.results}]
    assert absent and f"/structures/{absent[0].structure.id}/" not in html


def test_hostile_names_are_escaped_and_drafts_left_out(armentieres):
    first, second = Structure.objects.filter(
        territory=armentieres, published=True, declared_only=False
    ).order_by("pk")[:2]
    Structure.objects.filter(pk=first.pk).update(name='<img src=x onerror="alert(1)">')
    Structure.objects.filter(pk=second.pk).update(published=False)
    armentieres.refresh_from_db()
    html = Client().get(URL).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert f"/structures/{second.pk}/" not in html


def test_unknown_criteria_are_refused_and_a_view_is_counted_with_its_criteria(armentieres):
    client = Client(HTTP_USER_AGENT=BROWSER)
    assert client.get(URL, {"thematique": "inconnue"}).status_code == 404
    assert client.post(URL).status_code == 405
    assert client.get(URL, {"thematique": "famille"}).status_code == 200
    rows = DailyCount.objects.filter(territory=armentieres, kind="widget")
    assert list(rows.values_list("key", "count")) == [("thematique=famille", 1)]
