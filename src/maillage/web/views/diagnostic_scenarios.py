"""Scenario pages: list, create and edit (coordinators), run before/after, compare.

Thin views: parse the form, call one service of :mod:`maillage.diagnostic.services`, render.
The services validate the whole scenario (the file format of ``docs/scenarios.md``) before
anything is written; their errors come back in French on the form field. Runs are
:func:`scenario_run` (in memory, never written).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.accounts.permissions import is_coordinator
from maillage.diagnostic import services
from maillage.diagnostic.models import Scenario
from maillage.diagnostic.services import ScenarioValidationError
from maillage.territory.models import Territory

from ..decorators import COORDINATOR, territory_view
from ..forms.diagnostic import ChangeForm, HousingForm, ScenarioForm
from ..params import parse_id, parse_ids

# --------------------------------------------------------------------------- helpers


def _scenario(territory: Territory, pk: int) -> Scenario:
    scenario = Scenario.objects.filter(territory=territory, pk=pk).first()
    if scenario is None:
        raise Http404(_("Scénario introuvable."))
    return scenario


def _saved(call: Callable[[], Any], *targets: tuple[str, forms.Form]) -> Any:
    """Run a scenario service and return its result; on refusal (``None``) put each error on
    the form whose prefix names its field (``("changes[3].", change_form)``; ``("", form)``
    takes the top-level fields)."""
    try:
        return call()
    except ScenarioValidationError as exc:
        ordered = sorted(targets, key=lambda t: -len(t[0]))
        for name, messages in exc.message_dict.items():
            prefix, form = next(((p, f) for p, f in ordered if name.startswith(p)), ordered[-1])
            field = name[len(prefix) :] if name.startswith(prefix) else name
            field = {"age_shares.0-2": "share_0_2"}.get(field, field)
            for message in messages:
                if field in form.fields:
                    form.add_error(field, message)
                else:
                    form.add_error(None, f"« {name} » : {message}")
        return None


def _item_id(request: HttpRequest) -> int:
    return parse_id(request.POST.get("item", "")) or 0


# --------------------------------------------------------------------------- pages


def _refuse(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(_("Action réservée au chargé de coopération du territoire."))


@territory_view
def scenario_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    coordinator = is_coordinator(request.user, territory)
    form = ScenarioForm(initial={"theme": "petite-enfance", "public": "0-2", "distance_m": 1000})
    change = ChangeForm(territory=territory, prefix="c")
    status = 200
    if request.method == "POST":
        if not coordinator:
            return _refuse(request)
        form = ScenarioForm(request.POST)
        change = ChangeForm(request.POST, territory=territory, prefix="c")
        if form.is_valid() and change.is_valid():
            scenario = _saved(
                lambda: services.scenario_create(
                    territory=territory,
                    changes=[change.item()],
                    author=request.user,
                    **form.cleaned_data,
                ),
                ("changes[0].", change),
                ("", form),
            )
            if scenario is not None:
                return redirect("web:diagnostic-scenario", slug=territory.slug, pk=scenario.pk)
        status = 400
    scenarios = Scenario.objects.filter(territory=territory).order_by("-created", "pk")
    return render(
        request,
        "diagnostic/scenarios.html",
        {
            "territory": territory,
            "scenarios": scenarios,
            "form": form,
            "change": change,
            "coordinator": coordinator,
        },
        status=status,
    )


def _run(scenario: Scenario) -> tuple[Any, str]:
    try:
        return services.scenario_run(scenario=scenario), ""
    except ValueError as exc:
        return None, str(exc)


@territory_view
def scenario_detail(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    scenario = _scenario(territory, pk)
    comparison, error = _run(scenario)
    return render(
        request,
        "diagnostic/scenario.html",
        {
            "territory": territory,
            "scenario": scenario,
            "s": comparison,
            "change_notes": comparison.changes if comparison else [],
            "error": error,
            "coordinator": is_coordinator(request.user, territory),
        },
        status=200 if comparison else 400,
    )


@territory_view(role=COORDINATOR)
def scenario_edit(request: HttpRequest, territory: Territory, pk: int) -> HttpResponse:
    scenario = _scenario(territory, pk)
    data = services.scenario_data(scenario=scenario)
    meta = ScenarioForm(
        initial={**data, "distance_m": round(data["distance_m"]), "horizon": data.get("horizon")}
    )
    change = ChangeForm(territory=territory, prefix="c")
    housing = HousingForm(territory=territory, prefix="h")
    status = 200
    if request.method == "POST":
        op = request.POST.get("op", "")
        user = request.user
        ok = False
        if op == "meta":
            meta = ScenarioForm(request.POST)
            ok = meta.is_valid() and _saved(
                lambda: services.scenario_update(scenario=scenario, user=user, **meta.cleaned_data),
                ("", meta),
            )
        elif op == "change":
            change = ChangeForm(request.POST, territory=territory, prefix="c")
            ok = change.is_valid() and _saved(
                lambda: services.scenario_change_add(
                    scenario=scenario, item=change.item(), user=user
                ),
                (f"changes[{len(data['changes'])}].", change),
                ("", change),
            )
        elif op == "housing":
            housing = HousingForm(request.POST, territory=territory, prefix="h")
            ok = housing.is_valid() and _saved(
                lambda: services.housing_project_add(
                    scenario=scenario, item=housing.item(), user=user
                ),
                (f"housing[{len(data['housing'])}].", housing),
                ("", housing),
            )
        elif op == "delete-change":
            services.scenario_change_delete(
                scenario=scenario, change_id=_item_id(request), user=user
            )
            ok = True
        elif op == "delete-housing":
            services.housing_project_delete(
                scenario=scenario, project_id=_item_id(request), user=user
            )
            ok = True
        if ok:
            return redirect("web:diagnostic-scenario-edit", slug=territory.slug, pk=pk)
        status = 400
    return render(
        request,
        "diagnostic/scenario_edit.html",
        {
            "territory": territory,
            "scenario": scenario,
            "meta": meta,
            "change": change,
            "housing": housing,
            "changes": scenario.changes.select_related("structure", "zone"),
            "projects": scenario.housing_projects.select_related("zone"),
        },
        status=status,
    )


@territory_view
def scenario_geojson(request: HttpRequest, territory: Territory, pk: int) -> JsonResponse:
    scenario = _scenario(territory, pk)
    comparison, error = _run(scenario)
    if comparison is None:
        return JsonResponse({"erreurs": {"__all__": [error]}}, status=400)
    when = request.GET.get("quand", "après")
    features = [
        {
            "type": "Feature",
            "geometry": c.boundary,
            "properties": {"layer": "commune", "name": c.name, "code": c.insee_code},
        }
        for c in territory.communes.all()
        if c.boundary
    ]
    for f in comparison.to_geojson()["features"]:
        if f["properties"]["scenario"] == when:
            f["properties"]["layer"] = "white"
            features.append(f)
    if when == "après":
        from maillage.diagnostic.scenarios import spec_from_model

        for ch in spec_from_model(scenario).changes:
            if ch.action in ("add", "move") and ch.place is not None:
                name = ch.name or (ch.structure.name if ch.structure else "")
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [ch.place.lon, ch.place.lat]},
                        "properties": {"layer": "site", "name": name},
                    }
                )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@territory_view
def scenario_compare_page(request: HttpRequest, territory: Territory) -> HttpResponse:
    ids = parse_ids(request.GET.getlist("s"), limit=20)
    scenarios = list(Scenario.objects.filter(territory=territory, pk__in=ids))
    result, error = None, ""
    if len(scenarios) < 2:
        error = str(_("Choisissez au moins deux scénarios à comparer."))
    else:
        try:
            result = services.scenario_compare(scenarios=scenarios)
        except ValueError as exc:
            error = str(exc)
    return render(
        request,
        "diagnostic/scenario_compare.html",
        {
            "territory": territory,
            "result": result,
            "error": error,
            "scenarios": scenarios,
            "list_url": reverse("web:diagnostic-scenarios", kwargs={"slug": territory.slug}),
        },
        status=200 if result else 400,
    )
