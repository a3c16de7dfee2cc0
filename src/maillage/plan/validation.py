"""Validation of plan input: resolving kinds, axes, objectives and zones; French messages.

Shared by the services (:mod:`maillage.plan.services`) and the journal import, so that a form,
an import and the API refuse the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext as _

from maillage.territory.geo import in_france
from maillage.territory.models import Territory, Zone
from maillage.text import fold

from .models import (
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    ActivityKind,
    Axis,
    Convention,
    Objective,
)

ATTACHMENT_MAX_COUNT = 10
FICTIONAL_PREFIX = "[exemple fictif]"


class PlanValidationError(ValidationError):
    """Invalid input for a plan service; ``message_dict`` maps fields to French messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__({k: [v] for k, v in errors.items()})

    def __str__(self) -> str:
        return " ; ".join(f"{k} : {' '.join(v)}" for k, v in self.message_dict.items())


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
    wanted = fold(value)
    kinds = kinds if kinds is not None else list(ActivityKind.objects.all())
    for kind in kinds:
        if wanted in (fold(kind.name), fold(kind.slug)):
            return kind
    known = ", ".join(k.name for k in sorted(kinds, key=lambda k: k.order))
    raise PlanValidationError(
        {
            "type": _("type d'activité « {value} » inconnu (connus : {known}).").format(
                value=value, known=known
            )
        }
    )


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
            if text == str(axis.number) or fold(text) == fold(axis.title):
                return axis
    numbers = ", ".join(str(a.number) for a in axes)
    raise PlanValidationError(
        {
            "axe": _(
                "axe « {value} » inconnu (numéro {numbers} ou titre de l'axe attendu)."
            ).format(value=value, numbers=numbers)
        }
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
            if axis_part == str(axis.number) and number.isascii() and number.isdigit():
                if objectives is not None:
                    found = objectives.get((axis.number, int(number)))
                else:
                    found = axis.objectives.filter(number=int(number)).first()
                if found:
                    return found
    raise PlanValidationError(
        {
            "objectifs": _(
                "objectif « {value} » inconnu pour l'axe {axes} (ex. « 1.2 », ou « 2 » dans "
                "l'axe choisi)."
            ).format(value=value, axes=", ".join(str(a.number) for a in axes))
        }
    )


def resolve_zone(territory: Territory, value: Zone | str, zones: list[Zone] | None = None) -> Zone:
    """A zone of the territory by name or code (case- and accent-insensitive)."""
    zones = zones if zones is not None else PlanLookup.build(territory).zones
    if isinstance(value, Zone):
        if value in zones:
            return value
    else:
        wanted = fold(value)
        priority: dict[str, int] = {Zone.Kind.QUARTIER: 0, Zone.Kind.QPV: 1, Zone.Kind.IRIS: 2}
        matches = sorted(
            (z for z in zones if wanted in (fold(z.name), fold(z.code))),
            key=lambda z: priority.get(z.kind, 3),
        )
        if matches:
            return matches[0]
    raise PlanValidationError(
        {
            "quartiers": _(
                "quartier « {value} » inconnu sur le territoire (nom ou code attendu)."
            ).format(value=value)
        }
    )


def _convention(territory: Territory) -> Convention:
    try:
        return territory.convention
    except Convention.DoesNotExist as exc:
        raise PlanValidationError(
            {
                "territoire": _("le territoire « {slug} » n'a pas de plan CTG chargé.").format(
                    slug=territory.slug
                )
            }
        ) from exc


def attachment_basename(filename: str | None) -> str:
    """The last part of an uploaded file's name, whatever the separator (a script may send
    « ..\\cr.pdf »; Django only strips « / » paths)."""
    return PurePath((filename or "").replace("\\", "/")).name


def check_attachment(upload: UploadedFile) -> str | None:
    """French message if ``upload`` is not an accepted attachment, else ``None``."""
    name = attachment_basename(upload.name)
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in ATTACHMENT_EXTENSIONS:
        return _("« {name} » : extension non acceptée ({known}).").format(
            name=name, known=", ".join(sorted(ATTACHMENT_EXTENSIONS))
        )
    if upload.size is None or upload.size > ATTACHMENT_MAX_BYTES:
        return _("« {name} » : fichier trop volumineux (10 Mo au plus).").format(name=name)
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
    is_fictional: bool = False,
) -> dict[str, Any]:
    """Validate an activity; return the resolved objects or raise :class:`PlanValidationError`.

    ``lookup`` (:meth:`PlanLookup.build`) saves the plan reads when validating many activities.
    """
    lookup = lookup or PlanLookup.build(territory)
    convention = lookup.convention
    errors: dict[str, str] = {}
    resolved: dict[str, Any] = {}
    if not isinstance(date, dt.date):
        errors["date"] = _("date attendue.")
    elif not convention.period_start <= date.year <= convention.period_end:
        errors["date"] = _("le {date} est hors de la convention ({start}-{end}).").format(
            date=f"{date:%d/%m/%Y}", start=convention.period_start, end=convention.period_end
        )
    try:
        resolved["kind"] = resolve_kind(kind, lookup.kinds)
    except PlanValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not (title or "").strip():
        errors["titre"] = _("titre obligatoire.")
    elif len(title.strip()) > 300:
        errors["titre"] = _("titre trop long (300 caractères au plus).")
    elif not is_fictional and fold(title).startswith(fold(FICTIONAL_PREFIX)):
        errors["titre"] = _(
            "« {prefix} » est réservé aux activités générées pour la démonstration."
        ).format(prefix=FICTIONAL_PREFIX)
    resolved["axes"] = []
    for axis_value in axes:
        try:
            axis = resolve_axis(convention, axis_value, lookup.axes)
        except PlanValidationError as exc:
            errors["axe"] = exc.message_dict["axe"][0]
            continue
        if axis not in resolved["axes"]:
            resolved["axes"].append(axis)
    if not resolved["axes"] and "axe" not in errors:
        errors["axe"] = _("au moins un axe de la CTG est obligatoire.")
    resolved["objectives"] = []
    if resolved["axes"]:
        for objective_value in objectives:
            try:
                resolved["objectives"].append(
                    resolve_objective(resolved["axes"], objective_value, lookup.objectives)
                )
            except PlanValidationError as exc:
                errors["objectifs"] = exc.message_dict["objectifs"][0]
    resolved["zones"] = []
    for zone_value in zones:
        try:
            resolved["zones"].append(resolve_zone(territory, zone_value, lookup.zones))
        except PlanValidationError as exc:
            errors["quartiers"] = exc.message_dict["quartiers"][0]
    if (lon is None) != (lat is None):
        errors["position"] = _("longitude et latitude vont ensemble.")
    elif lon is not None and lat is not None and not in_france(float(lon), float(lat)):
        errors["position"] = _("position hors de France (longitude, latitude WGS84 attendues).")
    if participants is not None and (not isinstance(participants, int) or participants < 0):
        errors["participants"] = _("nombre de participants positif ou nul attendu.")
    attachments = list(attachments)
    if len(attachments) > ATTACHMENT_MAX_COUNT:
        errors["pièces jointes"] = _("{count} pièces jointes au plus.").format(
            count=ATTACHMENT_MAX_COUNT
        )
    for upload in attachments:
        if problem := check_attachment(upload):
            errors["pièces jointes"] = problem
    if errors:
        raise PlanValidationError(errors)
    return resolved
