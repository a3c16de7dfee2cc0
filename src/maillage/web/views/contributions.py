"""Residents' contributions: « Signaler une erreur » on a public fiche, « Proposer un lieu » on
the directory (no account), and the coordinator's queue where each is accepted or rejected.

Thin views: the forms of :mod:`maillage.contributions.forms` parse (honeypot, signed fill
time, sizes), :mod:`maillage.contributions.ratelimit` limits each address, the services of
:mod:`maillage.contributions.services` write. A filled honeypot is answered like a success and
keeps nothing; the per-address limit answers 429 with a French message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_safe

from maillage.contributions import consultations as cons
from maillage.contributions import ratelimit
from maillage.contributions import selectors as contrib_selectors
from maillage.contributions import services as contrib_services
from maillage.contributions.forms import (
    HONEYPOT,
    AnswerForm,
    ConsultationForm,
    ContributionForm,
    DecisionForm,
    JournalForm,
    ProposePlaceForm,
    ReportErrorForm,
)
from maillage.contributions.models import Consultation
from maillage.directory.models import Structure
from maillage.plan.models import Axis
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, territory_view
from ..form_errors import service_errors_to_form
from ..site_url import absolute_url

LIMITED = (
    "Trop de messages envoyés depuis votre connexion : réessayez dans une heure. "
    "Vous pouvez aussi contacter directement la mairie ou la CAF."
)


def _queue_link(request: HttpRequest, territory: Territory) -> str:
    try:
        return absolute_url(reverse("web:resident-reports", args=[territory.slug]), request=request)
    except ImproperlyConfigured:  # no site address known: the mail goes without a link
        return ""


def _contribute(
    request: HttpRequest,
    territory: Territory,
    form_class: Callable[..., ContributionForm],
    template: str,
    keep: Callable[[Any, str], Any],
    context: dict[str, Any],
    scope: str = "contribution",
) -> HttpResponse:
    """The shared flow of a resident's form: limit, honeypot, validation, then ``keep``
    (``form_class``: the form, or a function of the posted data that makes it)."""
    context = {**context, "territory": territory, "honeypot": HONEYPOT}
    if request.method != "POST":
        return render(request, template, {**context, "form": form_class()})
    if ratelimit.is_limited(request, scope):
        form = form_class(request.POST)
        form.renew_start()
        response = render(
            request, template, {**context, "form": form, "limited": _g(LIMITED)}, status=429
        )
        response["Retry-After"] = str(ratelimit.WINDOW_MINUTES * 60)
        return response
    form = form_class(request.POST)
    if form.is_trap_filled():  # a robot: answered as a success, nothing kept
        ratelimit.record(request, scope)
        return redirect("web:contribution-thanks", territory.slug)
    if form.is_valid():
        try:
            keep(form, _queue_link(request, territory))
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            ratelimit.record(request, scope)
            return redirect("web:contribution-thanks", territory.slug)
    form.renew_start()
    return render(request, template, {**context, "form": form}, status=400)


def _public_structure(territory: Territory, pk: int) -> Structure:
    structure = Structure.objects.filter(
        territory=territory, pk=pk, published=True, declared_only=False
    ).first()
    if structure is None:
        raise Http404(_g("Fiche introuvable."))
    return structure


@territory_view
def report_error(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """« Signaler une erreur » on a published fiche."""
    structure = _public_structure(territory, pk)

    def keep(form: Any, link: str) -> Any:
        data = form.cleaned_data
        return contrib_services.report_error(
            structure=structure,
            field=data["field"],
            message=data["message"],
            contact_email=data["contact_email"],
            link=link,
        )

    return _contribute(
        request,
        territory,
        ReportErrorForm,
        "contributions/report_error.html",
        keep,
        {"structure": structure},
    )


@territory_view
def propose_place(request: HttpRequest, territory: Territory) -> HttpResponse:
    """« Proposer un lieu » for the directory."""

    def keep(form: Any, link: str) -> Any:
        data = form.cleaned_data
        return contrib_services.propose_place(
            territory=territory,
            name=data["place_name"],
            address=data["place_address"],
            offer=data["place_offer"],
            contact_email=data["contact_email"],
            link=link,
        )

    return _contribute(
        request, territory, ProposePlaceForm, "contributions/propose_place.html", keep, {}
    )


@require_safe
@territory_view
def thanks(request: HttpRequest, territory: Territory) -> HttpResponse:
    return render(request, "contributions/thanks.html", {"territory": territory})


# --------------------------------------------------------------------------- the coordinator


@require_safe
@territory_view(role=COORDINATOR)
def reports_queue(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The contributions waiting for the coordinator, and the last ones examined."""
    return render(
        request,
        "contributions/queue.html",
        {
            "territory": territory,
            "pending": contrib_selectors.reports_pending(territory=territory, user=request.user),
            "recent": contrib_selectors.reports_recent(territory=territory, user=request.user),
        },
    )


@territory_view(role=COORDINATOR)
def report_detail(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """One contribution; the coordinator takes it into account or not."""
    report = contrib_selectors.report_get(territory=territory, user=request.user, pk=pk)
    if report is None:
        raise Http404(_g("Contribution introuvable."))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
        try:
            if decision == "accept":
                report = contrib_services.report_accept(
                    report=report, user=request.user, comment=comment
                )
            else:
                report = contrib_services.report_reject(
                    report=report, user=request.user, comment=comment
                )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            if report.created_structure is not None:
                messages.success(
                    request,
                    _g(
                        "Lieu « %(name)s » créé en brouillon, à localiser : complétez-le puis "
                        "publiez-le."
                    )
                    % {"name": report.created_structure.name},
                )
                return redirect("web:structure-edit", territory.slug, report.created_structure.pk)
            messages.success(request, _g("Décision enregistrée."))
            return redirect("web:resident-reports", territory.slug)
    return render(
        request,
        "contributions/report.html",
        {"territory": territory, "report": report, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------- consultations


def _consultation(territory: Territory, pk: int) -> Consultation:
    found = Consultation.objects.filter(territory=territory, pk=pk).select_related("zone").first()
    if found is None:
        raise Http404(_g("Concertation introuvable."))
    return found


@territory_view(role=COORDINATOR)
def consultations_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The coordinator's consultations, and the form that publishes a new one."""
    zones = cons.quartiers(territory=territory)
    posted = request.method == "POST"
    form = ConsultationForm(
        request.POST if posted else None, zones=zones, questions=cons.MAX_QUESTIONS
    )
    if posted and form.is_valid():
        try:
            consultation = cons.consultation_create(
                territory=territory,
                user=request.user,
                title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"],
                zone=form.cleaned_data["zone"],
                questions=form.questions(),
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _g("Concertation publiée : partagez son adresse."))
            return redirect("web:consultation-results", territory.slug, consultation.pk)
    return render(
        request,
        "contributions/consultations.html",
        {
            "territory": territory,
            "form": form,
            "consultations": Consultation.objects.filter(territory=territory)
            .select_related("zone", "activity")
            .annotate(n=Count("answers")),
        },
        status=400 if posted else 200,
    )


@territory_view(role=COORDINATOR)
def consultation_results(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Results by quartier; « Clore » and « Inscrire au journal » (POST, with ``action``)."""
    consultation = _consultation(territory, pk)
    axes = Axis.objects.filter(convention__territory=territory).order_by("number")
    journal = JournalForm(
        request.POST if request.POST.get("action") == "journal" else None, axes=axes
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                cons.consultation_close(consultation=consultation, user=request.user)
                messages.success(
                    request, _g("Concertation close : elle ne reçoit plus de réponse.")
                )
                return redirect("web:consultation-results", territory.slug, pk)
            if request.POST.get("action") == "journal" and journal.is_valid():
                cons.consultation_to_journal(
                    consultation=consultation, user=request.user, axis=journal.cleaned_data["axis"]
                )
                messages.success(request, _g("Concertation inscrite au journal."))
                return redirect("web:consultation-results", territory.slug, pk)
        except ValidationError as exc:
            service_errors_to_form(journal, exc)
    public_url = reverse("web:consultation-answer", args=[territory.slug, pk])
    try:
        share_url = absolute_url(public_url, request=request)
    except ImproperlyConfigured:
        share_url = public_url
    return render(
        request,
        "contributions/consultation_results.html",
        {
            "territory": territory,
            "consultation": consultation,
            "results": cons.consultation_results(consultation=consultation),
            "journal": journal,
            "public_url": public_url,
            "share_url": share_url,
            "min_group": cons.MIN_GROUP,
        },
        status=400 if request.method == "POST" else 200,
    )


@territory_view
def consultation_answer(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """A resident answers an open consultation (anonymous, no address asked)."""
    consultation = _consultation(territory, pk)
    if consultation.status != Consultation.Status.OPEN:
        return render(
            request,
            "contributions/consultation_closed.html",
            {"territory": territory, "consultation": consultation},
            status=410,
        )
    zones = cons.quartiers(territory=territory) if consultation.zone is None else []

    def make(data: Any = None) -> AnswerForm:
        return AnswerForm(data, consultation=consultation, zones=zones)

    def keep(form: Any, link: str) -> Any:
        return cons.answer_record(consultation=consultation, values=form.values(), zone=form.zone())

    return _contribute(
        request,
        territory,
        make,
        "contributions/consultation_answer.html",
        keep,
        {"consultation": consultation},
        scope="consultation",
    )
