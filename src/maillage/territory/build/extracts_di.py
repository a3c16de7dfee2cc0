"""A data·inclusion export (``structures.json`` and ``services.json``) cut to the perimeter.

The national export of data·inclusion (data.gouv.fr, « Référentiel de l'offre d'insertion ») or
a departmental one (DORA…) is a JSON list of structures and one of services (schema
``data-inclusion-schema`` v1). The structures whose ``code_insee`` is a commune of the
territory or a neighbour are kept, and the services of those structures; records are copied as
they are (no field changed). Each kept record is checked against the official schema
(:func:`maillage.interop.datainclusion.validate_records`): a refused one stops the build,
naming the file, the record and the field. ``maillage load`` reads the extracts with the
reader of ``maillage import datainclusion`` (kind ``datainclusion``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maillage.territory.errors import DatasetError
from maillage.territory.loader import commune_of

from .sources import Source

if TYPE_CHECKING:
    from .extracts import Builder

MAX_BYTES = 500 * 1024 * 1024  # the national services export is ~ 200 Mo


def _records(src: Source) -> list[dict[str, Any]]:
    if src.path.stat().st_size > MAX_BYTES:
        raise DatasetError("fichier de plus de 500 Mo.", file=src.path.name)
    try:
        data = json.loads(src.path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"JSON invalide ({exc}).", file=src.path.name) from exc
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]  # a page of the data·inclusion API
    if not isinstance(data, list):
        raise DatasetError("liste JSON d'enregistrements attendue.", file=src.path.name)
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise DatasetError(
                "un objet JSON est attendu.", file=src.path.name, location=f"enregistrement n° {n}"
            )
    return data


def _check(src: Source, kept: list[tuple[int, dict[str, Any]]], kind: str) -> None:
    from maillage.interop.datainclusion import validate_records

    problems = validate_records([r for _, r in kept], kind=kind, filename=src.path.name)
    if problems:
        index, field, message = problems[0]
        number, record = kept[index - 1]
        raise DatasetError(
            f"{message} (enregistrement « {str(record.get('id', ''))[:60]} »"
            + (f", {len(problems)} problèmes en tout" if len(problems) > 1 else "")
            + ").",
            file=src.path.name,
            location=f"enregistrement n° {number}",
            field=field or None,
        )


def datainclusion(b: Builder, structures: Source, services: list[Source]) -> None:
    s_records = _records(structures)
    codes = b.p.all_codes
    kept = [
        (n, r)
        for n, r in enumerate(s_records, start=1)
        if commune_of(str(r.get("code_insee") or "")) in codes
    ]
    no_commune = sum(1 for r in s_records if not r.get("code_insee"))
    if not kept:
        b.notes.append(f"{structures.label} : aucune structure dans le périmètre.")
        return
    _check(structures, kept, "structures")
    ids = {str(r.get("id")) for _, r in kept}
    target = b._target("datainclusion_structures", ".json")
    _write(target, [r for _, r in kept])
    treatment = [
        "structures dont `code_insee` est une commune du territoire ou une voisine "
        "(arrondissements municipaux rapportés à leur commune), enregistrements recopiés tels "
        "quels dans une liste JSON",
        "chaque structure gardée vérifiée avec le schéma officiel data·inclusion",
    ]
    if no_commune:
        treatment.append(f"{no_commune} structure(s) sans `code_insee` écartée(s)")
    treatment.append(_typing(r for _, r in kept))
    dates = sorted(str(r.get("date_maj"))[:10] for _, r in kept if r.get("date_maj"))
    if dates:
        treatment.append(f"`date_maj` des structures gardées : du {dates[0]} au {dates[-1]}")
    services_path = ""
    for src in services:
        v_records = _records(src)
        v_kept = [
            (n, r) for n, r in enumerate(v_records, start=1) if str(r.get("structure_id")) in ids
        ]
        if not v_kept:
            b.notes.append(f"{src.label} : aucun service des structures du périmètre.")
            continue
        if services_path:
            b.notes.append(f"non retenu : {src.label}, services déjà lus dans un autre fichier.")
            continue
        _check(src, v_kept, "services")
        v_target = b._target("datainclusion_services", ".json")
        _write(v_target, [r for _, r in v_kept])
        services_path = f"raw/{v_target.name}"
        entry = {
            "kind": "reference",
            **b._meta(src, "datainclusion_services"),
            "note": "lu avec les structures (entrée « datainclusion », option « services »)",
        }
        b._add(
            src,
            entry,
            v_target,
            [
                "services dont `structure_id` est une structure gardée, enregistrements "
                "recopiés tels quels",
                "chaque service gardé vérifié avec le schéma officiel data·inclusion",
            ],
            f"{len(v_kept)} service(s) sur {len(v_records)}",
        )
    entry = {"kind": "datainclusion", **b._meta(structures, "datainclusion_structures")}
    if services_path:
        entry["services"] = services_path
    # The structures first in the manifest: the services' entry is listed after them.
    b._add(structures, entry, target, treatment, f"{len(kept)} structure(s) sur {len(s_records)}")
    if services_path:
        b.extracts.append(b.extracts.pop(-2))


def _typing(records: Iterable[dict[str, Any]]) -> str:
    """What ``maillage load`` will type the kept structures from (SOURCES.md)."""
    from maillage.interop.datainclusion_typology import SCHEMA_SOURCES, typology_from_schema

    own = schema = untyped = 0
    for r in records:
        if r.get("maillage_typologie"):
            own += 1
        elif typology_from_schema(r)[0]:
            schema += 1
        else:
            untyped += 1
    return (
        f"type d'annuaire au chargement : {own} par `maillage_typologie`, {schema} par le champ "
        f"`typologie` (v0) ou l'unique réseau porteur (v1) quand il désigne un seul type "
        f"({SCHEMA_SOURCES}), {untyped} sans type"
    )


def _write(target: Path, records: list[dict[str, Any]]) -> None:
    target.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
