"""« Compléter l'offre »: what the coordinator sees, and every write it offers — by address
(candidates confirmed, never applied silently), « même lieu que », a click on the map, bulk
geocoding proposals, splitting a grouped record without double counting.

The BAN file and the positions of the set-ups are *exemple fictif* (``completion_fictif``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from completion_fictif import fictive_point, load_ban
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from factories import PASSWORD, TerritoryFactory, observer, partner
from factories import coordinator as make_coordinator

from maillage.accounts.models import ChangeRecord
from maillage.accounts.versioning import version_of
from maillage.analysis import supply_validity
from maillage.diagnostic.completion import completion_overview
from maillage.diagnostic.inputs import load_sites
from maillage.diagnostic.themes import THEMES
from maillage.diagnostic.validity import declared_supply, supply_validity_for
from maillage.directory import completion_services as svc
from maillage.directory.models import PositionProposal, Structure
from maillage.directory.services import structure_update
from maillage.directory.validation import messages

PE = THEMES["petite-enfance"]


@pytest.fixture(autouse=True)
def _offline(settings):
    settings.GEOCODER_URL = ""  # tests never reach the network: the local BAN table answers
    settings.TILE_URL = ""


@pytest.fixture
def chargee(armentieres):
    return make_coordinator(armentieres, username="chargee-completion@example.org")


def _get(armentieres, name: str) -> Structure:
    return Structure.objects.get(territory=armentieres, name=name)


@pytest.fixture
def creche(armentieres):
    return _get(armentieres, "Crèche municipale")


@pytest.fixture
def micro(armentieres):
    return _get(armentieres, "Micro-crèches privées (6 lieux)")


@pytest.fixture
def centre_social(armentieres):
    return _get(armentieres, "Centre social Salengro")


@pytest.fixture
def halte(armentieres):
    return _get(armentieres, "Halte-garderie de la Maison parent-enfant (quartier Salengro)")


def _pe_validity(armentieres):
    return supply_validity_for(
        sites=load_sites(territory=armentieres), theme=PE, public="0-2", territory="armentieres"
    )


def _refused(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    return messages(info.value)


# --------------------------------------------------------------------------- the page


def test_page_shows_each_theme_declared_vs_located_and_what_unlocks_it(
    client, armentieres, chargee
):
    client.force_login(chargee)
    response = client.get(reverse("web:complete-offer", args=["armentieres"]))
    assert response.status_code == 200
    body = response.content.decode()
    # Petite enfance on the embedded data: 0 of 175 places, 1 of 11 lieux located.
    assert "0 places localisées sur 175 déclarées (0 %)" in body
    assert "1 lieu localisé sur 11 déclarés (9 %)" in body
    assert '<progress id="mesure-petite-enfance-places" max="175" value="0">' in body
    assert (
        "Localiser ou répartir ces 3 fiches rend calculable l&#x27;analyse petite enfance." in body
    )
    # One anchor per record, the one the diagnostic's « non calculable » notices link to.
    v = _pe_validity(armentieres)
    assert v.fix_path == reverse("web:complete-offer", args=["armentieres"])
    for record in v.to_locate:
        assert f'id="a-localiser-{record.id}"' in body or f"#regroupe-{record.id}" in body
    assert "72 places déclarées, 0 réparties" in body


def test_the_fewest_records_to_locate_are_found_with_the_diagnostics_rule(armentieres):
    overview = completion_overview(territory=armentieres)
    sites = load_sites(territory=armentieres)
    for theme in overview.themes:
        if not theme.unlock_ids:
            continue
        declared = declared_supply(
            sites, theme=THEMES[theme.slug], public=THEMES[theme.slug].default_public
        )

        def computable(ids, rows=declared):
            rows = [replace(r, x=0.0, y=0.0) if r.id in ids else r for r in rows]
            return supply_validity(
                located=[r.located for r in rows],
                places=[float("nan") if r.places is None else r.places for r in rows],
                lieux=[max(1, r.lieux) for r in rows],
            ).computable

        assert computable(set(theme.unlock_ids)), theme.slug
        assert not computable(set(theme.unlock_ids[:-1])), theme.slug
    # Records are ordered by impact: those that unlock an analysis first.
    blocks = [bool(i.blocks) for i in overview.items]
    assert blocks == sorted(blocks, reverse=True)


@pytest.mark.parametrize("role", ["anonymous", "partner", "observer", "other-territory"])
def test_only_the_territorys_coordinator_opens_the_page_or_writes(
    client, armentieres, creche, role
):
    url = reverse("web:complete-offer", args=["armentieres"])
    post = reverse("web:complete-offer-geocode-all", args=["armentieres"])
    if role == "anonymous":
        assert client.get(url).status_code == 302
        assert client.post(post).status_code == 302
        return
    user = {
        "partner": lambda: partner(armentieres),
        "observer": lambda: observer(armentieres),
        "other-territory": lambda: make_coordinator(TerritoryFactory()),
    }[role]()
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert client.post(post).status_code == 403
    with pytest.raises(PermissionDenied):
        svc.structure_click_place(
            structure=creche, lon=2.88, lat=50.69, precision="approximate", user=user, version=None
        )
    assert not Structure.objects.get(pk=creche.pk).located


# --------------------------------------------------------------------------- by address


def test_an_address_gives_candidates_that_wait_for_the_coordinator(
    client, armentieres, chargee, creche, tmp_path
):
    load_ban(armentieres, tmp_path)
    client.force_login(chargee)
    url = reverse("web:complete-offer-geocode", args=["armentieres", creche.pk])
    response = client.post(url, {f"g{creche.pk}-query": "12 quai de la Dérivation Armentières"})
    assert response.status_code == 302
    proposals = list(creche.position_proposals.order_by("-score"))
    assert proposals[0].label == "12 Quai de la Dérivation 59280 Armentières"
    assert proposals[0].source == "BAN" and proposals[0].score == 1.0
    assert not Structure.objects.get(pk=creche.pk).located  # nothing applied silently
    page = client.get(reverse("web:complete-offer", args=["armentieres"])).content.decode()
    assert "12 Quai de la Dérivation 59280 Armentières" in page and "score 1,00" in page

    accept = reverse("web:complete-offer-proposal", args=["armentieres", proposals[0].pk])
    response = client.post(accept, {"decision": "accept", "version": version_of(creche)})
    assert response.status_code == 302
    creche.refresh_from_db()
    assert (creche.lon, creche.lat) == (proposals[0].lon, proposals[0].lat)
    assert creche.position_source == "BAN : 12 Quai de la Dérivation 59280 Armentières (score 1,00)"
    assert creche.position_precision == Structure.Precision.EXACT
    record = ChangeRecord.objects.filter(object_id=str(creche.pk)).order_by("-pk").first()
    assert record.user == chargee
    assert record.after["position_source"].startswith("BAN")
    statuses = set(creche.position_proposals.values_list("status", flat=True))
    assert statuses == {PositionProposal.Status.ACCEPTED, PositionProposal.Status.REJECTED}
    # Accepting it again is refused in French, nothing changes.
    again = client.post(accept, {"decision": "accept", "version": version_of(creche)})
    assert again.status_code == 400
    assert "Cette proposition a déjà été acceptée." in again.content.decode()


def test_geocode_all_proposes_for_every_record_with_an_address_and_places_none(
    armentieres, chargee, creche, tmp_path
):
    load_ban(armentieres, tmp_path)
    unlocated = set(Structure.objects.filter(territory=armentieres, x_l93__isnull=True))
    outcome = svc.proposals_geocode_all(territory=armentieres, user=chargee)
    with_address = {
        s.name for s in unlocated if s.address and not (s.grouped_count and s.grouped_count > 1)
    }
    assert {p.structure.name for p in outcome.proposals} | set(outcome.not_found) == with_address
    assert "Crèche municipale" in {p.structure.name for p in outcome.proposals}
    assert set(Structure.objects.filter(territory=armentieres, x_l93__isnull=True)) == unlocated
    # A second run proposes nothing new for the records already waiting.
    second = svc.proposals_geocode_all(territory=armentieres, user=chargee)
    assert "Crèche municipale" not in {p.structure.name for p in second.proposals}
    proposal = creche.position_proposals.get()
    svc.proposal_reject(proposal=proposal, user=chargee)
    assert creche.position_proposals.get().status == PositionProposal.Status.REJECTED
    assert not Structure.objects.get(pk=creche.pk).located


def test_a_record_without_address_asks_for_one(armentieres, chargee):
    rpe = _get(armentieres, "Relais Petite Enfance (RPE)")
    errors = _refused(svc.position_candidates, structure=rpe, user=chargee)
    assert errors == {
        "query": ["« Relais Petite Enfance (RPE) » n'a pas d'adresse : saisissez-en une."]
    }


# --------------------------------------------------------------------------- same place, click


def test_same_place_as_another_record_is_recorded_as_such(
    client, armentieres, chargee, centre_social, halte
):
    client.force_login(chargee)
    url = reverse("web:complete-offer-same", args=["armentieres", centre_social.pk])
    response = client.post(
        url,
        {
            f"m{centre_social.pk}-other": halte.pk,
            f"m{centre_social.pk}-version": version_of(centre_social),
        },
    )
    assert response.status_code == 302
    centre_social.refresh_from_db()
    assert (centre_social.lon, centre_social.lat) == (halte.lon, halte.lat)
    assert centre_social.position_source == f"même lieu que {halte.name}"
    record = ChangeRecord.objects.filter(object_id=str(centre_social.pk)).order_by("-pk").first()
    assert (
        record.user == chargee and record.after["position_source"] == f"même lieu que {halte.name}"
    )


def test_a_record_changed_meanwhile_is_not_overwritten(armentieres, chargee, centre_social, halte):
    seen = version_of(centre_social)
    structure_update(structure=centre_social, user=None, phone="03 20 00 00 00")  # someone else
    count = ChangeRecord.objects.count()
    with pytest.raises(ValidationError):
        svc.structure_same_place(structure=centre_social, other=halte, user=chargee, version=seen)
    centre_social.refresh_from_db()
    assert not centre_social.located and ChangeRecord.objects.count() == count


def test_a_click_on_the_map_is_recorded_with_its_source(armentieres, chargee, creche):
    lon, lat = fictive_point(0)
    svc.structure_click_place(
        structure=creche,
        lon=lon,
        lat=lat,
        precision="approximate",
        user=chargee,
        version=version_of(creche),
    )
    creche.refresh_from_db()
    assert creche.located and creche.position_source == "clic sur la carte"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"lat": "abc", "lon": "2.88"}, "lat", "Saisissez un nombre."),
        ({"lat": "43.3", "lon": "5.37"}, "lat", "km du territoire"),
        (
            {"lat": "50.69", "lon": "2.88", "precision": "au pif"},
            "precision",
            "Sélectionnez un choix valide",
        ),
    ],
)
def test_bad_positions_are_refused_in_french_and_nothing_is_written(
    client, armentieres, chargee, creche, data, field, message
):
    client.force_login(chargee)
    count = ChangeRecord.objects.count()
    post = {f"c{creche.pk}-precision": "approximate", f"c{creche.pk}-version": version_of(creche)}
    post.update({f"c{creche.pk}-{k}": v for k, v in data.items()})
    response = client.post(
        reverse("web:complete-offer-click", args=["armentieres", creche.pk]), post
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Structure.objects.get(pk=creche.pk).located and ChangeRecord.objects.count() == count


def test_a_grouped_record_is_split_not_placed(armentieres, chargee, micro, halte):
    errors = _refused(
        svc.structure_same_place,
        structure=micro,
        other=halte,
        user=chargee,
        version=version_of(micro),
    )
    assert "regroupe 6 lieux" in errors["structure"][0]


# --------------------------------------------------------------------------- split


def test_splitting_a_grouped_record_never_double_counts(armentieres, chargee, micro):
    from maillage.diagnostic.childcare import _directory_eaje

    before = _pe_validity(armentieres)
    eaje_before = _directory_eaje(armentieres).value
    a = svc.grouped_split(
        parent=micro, user=chargee, name="Micro-crèche A (exemple fictif)", places=12, parts_seen=0
    )
    svc.grouped_split(
        parent=micro, user=chargee, name="Micro-crèche B (exemple fictif)", places=12, parts_seen=1
    )
    assert a.part_of == micro and a.typology == micro.typology and a.published
    assert a.services.get().capacity == 12
    rows = {s.id: s for s in load_sites(territory=armentieres)}
    assert (rows[micro.pk].places, rows[micro.pk].lieux) == (48, 4)  # what is not yet split
    after = _pe_validity(armentieres)
    assert (after.declared_places, after.declared_lieux) == (
        before.declared_places,
        before.declared_lieux,
    )
    assert _directory_eaje(armentieres).value == eaje_before  # the coverage rate: same places
    overview = completion_overview(territory=armentieres)
    check = next(c for c in overview.grouped if c.structure.pk == micro.pk)
    assert check.text == "72 places déclarées, 24 réparties" and not check.complete
    # Once the parts add up, the grouped record no longer counts: the parts replace it.
    for i, name in enumerate("CDEF"):
        svc.grouped_split(
            parent=micro,
            user=chargee,
            name=f"Micro-crèche {name} (exemple fictif)",
            places=12,
            parts_seen=2 + i,
        )
    assert micro.pk not in {s.id for s in load_sites(territory=armentieres)}
    final = _pe_validity(armentieres)
    assert (final.declared_places, final.declared_lieux) == (175, 11)


def test_split_is_refused_when_the_page_is_stale_or_the_input_bad(
    client, armentieres, chargee, micro
):
    svc.grouped_split(
        parent=micro, user=chargee, name="Micro-crèche A (exemple fictif)", places=12, parts_seen=0
    )
    count = Structure.objects.count()
    errors = _refused(
        svc.grouped_split, parent=micro, user=chargee, name="Autre", places=10, parts_seen=0
    )
    assert "répartie entre-temps" in errors["name"][0]
    client.force_login(chargee)
    url = reverse("web:complete-offer-split", args=["armentieres", micro.pk])
    for data, message in (
        ({"name": "", "places": "10"}, "Ce champ est obligatoire."),
        ({"name": "Lieu", "places": "-3"}, "supérieure ou égale à 0"),
        ({"name": "Lieu", "places": "douze"}, "Saisissez un nombre entier."),
    ):
        post = {f"r{micro.pk}-{k}": v for k, v in data.items()} | {f"r{micro.pk}-parts_seen": "1"}
        response = client.post(url, post)
        assert response.status_code == 400 and message in response.content.decode()
    assert Structure.objects.count() == count
    creche = _get(armentieres, "Crèche municipale")
    errors = _refused(svc.grouped_split, parent=creche, user=chargee, name="Lieu", places=3)
    assert errors == {"name": ["Cette fiche ne regroupe pas plusieurs lieux."]}


def test_the_page_is_reached_from_the_partners_space(client, armentieres, chargee):
    client.force_login(chargee)
    page = client.get(reverse("web:partner-space", args=["armentieres"])).content.decode()
    assert reverse("web:complete-offer", args=["armentieres"]) in page
    assert PASSWORD  # the factories' password (login by form is tested elsewhere)


def test_the_childcare_table_counts_a_split_record_once(armentieres, chargee, micro):
    from maillage.directory.selectors import childcare_supply

    def micro_row():
        supply = childcare_supply(territory=armentieres)
        return next(t for t in supply.by_typology if t.typology_code == "eaje-micro-creche")

    before = micro_row()
    svc.grouped_split(parent=micro, user=chargee, name="Micro-crèche A (exemple fictif)", places=12)
    after = micro_row()
    assert (after.places_known, after.sites) == (before.places_known, before.sites) == (72, 6)
    assert after.structures == before.structures + 1


@pytest.mark.parametrize(
    ("declared_places", "declared_lieux", "parts", "parts_places", "left"),
    [
        (72, 6, 2, 24, (48, 4, False)),  # « 72 places déclarées, 24 réparties »
        (72, 6, 5, 60, (12, 1, False)),
        (72, 6, 3, 72, (0, 0, True)),  # the parts add up in places: they replace the record
        (72, 6, 7, 90, (0, 0, True)),  # more than declared: never a negative remainder
        (None, 2, 1, 0, (None, 1, False)),  # lieux only: complete when every lieu is a fiche
        (None, 2, 2, 0, (None, 0, True)),
    ],
)
def test_a_grouped_record_counts_only_what_its_parts_dont(
    declared_places, declared_lieux, parts, parts_places, left
):
    from maillage.directory.grouped import GroupedShare

    share = GroupedShare(
        parent_id=1,
        declared_places=declared_places,
        declared_lieux=declared_lieux,
        parts=parts,
        parts_places=parts_places,
    )
    assert (share.left_places, share.left_lieux, share.complete) == left


HOSTILE = ["", "nan", "inf", "-1e309", "1" * 40, "<script>", "0x10", "٣", "\x00", "a" * 400]


def test_every_action_answers_hostile_input_without_server_error(
    client, armentieres, chargee, micro, creche
):
    client.force_login(chargee)
    count = Structure.objects.count(), ChangeRecord.objects.count()
    routes = [
        ("web:complete-offer-geocode", creche.pk, "g", ["query"]),
        ("web:complete-offer-click", creche.pk, "c", ["lat", "lon", "precision", "version"]),
        ("web:complete-offer-same", creche.pk, "m", ["other", "version"]),
        (
            "web:complete-offer-split",
            micro.pk,
            "r",
            ["name", "places", "address", "postcode", "parts_seen"],
        ),
    ]
    for name, pk, prefix, fields in routes:
        url = reverse(name, args=["armentieres", pk])
        for value in HOSTILE:
            data = {f"{prefix}{pk}-{f}": value for f in fields}
            if name.endswith("split"):
                data[f"r{pk}-name"] = ""  # a hostile name would be a valid fiche name
            response = client.post(url, data)
            assert response.status_code in (302, 400), (name, value, response.status_code)
    proposal_url = reverse("web:complete-offer-proposal", args=["armentieres", 10**6])
    assert client.post(proposal_url, {"decision": "accept"}).status_code == 404
    assert (Structure.objects.count(), ChangeRecord.objects.count()) == count
    assert not Structure.objects.get(pk=creche.pk).located


def test_a_proposal_is_not_accepted_on_a_record_changed_since_the_page(
    armentieres, chargee, creche, tmp_path
):
    load_ban(armentieres, tmp_path)
    outcome = svc.position_candidates(
        structure=creche, user=chargee, query="3 quai de la Dérivation"
    )
    seen = version_of(creche)
    structure_update(structure=creche, user=None, phone="03 20 00 00 00")  # a colleague, meanwhile
    with pytest.raises(ValidationError) as info:
        svc.proposal_accept(proposal=outcome.proposals[0], user=chargee, version=seen)
    assert "modifi" in str(info.value)  # the stale-version message, in French
    creche.refresh_from_db()
    assert not creche.located
    assert (
        outcome.proposals[0].__class__.objects.get(pk=outcome.proposals[0].pk).status == "pending"
    )
