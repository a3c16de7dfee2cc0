"""« Créer un territoire » (issue 16): a site administrator asks on the web for the build of a
territory from the national files; the worker runs the same function as « maillage territoire
creer », loads the folder if asked, and the progress page says what was built.

The national files are the real ones cut to Roubaix (``tests/territory_build/data``); one
commune keeps it fast."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from factories import UserFactory

from maillage.jobs.models import Job
from maillage.jobs.services import job_run
from maillage.jobs.territory_build import territory_job_start
from maillage.territory.models import Territory
from maillage.territory.selectors import territory_zones

NATIONAL = Path(__file__).resolve().parents[1] / "territory_build" / "data" / "national_roubaix"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CREATE = "/administration/territoires/creer/"


@pytest.fixture
def folders(settings, tmp_path):
    settings.JOBS_DIR = tmp_path / "taches"
    settings.TERRITORY_BUILDS_DIR = tmp_path / "territoires"
    settings.NATIONAL_SOURCES = NATIONAL
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


def _ask(client: Client, **data) -> object:
    form = {"communes": "59512", "epci": "", "sources": str(NATIONAL), "name": "", "load": "on"}
    form.update(data)
    return client.post(CREATE, {k: v for k, v in form.items() if v is not None})


def test_the_url_is_the_one_the_readme_gives():
    assert reverse("web:territory-create") == CREATE


def test_the_form_offers_the_national_sources_folder(staff, folders):
    page = staff.get(CREATE).content.decode()
    for name in ("communes", "epci", "sources", "name", "load"):
        assert f'name="{name}"' in page
    assert f'value="{NATIONAL}"' in page  # settings.NATIONAL_SOURCES
    assert "maillage territoire creer" in page  # the CLI equivalent


def test_roubaix_is_built_by_the_worker_loaded_and_linked(staff, folders, settings):
    from maillage.cli import main

    settings.TASKS = DATABASE
    response = _ask(staff)
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("web:territory-job", args=[job.pk])
    assert (job.kind, job.territory, job.state) == ("territoire", None, "attente")
    assert job.params["communes"] == ["59512"] and job.params["load"] is True
    assert not Territory.objects.filter(slug="roubaix").exists()  # nothing during the request
    status_url = reverse("web:territory-job-status", args=[job.pk])
    assert staff.get(status_url).json()["etat"] == "attente"
    page = staff.get(response["Location"]).content.decode()
    assert "<progress" in page and "en attente" in page and "data-job-reload" in page

    result = CliRunner().invoke(main, ["worker", "--batch"], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    job.refresh_from_db()
    assert job.state == "pret", job.message
    roubaix = Territory.objects.get(slug="roubaix")
    assert job.territory == roubaix
    assert list(roubaix.communes.values_list("insee_code", flat=True)) == ["59512"]
    iris = [z for z in territory_zones(territory=roubaix) if z.kind == "iris"]
    assert len(iris) == 38  # the 38 IRIS of Roubaix, as « maillage load » gives
    status = staff.get(status_url).json()
    assert status["pret"] and status["fichier"] == reverse("web:territory-job-file", args=[job.pk])
    assert job.steps_done >= 5  # the build's and the load's steps moved the bar

    page = staff.get(response["Location"]).content.decode()
    assert "Ce qui a été construit" in page
    assert "Territoire « Roubaix » (roubaix) : 1 commune," in page
    assert "fichiers extraits" in page and "avertissement" in page
    assert "Chargé dans la base" in page
    assert reverse("web:territory", args=["roubaix"]) in page
    assert "Voir le territoire Roubaix" in page

    download = staff.get(status["fichier"])
    assert download["Content-Type"] == "application/zip"
    assert "territoire-roubaix.zip" in download["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert "roubaix/manifest.yaml" in names and "roubaix/SOURCES.md" in names
    assert any(n.startswith("roubaix/raw/") for n in names)
    # The folder stays on the server (« maillage load » can update the territory from it).
    assert (Path(job.params["output"]) / "manifest.yaml").is_file()
    assert Path(job.params["output"]).parent == folders / "territoires"

    # A territory build is never reached through the territory's own document pages.
    assert staff.get(reverse("web:job", args=["roubaix", job.pk])).status_code == 404


def test_without_loading_only_the_folder_is_built(staff, folders, settings):
    settings.TASKS = IMMEDIATE
    response = _ask(staff, load=None, name="Roubaix centre")
    job = Job.objects.get()
    assert job.state == "pret", job.message
    assert job.territory is None
    assert not Territory.objects.filter(slug__startswith="roubaix").exists()
    page = staff.get(response["Location"]).content.decode()
    assert "Territoire « Roubaix centre » (roubaix-centre)" in page
    assert "Non chargé" in page and "pour le charger, « maillage load " in page
    assert "Voir le territoire" not in page


def test_the_same_build_as_the_cli(staff, folders, settings, tmp_path):
    """The CLI's folder and the job's folder have the same manifest and files."""
    from maillage.cli import main

    settings.TASKS = IMMEDIATE
    _ask(staff, load=None)
    job = Job.objects.get()
    out = tmp_path / "cli" / "roubaix"
    result = CliRunner().invoke(
        main,
        ["territoire", "creer", "--communes", "59512", "--sources", str(NATIONAL), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    web = Path(job.params["output"])
    assert (web / "manifest.yaml").read_text() == (out / "manifest.yaml").read_text()
    listing = sorted(p.relative_to(web).as_posix() for p in web.rglob("*"))
    assert listing == sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))


def test_an_unknown_commune_fails_in_french_and_writes_no_territory(staff, folders, settings):
    settings.TASKS = IMMEDIATE
    before = Territory.objects.count()
    response = _ask(staff, communes="59999")
    job = Job.objects.get()
    assert job.state == "echec"
    assert job.message.startswith("Création refusée, rien n'a été écrit.")
    assert "59999 absente(s) du fichier des communes" in job.message
    assert Territory.objects.count() == before
    assert not Path(job.params["output"]).exists()
    assert not (folders / "territoires").exists() or not any((folders / "territoires").iterdir())
    page = staff.get(response["Location"]).content.decode()
    assert "59999 absente(s) du fichier des communes" in page and "échec" in page
    assert staff.get(reverse("web:territory-job-file", args=[job.pk])).status_code == 404


def test_a_folder_gone_before_the_worker_runs_fails_the_job(staff, folders, settings, tmp_path):
    settings.TASKS = DATABASE
    sources = tmp_path / "sources"
    shutil.copytree(NATIONAL, sources)
    job = territory_job_start(sources=sources, communes=["59512"], epci="", load=True)
    shutil.rmtree(sources)
    assert job_run(job_id=str(job.pk)) == "echec"
    job.refresh_from_db()
    assert job.message == (
        f"Création refusée, rien n'a été écrit. dossier des sources « {sources} » introuvable."
    )
    assert not Territory.objects.filter(slug="roubaix").exists()


def test_an_existing_territory_is_not_replaced_from_the_page(staff, folders, settings):
    settings.TASKS = IMMEDIATE
    _ask(staff, name="Armentières")  # slug armentieres: the loaded dataset's
    job = Job.objects.get()
    assert job.state == "echec"
    assert "« armentieres » existe déjà" in job.message and "maillage load" in job.message
    assert (
        Territory.objects.get(slug="armentieres").communes.filter(insee_code="59512").count() == 0
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"sources": str(NATIONAL / "absent")}, "introuvable sur le serveur"),
        # Outside the national files' folder: refused before anything is read or listed.
        ({"sources": "/etc"}, "dans celui des fichiers nationaux du serveur"),
        ({"sources": str(NATIONAL / "..")}, "dans celui des fichiers nationaux du serveur"),
        ({"sources": "/" + "a" * 300}, "dans celui des fichiers nationaux du serveur"),
        ({"sources": str(NATIONAL / ("a" * 300))}, "introuvable sur le serveur"),
        ({"sources": "sources"}, "chemin absolu"),
        ({"communes": "5912"}, "n&#x27;est pas un code commune INSEE"),
        ({"communes": "59512", "epci": "245900410"}, "soit les codes des communes, soit"),
        ({"communes": ""}, "soit les codes des communes, soit"),
        ({"communes": "", "epci": "24590041"}, "n&#x27;est pas un SIREN d&#x27;EPCI"),
    ],
)
def test_bad_forms_say_why_in_french_and_queue_nothing(staff, folders, settings, data, error):
    settings.TASKS = DATABASE
    response = _ask(staff, **data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Job.objects.exists()


def test_only_site_administrators(armentieres, folders, settings):
    settings.TASKS = DATABASE
    job = territory_job_start(sources=NATIONAL, communes=["59512"], epci="")
    urls = [CREATE] + [
        reverse(name, args=[job.pk])
        for name in ("web:territory-job", "web:territory-job-status", "web:territory-job-file")
    ]
    anonymous = Client()
    for url in urls:
        answer = anonymous.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/connexion/"), url
    coordinator = Client()
    coordinator.force_login(UserFactory(role="coordinator", territory=armentieres))
    for url in urls:
        assert coordinator.get(url).status_code == 403, url
    assert (
        coordinator.post(CREATE, {"communes": "59512", "sources": str(NATIONAL)}).status_code == 403
    )
    assert Job.objects.count() == 1
    superuser = Client()
    from django.contrib.auth import get_user_model

    superuser.force_login(get_user_model().objects.create_superuser("root@example.org"))
    assert superuser.get(urls[1]).status_code == 200
    assert superuser.get(urls[2]).json()["etat"] == "attente"
