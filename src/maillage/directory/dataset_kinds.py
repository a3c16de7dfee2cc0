"""Dataset file kinds of the directory (registered from ``DirectoryConfig.ready``).

- ``structures_ctg``: the structures named by the signed CTG (``structures_ctg.csv``), with their
  capacities; no position (« à localiser »).
- ``structures_web``: structures found in public web pages and files (one CSV, see SOURCES.md).
- ``schools_annuaire``: Annuaire de l'éducation (écoles du 1er degré, with lat/lon).
- ``colleges_geoloc``: Adresse et géolocalisation des établissements (collèges).
- ``schools_geojson``: collèges and lycées as GeoJSON points.

Every file is parsed and validated first (:class:`DatasetError` naming file, line, field), then
all directory files are merged by UAI/FINESS and written together (:mod:`.loading`).
Only structures of the manifest's communes and neighbours are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.text import slugify

from maillage.territory.errors import DatasetError
from maillage.territory.loader import (
    FileSpec,
    Manifest,
    commune_of,
    read_csv_rows,
    read_features,
    register_kind,
    to_float,
)

from .loading import (
    DIRECTORY_KINDS,
    SameAs,
    StructureRecord,
    accumulate,
    check_record,
    read_typologies,
)

EXACT, APPROXIMATE = "exact", "approximate"


def _label(spec: FileSpec) -> str:
    return (spec.options.get("source_label") or f"{spec.producer} — {spec.title}").strip(" —")


def _public_label(spec: FileSpec) -> str:
    """The clean source line shown to the public (manifest option ``public_label``), else the
    file's title and vintage; never the internal label (file numbers, working notes)."""
    label = spec.options.get("public_label") or ", ".join(
        p for p in (spec.title, spec.vintage) if p
    )
    return str(label).strip()[:300]


def _yes(value: str | None) -> bool:
    return (value or "").strip().casefold() in ("oui", "1", "vrai", "true", "yes")


def _float_or_none(value: str, *, spec: FileSpec, loc: str, field: str) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    return to_float(value, name=spec.path, location=loc, field_name=field)


def _int_or_none(value: str, *, spec: FileSpec, loc: str, field: str) -> int | None:
    number = _float_or_none(value, spec=spec, loc=loc, field=field)
    if number is None:
        return None
    if number != int(number):
        raise DatasetError(
            f"nombre entier attendu, trouvé « {value} ».", file=spec.path, location=loc, field=field
        )
    return int(number)


def _official_name(name: str) -> str:
    """The official name, with the capital É the source writes without its accent."""
    return f"École{name[5:]}" if name.startswith("Ecole") else name


def _finish(records: list[StructureRecord]) -> list[StructureRecord]:
    codes = {t["code"] for t in read_typologies()}
    for r in records:
        check_record(r, codes)
    return records


# --------------------------------------------------------------------------- CTG seed


CTG_COLUMNS = (
    "source_id",
    "name",
    "typology",
    "organisation",
    "organisation_kind",
    "grouped_count",
    "commune",
    "service_name",
    "capacity",
    "places_open_to_public",
    "age_min",
    "age_max",
    "seed_excerpt",
    "note",
)


def parse_structures_ctg(spec: FileSpec, path: Path, manifest: Manifest) -> list[StructureRecord]:
    source = spec.options.get("source", "ctg")
    label = _label(spec)
    records = []
    for line, row in read_csv_rows(path, spec.path, CTG_COLUMNS):
        loc = f"ligne {line}"
        for col in ("source_id", "name", "typology"):
            if not row[col]:
                raise DatasetError("valeur manquante.", file=spec.path, location=loc, field=col)
        if row["commune"] not in manifest.perimeter_codes:
            raise DatasetError(
                f"commune « {row['commune']} » hors du périmètre du territoire.",
                file=spec.path,
                location=loc,
                field="commune",
            )
        excerpt = f"CTG : « {row['seed_excerpt']} »." if row["seed_excerpt"] else ""
        record = StructureRecord(
            key=f"{source}:{row['source_id']}",
            priority=int(spec.options.get("priority", 10)),
            file=spec.path,
            location=loc,
            source=source,
            source_id=row["source_id"],
            source_label=label,
            source_url=spec.source_url,
            fields={
                "name": row["name"],
                "typology": row["typology"],
                "commune": row["commune"],
                "grouped_count": _int_or_none(
                    row["grouped_count"], spec=spec, loc=loc, field="grouped_count"
                ),
            },
            notes=[excerpt, row["note"]],
            organisation=(
                {"name": row["organisation"], "kind": row["organisation_kind"]}
                if row["organisation"]
                else None
            ),
            public_source=_public_label(spec),
            declared_only=_yes(row.get("declared_only")),
        )
        if row["service_name"]:
            record.services.append(
                {
                    "source": source,
                    "source_id": row["source_id"],
                    "fields": {
                        "name": row["service_name"],
                        "capacity": _int_or_none(
                            row["capacity"], spec=spec, loc=loc, field="capacity"
                        ),
                        "places_open_to_public": _int_or_none(
                            row["places_open_to_public"],
                            spec=spec,
                            loc=loc,
                            field="places_open_to_public",
                        ),
                        "age_min": _float_or_none(
                            row["age_min"], spec=spec, loc=loc, field="age_min"
                        ),
                        "age_max": _float_or_none(
                            row["age_max"], spec=spec, loc=loc, field="age_max"
                        ),
                        "source_label": label,
                        "note": excerpt,
                    },
                }
            )
        records.append(record)
    return _finish(records)


# --------------------------------------------------------------------------- web sources


WEB_COLUMNS: tuple[str, ...] = (
    "name",
    "type",
    "sector",
    "address",
    "postcode",
    "city",
    "phone",
    "website",
)
WEB_COLUMNS += ("lat", "lon", "uai_or_siret", "source_url", "notes", "capacity", "hours")


def parse_structures_web(spec: FileSpec, path: Path, manifest: Manifest) -> list[StructureRecord]:
    o = spec.options
    typology_map: dict[str, str] = o.get("typology_map") or {}
    sector_orgs: dict[str, dict] = o.get("sector_organisations") or {}
    same_building: dict[str, str] = o.get("same_building") or {}
    commune = str(o.get("commune") or "")
    source = o.get("source", "sources-web")
    rows = read_csv_rows(path, spec.path, WEB_COLUMNS)
    positions: dict[str, tuple[float, float]] = {}
    records = []
    for line, row in rows:
        loc = f"ligne {line}"
        if row["type"] not in typology_map:
            raise DatasetError(
                f"type « {row['type']} » absent de typology_map du manifeste.",
                file=spec.path,
                location=loc,
                field="type",
            )
        ident = row["uai_or_siret"]
        kind, _, number = ident.partition(" ")
        uai = number if kind == "UAI" else ""
        finess = number if kind == "FINESS" else ""
        source_id = uai or finess or slugify(row["name"])[:120]
        lat = _float_or_none(row["lat"], spec=spec, loc=loc, field="lat")
        lon = _float_or_none(row["lon"], spec=spec, loc=loc, field="lon")
        fields: dict[str, Any] = {
            "name": row["name"],
            "typology": typology_map[row["type"]],
            "sector": row["sector"],
            "address": row["address"],
            "postcode": row["postcode"],
            "commune": commune,
            "phone": row["phone"],
            "website": row["website"],
            "uai": uai,
            "finess": finess,
        }
        first_url = row["source_url"].split(" | ")[0]
        if lon is not None and lat is not None:
            positions[ident] = (lon, lat)
            fields.update(
                lon=lon,
                lat=lat,
                position_precision=o.get("position_precision", APPROXIMATE),
                position_source=f"{_label(spec)}, {loc} ({first_url})"[:300],
            )
        records.append(
            StructureRecord(
                key=f"uai:{uai}"
                if uai
                else f"finess:{finess}"
                if finess
                else f"{source}:{source_id}",
                priority=int(o.get("priority", 10)),
                file=spec.path,
                location=loc,
                source=source,
                source_id=source_id,
                source_label=_label(spec),
                source_url=row["source_url"],
                fields=fields,
                notes=[row["notes"]],
                organisation=sector_orgs.get(row["sector"]),
                public_source=_public_label(spec),
            )
        )
    for r in records:
        ref = same_building.get(r.fields["name"])
        if ref and "lon" not in r.fields:
            if ref not in positions:
                raise DatasetError(
                    f"same_building : aucune ligne localisée « {ref} ».",
                    file=spec.path,
                    location=r.location,
                )
            lon, lat = positions[ref]
            r.fields.update(
                lon=lon,
                lat=lat,
                position_precision=APPROXIMATE,
                position_source=f"{_label(spec)} : même bâtiment que {ref}",
            )
    return _finish(records)


# --------------------------------------------------------------------------- Éducation nationale


def _school_record(
    spec: FileSpec, loc: str, *, uai: str, fields: dict[str, Any], notes: list[str]
) -> StructureRecord:
    source = spec.options.get("source", "education-nationale")
    return StructureRecord(
        key=f"uai:{uai}",
        priority=int(spec.options.get("priority", 30)),
        file=spec.path,
        location=loc,
        source=source,
        source_id=uai,
        source_label=_label(spec),
        source_url=spec.source_url,
        fields={"uai": uai, **fields},
        notes=notes,
        public_source=_public_label(spec),
    )


ANNUAIRE_COLUMNS = (
    "identifiant_de_l_etablissement",
    "nom_etablissement",
    "statut_public_prive",
    "adresse_1",
    "code_postal",
    "code_commune",
    "ecole_maternelle",
    "ecole_elementaire",
    "telephone",
    "mail",
    "siren_siret",
    "latitude",
    "longitude",
    "precision_localisation",
    "date_maj_ligne",
    "type_contrat_prive",
)


def parse_schools_annuaire(spec: FileSpec, path: Path, manifest: Manifest) -> list[StructureRecord]:
    from datetime import date

    records = []
    for line, row in read_csv_rows(path, spec.path, ANNUAIRE_COLUMNS):
        loc = f"ligne {line}"
        if row["code_commune"] not in manifest.perimeter_codes:
            continue
        mat, elem = row["ecole_maternelle"] == "1", row["ecole_elementaire"] == "1"
        typology = "ecole-primaire" if mat and elem else "ecole-maternelle" if mat else ""
        typology = typology or ("ecole-elementaire" if elem else "")
        if not typology:
            raise DatasetError(
                "ni maternelle ni élémentaire.", file=spec.path, location=loc, field="libelle"
            )
        lat = _float_or_none(row["latitude"], spec=spec, loc=loc, field="latitude")
        lon = _float_or_none(row["longitude"], spec=spec, loc=loc, field="longitude")
        try:
            updated = date.fromisoformat(row["date_maj_ligne"]) if row["date_maj_ligne"] else None
        except ValueError as exc:
            raise DatasetError(
                "date invalide.", file=spec.path, location=loc, field="date_maj_ligne"
            ) from exc
        sector = row["statut_public_prive"]
        if row["type_contrat_prive"] not in ("", "SANS OBJET"):
            sector = f"{sector} ({row['type_contrat_prive'].lower()})"
        fields: dict[str, Any] = {
            "name": _official_name(row["nom_etablissement"]),
            "typology": typology,
            "sector": sector,
            "address": row["adresse_1"],
            "postcode": row["code_postal"],
            "commune": row["code_commune"],
            "phone": row["telephone"],
            "email": row["mail"],
            "siret": row["siren_siret"],
            "data_updated_on": updated,
        }
        if lon is not None and lat is not None:
            precise = row["precision_localisation"] == "Numéro de rue"
            fields.update(
                lon=lon,
                lat=lat,
                position_precision=EXACT if precise else APPROXIMATE,
                position_source=f"{_label(spec)} (précision : {row['precision_localisation']})",
            )
        uai = row["identifiant_de_l_etablissement"]
        records.append(_school_record(spec, loc, uai=uai, fields=fields, notes=[]))
    return _finish(records)


COLLEGE_COLUMNS = (
    "numero_uai",
    "appellation_officielle",
    "secteur_public_prive_libe",
    "adresse_uai",
    "code_postal_uai",
    "code_commune",
    "latitude",
    "longitude",
    "localisation",
)


def parse_colleges_geoloc(spec: FileSpec, path: Path, manifest: Manifest) -> list[StructureRecord]:
    typology = spec.options.get("typology", "college")
    records = []
    for line, row in read_csv_rows(path, spec.path, COLLEGE_COLUMNS):
        loc = f"ligne {line}"
        commune = commune_of(row["code_commune"])  # Marseille's collèges by arrondissement
        if commune not in manifest.perimeter_codes:
            continue
        lat = _float_or_none(row["latitude"], spec=spec, loc=loc, field="latitude")
        lon = _float_or_none(row["longitude"], spec=spec, loc=loc, field="longitude")
        fields: dict[str, Any] = {
            "name": _official_name(row["appellation_officielle"]),
            "typology": typology,
            "sector": row["secteur_public_prive_libe"],
            "address": row["adresse_uai"],
            "postcode": row["code_postal_uai"],
            "commune": commune,
        }
        if lon is not None and lat is not None:
            precise = row["localisation"] == "Numéro de rue"
            fields.update(
                lon=lon,
                lat=lat,
                position_precision=EXACT if precise else APPROXIMATE,
                position_source=f"{_label(spec)} (précision : {row['localisation']})",
            )
        records.append(_school_record(spec, loc, uai=row["numero_uai"], fields=fields, notes=[]))
    return _finish(records)


def parse_schools_geojson(spec: FileSpec, path: Path, manifest: Manifest) -> list[StructureRecord]:
    """Points of collèges and lycées; communes matched by name (``commune_names`` option)."""
    o = spec.options
    natures: dict[str, str] = o.get("natures") or {}
    names: dict[str, str] = {k.upper(): str(v) for k, v in (o.get("commune_names") or {}).items()}
    records = []
    for i, feat in enumerate(read_features(path, spec.path), start=1):
        loc = f"entité n° {i}"
        p = feat["properties"]
        nature = str(p.get("Nature") or "").strip()
        if nature not in natures:
            raise DatasetError(
                f"nature « {nature} » absente de « natures » du manifeste.",
                file=spec.path,
                location=loc,
                field="Nature",
            )
        code = names.get(str(p.get("Commune") or "").strip().upper())
        if not natures[nature] or code not in manifest.perimeter_codes:
            continue
        coords = feat["geometry"].get("coordinates") or []
        if feat["geometry"].get("type") != "Point" or len(coords) < 2:
            raise DatasetError("point attendu.", file=spec.path, location=loc, field="geometry")
        lon = to_float(coords[0], name=spec.path, location=loc, field_name="geometry")
        lat = to_float(coords[1], name=spec.path, location=loc, field_name="geometry")
        label = o.get("nature_labels", {}).get(nature, "")
        fields = {
            "name": f"{label} {str(p.get('Nom') or '').strip().title()}".strip(),
            "typology": natures[nature],
            "sector": o.get("sector", ""),
            "commune": code,
            "lon": lon,
            "lat": lat,
            "position_precision": o.get("position_precision", EXACT),
            "position_source": _label(spec),
        }
        uai = str(p.get("Code etablissement") or "").strip()
        records.append(_school_record(spec, loc, uai=uai, fields=fields, notes=[]))
    return _finish(records)


# --------------------------------------------------------------------------- duplicates rule

DUPLICATE_COLUMNS = ("fiche", "meme_lieu_que", "justification")


def parse_structure_duplicates(spec: FileSpec, path: Path, manifest: Manifest) -> list[SameAs]:
    """``structure_duplicates``: one line per pair of records that are the same place."""
    rules = []
    for line, row in read_csv_rows(path, spec.path, DUPLICATE_COLUMNS):
        loc = f"ligne {line}"
        for col in DUPLICATE_COLUMNS:
            if not row[col]:
                raise DatasetError("valeur manquante.", file=spec.path, location=loc, field=col)
        rules.append(
            SameAs(
                record=row["fiche"],
                target=row["meme_lieu_que"],
                reason=row["justification"],
                file=spec.path,
                location=loc,
            )
        )
    return rules


_PARSERS = {
    "structure_duplicates": parse_structure_duplicates,
    "structures_ctg": parse_structures_ctg,
    "structures_web": parse_structures_web,
    "schools_annuaire": parse_schools_annuaire,
    "colleges_geoloc": parse_colleges_geoloc,
    "schools_geojson": parse_schools_geojson,
}
for _kind, _parse in _PARSERS.items():
    DIRECTORY_KINDS.add(_kind)
    register_kind(_kind, parse=_parse, write=accumulate, order=60)

# Kinds in their own modules, which reuse the helpers above: schools_ips, datainclusion.
from . import dataset_kinds_bpe, dataset_kinds_datainclusion, dataset_kinds_ips  # noqa: E402,F401
