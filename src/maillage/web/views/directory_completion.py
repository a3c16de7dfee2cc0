"""« Compléter l'offre »: the coordinator's guided page to locate the declared supply (thin
views over :mod:`maillage.directory.completion` and :mod:`maillage.directory.completion_services`).

Every action posts a small form and comes back to the page; on a refusal (bad input, a record
changed meanwhile, no right) the page is shown again with the French message next to the
form, status 400, nothing written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.diagnostic.completion import (
    MissingItem,
    completion_overview,
    located_records,
    same_place_choices,
)
from maillage.directory import completion_services as svc
from maillage.directory.models import PositionProposal, Structure
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, territory_view
from ..form_errors import service_errors_to_form
from ..forms.fields import form_field

PRECISIONS = [
    (Structure.Precision.APPROXIMATE, _("approchée (rue, quartier)")),
    (Structure.Precision.EXACT, _("exacte (bâtiment)")),
]


class GeocodeForm(forms.Form):
    query = forms.CharField(label=_("Adresse à chercher"), max_length=300, required=False)


class ClickForm(forms.Form):
    lat = forms.FloatField(label=_("Latitude (WGS84)"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude (WGS84)"), min_value=-180, max_value=180)
    precision = forms.ChoiceField(label=_("Précision"), choices=PRECISIONS)
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class SamePlaceForm(forms.Form):
    other = forms.TypedChoiceField(label=_("Même lieu que"), coerce=int)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "other", forms.TypedChoiceField).choices = [
            ("", _("— choisir une fiche localisée —")),
            *choices,
        ]


class SplitForm(forms.Form):
    name = forms.CharField(label=_("Nom du lieu"), max_length=200)
    places = forms.IntegerField(
        label=_("Nombre de places"), min_value=0, max_value=svc.MAX_PLACES, required=False
    )
    address = forms.CharField(label=_("Adresse (numéro et rue)"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=5, required=False)
    parts_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _page_url(territory: Territory, anchor: str = "") -> str:
    return reverse("web:complete-offer", args=[territory.slug]) + (f"#{anchor}" if anchor else "")


def _structure(territory: Territory, pk: int) -> Structure:
    structure = (
        Structure.objects.filter(territory=territory, pk=pk).select_related("territory").first()
    )
    if structure is None:
        raise Http404(_g("Structure introuvable."))
    return structure


def _page(
    request: HttpRequest, territory: Territory, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    overview = completion_overview(territory=territory)
    located = located_records(territory=territory)
    choices = same_place_choices(territory=territory, located=located)

    def forms_of(item: MissingItem) -> dict[str, forms.Form]:
        pk = item.id
        out = {
            "geocode": GeocodeForm(
                prefix=f"g{pk}",
                initial={"query": svc.geocode_query(item.structure) if item.has_address else ""},
            ),
            "click": ClickForm(prefix=f"c{pk}", initial={"version": item.version}),
            "same": SamePlaceForm(
                prefix=f"m{pk}", choices=choices, initial={"version": item.version}
            ),
        }
        for kind in out:
            key = f"{kind}-{pk}"
            if key in bound:
                out[kind] = bound[key]
        return out

    grouped = []
    for check in overview.grouped:
        key = f"split-{check.structure.pk}"
        form = bound.get(key) or SplitForm(
            prefix=f"r{check.structure.pk}", initial={"parts_seen": len(check.parts)}
        )
        grouped.append((check, form))
    names = {i.id: i.structure.name for i in (*overview.items, *overview.others)}
    # A refusal about a record no longer listed (placed meanwhile) is shown on top of the page.
    shown = {f"{k}-{pk}" for pk in names for k in ("geocode", "click", "same")}
    shown |= {f"split-{c.structure.pk}" for c in overview.grouped}
    page_errors = [
        str(m)
        for key, form in bound.items()
        if key not in shown
        for msgs in form.errors.values()
        for m in msgs
    ]
    themes = [(t, [(i, names.get(i, "")) for i in t.unlock_ids]) for t in overview.themes]
    return render(
        request,
        "directory/completion.html",
        {
            "territory": territory,
            "overview": overview,
            "themes": themes,
            "min_pct": round(100 * overview.min_share),
            "items": [(i, forms_of(i)) for i in overview.items],
            "others": [(i, forms_of(i)) for i in overview.others],
            "grouped": grouped,
            "has_errors": bool(bound),
            "page_errors": page_errors,
            "points": [{"name": r["name"], "lon": r["lon"], "lat": r["lat"]} for r in located],
        },
        status=400 if bound else 200,
    )


@territory_view(role=COORDINATOR)
def complete_offer(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _page(request, territory)


def _geocode_message(request: HttpRequest, outcome: svc.GeocodeOutcome, name: str = "") -> None:
    if outcome.proposals:
        n = len(outcome.proposals)
        text = (
            ngettext(
                "%(n)d position proposée pour « %(name)s » : confirmez-la ou rejetez-la.",
                "%(n)d positions proposées pour « %(name)s » : confirmez la bonne.",
                n,
            )
            % {"n": n, "name": name}
            if name
            else ngettext(
                "%(n)d proposition de position à examiner : acceptez-la ou rejetez-la.",
                "%(n)d propositions de position à examiner : acceptez ou rejetez chacune.",
                n,
            )
            % {"n": n}
        )
        messages.success(request, text)
    if outcome.not_found:
        messages.warning(
            request,
            _g("Aucune adresse trouvée pour : %(names)s.")
            % {"names": ", ".join(f"« {n} »" for n in outcome.not_found)},
        )
    if outcome.error:
        messages.warning(request, outcome.error)


@require_POST
@territory_view(role=COORDINATOR)
def geocode_one(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    structure = _structure(territory, pk)
    form = GeocodeForm(request.POST, prefix=f"g{pk}")
    if form.is_valid():
        try:
            outcome = svc.position_candidates(
                structure=structure, user=request.user, query=form.cleaned_data["query"]
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            _geocode_message(request, outcome, structure.name)
            return redirect(_page_url(territory, f"a-localiser-{pk}"))
    return _page(request, territory, {f"geocode-{pk}": form})


@require_POST
@territory_view(role=COORDINATOR)
def geocode_all(request: HttpRequest, territory: Territory) -> HttpResponse:
    outcome = svc.proposals_geocode_all(territory=territory, user=request.user)
    _geocode_message(request, outcome)
    return redirect(_page_url(territory, "propositions"))


@require_POST
@territory_view(role=COORDINATOR)
def proposal_decide(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    proposal = (
        PositionProposal.objects.filter(pk=pk, structure__territory=territory)
        .select_related("structure")
        .first()
    )
    if proposal is None:
        raise Http404(_g("Proposition introuvable."))
    name = proposal.structure.name
    try:
        if request.POST.get("decision") == "accept":
            svc.proposal_accept(
                proposal=proposal, user=request.user, version=request.POST.get("version") or None
            )
            messages.success(request, _g("Position de « %(name)s » enregistrée.") % {"name": name})
        elif request.POST.get("decision") == "reject":
            svc.proposal_reject(proposal=proposal, user=request.user)
            messages.info(request, _g("Proposition pour « %(name)s » rejetée.") % {"name": name})
        else:
            raise ValidationError(_g("Choisissez d'accepter ou de rejeter la proposition."))
    except ValidationError as exc:
        prefix = f"g{proposal.structure_id}"
        form = GeocodeForm({f"{prefix}-query": proposal.query}, prefix=prefix)
        form.is_valid()
        service_errors_to_form(form, exc)
        return _page(request, territory, {f"geocode-{proposal.structure_id}": form})
    return redirect(_page_url(territory, f"a-localiser-{proposal.structure_id}"))


@require_POST
@territory_view(role=COORDINATOR)
def same_place(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    structure = _structure(territory, pk)
    form = SamePlaceForm(
        request.POST, prefix=f"m{pk}", choices=same_place_choices(territory=territory)
    )
    if form.is_valid():
        other = Structure.objects.filter(territory=territory, pk=form.cleaned_data["other"]).first()
        try:
            if other is None:
                raise ValidationError({"other": _g("Choisissez une fiche du territoire.")})
            svc.structure_same_place(
                structure=structure,
                other=other,
                user=request.user,
                version=form.cleaned_data["version"] or None,
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _g("« %(name)s » placée au même lieu que « %(other)s ».")
                % {"name": structure.name, "other": other.name},
            )
            return redirect(_page_url(territory))
    return _page(request, territory, {f"same-{pk}": form})


@require_POST
@territory_view(role=COORDINATOR)
def click_place(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    structure = _structure(territory, pk)
    form = ClickForm(request.POST, prefix=f"c{pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.structure_click_place(
                structure=structure,
                lon=d["lon"],
                lat=d["lat"],
                precision=d["precision"],
                user=request.user,
                version=d["version"] or None,
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(
                request, _g("Position de « %(name)s » enregistrée.") % {"name": structure.name}
            )
            return redirect(_page_url(territory))
    return _page(request, territory, {f"click-{pk}": form})


@require_POST
@territory_view(role=COORDINATOR)
def split(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    parent = _structure(territory, pk)
    form = SplitForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            part = svc.grouped_split(
                parent=parent,
                user=request.user,
                name=d["name"],
                places=d["places"],
                address=d["address"],
                postcode=d["postcode"],
                parts_seen=d["parts_seen"],
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _g("« %(part)s » créée à partir de « %(name)s » ; localisez-la ci-dessous.")
                % {"part": part.name, "name": parent.name},
            )
            return redirect(_page_url(territory, f"regroupe-{pk}"))
    return _page(request, territory, {f"split-{pk}": form})
