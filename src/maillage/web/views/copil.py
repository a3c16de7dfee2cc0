"""The comité de pilotage (COPIL) pages: meetings and their decisions, « transformer en
échéance », and the deck (PPTX or PDF) — members of the territory read, the coordinator writes.

The deck is built by :func:`maillage.plan.copil.copil_build` (the bilan and the diagnostic,
computed once) and rendered by :func:`maillage.reports.copil.copil_render`, as the CLI does
(``maillage report copil``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.accounts.permissions import is_coordinator
from maillage.plan import copil as copil_service
from maillage.plan.bilan import BilanError
from maillage.plan.models import CopilDecision, CopilMeeting
from maillage.plan.validation import PlanValidationError
from maillage.reports import copil as copil_report
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, MEMBER, territory_view
from ..form_errors import service_errors_to_form
from ..params import parse_id, parse_int
from .plan import _tree, no_plan_page

TEXT_MAX = copil_service.TEXT_MAX


def _area(rows: int, max_length: int = TEXT_MAX) -> forms.CharField:
    return forms.CharField(
        required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Intitulé"), max_length=300)
    participants = _area(3)
    agenda = _area(4)
    to_decide = _area(4)
    notes = _area(6)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].label = _("Participants")
        self.fields["participants"].help_text = _("Un nom ou une institution par ligne.")
        self.fields["agenda"].label = _("Ordre du jour")
        self.fields["agenda"].help_text = _("Un point par ligne.")
        self.fields["to_decide"].label = _("Décisions à prendre")
        self.fields["to_decide"].help_text = _(
            "Saisies avant la réunion, une par ligne : elles figurent au diaporama."
        )
        self.fields["notes"].label = _("Compte rendu")


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Décision"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label=_("Qui la porte"), max_length=300, required=False)
    due_date = forms.DateField(
        label=_("Pour quand"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MilestoneFromDecisionForm(forms.Form):
    due_date = forms.DateField(
        label=_("Échéance de l'étape"), widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = forms.CharField(label=_("Qui"), max_length=300, required=False)


def _meeting(territory: Territory, pk: int) -> CopilMeeting:
    meeting = CopilMeeting.objects.filter(territory=territory, pk=pk).first()
    if meeting is None:
        raise Http404(_g("Comité de pilotage introuvable pour ce territoire."))
    return meeting


def _ctx(request: HttpRequest, territory: Territory, **extra: Any) -> dict[str, Any]:
    return {
        "territory": territory,
        "coordinator": is_coordinator(request.user, territory),
        "formats": copil_report.FORMATS,
        **extra,
    }


@require_http_methods(["GET", "HEAD"])
@territory_view(role=MEMBER)
@no_plan_page(_("Comités de pilotage"))
def copil_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    tree = _tree(territory)
    today = timezone.localdate()
    rows = [
        (m, len(m.decisions.all()), sum(1 for d in m.decisions.all() if d.milestone_id))
        for m in copil_service.meetings(territory=territory)
    ]
    return render(
        request,
        "plan/copil_list.html",
        _ctx(
            request,
            territory,
            tree=tree,
            upcoming=[r for r in rows if r[0].date >= today][::-1],  # the next one first
            past=[r for r in rows if r[0].date < today],
        ),
    )


def _meeting_form_page(
    request: HttpRequest, territory: Territory, meeting: CopilMeeting | None
) -> HttpResponse:
    tree = _tree(territory)  # a COPIL follows the plan: none is recorded without one
    initial = {}
    if meeting is not None:
        initial = {k: getattr(meeting, k) for k in ("date", "title", *copil_service.MEETING_TEXTS)}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = copil_service.meeting_save(
                territory=territory, meeting=meeting, user=request.user, **form.cleaned_data
            )
        except PlanValidationError as exc:
            service_errors_to_form(form, exc, sentence=True)
        else:
            messages.success(request, _g("Comité de pilotage enregistré."))
            return redirect("web:plan-copil-meeting", slug=territory.slug, pk=saved.pk)
    return render(
        request,
        "plan/copil_form.html",
        _ctx(request, territory, tree=tree, form=form, meeting=meeting),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@territory_view(role=COORDINATOR)
@no_plan_page(_("Comités de pilotage"))
def copil_new(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _meeting_form_page(request, territory, None)


@require_http_methods(["GET", "HEAD", "POST"])
@territory_view(role=COORDINATOR)
@no_plan_page(_("Comités de pilotage"))
def copil_edit(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    return _meeting_form_page(request, territory, _meeting(territory, pk))


def _meeting_page(
    request: HttpRequest,
    territory: Territory,
    meeting: CopilMeeting,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tree = _tree(territory)
    decisions = list(meeting.decisions.select_related("milestone").order_by("pk"))
    return render(
        request,
        "plan/copil_meeting.html",
        _ctx(
            request,
            territory,
            tree=tree,
            meeting=meeting,
            decisions=decisions,
            decision_form=decision_form or DecisionForm(),
            years=list(range(tree.period[0], tree.period[1] + 1)),
        ),
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
@territory_view(role=MEMBER)
@no_plan_page(_("Comités de pilotage"))
def copil_meeting(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    return _meeting_page(request, territory, _meeting(territory, pk))


@require_POST
@territory_view(role=COORDINATOR)
@no_plan_page(_("Comités de pilotage"))
def copil_decision_new(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    meeting = _meeting(territory, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            copil_service.decision_add(meeting=meeting, user=request.user, **form.cleaned_data)
        except PlanValidationError as exc:
            service_errors_to_form(form, exc, sentence=True)
        else:
            messages.success(request, _g("Décision enregistrée."))
            url = reverse("web:plan-copil-meeting", args=[territory.slug, meeting.pk])
            return redirect(url + "#decisions-titre")
    return _meeting_page(request, territory, meeting, decision_form=form, status=400)


@require_POST
@territory_view(role=COORDINATOR)
def copil_decision_milestone(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """« Transformer en échéance »: the decision becomes a step of the échéancier."""
    decision = (
        CopilDecision.objects.filter(meeting__territory=territory, pk=pk)
        .select_related("meeting")
        .first()
    )
    if decision is None:
        raise Http404(_g("Décision introuvable pour ce territoire."))
    url = reverse("web:plan-copil-meeting", args=[territory.slug, decision.meeting_id])
    form = MilestoneFromDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("Indiquez la date d'échéance de l'étape."))
        return redirect(f"{url}#decision-{decision.pk}")
    try:
        milestone = copil_service.decision_to_milestone(
            decision=decision,
            due_date=form.cleaned_data["due_date"],
            owner=form.cleaned_data["owner"] or None,
            user=request.user,
        )
    except PlanValidationError as exc:
        messages.error(request, " ; ".join(m for ms in exc.message_dict.values() for m in ms))
        return redirect(f"{url}#decision-{decision.pk}")
    messages.success(
        request,
        _g("La décision est une étape de l'échéancier, pour le %(date)s.")
        % {"date": milestone.due_date.strftime("%d/%m/%Y")},
    )
    return redirect(f"{url}#decision-{decision.pk}")


def deck_params(request: HttpRequest, territory: Territory, fmt: str) -> dict[str, Any]:
    """The deck asked for: format, year ``annee`` (or the period), COPIL ``comite`` and the
    decisions to take typed in ``decisions`` (POST only) — checked, else a French 404."""
    tree = _tree(territory)
    if fmt not in copil_report.FORMATS:
        raise Http404(_g("Format inconnu (pptx ou pdf)."))
    data = request.POST if request.method == "POST" else request.GET
    year = None
    if raw := data.get("annee", "").strip():
        year = parse_int(raw, minimum=tree.period[0], maximum=tree.period[1])
        if year is None:
            raise Http404(_g("Année hors de la période de la convention."))
    meeting = None
    if raw := data.get("comite", "").strip():
        meeting_id = parse_id(raw)
        if meeting_id is None:
            raise Http404(_g("Comité de pilotage introuvable pour ce territoire."))
        meeting = _meeting(territory, meeting_id).pk
    to_decide = data.get("decisions", "")[:TEXT_MAX] if request.method == "POST" else ""
    return {"fmt": fmt, "year": year, "meeting": meeting, "to_decide": to_decide}


@require_http_methods(["GET", "HEAD", "POST"])
@territory_view(role=MEMBER)
def copil_deck(request: HttpRequest, territory: Territory, fmt: str) -> HttpResponse:
    """The deck in ``fmt``: for the COPIL ``comite`` (GET or POST), the year ``annee`` (or the
    period), with the decisions to take typed in ``decisions`` (POST, from the bilan page)."""
    params = deck_params(request, territory, fmt)
    year, to_decide = params["year"], params["to_decide"]
    meeting = _meeting(territory, params["meeting"]) if params["meeting"] else None
    try:
        result = copil_service.copil_build(
            territory=territory, year=year, meeting=meeting, to_decide=to_decide
        )
    except BilanError as exc:
        raise Http404(str(exc)) from exc
    body = copil_report.copil_render(result, fmt=fmt)
    response = HttpResponse(body, content_type=copil_report.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{result.filename_stem}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
