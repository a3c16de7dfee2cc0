"""Find the national files in a folder and tell their kind from their content.

Files are recognised by their layers and columns, not their names (a national file keeps the
name it was published with): ADMIN EXPRESS communes (layer ``commune``/``cities``, or
``COMMUNE.shp``), CONTOURS-IRIS (``CODE_IRIS``), QPV (``CODE_QP``…), Filosofi 200 m cells
(``Idcar_200m`` or the ``enriched_grid`` layer), INSEE base infracommunale CSV (``IRIS`` and
``P16_POP0014``-like columns), Éducation nationale CSV (collèges with positions, IPS of écoles
and lycées), INSEE BPE « ensemble » (``DEPCOM``, ``TYPEQU``), data·inclusion exports (JSON
lists of structures and services). What is not recognised is listed, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .tables import CsvHeader, read_header
from .vector import VECTOR_SUFFIXES, layer_fields, list_layers

COMMUNE_LAYERS = {"commune", "communes", "cities"}
QPV_CODE_FIELDS = ("CODE_QP", "code_qp", "CODE_QV", "code_qv")
QPV_NAME_FIELDS = ("NOM_QP", "lib_qp", "NOM_QV", "lib_qv", "nom_qp")
CELL_ID_FIELDS = ("id", "Idcar_200m", "idcar_200m", "IdINSPIRE")
CELL_POP_FIELDS = ("num_people", "Ind", "ind")


@dataclass(frozen=True)
class Source:
    """One usable national file (or GeoPackage layer) and its kind."""

    kind: str  # communes, iris, qpv, cells, cells_csv, rp_population, rp_menages, …
    path: Path
    layer: str | None = None
    header: CsvHeader | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name} (couche {self.layer})" if self.layer else self.path.name


@dataclass
class Inventory:
    folder: Path
    sources: list[Source] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # « fichier : raison »
    epci_layers: list[Source] = field(default_factory=list)

    def of(self, kind: str) -> list[Source]:
        return [s for s in self.sources if s.kind == kind]


def _vector_kind(name: str, fields: list[str]) -> str | None:
    lname = name.lower()
    if "CODE_IRIS" in fields or "iris" in lname:
        return "iris"
    if lname in COMMUNE_LAYERS or ("commune" in lname and "INSEE_COM" in fields):
        return "communes"
    if any(f in fields for f in QPV_CODE_FIELDS) or "qpv" in lname or lname.startswith("qp_"):
        return "qpv"
    if (
        lname == "enriched_grid"
        or "carreau" in lname
        or (any(f in fields for f in CELL_ID_FIELDS) and any(f in fields for f in CELL_POP_FIELDS))
    ):
        return "cells"
    if lname == "epci":
        return "epci"
    return None


_RP = {
    "rp_population": re.compile(r"P\d\d_POP0014"),
    "rp_menages": re.compile(r"C\d\d_PMEN_MENFAMMONO"),
    "rp_logement": re.compile(r"P\d\d_RPMAISON"),
}


def _csv_kind(path: Path, header: CsvHeader) -> str | None:
    cols = set(header.columns)
    if "IRIS" in cols:
        for kind, pattern in _RP.items():
            if any(pattern.fullmatch(c) for c in cols):
                return kind
    if {"numero_uai", "latitude", "longitude", "code_commune"} <= cols:
        return "colleges_geoloc"
    if "UAI" in cols and "Code INSEE de la commune" in cols:
        if "Type de lycée" in cols:
            return "ips_lycees"
        if "college" in path.name.lower() or "collège" in path.name.lower():
            return None  # collèges: their positions come from the geolocation file
        return "ips_ecoles"
    if {c.lower() for c in cols} & {"idcar_200m"}:
        return "cells_csv"
    if {"DEPCOM", "TYPEQU"} <= cols and "NB_EQUIP" not in cols:
        # The BPE « ensemble » (one line per equipment); the count files by IRIS (NB_EQUIP)
        # have no position and are not read.
        return "bpe"
    return None


def inventory(folder: Path) -> Inventory:
    """Every file of ``folder`` (recursively), classified; unreadable files raise."""
    inv = Inventory(folder=folder)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if suffix in VECTOR_SUFFIXES:
            if suffix == ".json" and not _looks_like_geojson(path):
                if di_kind := _datainclusion_kind(path):
                    inv.sources.append(Source(kind=di_kind, path=path))
                elif _looks_like_populations(path):
                    inv.sources.append(Source(kind="commune_populations", path=path))
                else:
                    inv.ignored.append(f"{path.name} : JSON sans entités géographiques")
                continue
            layers = list_layers(path)
            for layer, _geom in layers:
                name = layer if suffix == ".gpkg" else path.stem
                kind = _vector_kind(name, layer_fields(path, layer))
                source = Source(
                    kind=kind or "", path=path, layer=layer if suffix == ".gpkg" else None
                )
                if kind == "epci":
                    inv.epci_layers.append(source)
                elif kind:
                    inv.sources.append(source)
                else:
                    inv.ignored.append(f"{source.label} : couche non reconnue")
        elif suffix in (".csv", ".txt"):
            header = read_header(path)
            kind = _csv_kind(path, header) if header else None
            if kind:
                inv.sources.append(Source(kind=kind, path=path, header=header))
            else:
                inv.ignored.append(f"{path.name} : colonnes non reconnues")
        elif path.name == "millesimes.yaml" or suffix in (
            ".md",
            ".pdf",
            ".py",
            ".html",
            ".prj",
            ".dbf",
            ".shx",
            ".cpg",
            ".qmd",
        ):
            continue
        else:
            inv.ignored.append(f"{path.name} : format non lu (décompressez les archives)")
    return inv


def _looks_like_populations(path: Path) -> bool:
    """The communes of ``@etalab/decoupage-administratif`` (``data/communes.json``: a list of
    ``{code, nom, type, population…}``, or an object with such a ``communes`` list)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b'"code"' in head and b'"population"' in head


def _datainclusion_kind(path: Path) -> str | None:
    """A data·inclusion export (``structures.json`` / ``services.json`` of the national API or
    of data.gouv.fr): a JSON list of records with ``source``, ``id`` and ``date_maj``; services
    name their ``structure_id``."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head.lstrip().startswith(b"[") or b'"date_maj"' not in head or b'"source"' not in head:
        return None
    if b'"structure_id"' in head:
        return "datainclusion_services"
    if b'"code_insee"' in head or b'"siret"' in head:
        return "datainclusion_structures"
    return None


def _looks_like_geojson(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b"FeatureCollection" in head or b'"features"' in head
