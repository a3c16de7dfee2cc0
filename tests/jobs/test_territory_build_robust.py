"""« Créer un territoire », the limits closed: one load of a territory at a time (a claim the
database refuses twice), a failure after the load keeps the territory linked, the built folder
pruned with its job, the ZIP written on disk.

The national files are the real ones cut to Roubaix (``tests/territory_build/data``). No sleep
and no timing: the second request is driven while the first holds the claim (same connection,
or another thread's connection waiting on an event)."""

from __future__ import annotations

import datetime as dt
import os
import threading
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.jobs import territory_build as tb
from maillage.jobs.models import Job, TerritoryClaim
from maillage.jobs.services import job_prune
from maillage.jobs.tasks import run_job
from maillage.jobs.territory_build import (
    LoadRefused,
    folder_zip,
    territory_claim,
    territory_create,
    territory_job_run,
    territory_job_start,
)
from maillage.territory.models import Territory

NATIONAL = Path(__file__).resolve().parents[1] / "territory_build" / "data" / "national_roubaix"
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def folders(settings, tmp_path):
    settings.JOBS_DIR = tmp_path / "taches"
    settings.TERRITORY_BUILDS_DIR = tmp_path / "territoires"
    settings.NATIONAL_SOURCES = NATIONAL
    settings.TASKS = DATABASE
    return tmp_path


@pytest.fixture
def staff(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        "equipe@example.org", password="x-Long-Pass-42", is_staff=True
    )
    client = Client()
    client.force_login(user)
    return client


def _roubaix_job(**kw) -> Job:
    return territory_job_start(sources=NATIONAL, communes=["59512"], epci="", load=True, **kw)


# --------------------------------------------------------------------------- one load at a time


def test_a_second_build_while_the_first_loads_is_refused_in_french(folders, db, monkeypatch):
    """Job B runs while job A holds the claim of « roubaix » (inside A's load): B is refused
    with a French message, writes nothing in the database; A then loads Roubaix."""
    first, second = _roubaix_job(), _roubaix_job()
    real_load = tb.load_dataset
    seen: dict[str, object] = {}

    def load_while_another_runs(path, **kw):
        if "second" not in seen:
            seen["claims"] = list(TerritoryClaim.objects.values_list("slug", "job_id"))
            seen["second"] = territory_job_run(job_id=str(second.pk))
            seen["roubaix during B"] = Territory.objects.filter(slug="roubaix").exists()
        return real_load(path, **kw)

    monkeypatch.setattr(tb, "load_dataset", load_while_another_runs)
    assert run_job.call(str(first.pk)) == "pret"

    assert seen["claims"] == [("roubaix", first.pk)]
    assert seen["second"] == "echec" and seen["roubaix during B"] is False
    second.refresh_from_db()
    assert second.message.startswith("Territoire non chargé, dossier écrit dans ")
    assert "un autre chargement du territoire « roubaix » est en cours (depuis le " in (
        second.message
    )
    assert "Rien n'a été écrit dans la base" in second.message
    assert second.territory is None and second.stored == ""
    first.refresh_from_db()
    assert first.state == "pret" and first.territory == Territory.objects.get(slug="roubaix")
    assert Territory.objects.filter(slug="roubaix").count() == 1
    assert not TerritoryClaim.objects.exists()  # released
    # Once the first is done, the territory exists: a third request is refused as before.
    third = _roubaix_job()
    assert run_job.call(str(third.pk)) == "echec"
    third.refresh_from_db()
    assert "« roubaix » existe déjà" in third.message


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_refused_from_another_connection(folders):
    """Thread A (its own database connection) builds Roubaix and stops once it holds the
    claim, before its load; the main connection's claim of the same slug is refused by the
    database at once. A then loads; the claim is free again."""
    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def progress(message: str) -> None:
        if message.startswith("Chargement du territoire"):
            holding.set()
            release.wait(120)  # a guard against a hung test, not a timing

    def first() -> None:
        try:
            outcome["a"] = territory_create(
                sources=NATIONAL,
                output=folders / "territoires" / "a",
                communes=["59512"],
                load=True,
                progress=progress,
            )
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            outcome["a"] = exc
            holding.set()
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert holding.wait(300)
        assert list(TerritoryClaim.objects.values_list("slug", flat=True)) == ["roubaix"]
        with pytest.raises(LoadRefused) as refused:
            with territory_claim("roubaix", output=folders / "territoires" / "b"):
                pytest.fail("two claims of roubaix at once")
        assert "un autre chargement du territoire « roubaix » est en cours" in str(refused.value)
        assert f"maillage load {folders / 'territoires' / 'b'}" in str(refused.value)
        assert not Territory.objects.filter(slug="roubaix").exists()
    finally:
        release.set()
        thread.join()
    assert isinstance(outcome["a"], tb.TerritoryCreated), outcome["a"]
    assert Territory.objects.filter(slug="roubaix").count() == 1
    assert not TerritoryClaim.objects.exists()
    with territory_claim("roubaix"):  # free again
        assert TerritoryClaim.objects.count() == 1


def test_a_claim_left_by_a_killed_worker_is_taken_over(db):
    left = TerritoryClaim.objects.create(slug="roubaix")
    with pytest.raises(LoadRefused, match="un autre chargement"):
        with territory_claim("roubaix"):
            pass
    TerritoryClaim.objects.filter(pk=left.pk).update(
        claimed_at=timezone.now() - tb.CLAIM_STALE_AFTER - dt.timedelta(minutes=1)
    )
    with territory_claim("roubaix"):
        assert list(TerritoryClaim.objects.values_list("pk", flat=True)) != [left.pk]
    assert not TerritoryClaim.objects.exists()


def test_a_territory_created_between_the_check_and_the_load_is_not_updated(
    folders, db, monkeypatch
):
    """« maillage load » (which takes no claim) creates Roubaix after the « exists? » check:
    the page's load sees it was not the one creating it and writes nothing."""
    real_load = tb.load_dataset

    def created_meanwhile(path, **kw):
        Territory.objects.create(slug="roubaix", name="Roubaix (autre chargement)")
        return real_load(path, **kw)

    monkeypatch.setattr(tb, "load_dataset", created_meanwhile)
    with pytest.raises(LoadRefused) as refused:
        territory_create(
            sources=NATIONAL, output=folders / "territoires" / "x", communes=["59512"], load=True
        )
    assert "« roubaix » a été créé entre-temps par un autre chargement" in str(refused.value)
    assert "rien n'a été écrit dans la base" in str(refused.value)
    assert not Territory.objects.filter(slug="roubaix").exists()  # all of it rolled back
    assert not TerritoryClaim.objects.exists()


# --------------------------------------------------------------------------- after the load


def test_a_zip_failure_after_the_load_keeps_the_territory_linked(folders, staff, monkeypatch):
    job = _roubaix_job()

    def disk_full(folder, target, *, root):
        Path(target).write_bytes(b"PK")  # half an archive, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tb, "folder_zip", disk_full)
    assert run_job.call(str(job.pk)) == "echec"
    job.refresh_from_db()
    roubaix = Territory.objects.get(slug="roubaix")
    assert job.territory == roubaix
    assert job.message.startswith(
        "Territoire « Roubaix » (roubaix) chargé dans la base, mais l'étape « archive du "
        "dossier » a échoué : [Errno 28] No space left on device."
    )
    assert f"Dossier écrit dans {job.params['output']}." in job.message
    assert job.stored == "" and not list((folders / "taches").iterdir())  # no half ZIP
    page = staff.get(reverse("web:territory-job", args=[job.pk])).content.decode()
    assert "échec" in page and "a échoué" in page
    assert "Chargé dans la base" in page  # what was built and loaded
    assert reverse("web:territory", args=["roubaix"]) in page
    assert staff.get(reverse("web:territory-job-file", args=[job.pk])).status_code == 404


# --------------------------------------------------------------------------- pruning


def test_the_built_folder_goes_with_its_job(
    folders, db, django_capture_on_commit_callbacks, tmp_path
):
    job = territory_job_start(sources=NATIONAL, communes=["59512"], epci="", load=False)
    assert run_job.call(str(job.pk)) == "pret"
    job.refresh_from_db()
    built = Path(job.params["output"])
    assert (built / "manifest.yaml").is_file()
    zip_file = folders / "taches" / job.stored
    assert zip_file.is_file()
    # A job whose « output » points outside the builds' folder never removes it.
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (elsewhere / "garde.txt").write_text("exemple fictif")
    odd = Job.objects.create(kind=Job.Kind.TERRITORY, params={"output": str(elsewhere)})
    recent = territory_job_start(sources=NATIONAL, communes=["59512"], epci="", load=False)
    Job.objects.filter(pk__in=[job.pk, odd.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert job_prune() == 2
    assert not built.exists() and not zip_file.exists()
    assert (elsewhere / "garde.txt").is_file()
    assert Job.objects.filter(pk=recent.pk).exists()
    assert (Path(recent.params["output"]).parent) == folders / "territoires"


def test_a_rolled_back_deletion_keeps_the_folder(folders, db, django_capture_on_commit_callbacks):
    job = territory_job_start(sources=NATIONAL, communes=["59512"], epci="", load=False)
    assert run_job.call(str(job.pk)) == "pret"
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Job.objects.filter(pk=job.pk).delete()
    assert len(callbacks) == 1  # the removal waits for the commit
    assert (Path(job.params["output"]) / "manifest.yaml").is_file()


# --------------------------------------------------------------------------- the ZIP on disk


def test_the_zip_is_written_file_by_file(tmp_path):
    """A 24 MB folder (random bytes, exemple fictif) is zipped with a few hundred kB of
    Python memory at most: the archive is never held whole in memory."""
    folder = tmp_path / "dossier"
    (folder / "raw").mkdir(parents=True)
    for n in range(3):
        (folder / "raw" / f"f{n}.bin").write_bytes(os.urandom(8 * 1024 * 1024))
    (folder / "manifest.yaml").write_text("slug: exemple\n")
    target = tmp_path / "a.zip"
    tracemalloc.start()
    try:
        folder_zip(folder, target, root="exemple")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024, peak  # an in-memory archive would be > 24 MB
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == [
            "exemple/manifest.yaml",
            "exemple/raw/f0.bin",
            "exemple/raw/f1.bin",
            "exemple/raw/f2.bin",
        ]
        assert archive.read("exemple/raw/f1.bin") == (folder / "raw" / "f1.bin").read_bytes()
