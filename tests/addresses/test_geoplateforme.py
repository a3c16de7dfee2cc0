"""The online geocoder (IGN Géoplateforme) against a local fake server started by the test:
candidates with their score, one request per commune with ``citycode``, and a French message
— never an exception nor a long wait — when the service is slow, down or answers garbage."""

from __future__ import annotations

import time

import pytest

from maillage.addresses.selectors import geocode, geocoding_available, locate
from maillage.integrations import geoplateforme

from .fake_service import FakeGeocoder, closed_port_url, feature


@pytest.fixture
def fake(settings):
    server = FakeGeocoder()
    settings.GEOCODER_URL = server.url
    yield server
    server.close()


def test_the_default_service_is_the_geoplateforme_and_waits_at_most_3_s():
    from maillage.settings import REGISTRY

    default = next(s.default for s in REGISTRY if s.name == "MAILLAGE_GEOCODER_URL")
    assert default == geoplateforme.DEFAULT_URL == "https://data.geopf.fr/geocodage/search"
    assert geoplateforme.TIMEOUT_S <= 3


def test_candidates_come_with_their_score_filtered_on_the_territorys_commune(armentieres, fake):
    fake.answers["59017"] = [
        feature("3 Rue Fictive 59280 Armentières", 2.881, 50.688, 0.61),
        feature("3 Rue Fictive Haute 59280 Armentières", 2.882, 50.689, 0.93),
    ]
    answer = geocode(territory=armentieres, query="3 rue fictive haute")
    assert answer.error is None
    assert [(c.label, c.score, c.source) for c in answer.candidates] == [
        ("3 Rue Fictive Haute 59280 Armentières", 0.93, "Géoplateforme"),
        ("3 Rue Fictive 59280 Armentières", 0.61, "Géoplateforme"),
    ]
    assert fake.requests == [
        {"path": "/geocodage/search", "q": "3 rue fictive haute", "citycode": "59017", "limit": "5"}
    ]
    assert locate(territory=armentieres, query="3 rue fictive haute") == (2.882, 50.689)


def test_one_request_per_commune_and_no_answer_from_elsewhere(fake):
    fake.answers["59017"] = [feature("1 Rue A 59280 Armentières", 2.88, 50.69, 0.7)]
    fake.answers["59350"] = [
        feature("1 Rue A 59000 Lille", 3.06, 50.63, 0.8, citycode="59350"),
        feature("1 Rue A 62000 Arras", 2.78, 50.29, 0.99, citycode="62041"),  # not asked for
    ]
    found = geoplateforme.search("1 rue a", citycodes=["59017", "59350"], url=fake.url)
    assert sorted(r["citycode"] for r in fake.requests) == ["59017", "59350"]
    assert [h.label for h in found.hits] == ["1 Rue A 59000 Lille", "1 Rue A 59280 Armentières"]


def test_an_answer_outside_france_is_dropped_and_said(armentieres, fake):
    fake.answers["59017"] = [feature("Nulle part", -70.0, 10.0, 0.9)]
    answer = geocode(territory=armentieres, query="nulle part")
    assert answer.candidates == [] and answer.outside == 1
    assert locate(territory=armentieres, query="nulle part") == "Adresse introuvable en France."


def test_a_slow_service_is_given_up_within_its_deadline(armentieres, fake, monkeypatch):
    monkeypatch.setattr(geoplateforme, "TIMEOUT_S", 0.4)
    fake.mode = "slow"
    started = time.perf_counter()
    answer = geocode(territory=armentieres, query="3 rue fictive")
    elapsed = time.perf_counter() - started
    assert elapsed < 1.5, elapsed
    assert answer.candidates == []
    assert "ne répond pas" in answer.error and "Géoplateforme" in answer.error


@pytest.mark.parametrize("mode", ["error", "garbage"])
def test_an_error_or_garbage_answer_is_a_french_message(armentieres, fake, mode):
    fake.mode = mode
    answer = geocode(territory=armentieres, query="3 rue fictive")
    assert answer.candidates == [] and "ne répond pas" in answer.error


def test_an_unreachable_service_is_a_french_message_at_once(armentieres, settings):
    settings.GEOCODER_URL = closed_port_url()
    started = time.perf_counter()
    answer = geocode(territory=armentieres, query="3 rue fictive")
    assert time.perf_counter() - started < 1.5
    assert answer.error.startswith("Le service de recherche d'adresse de la Géoplateforme")
    assert locate(territory=armentieres, query="3 rue fictive") == answer.error


def test_the_local_table_answers_first_and_the_service_only_when_it_finds_nothing(
    armentieres, loaded, fake
):
    fake.answers["59017"] = [feature("8 Rue Ailleurs 59280 Armentières", 2.88, 50.69, 0.9)]
    local = geocode(territory=armentieres, query="3 av du gal fictif")
    assert local.candidates[0].source == "BAN" and fake.requests == []
    online = geocode(territory=armentieres, query="8 rue ailleurs zzz")
    assert online.candidates[0].source == "Géoplateforme"
    assert len(fake.requests) == 1


def test_disabled_means_no_request_and_no_error(armentieres, settings):
    settings.GEOCODER_URL = ""
    assert not geocoding_available(territory=armentieres)
    answer = geocode(territory=armentieres, query="3 rue fictive")
    assert answer.candidates == [] and answer.error is None
