"""Declaring a year's journal complete (or withdrawing it): coordinator only, POST only.

Until a year is declared complete, its journal counts read « non renseigné » on every surface
(see :mod:`maillage.plan.indicators`); the journal page shows each year's state.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _g

from maillage.plan.services import journal_year_declare_complete, journal_year_withdraw
from maillage.plan.validation import PlanValidationError
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, territory_view


@territory_view(role=COORDINATOR)
def journal_year_update(request: HttpRequest, territory: Territory) -> HttpResponse:
    if request.method != "POST":
        raise PermissionDenied(_g("Déclaration par formulaire seulement."))
    raw = request.POST.get("year", "").strip()
    year = int(raw) if len(raw) == 4 and raw.isascii() and raw.isdigit() else None
    try:
        if year is None:
            raise PlanValidationError({"year": _g("année de la convention attendue.")})
        if request.POST.get("action") == "withdraw":
            journal_year_withdraw(territory=territory, year=year, user=request.user)
            messages.success(
                request,
                _g("Journal %(year)s : déclaration retirée, ses décomptes sont « non renseigné ».")
                % {"year": year},
            )
        else:
            journal_year_declare_complete(territory=territory, year=year, user=request.user)
            messages.success(request, _g("Journal %(year)s déclaré complet.") % {"year": year})
    except PlanValidationError as exc:
        messages.error(request, " ; ".join(m for ms in exc.message_dict.values() for m in ms))
    return redirect(reverse("web:plan-journal", args=[territory.slug]) + "#annees-titre")
