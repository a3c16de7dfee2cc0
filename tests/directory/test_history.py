"""Every change made through the directory's services is kept in the history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from factories import coordinator

from maillage.accounts.history import object_history
from maillage.accounts.models import ChangeRecord
from maillage.directory.models import Service, Structure
from maillage.directory.services import service_create, service_update, structure_update


def _history(obj):
    ct = ContentType.objects.get_for_model(obj)
    return object_history(content_type=ct, object_id=str(obj.pk))


def test_structure_update_keeps_who_and_both_versions(armentieres):
    user = coordinator(armentieres, username="coord", email="c@ville.fr")
    structure = Structure.objects.filter(territory=armentieres, phone="").first()
    structure_update(structure=structure, user=user, phone="03 20 00 00 00")
    record = ChangeRecord.objects.filter(object_id=str(structure.pk)).latest("pk")
    assert record.action == "update" and record.user == user
    assert record.before["phone"] == "" and record.after["phone"] == "03 20 00 00 00"
    assert _history(structure)[0].changes["phone"] == ("", "03 20 00 00 00")


def test_an_update_that_changes_nothing_is_not_recorded(armentieres):
    structure = Structure.objects.filter(territory=armentieres).first()
    before = ChangeRecord.objects.count()
    structure_update(structure=structure, name=structure.name)
    assert ChangeRecord.objects.count() == before


def test_service_creation_and_update_are_recorded(armentieres):
    structure = Structure.objects.filter(territory=armentieres).first()
    service = service_create(structure=structure, name="Atelier parents-enfants")
    service_update(service=service, capacity=12)
    actions = [
        r.action
        for r in ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Service), object_id=str(service.pk)
        ).order_by("pk")
    ]
    assert actions == ["create", "update"]
