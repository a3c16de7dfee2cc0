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

import codecs
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ijson

from maillage.territory.errors import DatasetError
from maillage.territory.loader import commune_of

from .sources import Source

if TYPE_CHECKING:
    from .extracts import Builder

#: Records are read one at a time (``ijson``): only the kept ones stay in memory, whatever the
#: size of the national export (~ 200 Mo of services), so there is no size limit.
_SPACE = b" \t\r\n"


def _records(src: Source) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a data·inclusion export, numbered from 1, read one at a time: a JSON list
    of objects, or a page of the data·inclusion API (``{"items": [...]}``)."""
    name = src.path.name
    try:
        with src.path.open("rb") as f:
            if f.read(3) != codecs.BOM_UTF8:
                f.seek(0)
            start = f.tell()
            first = f.read(1)
            while first and first in _SPACE:
                start, first = f.tell(), f.read(1)
            f.seek(start)
            if first not in (b"[", b"{"):
                if first and first in b'"-0123456789tfn':
                    raise DatasetError("liste JSON d'enregistrements attendue.", file=name)
                raise DatasetError(
                    "JSON invalide (" + ("fichier vide" if not first else "pas de JSON") + ").",
                    file=name,
                )
            n = 0
            for n, item in enumerate(
                ijson.items(f, "item" if first == b"[" else "items.item", use_float=True),
                start=1,
            ):
                if not isinstance(item, dict):
                    raise DatasetError(
                        "un objet JSON est attendu.", file=name, location=f"enregistrement n° {n}"
                    )
                yield n, item
            if n == 0 and first == b"{":
                f.seek(start)
                if not any(p == "items" and e == "start_array" for p, e, _v in ijson.parse(f)):
                    raise DatasetError("liste JSON d'enregistrements attendue.", file=name)
    except ijson.JSONError as exc:
        raise DatasetError(f"JSON invalide ({_first_line(exc)}).", file=name) from exc
    except UnicodeDecodeError as exc:
        raise DatasetError(f"JSON invalide ({exc}).", file=name) from exc


def _first_line(exc: Exception) -> str:
    message = exc.args[0] if exc.args else exc
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    return (str(message).strip().splitlines() or [""])[0][:200]


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
    codes = b.p.all_codes
    kept: list[tuple[int, dict[str, Any]]] = []
    s_total = no_commune = 0
    for s_total, r in _records(structures):
        if not r.get("code_insee"):
            no_commune += 1
        elif commune_of(str(r["code_insee"])) in codes:
            kept.append((s_total, r))
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
        v_kept: list[tuple[int, dict[str, Any]]] = []
        v_total = 0
        for v_total, r in _records(src):
            if str(r.get("structure_id")) in ids:
                v_kept.append((v_total, r))
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
            f"{len(v_kept)} service(s) sur {v_total}",
        )
    entry = {"kind": "datainclusion", **b._meta(structures, "datainclusion_structures")}
    if services_path:
        entry["services"] = services_path
    # The structures first in the manifest: the services' entry is listed after them.
    b._add(structures, entry, target, treatment, f"{len(kept)} structure(s) sur {s_total}")
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
