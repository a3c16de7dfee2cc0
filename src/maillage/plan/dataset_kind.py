"""Dataset file kind ``ctg_plan``: a CTG action plan in YAML (convention, axes, indicators…).

The parse phase validates the whole file (structure, numbering, indicator rules) without
touching the database; the write phase upserts on natural keys, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from maillage.territory.errors import DatasetError
from maillage.territory.loader import (
    FileSpec,
    LoadContext,
    Manifest,
    read_text,
    register_kind,
    upsert,
)

from .indicators import rule_problem
from .models import (
    ActivityKind,
    Axis,
    Convention,
    Indicator,
    Modality,
    Objective,
    StudySubject,
)

AXIS_TEXT_LISTS = ("target_public", "partners_intro", "partners", "expected_results")


def _str_list(value: Any, *, name: str, location: str, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DatasetError("liste de textes attendue.", file=name, location=location, field=field)
    return [v.strip() for v in value]


def _text(data: dict, key: str, *, name: str, location: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise DatasetError("texte attendu.", file=name, location=location, field=key)
    return value.strip()


def _numbered(items: Any, *, name: str, location: str, field: str) -> list[dict]:
    if not isinstance(items, list) or not items:
        raise DatasetError("liste non vide attendue.", file=name, location=location, field=field)
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise DatasetError(
                "entrée invalide.", file=name, location=location, field=f"{field}[{i}]"
            )
        if "number" in item and item["number"] != i:
            raise DatasetError(
                f"numéro {item['number']} trouvé, {i} attendu (numérotation continue).",
                file=name,
                location=location,
                field=f"{field}[{i}].number",
            )
    return items


def parse_plan(spec: FileSpec, path: Path, manifest: Manifest) -> dict:
    """Read and validate a plan YAML; return a normalised dict (no database access)."""
    name = spec.path
    try:
        data = yaml.safe_load(read_text(path, name))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DatasetError(
            "YAML invalide.", file=name, location=f"ligne {mark.line + 1}" if mark else None
        ) from exc
    if not isinstance(data, dict) or data.get("format") != 1:
        raise DatasetError("plan au format 1 attendu (clé « format: 1 »).", file=name)
    conv = data.get("convention")
    if not isinstance(conv, dict):
        raise DatasetError("section absente.", file=name, field="convention")
    period = conv.get("period")
    if period != list(manifest.period):
        raise DatasetError(
            f"période {period} différente de celle du territoire {list(manifest.period)}.",
            file=name,
            location="convention",
            field="period",
        )
    if conv.get("status") not in Convention.Status.values:
        raise DatasetError(
            f"statut inconnu (connus : {', '.join(Convention.Status.values)}).",
            file=name,
            location="convention",
            field="status",
        )
    transmitted = conv.get("transmitted_on")
    try:
        transmitted = dt.date.fromisoformat(str(transmitted)) if transmitted else None
    except ValueError as exc:
        raise DatasetError(
            "date AAAA-MM-JJ attendue.", file=name, location="convention", field="transmitted_on"
        ) from exc
    convention = {
        "title": _text(conv, "title", name=name, location="convention"),
        "period_start": period[0],
        "period_end": period[1],
        "signatories": _str_list(
            conv.get("signatories"), name=name, location="convention", field="signatories"
        ),
        "status": conv["status"],
        "reference": _text(conv, "reference", name=name, location="convention", required=False),
        "transmitted_on": transmitted,
        "study_intro": _str_list(
            conv.get("study_intro"), name=name, location="convention", field="study_intro"
        ),
    }
    subjects = _study_subjects(data.get("study_subjects"), name=name)
    kinds: list[dict[str, Any]] = []
    for i, k in enumerate(data.get("activity_kinds") or [], start=1):
        loc = f"activity_kinds[{i}]"
        if not isinstance(k, dict):
            raise DatasetError("entrée invalide.", file=name, location=loc)
        kinds.append(
            {
                "slug": _text(k, "slug", name=name, location=loc),
                "name": _text(k, "name", name=name, location=loc),
                "order": i,
            }
        )
    kind_names = {k["name"] for k in kinds}
    if len(kind_names) != len(kinds) or len({k["slug"] for k in kinds}) != len(kinds):
        raise DatasetError("types d'activité en double.", file=name, field="activity_kinds")

    axes = []
    raw_axes = _numbered(data.get("axes"), name=name, location="plan", field="axes")
    objective_codes = {
        f"{a}.{o}"
        for a, axis in enumerate(raw_axes, start=1)
        for o, _ in enumerate(axis.get("objectives") or [], start=1)
    }
    for a, ax in enumerate(raw_axes, start=1):
        loc = f"axe {a}"
        axis: dict[str, Any] = {
            "number": a,
            "title": _text(ax, "title", name=name, location=loc),
            "lead": _text(ax, "lead", name=name, location=loc, required=False),
            "services": _text(ax, "services", name=name, location=loc, required=False),
            "schedule_note": _text(ax, "schedule_note", name=name, location=loc, required=False),
        }
        for key in AXIS_TEXT_LISTS:
            axis[key] = _str_list(ax.get(key), name=name, location=loc, field=key)
        axis["objectives"] = [
            {
                "number": o,
                "title": _text(ob, "title", name=name, location=f"objectif {a}.{o}"),
                "description": _text(
                    ob, "description", name=name, location=f"objectif {a}.{o}", required=False
                ),
                "sub_points": _str_list(
                    ob.get("sub_points"),
                    name=name,
                    location=f"objectif {a}.{o}",
                    field="sub_points",
                ),
            }
            for o, ob in enumerate(
                _numbered(ax.get("objectives"), name=name, location=loc, field="objectives"),
                start=1,
            )
        ]
        axis["modalities"] = _str_list(
            ax.get("modalities"), name=name, location=loc, field="modalities"
        )
        axis["indicators"] = []
        for n, ind in enumerate(
            _numbered(ax.get("indicators"), name=name, location=loc, field="indicators"), start=1
        ):
            iloc = f"indicateur {a}.{n}"
            kind = ind.get("kind")
            rule = ind.get("rule") or {}
            if kind not in Indicator.Kind.values:
                raise DatasetError(
                    f"mode de calcul inconnu (connus : {', '.join(Indicator.Kind.values)}).",
                    file=name,
                    location=iloc,
                    field="kind",
                )
            problem = rule_problem(
                kind=kind,
                rule=rule,
                kind_names=kind_names,
                axis_numbers=set(range(1, len(raw_axes) + 1)),
                objective_codes=objective_codes,
            )
            if problem:
                raise DatasetError(problem, file=name, location=iloc, field="rule")
            axis["indicators"].append(
                {
                    "number": n,
                    "label": _text(ind, "label", name=name, location=iloc),
                    "kind": kind,
                    "rule": rule,
                    "unit": _text(ind, "unit", name=name, location=iloc, required=False),
                    "method": _text(ind, "method", name=name, location=iloc, required=False),
                }
            )
        axes.append(axis)
    return {
        "convention": convention,
        "study_subjects": subjects,
        "activity_kinds": kinds,
        "axes": axes,
    }


def _study_subjects(raw: Any, *, name: str) -> list[dict]:
    """The « sujets d'étude » of the convention (optional section, quoted word for word)."""
    if raw is None:
        return []
    subjects = []
    for n, item in enumerate(
        _numbered(raw, name=name, location="plan", field="study_subjects"), start=1
    ):
        loc = f"sujet d'étude {n}"
        subjects.append(
            {
                "number": n,
                "title": _text(item, "title", name=name, location=loc),
                "description": _str_list(
                    item.get("description"), name=name, location=loc, field="description"
                ),
                "objectives_label": _text(
                    item, "objectives_label", name=name, location=loc, required=False
                ),
                "objectives_intro": _text(
                    item, "objectives_intro", name=name, location=loc, required=False
                ),
                "objectives": _str_list(
                    item.get("objectives"), name=name, location=loc, field="objectives"
                ),
            }
        )
    return subjects


def write_plan(spec: FileSpec, plan: dict, ctx: LoadContext) -> None:
    for k in plan["activity_kinds"]:
        upsert(ctx, ActivityKind, {"slug": k["slug"]}, {"name": k["name"], "order": k["order"]})
    convention = upsert(
        ctx,
        Convention,
        {"territory": ctx.territory},
        {**plan["convention"], "source": ctx.source(spec)},
    )
    for subject in plan.get("study_subjects", []):
        upsert(
            ctx,
            StudySubject,
            {"convention": convention, "number": subject["number"]},
            {k: v for k, v in subject.items() if k != "number"},
        )
    StudySubject.objects.filter(
        convention=convention, number__gt=len(plan.get("study_subjects", []))
    ).delete()
    for ax in plan["axes"]:
        values = {k: v for k, v in ax.items() if k not in ("number", "objectives", "modalities")}
        values.pop("indicators")
        axis = upsert(ctx, Axis, {"convention": convention, "number": ax["number"]}, values)
        for ob in ax["objectives"]:
            upsert(
                ctx,
                Objective,
                {"axis": axis, "number": ob["number"]},
                {k: v for k, v in ob.items() if k != "number"},
            )
        for m, text in enumerate(ax["modalities"], start=1):
            upsert(ctx, Modality, {"axis": axis, "number": m}, {"text": text})
        Modality.objects.filter(axis=axis, number__gt=len(ax["modalities"])).delete()
        for ind in ax["indicators"]:
            upsert(
                ctx,
                Indicator,
                {"axis": axis, "number": ind["number"]},
                {k: v for k, v in ind.items() if k != "number"},
            )


register_kind("ctg_plan", parse=parse_plan, write=write_plan, order=60)
