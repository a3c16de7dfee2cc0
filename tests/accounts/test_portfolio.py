"""The portfolio (« Mon portefeuille », /portefeuille/): the territories a user follows side by
side, with the figures of each territory's own pages (one computation), for the CAF adviser
(role « conseiller CAF ») and anyone with a role.

Two territories: the real Armentières dataset (plan, indicators, a journal and échéances added
here, *exemple fictif*) and the synthetic *exemple fictif* one (``tests/fictif.py``: no plan).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.accounts import permissions as perms
from maillage.accounts.models import Membership, Role
from maillage.accounts.portfolio import BANDS, band_of, ctg_population

from .roles import make_user

pytestmark = pytest.mark.django_db

WHITE_THEME = "petite-enfance"


@pytest.fixture
def two(armentieres, fictif):
    """Armentières with a journal of the last 90 days and échéances (exemple fictif), and the
    fictive territory."""
    from maillage.plan.fictif import demo_journal_load
    from maillage.plan.models import CopilMeeting, Milestone
    from maillage.plan.services import activity_record, milestone_create

    today = timezone.localdate()
    demo_journal_load(territory=armentieres, count=40)
    activity_record(
        territory=armentieres,
        date=today - dt.timedelta(days=3),
        kind="atelier collectif",
        title="Réunion du réseau parentalité (exemple fictif)",
        axes=[1],
    )
    milestone_create(
        territory=armentieres,
        title="Étape passée non faite (exemple fictif)",
        due_date=today - dt.timedelta(days=20),
    )
    milestone_create(
        territory=armentieres,
        title="Étape passée et réalisée (exemple fictif)",
        due_date=today - dt.timedelta(days=40),
        status=Milestone.Status.DONE,
    )
    milestone_create(
        territory=armentieres,
        title="Étape réalisée (exemple fictif)",
        due_date=today + dt.timedelta(days=5),
        status=Milestone.Status.DONE,
    )
    milestone_create(
        territory=armentieres,
        title="Prochaine étape (exemple fictif)",
        due_date=today + dt.timedelta(days=12),
    )
    CopilMeeting.objects.create(
        territory=armentieres,
        date=today - dt.timedelta(days=60),
        title="COPIL passé (exemple fictif)",
    )
    CopilMeeting.objects.create(
        territory=armentieres, date=today + dt.timedelta(days=45), title="COPIL (exemple fictif)"
    )
    CopilMeeting.objects.create(
        territory=armentieres, date=today + dt.timedelta(days=30), title="COPIL (exemple fictif)"
    )
    return armentieres, fictif.territory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _adviser(*territories):
    user = make_user(territories[0], "adviser", email="conseillere-caf@example.org")
    for t in territories[1:]:
        Membership.objects.create(user=user, territory=t, role=Role.ADVISER)
    perms.forget_memberships(user)
    return user


def _rows(response) -> dict:
    return {r.territory.slug: r for r in response.context["rows"]}


# --------------------------------------------------------------------------- the role


def test_adviser_reads_like_an_observer_and_writes_nothing(armentieres):
    from maillage.plan.models import Activity

    adviser = make_user(armentieres, "adviser")
    assert perms.role_of(adviser, armentieres) == "adviser"
    assert perms.is_member(adviser, armentieres)
    assert perms.can_view_drafts(adviser, armentieres)
    assert not perms.is_coordinator(adviser, armentieres)
    assert not perms.can_edit(adviser, Activity(territory=armentieres))
    structure = armentieres.structures.order_by("pk").first()
    assert not perms.can_edit(adviser, structure)
    assert not perms.can_publish(adviser, structure)
    assert not perms.can_manage_users(adviser, armentieres)
    client = _client(adviser)
    assert client.get(reverse("web:partner-space", args=[armentieres.slug])).status_code == 200
    assert client.get(reverse("web:users", args=[armentieres.slug])).status_code == 403
    assert Role("adviser").label == "conseiller CAF"


def test_adviser_posts_to_every_page_are_refused_and_change_nothing(armentieres):
    """The security matrix's POST walk, for the adviser (a reader: like the observer)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .roles import fingerprint, sql_writes
    from .test_security_matrix import (
        PUBLIC_POST,
        SELF_SERVICE_POST,
        WEB_BOOKKEEPING,
        _pk_for,
        _targets,
        _url,
        web_patterns,
    )

    orgs, kwargs = _targets(armentieres)
    client = _client(make_user(armentieres, "adviser"))
    before = fingerprint()
    checked = set()
    for name, route in web_patterns(downloads=False):
        if name in PUBLIC_POST or name in SELF_SERVICE_POST:
            continue
        url = _url(name, route, kwargs, _pk_for(name, orgs))
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"name": "x", "decision": "validate"})
        assert not sql_writes(queries, allowed=WEB_BOOKKEEPING), name
        assert response.status_code in (200, 400, 403, 404, 405), (name, response.status_code)
        checked.add(name)
    assert fingerprint() == before
    assert {"web:portfolio", "web:structure-edit", "web:users"} <= checked


def test_cli_creates_an_adviser_and_prints_the_french_role(armentieres, fictif):
    from click.testing import CliRunner

    from maillage.cli import main

    runner = CliRunner()
    for slug in ("armentieres", "fictif"):
        result = runner.invoke(
            main,
            ["users", "create", "--email", "caf@example.org", "--role", "adviser",
             "--territory", slug],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert f"Compte caf@example.org : conseiller CAF sur {slug}." in result.output
        assert "adviser" not in result.output.split("\n")[0]
    roles = set(
        Membership.objects.filter(user__email="caf@example.org").values_list(
            "role", "territory__slug"
        )
    )
    assert roles == {("adviser", "armentieres"), ("adviser", "fictif")}


# --------------------------------------------------------------------------- who sees which row


def test_anonymous_is_sent_to_the_login_page(client):
    for url in (reverse("web:portfolio"), reverse("web:portfolio-export", args=["xlsx"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("web:login"))


def test_adviser_sees_both_territories_coordinator_and_partner_only_theirs(two):
    from .roles import organisations

    armentieres, fictive = two
    adviser = _client(_adviser(armentieres, fictive))
    page = adviser.get(reverse("web:portfolio"))
    assert page.status_code == 200
    assert set(_rows(page)) == {"armentieres", "fictif"}
    html = page.content.decode()
    assert 'id="territoire-armentieres"' in html and 'id="territoire-fictif"' in html
    assert "Conseiller CAF" in html

    coordinator = _client(make_user(fictive, "coordinator", email="cdc-fictif@example.org"))
    page = coordinator.get(reverse("web:portfolio"))
    assert set(_rows(page)) == {"fictif"}
    html = page.content.decode()
    assert 'id="territoire-armentieres"' not in html
    assert reverse("web:partner-space", args=["armentieres"]) not in html
    export = coordinator.get(reverse("web:portfolio-export", args=["csv"]))
    assert "armentieres" not in export.content.decode("utf-8-sig")

    partner = _client(make_user(armentieres, "partner", organisations(armentieres).a))
    page = partner.get(reverse("web:portfolio"))
    assert set(_rows(page)) == {"armentieres"}
    assert 'id="territoire-fictif"' not in page.content.decode()


def test_a_user_without_role_has_an_empty_portfolio_a_superuser_sees_all(armentieres, fictif):
    page = _client(make_user(armentieres, None)).get(reverse("web:portfolio"))
    assert page.status_code == 200
    assert page.context["rows"] == []
    assert "n'a encore de rôle sur aucun territoire" in page.content.decode()
    admin = make_user(armentieres, None, email="admin@example.org", is_superuser=True)
    rows = _rows(_client(admin).get(reverse("web:portfolio")))
    assert set(rows) == {"armentieres", "fictif"}


# --------------------------------------------------------------------------- one computation


def _white(report):
    return next(t for t in report.access.themes if t.theme == WHITE_THEME)


def _no_plan(response) -> bool:
    """The territory has no plan: its plan pages say so (``plan/no_plan.html``)."""
    return response.status_code == 200 and any(
        t.name == "plan/no_plan.html" for t in response.templates
    )


def test_figures_equal_each_territorys_own_pages(two):
    armentieres, fictive = two
    client = _client(_adviser(armentieres, fictive))
    rows = _rows(client.get(reverse("web:portfolio")))
    today = timezone.localdate()
    for territory in (armentieres, fictive):
        row, slug = rows[territory.slug], territory.slug
        # Diagnostic: the childcare rate (label, value, source, vintage) and the zones blanches.
        report = client.get(reverse("web:diagnostic", args=[slug])).context["report"]
        assert row.childcare == report.childcare_rate
        own = _white(report)
        assert row.white == own
        assert row.white.white.concerned_population == own.white.concerned_population
        # Territory page: the legal populations of its CTG communes.
        diag = client.get(reverse("web:territory", args=[slug])).context["diag"]
        legal = [c.population for c in diag.communes if c.role == "CTG"]
        assert row.population.value == (None if None in legal else sum(legal))
        # Journal page: its activities dated in the last 90 days.
        journal = client.get(reverse("web:plan-journal", args=[slug]))
        if not _no_plan(journal):
            listed = journal.context["page"].paginator.object_list
            since = today - dt.timedelta(days=89)
            assert row.journal_recent == sum(1 for a in listed if since <= a.date <= today)
        # Indicators page: the statuses « en un coup d'œil ».
        indicators = client.get(reverse("web:plan-indicators", args=[slug]))
        schedule = client.get(reverse("web:plan-schedule", args=[slug]))
        if _no_plan(indicators):
            assert row.indicators is None and row.plan_missing
            assert _no_plan(schedule) and row.next_milestone is None
            continue
        assert row.indicators == indicators.context["glance"]
        assert row.indicators_total == sum(n for _s, _c, n in row.indicators) > 0
        # Échéancier page: late steps and the next open step.
        assert row.late_milestones == schedule.context["summary"]["late"] == 1
        upcoming = [
            s["m"]
            for g in schedule.context["groups"]
            for s in g["steps"]
            if s["m"].due_date >= today and s["m"].status in ("prevu", "en_cours")
        ]
        assert row.next_milestone.due_date == upcoming[0].due_date == today + dt.timedelta(days=12)
        assert row.next_milestone.title == "Prochaine étape (exemple fictif)"
    assert rows["armentieres"].journal_recent >= 1
    assert rows["fictif"].journal_recent == 0
    # COPIL: the next meeting recorded (not a past one, not a later one), as the COPIL page
    # lists it first among « à venir »; else « non renseigné ».
    copil = client.get(reverse("web:plan-copil", args=["armentieres"])).context["upcoming"]
    assert rows["armentieres"].next_copil == copil[0][0].date == today + dt.timedelta(days=30)
    assert rows["armentieres"].next_copil_id == copil[0][0].pk
    assert rows["fictif"].next_copil is None and rows["fictif"].next_copil_note == "non renseigné"


def test_page_prints_the_honest_labels(two):
    armentieres, fictive = two
    page = _client(_adviser(armentieres, fictive)).get(reverse("web:portfolio"))
    rows, html = _rows(page), page.content.decode()
    for row in rows.values():
        assert row.childcare.label in html.replace("&#x27;", "'")
    # The fictive territory has no count of children: its rate is not computable, never 0.
    assert rows["fictif"].childcare.value is None
    block = html.split('id="territoire-fictif"')[1].split("</tr>")[0]
    assert "non calculable" in block
    assert "pas de plan d&#x27;action" in block
    # Zones blanches: a figure or « non calculable » with the diagnostic's reason.
    for slug, row in rows.items():
        cell = html.split(f'id="territoire-{slug}"')[1].split("</tr>")[0]
        white = row.white.white
        if white.validity.computable:
            assert "personnes" in cell
        else:
            assert "non calculable" in cell
    copil = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    assert copil in html.split('id="territoire-armentieres"')[1].split("</tr>")[0]
    assert "non renseigné" in html.split('id="territoire-fictif"')[1].split("</tr>")[0]


def test_export_carries_the_same_figures(two):
    from openpyxl import load_workbook

    armentieres, fictive = two
    client = _client(_adviser(armentieres, fictive))
    rows = _rows(client.get(reverse("web:portfolio")))
    response = client.get(reverse("web:portfolio-export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="portefeuille.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    got = {
        line[header.index("Identifiant")]: dict(zip(header, line, strict=True)) for line in lines
    }
    assert set(got) == {"armentieres", "fictif"}
    for slug, row in rows.items():
        line = got[slug]
        assert line["Accueil du jeune enfant : libellé du taux"] == row.childcare.label
        assert (
            line["Accueil du jeune enfant : valeur (places pour 100 enfants)"]
            == row.childcare.value
        )
        assert line["Population (somme des populations légales)"] == row.population.value
        assert line["Activités du journal (90 derniers jours)"] == row.journal_recent
    arm = got["armentieres"]
    assert arm["Indicateurs (total)"] == rows["armentieres"].indicators_total
    for status, _css, n in rows["armentieres"].indicators:
        assert arm[f"Indicateurs « {status} »"] == n
    assert got["fictif"]["Indicateurs (total)"] is None  # no plan: empty, never 0
    assert got["fictif"]["Accueil du jeune enfant : valeur (places pour 100 enfants)"] is None
    text = client.get(reverse("web:portfolio-export", args=["csv"])).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(table) == 3 and "Territoire" in table[0]
    assert client.get(reverse("web:portfolio-export", args=["pdf"])).status_code == 404


# --------------------------------------------------------------------------- size bands


def test_population_band_and_similar_territories(two):
    from factories import CommuneFactory, TerritoryFactory

    armentieres, fictive = two
    population = ctg_population(list(armentieres.communes.all()))
    assert population.value is not None
    band = band_of(population.value)
    assert band in BANDS
    assert (
        band_of(None) is None and band_of(4_999) == (0, 5_000) and band_of(5_000) == (5_000, 20_000)
    )
    # Same band (exemple fictif): one with the same kind of rate (EAJE places over the CAF
    # children, here without any data), one whose rate sums other parts; a territory whose
    # commune population is unknown; one of another band.
    from maillage.territory.models import Statistic

    low, _high = band
    TerritoryFactory(
        slug="voisin-fictif",
        name="Territoire voisin (exemple fictif)",
        communes=[CommuneFactory(insee_code="99990", population=low + 1, population_source="x")],
    )
    other = TerritoryFactory(
        slug="autre-fictif",
        name="Autre territoire (exemple fictif)",
        communes=[CommuneFactory(insee_code="99993", population=low + 2, population_source="x")],
    )
    Statistic.objects.create(
        territory=other, key="places_assistants_maternels", label="Places (exemple fictif)",
        value=100, unit="places", vintage="2024", source="exemple fictif",
    )  # fmt: skip
    TerritoryFactory(
        slug="inconnu-fictif", communes=[CommuneFactory(insee_code="99991", population=None)]
    )
    TerritoryFactory(
        slug="grand-fictif",
        communes=[CommuneFactory(insee_code="99994", population=500_000, population_source="x")],
    )
    client = _client(_adviser(armentieres, fictive))
    page = client.get(reverse("web:portfolio"))
    rows = _rows(page)
    similar = {s.slug: s for s in rows["armentieres"].similar}
    assert list(similar) == ["autre-fictif", "voisin-fictif"]  # nearest population first
    assert similar["voisin-fictif"].population == low + 1
    assert similar["voisin-fictif"].comparable and similar["voisin-fictif"].childcare_value is None
    assert not similar["autre-fictif"].comparable
    assert similar["autre-fictif"].childcare_label.startswith("Taux de couverture partiel")
    html = page.content.decode()
    compare = html.split('id="comparaison"')[1]
    assert reverse("web:diagnostic", args=["voisin-fictif"]) in compare
    block = compare.split(reverse("web:diagnostic", args=["autre-fictif"]))[1].split("</tr>")[0]
    assert "non comparable" in block
    assert all(
        s.slug not in ("inconnu-fictif", "grand-fictif") for r in rows.values() for s in r.similar
    )
    # None of them is a row of the adviser's portfolio: they follow two territories only.
    assert set(rows) == {"armentieres", "fictif"}
    unknown = ctg_population(
        [CommuneFactory(insee_code="99992", population=None, name="Commune X (exemple fictif)")]
    )
    assert unknown.value is None and "Commune X" in unknown.reason


def test_a_territory_without_any_data_reads_non_calculable(armentieres):
    """A territory just created (no commune, no data, no plan): every column says so."""
    from .roles import other_territory

    empty = other_territory()
    client = _client(_adviser(armentieres, empty))
    page = client.get(reverse("web:portfolio"))
    assert page.status_code == 200
    row = _rows(page)[empty.slug]
    assert row.population.value is None
    assert row.population.reason == "aucune commune rattachée au territoire"
    assert row.childcare.value is None and row.indicators is None
    assert row.journal_recent == 0 and row.next_milestone is None and row.next_copil is None
    cell = page.content.decode().split(f'id="territoire-{empty.slug}"')[1].split("</tr>")[0]
    assert cell.count("non calculable") >= 3  # population, childcare rate, zones blanches
    export = client.get(reverse("web:portfolio-export", args=["csv"])).content.decode("utf-8-sig")
    line = next(r for r in csv.reader(io.StringIO(export), delimiter=";") if empty.slug in r)
    assert line[3] == ""  # population: empty, never 0
