"""``schools_ips``: écoles or lycées from the Éducation nationale IPS files (no position).

The national « indices de position sociale » files list each school with its UAI, name, commune
and sector, one line per school year (rentrée); they give no address nor position, so the
schools load « à localiser », merged by UAI with any other file that places them. For each UAI
the most recent rentrée wins. Manifest options: ``typology`` (``ecole`` or ``lycee``),
``name_column`` (the source spells it « Nom de l'établissment » in some years).
"""

from __future__ import annotations

from pathlib import Path

from maillage.territory.errors import DatasetError
from maillage.territory.loader import (
    FileSpec,
    Manifest,
    commune_of,
    read_csv_rows,
    register_kind,
)

from .dataset_kinds import _finish, _school_record
from .loading import DIRECTORY_KINDS, StructureRecord, accumulate

UAI, COMMUNE, RENTREE, SECTEUR = "UAI", "Code INSEE de la commune", "Rentrée scolaire", "Secteur"


def _school_typology(kind: str, name: str) -> str:
    if kind == "lycee":
        return "lycee"
    # The IPS is published for schools with an elementary level: « primaire » when the name says
    # so (maternelle and élémentaire), else élémentaire.
    return "ecole-primaire" if "PRIMAIRE" in name.upper() else "ecole-elementaire"


def parse_schools_ips(spec: FileSpec, path: Path, manifest: Manifest) -> list[StructureRecord]:
    kind = spec.options.get("typology", "ecole")
    if kind not in ("ecole", "lycee"):
        raise DatasetError(
            f"typologie « {kind} » inconnue (ecole ou lycee).",
            file="manifest.yaml",
            location=spec.path,
            field="typology",
        )
    name_col = str(spec.options.get("name_column") or "Nom de l'établissement")
    latest: dict[str, tuple[str, int, dict[str, str]]] = {}  # UAI → (rentrée, line, row)
    for line, row in read_csv_rows(path, spec.path, [UAI, COMMUNE, RENTREE, SECTEUR, name_col]):
        code = commune_of(row[COMMUNE])  # Marseille's schools by arrondissement
        if code not in manifest.perimeter_codes:
            continue
        uai = row[UAI]
        if not uai:
            raise DatasetError(
                "valeur manquante.", file=spec.path, location=f"ligne {line}", field=UAI
            )
        if uai not in latest or row[RENTREE] > latest[uai][0]:
            latest[uai] = (row[RENTREE], line, row)
    records = []
    for uai, (rentree, line, row) in latest.items():
        fields = {
            "name": row[name_col],
            "typology": _school_typology(kind, row[name_col]),
            "sector": row[SECTEUR],
            "commune": commune_of(row[COMMUNE]),
        }
        records.append(
            _school_record(
                spec,
                f"ligne {line}",
                uai=uai,
                fields=fields,
                notes=[f"Listé dans {spec.title} (rentrée {rentree}), sans position."],
            )
        )
    return _finish(records)


DIRECTORY_KINDS.add("schools_ips")
register_kind("schools_ips", parse=parse_schools_ips, write=accumulate, order=60)
