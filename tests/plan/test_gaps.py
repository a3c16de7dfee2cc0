"""Actions linked to the gaps they answer: who may link, what is refused (French messages),
what the diagnostic's zones page shows for each zone blanche and QPV, and the COPIL's
before/after — « non calculable » on Armentières, where no structure of the CTG is located."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from factories import UserFactory, coordinator, observer, partner

from maillage.plan import gaps
from maillage.plan.models import Activity, ActivityKind, GapLink, Milestone
from maillage.plan.validation import PlanValidationError
from maillage.territory.models import Zone
from maillage.territory.selectors import territory_zones


def _activity(territory, title="Permanence petite enfance (test)", author=None) -> Activity:
    kind = ActivityKind.objects.order_by("pk").first() or ActivityKind.objects.create(
        slug="permanence", name="permanence"
    )
    return Activity.objects.create(
        territory=territory, date=dt.date(2025, 5, 6), kind=kind, title=title, author=author
    )


def _qpv(territory) -> Zone:
    return next(z for z in territory_zones(territory=territory) if z.kind == Zone.Kind.QPV)


def _iris(territory) -> Zone:
    return next(z for z in territory_zones(territory=territory) if z.kind == Zone.Kind.IRIS)


def test_link_validation_in_french(armentieres, fictif):
    act = _activity(armentieres)
    other_zone = _iris(fictif.territory)
    cases = [
        ({"kind": "zone_blanche", "theme": "cuisine", "zone_id": _iris(armentieres).pk}, "theme"),
        ({"kind": "zone_blanche", "theme": "petite-enfance", "zone_id": other_zone.pk}, "zone"),
        ({"kind": "qpv", "zone_id": _iris(armentieres).pk}, "zone"),  # an IRIS is not a QPV
        ({"kind": "scenario", "scenario_id": 999_999}, "scenario"),
        ({"kind": "autre"}, "kind"),
    ]
    for values, key in cases:
        with pytest.raises(PlanValidationError) as exc:
            gaps.gap_link_add(activity=act, **values)
        assert key in exc.value.message_dict, values
        message = " ".join(exc.value.message_dict[key])
        assert "choisissez" in message or "inconnu" in message, message
    assert not GapLink.objects.exists()
    gaps.gap_link_add(activity=act, kind="qpv", zone_id=_qpv(armentieres).pk)
    with pytest.raises(PlanValidationError, match="existe déjà"):
        gaps.gap_link_add(activity=act, kind="qpv", zone_id=_qpv(armentieres).pk)
    assert GapLink.objects.count() == 1


def test_link_is_in_the_history(armentieres):
    from maillage.accounts.models import ChangeRecord

    user = coordinator(armentieres, username="coord-gap")
    act = _activity(armentieres)
    link = gaps.gap_link_add(activity=act, kind="qpv", zone_id=_qpv(armentieres).pk, user=user)
    gaps.gap_link_remove(link=link, user=user)
    records = ChangeRecord.objects.filter(content_type__model="gaplink")
    assert sorted(r.action for r in records) == ["create", "delete"]
    assert {r.territory_id for r in records} == {armentieres.pk}
    assert {r.object_repr for r in records} == {f"QPV {_qpv(armentieres).name}"}


@pytest.mark.parametrize(
    "role,status", [("anonymous", 302), ("observer", 403), ("other_partner", 403),
                    ("outsider", 403), ("author", 302), ("coordinator", 302)]
)  # fmt: skip
def test_who_may_link_an_activity(client, armentieres, role, status):
    writer = partner(armentieres, username="auteur")
    act = _activity(armentieres, author=writer)
    users = {
        "observer": lambda: observer(armentieres, username="obs"),
        "other_partner": lambda: partner(armentieres, username="autre-partenaire"),
        "outsider": lambda: UserFactory(username="ailleurs"),
        "author": lambda: writer,
        "coordinator": lambda: coordinator(armentieres, username="coord"),
    }
    if role in users:
        client.force_login(users[role]())
    url = reverse("web:plan-activity-gaps", args=[armentieres.slug, act.pk])
    response = client.post(url, {"kind": "qpv", "zone": _qpv(armentieres).pk})
    assert response.status_code == status
    linked = GapLink.objects.filter(activity=act).exists()
    assert linked == (role in ("author", "coordinator"))
    if role == "anonymous":
        assert "/connexion" in response.url


def test_form_errors_are_shown_without_saving(client, armentieres):
    client.force_login(coordinator(armentieres, username="coord"))
    act = _activity(armentieres)
    url = reverse("web:plan-activity-gaps", args=[armentieres.slug, act.pk])
    response = client.post(url, {"kind": "zone_blanche", "zone": _iris(armentieres).pk})
    assert response.status_code == 400
    assert "Choisissez un thème du diagnostic." in response.content.decode()
    assert not GapLink.objects.exists()


def test_milestone_links_are_the_coordinators(client, armentieres):
    step = Milestone.objects.create(
        convention=armentieres.convention,
        title="Ouvrir une permanence",
        due_date=dt.date(2026, 1, 1),
    )
    url = reverse("web:plan-milestone-gaps", args=[armentieres.slug, step.pk])
    client.force_login(partner(armentieres, username="part"))
    assert client.post(url, {"kind": "qpv", "zone": _qpv(armentieres).pk}).status_code == 403
    client.force_login(coordinator(armentieres, username="coord"))
    schedule = client.get(reverse("web:plan-schedule", args=[armentieres.slug]))
    assert f'href="{url}"' in schedule.content.decode()  # « Lier … à un manque du diagnostic »
    assert client.post(url, {"kind": "qpv", "zone": _qpv(armentieres).pk}).status_code == 302
    link = GapLink.objects.get(milestone=step)
    unlink = reverse("web:plan-gap-unlink", args=[armentieres.slug, link.pk])
    client.force_login(partner(armentieres, username="part"))
    assert client.post(unlink).status_code == 403
    client.force_login(coordinator(armentieres, username="coord"))
    assert client.get(unlink).status_code == 405
    assert client.post(unlink).status_code == 302
    assert not GapLink.objects.exists()


def test_armentieres_zones_page_says_non_calculable_and_lists_the_action(client, armentieres):
    act = _activity(armentieres, title="Permanence au Bizet <b>")
    zone = _iris(armentieres)
    gaps.gap_link_add(activity=act, kind="zone_blanche", theme="petite-enfance", zone_id=zone.pk)
    page = client.get(reverse("web:diagnostic-zones", args=[armentieres.slug])).content.decode()
    part = page[page.index('id="actions-manques"') :]
    assert "Zones blanches non calculables pour ce thème" in part
    assert zone.name in part and "Permanence au Bizet &lt;b&gt;" in part
    assert "personnes du public cible" not in part  # no figure invented


def test_fictif_zone_blanche_lists_what_is_done_there(fictif):
    from maillage.diagnostic import selectors
    from maillage.territory.services import territory_touch

    territory = fictif.territory
    fictif.structures["a_localiser"].delete()  # every remaining crèche is located
    territory_touch(territory=territory)
    white = selectors.white_zones(
        territory=territory, theme="petite-enfance", public="tous", max_distance_m=500
    )
    assert white.validity.computable and white.zones
    code = white.zones[0].zones[0]
    zone = next(z for z in territory_zones(territory=territory) if z.code == code)
    act = _activity(territory, title="Permanence itinérante (exemple fictif)")
    gaps.gap_link_add(activity=act, kind="zone_blanche", theme="petite-enfance", zone_id=zone.pk)
    gaps.gap_link_add(activity=act, kind="qpv", zone_id=fictif.qpv.pk)
    result = gaps.gap_actions(territory=territory, white=white, theme="petite-enfance")
    hit = [z for z in result.white if z.actions]
    assert hit and hit[0].actions[0].title == act.title and hit[0].population > 0
    assert [z.label for z in result.qpv] == [fictif.qpv.name]
    other = gaps.gap_actions(territory=territory, white=white, theme="enfance")
    assert not any(z.actions for z in other.white)  # another theme's zones blanches: not this one


def test_copil_deck_says_non_calculable_for_linked_gaps_on_armentieres(armentieres):
    from maillage.diagnostic.selectors import diagnostic_build
    from maillage.diagnostic.services import scenario_create
    from maillage.plan.copil import copil_build
    from maillage.reports.copil_slides import copil_slides

    today = dt.date(2025, 11, 28)
    act = _activity(armentieres, title="Permanence petite enfance au Bizet (test)")
    scenario = scenario_create(
        territory=armentieres,
        name="Crèche au Bizet (exemple fictif)",
        changes=[
            {
                "action": "add",
                "name": "Crèche (exemple fictif)",
                "typology": "eaje-creche-collective",
                "places": 30,
                "zone": "590170201",
            }
        ],
    )
    gaps.gap_link_add(activity=act, kind="scenario", scenario_id=scenario.pk)
    gaps.gap_link_add(
        activity=act, kind="zone_blanche", theme="petite-enfance", zone_id=_iris(armentieres).pk
    )
    copil = copil_build(territory=armentieres, year=2025, today=today)
    slide = next(s for s in copil_slides(copil) if s.title.startswith("Les actions et les manques"))
    assert slide.table is not None and len(slide.table.rows) == 2
    report = diagnostic_build(territory=armentieres, today=today)
    theme = next(t for t in report.access.themes if t.theme == "petite-enfance")
    assert not theme.white.validity.computable  # no structure of the CTG has a position
    for label, actions, figures in slide.table.rows:
        assert act.title in actions
        assert figures.startswith("Non calculable : "), (label, figures)
    zone_row = next(r for r in slide.table.rows if r[0].startswith("Zone blanche"))
    assert zone_row[2] == f"Non calculable : {theme.white.validity.reason}"


def test_fictif_zone_blanche_effect_is_the_population_of_the_zones_touching_it(fictif):
    from maillage.diagnostic.selectors import diagnostic_build
    from maillage.territory.services import territory_touch

    territory = fictif.territory
    fictif.structures["a_localiser"].delete()
    territory_touch(territory=territory)
    report = diagnostic_build(territory=territory)
    theme = next(t for t in report.access.themes if t.theme == "vie-sociale")
    assert theme.white is not None and theme.white.validity.computable and theme.white.zones
    code = theme.white.zones[0].zones[0]
    zone = next(z for z in territory_zones(territory=territory) if z.code == code)
    act = _activity(territory, title="Animation de rue (exemple fictif)")
    gaps.gap_link_add(activity=act, kind="zone_blanche", theme="vie-sociale", zone_id=zone.pk)
    (effect,) = gaps.gap_effects(territory=territory, report=report)
    expected = sum(w.population for w in theme.white.zones if code in w.zones)
    assert effect.computable and effect.before == pytest.approx(expected) and expected > 0
    assert [a.title for a in effect.actions] == [act.title]
