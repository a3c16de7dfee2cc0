"""Editable models register themselves (issue 13, item 2): the directory tells the accounts
app, from its ``AppConfig.ready()``, how its structures and services are checked, applied and
restored; a proposal is checked without any write (no update rolled back), with the same
refusals as the edit itself."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.accounts.editable import editable, editable_for, register_editable
from maillage.accounts.models import PendingChange
from maillage.accounts.services import propose_change
from maillage.directory.models import Structure

from .roles import sql_writes


def test_the_directory_registers_its_structures_and_services():
    for label in ("directory.structure", "directory.service"):
        entry = editable(label)
        assert entry is not None and entry.restore is not None
        assert entry.validate.__module__ == "maillage.directory.editing"


def test_a_model_nobody_registered_cannot_be_proposed(roles):
    with pytest.raises(ValidationError, match="non prise en charge pour accounts.membership"):
        editable_for(roles.coordinator.memberships.first())


def test_one_label_cannot_get_two_registrations():
    entry = editable("directory.structure")
    assert (
        register_editable(
            entry.label, validate=entry.validate, apply=entry.apply, restore=entry.restore
        )
        == entry
    )  # the same registration again (a second ``ready()``) is harmless
    with pytest.raises(ImproperlyConfigured):
        register_editable(entry.label, validate=entry.validate, apply=entry.validate)


def _validate_queries(obj, fields, user):
    """Run the registered check; return its refusal (``None`` when accepted) and the SQL
    captured meanwhile."""
    outcome = None
    with CaptureQueriesContext(connection) as queries:
        try:
            editable_for(obj).validate(obj=obj, fields=fields, user=user)
        except (ValidationError, PermissionDenied) as exc:
            outcome = exc
    return outcome, queries


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Nom proposé (exemple fictif)", "phone": "03 20 00 00 00"},
        {"opening_hours": "lundi 9h-12h"},  # refused: not the OSM syntax
        {"source_label": "CAF du Nord (usurpé, test)"},  # refused: provenance
        {"lon": 5.0, "lat": 45.0},  # refused: far from the territory
    ],
    ids=["allowed", "invalid-hours", "provenance", "far-away"],
)
def test_checking_a_proposal_writes_nothing_not_even_rolled_back(roles, fields):
    structure = roles.orgs.structure_a
    outcome, queries = _validate_queries(structure, fields, roles.partner_a)
    assert sql_writes(queries) == []
    assert not [q for q in queries.captured_queries if "SAVEPOINT" in q["sql"].upper()]
    stored = Structure.objects.get(pk=structure.pk)
    assert (stored.name, stored.opening_hours, stored.lon) == (
        structure.name,
        structure.opening_hours,
        structure.lon,
    )
    if "name" in fields:
        assert outcome is None
    else:
        assert outcome is not None


@pytest.mark.parametrize(
    "fields",
    [
        {"opening_hours": "lundi 9h-12h"},
        {"email": "pas-une-adresse"},
        {"source_url": "https://example.org/source-usurpee"},
        {"published": False},
        {"lon": 5.0, "lat": 45.0},
        {"couleur": "bleu"},
    ],
    ids=["hours", "email", "provenance", "publication", "far-away", "unknown-field"],
)
def test_a_proposal_is_refused_as_the_edit_itself_would_be(roles, fields):
    structure = roles.orgs.structure_a
    entry = editable_for(structure)
    refusals = []
    for run in (entry.validate, entry.apply):
        with pytest.raises((ValidationError, PermissionDenied)) as exc:
            run(obj=Structure.objects.get(pk=structure.pk), fields=fields, user=roles.partner_a)
        refusals.append((type(exc.value), str(exc.value)))
    assert refusals[0] == refusals[1]
    with pytest.raises(refusals[0][0]) as exc:
        propose_change(obj=structure, user=roles.partner_a, fields=fields)
    assert str(exc.value) == refusals[0][1]
    assert not PendingChange.objects.filter(object_id=str(structure.pk)).exists()


def test_a_service_proposal_is_checked_without_writing(roles):
    service = roles.orgs.service
    outcome, queries = _validate_queries(service, {"age_min": 6, "age_max": 3}, roles.partner_a)
    assert isinstance(outcome, ValidationError) and "age_max" in outcome.message_dict
    assert sql_writes(queries) == []
    outcome, queries = _validate_queries(service, {"name": "Accueil (fictif)"}, roles.partner_a)
    assert outcome is None and sql_writes(queries) == []
    assert service.name != "Accueil (fictif)"
