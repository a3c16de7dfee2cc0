"""``maillage territoire creer``: national files → a dataset folder ``maillage load`` reads.

The perimeter is read from the communes file (ADMIN EXPRESS): the chosen communes (codes or an
EPCI's SIREN) and their neighbours (contact, or within ``neighbours_km``). Each other national
file found is cut to that perimeter (see :func:`build_territory`); the folder gets the extracts
in ``raw/``, a ``manifest.yaml`` and a ``SOURCES.md``. The folder is written beside the target
and moved into place only once every extract has been validated by the loader's own readers:
a bad national file leaves nothing behind.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.utils.text import slugify

from maillage.territory.errors import DatasetError

from .common import KIND_LABELS, BuildReport, NotCovering, Perimeter
from .extracts import Builder
from .extracts_di import datainclusion
from .perimeter import holds, read_perimeter
from .sources import Inventory, inventory
from .vector import Layer, read_layer
from .writing import write_manifest, write_sources_md


def build_territory(
    *,
    sources: Path,
    output: Path,
    communes: list[str] | None = None,
    epci: str = "",
    neighbours_km: float = 0.0,
    slug: str = "",
    name: str = "",
    period: tuple[int, int] | None = None,
    validate: Callable[[Path], None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build a dataset folder at ``output`` from the national files of ``sources``.

    ``validate`` (the loader's readers, given by the CLI) runs on the finished folder before it
    is moved into place. Raises :class:`DatasetError` (French, naming file and field) and writes
    nothing when a file is unusable.
    """
    communes = list(communes or [])
    if bool(communes) == bool(epci):
        raise DatasetError("indiquez soit --communes, soit --epci.")
    for code in communes:
        if not re.fullmatch(r"\d[\dAB]\d{3}", code):
            raise DatasetError(f"code commune « {code} » invalide (5 caractères INSEE, ex. 59512).")
    if epci and not re.fullmatch(r"\d{9}", epci):
        raise DatasetError(f"SIREN d'EPCI « {epci} » invalide (9 chiffres).")
    if neighbours_km < 0 or neighbours_km > 50:
        raise DatasetError("--voisins-km doit être compris entre 0 et 50.")
    if not sources.is_dir():
        raise DatasetError(f"dossier des sources « {sources} » introuvable.")
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise DatasetError(f"le dossier de sortie « {output} » existe et n'est pas vide.")

    say = progress or (lambda _m: None)
    say(f"Inventaire de {sources}")
    inv = inventory(sources)
    commune_sources = inv.of("communes")
    if not commune_sources:
        raise DatasetError(
            "aucun fichier de communes (ADMIN EXPRESS : couche « commune » ou « cities », "
            f"COMMUNE.shp) dans {sources}."
        )
    if len(commune_sources) > 1:
        commune_sources = [s for s in commune_sources if holds(s, communes, epci)]
        if len(commune_sources) != 1:
            raise DatasetError(
                ("plusieurs" if commune_sources else "aucun des")
                + " fichiers de communes contenant le territoire : "
                + ", ".join(s.label for s in commune_sources or inv.of("communes"))
                + " ; n'en gardez qu'un dans le dossier des sources."
            )
    say("Périmètre")
    perimeter, code_f = read_perimeter(
        commune_sources[0], communes=communes, epci=epci, neighbours_km=neighbours_km
    )
    territory_name = name or _default_name(inv, perimeter, epci)
    territory_slug = slugify(slug or territory_name)[:80] or "territoire"
    year = datetime.date.today().year
    start, end = period or (year, year + 3)

    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        raw = work / "raw"
        raw.mkdir()
        b = Builder(inv, perimeter, raw, territory_slug)
        say("Communes")
        b.communes(commune_sources[0], code_f)
        missing = []
        for kind in (
            "commune_populations",
            "iris",
            "qpv",
            "cells",
            "rp_population",
            "rp_menages",
            "rp_logement",
            "colleges_geoloc",
            "ips_ecoles",
            "ips_lycees",
            "bpe",
        ):
            found = inv.of(kind)
            if kind == "cells":
                # Filosofi as a GeoPackage or as its CSV; the GeoPackage when both are given.
                if found:
                    b.notes += [
                        f"non retenu : {s.label}, carreaux déjà lus dans {found[0].label}."
                        for s in inv.of("cells_csv")
                    ]
                else:
                    found = inv.of("cells_csv")
            if not found:
                missing.append(KIND_LABELS[kind])
            skipped: list[NotCovering] = []
            for src in found:
                say(f"{KIND_LABELS[kind]} : {src.label}")
                handler = {
                    "cells_csv": b.cells_csv,
                    "iris": b.iris,
                    "qpv": b.qpv,
                    "cells": b.cells,
                    "colleges_geoloc": b.colleges,
                    "ips_ecoles": b.ips,
                    "ips_lycees": b.ips,
                    "commune_populations": b.populations,
                    "bpe": b.bpe,
                }.get(src.kind, b.rp)
                try:
                    handler(src)
                except NotCovering as exc:
                    skipped.append(exc)
            if skipped and len(skipped) == len(found):
                raise skipped[0]
            b.notes += [f"non retenu : {exc}" for exc in skipped]
        structures = inv.of("datainclusion_structures")
        services = inv.of("datainclusion_services")
        if not structures:
            missing.append(KIND_LABELS["datainclusion_structures"])
            b.notes += [
                f"non retenu : {s.label}, services sans leurs structures." for s in services
            ]
        for src in structures:
            say(f"{KIND_LABELS['datainclusion_structures']} : {src.label}")
            datainclusion(b, src, services)
        report = BuildReport(
            output=output,
            slug=territory_slug,
            name=territory_name,
            communes=[(c, perimeter.names[c]) for c in perimeter.codes],
            neighbours=[(c, perimeter.names[c]) for c in perimeter.neighbours],
            extracts=b.extracts,
            missing=missing,
            notes=b.notes,
            ignored=inv.ignored,
        )
        write_manifest(work, report, (start, end), period is None, neighbours_km, epci)
        write_sources_md(work, report, sources, neighbours_km, epci)
        if validate is not None:
            say("Vérification par les lecteurs de « maillage load »")
            validate(work)
        if output.exists():
            output.rmdir()
        os.replace(work, output)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return report


def _default_name(inv: Inventory, perimeter: Perimeter, epci: str) -> str:
    if epci:
        for src in inv.epci_layers:
            layer: Layer = read_layer(src.path, src.layer)
            if "CODE_SIREN" in layer.fields and "NOM" in layer.fields:
                for siren, nom in zip(layer.fields["CODE_SIREN"], layer.fields["NOM"], strict=True):
                    if str(siren) == epci:
                        return str(nom)
        return f"EPCI {epci}"
    return ", ".join(perimeter.names[c] for c in perimeter.codes)
