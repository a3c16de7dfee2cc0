"""One extract per national file: the features or lines of the perimeter, and their entry."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.utils.text import slugify

from maillage.territory.errors import DatasetError
from maillage.territory.loader import commune_of

from . import catalogue
from .common import (
    MIN_QPV_OVERLAP_M2,
    RP_COLUMNS,
    RP_THEMES,
    Extract,
    NotCovering,
    Perimeter,
    _pick,
    _reprojection,
    _sha256,
    _where,
    declared_vintages,
)
from .sources import (
    CELL_ID_FIELDS,
    CELL_POP_FIELDS,
    QPV_CODE_FIELDS,
    QPV_NAME_FIELDS,
    Inventory,
    Source,
)
from .tables import extract, read_header, require, rows, unnamed_columns
from .vector import read_layer, write_geojson


def _few(codes: list[str], n: int = 5) -> str:
    return ", ".join(codes[:n]) + (f"… ({len(codes)} communes)" if len(codes) > n else "")


class Builder:
    def __init__(self, inv: Inventory, perimeter: Perimeter, raw: Path, slug: str) -> None:
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
                f"aucun IRIS des communes du territoire ({_few(self.p.codes)}) : le fichier "
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

    def cells_csv(self, src: Source) -> None:
        """Filosofi cells published as CSV (``Idcar_200m``): see :mod:`.cells_csv`."""
        from .cells_csv import cells_from_csv

        cells_from_csv(self, src)

    def bpe(self, src: Source) -> None:
        """INSEE BPE « ensemble » géolocalisée: see :mod:`.bpe`."""
        from .bpe import bpe

        bpe(self, src)

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

    # -- legal populations (COG)
    def populations(self, src: Source) -> None:
        size = src.path.stat().st_size
        if size > 200 * 1024 * 1024:
            raise DatasetError("fichier de plus de 200 Mo.", file=src.path.name)
        try:
            data = json.loads(src.path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DatasetError(f"JSON invalide ({exc}).", file=src.path.name) from exc
        items = data.get("communes") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise DatasetError("liste des communes attendue.", file=src.path.name, field="communes")
        kept = []
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict) or "code" not in item:
                raise DatasetError(
                    "commune sans code.",
                    file=src.path.name,
                    location=f"élément n° {n}",
                    field="code",
                )
            # Communes only: a municipal arrondissement or a commune déléguée has its own line.
            if item.get("type", "commune-actuelle") != "commune-actuelle":
                continue
            if str(item["code"]) in self.p.all_codes:
                if not isinstance(item.get("population"), int | float):
                    raise DatasetError(
                        "population absente ou non numérique.",
                        file=src.path.name,
                        location=f"commune {item['code']}",
                        field="population",
                    )
                kept.append(item)
        if not kept:
            self.notes.append(f"{src.label} : aucune commune du périmètre.")
            return
        target = self._target("populations_communes", ".json")
        target.write_text(json.dumps(kept, ensure_ascii=False, indent=1), encoding="utf-8")
        meta = self._meta(src, "commune_populations")
        if meta["vintage"][:1].isdigit():
            meta["vintage"] = f"COG {meta['vintage']}"
        entry = {
            "kind": "commune_populations",
            **meta,
            "fields": {"code": "code", "population": "population"},
        }
        self._add(
            src,
            entry,
            target,
            [
                "communes actuelles (type commune-actuelle) du périmètre, éléments recopiés tels "
                "quels dans une liste JSON",
            ],
            f"{len(kept)} commune(s) sur {len(items)} éléments",
        )

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
