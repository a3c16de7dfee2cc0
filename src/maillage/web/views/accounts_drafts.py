"""Partners' space: declare a new place (« Déclarer un nouveau lieu »), add a service to it, and
the coordinator's « Publier » of drafts.

Thin views: a form parses, the services of :mod:`maillage.directory.services` write. The rules
live there and in :mod:`maillage.accounts.permissions`: a partner creates for their own
organisation only, and what they create is a draft (unpublished) until the coordinator
publishes it; creations and publications are recorded in the history by the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_POST

from maillage.accounts import permissions as perms
from maillage.directory.models import Organisation, Service, Structure
from maillage.directory.services import (
    service_create,
    service_update,
    structure_create,
    structure_place,
    structure_update,
)
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, territory_view
from ..form_errors import service_errors_to_form
from ..forms import accounts as af


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _organisations(request: HttpRequest, territory: Territory) -> tuple[Any, QuerySet | None]:
    """``(own organisation, choices)``: a partner's new place is their organisation's; the
    coordinator may choose one. Anyone else is refused (403)."""
    role = perms.role_of(request.user, territory)
    if role == perms.COORDINATOR:
        return None, Organisation.objects.filter(structures__territory=territory).distinct()
    org_id = perms.organisation_id_of(request.user, territory)
    if role == perms.PARTNER and org_id:
        return Organisation.objects.get(pk=org_id), None
    raise PermissionDenied(
        _g("Déclarer un lieu est réservé aux partenaires rattachés à une organisation.")
    )


@territory_view
def structure_new(request: HttpRequest, territory: Territory) -> HttpResponse:
    """« Déclarer un nouveau lieu »: a draft for a partner, then « Ajouter un service »."""
    if denied := _login_required(request):
        return denied
    own, choices = _organisations(request, territory)
    posted = request.method == "POST"
    form = af.StructureCreateForm(
        request.POST if posted else None,
        territory=territory,
        organisations=choices,
        prefix="lieu",
    )
    if posted and form.is_valid():
        fields = form.structure_fields()
        if own is not None:
            fields["organisation"] = own
        try:
            with transaction.atomic():  # the place and its position, or nothing
                structure = structure_create(
                    territory=territory,
                    name=form.cleaned_data["name"],
                    user=request.user,
                    **fields,
                )
                if (position := form.position()) is not None:
                    structure_place(structure=structure, user=request.user, **position)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            if structure.published:
                text = _g("Lieu « %(name)s » créé et publié.")
            else:
                text = _g(
                    "Lieu « %(name)s » enregistré en brouillon : il sera visible du public "
                    "quand le chargé de coopération l'aura publié. Ajoutez-y ses services."
                )
            messages.success(request, text % {"name": structure.name})
            return redirect("web:service-new", territory.slug, structure.pk)
    return render(
        request,
        "accounts/structure_new.html",
        {
            "territory": territory,
            "form": form,
            "organisation": own,
            "creates_drafts": perms.creates_drafts(request.user, territory),
        },
        status=400 if posted else 200,
    )


@territory_view
def service_new(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """« Ajouter un service » to a structure the user may edit (a draft for a partner)."""
    if denied := _login_required(request):
        return denied
    structure = (
        Structure.objects.filter(territory=territory, pk=pk)
        .select_related("typology", "organisation")
        .first()
    )
    if structure is None:
        raise Http404(_g("Structure introuvable."))
    if not perms.can_edit(request.user, structure):
        raise PermissionDenied(
            _g("Vous ne pouvez ajouter de service qu'aux fiches de votre organisation.")
        )
    posted = request.method == "POST"
    form = af.ServiceCreateForm(request.POST if posted else None, structure=structure)
    if posted and form.is_valid():
        try:
            service = service_create(
                structure=structure,
                name=form.cleaned_data["name"],
                user=request.user,
                **form.service_fields(),
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            if service.published and structure.published:
                text = _g("Service « %(name)s » ajouté et publié.")
            elif service.published:
                text = _g("Service « %(name)s » ajouté ; il sera visible avec la fiche publiée.")
            else:
                text = _g(
                    "Service « %(name)s » enregistré en brouillon : il sera visible du public "
                    "quand le chargé de coopération l'aura publié."
                )
            messages.success(request, text % {"name": service.name})
            return redirect("web:partner-space", territory.slug)
    return render(
        request,
        "accounts/service_new.html",
        {
            "territory": territory,
            "structure": structure,
            "form": form,
            "creates_drafts": perms.creates_drafts(request.user, territory),
        },
        status=400 if posted else 200,
    )


def _back_to_drafts(slug: str) -> HttpResponse:
    return redirect(reverse("web:partner-space", args=[slug]) + "#brouillons")


@require_POST
@territory_view(role=COORDINATOR)
def structure_publish(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    """The coordinator publishes a draft structure (its draft services are published apart)."""
    structure = Structure.objects.filter(territory=territory, pk=pk).first()
    if structure is None:
        raise Http404(_g("Structure introuvable."))
    if structure.published:
        messages.info(request, _g("« %(name)s » est déjà publiée.") % {"name": structure.name})
        return _back_to_drafts(territory.slug)
    try:
        structure_update(structure=structure, user=request.user, published=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _g("Fiche « %(name)s » publiée.") % {"name": structure.name})
    return _back_to_drafts(territory.slug)


@require_POST
@territory_view(role=COORDINATOR)
def service_publish(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    service = (
        Service.objects.filter(structure__territory=territory, pk=pk)
        .select_related("structure")
        .first()
    )
    if service is None:
        raise Http404(_g("Service introuvable."))
    if service.published:
        messages.info(request, _g("« %(name)s » est déjà publié.") % {"name": service.name})
        return _back_to_drafts(territory.slug)
    try:
        service_update(service=service, user=request.user, published=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _g("Service « %(name)s » publié.") % {"name": service.name})
    return _back_to_drafts(territory.slug)
