"""A territory created from the national files: its dataset folder built, then loaded if asked.

One function, :func:`territory_create`, for both ways: ``maillage territoire creer`` (the CLI,
synchronous, then ``maillage load DOSSIER``) and the administrators' page « Créer un
territoire » (``web.views.territory_create``), which runs it in the background
(:func:`territory_job_start`, then :func:`territory_job_build` in the worker) and can load the
folder into the database at the end (``charger ensuite``).

The build writes nothing when a national file is unusable (``build_territory``); the load
writes nothing when a file of the folder is refused (``load_dataset``, one transaction), nor
over a territory that already exists (a page must not overwrite a territory by mistake: that
update stays the explicit ``maillage load DOSSIER``).
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.actor import Actor
from maillage.territory.build import build_territory
from maillage.territory.build.common import BuildReport
from maillage.territory.errors import DatasetError
from maillage.territory.loader import LoadReport, load_dataset
from maillage.territory.models import Territory

from .documents import Document, JobError
from .models import Job

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
) -> TerritoryCreated:
    """Build the dataset folder ``output`` from the national files of ``sources`` (checked by
    the loader's readers), then, when ``load``, load it into the database.

    Raises :class:`DatasetError` (French, naming the file and the field) when the build is
    refused (nothing written), :class:`LoadRefused` when the folder was built but not loaded
    (nothing written in the database).
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
    if Territory.objects.filter(slug=report.slug).exists():
        raise LoadRefused(
            f"dossier écrit dans {report.output}, mais pas chargé : le territoire "
            f"« {report.slug} » existe déjà. Pour le mettre à jour : « maillage load "
            f"{report.output} »."
        )
    try:
        loaded = load_dataset(str(report.output), progress=progress)
    except DatasetError as exc:
        raise LoadRefused(
            f"dossier écrit dans {report.output}, mais son chargement est refusé (rien n'a été "
            f"écrit dans la base). {exc}"
        ) from exc
    return TerritoryCreated(
        build=report, load=loaded, territory=Territory.objects.get(slug=loaded.territory)
    )


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


def folder_zip(folder: Path, *, root: str) -> bytes:
    """The files of ``folder`` in a ZIP archive, under ``root/``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for filename in sorted(filenames):
                path = Path(dirpath) / filename
                archive.write(path, f"{root}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def territory_job_build(*, params: dict[str, Any], progress: Progress) -> Document:
    """The worker's side of :func:`territory_job_start`: build (and load), then the folder as a
    ZIP to download, with the summary of what was built."""
    try:
        created = territory_create(
            sources=Path(params["sources"]),
            output=Path(params["output"]),
            communes=list(params.get("communes") or []),
            epci=str(params.get("epci") or ""),
            name=str(params.get("name") or ""),
            load=bool(params.get("load")),
            progress=progress,
        )
    except LoadRefused as exc:
        raise JobError(_("Territoire non chargé, %(e)s") % {"e": exc}) from exc
    except DatasetError as exc:
        raise JobError(_("Création refusée, rien n'a été écrit. %(e)s") % {"e": exc}) from exc
    progress(_("archive du dossier"))
    slug = created.build.slug
    return Document(
        folder_zip(created.build.output, root=slug),
        f"territoire-{slug}.zip",
        "application/zip",
        summary="\n".join(created.lines()),
        territory=created.territory,
    )
