"""What the builder's parts share: constants, the report, the perimeter, small helpers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml

from maillage.territory.errors import DatasetError

from .sources import Source
from .vector import Layer

CONTACT_M = 1.0  # two ADMIN EXPRESS communes « touch » within 1 m
MIN_QPV_OVERLAP_M2 = 1_000.0  # 0.1 ha, as in data/national/SOURCES.md
RP_COLUMNS = {
    "rp_population": {
        "POP0014": ("population_0_14_ans", "Population de 0 à 14 ans", "habitants"),
        "POP1529": ("population_15_29_ans", "Population de 15 à 29 ans", "habitants"),
        "POP3044": ("population_30_44_ans", "Population de 30 à 44 ans", "habitants"),
        "POP4559": ("population_45_59_ans", "Population de 45 à 59 ans", "habitants"),
        "POP6074": ("population_60_74_ans", "Population de 60 à 74 ans", "habitants"),
        "POP75P": ("population_75_ans_et_plus", "Population de 75 ans et plus", "habitants"),
    },
    "rp_menages": {
        "PMEN_MENFAMMONO": (
            "population_menages_monoparentaux",
            "Population des ménages monoparentaux",
            "personnes",
        ),
        "PMEN_MENCOUPAENF": (
            "population_menages_couple_avec_enfants",
            "Population des ménages de couples avec enfants",
            "personnes",
        ),
        "PMEN_MENCOUPSENF": (
            "population_menages_couple_sans_enfant",
            "Population des ménages de couples sans enfant",
            "personnes",
        ),
    },
    "rp_logement": {
        "RPMAISON": (
            "residences_principales_maisons",
            "Résidences principales en maison",
            "logements",
        ),
        "RPAPPART": (
            "residences_principales_appartements",
            "Résidences principales en appartement",
            "logements",
        ),
        "RP_LOCHLMV": (
            "residences_principales_hlm",
            "Résidences principales louées HLM vides",
            "logements",
        ),
    },
}
RP_THEMES = {"rp_population": "population", "rp_menages": "familles", "rp_logement": "logement"}
KIND_LABELS = {
    "communes": "contours des communes (ADMIN EXPRESS)",
    "commune_populations": (
        "populations légales des communes (COG, @etalab/decoupage-administratif)"
    ),
    "iris": "contours IRIS",
    "qpv": "quartiers prioritaires (QPV)",
    "cells": "carreaux de 200 m (Filosofi)",
    "rp_population": "population par IRIS (INSEE, base-ic évolution et structure de la population)",
    "rp_menages": "ménages par IRIS (INSEE, base-ic couples, familles, ménages)",
    "rp_logement": "logements par IRIS (INSEE, base-ic logement)",
    "colleges_geoloc": "collèges géolocalisés (Éducation nationale)",
    "ips_ecoles": "écoles (IPS des écoles, Éducation nationale)",
    "ips_lycees": "lycées (IPS des lycées, Éducation nationale)",
    "bpe": "équipements (INSEE, BPE « ensemble » géolocalisée)",
    "datainclusion_structures": "structures et services (export data·inclusion)",
}
OPTIONAL_KINDS = [k for k in KIND_LABELS if k != "communes"]


class NotCovering(DatasetError):
    """A national file that holds none of the territory's communes."""


VINTAGES_FILE = "millesimes.yaml"


def declared_vintages(folder: Path) -> dict[str, Any]:
    """The vintages the user states in ``millesimes.yaml`` of the sources folder, for files whose
    name does not say it: ``fichier.csv: "2024"`` or, for a GeoPackage, ``fichier.gpkg:
    {couche: "2023"}``."""
    path = folder / VINTAGES_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DatasetError("YAML invalide.", file=VINTAGES_FILE) from exc
    if not isinstance(data, dict):
        raise DatasetError("dictionnaire « fichier: millésime » attendu.", file=VINTAGES_FILE)
    return data


@dataclass
class Extract:
    """One file written in ``raw/``: its manifest entry and what SOURCES.md says of it."""

    entry: dict[str, Any]
    source: Source
    sha256: str
    size: int
    treatment: list[str]
    kept: str  # « 38 entités sur 553 »…


@dataclass
class BuildReport:
    output: Path
    slug: str
    name: str
    communes: list[tuple[str, str]]
    neighbours: list[tuple[str, str]]
    extracts: list[Extract] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"Territoire « {self.name} » ({self.slug}) : {len(self.communes)} commune(s), "
            f"{len(self.neighbours)} voisine(s).",
        ]
        out += [f"  {e.entry['path']} — {e.kept}" for e in self.extracts]
        out += [f"  Absent : {m}" for m in self.missing]
        out += [f"  Note : {n}" for n in self.notes]
        out += [f"  Ignoré : {i}" for i in self.ignored]
        return out


@dataclass
class Perimeter:
    codes: list[str]  # CTG communes
    neighbours: list[str]
    names: dict[str, str]
    geoms: dict[str, Any]  # code → Lambert-93 geometry (CTG + neighbours)
    bbox: tuple[float, float, float, float]

    @property
    def all_codes(self) -> set[str]:
        return set(self.codes) | set(self.neighbours)

    def union(self) -> Any:
        return shapely.union_all([self.geoms[c] for c in sorted(self.all_codes)])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pick(fields: dict[str, np.ndarray] | list[str], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in fields), None)


def _reprojection(layer: Layer) -> str:
    if layer.crs in ("EPSG:4326", "OGC:CRS84"):
        return "coordonnées (déjà en WGS84) arrondies à 1e-6°"
    return f"reprojection {layer.crs} → EPSG:4326 (WGS84), coordonnées arrondies à 1e-6°"


def _where(src: Source) -> str | None:
    return f"couche « {src.layer} »" if src.layer else None
