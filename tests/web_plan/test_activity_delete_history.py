"""Deleting a journal entry from the web page keeps who deleted it in the history."""

from __future__ import annotations

from django.urls import reverse

from maillage.accounts.models import ChangeRecord
from maillage.plan.models import Activity


def test_web_delete_records_the_user_who_deleted_the_entry(
    coordinator_client, coordinator, activity, armentieres
):
    pk = activity.pk
    url = reverse("web:plan-activity-delete", args=[armentieres.slug, pk])
    response = coordinator_client.post(url)
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=pk).exists()
    record = ChangeRecord.objects.get(
        content_type__app_label="plan",
        content_type__model="activity",
        object_id=str(pk),
        action="delete",
    )
    assert record.user == coordinator
    assert record.territory == armentieres
    assert record.before["title"] == "Groupe de travail AVS"
