"""Import of the action plan from its spreadsheet template (:mod:`maillage.plan.plan_io`).

Every row is validated first (element, code, numbering, texts, indicator kind and rule, targets):
a file with one refused row writes nothing, and each problem names the file, the sheet, the row
and the column. Writes happen in one transaction and are kept in the history (who, when,
before/after). A territory whose plan already has axes is only changed with ``replace=True``;
even then an axis, objective or indicator that the journal, the schedule or an entered value
still uses is never deleted (the import is refused and says which).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from maillage.accounts.actor import Actor
from maillage.accounts.history import record_change, snapshot
from maillage.territory.models import Territory
from maillage.territory.services import territory_touch

from .models import (
    ActivityKind,
    Axis,
    Convention,
    Indicator,
    IndicatorTarget,
    Modality,
    Objective,
    StudySubject,
)
from .plan_io_parse import plan_parse
from .plan_io_rows import PlanImportReport, RowParser


class _Rollback(Exception):
    pass


# --------------------------------------------------------------------------- writing


class _Writer:
    """Upserts on natural keys (numbers), each change kept in the history."""

    def __init__(self, report: PlanImportReport, user: Actor, note: str) -> None:
        self.report, self.user, self.note = report, user, note
        self.changed = False

    def save(self, model: type[models.Model], lookup: dict, values: dict, what: str) -> Any:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            record_change(
                obj=obj,
                user=self.user,
                before=None,
                after=snapshot(obj),
                action="create",
                note=self.note,
            )
            self.report.count(what, "created")
            self.changed = True
            return obj
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if not changed:
            self.report.count(what, "unchanged")
            return obj
        before = snapshot(obj)
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        record_change(
            obj=obj,
            user=self.user,
            before=before,
            after=snapshot(obj),
            action="update",
            note=self.note,
        )
        self.report.count(what, "updated")
        self.changed = True
        return obj

    def delete(self, queryset: models.QuerySet, what: str) -> None:
        for obj in queryset:
            record_change(
                obj=obj,
                user=self.user,
                before=snapshot(obj),
                after=None,
                action="delete",
                note=self.note,
            )
            obj.delete()
            self.report.deleted[what] = self.report.deleted.get(what, 0) + 1
            self.changed = True


OWN_MODELS = (Objective, Modality, Indicator, IndicatorTarget)


def _dependents(obj: models.Model) -> list[str]:
    """What outside the plan's own rows still points at ``obj`` (journal, schedule, values…)."""
    out = []
    for rel in obj._meta.related_objects:
        if issubclass(rel.related_model, OWN_MODELS):
            continue
        accessor = rel.get_accessor_name()
        count = getattr(obj, accessor).count() if accessor else 0
        if count:
            out.append(f"{count} {rel.related_model._meta.verbose_name_plural}")
    return out


def _removals(territory: Territory, plan: dict[str, Any]) -> dict[str, models.QuerySet]:
    """The current plan's rows the file no longer has."""
    conv = territory.convention
    axes = {a["number"]: a for a in plan["axes"]}
    keep_objectives = {(a, o["number"]) for a, ax in axes.items() for o in ax["objectives"]}
    keep_indicators = {(a, i["number"]) for a, ax in axes.items() for i in ax["indicators"]}
    objectives = Objective.objects.filter(axis__convention=conv).select_related("axis")
    indicators = Indicator.objects.filter(axis__convention=conv).select_related("axis")
    return {
        "axes": Axis.objects.filter(convention=conv).exclude(number__in=list(axes)),
        "objectifs": objectives.filter(
            pk__in=[o.pk for o in objectives if (o.axis.number, o.number) not in keep_objectives]
        ),
        "indicateurs": indicators.filter(
            pk__in=[i.pk for i in indicators if (i.axis.number, i.number) not in keep_indicators]
        ),
    }


def _check_replace(
    parser: RowParser, territory: Territory, plan: dict[str, Any], replace: bool
) -> dict[str, models.QuerySet]:
    conv = Convention.objects.filter(territory=territory).first()
    if conv is None or not conv.axes.exists():
        return {}
    if not replace:
        parser.refuse(
            None,
            "territoire",
            _(
                "le territoire « {slug} » a déjà un plan ({n} axe(s)) : rien n'est remplacé "
                "sans --remplacer (sur la page : « Remplacer le plan existant »)."
            ).format(slug=territory.slug, n=conv.axes.count()),
        )
        return {}
    removals = _removals(territory, plan)
    for what, queryset in removals.items():
        for obj in queryset:
            if used := _dependents(obj):
                parser.refuse(
                    None,
                    "code",
                    _(
                        "{what} « {obj} » absent du fichier mais encore utilisé ({used}) : "
                        "gardez-le dans le fichier."
                    ).format(what=what, obj=obj, used=", ".join(used)),
                )
    by_code = {f"{a['number']}.{i['number']}": i for a in plan["axes"] for i in a["indicators"]}
    for ind in Indicator.objects.filter(axis__convention=conv).select_related("axis"):
        new = by_code.get(ind.code)
        if new and new["kind"] != ind.kind and ind.values.exists():
            parser.report.warnings.append(
                _(
                    "l'indicateur {code} change de mode de calcul ({old} → {new}) alors que des "
                    "valeurs y sont saisies."
                ).format(code=ind.code, old=ind.kind, new=new["kind"])
            )
    return removals


def _write(
    *,
    territory: Territory,
    plan: dict[str, Any],
    removals: dict[str, models.QuerySet],
    writer: _Writer,
) -> None:
    next_order = (ActivityKind.objects.aggregate(m=models.Max("order"))["m"] or 0) + 1
    for k in plan["activity_kinds"]:
        if not ActivityKind.objects.filter(name=k["name"]).exists():
            writer.save(
                ActivityKind,
                {"slug": k["slug"]},
                {"name": k["name"], "order": next_order},
                "types d'activité",
            )
            next_order += 1
        else:  # shared by every territory: never changed by one territory's import
            writer.report.count("types d'activité", "unchanged")
    conv = writer.save(Convention, {"territory": territory}, plan["convention"], "convention")
    for s in plan["study_subjects"]:
        values = {k: v for k, v in s.items() if k != "number"}
        writer.save(
            StudySubject, {"convention": conv, "number": s["number"]}, values, "sujets d'étude"
        )
    n_subjects = len(plan["study_subjects"])
    writer.delete(
        StudySubject.objects.filter(convention=conv, number__gt=n_subjects), "sujets d'étude"
    )
    for what in ("indicateurs", "objectifs", "axes"):
        if what in removals:
            writer.delete(removals[what], what)
    for ax in plan["axes"]:
        values = {k: v for k, v in ax.items() if k not in ("objectives", "modalities", "number")}
        values.pop("indicators")
        axis = writer.save(Axis, {"convention": conv, "number": ax["number"]}, values, "axes")
        for ob in ax["objectives"]:
            values = {k: v for k, v in ob.items() if k != "number"}
            writer.save(Objective, {"axis": axis, "number": ob["number"]}, values, "objectifs")
        for m, text in enumerate(ax["modalities"], start=1):
            writer.save(Modality, {"axis": axis, "number": m}, {"text": text}, "modalités")
        count = len(ax["modalities"])
        writer.delete(Modality.objects.filter(axis=axis, number__gt=count), "modalités")
        for ind in ax["indicators"]:
            values = {k: v for k, v in ind.items() if k not in ("number", "targets")}
            indicator = writer.save(
                Indicator, {"axis": axis, "number": ind["number"]}, values, "indicateurs"
            )
            for year, value in sorted(ind["targets"].items()):
                writer.save(
                    IndicatorTarget,
                    {"indicator": indicator, "year": year},
                    {"value": value},
                    "cibles",
                )
            stale = IndicatorTarget.objects.filter(indicator=indicator).exclude(
                year__in=list(ind["targets"])
            )
            writer.delete(stale, "cibles")
    if writer.changed and conv.source_id is not None:
        # The plan no longer is the dataset's file: it comes from this import.
        before = snapshot(conv)
        conv.source = None
        conv.save(update_fields=["source"])
        record_change(
            obj=conv,
            user=writer.user,
            before=before,
            after=snapshot(conv),
            action="update",
            note=writer.note,
        )


def plan_import(
    *,
    territory: Territory,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    replace: bool = False,
    user: Actor = None,
) -> PlanImportReport:
    """Import a plan spreadsheet into ``territory``: everything, or nothing.

    ``dry_run`` runs the whole import and undoes it (the report says what would change);
    ``replace`` allows changing a plan that already has axes. ``user`` signs the history.
    """
    report = PlanImportReport(dry_run=dry_run, filename=PurePath(filename).name)
    try:
        with transaction.atomic():
            plan = plan_parse(territory=territory, data=data, filename=filename, report=report)
            if plan is not None:
                parser = RowParser(report, report.filename, None)
                removals = _check_replace(parser, territory, plan, replace)
                if not report.problems:
                    note = _("import du plan « {name} »").format(name=report.filename)[:300]
                    writer = _Writer(report, user, note)
                    _write(territory=territory, plan=plan, removals=removals, writer=writer)
                    if writer.changed:
                        territory_touch(territory=territory)
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report
