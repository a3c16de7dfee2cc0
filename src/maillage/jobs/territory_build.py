"""A territory created from the national files: its dataset folder built, then loaded if asked.

One function, :func:`territory_create`, for both ways: ``maillage territoire creer`` (the CLI,
synchronous, then ``maillage load DOSSIER``) and the administrators' page « Créer un
territoire » (``web.views.territory_create``), which runs it in the background
(:func:`territory_job_start`, then :func:`territory_job_run` in the worker) and can load the
folder into the database at the end (``charger ensuite``).

The build writes nothing when a national file is unusable (``build_territory``); the load
writes nothing when a file of the folder is refused (``load_dataset``, one transaction), nor
over a territory that already exists (a page must not overwrite a territory by mistake: that
update stays the explicit ``maillage load DOSSIER``). Two loads of the same territory never run
at once (:func:`territory_claim`, a row per slug the database refuses twice), and a load that
finds the territory made meanwhile by an unclaimed ``maillage load`` is rolled back.

The worker writes the ZIP of the folder to disk, file by file (:func:`folder_zip`); a failure
after the load leaves the job linked to the territory it loaded. A job's folder is removed with
the job when it is pruned (:func:`job_folder_prune`): the loaded territory never reads it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.actor import Actor
from maillage.territory.build import build_territory
from maillage.territory.build.common import BuildReport
from maillage.territory.errors import DatasetError
from maillage.territory.loader import LoadReport, load_dataset
from maillage.territory.models import Territory

from .documents import JobError
from .models import Job, TerritoryClaim

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


class LoadRefused(DatasetError):
    """The folder was built but not loaded (its territory exists, or a file was refused)."""


@dataclass(frozen=True)
class TerritoryCreated:
    """What :func:`territory_create` did: the folder built, and the load when asked for."""

    build: BuildReport
    load: LoadReport | None = None
    territory: Territory | None = None

    @property
    def warnings(self) -> list[str]:
        """Missing national files, notes of the build and ignored files."""
        b = self.build
        return (
            [_("Absent : %(x)s") % {"x": m} for m in b.missing]
            + [_("Note : %(x)s") % {"x": n} for n in b.notes]
            + [_("Ignoré : %(x)s") % {"x": i} for i in b.ignored]
        )

    def headline(self) -> str:
        b = self.build
        parts = [
            ngettext("%(n)d commune", "%(n)d communes", len(b.communes)) % {"n": len(b.communes)},
            ngettext("%(n)d voisine", "%(n)d voisines", len(b.neighbours))
            % {"n": len(b.neighbours)},
            ngettext("%(n)d fichier extrait", "%(n)d fichiers extraits", len(b.extracts))
            % {"n": len(b.extracts)},
            ngettext("%(n)d avertissement", "%(n)d avertissements", len(self.warnings))
            % {"n": len(self.warnings)},
        ]
        return _("Territoire « %(name)s » (%(slug)s) : %(parts)s.") % {
            "name": b.name,
            "slug": b.slug,
            "parts": ", ".join(parts),
        }

    def lines(self) -> list[str]:
        """The summary shown when the job is ready: the headline, then sections (a title line
        ending with « : », its lines), separated by an empty line."""
        b = self.build
        out = [
            self.headline(),
            _("Communes : %(list)s.") % {"list": ", ".join(f"{n} ({c})" for c, n in b.communes)},
        ]
        out += ["", _("Fichiers extraits :")] + [
            f"{e.entry['path']} — {e.kept}" for e in b.extracts
        ]
        if self.warnings:
            out += ["", _("Avertissements :"), *self.warnings]
        out += ["", _("Dossier écrit :"), str(b.output)]
        if self.load is not None:
            out += ["", _("Chargé dans la base :"), *self.load.lines()]
        else:
            out += [
                "",
                _("Non chargé :"),
                _("pour le charger, « maillage load %(path)s ».") % {"path": b.output},
            ]
        return out


def validate_dataset(folder: Path) -> None:
    """Run every file of a built folder through the loader's readers (no database write)."""
    from maillage.territory.loader import _KINDS, read_manifest

    manifest = read_manifest(folder)
    for spec in manifest.files:
        _KINDS[spec.kind].parse(spec, folder / spec.path, manifest)


def territory_create(
    *,
    sources: Path,
    output: Path,
    communes: list[str] | None = None,
    epci: str = "",
    neighbours_km: float = 0.0,
    slug: str = "",
    name: str = "",
    period: tuple[int, int] | None = None,
    load: bool = False,
    progress: Progress | None = None,
    job_id: Any = None,
) -> TerritoryCreated:
    """Build the dataset folder ``output`` from the national files of ``sources`` (checked by
    the loader's readers), then, when ``load``, load it into the database.

    Raises :class:`DatasetError` (French, naming the file and the field) when the build is
    refused (nothing written), :class:`LoadRefused` when the folder was built but not loaded
    (nothing written in the database): the territory exists, another load of it is under way
    (:func:`territory_claim`), or a file is refused. ``job_id`` names the job holding the claim.
    """
    report = build_territory(
        sources=sources,
        output=output,
        communes=communes,
        epci=epci,
        neighbours_km=neighbours_km,
        slug=slug,
        name=name,
        period=period,
        validate=validate_dataset,
        progress=progress,
    )
    if not load:
        return TerritoryCreated(build=report)
    with territory_claim(report.slug, job_id=job_id, output=report.output):
        if progress:
            progress(_("Chargement du territoire « %(slug)s »") % {"slug": report.slug})
        if Territory.objects.filter(slug=report.slug).exists():
            raise LoadRefused(
                f"dossier écrit dans {report.output}, mais pas chargé : le territoire "
                f"« {report.slug} » existe déjà. Pour le mettre à jour : « maillage load "
                f"{report.output} »."
            )
        try:
            with transaction.atomic():
                loaded = load_dataset(str(report.output), progress=progress)
                if (str(Territory._meta.verbose_name_plural), "créé") not in loaded.counts:
                    raise _CreatedMeanwhile  # « maillage load » made it since: roll back
        except (IntegrityError, _CreatedMeanwhile) as exc:
            raise LoadRefused(
                f"dossier écrit dans {report.output}, mais pas chargé : le territoire "
                f"« {report.slug} » a été créé entre-temps par un autre chargement (rien n'a "
                f"été écrit dans la base). Pour le mettre à jour : « maillage load "
                f"{report.output} »."
            ) from exc
        except DatasetError as exc:
            raise LoadRefused(
                f"dossier écrit dans {report.output}, mais son chargement est refusé (rien n'a "
                f"été écrit dans la base). {exc}"
            ) from exc
    return TerritoryCreated(
        build=report, load=loaded, territory=Territory.objects.get(slug=loaded.territory)
    )


class _CreatedMeanwhile(Exception):
    """The load found the territory already there (made outside the claim): rolled back."""


#: A claim older than this is left by a worker that was killed mid-load (a load takes minutes):
#: the next load of the territory takes it over.
CLAIM_STALE_AFTER = dt.timedelta(hours=6)


@contextmanager
def territory_claim(slug: str, *, job_id: Any = None, output: Path | None = None) -> Iterator[None]:
    """Hold the load of territory ``slug``: one at a time, refused at once (French
    :class:`LoadRefused`, naming the built folder ``output``) while another holds it; released
    at the end, even on a failure.

    The claim is a row of :class:`TerritoryClaim` whose ``slug`` is unique, inserted and
    committed before the caller checks and loads: the database itself refuses the second one
    (``IntegrityError``), on SQLite as on PostgreSQL, whatever process or server asks."""
    built = f"dossier écrit dans {output}, mais pas chargé : " if output else "pas chargé : "
    retry = (
        " Rien n'a été écrit dans la base ; une fois celui-ci terminé : "
        f"« maillage load {output} »."
        if output
        else " Rien n'a été écrit dans la base ; réessayez une fois celui-ci terminé."
    )
    try:
        with transaction.atomic():
            TerritoryClaim.objects.filter(
                slug=slug, claimed_at__lt=timezone.now() - CLAIM_STALE_AFTER
            ).delete()
            claim = TerritoryClaim.objects.create(slug=slug, job_id=job_id)
    except IntegrityError:
        holder = TerritoryClaim.objects.filter(slug=slug).first()
        since = (
            " (depuis le "
            + timezone.localtime(holder.claimed_at).strftime("%d/%m/%Y à %H:%M")
            + ")"
            if holder is not None
            else ""
        )
        raise LoadRefused(
            f"{built}un autre chargement du territoire « {slug} » est en cours{since}.{retry}"
        ) from None
    except OperationalError as exc:  # SQLite: another load held the write lock too long
        raise LoadRefused(
            f"{built}la base est occupée par un autre chargement ({exc}).{retry}"
        ) from exc
    try:
        yield
    finally:
        TerritoryClaim.objects.filter(pk=claim.pk).delete()


# --------------------------------------------------------------------------- background job


def builds_dir() -> Path:
    """Where the administrators' page writes the folders it builds (``<var>/territoires``)."""
    return Path(getattr(settings, "TERRITORY_BUILDS_DIR", Path(settings.VAR_DIR) / "territoires"))


def territory_job_start(
    *,
    sources: Path,
    communes: list[str],
    epci: str,
    name: str = "",
    load: bool = False,
    user: Actor = None,
) -> Job:
    """Queue the creation of a territory; its folder will be a new one under :func:`builds_dir`."""
    from .services import job_start

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    output = builds_dir() / f"{stamp}-{secrets.token_hex(3)}"
    params: dict[str, Any] = {
        "fmt": "zip",
        "sources": str(sources),
        "output": str(output),
        "communes": list(communes),
        "epci": epci,
        "name": name,
        "load": bool(load),
    }
    return job_start(territory=None, kind=Job.Kind.TERRITORY, params=params, user=user)


def folder_zip(folder: Path, target: Path, *, root: str) -> None:
    """Write the files of ``folder`` to the ZIP archive ``target``, under ``root/``: on disk,
    file by file (memory stays bounded, whatever the size of the folder)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for filename in sorted(filenames):
                path = Path(dirpath) / filename
                archive.write(path, f"{root}/{path.relative_to(folder).as_posix()}")


def _create(params: dict[str, Any], progress: Progress, job_id: Any = None) -> TerritoryCreated:
    try:
        return territory_create(
            sources=Path(params["sources"]),
            output=Path(params["output"]),
            communes=list(params.get("communes") or []),
            epci=str(params.get("epci") or ""),
            name=str(params.get("name") or ""),
            load=bool(params.get("load")),
            progress=progress,
            job_id=job_id,
        )
    except LoadRefused as exc:
        raise JobError(_("Territoire non chargé, %(e)s") % {"e": exc}) from exc
    except DatasetError as exc:
        raise JobError(_("Création refusée, rien n'a été écrit. %(e)s") % {"e": exc}) from exc


ZIP_STEP = "archive du dossier"


def territory_job_run(*, job_id: str) -> str:
    """Run a territory build job (the worker's task): build, load if asked, then the folder as
    a ZIP written under ``settings.JOBS_DIR`` (on disk, never whole in memory).

    Like :func:`maillage.jobs.services.job_run` (idempotent; a refused build or load ends the
    job with its French message), except that a failure *after* the load (the ZIP: disk full…)
    leaves the job linked to the territory it loaded, saying so and naming the failed step.
    """
    from .services import SUMMARY_CHARS, UNEXPECTED, _fail, job_begin, jobs_dir

    job = Job.objects.filter(pk=job_id, kind=Job.Kind.TERRITORY).first()
    if job is None:
        return "absent"
    progress = job_begin(job)
    if progress is None:
        return str(job.state)

    with translation.override(settings.LANGUAGE_CODE):
        try:
            created = _create(job.params, progress, job_id=job.pk)
        except JobError as exc:
            _fail(job, str(exc))
            return str(Job.State.FAILED)
        except Exception:
            logger.exception("territory job %s failed", job.pk)
            _fail(job, _(UNEXPECTED))
            raise
        summary = "\n".join(created.lines())[:SUMMARY_CHARS]
        territory = {"territory": created.territory} if created.territory is not None else {}
        slug = created.build.slug
        stored = f"{job.pk}.zip"
        folder = jobs_dir()
        partial = folder / f".{stored}.partial"
        try:
            progress(_(ZIP_STEP))
            folder.mkdir(parents=True, exist_ok=True)
            folder_zip(created.build.output, partial, root=slug)
            os.replace(partial, folder / stored)  # the download never sees half a file
        except Exception as exc:
            logger.exception("territory job %s: the ZIP failed", job.pk)
            partial.unlink(missing_ok=True)
            Job.objects.filter(pk=job.pk).update(
                state=Job.State.FAILED,
                message=_after_load_failure(created, ZIP_STEP, exc)[:2000],
                summary=summary,
                finished_at=timezone.now(),
                **territory,
            )
            if not isinstance(exc, OSError):
                raise
            return str(Job.State.FAILED)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.READY,
        filename=f"territoire-{slug}.zip"[:200],
        content_type="application/zip",
        stored=stored,
        summary=summary,
        steps_expected=Job.objects.get(pk=job.pk).steps_done,
        finished_at=timezone.now(),
        **territory,
    )
    return str(Job.State.READY)


def _after_load_failure(created: TerritoryCreated, step: str, exc: BaseException) -> str:
    error = str(exc) if isinstance(exc, OSError) else type(exc).__name__
    where = _("Dossier écrit dans %(path)s.") % {"path": created.build.output}
    if created.territory is not None:
        head = _(
            "Territoire « %(name)s » (%(slug)s) chargé dans la base, mais l'étape « %(step)s » "
            "a échoué : %(error)s."
        ) % {
            "name": created.territory.name,
            "slug": created.territory.slug,
            "step": _(step),
            "error": error,
        }
    else:
        head = _("Dossier construit, mais l'étape « %(step)s » a échoué : %(error)s.") % {
            "step": _(step),
            "error": error,
        }
    return f"{head} {where}"


# --------------------------------------------------------------------------- pruning


def job_folder_prune(job: Job) -> None:
    """Delete the folder a territory job built, once the job is deleted (``job_prune``, after
    7 days, with its ZIP): a loaded territory never reads its folder again (the pages show the
    manifest's sources as stored in the database, with their producers' addresses).

    Only a folder directly under :func:`builds_dir` is removed, after the transaction commits
    (a rolled back deletion keeps it)."""
    if job.kind != Job.Kind.TERRITORY or not job.params.get("output"):
        return
    output = Path(str(job.params["output"]))
    try:
        inside = output.resolve().parent == builds_dir().resolve()
    except (OSError, RuntimeError, ValueError):
        inside = False
    if inside and not output.is_symlink():
        transaction.on_commit(lambda: shutil.rmtree(output, ignore_errors=True))
