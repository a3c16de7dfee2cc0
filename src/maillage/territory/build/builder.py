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
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import yaml
from django.utils.text import slugify

from maillage.territory.errors import DatasetError

from . import catalogue
from .sources import (
    CELL_ID_FIELDS,
    CELL_POP_FIELDS,
    QPV_CODE_FIELDS,
    QPV_NAME_FIELDS,
    Inventory,
    Source,
    inventory,
)
from .tables import extract, require, rows, unnamed_columns
from .vector import Layer, read_layer, write_geojson

# Municipal arrondissements of Paris, Lyon and Marseille: INSEE and Éducation nationale files
# often give them, ADMIN EXPRESS communes give the commune.
ARRONDISSEMENTS = {
    **{str(75100 + i): "75056" for i in range(1, 21)},
    **{str(69380 + i): "69123" for i in range(1, 10)},
    **{str(13200 + i): "13055" for i in range(1, 17)},
}
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
    "iris": "contours IRIS",
    "qpv": "quartiers prioritaires (QPV)",
    "cells": "carreaux de 200 m (Filosofi)",
    "rp_population": "population par IRIS (INSEE, base-ic évolution et structure de la population)",
    "rp_menages": "ménages par IRIS (INSEE, base-ic couples, familles, ménages)",
    "rp_logement": "logements par IRIS (INSEE, base-ic logement)",
    "colleges_geoloc": "collèges géolocalisés (Éducation nationale)",
    "ips_ecoles": "écoles (IPS des écoles, Éducation nationale)",
    "ips_lycees": "lycées (IPS des lycées, Éducation nationale)",
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


def commune_of(code: str) -> str:
    """The commune of an INSEE code (a municipal arrondissement gives its commune)."""
    return ARRONDISSEMENTS.get(code, code)


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
class _Perimeter:
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


# --------------------------------------------------------------------------- perimeter


def _read_perimeter(
    src: Source, *, communes: list[str], epci: str, neighbours_km: float
) -> tuple[_Perimeter, str]:
    from .vector import layer_fields

    fields = layer_fields(src.path, src.layer)
    code_f = "INSEE_COM" if "INSEE_COM" in fields else None
    name_f = _pick(fields, ("NOM", "NOM_COM"))
    for needed, found in (("INSEE_COM", code_f), ("NOM", name_f)):
        if found is None:
            raise DatasetError(
                "colonne absente.", file=src.path.name, location=_where(src), field=needed
            )
    assert code_f is not None and name_f is not None
    cols = [code_f, name_f] + (["SIREN_EPCI"] if "SIREN_EPCI" in fields else [])
    if epci:
        if "SIREN_EPCI" not in fields:
            raise DatasetError(
                "colonne absente : impossible de choisir les communes d'un EPCI.",
                file=src.path.name,
                location=_where(src),
                field="SIREN_EPCI",
            )
        chosen = read_layer(src.path, src.layer, columns=cols, where=f"SIREN_EPCI = '{epci}'")
    else:
        listed = ", ".join(f"'{c}'" for c in communes)
        chosen = read_layer(src.path, src.layer, columns=cols, where=f"{code_f} IN ({listed})")
    codes = [str(c) for c in chosen.column(code_f)]
    if epci and not codes:
        raise DatasetError(
            f"aucune commune de l'EPCI {epci}.",
            file=src.path.name,
            location=_where(src),
            field="SIREN_EPCI",
        )
    missing = sorted(set(communes) - set(codes))
    if missing:
        raise DatasetError(
            f"commune(s) {', '.join(missing)} absente(s) du fichier des communes.",
            file=src.path.name,
            location=_where(src),
            field=code_f,
        )
    ctg = shapely.union_all(chosen.geoms)
    margin = neighbours_km * 1000.0 + 10.0
    x0, y0, x1, y1 = ctg.bounds
    around = read_layer(
        src.path,
        src.layer,
        columns=cols,
        bbox_l93=(x0 - margin, y0 - margin, x1 + margin, y1 + margin),
    )
    limit = max(neighbours_km * 1000.0, CONTACT_M)
    geoms: dict[str, Any] = {}
    names: dict[str, str] = {}
    neighbours = []
    for i, code in enumerate(str(c) for c in around.column(code_f)):
        geom = around.geoms[i]
        if code in codes:
            geoms[code], names[code] = geom, str(around.column(name_f)[i])
        elif shapely.distance(geom, ctg) <= limit:
            geoms[code], names[code] = geom, str(around.column(name_f)[i])
            neighbours.append(code)
    allgeom = shapely.union_all(list(geoms.values()))
    perimeter = _Perimeter(
        codes=sorted(codes),
        neighbours=sorted(neighbours),
        names=names,
        geoms=geoms,
        bbox=tuple(allgeom.bounds),
    )
    return perimeter, code_f


def _holds(src: Source, communes: list[str], epci: str) -> bool:
    """Whether a communes file holds one of the chosen communes (or the EPCI)."""
    from .vector import layer_fields

    fields = layer_fields(src.path, src.layer)
    if epci:
        where = f"SIREN_EPCI = '{epci}'" if "SIREN_EPCI" in fields else None
    else:
        listed = ", ".join(f"'{c}'" for c in communes)
        where = f"INSEE_COM IN ({listed})" if "INSEE_COM" in fields else None
    return bool(where) and len(read_layer(src.path, src.layer, columns=[], where=where)) > 0


def _reprojection(layer: Layer) -> str:
    if layer.crs in ("EPSG:4326", "OGC:CRS84"):
        return "coordonnées (déjà en WGS84) arrondies à 1e-6°"
    return f"reprojection {layer.crs} → EPSG:4326 (WGS84), coordonnées arrondies à 1e-6°"


def _where(src: Source) -> str | None:
    return f"couche « {src.layer} »" if src.layer else None


# --------------------------------------------------------------------------- extracts


class _Builder:
    def __init__(self, inv: Inventory, perimeter: _Perimeter, raw: Path, slug: str) -> None:
        self.inv = inv
        self.p = perimeter
        self.raw = raw
        self.slug = slug
        self.extracts: list[Extract] = []
        self.notes: list[str] = []
        self.iris_codes: set[str] | None = None
        self.declared = declared_vintages(inv.folder)

    # -- helpers
    def _meta(self, src: Source, kind: str, *, vintage: str = "", title: str = "") -> dict:
        info = catalogue.KINDS[kind]
        sha = _sha256(src.path)
        known = catalogue.KNOWN_FILES.get(sha)
        vintage = vintage or (known.vintages.get(kind, "") if known else "")
        declared = self.declared.get(src.path.name)
        if isinstance(declared, dict):
            declared = declared.get(src.layer or "")
        vintage = vintage or str(declared or "")
        vintage = vintage or catalogue.vintage_from_name(src.path.name) or "millésime non précisé"
        origin = f"extrait par « maillage territoire creer » de {src.label} (SHA-256 {sha[:16]}…)"
        if known:
            origin += f" ; {known.origin}"
        return {
            "title": f"{title or info.title} — extrait {self.slug}",
            "producer": info.producer,
            "source_url": info.source_url,
            "origin": origin,
            "licence": info.licence,
            "vintage": vintage,
        }

    def _add(self, src: Source, entry: dict, target: Path, treatment: list[str], kept: str) -> None:
        entry = {"path": f"raw/{target.name}", **entry}
        self.extracts.append(
            Extract(
                entry=entry,
                source=src,
                sha256=_sha256(src.path),
                size=src.path.stat().st_size,
                treatment=treatment,
                kept=kept,
            )
        )

    def _target(self, stem: str, suffix: str) -> Path:
        base = slugify(stem) or "fichier"
        target = self.raw / f"{base}_{self.slug}{suffix}"
        n = 2
        while target.exists():
            target = self.raw / f"{base}_{self.slug}_{n}{suffix}"
            n += 1
        return target

    def _commune_at(self, points: np.ndarray) -> list[str | None]:
        codes = sorted(self.p.all_codes)
        tree = shapely.STRtree([self.p.geoms[c] for c in codes])
        pts_idx, geom_idx = tree.query(points, predicate="within")
        out: list[str | None] = [None] * len(points)
        for pi, gi in zip(pts_idx, geom_idx, strict=True):
            out[pi] = codes[gi]
        return out

    # -- communes
    def communes(self, src: Source, code_f: str) -> None:
        layer = read_layer(src.path, src.layer, bbox_l93=self.p.bbox)
        feats = [
            (layer.properties(i), layer.geoms[i])
            for i, c in enumerate(layer.column(code_f))
            if str(c) in self.p.all_codes
        ]
        target = self._target("communes", ".geojson")
        write_geojson(target, feats)
        name_f = "NOM" if "NOM" in layer.fields else "NOM_COM"
        entry = {
            "kind": "communes",
            **self._meta(src, "communes"),
            "fields": {"code": code_f, "name": name_f},
        }
        self._add(
            src,
            entry,
            target,
            [
                f"entités dont {code_f} est une commune du territoire ou une voisine",
                _reprojection(layer),
            ],
            f"{len(feats)} commune(s)",
        )

    # -- IRIS
    def iris(self, src: Source) -> None:
        layer = read_layer(src.path, src.layer, bbox_l93=self.p.bbox)
        for f in ("CODE_IRIS", "NOM_IRIS", "INSEE_COM"):
            layer.column(f)
        communes = [commune_of(str(c)) for c in layer.column("INSEE_COM")]
        keep = [i for i, c in enumerate(communes) if c in self.p.all_codes]
        if not any(communes[i] in self.p.codes for i in keep):
            full = read_layer(src.path, src.layer, columns=["INSEE_COM"])
            deps = sorted({str(c)[:2] for c in full.column("INSEE_COM")})
            raise NotCovering(
                f"aucun IRIS des communes du territoire ({', '.join(self.p.codes)}) : le fichier "
                f"couvre le(s) département(s) {', '.join(deps[:12]) or 'aucun'}.",
                file=src.path.name,
                location=_where(src),
                field="INSEE_COM",
            )
        feats = []
        for i in keep:
            props = layer.properties(i)
            props["_insee_com"] = communes[i]
            feats.append((props, layer.geoms[i]))
        self.iris_codes = {str(layer.column("CODE_IRIS")[i]) for i in keep}
        target = self._target("iris", ".geojson")
        write_geojson(target, feats)
        fields = {"code": "CODE_IRIS", "name": "NOM_IRIS", "commune": "_insee_com"}
        if "TYP_IRIS" in layer.fields:
            fields["type"] = "TYP_IRIS"
        entry = {"kind": "zones", "zone_kind": "iris", **self._meta(src, "iris"), "fields": fields}
        self._add(
            src,
            entry,
            target,
            [
                "IRIS dont INSEE_COM est une commune du territoire ou une voisine (arrondissements "
                "municipaux rapportés à leur commune)",
                "propriété ajoutée `_insee_com` : la commune du périmètre",
                _reprojection(layer),
            ],
            f"{len(feats)} IRIS sur {len(layer)} lus dans l'emprise",
        )

    # -- QPV
    def qpv(self, src: Source) -> None:
        layer = read_layer(src.path, src.layer, bbox_l93=self.p.bbox)
        code_f = _pick(layer.fields, QPV_CODE_FIELDS)
        name_f = _pick(layer.fields, QPV_NAME_FIELDS)
        if code_f is None or name_f is None:
            raise DatasetError(
                "colonne absente.",
                file=src.path.name,
                location=_where(src),
                field=QPV_CODE_FIELDS[0] if code_f is None else QPV_NAME_FIELDS[0],
            )
        by_vintage: dict[str, list[tuple[dict, Any]]] = {}
        ctg = set(self.p.codes)
        for i, geom in enumerate(layer.geoms):
            overlaps = {c: shapely.intersection(geom, g).area for c, g in self.p.geoms.items()}
            overlaps = {c: a for c, a in overlaps.items() if a >= MIN_QPV_OVERLAP_M2}
            if not overlaps:
                continue
            inner = {c: a for c, a in overlaps.items() if c in ctg} or overlaps
            props = layer.properties(i)
            code = str(props[code_f])
            vintage = catalogue.qpv_vintage(code)
            if not vintage:
                raise DatasetError(
                    f"code « {code} » : ni QP (géographie 2015) ni QN (géographie 2024).",
                    file=src.path.name,
                    location=_where(src),
                    field=code_f,
                )
            props["_insee_com"] = max(inner, key=lambda c: inner[c])
            by_vintage.setdefault(vintage, []).append((props, geom))
        if not by_vintage:
            self.notes.append(f"{src.label} : aucun QPV dans le périmètre.")
            return
        for vintage, feats in sorted(by_vintage.items()):
            target = self._target(f"qpv_{vintage}", ".geojson")
            write_geojson(target, feats)
            meta = self._meta(
                src,
                "qpv",
                vintage=vintage,
                title=f"Quartiers prioritaires de la politique de la ville (géographie {vintage})",
            )
            entry = {
                "kind": "zones",
                "zone_kind": "qpv",
                **meta,
                "fields": {"code": code_f, "name": name_f, "commune": "_insee_com"},
            }
            self._add(
                src,
                entry,
                target,
                [
                    "QPV dont l'intersection avec une commune du périmètre dépasse 0,1 ha",
                    "propriété ajoutée `_insee_com` : la commune du territoire la plus recouverte "
                    "(à défaut la voisine la plus recouverte)",
                    f"millésime {vintage} lu dans les codes "
                    f"({'QP…' if vintage == '2015' else 'QN…'})",
                    _reprojection(layer),
                ],
                f"{len(feats)} QPV {vintage}",
            )

    # -- cells
    def cells(self, src: Source) -> None:
        layer = read_layer(src.path, src.layer, bbox_l93=self.p.bbox)
        id_f = _pick(layer.fields, CELL_ID_FIELDS)
        pop_f = _pick(layer.fields, CELL_POP_FIELDS)
        if id_f is None or pop_f is None:
            raise DatasetError(
                "colonne absente.",
                file=src.path.name,
                location=_where(src),
                field=CELL_ID_FIELDS[0] if id_f is None else CELL_POP_FIELDS[0],
            )
        centres = shapely.centroid(layer.geoms)
        communes = self._commune_at(centres)
        feats = []
        for i, code in enumerate(communes):
            if code is None:
                continue
            props = layer.properties(i)
            props["_insee_com_centroide"] = code
            feats.append((props, layer.geoms[i]))
        if not feats:
            self.notes.append(f"{src.label} : aucun carreau dans le périmètre.")
            return
        target = self._target("carreaux_200m", ".geojson")
        write_geojson(target, feats)
        fields = {"id": id_f, "population": pop_f, "commune": "_insee_com_centroide"}
        imputed = _pick(layer.fields, ("imputed", "I_est_200", "i_est_200", "I_est_cr"))
        if imputed:
            fields["imputed"] = imputed
        if "poverty_ratio" in layer.fields:
            fields["poverty_share"] = "poverty_ratio"
        entry = {"kind": "cells", **self._meta(src, "cells"), "fields": fields}
        self._add(
            src,
            entry,
            target,
            [
                "carreaux dont le centre est dans une commune du territoire ou une voisine",
                "propriété ajoutée `_insee_com_centroide` : la commune qui contient le centre",
                _reprojection(layer),
            ],
            f"{len(feats)} carreaux sur {len(layer)} lus dans l'emprise",
        )

    # -- INSEE RP by IRIS
    def rp(self, src: Source) -> None:
        header = src.header
        assert header is not None
        kind = src.kind
        suffixes = RP_COLUMNS[kind]
        first = next(iter(suffixes))
        years = sorted(
            {m.group(1) for c in header.columns if (m := re.fullmatch(rf"[PC](\d\d)_{first}", c))}
        )
        if not years:
            raise DatasetError(
                "colonne absente de l'en-tête.",
                file=src.path.name,
                location="ligne 1",
                field=f"P…_{first}",
            )
        yy = years[-1]
        prefix = "C" if kind == "rp_menages" else "P"
        columns = {f"{prefix}{yy}_{s}": meta for s, meta in suffixes.items()}
        require(header, "IRIS", *columns)
        if self.iris_codes is None:
            self.notes.append(
                f"{src.label} : non retenu, il faut les contours IRIS pour rattacher ses lignes."
            )
            return
        iris_codes = self.iris_codes
        dropped: list[str] = []

        def keep(code: str) -> bool:
            if commune_of(code[:5]) not in self.p.all_codes:
                return False
            if code not in iris_codes:
                dropped.append(code)
                return False
            return True

        target = self._target(src.path.stem, src.path.suffix.lower())
        kept, read = extract(header, target, column="IRIS", keep=keep)
        vintage = f"RP 20{yy}"
        entry = {
            "kind": "zone_statistics",
            "zone_kind": "iris",
            **self._meta(src, kind, vintage=vintage),
            "theme": RP_THEMES[kind],
            "code_column": "IRIS",
            "columns": {
                col: {"key": key, "label": label, "unit": unit}
                for col, (key, label, unit) in columns.items()
            },
        }
        treatment = [
            "lignes dont les 5 premiers caractères d'IRIS sont une commune du périmètre, copiées "
            "octet pour octet avec l'en-tête",
            f"millésime {vintage} lu dans l'en-tête (préfixe {prefix}{yy}_)",
        ]
        renamed = unnamed_columns(header)
        if renamed:
            treatment.append(
                "en-tête : colonne(s) sans nom nommée(s) " + ", ".join(f"`{c}`" for c in renamed)
            )
        if dropped:
            treatment.append(
                f"{len(dropped)} ligne(s) écartée(s) faute de contour IRIS : "
                f"{', '.join(dropped[:10])}"
            )
        self._add(src, entry, target, treatment, f"{kept} ligne(s) sur {read}")

    # -- Éducation nationale
    def colleges(self, src: Source) -> None:
        header = src.header
        assert header is not None
        require(header, "numero_uai", "code_commune", "latitude", "longitude")
        target = self._target(src.path.stem, ".csv")
        kept, read = extract(
            header, target, column="code_commune", keep=lambda c: commune_of(c) in self.p.all_codes
        )
        entry = {
            "kind": "colleges_geoloc",
            "source": "education-nationale",
            "source_label": "Adresse et géolocalisation des établissements (Éducation nationale)",
            **self._meta(src, "colleges_geoloc"),
        }
        entry["public_label"] = (
            "Adresse et géolocalisation des établissements (Éducation nationale), "
            f"{entry['vintage']}"
        )
        self._add(
            src,
            entry,
            target,
            ["lignes dont code_commune est une commune du périmètre, copiées octet pour octet"],
            f"{kept} collège(s) sur {read}",
        )

    def ips(self, src: Source) -> None:
        header = src.header
        assert header is not None
        commune_col, rentree = "Code INSEE de la commune", "Rentrée scolaire"
        name_col = _pick(header.columns, ("Nom de l'établissment", "Nom de l'établissement"))
        require(
            header, "UAI", commune_col, rentree, name_col or "Nom de l'établissement", "Secteur"
        )
        target = self._target(src.path.stem, ".csv")
        kept, read = extract(
            header, target, column=commune_col, keep=lambda c: commune_of(c) in self.p.all_codes
        )
        (r_idx,) = require(header, rentree)
        from .tables import read_header

        seasons = sorted({v[r_idx] for _, _, v in rows(read_header(target))})  # type: ignore[arg-type]
        vintage = seasons[-1] if seasons else "millésime non précisé"
        kind = src.kind
        typology = "lycee" if kind == "ips_lycees" else "ecole"
        entry = {
            "kind": "schools_ips",
            "source": "education-nationale",
            "source_label": catalogue.KINDS[kind].title.split(" (")[0] + " (Éducation nationale)",
            "priority": 20,
            **self._meta(src, kind, vintage=vintage),
            "typology": typology,
            "name_column": name_col,
        }
        entry["public_label"] = f"{entry['source_label']}, rentrée {vintage}"
        self._add(
            src,
            entry,
            target,
            [
                f"lignes dont « {commune_col} » est une commune du périmètre, copiées octet pour "
                "octet",
                f"rentrée(s) présente(s) : {', '.join(seasons) or 'aucune'} ; le chargement garde "
                "la plus récente de chaque établissement",
                "pas de position dans ce fichier : les établissements sont « à localiser »",
            ],
            f"{kept} ligne(s) sur {read}",
        )


# --------------------------------------------------------------------------- entry point


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
        commune_sources = [s for s in commune_sources if _holds(s, communes, epci)]
        if len(commune_sources) != 1:
            raise DatasetError(
                ("plusieurs" if commune_sources else "aucun des")
                + " fichiers de communes contenant le territoire : "
                + ", ".join(s.label for s in commune_sources or inv.of("communes"))
                + " ; n'en gardez qu'un dans le dossier des sources."
            )
    say("Périmètre")
    perimeter, code_f = _read_perimeter(
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
        b = _Builder(inv, perimeter, raw, territory_slug)
        say("Communes")
        b.communes(commune_sources[0], code_f)
        missing = []
        for kind in (
            "iris",
            "qpv",
            "cells",
            "rp_population",
            "rp_menages",
            "rp_logement",
            "colleges_geoloc",
            "ips_ecoles",
            "ips_lycees",
        ):
            found = inv.of(kind)
            if not found:
                missing.append(KIND_LABELS[kind])
            skipped: list[NotCovering] = []
            for src in found:
                say(f"{KIND_LABELS[kind]} : {src.label}")
                handler = {
                    "iris": b.iris,
                    "qpv": b.qpv,
                    "cells": b.cells,
                    "colleges_geoloc": b.colleges,
                    "ips_ecoles": b.ips,
                    "ips_lycees": b.ips,
                }.get(kind, b.rp)
                try:
                    handler(src)
                except NotCovering as exc:
                    skipped.append(exc)
            if skipped and len(skipped) == len(found):
                raise skipped[0]
            b.notes += [f"non retenu : {exc}" for exc in skipped]
        for src in inv.of("cells_csv"):
            b.notes.append(
                f"{src.label} : carreaux Filosofi en CSV (Idcar_200m) reconnus mais pas encore "
                "lus ; donnez le GeoPackage des carreaux."
            )
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
        _write_manifest(work, report, (start, end), period is None, neighbours_km, epci)
        _write_sources_md(work, report, sources, neighbours_km, epci)
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


def _default_name(inv: Inventory, perimeter: _Perimeter, epci: str) -> str:
    if epci:
        for src in inv.epci_layers:
            layer: Layer = read_layer(src.path, src.layer)
            if "CODE_SIREN" in layer.fields and "NOM" in layer.fields:
                for siren, nom in zip(layer.fields["CODE_SIREN"], layer.fields["NOM"], strict=True):
                    if str(siren) == epci:
                        return str(nom)
        return f"EPCI {epci}"
    return ", ".join(perimeter.names[c] for c in perimeter.codes)


def _write_manifest(
    work: Path,
    report: BuildReport,
    period: tuple[int, int],
    period_defaulted: bool,
    neighbours_km: float,
    epci: str,
) -> None:
    chosen = f"EPCI {epci}" if epci else ", ".join(f"{n} ({c})" for c, n in report.communes)
    description = (
        f"Territoire construit par « maillage territoire creer » depuis les fichiers nationaux : "
        f"{chosen}."
    )
    data = {
        "format": 1,
        "territory": {
            "slug": report.slug,
            "name": report.name,
            "description": description,
            "communes": [c for c, _ in report.communes],
            "neighbours": [c for c, _ in report.neighbours],
            "period": list(period),
        },
        "files": [e.entry for e in report.extracts],
    }
    head = (
        "# Maillage dataset manifest — written by « maillage territoire creer », see SOURCES.md.\n"
    )
    if period_defaulted:
        head += "# period: année en cours + 3 par défaut — mettez celle de votre convention.\n"
    text = head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (work / "manifest.yaml").write_text(text, encoding="utf-8")


def _write_sources_md(
    work: Path, report: BuildReport, sources: Path, neighbours_km: float, epci: str
) -> None:
    rule = f"communes à moins de {neighbours_km:g} km" if neighbours_km else "communes en contact"
    lines = [
        f"# Sources — {report.name}",
        "",
        "Dossier écrit par `maillage territoire creer` à partir des fichiers nationaux du dossier",
        f"`{sources.name}/`, lus dans leur format de publication, sans modification. Chaque",
        "fichier de `raw/` est un extrait : des entités ou des lignes du fichier national, jamais",
        "une valeur changée. Les CSV gardent leurs lignes octet pour octet ; les couches",
        "géographiques sont écrites en GeoJSON WGS84 (format stocké par Maillage, ADR 0001) avec",
        "les propriétés",
        "d'origine, plus les propriétés préfixées `_` que ce fichier décrit.",
        "",
        "## Périmètre",
        "",
        "- Territoire : "
        + (f"communes de l'EPCI {epci}" if epci else "communes choisies")
        + " — "
        + ", ".join(f"{n} ({c})" for c, n in report.communes),
        f"- Voisines ({rule} avec le territoire, dans le fichier des communes) : "
        + (", ".join(f"{n} ({c})" for c, n in report.neighbours) or "aucune"),
        "",
        "## Fichiers",
        "",
    ]
    for n, e in enumerate(report.extracts, start=1):
        entry = e.entry
        lines += [
            f"### {n}. `{entry['path']}` ({entry['kind']}"
            + (f", {entry['zone_kind']}" if "zone_kind" in entry else "")
            + ")",
            f"- Fichier national : `{e.source.label}` — {e.size} octets, SHA-256 `{e.sha256}`",
            f"- Titre : {entry['title']} ; producteur : {entry['producer']} ; licence : "
            f"{entry['licence']}",
            f"- Adresse de la source : {entry['source_url']}",
            f"- Millésime : {entry['vintage']}",
            f"- Provenance : {entry['origin']}",
            f"- Gardé : {e.kept}",
            "- Traitement : " + " ; ".join(e.treatment) + ".",
            "",
        ]
    if report.missing:
        lines += ["## Absents du dossier des sources", ""]
        lines += [f"- {m}" for m in report.missing] + [""]
    if report.notes:
        lines += ["## Remarques", ""] + [f"- {x}" for x in report.notes] + [""]
    if report.ignored:
        lines += ["## Fichiers ignorés", ""] + [f"- {x}" for x in report.ignored] + [""]
    (work / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")
