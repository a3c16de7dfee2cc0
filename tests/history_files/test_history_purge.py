"""``maillage history purge --before DATE``: old history entries go, and with them the stored
files that only they referenced; files still referenced by a row or a newer entry stay."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.accounts.history_purge import history_purge
from maillage.accounts.models import ChangeRecord
from maillage.cli import main
from maillage.network.services import toolbox_add, toolbox_delete
from maillage.plan.services import activity_delete, activity_record

PDF = b"%PDF-1.4\n% exemple fictif\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)


def _toolbox(territory, user, title):
    return toolbox_add(
        territory=territory,
        user=user,
        title=f"{title} (exemple fictif)",
        description="",
        audience="parents",
        theme="petite-enfance",
        data=PDF,
        filename=f"{title}.pdf",
    )


@pytest.fixture
def files(armentieres, roles):
    """A deleted toolbox document and a deleted journal entry's attachment (referenced by the
    history only), and a current toolbox document (referenced by its row)."""
    deleted = _toolbox(armentieres, roles.coordinator, "supprime")
    kept = _toolbox(armentieres, roles.coordinator, "garde")
    activity = activity_record(
        territory=armentieres,
        date=dt.date(2024, 5, 14),
        kind="groupe de travail",
        title="Groupe de travail AVS",
        axes=[1],
        attachments=[SimpleUploadedFile("compte-rendu.pdf", PDF)],
        is_fictional=True,
    )
    attachment = activity.attachments.get().file.name
    gone = deleted.file.name
    toolbox_delete(item=deleted, user=roles.coordinator)
    activity_delete(activity=activity, user=roles.coordinator)
    assert default_storage.exists(gone) and default_storage.exists(attachment)
    return {"deleted": gone, "attachment": attachment, "kept": kept.file.name}


def test_purge_deletes_old_entries_and_the_files_only_they_referenced(
    files, django_capture_on_commit_callbacks
):
    assert ChangeRecord.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = history_purge(before=TOMORROW)
    assert not ChangeRecord.objects.filter(created_at__date__lte=TODAY).exists()
    assert sorted(report.files) == sorted([files["deleted"], files["attachment"]])
    assert not default_storage.exists(files["deleted"])
    assert not default_storage.exists(files["attachment"])
    assert default_storage.exists(files["kept"])  # its row still references it


def test_purge_keeps_files_a_newer_entry_still_references(
    files, django_capture_on_commit_callbacks
):
    ChangeRecord.objects.filter(object_repr__startswith="supprime").update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = history_purge(before=TODAY - dt.timedelta(days=30))
    # The document's creation and deletion were purged: its file goes; the entry's was not.
    assert report.entries == 2
    assert report.files == [files["deleted"]]
    assert default_storage.exists(files["attachment"]) and default_storage.exists(files["kept"])


def test_dry_run_changes_nothing(files):
    count = ChangeRecord.objects.count()
    report = history_purge(before=TOMORROW, dry_run=True)
    assert report.entries == count and len(report.files) == 2
    assert ChangeRecord.objects.count() == count
    assert all(default_storage.exists(name) for name in files.values())


def test_the_command_prints_what_it_purges_in_french(files, django_capture_on_commit_callbacks):
    runner = CliRunner()
    result = runner.invoke(main, ["history", "purge", "--before", f"{TOMORROW}", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Essai à blanc" in result.output and files["deleted"] in result.output
    assert default_storage.exists(files["deleted"])
    with django_capture_on_commit_callbacks(execute=True):
        result = runner.invoke(main, ["history", "purge", "--before", f"{TOMORROW}"])
    assert result.exit_code == 0, result.output
    assert "2 fichier(s)" in result.output
    assert not default_storage.exists(files["deleted"])
    bad = runner.invoke(main, ["history", "purge", "--before", "31/12/2024"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
