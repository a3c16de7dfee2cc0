"""API writes of the directory: the partner's proposal flow, drafts, French 422s, token reads."""

from __future__ import annotations

import pytest
from accounts.api_helpers import API, call, callers
from accounts.roles import fingerprint
from django.test import Client

from maillage.accounts.models import ChangeRecord, PendingChange
from maillage.directory.models import Service, Structure

ARMENTIERES = {"territory": "armentieres"}


@pytest.fixture
def world(armentieres, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return callers(armentieres)


def _draft(world, name="Structure brouillon de test"):
    """A structure created by partner A through the API (a draft)."""
    response = call(
        "POST",
        f"{API}/structures",
        {"territory": "armentieres", "name": name, "organisation": world.orgs.a.slug},
        world.headers["partner_a"],
    )
    assert response.status_code == 201, response.content
    return response.json()["structure"]


def test_partner_edit_of_published_structure_waits_and_coordinator_validates(world):
    structure = world.orgs.structure_a
    old_name, new_name = structure.name, f"{structure.name} (nouveau nom)"
    url = f"{API}/structures/{structure.pk}"

    response = call("PATCH", url, {"name": new_name}, world.headers["partner_a"])

    assert response.status_code == 202
    pending = response.json()
    assert pending["status"] == "pending" and pending["fields"] == ["name"]
    assert pending["changes"] == {"name": new_name} and pending["before"] == {"name": old_name}
    structure.refresh_from_db()
    assert structure.name == old_name  # the published data is unchanged
    public = call("GET", f"{url}?territory=armentieres").json()
    assert public["structure"]["name"] == old_name

    listed = call(
        "GET", f"{API}/territories/armentieres/pending", headers=world.headers["coordinator"]
    )
    assert [p["id"] for p in listed.json()] == [pending["id"]]
    validate = f"{API}/territories/armentieres/pending/{pending['id']}/validate"
    response = call("POST", validate, {"comment": "Vérifié."}, world.headers["coordinator"])

    assert response.status_code == 200 and response.json()["status"] == "validated"
    structure.refresh_from_db()
    assert structure.name == new_name
    assert call("GET", f"{url}?territory=armentieres").json()["structure"]["name"] == new_name
    record = ChangeRecord.objects.filter(object_id=str(structure.pk)).order_by("-pk").first()
    assert record.action == ChangeRecord.Action.VALIDATE
    assert record.user == world.users.partner_a
    assert world.users.coordinator.get_username() in record.note
    assert record.after["name"] == new_name
    again = call("POST", validate, {}, world.headers["coordinator"])
    assert again.status_code == 422 and "déjà été examinée" in again.json()["detail"]


def test_rejected_proposal_leaves_the_structure_as_published(world):
    structure = world.orgs.structure_a
    url = f"{API}/structures/{structure.pk}"
    pending = call("PATCH", url, {"phone": "03 20 00 00 01"}, world.headers["partner_a"]).json()
    reject = f"{API}/territories/armentieres/pending/{pending['id']}/reject"
    refused = call("POST", reject, {}, world.headers["partner_a"])
    assert refused.status_code == 403

    response = call("POST", reject, {"comment": "Numéro à vérifier."}, world.headers["coordinator"])

    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["comment"] == "Numéro à vérifier."
    phone = structure.phone
    structure.refresh_from_db()
    assert structure.phone == phone
    assert PendingChange.objects.get(pk=pending["id"]).status == PendingChange.Status.REJECTED


def test_coordinator_edit_applies_at_once_and_is_in_the_history(world):
    structure = world.orgs.structure_a
    response = call(
        "PATCH",
        f"{API}/structures/{structure.pk}",
        {"opening_hours": "Mo-Fr 09:00-12:00", "typology": structure.typology.code},
        world.headers["coordinator"],
    )
    assert response.status_code == 200, response.content
    assert response.json()["structure"]["opening_hours"] == "Mo-Fr 09:00-12:00"
    structure.refresh_from_db()
    assert structure.opening_hours == "Mo-Fr 09:00-12:00"
    record = ChangeRecord.objects.filter(object_id=str(structure.pk)).order_by("-pk").first()
    assert record.user == world.users.coordinator and record.action == "update"


def test_partner_creates_a_draft_for_their_own_organisation_only(world):
    before = fingerprint()
    other = call(
        "POST",
        f"{API}/structures",
        {
            "territory": "armentieres",
            "name": "Structure de test",
            "organisation": world.orgs.b.slug,
        },
        world.headers["partner_a"],
    )
    assert other.status_code == 403 and "propre organisation" in other.json()["detail"]
    published = call(
        "POST",
        f"{API}/structures",
        {
            "territory": "armentieres",
            "name": "Structure de test",
            "organisation": world.orgs.a.slug,
            "published": True,
        },
        world.headers["partner_a"],
    )
    assert published.status_code == 403 and "brouillon" in published.json()["detail"]
    assert fingerprint() == before

    draft = _draft(world)

    assert draft["published"] is False and draft["organisation"] == world.orgs.a.name
    stored = Structure.objects.get(pk=draft["id"])
    assert not stored.published and stored.organisation == world.orgs.a


def test_partner_edits_their_draft_directly_but_neither_publishes_nor_moves_it(world):
    draft = _draft(world)
    url = f"{API}/structures/{draft['id']}"
    edited = call("PATCH", url, {"phone": "03 20 00 00 02"}, world.headers["partner_a"])
    assert edited.status_code == 200 and edited.json()["structure"]["phone"] == "03 20 00 00 02"

    before = fingerprint()
    publish = call("PATCH", url, {"published": True}, world.headers["partner_a"])
    move = call("PATCH", url, {"organisation": world.orgs.b.slug}, world.headers["partner_a"])
    assert publish.status_code == 403 and "chargé de coopération" in publish.json()["detail"]
    assert move.status_code == 403 and "organisation" in move.json()["detail"]
    assert fingerprint() == before

    assert call("PATCH", url, {"published": True}, world.headers["coordinator"]).status_code == 200
    assert call("GET", f"{url}?territory=armentieres").json()["structure"]["published"] is True


def test_services_follow_the_same_rules(world):
    structure, service = world.orgs.structure_a, world.orgs.service
    created = call(
        "POST",
        f"{API}/structures/{structure.pk}/services",
        {"name": "Permanence de test", "thematiques": ["famille--garde-denfants"]},
        world.headers["partner_a"],
    )
    assert created.status_code == 201, created.content
    assert created.json()["published"] is False
    assert created.json()["structure_id"] == structure.pk
    refused = call(
        "POST",
        f"{API}/structures/{world.orgs.structure_b.pk}/services",
        {"name": "Permanence de test"},
        world.headers["partner_a"],
    )
    assert refused.status_code == 403

    old = service.capacity
    new = (old or 0) + 1
    url = f"{API}/services/{service.pk}"
    proposal = call("PATCH", url, {"capacity": new}, world.headers["partner_a"])
    assert proposal.status_code == 202 and proposal.json()["object_type"] == "directory.service"
    assert Service.objects.get(pk=service.pk).capacity == old
    applied = call("PATCH", url, {"capacity": new}, world.headers["coordinator"])
    assert applied.status_code == 200 and applied.json()["capacity"] == new
    assert Service.objects.get(pk=service.pk).capacity == new


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"opening_hours": "n'importe quand"}, "opening_hours", ""),
        ({"couleur": "bleu"}, "couleur", "champ inconnu"),
        ({"name": "x" * 5000}, "name", "200 caractères au plus"),
        ({"name": "nul\x00"}, "name", "caractères de contrôle"),
        ({"grouped_count": "beaucoup"}, "grouped_count", "nombre entier attendu"),
        ({"grouped_count": 10**30}, "grouped_count", "inférieure ou égale"),
        ({"lon": 2.88}, "lat", "vont ensemble"),
        ({"email": "pas-une-adresse"}, "email", "adresse"),
        ({"typology": "inconnue"}, "typology", "inconnue"),
        ({"position_precision": "au jugé"}, "position_precision", "exact"),
        ({"published": "peut-être"}, "published", "booléen"),
        ({}, "body", "aucun champ"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(world, body, field, fragment):
    url = f"{API}/structures/{world.orgs.structure_a.pk}"
    before = fingerprint()
    response = call("PATCH", url, body, world.headers["coordinator"])
    assert response.status_code == 422, response.content
    data = response.json()
    assert field in data["errors"], data
    assert field in data["detail"]
    assert fragment.lower() in " ".join(data["errors"][field]).lower()
    assert fingerprint() == before


@pytest.mark.parametrize(
    "raw", ["{pas du json", '["une", "liste"]', '"texte"', "null", b"\xff\xfe", "1e999"]
)
def test_malformed_bodies_are_refused_in_french(world, raw):
    before = fingerprint()
    response = call("POST", f"{API}/structures", raw, world.headers["coordinator"])
    assert response.status_code in (400, 422), response.content
    assert response.json()["detail"][:1].isupper()
    assert fingerprint() == before


def test_unknown_or_malformed_ids(world):
    headers = world.headers["coordinator"]
    missing = call("PATCH", f"{API}/structures/999999999", {"name": "x"}, headers)
    assert missing.status_code == 404 and "introuvable" in missing.json()["detail"]
    assert call("PATCH", f"{API}/services/999999999", {"name": "abc"}, headers).status_code == 404
    malformed = call("PATCH", f"{API}/structures/abc", {"name": "x"}, headers)
    assert malformed.status_code == 400 and "invalide" in malformed.json()["detail"]
    unknown_territory = call(
        "POST", f"{API}/structures", {"territory": "nulle-part", "name": "x"}, headers
    )
    assert unknown_territory.status_code == 422
    assert "territory" in unknown_territory.json()["errors"]


# --------------------------------------------------------------------------- reads with a token


def test_drafts_are_read_with_an_observer_or_coordinator_token_only(world):
    draft = _draft(world, name="Ludothèque brouillon de test")
    url = f"{API}/structures/{draft['id']}"
    search = {"territory": "armentieres", "q": "ludotheque brouillon"}

    # The public first (its search index is built), then the roles that see drafts.
    assert call("GET", f"{url}?territory=armentieres").status_code == 404
    assert get(f"{API}/structures", world, "anonymous", search).json()["total"] == 0
    assert (
        call("GET", f"{url}?territory=armentieres", headers=world.headers["partner_b"]).status_code
        == 404
    )
    for role in ("observer", "coordinator"):
        response = get(url, world, role, {"territory": "armentieres"})
        assert response.status_code == 200 and response.json()["structure"]["published"] is False
        assert response["Cache-Control"] == "private, no-store"
        assert "Authorization" in response["Vary"]
        found = get(f"{API}/structures", world, role, search)
        assert [h["structure"]["id"] for h in found.json()["results"]] == [draft["id"]]
    # And the public again, after the draft-including index exists: still nothing.
    assert call("GET", f"{url}?territory=armentieres").status_code == 404
    assert get(f"{API}/structures", world, "anonymous", search).json()["total"] == 0


def test_geojson_includes_drafts_for_the_coordinator(world):
    structure = Structure.objects.filter(published=True, x_l93__isnull=False).first()
    withdraw = {"published": False}
    call("PATCH", f"{API}/structures/{structure.pk}", withdraw, world.headers["coordinator"])

    def ids(role):
        features = get(f"{API}/structures/geojson", world, role, ARMENTIERES).json()["features"]
        return {f["id"] for f in features}

    assert structure.pk in ids("coordinator")
    assert structure.pk not in ids("anonymous")


@pytest.mark.parametrize("caller", ["unknown_token", "revoked_token", "inactive"])
def test_a_bad_token_on_a_read_is_refused_never_public(world, caller):
    for url in (
        f"{API}/structures",
        f"{API}/structures/geojson",
        f"{API}/structures/{world.orgs.structure_a.pk}",
    ):
        response = get(url, world, caller, ARMENTIERES)
        assert response.status_code == 401 and "Jeton" in response.json()["detail"]
    malformed = call("GET", f"{API}/structures", headers={"HTTP_AUTHORIZATION": "Basic eDp5"})
    assert malformed.status_code == 401


def get(url, world, role, params=None):
    return Client().get(url, params or {}, **world.headers[role])


def test_the_draft_rule_lives_in_the_service(world, armentieres):
    """A future web form shares the rule: the service itself makes a partner's fiche a draft."""
    from maillage.directory.services import service_create, structure_create

    structure = structure_create(
        territory=armentieres,
        name="Structure de test",
        organisation=world.orgs.a,
        user=world.users.partner_a,
    )
    service = service_create(
        structure=structure, name="Service de test", user=world.users.coordinator
    )
    assert not structure.published and service.published
    mine = service_create(structure=structure, name="Autre service", user=world.users.partner_a)
    assert not mine.published
