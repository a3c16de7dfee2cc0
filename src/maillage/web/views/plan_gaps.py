"""« Lier à un manque du diagnostic »: link a journal activity (its author or the coordinator)
or an échéance (the coordinator) to a zone blanche, a QPV or a scenario; unlink. The services
are :mod:`maillage.plan.gaps`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from maillage.accounts.permissions import can_edit, is_coordinator
from maillage.plan import gaps
from maillage.plan.models import Activity, GapLink, Milestone
from maillage.plan.selectors import PlanNotFound, plan_tree
from maillage.plan.validation import PlanValidationError
from maillage.territory.models import Territory

from ..decorators import territory_view
from ..form_errors import service_errors_to_form
from ..forms.fields import form_field
from ..params import parse_id


class GapLinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Manque auquel l'action répond"), choices=GapLink.Kind.choices)
    theme = forms.ChoiceField(
        label=_("Thème (pour une zone blanche)"),
        required=False,
        help_text=_("Le thème du diagnostic dont la zone est une zone blanche."),
    )
    zone = forms.TypedChoiceField(
        label=_("Zone (pour une zone blanche ou un QPV)"), required=False, coerce=int
    )
    scenario = forms.TypedChoiceField(
        label=_("Scénario (pour un scénario)"), required=False, coerce=int
    )

    def __init__(self, *args: Any, choices: gaps.GapChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        empty = [("", "—")]
        form_field(self, "theme", forms.ChoiceField).choices = empty + choices.themes
        form_field(self, "zone", forms.TypedChoiceField).choices = empty + [
            (z.pk, f"{z.name} ({z.get_kind_display()})") for z in choices.zones
        ]
        form_field(self, "scenario", forms.TypedChoiceField).choices = empty + list(
            choices.scenarios
        )


def _territory_plan(territory: Territory) -> None:
    try:
        plan_tree(territory=territory)
    except PlanNotFound as exc:
        raise Http404(str(exc)) from exc


def _page(
    request: HttpRequest,
    territory: Territory,
    *,
    activity: Activity | None,
    milestone: Milestone | None,
    back: str,
) -> HttpResponse:
    choices = gaps.gap_choices(territory=territory)
    form = GapLinkForm(request.POST or None, choices=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                gaps.gap_link_add(
                    activity=activity,
                    milestone=milestone,
                    kind=data["kind"],
                    theme=data.get("theme") or "",
                    zone_id=data.get("zone") or None,
                    scenario_id=data.get("scenario") or None,
                    user=request.user,
                )
            except PlanValidationError as exc:
                service_errors_to_form(form, exc, sentence=True)
            else:
                messages.success(request, _g("Lien enregistré."))
                return redirect(request.path)
    return render(
        request,
        "plan/gap_link.html",
        {
            "territory": territory,
            "coordinator": is_coordinator(request.user, territory),
            "form": form,
            "activity": activity,
            "milestone": milestone,
            "links": [
                (link, gaps.link_label(link))
                for link in gaps.links_of(activity=activity, milestone=milestone)
            ],
            "back": back,
        },
        status=status,
    )


@territory_view
def activity_gaps(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Links of a journal activity: its author (partner) or the coordinator."""
    _territory_plan(territory)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    activity = Activity.objects.filter(territory=territory, pk=pk).first()
    if activity is None:
        raise Http404(_g("Activité introuvable dans ce journal."))
    if not can_edit(request.user, activity):
        raise PermissionDenied(_g("Réservé au chargé de coopération et à l'auteur de l'activité."))
    back = reverse("web:plan-activity", args=[territory.slug, pk])
    return _page(request, territory, activity=activity, milestone=None, back=back)


@territory_view
def milestone_gaps(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Links of an échéance: the coordinator."""
    _territory_plan(territory)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    milestone = Milestone.objects.filter(convention__territory=territory, pk=pk).first()
    if milestone is None:
        raise Http404(_g("Étape introuvable dans cet échéancier."))
    if not is_coordinator(request.user, territory):
        raise PermissionDenied(_g("Réservé au chargé de coopération."))
    back = reverse("web:plan-schedule", args=[territory.slug])
    return _page(request, territory, activity=None, milestone=milestone, back=back)


@require_POST
@territory_view
def gap_unlink(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Remove a link (same rights as adding it); POST only."""
    from django.db.models import Q

    if not request.user.is_authenticated:
        return redirect_to_login(reverse("web:plan-journal", args=[territory.slug]))
    link = (
        GapLink.objects.filter(
            Q(activity__territory=territory) | Q(milestone__convention__territory=territory),
            pk=parse_id(pk) or 0,
        )
        .select_related("activity", "milestone")
        .first()
    )
    if link is None:
        raise Http404(_g("Lien introuvable."))
    if link.activity is not None:
        allowed = can_edit(request.user, link.activity)
        target = reverse("web:plan-activity-gaps", args=[territory.slug, link.activity.pk])
    else:
        allowed = is_coordinator(request.user, territory)
        assert link.milestone is not None
        target = reverse("web:plan-milestone-gaps", args=[territory.slug, link.milestone.pk])
    if not allowed:
        raise PermissionDenied(_g("Réservé au chargé de coopération et à l'auteur de l'activité."))
    gaps.gap_link_remove(link=link, user=request.user)
    messages.success(request, _g("Lien retiré."))
    return redirect(target)
