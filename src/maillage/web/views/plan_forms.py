"""Forms and display helpers of the plan pages (see :mod:`maillage.web.views.plan`).

Forms parse and check the request; the plan services validate again and write. Their French
messages (keyed by service field) are shown on the matching form field
(:func:`maillage.web.form_errors.service_errors_to_form`).
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from maillage.accounts.versioning import StaleVersion, version_of
from maillage.plan.indicator_kinds import kind_get
from maillage.plan.models import ActivityKind, Milestone
from maillage.plan.selectors import activities_by_zone
from maillage.plan.services import (
    activity_record,
    activity_update,
    milestone_create,
    milestone_update,
)
from maillage.plan.status import Status, status_css
from maillage.plan.validation import PlanValidationError
from maillage.territory.models import Territory
from maillage.territory.selectors import territory_zones

from ..form_errors import service_errors_to_form
from ..forms.concurrency import VERSION, show_stale, version_field
from ..forms.fields import form_field

# Statuses of the indicator engine in display order (plan.status.Status); the CSS class is
# Status.css (the word itself is always shown, colour is never the only cue).
STATUS_ORDER = tuple(Status.values)


def status_counts(results: Iterable[Any]) -> list[tuple[str, str, int]]:
    """(status, css class, count) for a set of indicator results, in a fixed order."""
    counts = Counter(r.status for r in results)
    order = list(STATUS_ORDER) + sorted(set(counts) - set(STATUS_ORDER))
    return [(s, status_css(s), counts[s]) for s in order if counts[s]]


def year_rows(result: Any) -> list[dict[str, Any]]:
    """Per-year view of an indicator result: value, target, status and evidence."""
    return [
        {
            "year": y,
            "value": result.values_by_year.get(y),
            "display": result.display_by_year.get(y, ""),
            "target": result.target_by_year.get(y),
            "status": result.status_by_year.get(y, ""),
            "css": status_css(result.status_by_year.get(y, "")),
            "evidence": result.evidence_by_year.get(y, []),
        }
        for y in result.years
    ]


def schedule_groups(steps: list[Milestone], today: dt.date) -> list[dict[str, Any]]:
    """Milestones grouped by year of due date, each flagged late when past and still open."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for m in steps:
        groups.setdefault(m.due_date.year, []).append({"m": m, "late": m.is_late(today)})
    return [{"year": y, "steps": groups[y]} for y in sorted(groups)]


def schedule_summary(steps: list[Milestone], today: dt.date) -> dict[str, Any]:
    """Steps per status (in the order of the statuses) and how many are late."""
    counts = Counter(m.status for m in steps)
    return {
        "by_status": [
            (value, label, counts[value])
            for value, label in Milestone.Status.choices
            if counts[value]
        ],
        "late": sum(1 for m in steps if m.is_late(today)),
    }


def _axis_choices(tree: Any) -> list[tuple[str, str]]:
    return [(str(a.number), f"{a.number}. {a.title}") for a in tree.axes]


TRAILING_COLON = " :\u00a0\u202f"


def _objective_choices(tree: Any) -> list[tuple[str, str]]:
    # A title cut before a list in the convention ends with « : »: not shown in a choice.
    return [
        (o.code, f"{o.code} {o.title.rstrip(TRAILING_COLON)}")
        for a in tree.axes
        for o in a.objectives
    ]


def _zone_choices(territory: Territory) -> list[tuple[str, str]]:
    return [
        (z.code, f"{z.name} ({z.get_kind_display()} {z.code})")
        for z in territory_zones(territory=territory)
    ]


class JournalFilter(forms.Form):
    annee = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    axe = forms.TypedChoiceField(label=_("Axe"), required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(label=_("Type d'activité"), required=False)
    quartier = forms.ChoiceField(label=_("Quartier"), required=False)

    def __init__(self, *args: Any, territory: Territory, tree: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("Tous"))]
        years = range(tree.period[0], tree.period[1] + 1)
        form_field(self, "annee", forms.ChoiceField).choices = everything + [
            (str(y), str(y)) for y in years
        ]
        form_field(self, "axe", forms.ChoiceField).choices = everything + _axis_choices(tree)
        form_field(self, "type", forms.ChoiceField).choices = everything + [
            (k.slug, k.name) for k in ActivityKind.objects.order_by("order", "name")
        ]
        form_field(self, "quartier", forms.ChoiceField).choices = everything + _zone_choices(
            territory
        )

    def selector_kwargs(self) -> dict[str, Any]:
        """Valid filters only (an invalid value is shown as an error and ignored)."""
        data = self.cleaned_data if self.is_bound else {}
        return {
            "year": data.get("annee"),
            "axis": data.get("axe"),
            "kind": data.get("type") or None,
            "zone": data.get("quartier") or None,
        }

    def querystring(self) -> str:
        data = self.cleaned_data if self.is_bound else {}
        return urllib.parse.urlencode({k: v for k, v in data.items() if v not in (None, "")})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the plan service checks their type and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# Service error keys → form fields.
ACTIVITY_FIELDS = {
    "date": "date",
    "type": "kind",
    "titre": "title",
    "axe": "axes",
    "objectifs": "objectives",
    "quartiers": "zones",
    "position": "lat",
    "participants": "participants",
    "pièces jointes": "attachments",
}


class ActivityForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ModelChoiceField(
        label=_("Type d'activité"), queryset=ActivityKind.objects.order_by("order", "name")
    )
    title = forms.CharField(
        label=_("Titre"), max_length=300, widget=forms.TextInput(attrs={"class": "wide"})
    )
    body = forms.CharField(
        label=_("Instance réunie"),
        required=False,
        max_length=200,
        help_text=_(
            "Pour une réunion : le groupe de travail, l'instance ou la commission (ex. « GT "
            "Animation de la vie sociale »). Les indicateurs comptent les instances distinctes."
        ),
    )
    axes = forms.MultipleChoiceField(label=_("Axes de la CTG"), widget=forms.CheckboxSelectMultiple)
    objectives = forms.MultipleChoiceField(
        label=_("Objectifs opérationnels"), required=False, widget=forms.CheckboxSelectMultiple
    )
    zones = forms.MultipleChoiceField(
        label=_("Quartiers"), required=False, widget=forms.CheckboxSelectMultiple
    )
    partners = forms.CharField(
        label=_("Partenaires"),
        required=False,
        max_length=2000,
        help_text=_("Noms séparés par des points-virgules."),
    )
    participants = forms.IntegerField(
        label=_("Nombre de participants"), required=False, min_value=0, max_value=1_000_000
    )
    publics = forms.CharField(
        label=_("Publics"),
        required=False,
        max_length=300,
        help_text=_("Publics touchés, en agrégé (aucune donnée personnelle)."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    lon = forms.FloatField(label=_("Longitude (WGS84)"), required=False)
    lat = forms.FloatField(label=_("Latitude (WGS84)"), required=False)
    validated = forms.BooleanField(
        label=_("Écrit partagé validé par les partenaires"), required=False
    )
    attachments = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=_("Compte rendu, support… (PDF, bureautique, image ; 10 Mo au plus chacune)."),
    )
    version = version_field()

    def __init__(
        self,
        *args: Any,
        territory: Territory,
        tree: Any,
        activity: Any = None,
        **kwargs: Any,
    ) -> None:
        if activity is not None:
            kwargs.setdefault("initial", _activity_initial(activity))
            kwargs["initial"].setdefault(VERSION, version_of(activity))
        super().__init__(*args, **kwargs)
        self.territory, self.activity = territory, activity
        form_field(self, "axes", forms.ChoiceField).choices = _axis_choices(tree)
        form_field(self, "objectives", forms.ChoiceField).choices = _objective_choices(tree)
        form_field(self, "zones", forms.ChoiceField).choices = _zone_choices(territory)
        self.fields["axes"].error_messages["required"] = _("Choisissez au moins un axe.")
        if activity is not None:
            self.fields["attachments"].label = _("Pièces jointes à ajouter")

    def save(self, *, author: Any) -> Any:
        """Record (or update) the activity; on a refusal, put the messages on the fields."""
        d = self.cleaned_data
        values = {
            "date": d["date"],
            "kind": d["kind"],
            "title": d["title"],
            "body": d.get("body") or "",
            "axes": d["axes"],
            "objectives": d.get("objectives") or [],
            "zones": d.get("zones") or [],
            "partners": [p.strip() for p in (d.get("partners") or "").split(";") if p.strip()],
            "participants": d.get("participants"),
            "publics": d.get("publics") or "",
            "description": d.get("description") or "",
            "lon": d.get("lon"),
            "lat": d.get("lat"),
            "validated": bool(d.get("validated")),
            "attachments": d.get("attachments") or [],
        }
        try:
            if self.activity is not None:
                return activity_update(
                    activity=self.activity, user=author, version=d.get(VERSION) or None, **values
                )
            return activity_record(territory=self.territory, author=author, **values)
        except StaleVersion as exc:
            show_stale(self, exc)
            return None
        except PlanValidationError as exc:
            service_errors_to_form(self, exc, fields=ACTIVITY_FIELDS, sentence=True)
            return None


def _activity_initial(activity: Any) -> dict[str, Any]:
    return {
        "date": activity.date,
        "kind": activity.kind_id,
        "title": activity.title,
        "body": activity.body,
        "axes": [str(a.number) for a in activity.axes.all()],
        "objectives": [f"{o.axis.number}.{o.number}" for o in activity.objectives.all()],
        "zones": [z.code for z in activity.zones.all()],
        "partners": "; ".join(p.name for p in activity.partners.all()),
        "participants": activity.participants,
        "publics": activity.publics,
        "description": activity.description,
        "lon": activity.lon,
        "lat": activity.lat,
        "validated": activity.validated,
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier du journal (CSV, XLSX ou ODS)"),
        help_text=_("Colonnes : date, type, titre, axe, objectifs, quartiers, partenaires, …"),
    )

    def clean_file(self) -> Any:
        from maillage.interop.tabular import MAX_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Fichier trop volumineux (%(max)s Mo au plus).")
                % {"max": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Étape"), max_length=300)
    due_date = forms.DateField(label=_("Échéance"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Statut"), choices=Milestone.Status.choices)
    owner = forms.CharField(label=_("Qui"), max_length=300, required=False)
    axis = forms.TypedChoiceField(label=_("Axe"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    version = version_field()

    def __init__(
        self, *args: Any, territory: Territory, tree: Any, milestone: Milestone | None, **kw: Any
    ) -> None:
        if milestone is not None and "initial" not in kw:  # also when bound to None (GET)
            kw["initial"] = {
                VERSION: version_of(milestone),
                "title": milestone.title,
                "due_date": milestone.due_date,
                "status": milestone.status,
                "owner": milestone.owner,
                "axis": milestone.axis.number if milestone.axis else None,
                "note": milestone.note,
            }
        super().__init__(*args, **kw)
        self.territory, self.milestone = territory, milestone
        none: list[tuple[str, Any]] = [("", _("Aucun"))]
        form_field(self, "axis", forms.ChoiceField).choices = none + _axis_choices(tree)

    def save(self, *, user: Any = None) -> Milestone | None:
        d = dict(self.cleaned_data)
        version = d.pop(VERSION, "") or None
        number = d.pop("axis")
        d["axis"] = self.territory.convention.axes.filter(number=number).first() if number else None
        try:
            if self.milestone is None:
                return milestone_create(territory=self.territory, user=user, **d)
            return milestone_update(milestone=self.milestone, user=user, version=version, **d)
        except StaleVersion as exc:
            show_stale(self, exc)
            return None
        except PlanValidationError as exc:
            service_errors_to_form(self, exc, sentence=True)
            return None


class TargetsForm(forms.Form):
    """Yearly targets and baseline of an indicator (empty target: none for that year)."""

    baseline_value = forms.FloatField(label=_("Valeur de référence"), required=False)
    baseline_year = forms.IntegerField(label=_("Année de la valeur de référence"), required=False)

    def __init__(self, *args: Any, indicator: Any, years: list[int], **kwargs: Any) -> None:
        targets = {t.year: t.value for t in indicator.targets.all()}
        kwargs.setdefault(
            "initial",
            {
                "baseline_value": indicator.baseline_value,
                "baseline_year": indicator.baseline_year,
                **{f"target_{y}": targets.get(y) for y in years},
            },
        )
        super().__init__(*args, **kwargs)
        self.indicator, self.years = indicator, years
        for y in years:
            self.fields[f"target_{y}"] = forms.FloatField(
                label=_("Cible %(year)s") % {"year": y}, required=False, min_value=0
            )

    def save(self, *, user: Any = None) -> bool:
        """Write every target and the baseline in one transaction; False on refusal."""
        from django.db import transaction

        from maillage.plan.services import indicator_baseline_set, indicator_target_set

        d = self.cleaned_data
        try:
            with transaction.atomic():
                for y in self.years:
                    indicator_target_set(
                        indicator=self.indicator, year=y, value=d[f"target_{y}"], user=user
                    )
                indicator_baseline_set(
                    indicator=self.indicator,
                    value=d["baseline_value"],
                    year=d["baseline_year"],
                    user=user,
                )
        except PlanValidationError as exc:
            service_errors_to_form(self, exc, sentence=True)
            return False
        return True


class ManualValueForm(forms.Form):
    """The value of a ``manual`` indicator for a year, or the oui/non of a ``document`` one
    (then the justification names the document), with its justification."""

    year = forms.TypedChoiceField(label=_("Année"), coerce=int)
    value = forms.FloatField(label=_("Valeur"))
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea,
        help_text=_("Source et méthode : enquête, relevé, compte rendu…"),
    )

    def __init__(self, *args: Any, indicator: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        form_field(self, "year", forms.ChoiceField).choices = [(str(y), str(y)) for y in years]
        stored = {v.year: v for v in indicator.values.all()}
        for y in years:  # the version of each year's value when the form was opened
            self.fields[f"version_{y}"] = version_field()
            self.initial[f"version_{y}"] = version_of(stored.get(y))
        if kind_get(indicator.kind).value_type == "presence":  # oui/non, with its document
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Présence"),
                choices=[("1", _("oui")), ("0", _("non"))],
                coerce=float,
            )
            self.fields["justification"].label = _("Document (preuve)")
            self.fields["justification"].help_text = _(
                "Quel document, où le consulter (titre, date, lien ou compte rendu)."
            )

    def save(self, *, author: Any) -> bool:
        from maillage.plan.services import indicator_value_set

        d = self.cleaned_data
        version_name = f"version_{d['year']}"
        try:
            indicator_value_set(
                indicator=self.indicator,
                year=d["year"],
                value=d["value"],
                justification=d["justification"],
                author=author,
                version=d.get(version_name) or None,
            )
        except StaleVersion as exc:
            show_stale(self, exc, version_name=version_name)
            return False
        except PlanValidationError as exc:
            service_errors_to_form(self, exc, sentence=True)
            return False
        return True


# --------------------------------------------------------------------------- pending imports
IMPORT_DIR = "imports"


def import_path(token: str) -> Path:
    """Where an uploaded journal waits for confirmation (``token`` is a UUID)."""
    return Path(settings.VAR_DIR) / IMPORT_DIR / f"{uuid.UUID(token).hex}.bin"


def forget_pending_import(request: Any) -> None:
    """Drop the session's pending upload and any abandoned one older than a day."""
    pending = request.session.pop("plan_import", None)
    if pending:
        import_path(pending["token"]).unlink(missing_ok=True)
    folder = Path(settings.VAR_DIR) / IMPORT_DIR
    limit = time.time() - 86400
    for old in folder.glob("*.bin") if folder.is_dir() else ():
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


# --------------------------------------------------------------------------- journal map


def journal_features(territory: Territory, activities: list[Any]) -> list[dict[str, Any]]:
    """GeoJSON features of the journal map: communes, activities per zone, located activities."""
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": c.boundary,
            "properties": {"layer": "commune", "role": "ctg", "code": c.insee_code, "name": c.name},
        }
        for c in territory.communes.all()
        if c.boundary
    ]
    features += [
        {
            "type": "Feature",
            "geometry": z.geometry,
            "properties": {
                "layer": "activites",
                "kind": z.kind,
                "code": z.code,
                "name": z.name,
                "count": z.count,
            },
        }
        for z in activities_by_zone(territory=territory, activities=activities)
        if z.geometry
    ]
    features += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [a.lon, a.lat]},
            "properties": {"layer": "activite", "name": a.title, "date": str(a.date)},
        }
        for a in activities
        if a.lon is not None
    ]
    return features
