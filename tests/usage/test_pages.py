"""The audience page (coordination and observers only) with its charts, the diagnostic's
« recherches sans réponse » partial, and the CLI: the same counters on every surface."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import coordinator, observer, partner

from maillage.cli import main
from maillage.directory.models import Structure
from maillage.territory.models import Zone
from maillage.usage.services import record


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def counted(armentieres):
    """A few days of counters on real fiches and a real QPV (the counts: *exemple fictif*)."""
    today = timezone.localdate()
    s = Structure.objects.filter(territory=armentieres, published=True).order_by("pk").first()
    qpv = (
        Zone.objects.filter(commune__in=armentieres.communes.all(), kind="qpv")
        .order_by("code")
        .first()
    )
    for _ in range(5):
        record(territory=armentieres, kind="fiche", key=str(s.pk), day=today)
    record(territory=armentieres, kind="telephone", key=str(s.pk), day=today)
    record(territory=armentieres, kind="itineraire", key=str(s.pk), day=today)
    empty = f"age=15&quartier={qpv.code}&thematique=famille"
    for kind in ("recherche", "recherche_vide"):
        for _ in range(3):
            record(territory=armentieres, kind=kind, key=empty, day=today)
    record(territory=armentieres, kind="recherche", key="age=4&thematique=famille", day=today)
    record(territory=armentieres, kind="guide", key="theme=petite-enfance", day=today)
    return {"structure": s, "qpv": qpv}


def test_audience_page_shows_the_counters_to_the_coordination(armentieres, counted):
    client = Client()
    client.force_login(coordinator(armentieres))
    response = client.get(reverse("web:usage-audience", args=["armentieres"]))
    assert response.status_code == 200
    html = response.content.decode()
    s, qpv = counted["structure"], counted["qpv"]
    assert s.name in html
    report = response.context["report"]
    assert report.total("fiche") == 5 and report.total("recherche_vide") == 3
    assert report.fiches[0].contacts == {"itineraire": 1, "telephone": 1, "courriel": 0, "site": 0}
    assert [(g.label, g.count) for g in report.guides] == [("Thème : Petite enfance", 1)]
    row = report.unanswered[0]
    assert (row.quartier, row.count) == (qpv.name, 3)
    assert "Thématique : Famille" in row.need and "Âge : 15 ans" in row.need
    assert qpv.name in html
    for name in ("mois", "fiches", "besoins", "sans-reponse"):
        url = reverse("web:usage-audience-chart", args=["armentieres", name])
        assert url in html
        chart = client.get(url)
        assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
        assert b"<svg" in chart.content


def test_audience_page_says_not_measured_before_anything_is_counted(armentieres):
    client = Client()
    client.force_login(observer(armentieres))
    html = client.get(reverse("web:usage-audience", args=["armentieres"])).content.decode()
    assert "Non mesuré" in html and "rien n&#x27;a encore été compté" in html


def test_a_period_outside_the_counts_is_empty_and_a_reversed_one_is_refused(armentieres, counted):
    client = Client()
    client.force_login(coordinator(armentieres))
    url = reverse("web:usage-audience", args=["armentieres"])
    old = client.get(url, {"start": "2024-01-01", "end": "2024-12-31"})
    assert old.context["report"].total("fiche") == 0
    reversed_ = client.get(url, {"start": "2025-12-31", "end": "2025-01-01"})
    assert "La date de début doit précéder la date de fin." in reversed_.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "partner"])
def test_audience_page_is_for_the_coordination_and_observers_only(armentieres, role):
    client = Client()
    if role == "partner":
        client.force_login(partner(armentieres))
    url = reverse("web:usage-audience", args=["armentieres"])
    chart = reverse("web:usage-audience-chart", args=["armentieres", "mois"])
    expected = 302 if role == "anonymous" else 403
    assert client.get(url).status_code == expected
    assert client.get(chart).status_code == expected


def test_the_diagnostic_partial_shows_searches_without_result_by_need_and_quartier(
    armentieres, counted
):
    html = Template("{% load maillage_usage %}{% unanswered_searches territory %}").render(
        Context({"territory": armentieres})
    )
    assert "Recherches sans réponse dans l'annuaire" in html
    assert counted["qpv"].name in html
    assert "3 recherches sans résultat sur 4 recherches avec critère" in html


def test_the_diagnostic_partial_says_not_measured_rather_than_zero(armentieres):
    html = Template("{% load maillage_usage %}{% unanswered_searches territory %}").render(
        Context({"territory": armentieres})
    )
    assert "Non mesuré" in html and "0 recherche" not in html


def test_cli_prints_the_same_counters_as_table_json_and_csv(armentieres, counted):
    runner = CliRunner()
    table = runner.invoke(main, ["usage", "--territory", "armentieres"])
    assert table.exit_code == 0, table.output
    assert "vues de fiches" in table.output and "Source : Mesure d'audience" in table.output
    as_json = runner.invoke(main, ["usage", "--territory", "armentieres", "--format", "json"])
    data = json.loads(as_json.output)
    totals = {r["key"]: r["count"] for r in data["totals"]}
    assert totals["fiche"] == 5 and totals["recherche_vide"] == 3
    assert data["unanswered"][0]["quartier"] == counted["qpv"].name
    csv_out = runner.invoke(
        main,
        ["usage", "--territory", "armentieres", "--view", "fiches", "--format", "csv"],
    )
    lines = csv_out.output.splitlines()
    assert lines[0] == "structure,fiche,vues,itineraire,telephone,courriel,site"
    assert lines[1].startswith(f"{counted['structure'].pk},") and lines[1].endswith(",5,1,1,0,0")
    unanswered = runner.invoke(
        main, ["usage", "--territory", "armentieres", "--view", "sans-reponse"]
    )
    assert counted["qpv"].name in unanswered.output


def test_cli_refuses_a_reversed_period_and_an_unknown_territory(armentieres):
    runner = CliRunner()
    today = timezone.localdate()
    reversed_ = runner.invoke(
        main,
        [
            "usage",
            "--territory",
            "armentieres",
            "--from",
            today.isoformat(),
            "--to",
            (today - dt.timedelta(days=1)).isoformat(),
        ],
    )
    assert reversed_.exit_code != 0 and "La date de début doit précéder" in reversed_.output
    unknown = runner.invoke(main, ["usage", "--territory", "nulle-part"])
    assert unknown.exit_code != 0
