"""structure_search: free text without accents or case, age, distances in metres, pages."""

from __future__ import annotations

import math

import pytest

from maillage.directory.models import Service, Structure
from maillage.directory.selectors import parcours, structure_geojson, structure_search
from maillage.territory.geo import lonlat_to_l93
from maillage.territory.services import territory_touch

ARMENTIERES_COLLEGES = {"0593246H", "0594397J", "0592946G", "0595382E"}


def _names(page):
    return [h.structure.name for h in page.results]


def test_college_finds_the_four_colleges_of_armentieres(armentieres):
    page = structure_search(territory=armentieres, q="college", commune="59017", limit=500)
    assert {h.structure.uai for h in page.results} == ARMENTIERES_COLLEGES
    everywhere = structure_search(territory=armentieres, q="college", limit=500)
    assert ARMENTIERES_COLLEGES <= {h.structure.uai for h in everywhere.results}


@pytest.mark.parametrize("q", ["ROSTAND", "rostand", "Collège Jean Rostand", "jean  ROSTAND"])
def test_rostand_in_any_case_finds_the_college(armentieres, q):
    names = _names(structure_search(territory=armentieres, q=q))
    assert names == ["Collège Jean Rostand"]


def test_accents_and_words_in_any_order(armentieres):
    accented = _names(structure_search(territory=armentieres, q="crèche", limit=500))
    plain = _names(structure_search(territory=armentieres, q="CRECHE", limit=500))
    assert accented == plain and "Crèche d'entreprise de l'EPSM" in plain
    assert _names(structure_search(territory=armentieres, q="epsm entreprise")) == [
        "Crèche d'entreprise de l'EPSM"
    ]
    assert structure_search(territory=armentieres, q="xyzzy introuvable").total == 0


def test_typology_labels_are_searchable(armentieres):
    names = _names(structure_search(territory=armentieres, q="maternelle", limit=500))
    # The Annuaire types schools: a « primaire » has a maternelle level but not in its name.
    assert "École maternelle Gambetta" in names


def test_age_one_returns_childcare_and_not_lycees(armentieres):
    page = structure_search(territory=armentieres, age=1, limit=500)
    codes = {h.structure.typology_code for h in page.results}
    assert {"eaje-creche-collective", "eaje-multi-accueil", "eaje-creche-entreprise"} <= codes
    assert "lycee" not in codes and "college" not in codes
    epsm = next(h for h in page.results if h.structure.name == "Crèche d'entreprise de l'EPSM")
    assert [s.capacity for s in epsm.services] == [15]
    ados = structure_search(territory=armentieres, age=16, limit=500)
    assert "lycee" in {h.structure.typology_code for h in ados.results}
    assert "eaje-multi-accueil" not in {h.structure.typology_code for h in ados.results}


def test_thematique_typology_family_and_commune_filters(armentieres):
    garde = structure_search(territory=armentieres, thematique="famille--garde-denfants", limit=500)
    assert "Multi-accueil municipal (2 lieux)" in _names(garde)
    famille = structure_search(territory=armentieres, thematique="famille", limit=500)
    assert set(_names(garde)) <= set(_names(famille))
    eaje = structure_search(territory=armentieres, typology="EAJE", limit=500)
    assert {h.structure.typology_family for h in eaje.results} == {"EAJE"}
    nieppe = structure_search(territory=armentieres, commune="Nieppe", limit=500)
    assert nieppe.total > 0 and {h.structure.commune_code for h in nieppe.results} == {"59431"}


def test_near_sorts_by_lambert93_metres_and_leaves_out_structures_to_locate(armentieres):
    rostand = Structure.objects.get(territory=armentieres, uai="0594397J")
    page = structure_search(territory=armentieres, near=(rostand.lon, rostand.lat), limit=500)
    assert page.results[0].structure.uai == "0594397J"
    assert page.results[0].distance_m == pytest.approx(0, abs=0.5)
    distances = [h.distance_m for h in page.results]
    assert distances == sorted(distances)
    assert all(h.structure.located for h in page.results)
    unlocated = Structure.objects.filter(
        territory=armentieres, x_l93__isnull=True, declared_only=False
    ).count()  # the CTG's declared-only supply is no public fiche
    assert page.unlocated_excluded == unlocated > 0
    assert page.warnings and "à localiser" in page.warnings[0]
    # The distance is the Lambert-93 one, computed here independently with pyproj.
    desrousseaux = next(h for h in page.results if h.structure.uai == "0593246H")
    x0, y0 = lonlat_to_l93(rostand.lon, rostand.lat)
    x1, y1 = lonlat_to_l93(desrousseaux.structure.lon, desrousseaux.structure.lat)
    assert desrousseaux.distance_m == pytest.approx(math.hypot(x1 - x0, y1 - y0), abs=0.5)
    assert 1000 < desrousseaux.distance_m < 2500  # two collèges of the same town
    near = structure_search(
        territory=armentieres, near=(rostand.lon, rostand.lat), radius_m=600, limit=500
    )
    assert 0 < near.total < page.total
    assert all(h.distance_m <= 600 for h in near.results)


def test_bbox_and_quartier(armentieres):
    rostand = Structure.objects.get(territory=armentieres, uai="0594397J")
    box = (rostand.lon - 0.001, rostand.lat - 0.001, rostand.lon + 0.001, rostand.lat + 0.001)
    assert "Collège Jean Rostand" in _names(structure_search(territory=armentieres, bbox=box))
    iris = rostand.zones.get(kind="iris")
    in_iris = structure_search(territory=armentieres, quartier=iris.code, limit=500)
    assert "Collège Jean Rostand" in _names(in_iris)
    assert all(iris.code in h.structure.zones for h in in_iris.results)


def test_pages_never_skip_nor_repeat(armentieres):
    full = structure_search(territory=armentieres, limit=500)
    seen = []
    offset = 0
    while True:
        page = structure_search(territory=armentieres, limit=7, offset=offset)
        assert page.total == full.total
        if not page.results:
            break
        seen += [h.structure.id for h in page.results]
        offset += 7
    assert seen == [h.structure.id for h in full.results]
    assert len(set(seen)) == full.total


def test_unpublished_structures_are_hidden_by_default(armentieres):
    Structure.objects.filter(territory=armentieres, uai="0594397J").update(published=False)
    assert structure_search(territory=armentieres, q="rostand").total == 0
    assert structure_search(territory=armentieres, q="rostand", published_only=False).total == 1


def test_geojson_has_only_located_structures(armentieres):
    data = structure_geojson(territory=armentieres, typology="college")
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["name"] for f in data["features"]} >= {"Collège Jean Rostand"}
    for f in data["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 2.7 < lon < 3.0 and 50.6 < lat < 50.8
    everything = structure_geojson(territory=armentieres)
    total = structure_search(territory=armentieres, limit=500).total
    assert len(everything["features"]) + everything["unlocated"] == total


def test_parcours_by_age_band(armentieres):
    petits = parcours(territory=armentieres, age_band="0-3")
    names = {s.name for g in petits.groups for s in g.structures}
    assert "Relais Petite Enfance (RPE)" in names and "Crèche municipale" in names
    assert not any(s.typology_code == "lycee" for g in petits.groups for s in g.structures)
    parents = parcours(territory=armentieres, age_band="parents")
    assert "Lieu d'accueil enfants-parents (LAEP)" in {
        s.name for g in parents.groups for s in g.structures
    }
    ados = parcours(territory=armentieres, age_band="11-17")
    assert {"college", "lycee"} <= {s.typology_code for g in ados.groups for s in g.structures}
    with pytest.raises(ValueError, match="inconnue"):
        parcours(territory=armentieres, age_band="18-25")


def test_open_now_on_a_result(armentieres):
    from datetime import datetime

    from maillage.directory.services import structure_update

    rostand = Structure.objects.get(territory=armentieres, uai="0594397J")
    hit = structure_search(territory=armentieres, q="rostand").results[0]
    assert hit.structure.is_open(datetime(2026, 11, 27, 10, 0)) is None  # hours unknown
    structure_update(structure=rostand, opening_hours="Mo-Fr 08:00-17:00; PH off")
    hit = structure_search(territory=armentieres, q="rostand").results[0]
    assert hit.structure.is_open(datetime(2026, 11, 27, 10, 0)) is True
    assert hit.structure.is_open(datetime(2026, 11, 28, 10, 0)) is False


def test_typology_keywords_and_thematique_labels_are_searchable(armentieres):
    # « crèche » also finds the multi-accueil and the halte-garderie (typology keywords).
    creches = _names(structure_search(territory=armentieres, q="creche", limit=500))
    assert "Multi-accueil municipal (2 lieux)" in creches
    assert "Halte-garderie de la Maison parent-enfant (quartier Salengro)" in creches
    # A data·inclusion thématique label: « parentalité » finds the LAEP.
    parentalite = _names(structure_search(territory=armentieres, q="parentalité", limit=500))
    assert "Lieu d'accueil enfants-parents (LAEP)" in parentalite
    assert "Collège Jean Rostand" not in parentalite


def test_public_falls_back_to_the_typology_defaults(armentieres):
    familles = structure_search(territory=armentieres, public="familles", limit=500)
    codes = {h.structure.typology_code for h in familles.results}
    assert {"eaje-multi-accueil", "laep", "ecole-maternelle"} <= codes
    assert "lycee" not in codes
    jeunes = structure_search(territory=armentieres, public="jeunes", limit=500)
    jeunes_codes = {h.structure.typology_code for h in jeunes.results}
    assert {"college", "lycee"} <= jeunes_codes and "eaje-micro-creche" not in jeunes_codes
    assert "centre-social" in jeunes_codes  # « tous publics » welcomes every public
    # A service's own publics win over the typology's.
    epsm = Service.objects.get(structure__source_id="creche-entreprise-epsm")
    epsm.publics = ["actifs"]
    epsm.save()
    territory_touch(territory=armentieres)  # a write outside the services must say so
    names = _names(structure_search(territory=armentieres, public="familles", limit=500))
    assert "Crèche d'entreprise de l'EPSM" not in names
    names = _names(structure_search(territory=armentieres, public="actifs", limit=500))
    assert "Crèche d'entreprise de l'EPSM" in names
