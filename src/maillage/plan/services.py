"""Writes of the plan app: journal activities, milestones, targets, manual indicator values.

Every service validates its input and raises :class:`PlanValidationError` (a Django
``ValidationError`` whose ``message_dict`` maps field names to French messages) before writing
anything; each write bumps the territory's ``data_version``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q

from maillage.territory.geo import in_france
from maillage.territory.models import Territory, Zone
from maillage.territory.services import territory_touch

from .models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    Axis,
    Convention,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    Objective,
    Partner,
)

ATTACHMENT_EXTENSIONS = frozenset(
    "pdf odt ods odp doc docx xls xlsx ppt pptx txt csv png jpg jpeg".split()
)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 10
FICTIONAL_PREFIX = "[exemple fictif]"


class PlanValidationError(ValidationError):
    """Invalid input for a plan service; ``message_dict`` maps fields to French messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__({k: [v] for k, v in errors.items()})

    def __str__(self) -> str:
        return " ; ".join(f"{k} : {' '.join(v)}" for k, v in self.message_dict.items())


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as spaces (« Attargette/Chanzy » → attargette chanzy)."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# --------------------------------------------------------------------------- resolution


@dataclass
class PlanLookup:
    """The territory's plan, kinds and zones read once, to validate many activities quickly."""

    convention: Convention
    kinds: list[ActivityKind]
    axes: list[Axis]
    objectives: dict[tuple[int, int], Objective]
    zones: list[Zone]

    @classmethod
    def build(cls, territory: Territory) -> PlanLookup:
        convention = _convention(territory)
        axes = list(convention.axes.order_by("number"))
        objectives = {
            (o.axis.number, o.number): o
            for o in Objective.objects.filter(axis__convention=convention).select_related("axis")
        }
        zones = list(
            Zone.objects.filter(Q(commune__in=territory.communes.all()) | Q(territory=territory))
            .defer("boundary")
            .order_by("kind", "code")
        )
        return cls(convention, list(ActivityKind.objects.all()), axes, objectives, zones)


def resolve_kind(
    value: ActivityKind | str, kinds: list[ActivityKind] | None = None
) -> ActivityKind:
    if isinstance(value, ActivityKind):
        return value
    wanted = normalise(value)
    kinds = kinds if kinds is not None else list(ActivityKind.objects.all())
    for kind in kinds:
        if wanted in (normalise(kind.name), normalise(kind.slug)):
            return kind
    known = ", ".join(k.name for k in sorted(kinds, key=lambda k: k.order))
    raise PlanValidationError({"type": f"type d'activité « {value} » inconnu (connus : {known})."})


def resolve_axis(
    convention: Convention, value: Axis | int | str, axes: list[Axis] | None = None
) -> Axis:
    axes = axes if axes is not None else list(convention.axes.all())
    if isinstance(value, Axis):
        if value.convention_id == convention.pk:
            return value
    else:
        text = str(value).strip()
        for axis in axes:
            if text == str(axis.number) or normalise(text) == normalise(axis.title):
                return axis
    numbers = ", ".join(str(a.number) for a in axes)
    raise PlanValidationError(
        {"axe": f"axe « {value} » inconnu (numéro {numbers} ou titre de l'axe attendu)."}
    )


def resolve_objective(
    axes: list[Axis],
    value: Objective | str,
    objectives: dict[tuple[int, int], Objective] | None = None,
) -> Objective:
    """An objective of one of ``axes``: an object, « 1.2 », or « 2 » when one axis is given."""
    if isinstance(value, Objective):
        if value.axis_id in {a.pk for a in axes}:
            return value
    else:
        text = str(value).strip()
        axis_part, sep, number = text.partition(".")
        if not sep:
            axis_part, number = (str(axes[0].number) if len(axes) == 1 else ""), text
        for axis in axes:
            if axis_part == str(axis.number) and number.isdigit():
                if objectives is not None:
                    found = objectives.get((axis.number, int(number)))
                else:
                    found = axis.objectives.filter(number=int(number)).first()
                if found:
                    return found
    raise PlanValidationError(
        {
            "objectifs": f"objectif « {value} » inconnu pour l'axe "
            + ", ".join(str(a.number) for a in axes)
            + " (ex. « 1.2 », ou « 2 » dans l'axe choisi)."
        }
    )


def resolve_zone(territory: Territory, value: Zone | str, zones: list[Zone] | None = None) -> Zone:
    """A zone of the territory by name or code (case- and accent-insensitive)."""
    zones = zones if zones is not None else PlanLookup.build(territory).zones
    if isinstance(value, Zone):
        if value in zones:
            return value
    else:
        wanted = normalise(value)
        priority = {Zone.Kind.QUARTIER: 0, Zone.Kind.QPV: 1, Zone.Kind.IRIS: 2}
        matches = sorted(
            (z for z in zones if wanted in (normalise(z.name), normalise(z.code))),
            key=lambda z: priority.get(z.kind, 3),
        )
        if matches:
            return matches[0]
    raise PlanValidationError(
        {"quartiers": f"quartier « {value} » inconnu sur le territoire (nom ou code attendu)."}
    )


def _convention(territory: Territory) -> Convention:
    try:
        return territory.convention
    except Convention.DoesNotExist as exc:
        raise PlanValidationError(
            {"territoire": f"le territoire « {territory.slug} » n'a pas de plan CTG chargé."}
        ) from exc


def check_attachment(upload: UploadedFile) -> str | None:
    """French message if ``upload`` is not an accepted attachment, else ``None``."""
    name = PurePath(upload.name or "").name
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in ATTACHMENT_EXTENSIONS:
        return f"« {name} » : extension non acceptée ({', '.join(sorted(ATTACHMENT_EXTENSIONS))})."
    if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
        return f"« {name} » : fichier trop volumineux (10 Mo au plus)."
    return None


# --------------------------------------------------------------------------- activities


def activity_validate(
    *,
    territory: Territory,
    date: dt.date,
    kind: ActivityKind | str,
    title: str,
    axes: Iterable[Axis | int | str],
    objectives: Iterable[Objective | str] = (),
    zones: Iterable[Zone | str] = (),
    lon: float | None = None,
    lat: float | None = None,
    participants: int | None = None,
    attachments: Iterable[UploadedFile] = (),
    lookup: PlanLookup | None = None,
) -> dict[str, Any]:
    """Validate an activity; return the resolved objects or raise :class:`PlanValidationError`.

    ``lookup`` (:meth:`PlanLookup.build`) saves the plan reads when validating many activities.
    """
    lookup = lookup or PlanLookup.build(territory)
    convention = lookup.convention
    errors: dict[str, str] = {}
    resolved: dict[str, Any] = {}
    if not isinstance(date, dt.date):
        errors["date"] = "date attendue."
    elif not convention.period_start <= date.year <= convention.period_end:
        errors["date"] = (
            f"le {date:%d/%m/%Y} est hors de la convention "
            f"({convention.period_start}-{convention.period_end})."
        )
    try:
        resolved["kind"] = resolve_kind(kind, lookup.kinds)
    except PlanValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not (title or "").strip():
        errors["titre"] = "titre obligatoire."
    elif len(title.strip()) > 300:
        errors["titre"] = "titre trop long (300 caractères au plus)."
    resolved["axes"] = []
    for value in axes:
        try:
            axis = resolve_axis(convention, value, lookup.axes)
        except PlanValidationError as exc:
            errors["axe"] = exc.message_dict["axe"][0]
            continue
        if axis not in resolved["axes"]:
            resolved["axes"].append(axis)
    if not resolved["axes"] and "axe" not in errors:
        errors["axe"] = "au moins un axe de la CTG est obligatoire."
    resolved["objectives"] = []
    if resolved["axes"]:
        for value in objectives:
            try:
                resolved["objectives"].append(
                    resolve_objective(resolved["axes"], value, lookup.objectives)
                )
            except PlanValidationError as exc:
                errors["objectifs"] = exc.message_dict["objectifs"][0]
    resolved["zones"] = []
    for value in zones:
        try:
            resolved["zones"].append(resolve_zone(territory, value, lookup.zones))
        except PlanValidationError as exc:
            errors["quartiers"] = exc.message_dict["quartiers"][0]
    if (lon is None) != (lat is None):
        errors["position"] = "longitude et latitude vont ensemble."
    elif lon is not None and not in_france(float(lon), float(lat)):
        errors["position"] = "position hors de France (longitude, latitude WGS84 attendues)."
    if participants is not None and (not isinstance(participants, int) or participants < 0):
        errors["participants"] = "nombre de participants positif ou nul attendu."
    attachments = list(attachments)
    if len(attachments) > ATTACHMENT_MAX_COUNT:
        errors["pièces jointes"] = f"{ATTACHMENT_MAX_COUNT} pièces jointes au plus."
    for upload in attachments:
        if problem := check_attachment(upload):
            errors["pièces jointes"] = problem
    if errors:
        raise PlanValidationError(errors)
    return resolved


def _partners(territory: Territory, names: Iterable[str]) -> list[Partner]:
    known = {normalise(p.name): p for p in Partner.objects.filter(territory=territory)}
    found = []
    for name in names:
        name = " ".join(str(name).split())[:300]
        if not name:
            continue
        if normalise(name) not in known:
            known[normalise(name)] = Partner.objects.create(territory=territory, name=name)
        if known[normalise(name)] not in found:
            found.append(known[normalise(name)])
    return found


@transaction.atomic
def activity_record(
    *,
    territory: Territory,
    date: dt.date,
    kind: ActivityKind | str,
    title: str,
    axes: Iterable[Axis | int | str],
    description: str = "",
    objectives: Iterable[Objective | str] = (),
    partners: Iterable[str] = (),
    zones: Iterable[Zone | str] = (),
    lon: float | None = None,
    lat: float | None = None,
    participants: int | None = None,
    publics: str = "",
    validated: bool = False,
    attachments: Iterable[UploadedFile] = (),
    author: Any = None,
    is_fictional: bool = False,
    touch: bool = True,
    lookup: PlanLookup | None = None,
) -> Activity:
    """Record a journal activity after validating everything (nothing written on error).

    ``kind`` is an :class:`ActivityKind` or its name; ``axes`` numbers, titles or objects;
    ``objectives`` codes (« 1.2 ») or objects; ``partners`` names; ``zones`` names or codes of
    the territory's zones. Aggregates only (``participants``, ``publics``): no personal data.
    """
    attachments = list(attachments)
    axes, objectives, zones = list(axes), list(objectives), list(zones)
    resolved = activity_validate(
        territory=territory,
        date=date,
        kind=kind,
        title=title,
        axes=axes,
        objectives=objectives,
        zones=zones,
        lon=lon,
        lat=lat,
        participants=participants,
        attachments=attachments,
        lookup=lookup,
    )
    title = " ".join(title.split())
    if is_fictional and not title.startswith(FICTIONAL_PREFIX):
        title = f"{FICTIONAL_PREFIX} {title}"[:300]
    activity = Activity.objects.create(
        territory=territory,
        date=date,
        kind=resolved["kind"],
        title=title,
        description=(description or "").strip(),
        lon=lon,
        lat=lat,
        participants=participants,
        publics=(publics or "").strip()[:300],
        validated=validated,
        is_fictional=is_fictional,
        author=author,
    )
    activity.axes.set(resolved["axes"])
    activity.objectives.set(resolved["objectives"])
    activity.zones.set(resolved["zones"])
    activity.partners.set(_partners(territory, partners))
    for upload in attachments:
        ActivityAttachment.objects.create(
            activity=activity, file=upload, name=PurePath(upload.name).name[:200]
        )
    if touch:
        territory_touch(territory=territory)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    territory = activity.territory
    for attachment in activity.attachments.all():
        attachment.file.delete(save=False)
    activity.delete()
    territory_touch(territory=territory)


# --------------------------------------------------------------------------- milestones


def _milestone_fields(convention: Convention, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = "intitulé de l'étape obligatoire."
    if "due_date" in values and not isinstance(values["due_date"], dt.date):
        errors["due_date"] = "date d'échéance attendue."
    if "status" in values and values["status"] not in Milestone.Status.values:
        errors["status"] = "statut inconnu (" + ", ".join(Milestone.Status.values) + ")."
    if values.get("axis") is not None and values["axis"].convention_id != convention.pk:
        errors["axis"] = "axe d'une autre convention."
    objective = values.get("objective")
    if objective is not None:
        axis = values.get("axis")
        if objective.axis.convention_id != convention.pk or (axis and objective.axis_id != axis.pk):
            errors["objective"] = "objectif hors de l'axe choisi."
    if errors:
        raise PlanValidationError(errors)
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}


@transaction.atomic
def milestone_create(
    *,
    territory: Territory,
    title: str,
    due_date: dt.date,
    owner: str = "",
    status: str = Milestone.Status.PLANNED,
    axis: Axis | None = None,
    objective: Objective | None = None,
    note: str = "",
) -> Milestone:
    """Add a step to the schedule (échéancier) of the territory's convention."""
    convention = _convention(territory)
    values = _milestone_fields(
        convention,
        {
            "title": title,
            "due_date": due_date,
            "owner": owner,
            "status": status,
            "axis": axis,
            "objective": objective,
            "note": note,
        },
    )
    milestone = Milestone.objects.create(convention=convention, **values)
    territory_touch(territory=territory)
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, **changes: Any) -> Milestone:
    """Change some fields of a milestone (title, due_date, owner, status, axis, objective, note)."""
    allowed = {"title", "due_date", "owner", "status", "axis", "objective", "note"}
    if unknown := set(changes) - allowed:
        raise PlanValidationError({k: "champ non modifiable." for k in unknown})
    current = {"axis": milestone.axis, "objective": milestone.objective}
    values = _milestone_fields(milestone.convention, current | changes)
    for key, value in values.items():
        setattr(milestone, key, value)
    milestone.save()
    territory_touch(territory=milestone.convention.territory)
    return milestone


# --------------------------------------------------------------------------- targets and values


def _year_in_period(indicator: Indicator, year: int, field: str = "year") -> None:
    conv = indicator.axis.convention
    if not isinstance(year, int) or not conv.period_start <= year <= conv.period_end:
        raise PlanValidationError(
            {field: f"année hors de la convention ({conv.period_start}-{conv.period_end})."}
        )


@transaction.atomic
def indicator_target_set(*, indicator: Indicator, year: int, value: float | None) -> None:
    """Set (or remove, with ``None``) the target of an indicator for a year of the convention."""
    _year_in_period(indicator, year)
    if value is None:
        IndicatorTarget.objects.filter(indicator=indicator, year=year).delete()
    elif not isinstance(value, int | float) or value < 0:
        raise PlanValidationError({"value": "valeur cible positive ou nulle attendue."})
    else:
        IndicatorTarget.objects.update_or_create(
            indicator=indicator, year=year, defaults={"value": float(value)}
        )
    territory_touch(territory=indicator.axis.convention.territory)


@transaction.atomic
def indicator_baseline_set(*, indicator: Indicator, value: float | None, year: int | None) -> None:
    """Set the baseline value of an indicator and the year it describes (or clear both)."""
    if (value is None) != (year is None):
        raise PlanValidationError({"baseline_year": "valeur et année de référence vont ensemble."})
    if year is not None and not 1990 <= year <= indicator.axis.convention.period_end:
        raise PlanValidationError({"baseline_year": "année de référence invalide."})
    indicator.baseline_value, indicator.baseline_year = value, year
    indicator.save(update_fields=["baseline_value", "baseline_year"])
    territory_touch(territory=indicator.axis.convention.territory)


@transaction.atomic
def indicator_value_set(
    *, indicator: Indicator, year: int, value: float, justification: str, author: Any = None
) -> IndicatorValue:
    """Enter the value of a ``manual`` indicator for a year, with its justification."""
    if indicator.kind != Indicator.Kind.MANUAL:
        raise PlanValidationError(
            {"indicator": "cet indicateur est calculé : sa valeur ne se saisit pas."}
        )
    _year_in_period(indicator, year)
    if not isinstance(value, int | float):
        raise PlanValidationError({"value": "nombre attendu."})
    if not (justification or "").strip():
        raise PlanValidationError({"justification": "justification obligatoire (source, méthode)."})
    entry, _ = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        year=year,
        defaults={"value": float(value), "justification": justification.strip(), "author": author},
    )
    territory_touch(territory=indicator.axis.convention.territory)
    return entry
