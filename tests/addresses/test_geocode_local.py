"""Local geocoding on the BAN table (exemple fictif streets of Armentières): what a coordinator
types — abbreviated, without accents, in capitals, with « bis » — finds the published address,
with a score in 0..1 that ranks the exact address first."""

from __future__ import annotations

import pytest

from maillage.addresses.models import Address
from maillage.addresses.normalize import parse_query, street_key
from maillage.addresses.selectors import geocode, geocoding_available, local_available, locate


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.GEOCODER_URL = ""  # the local table answers alone


def best(territory, query):
    answer = geocode(territory=territory, query=query)
    assert answer.error is None
    assert answer.candidates, query
    return answer.candidates[0]


def position(**where):
    a = Address.objects.get(code_insee="59017", **where)
    return a.lon, a.lat


@pytest.mark.parametrize(
    ("typed", "voie"),
    [
        ("3 av du Gal Fictif", "Avenue du Général Fictif"),
        ("3 AVENUE DU GENERAL FICTIF", "Avenue du Général Fictif"),
        ("3 bd de l'exemple fictif", "Boulevard de l'Exemple Fictif"),
        ("3 r fictive des tilleuls", "Rue Fictive des Tilleuls"),
        ("3 pl. fictive de l eglise", "Place Fictive de l'Église"),
        ("3 chem fictif des pres", "Chemin Fictif des Prés"),
        ("3 imp fictive du moulin", "Impasse Fictive du Moulin"),
        ("3 all des erables fictifs", "Allée des Érables Fictifs"),
        ("3 rte fictive de la gare", "Route Fictive de la Gare"),
        ("3 fg fictif st exemple", "Faubourg Fictif Saint-Exemple"),
        ("3 sq fictif des ecoles", "Square Fictif des Écoles"),
        ("3 Allée des Érables Fictifs, 59280 Armentières", "Allée des Érables Fictifs"),
    ],
)
def test_abbreviations_accents_and_case_find_the_street(armentieres, loaded, typed, voie):
    found = best(armentieres, typed)
    assert found.source == "BAN"
    assert found.label == f"3 {voie} 59280 Armentières"
    assert (found.lon, found.lat) == position(nom_voie=voie, numero=3, rep="")
    assert 0.9 <= found.score <= 1.0


def _a_number_with(rep: str) -> Address:
    return Address.objects.filter(code_insee="59017", rep=rep).order_by("nom_voie", "numero")[0]


@pytest.mark.parametrize("written", ["{n} bis", "{n}bis", "{n} BIS", "{n} b"])
def test_bis_is_told_apart_from_the_plain_number(armentieres, loaded, written):
    target = _a_number_with("bis")
    typed = written.format(n=target.numero) + " " + target.nom_voie
    found = best(armentieres, typed)
    assert (found.lon, found.lat) == (target.lon, target.lat)
    assert found.label.startswith(f"{target.numero} bis ")
    if " b" in written.lower() and "bis" not in written.lower():
        assert found.score < 1.0  # « b » is another spelling, not the exact index


def test_ter_and_the_plain_number_are_different_answers(armentieres, loaded):
    target = _a_number_with("ter")
    ter = best(armentieres, f"{target.numero} ter {target.nom_voie}")
    assert ter.label.startswith(f"{target.numero} ter ") and ter.score == 1.0
    plain = geocode(territory=armentieres, query=f"{target.numero} {target.nom_voie}")
    first = plain.candidates[0]
    assert not first.label.startswith(f"{target.numero} ter ") or first.score < ter.score


def test_a_number_the_street_lacks_gives_a_neighbour_with_a_lower_score(armentieres, loaded):
    found = best(armentieres, "250 rue fictive des tilleuls")
    assert found.label.endswith("Rue Fictive des Tilleuls 59280 Armentières")
    assert found.score < 0.7
    street_only = best(armentieres, "rue fictive des tilleuls")
    assert street_only.kind == "street" and "milieu de la voie" in street_only.label


def test_scores_rank_the_exact_address_first_and_stay_in_0_1(armentieres, loaded):
    answer = geocode(territory=armentieres, query="12 rue fictive jean exempel", limit=5)
    assert answer.candidates[0].label.startswith("12 ")
    assert "Rue Fictive Jean Exemple" in answer.candidates[0].label
    scores = [c.score for c in answer.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] < 1.0  # a typo costs something


def test_an_unknown_street_proposes_nothing(armentieres, loaded):
    assert geocode(territory=armentieres, query="8 rue de nulle part zzz").candidates == []
    assert locate(territory=armentieres, query="8 rue de nulle part zzz").startswith(
        "Adresse introuvable"
    )


def test_locate_gives_the_best_position(armentieres, loaded):
    target = _a_number_with("")
    assert locate(territory=armentieres, query=f"{target.numero} {target.nom_voie}") == (
        target.lon,
        target.lat,
    )


def test_without_table_nor_service_nothing_is_available(armentieres):
    assert not local_available(territory=armentieres)
    assert not geocoding_available(territory=armentieres)
    assert geocode(territory=armentieres, query="1 rue fictive").candidates == []


def test_a_reload_is_seen_by_the_next_query(armentieres, loaded, tmp_path):
    from maillage.addresses.fictif import ban_row, write_ban_file
    from maillage.addresses.services import ban_load

    from .conftest import ARMENTIERES

    assert best(armentieres, "3 av du gal fictif")
    row = ban_row(commune=ARMENTIERES, nom_voie="Rue Fictive Nouvelle", numero=7, lon=2.9, lat=50.7)
    ban_load(territory=armentieres, path=write_ban_file(tmp_path / "n.csv", [row]))
    assert best(armentieres, "7 r fictive nouvelle").label.startswith("7 Rue Fictive Nouvelle")
    assert geocode(territory=armentieres, query="3 av du gal fictif").candidates == []


def test_query_reading():
    q = parse_query("21 bis, r. de l'Église 59280 ARMENTIÈRES", commune_names=("armentieres",))
    assert (q.numero, q.rep, q.street, q.postcode) == (21, "bis", "rue eglise", "59280")
    assert parse_query("12 r des tilleuls").rep == ""  # « r » is the street type, not an index
    assert parse_query("4b av foch").rep == "b"
    assert street_key("AVENUE DU GÉNÉRAL DE GAULLE") == street_key("Av. du Gal de Gaulle")


def test_a_load_makes_every_territory_of_its_communes_geocode_locally(armentieres, ban_gz):
    """The « BAN available? » answer is kept per version of a territory's data (it is asked on
    every directory search); a load renews it for the loading territory and for any other one
    holding the same communes (an EPCI around Armentières), without a restart."""
    from maillage.addresses.services import ban_load
    from maillage.territory.models import Territory

    wider = Territory.objects.create(
        slug="epci-exemple-fictif", name="EPCI (exemple fictif)", period_start=2023, period_end=2026
    )
    wider.communes.set(armentieres.communes.all())
    other = Territory.objects.create(
        slug="ailleurs-exemple-fictif",
        name="Ailleurs (exemple fictif)",
        period_start=2023,
        period_end=2026,
    )
    assert not local_available(territory=armentieres)
    assert not local_available(territory=wider)
    assert not local_available(territory=other)
    ban_load(territory=armentieres, path=ban_gz)
    wider.refresh_from_db()
    other_version = other.data_version
    other.refresh_from_db()
    assert local_available(territory=armentieres)
    assert local_available(territory=wider)
    assert not local_available(territory=other)
    assert other.data_version == other_version  # a territory without these communes is untouched
