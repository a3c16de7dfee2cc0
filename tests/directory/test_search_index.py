"""The in-memory search index: same answers as the rules applied one structure at a time, and
never stale after a write."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory import search_index
from maillage.directory.models import Structure
from maillage.directory.search import service_matches
from maillage.directory.search_text import tokens
from maillage.directory.selectors import structure_get, structure_search
from maillage.directory.services import service_update, structure_update
from maillage.territory.models import Territory
from maillage.territory.services import territory_touch

WORDS = ["creche", "college", "ecole", "centre", "social", "armentieres", "rue", "accueil", "xyz"]
THEMES = [
    "famille",
    "famille--garde-denfants",
    "education",
    "sante",
    "remobilisation",
    "difficultes-financieres",
]
PUBLICS = ["familles", "jeunes", "enfants", "seniors", "tous-publics"]
TYPOLOGIES = ["EAJE", "eaje-micro-creche", "college", "lycee", "centre-social", "ecole-maternelle"]
COMMUNES = ["59017", "Armentières", "ARMENTIÈRES", "59196", "Houplines"]


def _brute_force(territory, *, q, thematique, public, age, commune, typology, quartier):
    """The module's rules, applied structure by structure to model instances."""
    structures = (
        Structure.objects.filter(territory=territory, published=True, declared_only=False)
        .select_related("typology", "commune")
        .prefetch_related("services", "zones")
        .order_by("sort_name", "pk")
    )
    found = []
    for s in structures:
        if not all(word in s.search_text for word in tokens(q)):
            continue
        if commune and not (
            s.commune
            and (s.commune.insee_code == commune or s.commune.name.casefold() == commune.casefold())
        ):
            continue
        if typology and not (
            s.typology
            and (s.typology.code == typology or s.typology.family.casefold() == typology.casefold())
        ):
            continue
        if quartier and quartier not in {z.code for z in s.zones.all()}:
            continue
        if thematique or public or age is not None:
            services = [sv for sv in s.services.all() if sv.published] or [None]
            filters = {"thematique": thematique, "public": public, "age": age}
            if not any(service_matches(sv, s.typology, **filters) for sv in services):
                continue
        found.append(s.pk)
    return found


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    q=st.none() | st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(" ".join),
    thematique=st.none() | st.sampled_from(THEMES),
    public=st.none() | st.sampled_from(PUBLICS),
    age=st.none() | st.sampled_from([0, 1, 2.5, 3, 6, 11, 15, 17, 30]),
    commune=st.none() | st.sampled_from(COMMUNES),
    typology=st.none() | st.sampled_from(TYPOLOGIES),
    quartier=st.none() | st.sampled_from(["590170103", "590170402", "590170202", "absent"]),
)
def test_index_answers_like_the_rules_one_structure_at_a_time(armentieres, **filters):
    page = structure_search(territory=armentieres, limit=500, **filters)
    assert [h.structure.id for h in page.results] == _brute_force(armentieres, **filters)
    assert page.total == len(page.results)


def test_quartier_codes_used_by_the_property_test_exist(armentieres):
    inside = Structure.zones.through.objects.filter(structure__territory=armentieres)
    codes = set(inside.values_list("zone__code", flat=True))
    assert {"590170103", "590170402", "590170202"} <= codes


def test_a_write_is_seen_at_once_even_through_a_stale_territory_object(armentieres):
    stale = Territory.objects.get(pk=armentieres.pk)
    assert structure_search(territory=stale, q="tilleul").total == 0
    rostand = Structure.objects.get(territory=armentieres, uai="0594397J")
    structure_update(structure=rostand, description="Cour plantée de tilleuls")
    assert [h.structure.name for h in structure_search(territory=stale, q="tilleul").results] == [
        "Collège Jean Rostand"
    ]


def test_unpublished_service_is_left_out_of_public_results_but_seen_with_drafts(armentieres):
    epsm = Structure.objects.get(territory=armentieres, source_id="creche-entreprise-epsm")
    service = epsm.services.get()
    service_update(service=service, published=False)
    public = structure_get(territory=armentieres, id=epsm.pk)
    assert public.services == []
    drafts = structure_get(territory=armentieres, id=epsm.pk, published_only=False)
    assert [sv.id for sv in drafts.services] == [service.pk]
    # Without a published service, the crèche is matched on its typology (0-3 years), and
    # shows no service.
    ages = structure_search(territory=armentieres, age=1, q="epsm")
    assert [(h.structure.id, h.services) for h in ages.results] == [(epsm.pk, [])]


def test_the_index_is_kept_while_the_data_do_not_change(armentieres, monkeypatch):
    """No rebuild in a request when nothing changed (it took seconds at 10 000 services)."""
    built = []
    real_build = search_index.build

    def counting_build(**kwargs):
        built.append(kwargs["territory"].pk)
        return real_build(**kwargs)

    monkeypatch.setattr(search_index, "build", counting_build)
    search_index.clear()
    for _ in range(3):
        structure_search(territory=armentieres, q="rostand")
    assert built == [armentieres.pk]
    territory_touch(territory=armentieres)
    structure_search(territory=armentieres, q="rostand")
    assert built == [armentieres.pk, armentieres.pk]


def test_a_write_by_hand_is_searched_after_territoire_actualiser(armentieres):
    from click.testing import CliRunner

    from maillage.cli import main

    assert structure_search(territory=armentieres, q="bergamote").total == 0
    Structure.objects.filter(territory=armentieres, uai="0594397J").update(
        name="Collège Jean Rostand Bergamote"
    )
    assert structure_search(territory=armentieres, q="bergamote").total == 0  # not told yet
    result = CliRunner().invoke(main, ["territoire", "actualiser", "armentieres"])
    assert result.exit_code == 0, result.output
    assert "Armentières" in result.output
    found = structure_search(territory=armentieres, q="bergamote").results
    assert [h.structure.name for h in found] == ["Collège Jean Rostand Bergamote"]
    unknown = CliRunner().invoke(main, ["territoire", "actualiser", "nulle-part"])
    assert unknown.exit_code != 0 and "inconnu" in unknown.output


def test_a_structure_written_between_the_index_reads_does_not_break_the_search(
    armentieres, monkeypatch
):
    """A write committed between the structures query and the services query (another
    process) leaves the new structure for the next version instead of failing."""
    from maillage.directory.models import Service
    from maillage.directory.services import service_create, structure_create

    real_values = type(Service.objects.all()).values
    state = {"done": False}

    def values(qs, *fields, **kw):
        if qs.model is Service and not state["done"]:
            state["done"] = True
            new = structure_create(
                territory=armentieres, name="Lieu arrivé entre deux lectures", commune="59017"
            )
            service_create(structure=new, name="Service arrivé entre deux lectures")
        return real_values(qs, *fields, **kw)

    monkeypatch.setattr(type(Service.objects.all()), "values", values)
    page = structure_search(territory=armentieres, q="college")
    assert state["done"] and page.total >= 4


def test_a_large_index_leaves_the_collector_and_is_still_freed_when_replaced(
    armentieres, monkeypatch
):
    import gc
    import weakref

    from maillage.directory import search_index

    monkeypatch.setattr(search_index, "SETTLE_MIN_ROWS", 0)  # Armentières counts as large
    frozen = gc.get_freeze_count()
    try:
        index = search_index.get(territory=armentieres, published_only=True)
        assert gc.get_freeze_count() > frozen  # out of the collector's reach
        old = weakref.ref(index)
        del index
        rostand = Structure.objects.get(territory=armentieres, uai="0594397J")
        structure_update(structure=rostand, description="Nouvelle description")
        structure_search(territory=armentieres, q="rostand")  # builds the next version
        assert old() is None  # the replaced index was freed all the same
    finally:
        gc.unfreeze()
