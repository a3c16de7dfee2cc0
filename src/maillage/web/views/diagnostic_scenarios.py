"""Scenario pages (placeholder until the scenario services land)."""

from django.http import Http404


def scenario_list(request, slug):
    raise Http404


scenario_compare_page = scenario_detail = scenario_edit = scenario_geojson = scenario_list
