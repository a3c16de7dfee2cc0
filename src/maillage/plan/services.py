"""Writes of the plan app: journal activities, milestones, targets, manual indicator values.

Every service validates its input (:mod:`maillage.plan.validation`) and raises
:class:`PlanValidationError` (a Django ``ValidationError`` whose ``message_dict`` maps field names
to French messages) before writing anything; each write bumps the territory's ``data_version``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from maillage.accounts.history import (
    record_change,
    register_file_relinker,
    snapshot,
    stored_file_exists,
)
from maillage.accounts.versioning import check_version
from maillage.territory.models import Territory, Zone
from maillage.territory.services import territory_touch
from maillage.text import fold

from .indicator_kinds import kind_get
from .models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    Axis,
    Convention,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    JournalYear,
    Milestone,
    Objective,
    Partner,
    ZoneBlanche,
)
from .validation import (  # noqa: F401  (re-exported: services are the public entry point)
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_COUNT,
    FICTIONAL_PREFIX,
    PlanLookup,
    PlanValidationError,
    _convention,
    activity_validate,
    attachment_basename,
    check_attachment,
    resolve_axis,
    resolve_kind,
    resolve_objective,
    resolve_zone,
)


def _history(obj: Any, user: Any, before: dict[str, Any] | None, *, deleted: bool = False) -> None:
    """Keep the change in the history (who, when, before/after)."""
    after = None if deleted else snapshot(obj)
    action = "delete" if deleted else ("create" if before is None else "update")
    record_change(obj=obj, user=user, before=before, after=after, action=action)


def _partners(territory: Territory, names: Iterable[str]) -> list[Partner]:
    known = {fold(p.name): p for p in Partner.objects.filter(territory=territory)}
    found = []
    for name in names:
        name = " ".join(str(name).split())[:300]
        if not name:
            continue
        if fold(name) not in known:
            known[fold(name)] = Partner.objects.create(territory=territory, name=name)
        if known[fold(name)] not in found:
            found.append(known[fold(name)])
    return found


@transaction.atomic
def activity_kind_get_or_create(*, slug: str, name: str) -> ActivityKind:
    """The journal's activity kind ``slug`` (or named ``name``), created last in the list if the
    dataset has none (kinds a feature writes itself: « concertation des habitants », « support de
    communication »…)."""
    kind = ActivityKind.objects.filter(Q(slug=slug) | Q(name=name)).first()
    if kind is None:
        order = (ActivityKind.objects.aggregate(m=Max("order"))["m"] or 0) + 1
        kind = ActivityKind.objects.create(slug=slug, name=name, order=order)
    return kind


def activity_record(
    *,
    territory: Territory,
    date: dt.date,
    kind: ActivityKind | str,
    title: str,
    axes: Iterable[Axis | int | str],
    body: str = "",
    description: str = "",
    objectives: Iterable[Objective | str] = (),
    partners: Iterable[str] = (),
    zones: Iterable[Zone | str] = (),
    lon: float | None = None,
    lat: float | None = None,
    participants: int | None = None,
    publics: str = "",
    validated: bool = False,
    attachments: Iterable[UploadedFile[bytes]] = (),
    author: Any = None,
    is_fictional: bool = False,
    touch: bool = True,
    lookup: PlanLookup | None = None,
) -> Activity:
    """Record a journal activity after validating everything (nothing written on error).

    ``kind`` is an :class:`ActivityKind` or its name; ``axes`` numbers, titles or objects;
    ``objectives`` codes (« 1.2 ») or objects; ``partners`` names; ``zones`` names or codes of
    the territory's zones; ``body`` the working group, instance or commission that met.
    Aggregates only (``participants``, ``publics``): no personal data.
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
        is_fictional=is_fictional,
    )
    title = " ".join(title.split())
    if is_fictional and not title.startswith(FICTIONAL_PREFIX):
        title = f"{FICTIONAL_PREFIX} {title}"[:300]
    activity = Activity.objects.create(
        territory=territory,
        date=date,
        kind=resolved["kind"],
        title=title,
        body=" ".join((body or "").split())[:200],
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
            activity=activity, file=upload, name=attachment_basename(upload.name)[:200]
        )
    _history(activity, author, None)
    if touch:
        territory_touch(territory=territory)
    return activity


ACTIVITY_EDITABLE = frozenset(
    "date kind title body axes description objectives partners zones lon lat participants publics "
    "validated attachments".split()
)


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    user: Any = None,
    version: str | list[str] | None = None,
    **changes: Any,
) -> Activity:
    """Change fields of a journal activity, validated like :func:`activity_record`; ``version``:
    the state the change was made from (``check_version``: stale → refused; ``None``: no check).

    ``changes`` take the arguments of :func:`activity_record` (``attachments`` are added to the
    existing ones). An *exemple fictif* activity stays fictional and labelled.
    """
    if unknown := set(changes) - ACTIVITY_EDITABLE:
        raise PlanValidationError({k: _("champ non modifiable.") for k in sorted(unknown)})
    check_version(activity, version)
    before = snapshot(activity)
    current: dict[str, Any] = {
        "date": activity.date,
        "kind": activity.kind,
        "title": activity.title,
        "axes": list(activity.axes.all()),
        "objectives": list(activity.objectives.all()),
        "zones": list(activity.zones.all()),
        "lon": activity.lon,
        "lat": activity.lat,
        "participants": activity.participants,
    }
    merged = current | {k: v for k, v in changes.items() if k in current}
    attachments = list(changes.get("attachments") or ())
    if len(attachments) + activity.attachments.count() > ATTACHMENT_MAX_COUNT:
        raise PlanValidationError(
            {
                "pièces jointes": _("{count} pièces jointes au plus.").format(
                    count=ATTACHMENT_MAX_COUNT
                )
            }
        )
    resolved = activity_validate(
        territory=activity.territory,
        attachments=attachments,
        is_fictional=activity.is_fictional,
        **merged,
    )
    title = " ".join(merged["title"].split())
    if activity.is_fictional and not title.startswith(FICTIONAL_PREFIX):
        title = f"{FICTIONAL_PREFIX} {title}"[:300]
    activity.date, activity.kind, activity.title = merged["date"], resolved["kind"], title
    activity.lon, activity.lat = merged["lon"], merged["lat"]
    activity.participants = merged["participants"]
    if "description" in changes:
        activity.description = (changes["description"] or "").strip()
    if "body" in changes:
        activity.body = " ".join((changes["body"] or "").split())[:200]
    if "publics" in changes:
        activity.publics = (changes["publics"] or "").strip()[:300]
    if "validated" in changes:
        activity.validated = bool(changes["validated"])
    activity.save()
    activity.axes.set(resolved["axes"])
    activity.objectives.set(resolved["objectives"])
    activity.zones.set(resolved["zones"])
    if "partners" in changes:
        activity.partners.set(_partners(activity.territory, changes["partners"]))
    for upload in attachments:
        ActivityAttachment.objects.create(
            activity=activity, file=upload, name=attachment_basename(upload.name)[:200]
        )
    _history(activity, user, before)
    territory_touch(territory=activity.territory)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, user: Any = None) -> None:
    """Delete a journal entry. Its attachments' files stay in storage, listed in the history
    record, so that restoring the entry brings them back (:func:`_relink_attachments`);
    ``maillage history purge`` removes them with the history that references them."""
    territory = activity.territory
    before = snapshot(activity)
    before["attachment_files"] = [
        {"name": a.name, "file": a.file.name} for a in activity.attachments.order_by("pk")
    ]
    _history(activity, user, before, deleted=True)
    activity.delete()
    territory_touch(territory=territory)


@register_file_relinker("plan.activity")
def _relink_attachments(activity: Activity, values: dict[str, Any]) -> list[str]:
    """Re-create a restored entry's attachments from the files kept in storage; the names of
    those whose file is gone are returned (the restore says so)."""
    field = ActivityAttachment._meta.get_field("file")
    kept = set(activity.attachments.values_list("file", flat=True))
    missing = []
    for item in values.get("attachment_files") or ():
        name, path = str(item.get("name") or ""), str(item.get("file") or "")
        if not path or path in kept:
            continue
        if not stored_file_exists(field, path):
            missing.append(name or path.rsplit("/", 1)[-1])
            continue
        ActivityAttachment.objects.create(activity=activity, file=path, name=name[:200])
        kept.add(path)
    return missing


# --------------------------------------------------------------------------- milestones


def _milestone_fields(convention: Convention, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = _("intitulé de l'étape obligatoire.")
    if "due_date" in values and not isinstance(values["due_date"], dt.date):
        errors["due_date"] = _("date d'échéance attendue.")
    if "status" in values and values["status"] not in Milestone.Status.values:
        errors["status"] = _("statut inconnu ({known}).").format(
            known=", ".join(Milestone.Status.values)
        )
    if values.get("axis") is not None and values["axis"].convention_id != convention.pk:
        errors["axis"] = _("axe d'une autre convention.")
    objective = values.get("objective")
    if objective is not None:
        axis = values.get("axis")
        if objective.axis.convention_id != convention.pk or (axis and objective.axis_id != axis.pk):
            errors["objective"] = _("objectif hors de l'axe choisi.")
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
    user: Any = None,
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
    _history(milestone, user, None)
    territory_touch(territory=territory)
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, user: Any = None, version: str | None = None, **changes: Any
) -> Milestone:
    """Change some fields of a milestone (title, due_date, owner, status, axis, objective, note);
    ``version`` as for :func:`activity_update`."""
    allowed = {"title", "due_date", "owner", "status", "axis", "objective", "note"}
    if unknown := set(changes) - allowed:
        raise PlanValidationError({k: _("champ non modifiable.") for k in unknown})
    check_version(milestone, version)
    before = snapshot(milestone)
    current = {"axis": milestone.axis, "objective": milestone.objective}
    values = _milestone_fields(milestone.convention, current | changes)
    for key, value in values.items():
        setattr(milestone, key, value)
    milestone.save()
    _history(milestone, user, before)
    territory_touch(territory=milestone.convention.territory)
    return milestone


# --------------------------------------------------------------------------- targets and values


def _year_in_period(indicator: Indicator, year: int, field: str = "year") -> None:
    conv = indicator.axis.convention
    if not isinstance(year, int) or not conv.period_start <= year <= conv.period_end:
        raise PlanValidationError(
            {
                field: _("année hors de la convention ({start}-{end}).").format(
                    start=conv.period_start, end=conv.period_end
                )
            }
        )


@transaction.atomic
def indicator_target_set(
    *, indicator: Indicator, year: int, value: float | None, user: Any = None
) -> None:
    """Set (or remove, with ``None``) the target of an indicator for a year of the convention."""
    _year_in_period(indicator, year)
    existing = IndicatorTarget.objects.filter(indicator=indicator, year=year).first()
    before = snapshot(existing) if existing else None
    if value is None:
        if existing:
            _history(existing, user, before, deleted=True)
            existing.delete()
    elif not isinstance(value, int | float) or value < 0:
        raise PlanValidationError({"value": _("valeur cible positive ou nulle attendue.")})
    else:
        target, _created = IndicatorTarget.objects.update_or_create(
            indicator=indicator, year=year, defaults={"value": float(value)}
        )
        _history(target, user, before)
    territory_touch(territory=indicator.axis.convention.territory)


@transaction.atomic
def indicator_baseline_set(
    *, indicator: Indicator, value: float | None, year: int | None, user: Any = None
) -> None:
    """Set the baseline value of an indicator and the year it describes (or clear both)."""
    if (value is None) != (year is None):
        raise PlanValidationError(
            {"baseline_year": _("valeur et année de référence vont ensemble.")}
        )
    if year is not None and not 1990 <= year <= indicator.axis.convention.period_end:
        raise PlanValidationError({"baseline_year": _("année de référence invalide.")})
    before = snapshot(indicator)
    indicator.baseline_value, indicator.baseline_year = value, year
    indicator.save(update_fields=["baseline_value", "baseline_year"])
    _history(indicator, user, before)
    territory_touch(territory=indicator.axis.convention.territory)


@transaction.atomic
def indicator_value_set(
    *,
    indicator: Indicator,
    year: int,
    value: float,
    justification: str,
    author: Any = None,
    version: str | list[str] | None = None,
) -> IndicatorValue:
    """Enter the value of a ``manual`` indicator for a year, or the oui (1) / non (0) of a
    ``document`` one, with its justification (for a document: which document, where).
    ``version``: the state of that year's value the entry was made from (``ABSENT``: none)."""
    kind = kind_get(indicator.kind)
    if not kind.accepts_entries:
        raise PlanValidationError(
            {"indicator": _("cet indicateur est calculé : sa valeur ne se saisit pas.")}
        )
    _year_in_period(indicator, year)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise PlanValidationError({"value": _("nombre attendu.")})
    if kind.value_type == "presence" and value not in (0, 1):
        raise PlanValidationError({"value": _("oui (1) ou non (0) attendu.")})
    if not (justification or "").strip():
        raise PlanValidationError(
            {"justification": _("justification obligatoire (source, méthode).")}
        )
    existing = IndicatorValue.objects.filter(indicator=indicator, year=year).first()
    check_version(existing or IndicatorValue(indicator=indicator, year=year), version)
    before = snapshot(existing) if existing else None
    entry, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        year=year,
        defaults={"value": float(value), "justification": justification.strip(), "author": author},
    )
    _history(entry, author, before)
    territory_touch(territory=indicator.axis.convention.territory)
    return entry


# --------------------------------------------------------------------------- zones blanches


@transaction.atomic
def zone_blanche_flag(*, territory: Territory, zone: Zone | str, justification: str) -> ZoneBlanche:
    """Flag a zone of the territory as « zone blanche », with why (source, diagnostic…)."""
    found = resolve_zone(territory, zone)
    if not (justification or "").strip():
        raise PlanValidationError(
            {"justification": _("justification obligatoire (source, méthode).")}
        )
    flag, _created = ZoneBlanche.objects.update_or_create(
        territory=territory, zone=found, defaults={"justification": justification.strip()}
    )
    territory_touch(territory=territory)
    return flag


@transaction.atomic
def zone_blanche_unflag(*, territory: Territory, zone: Zone | str) -> bool:
    """Remove the « zone blanche » flag of a zone; ``False`` if it was not flagged."""
    deleted, _details = ZoneBlanche.objects.filter(
        territory=territory, zone=resolve_zone(territory, zone)
    ).delete()
    if deleted:
        territory_touch(territory=territory)
    return bool(deleted)


# --------------------------------------------------------------------------- journal years


def _journal_year(territory: Territory, year: int) -> None:
    conv = _convention(territory)
    if not isinstance(year, int) or not conv.period_start <= year <= conv.period_end:
        raise PlanValidationError(
            {
                "year": _("année hors de la convention ({start}-{end}).").format(
                    start=conv.period_start, end=conv.period_end
                )
            }
        )


@transaction.atomic
def journal_year_declare_complete(
    *, territory: Territory, year: int, user: Any = None, is_fictional: bool = False
) -> JournalYear:
    """Declare the journal of ``year`` complete: its counts then read as figures (0 included).

    Kept in the history (who, when). Declaring an already complete year changes nothing.
    """
    _journal_year(territory, year)
    existing = JournalYear.objects.filter(territory=territory, year=year).first()
    if existing is not None:
        return existing
    entry = JournalYear.objects.create(
        territory=territory, year=year, declared_by=user, is_fictional=is_fictional
    )
    _history(entry, user, None)
    territory_touch(territory=territory)
    return entry


@transaction.atomic
def journal_year_withdraw(*, territory: Territory, year: int, user: Any = None) -> bool:
    """Withdraw the declaration: the year's counts read « non renseigné » again."""
    _journal_year(territory, year)
    entry = JournalYear.objects.filter(territory=territory, year=year).first()
    if entry is None:
        return False
    _history(entry, user, snapshot(entry), deleted=True)
    entry.delete()
    territory_touch(territory=territory)
    return True
