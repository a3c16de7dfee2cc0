"""Files survive the deletion of their record while the history references them (issue 12,
item 8): a toolbox document or a journal attachment deleted then restored from the history is
downloaded again byte for byte; a file truly gone is said in French, and a download of a missing
file answers 404, never 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from maillage.accounts.history import restore_change, restore_change_report
from maillage.accounts.models import ChangeRecord
from maillage.network.models import ToolboxItem
from maillage.network.services import toolbox_add, toolbox_delete
from maillage.plan.models import Activity
from maillage.plan.services import activity_delete, activity_record

PDF = b"%PDF-1.4\n% exemple fictif : guide de test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TXT = b"Compte rendu (exemple fictif).\n"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _download(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return response.status_code, body


def _deletion(obj_model, pk):
    return ChangeRecord.objects.get(
        content_type__app_label=obj_model._meta.app_label,
        content_type__model=obj_model._meta.model_name,
        object_id=str(pk),
        action="delete",
    )


@pytest.fixture
def toolbox_item(armentieres, roles):
    return toolbox_add(
        territory=armentieres,
        user=roles.coordinator,
        title="Guide des modes d'accueil (exemple fictif)",
        description="",
        audience="parents",
        theme="petite-enfance",
        data=PDF,
        filename="guide.pdf",
    )


def test_a_deleted_toolbox_document_restored_from_history_downloads_the_same_bytes(
    armentieres, roles, toolbox_item
):
    pk = toolbox_item.pk
    url = reverse("web:toolbox-download", args=["armentieres", pk])
    toolbox_delete(item=toolbox_item, user=roles.coordinator)
    assert _download(Client(), url)[0] == 404
    restore_change(record=_deletion(ToolboxItem, pk), user=roles.coordinator)
    assert _download(Client(), url) == (200, PDF)


def test_restoring_a_toolbox_document_whose_file_is_gone_is_refused_in_french(
    armentieres, roles, toolbox_item
):
    from django.core.exceptions import ValidationError

    pk, name = toolbox_item.pk, toolbox_item.file.name
    toolbox_delete(item=toolbox_item, user=roles.coordinator)
    toolbox_item.file.storage.delete(name)
    with pytest.raises(ValidationError) as exc:
        restore_change(record=_deletion(ToolboxItem, pk), user=roles.coordinator)
    assert "n'est plus dans le stockage" in " ".join(exc.value.messages)
    assert not ToolboxItem.objects.filter(pk=pk).exists()  # nothing half restored


def test_a_toolbox_download_of_a_missing_file_is_not_found(armentieres, toolbox_item):
    toolbox_item.file.storage.delete(toolbox_item.file.name)
    url = reverse("web:toolbox-download", args=["armentieres", toolbox_item.pk])
    status, body = _download(Client(), url)
    assert status == 404
    assert "introuvable" in body.decode()


def _entry(territory, *files):
    return activity_record(
        territory=territory,
        date=dt.date(2024, 5, 14),
        kind="groupe de travail",
        title="Groupe de travail AVS",
        axes=[1],
        attachments=list(files),
        is_fictional=True,
    )


def test_a_deleted_journal_entry_restored_from_history_gets_its_attachments_back(
    armentieres, roles
):
    activity = _entry(
        armentieres,
        SimpleUploadedFile("compte-rendu.pdf", PDF),
        SimpleUploadedFile("notes.txt", TXT),
    )
    pk = activity.pk
    activity_delete(activity=activity, user=roles.coordinator)
    report = restore_change_report(record=_deletion(Activity, pk), user=roles.coordinator)
    assert report.missing == []
    restored = Activity.objects.get(pk=pk)
    attachments = {a.name: a for a in restored.attachments.all()}
    assert set(attachments) == {"compte-rendu.pdf", "notes.txt"}
    client = _client(roles.partner_a)
    for name, data in (("compte-rendu.pdf", PDF), ("notes.txt", TXT)):
        url = reverse("web:plan-attachment", args=["armentieres", attachments[name].pk])
        assert _download(client, url) == (200, data)


def test_an_attachment_whose_file_is_gone_is_named_when_its_entry_is_restored(armentieres, roles):
    activity = _entry(
        armentieres,
        SimpleUploadedFile("compte-rendu.pdf", PDF),
        SimpleUploadedFile("notes.txt", TXT),
    )
    pk = activity.pk
    gone = activity.attachments.get(name="notes.txt")
    activity_delete(activity=activity, user=roles.coordinator)
    gone.file.storage.delete(gone.file.name)
    report = restore_change_report(record=_deletion(Activity, pk), user=roles.coordinator)
    assert [a.name for a in Activity.objects.get(pk=pk).attachments.all()] == ["compte-rendu.pdf"]
    assert report.missing == ["notes.txt"]
    assert "notes.txt" in report.message and "n'a pas pu être restaurée" in report.message


def test_the_web_restore_tells_the_coordinator_which_attachment_cannot_come_back(
    armentieres, roles
):
    activity = _entry(armentieres, SimpleUploadedFile("notes.txt", TXT))
    pk = activity.pk
    gone = activity.attachments.get()
    activity_delete(activity=activity, user=roles.coordinator)
    gone.file.storage.delete(gone.file.name)
    record = _deletion(Activity, pk)
    response = _client(roles.coordinator).post(
        reverse("web:history-restore", args=["armentieres", record.pk]), follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "notes.txt" in text and "n&#x27;a pas pu être restaurée" in text
    assert Activity.objects.filter(pk=pk).exists()


def test_the_history_page_of_a_deleted_entry_with_attachments_shows(armentieres, roles):
    activity = _entry(armentieres, SimpleUploadedFile("notes.txt", TXT))
    pk = activity.pk
    activity_delete(activity=activity, user=roles.coordinator)
    response = _client(roles.coordinator).get(
        reverse("web:history", args=["armentieres", "plan.activity", pk])
    )
    assert response.status_code == 200
    assert "notes.txt" in response.content.decode()
