"""« Inscrire ce support au journal » (issue 19): the poster of a fiche, the widget with its
filters and the printable guide each become ONE journal activity « support de communication »
on axis 4, which indicator 4.2 of the Armentières plan counts; a duplicate the same day is
refused; only who may write the journal can record; hostile filter values change nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import coordinator, observer, partner

from maillage.directory.models import Structure
from maillage.plan.models import Activity, Indicator, JournalYear
from maillage.plan.selectors import indicator_result
from maillage.territory.models import Territory, Zone

POST = reverse("web:usage-support-journal", args=["armentieres"])
AUDIENCE = reverse("web:usage-audience", args=["armentieres"])


@pytest.fixture
def structure(armentieres):
    return Structure.objects.filter(territory=armentieres, published=True).order_by("pk").first()


@pytest.fixture
def qpv(armentieres):
    return (
        Zone.objects.filter(commune__in=armentieres.communes.all(), kind="qpv")
        .order_by("code")
        .first()
    )


@pytest.fixture
def coord(armentieres):
    client = Client()
    client.force_login(coordinator(armentieres))
    return client


def _supports(territory):
    return Activity.objects.filter(territory=territory, kind__name="support de communication")


def _three(client, structure, qpv):
    return [
        client.post(POST, {"support": "affiche", "structure": str(structure.pk)}),
        client.post(
            POST,
            {"support": "widget", "widget-thematique": "famille", "widget-quartier": qpv.code},
        ),
        client.post(POST, {"support": "guide", "guide-quartier": qpv.code, "guide-theme": ""}),
    ]


def test_the_coordinator_records_a_poster_a_widget_and_a_guide(armentieres, coord, structure, qpv):
    indicator = Indicator.objects.get(
        axis__convention__territory=armentieres, axis__number=4, number=2
    )
    year = timezone.localdate().year
    JournalYear.objects.create(territory=armentieres, year=year)
    before = indicator_result(territory=armentieres, indicator_id=indicator.pk).values_by_year[year]
    responses = _three(coord, structure, qpv)
    assert all(r.status_code == 302 and r["Location"].startswith(AUDIENCE) for r in responses)
    acts = list(_supports(armentieres).order_by("pk"))
    assert len(acts) == 3
    assert [a.title for a in acts] == [
        f"Affiche — {structure.name}",
        f"Widget de l'annuaire — Thématique : Famille · Quartier : {qpv.name}",
        f"Guide imprimable — quartier {qpv.name}",
    ]
    for a in acts:
        assert a.date == timezone.localdate()
        assert list(a.axes.values_list("number", flat=True)) == [4]
    assert f"/territoire/armentieres/structures/{structure.pk}/affiche.pdf" in acts[0].description
    assert "/territoire/armentieres/widget/?" in acts[1].description
    assert f"quartier={qpv.code}" in acts[1].description
    assert f"/territoire/armentieres/guide.pdf?quartier={qpv.code}" in acts[2].description
    after = indicator_result(territory=armentieres, indicator_id=indicator.pk)
    assert after.values_by_year[year] == (before or 0) + 3
    # The audience page says so and links each activity.
    page = coord.get(AUDIENCE)
    html = page.content.decode()
    for a in acts:
        assert reverse("web:plan-activity", args=["armentieres", a.pk]) in html
    assert f"« Affiche — {structure.name} » inscrit au journal (support de communication" in html


def test_the_same_support_twice_the_same_day_is_refused(armentieres, coord, structure):
    data = {"support": "affiche", "structure": str(structure.pk)}
    coord.post(POST, data)
    response = coord.post(POST, data, follow=True)
    assert _supports(armentieres).count() == 1
    texts = [str(m) for m in response.context["messages"]]
    assert any("déjà inscrit au journal aujourd'hui" in t for t in texts)
    # Another filter of the widget is another support.
    coord.post(POST, {"support": "widget", "widget-thematique": "famille"})
    coord.post(POST, {"support": "widget"})
    assert _supports(armentieres).count() == 3


def test_who_may_not_write_the_journal_records_nothing(armentieres, structure):
    data = {"support": "affiche", "structure": str(structure.pk)}
    anonymous = Client().post(POST, data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(settings.LOGIN_URL)
    watcher = Client()
    watcher.force_login(observer(armentieres))
    assert watcher.post(POST, data).status_code == 403
    page = watcher.get(AUDIENCE).content.decode()
    assert POST not in page  # the observer sees the page, not the form
    inactive = Client()
    inactive.force_login(partner(armentieres, is_active=False))
    assert inactive.post(POST, data).status_code in (302, 403)
    assert Client().get(POST).status_code in (302, 405)
    assert not _supports(armentieres).exists()


def test_a_partner_who_writes_the_journal_may_record(armentieres, structure):
    client = Client()
    client.force_login(partner(armentieres))
    response = client.post(POST, {"support": "affiche", "structure": str(structure.pk)})
    assert response.status_code == 302
    assert _supports(armentieres).count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"support": "widget", "widget-thematique": "<script>alert(1)</script>"},
        {"support": "widget", "widget-quartier": '"><img src=x onerror=alert(1)>'},
        {"support": "guide", "guide-quartier": "<b>x</b>"},
        {"support": "guide", "guide-theme": "<svg onload=alert(1)>"},
        {"support": "affiche", "structure": "<i>1</i>"},
        {"support": "affiche", "structure": "99999999999999999999999"},
        {"support": "<script>"},
    ],
)
def test_hostile_values_are_refused_and_escaped(armentieres, coord, data):
    response = coord.post(POST, data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "<svg onload" not in html and "<b>x</b>" not in html
    texts = [str(m) for m in response.context["messages"]]
    assert texts and all("inconnu" in t for t in texts)
    assert not _supports(armentieres).exists()


def test_no_form_for_a_territory_without_a_plan(armentieres):
    from maillage.plan.models import Convention

    Convention.objects.filter(territory=armentieres).delete()
    client = Client()
    client.force_login(coordinator(armentieres))
    html = client.get(AUDIENCE).content.decode()
    assert POST not in html and "Inscrire ce support au journal" not in html
    assert Territory.objects.filter(slug="armentieres").exists()


def test_the_kind_is_created_when_the_database_lacks_it(armentieres, coord, structure):
    from maillage.plan.models import ActivityKind

    kind = ActivityKind.objects.get(name="support de communication")
    Activity.objects.filter(kind=kind).delete()
    kind.delete()
    coord.post(POST, {"support": "widget", "widget-thematique": "famille"})
    (act,) = _supports(armentieres)
    assert act.kind.slug == "support-de-communication"
    html = coord.get(AUDIENCE).content.decode()
    assert "Adresse : http://testserver/territoire/armentieres/widget/?thematique=famille" in html
