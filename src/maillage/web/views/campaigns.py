"""Update campaigns (« campagne de mise à jour »): the coordinator launches, follows and
reminds; each partner organisation answers through its link, without an account.

Thin views over :mod:`maillage.network.campaigns`. Links printed or e-mailed use the site's
public address (:func:`maillage.web.site_url.absolute_url`, ``MAILLAGE_SITE_URL``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.versioning import StaleVersion
from maillage.network import campaigns as svc
from maillage.network.models import Campaign
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, territory_view
from ..form_errors import service_errors_to_form
from ..forms.concurrency import take_version
from ..site_url import absolute_url
from . import campaign_forms as cf

NOINDEX = "noindex, nofollow"


def _link_builder(request: HttpRequest) -> svc.LinkBuilder:
    return lambda token: absolute_url(reverse("web:campaign-answer", args=[token]), request=request)


def _campaign(territory: Territory, pk: int) -> Campaign:
    campaign = Campaign.objects.filter(territory=territory, pk=pk).first()
    if campaign is None:
        raise Http404(_g("Campagne introuvable."))
    return campaign


# --------------------------------------------------------------------------- coordinator


@territory_view(role=COORDINATOR)
def campaigns_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The territory's campaigns and the form to launch one."""
    organisations = svc.campaign_organisations(territory=territory)
    form = cf.LaunchForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = svc.campaign_launch(
                territory=territory,
                title=d["title"],
                by=request.user,
                organisations=list(d["organisations"]),
                days=d["days"],
                message=d["message"],
                link_for=_link_builder(request),
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _g(
                    "Campagne lancée : %(emailed)s organisation(s) invitée(s) par courriel, "
                    "%(print)s lien(s) à imprimer."
                )
                % {"emailed": report.emailed, "print": report.to_print + report.failed},
            )
            if report.failed:
                messages.warning(
                    request,
                    _g("%(n)s courriel(s) n'ont pas pu partir : imprimez leurs liens.")
                    % {"n": report.failed},
                )
            return redirect("web:campaign", territory.slug, report.campaign.pk)
    summaries = [
        svc.campaign_summary(campaign=c)
        for c in Campaign.objects.filter(territory=territory).order_by("-created_at")[:20]
    ]
    return render(
        request,
        "network/campaigns.html",
        {
            "territory": territory,
            "form": form,
            "summaries": summaries,
            "orphans": svc.places_without_organisation(territory=territory),
            "current": "campaigns",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@territory_view(role=COORDINATOR)
def campaign_page(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """Who answered, what changed (proposals waiting, validated, refused), reminders."""
    campaign = _campaign(territory, pk)
    return render(
        request,
        "network/campaign.html",
        {
            "territory": territory,
            "summary": svc.campaign_summary(campaign=campaign),
            "remind_hours": int(svc.REMIND_AFTER.total_seconds() // 3600),
            "current": "campaigns",
        },
    )


@require_POST
@territory_view(role=COORDINATOR)
def campaign_remind(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """« Relancer » one organisation (``invitation`` in the POST) or every one that has not
    answered and may be e-mailed now."""
    campaign = _campaign(territory, pk)
    invitations = campaign.invitations.select_related("organisation", "campaign__territory")
    one = request.POST.get("invitation", "")
    if one:
        invitation = invitations.filter(pk=one).first() if one.isdigit() else None
        if invitation is None:
            raise Http404(_g("Organisation invitée introuvable."))
        try:
            svc.campaign_remind(
                invitation=invitation, by=request.user, link_for=_link_builder(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _g("Relance envoyée à %(org)s.") % {"org": invitation.organisation.name}
            )
        return redirect("web:campaign", territory.slug, campaign.pk)
    sent = skipped = 0
    for invitation in invitations.filter(answered_at__isnull=True):
        if not invitation.recipients or svc.next_reminder_at(invitation) is not None:
            skipped += 1
            continue
        try:
            svc.campaign_remind(
                invitation=invitation, by=request.user, link_for=_link_builder(request)
            )
        except ValidationError:
            skipped += 1
        else:
            sent += 1
    messages.success(
        request,
        _g(
            "%(sent)s relance(s) envoyée(s) ; %(skipped)s organisation(s) sans relance "
            "(sans adresse électronique ou déjà sollicitée depuis moins de 24 h)."
        )
        % {"sent": sent, "skipped": skipped},
    )
    return redirect("web:campaign", territory.slug, campaign.pk)


def _qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=1)
    text = image.to_string().decode("utf-8")
    return text[text.find("<svg") :]


@never_cache
@require_POST
@territory_view(role=COORDINATOR)
def campaign_print(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """A printable sheet per organisation (new links, with their QR codes): the selected
    organisations, or by default those without an e-mail address."""
    campaign = _campaign(territory, pk)
    invitations = campaign.invitations.select_related("organisation")
    ids = [i for i in request.POST.getlist("invitation") if i.isdigit()]
    chosen = invitations.filter(pk__in=ids) if ids else invitations.filter(recipients=[])
    try:
        links = svc.campaign_print_links(campaign=campaign, by=request.user, invitations=chosen)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:campaign", territory.slug, campaign.pk)
    sheets = []
    for invitation, token in links:
        url = absolute_url(reverse("web:campaign-answer", args=[token]), request=request)
        sheets.append(
            {
                "invitation": invitation,
                "url": url,
                "qr": _qr_svg(url),
                "places": svc.invitation_places(invitation=invitation).count(),
            }
        )
    response = render(
        request,
        "network/campaign_print.html",
        {"territory": territory, "campaign": campaign, "sheets": sheets},
    )
    response["X-Robots-Tag"] = NOINDEX
    return response


# --------------------------------------------------------------------------- partner (link)


def _invalid(request: HttpRequest, token: str) -> HttpResponse:
    expired = svc.token_expired(token=token)
    response = render(
        request,
        "network/campaign_invalid.html",
        {"expired": expired},
        status=410 if expired else 404,
    )
    response["X-Robots-Tag"] = NOINDEX
    return response


@never_cache
def campaign_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The partner's short form for their own places (the link is the only credential)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    invitation = svc.invitation_for_token(token=token)
    if invitation is None:
        return _invalid(request, token)
    if request.method == "GET":
        svc.invitation_opened(invitation=invitation)
    places = list(svc.invitation_places(invitation=invitation))
    data = request.POST if request.method == "POST" else None
    who = cf.RespondentForm(data)
    groups = cf.answer_forms(data, places=places)
    errors: list[str] = []
    if data is not None:
        forms_ok = who.is_valid() & all(
            f.is_valid() for place, services in groups for f in (place, *services)
        )
        if forms_ok:
            edits = [f.edit() for place, services in groups for f in (place, *services)]
            try:
                answer = svc.campaign_answer(
                    invitation=invitation,
                    respondent_name=who.cleaned_data["respondent_name"],
                    edits=edits,
                )
            except svc.AnswerRefused as exc:
                _show_refusals(exc, groups)
                errors.append(_g("Certaines valeurs sont refusées : voir les messages en rouge."))
            except ValidationError as exc:
                service_errors_to_form(who, exc)
                errors.extend(str(e) for e in who.non_field_errors())
            except PermissionDenied as exc:
                errors.append(str(exc))
            else:
                proposed, applied = answer.changes.count(), len(answer.applied)
                messages.success(
                    request,
                    _g(
                        "Merci ! %(proposed)s modification(s) transmise(s) au chargé de "
                        "coopération, publiée(s) après sa validation ; %(applied)s brouillon(s) "
                        "mis à jour ; %(confirmed)s fiche(s) confirmée(s) sans changement."
                    )
                    % {
                        "proposed": proposed,
                        "applied": applied,
                        "confirmed": answer.confirmed.count(),
                    },
                )
                return redirect("web:campaign-answer", token)
        else:
            errors.append(_g("Certaines valeurs sont à corriger : voir les messages en rouge."))
    from maillage.addresses.selectors import geocoding_available

    response = render(
        request,
        "network/campaign_answer.html",
        {
            "invitation": invitation,
            "campaign": invitation.campaign,
            "territory": invitation.campaign.territory,
            "who": who,
            "groups": groups,
            "errors": errors,
            "token": token,
            "geocoding": geocoding_available(territory=invitation.campaign.territory),
            "answered": invitation.answers.order_by("-submitted_at").first(),
        },
        status=400 if errors else 200,
    )
    response["X-Robots-Tag"] = NOINDEX
    return response


def _show_refusals(exc: svc.AnswerRefused, groups: cf.AnswerForms) -> None:
    """Each refused object's messages on its own sub-form (the field when it has one)."""
    forms = {
        (f.obj._meta.label_lower, f.obj.pk): f
        for place, services in groups
        for f in (place, *services)
    }
    for key, refusal in exc.by_object.items():
        form = forms.get(key)
        if form is None:
            continue
        if isinstance(refusal, StaleVersion):
            # Changed by someone else since the page was opened: the input is kept, the
            # current version taken, so that sending again is a deliberate choice.
            form.add_error(None, refusal.messages)
            take_version(form, refusal.current)
            continue
        service_errors_to_form(form, refusal)


@require_safe
@never_cache
def campaign_geocode(request: HttpRequest, token: str) -> JsonResponse:
    """Address candidates for the partner's form (the territory's communes only)."""
    from maillage.addresses.selectors import geocode

    invitation = svc.invitation_for_token(token=token)
    if invitation is None:
        return JsonResponse({"error": _g("Lien de campagne non valable.")}, status=404)
    query = " ".join(request.GET.get("q", "").split())[:200]
    if len(query) < 3:
        return JsonResponse({"candidates": [], "error": _g("Saisissez une adresse.")})
    answer = geocode(territory=invitation.campaign.territory, query=query, limit=5)
    return JsonResponse(
        {
            "candidates": [
                {
                    "label": c.label,
                    "lon": c.lon,
                    "lat": c.lat,
                    "score": round(c.score, 2),
                    "source": c.source,
                }
                for c in answer.candidates
            ],
            "error": answer.error,
        }
    )
