"""Bad input on « Déclarer un nouveau lieu » and « Ajouter un service »: a French message on the
faulty field, status 400, nothing written (no SQL write, same rows), never a 500."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.accounts.models import ChangeRecord
from maillage.directory.models import Service, Structure

from .roles import fingerprint, make_user, organisations, sql_writes
from .test_partner_create import NAME, place_data, reference, service_data


@pytest.fixture
def partner(armentieres):
    orgs = organisations(armentieres)
    client = Client()
    client.force_login(make_user(armentieres, "partner", orgs.a))
    client.orgs = orgs
    return client


def _far_from_territory(territory) -> tuple[float, float]:
    """Exemple fictif: a dataset position moved one degree south (about 111 km, still in
    France), farther than the 20 km the directory accepts around the territory."""
    ref = reference(territory)
    return ref.lat - 1.0, ref.lon


def _refused(
    client: Client, url: str, data: dict, field: str, message: str, *, rolled_back: bool = False
) -> str:
    """Refused with ``message`` on ``field`` and nothing kept. The form's checks come before
    any SQL write; a position refused by the directory service is rolled back instead
    (``rolled_back``: the place is created, then placed, in one transaction)."""
    before = fingerprint()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 400, (field, response.status_code)
    assert rolled_back or not sql_writes(queries), sql_writes(queries)
    assert fingerprint() == before
    html = unescape(response.content.decode())
    assert "rien n'a été enregistré" in html
    # The message sits on its field (the error paragraph carries the field's id).
    errors = html.split(f'id="id_{field}_error"', 1)
    assert len(errors) == 2, (
        field,
        html[html.find("errorlist") - 300 : html.find("errorlist") + 300],
    )
    assert message in errors[1].split("</p>", 1)[0], (field, errors[1][:300])
    return html


PLACE_ERRORS = [
    ("name", "", "Ce champ est obligatoire."),
    ("name", "x" * 201, "au plus 200 caractères"),
    ("name", "Nom\x00nul", "Le caractère nul n’est pas autorisé."),
    ("typology", "", "Ce champ est obligatoire."),
    ("typology", "999999", "Sélectionnez un choix valide"),
    ("typology", "eaje", "Sélectionnez un choix valide"),
    ("postcode", "5928", "Le code postal compte 5 chiffres."),
    ("postcode", "59A80", "Le code postal compte 5 chiffres."),
    ("commune", "", "Ce champ est obligatoire."),
    ("commune", "999999", "Sélectionnez un choix valide"),
    ("email", "pas-un-courriel", "Saisissez une adresse de courriel valide."),
    ("website", "javascript:alert(1)", "URL valide"),
    ("opening_hours", "lundi au vendredi 9h-17h", "Horaires invalides"),
    ("lat", "abc", "Saisissez un nombre."),
    ("lat", "1e309", "Saisissez un nombre."),
    ("lon", "nan", "Saisissez un nombre."),
    ("position_precision", "au-jugé", "Sélectionnez un choix valide"),
]


@pytest.mark.parametrize(("field", "value", "message"), PLACE_ERRORS)
def test_bad_place_field_is_refused_on_its_field(armentieres, partner, field, value, message):
    url = reverse("web:structure-new", args=["armentieres"])
    _refused(partner, url, place_data(armentieres, **{field: value}), f"lieu-{field}", message)
    assert not Structure.objects.filter(name=NAME).exists()


def test_outside_commune_of_the_territory_is_refused(armentieres, partner):
    """Only the territory's communes and its neighbours are offered."""
    from maillage.territory.models import Commune

    other = Commune.objects.create(insee_code="00000", name="Commune (exemple fictif)")
    url = reverse("web:structure-new", args=["armentieres"])
    page = partner.get(url).content.decode()
    assert "Houplines" in page and other.name not in page
    _refused(
        partner,
        url,
        place_data(armentieres, commune=other.pk),
        "lieu-commune",
        "Sélectionnez un choix valide",
    )


@pytest.mark.parametrize(
    ("lat", "lon", "field", "message"),
    [
        ("ref", "", "lieu-lon", "Longitude et latitude vont ensemble."),
        ("", "ref", "lieu-lat", "Longitude et latitude vont ensemble."),
        ("0", "0", "lieu-lat", "Position hors de France"),  # in the Gulf of Guinea
        ("far", "far", "lieu-lat", "km du territoire"),
    ],
)
def test_bad_position_is_refused_and_the_place_not_created(
    armentieres, partner, lat, lon, field, message
):
    """The position is checked by the directory's ``structure_place`` after the creation, in
    one transaction: a refused position leaves no place and no history behind."""
    ref = reference(armentieres)
    lat = {"ref": ref.lat, "far": _far_from_territory(armentieres)[0]}.get(lat, lat)
    lon = {"ref": ref.lon, "far": _far_from_territory(armentieres)[1]}.get(lon, lon)
    url = reverse("web:structure-new", args=["armentieres"])
    records = ChangeRecord.objects.count()
    data = place_data(armentieres, lat=lat, lon=lon)
    _refused(partner, url, data, field, message, rolled_back=True)
    assert ChangeRecord.objects.count() == records
    assert not Structure.objects.filter(name=NAME).exists()


def test_position_without_precision_is_refused(armentieres, partner):
    url = reverse("web:structure-new", args=["armentieres"])
    _refused(
        partner,
        url,
        place_data(armentieres, position_precision=""),
        "lieu-position_precision",
        "Précision attendue : exacte ou approchée.",
        rolled_back=True,
    )


def test_empty_post_is_a_form_with_errors(armentieres, partner):
    url = reverse("web:structure-new", args=["armentieres"])
    _refused(partner, url, {}, "lieu-name", "Ce champ est obligatoire.")


SERVICE_ERRORS = [
    ("name", "ab", "Le nom du service compte au moins 3 caractères."),
    ("name", "", "Ce champ est obligatoire."),
    ("type", "inconnu", "Sélectionnez un choix valide"),
    ("thematiques", ["famille--inconnue"], "Sélectionnez un choix valide"),
    ("publics", ["martiens"], "Sélectionnez un choix valide"),
    ("age_min", "-1", "L'âge doit être compris entre 0 et 120 ans."),
    ("age_max", "2", "Tranche d'âge inversée"),
    ("age_min", "trois", "Saisissez un nombre."),
    ("capacity", "-5", "Un nombre de places ne peut pas être négatif."),
    ("capacity", "douze", "Saisissez un nombre entier."),
    ("capacity", "99999999999999999999", "inférieure ou égale à"),
    ("childcare_modes", ["nuit"], "Sélectionnez un choix valide"),
    ("frais", "cher", "Sélectionnez un choix valide"),
    ("opening_hours", "tous les jours", "Horaires invalides"),
]


@pytest.mark.parametrize(("field", "value", "message"), SERVICE_ERRORS)
def test_bad_service_field_is_refused_on_its_field(armentieres, partner, field, value, message):
    structure = partner.orgs.structure_a
    url = reverse("web:service-new", args=["armentieres", structure.pk])
    data = service_data(**{field: value})
    if field == "age_max":
        data["age_min"] = "3"
    _refused(partner, url, data, field, message)
    assert not Service.objects.filter(structure=structure, name=data["name"]).exists()


def test_unknown_structure_is_a_404(armentieres, partner):
    url = reverse("web:service-new", args=["armentieres", 999999])
    assert partner.get(url).status_code == 404
    assert partner.post(url, service_data()).status_code == 404


NASTY = ["", " ", "\x00", "x" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "-0", "1e400"]


def test_no_input_gives_a_500(armentieres, partner):
    """Every field of both forms, one nasty value at a time: a page or a redirect, never a
    server error (the client re-raises exceptions of the view)."""
    place_url = reverse("web:structure-new", args=["armentieres"])
    service_url = reverse("web:service-new", args=["armentieres", partner.orgs.structure_a.pk])
    for value in NASTY:
        for key in place_data(armentieres):
            response = partner.post(place_url, place_data(armentieres) | {key: value})
            assert response.status_code in (302, 400), (key, value, response.status_code)
        for key in service_data():
            response = partner.post(service_url, service_data() | {key: value})
            assert response.status_code in (302, 400), (key, value, response.status_code)
