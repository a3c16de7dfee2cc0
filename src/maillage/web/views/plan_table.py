"""The plan as a table and a timeline: the échéances filtered (axis, objective, owner, status,
period) in a paginated table and its CSV/XLSX/ODS export, the frise (server-side SVG) with its
text alternative, and the iCalendar feed of échéances.

Public like the échéancier page (same data, same rule); GET only. Thin views: the filter form
gives :class:`~maillage.plan.schedule_table.ScheduleFilters`, one selector gives the rows,
every surface renders those rows.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from maillage.interop.tabular import CONTENT_TYPES, table_response
from maillage.plan import schedule_ical
from maillage.plan.models import Milestone
from maillage.plan.schedule_table import (
    DONE_COLUMNS,
    LATE,
    SCHEDULE_COLUMNS,
    DoneRow,
    ScheduleFilters,
    ScheduleRow,
    done_rows,
    schedule_owners,
    schedule_rows,
)
from maillage.plan.schedule_timeline import timeline
from maillage.territory.models import Territory

from ..decorators import territory_view
from .plan import _ctx, _tree, no_plan_page
from .plan_forms import TRAILING_COLON

PAGE_SIZE = 50
#: The « réalisées » view of the table: the journal's activities instead of the échéances.
DONE = "realisees"


class DateInput(forms.DateInput):
    input_type = "date"


class ScheduleFilterForm(forms.Form):
    """The table's filters (GET); an invalid value is shown as an error and ignored."""

    axe = forms.TypedChoiceField(label=_("Axe"), required=False, coerce=int, empty_value=None)
    objectif = forms.ChoiceField(label=_("Objectif opérationnel"), required=False)
    porteur = forms.ChoiceField(label=_("Porteur"), required=False)
    statut = forms.ChoiceField(label=_("Statut"), required=False)
    du = forms.DateField(label=_("Date à partir du"), required=False, widget=DateInput())
    au = forms.DateField(label=_("Date jusqu'au"), required=False, widget=DateInput())
    vue = forms.ChoiceField(
        required=False, choices=[("", ""), (DONE, DONE)], widget=forms.HiddenInput()
    )

    def __init__(self, *args: Any, territory: Territory, tree: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Tous"))]
        self._choices("axe").choices = everything + [
            (str(a.number), f"{a.number}. {a.title}") for a in tree.axes
        ]
        self._choices("objectif").choices = everything + [
            (o.code, f"{o.code} {o.title.rstrip(TRAILING_COLON)}")
            for a in tree.axes
            for o in a.objectives
        ]
        self._choices("porteur").choices = everything + [
            (o, o) for o in schedule_owners(territory=territory)
        ]
        self._choices("statut").choices = (
            everything + list(Milestone.Status.choices) + [(LATE, _("en retard"))]
        )

    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def filters(self) -> ScheduleFilters:
        data = self.cleaned_data if self.is_bound else {}
        return ScheduleFilters(
            axis=data.get("axe"),
            objective=data.get("objectif") or None,
            owner=data.get("porteur") or None,
            status=data.get("statut") or None,
            start=data.get("du"),
            end=data.get("au"),
        )

    def querystring(self) -> str:
        data = self.cleaned_data if self.is_bound else {}
        return urllib.parse.urlencode(
            {
                k: v.isoformat() if isinstance(v, dt.date) else v
                for k, v in data.items()
                if v not in (None, "")
            }
        )

    @property
    def done(self) -> bool:
        """Whether the « réalisées » view (journal activities) is asked."""
        return self.is_bound and self.cleaned_data.get("vue") == DONE


def _filtered(
    request: HttpRequest, territory: Territory, tree: Any
) -> tuple[ScheduleFilterForm, list[ScheduleRow]]:
    form = ScheduleFilterForm(request.GET or None, territory=territory, tree=tree)
    form.is_valid()
    rows = schedule_rows(territory=territory, filters=form.filters())
    return form, rows


def _done(
    request: HttpRequest, territory: Territory, tree: Any
) -> tuple[ScheduleFilterForm, list[DoneRow] | None]:
    """The form, and the journal's activities when the « réalisées » view is asked."""
    form = ScheduleFilterForm(request.GET or None, territory=territory, tree=tree)
    form.is_valid()
    if not form.done:
        return form, None
    return form, done_rows(territory=territory, filters=form.filters())


def _links(territory: Territory, query: str) -> dict[str, str]:
    suffix = f"?{query}" if query else ""
    tabs = urllib.parse.parse_qs(query)
    tabs.pop("page", None)
    tabs.pop("vue", None)
    base = reverse("web:plan-table", args=[territory.slug])
    plain = urllib.parse.urlencode(tabs, doseq=True)
    return (
        {
            "tab_schedule": base + (f"?{plain}" if plain else ""),
            # Owner and status are the échéances': not carried to the journal's view.
            "tab_done": base
            + "?"
            + urllib.parse.urlencode(
                {k: v for k, v in tabs.items() if k not in ("porteur", "statut")} | {"vue": [DONE]},
                doseq=True,
            ),
        }
        | {
            fmt: reverse("web:plan-table-export", args=[territory.slug, fmt]) + suffix
            for fmt in ("xlsx", "ods", "csv")
        }
        | {
            "table": reverse("web:plan-table", args=[territory.slug]) + suffix,
            "timeline": reverse("web:plan-timeline", args=[territory.slug]) + suffix,
        }
    )


@require_safe
@territory_view
@no_plan_page(_("Plan d'action"))
def actions_table(request: HttpRequest, territory: Territory) -> HttpResponse:
    tree = _tree(territory)
    form, done = _done(request, territory, tree)
    rows: list[Any] = (
        done if done is not None else schedule_rows(territory=territory, filters=form.filters())
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = form.querystring()
    return render(
        request,
        "plan/actions_table.html",
        _ctx(
            territory,
            tree,
            request,
            form=form,
            page=page,
            total=len(rows),
            late=sum(1 for r in rows if getattr(r, "late", False)),
            done=done is not None,
            fictional=sum(1 for r in done or [] if r.is_fictional),
            query=query,
            links=_links(territory, query),
        ),
        status=400 if form.errors else 200,
    )


@require_safe
@territory_view
def actions_export(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    """Exactly the rows of the filtered table (every page), in CSV, XLSX or ODS."""
    tree = _tree(territory)
    if fmt not in CONTENT_TYPES:
        raise Http404(_g("Format inconnu (csv, xlsx ou ods)."))
    form, done = _done(request, territory, tree)
    if done is not None:
        return table_response(
            [r.cells() for r in done],
            columns=DONE_COLUMNS,
            fmt=fmt,
            filename=f"realisees-ctg-{territory.slug}",
        )
    return table_response(
        [r.cells() for r in schedule_rows(territory=territory, filters=form.filters())],
        columns=SCHEDULE_COLUMNS,
        fmt=fmt,
        filename=f"echeances-ctg-{territory.slug}",
    )


@require_safe
@territory_view
@no_plan_page(_("Échéancier"))
def schedule_timeline(request: HttpRequest, territory: Territory) -> HttpResponse:
    tree = _tree(territory)
    form, rows = _filtered(request, territory, tree)
    today = timezone.localdate()
    frise = timeline(
        rows=rows,
        axes=[(a.number, a.title) for a in tree.axes],
        period=tree.period,
        today=today,
        title=_g("Frise de l'échéancier de la CTG %(name)s") % {"name": territory.name},
        description=_g(
            "Une ligne par axe du plan, les trimestres de %(start)s à %(end)s en abscisse ; "
            "chaque échéance est un repère numéroté à sa date, dont la forme dit le statut ; "
            "le tableau qui suit donne les mêmes échéances avec les mêmes numéros."
        )
        % {"start": tree.period[0], "end": tree.period[1]},
    )
    query = form.querystring()
    return render(
        request,
        "plan/timeline.html",
        _ctx(
            territory,
            tree,
            request,
            form=form,
            frise=frise,
            svg=mark_safe(frise.svg),  # noqa: S308 - every text is escaped by timeline()
            total=len(rows),
            late=sum(1 for r in rows if r.late),
            today=today,
            query=query,
            links=_links(territory, query),
        ),
        status=400 if form.errors else 200,
    )


@require_safe
@territory_view
def schedule_ics(request: HttpRequest, territory: Territory) -> HttpResponse:
    """iCalendar feed of every échéance, public like the échéancier page."""
    tree = _tree(territory)
    del tree  # a territory without a plan has no échéancier: 404 as the page
    body = schedule_ical.calendar(
        rows=schedule_rows(territory=territory),
        name=_g("Échéances CTG %(name)s") % {"name": territory.name},
        host=request.get_host().split(":")[0],
        url=request.build_absolute_uri(reverse("web:plan-schedule", args=[territory.slug])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="echeances-{territory.slug}.ics"'
    return response
