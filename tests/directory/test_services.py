"""Writes: bad input is refused with a French message on the field, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from factories import coordinator as make_coordinator

from maillage.directory.models import Service, Structure
from maillage.directory.selectors import data_quality, structure_search
from maillage.directory.services import (
    service_create,
    service_update,
    structure_create,
    structure_place,
    structure_update,
)
from maillage.directory.validation import messages


@pytest.fixture
def coordinator(armentieres):
    return make_coordinator(armentieres, username="coordination")


@pytest.fixture
def rpe(armentieres):
    return Structure.objects.get(territory=armentieres, source="ctg", source_id="rpe")


def _refused(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    return messages(info.value)


def test_invalid_opening_hours_are_refused_on_the_field(armentieres, rpe):
    count = Structure.objects.count()
    errors = _refused(
        structure_create, territory=armentieres, name="Ludothèque", opening_hours="lundi 9h-12h"
    )
    assert "Horaires invalides" in errors["opening_hours"][0]
    assert Structure.objects.count() == count
    errors = _refused(structure_update, structure=rpe, opening_hours="Mo-Fr 9:00-12")
    assert list(errors) == ["opening_hours"]
    rpe.refresh_from_db()
    assert rpe.opening_hours == ""


def test_coordinates_outside_france_are_refused(armentieres, rpe):
    errors = _refused(
        structure_create, territory=armentieres, name="Crèche à l'envers", lon=50.69, lat=2.88
    )
    assert "hors de France" in errors["lat"][0]
    errors = _refused(
        structure_place,
        structure=rpe,
        lon=-73.98,
        lat=40.75,
        precision="exact",
        source="saisie",
    )
    assert "hors de France" in errors["lat"][0]
    # In France but far from Armentières (Paris): refused too.
    errors = _refused(
        structure_place, structure=rpe, lon=2.35, lat=48.85, precision="exact", source="saisie"
    )
    assert "km du territoire" in errors["lat"][0]
    rpe.refresh_from_db()
    assert rpe.lon is None and rpe.position_precision == Structure.Precision.UNKNOWN


def test_reversed_age_range_and_negative_capacity_are_refused(rpe):
    count = Service.objects.count()
    errors = _refused(service_create, structure=rpe, name="Permanence", age_min=6, age_max=0)
    assert "inversée" in errors["age_max"][0]
    errors = _refused(service_create, structure=rpe, name="Permanence", capacity=-4)
    assert "négatif" in errors["capacity"][0]
    errors = _refused(
        service_create, structure=rpe, name="Permanence", capacity=10, insertion_places=12
    )
    assert "dépasse" in errors["insertion_places"][0]
    errors = _refused(service_create, structure=rpe, name="Permanence", thematiques=["garde"])
    assert "garde" in errors["thematiques"][0]
    assert Service.objects.count() == count
    epsm = Service.objects.get(structure__source_id="creche-entreprise-epsm")
    _refused(service_update, service=epsm, capacity=-15)
    epsm.refresh_from_db()
    assert epsm.capacity == 15


def test_placing_a_structure_to_locate(armentieres, rpe, coordinator):
    version = armentieres.data_version
    assert rpe.pk in {i.id for i in data_quality(territory=armentieres).missing_position}
    # A real position in Armentières: the Collège Jean Rostand's, from the Éducation nationale.
    rostand = Structure.objects.get(territory=armentieres, uai="0594397J")
    structure_place(
        structure=rpe,
        lon=rostand.lon,
        lat=rostand.lat,
        precision="approximate",
        source="test : position d'un autre lieu",
        user=coordinator,
    )
    rpe.refresh_from_db()
    assert (rpe.x_l93, rpe.y_l93) == pytest.approx((rostand.x_l93, rostand.y_l93), abs=0.01)
    assert rpe.position_precision == "approximate"
    assert set(rpe.zones.all()) == set(rostand.zones.all())
    assert rpe.pk not in {i.id for i in data_quality(territory=armentieres).missing_position}
    near = structure_search(territory=armentieres, near=(rostand.lon, rostand.lat), limit=2)
    assert "Relais Petite Enfance (RPE)" in [h.structure.name for h in near.results]
    armentieres.refresh_from_db()
    assert armentieres.data_version > version


def test_only_editors_may_write(rpe, django_user_model):
    visitor = django_user_model.objects.create_user("visiteur")
    with pytest.raises(PermissionDenied):
        structure_update(structure=rpe, phone="03 20 00 00 00", user=visitor)
    rpe.refresh_from_db()
    assert rpe.phone == ""


def test_created_structure_and_service_are_searchable(armentieres, coordinator):
    structure = structure_create(
        territory=armentieres,
        name="Exemple fictif de ludothèque",
        typology="centre-social",
        commune="59017",
        opening_hours="Mo-Fr 09:00-17:00; PH off",
        user=coordinator,
    )
    assert structure.slug == "exemple-fictif-de-ludotheque"
    assert structure.position_precision == Structure.Precision.UNKNOWN
    service_create(
        structure=structure,
        name="Atelier jeux parents-enfants",
        age_min=0,
        age_max=6,
        thematiques=["famille--soutien-a-la-parentalite-et-a-leducation"],
        user=coordinator,
    )
    page = structure_search(territory=armentieres, q="ateliers jeux", limit=5)
    assert page.total == 0  # words must all be contained: « ateliers » is not
    page = structure_search(territory=armentieres, q="atelier JEUX", limit=5)
    assert [h.structure.name for h in page.results] == ["Exemple fictif de ludothèque"]
    assert [s.name for s in page.results[0].services] == ["Atelier jeux parents-enfants"]
    assert structure_search(territory=armentieres, q="ludotheque", age=2).total == 1
    assert structure_search(territory=armentieres, q="ludotheque", age=7).total == 0


def test_model_forms_show_errors_on_their_own_fields_only():
    from django import forms

    class HoursForm(forms.ModelForm):
        class Meta:
            model = Structure
            fields = ["opening_hours", "website"]

    form = HoursForm(data={"opening_hours": "lundi 9h-12h", "website": "exemple.fr"})
    assert not form.is_valid()
    assert list(form.errors) == ["opening_hours"]  # « name » is not in the form
    assert "Horaires invalides" in form.errors["opening_hours"][0]

    class PlacesForm(forms.ModelForm):
        class Meta:
            model = Service
            fields = ["name", "age_min", "age_max", "capacity"]

    form = PlacesForm(data={"name": "Accueil", "age_min": "6", "age_max": "3", "capacity": "-2"})
    assert not form.is_valid()
    assert set(form.errors) == {"age_max", "capacity"}


def test_reindex_rebuilds_search_data_after_bulk_writes(armentieres):
    from maillage.directory.services import structure_reindex_territory

    Structure.objects.filter(territory=armentieres).update(search_text="", sort_name="")
    assert structure_search(territory=armentieres, q="rostand").total == 0
    assert structure_reindex_territory(territory=armentieres) > 0
    assert structure_search(territory=armentieres, q="rostand").total == 1
    assert structure_reindex_territory(territory=armentieres) == 0


def test_imports_keep_the_producers_identifiers(armentieres):
    structure = structure_create(
        territory=armentieres, name="Exemple fictif importé", source="dora", source_id="42"
    )
    assert structure.data_inclusion_id == "dora--42"
    errors = _refused(
        structure_create, territory=armentieres, name="Autre", source="dora", source_id="42"
    )
    assert "déjà utilisé" in errors["source_id"][0]
    service = service_create(structure=structure, name="Accueil", source="dora", source_id="s1")
    assert (service.source, service.source_id) == ("dora", "s1")
    _refused(service_create, structure=structure, name="Accueil", source="dora", source_id="s1")
