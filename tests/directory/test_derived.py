"""A structure's derived data have one writer, :mod:`maillage.directory.derived` (issue 13,
item 1): after every way a structure is written — the services, a partner's proposal validated,
a restore, the Django admin, the dataset loader, a bulk write then a reindex — its stored
Lambert-93 position, zones, search text and sort name are what that module derives from its
fields, and no other module writes those columns.

Two guards: at run time, every structure saved during a test (``post_save``) must end up
derived (:func:`maillage.directory.derived.stale_structures`); in the source, no module but
``derived.py`` (and the search-text builder it calls) assigns the derived columns.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from accounts.admin_form import admin_form_data
from accounts.roles import people
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

import maillage
from maillage.accounts.history import restore_change
from maillage.accounts.models import ChangeRecord
from maillage.accounts.services import edit_or_propose, validate_change
from maillage.directory.derived import stale_structures
from maillage.directory.models import Structure, Typology
from maillage.directory.services import (
    service_create,
    service_update,
    structure_create,
    structure_place,
    structure_reindex_territory,
    structure_update,
)

DERIVED_COLUMNS = {"x_l93", "y_l93", "search_text", "sort_name"}
# The only modules that write them: the derivation and the search-text builder it calls.
WRITERS = {"directory/derived.py", "directory/search_text.py"}
# Other models' own columns of the same name: the population cells' centres.
# Population cells have Lambert-93 columns of the same names (not a structure's derived data).
OTHER_MODELS = {
    (module, column)
    for module in ("territory/dataset_kinds.py", "territory/dataset_bulk.py")
    for column in ("x_l93", "y_l93")
}


@pytest.fixture
def saved(db):
    """The ids of the structures saved during the test (whoever saved them)."""
    ids: set[int] = set()

    def remember(sender, instance, **kwargs):
        ids.add(instance.pk)

    post_save.connect(remember, sender=Structure, dispatch_uid="test-derived-saved")
    yield ids
    post_save.disconnect(sender=Structure, dispatch_uid="test-derived-saved")


def _assert_derived(territory, saved: set[int]) -> None:
    """Every structure saved is derived (and so is every other one of the territory)."""
    assert saved, "the scenario saved no structure: it checks nothing"
    stale = stale_structures(territory=territory)
    assert stale == {}, stale


def _located(territory) -> Structure:
    """A published, located structure of the dataset, in at least one zone."""
    return (
        Structure.objects.filter(
            territory=territory,
            x_l93__isnull=False,
            zones__isnull=False,
            published=True,
            declared_only=False,
        )
        .distinct()
        .order_by("pk")
        .first()
    )


def test_the_loaded_dataset_is_derived(armentieres):
    assert Structure.objects.filter(territory=armentieres, x_l93__isnull=False).count() > 10
    assert stale_structures(territory=armentieres) == {}


def test_the_check_sees_a_structure_saved_around_the_derivation(armentieres):
    structure = _located(armentieres)
    other = (
        Structure.objects.filter(territory=armentieres, x_l93__isnull=False)
        .exclude(x_l93=structure.x_l93)
        .order_by("pk")
        .first()
    )
    structure.lon, structure.lat, structure.name = other.lon, other.lat, "Exemple fictif déplacé"
    structure.save()  # what a new writer forgetting the derivation would do
    stale = stale_structures(territory=armentieres)
    assert set(stale) == {structure.slug}
    assert {"x_l93", "y_l93", "search_text", "sort_name"} <= set(stale[structure.slug])
    if {z.pk for z in structure.zones.all()} != {z.pk for z in other.zones.all()}:
        assert "zones" in stale[structure.slug]


def test_services_derive_what_they_write(armentieres, saved):
    typology = Typology.objects.order_by("pk").first()
    moved = _located(armentieres)
    target = (
        Structure.objects.filter(territory=armentieres, x_l93__isnull=False)
        .exclude(pk=moved.pk)
        .order_by("-pk")
        .first()
    )
    created = structure_create(
        territory=armentieres,
        name="Lieu d'accueil (exemple fictif)",
        typology=typology.code,
        commune="59017",
        lon=target.lon,
        lat=target.lat,
    )
    unlocated = structure_create(territory=armentieres, name="À localiser (exemple fictif)")
    structure_update(structure=moved, lon=target.lon, lat=target.lat, name="Déplacé (fictif)")
    structure_update(structure=created, typology=None, lon=None, lat=None)
    structure_place(
        structure=unlocated, lon=target.lon, lat=target.lat, precision="exact", source="visite"
    )
    service = service_create(structure=created, name="Atelier parents (exemple fictif)")
    service_update(service=service, description="Jeux et lectures (exemple fictif)")
    _assert_derived(armentieres, saved)
    assert {moved.pk, created.pk, unlocated.pk} <= saved
    assert "atelier" in Structure.objects.get(pk=created.pk).search_text


def test_a_validated_proposal_and_a_restore_are_derived(armentieres, saved):
    roles = people(armentieres)
    structure = roles.orgs.structure_a
    target = Structure.objects.filter(territory=armentieres, x_l93__isnull=False).exclude(
        pk=structure.pk
    )[0]
    _, pending = edit_or_propose(
        obj=structure,
        user=roles.partner_a,
        fields={"name": "Nom proposé (exemple fictif)", "lon": target.lon, "lat": target.lat},
    )
    assert pending is not None
    validate_change(change=pending, user=roles.coordinator)
    _assert_derived(armentieres, saved)
    record = ChangeRecord.objects.filter(object_id=str(structure.pk)).latest("pk")
    restore_change(record=record, user=roles.coordinator)  # back to before the proposal
    _assert_derived(armentieres, saved)


def test_a_structure_restored_after_its_deletion_is_on_the_map_and_found(armentieres, saved):
    from maillage.directory.search import structure_search

    roles = people(armentieres)
    structure = _located(armentieres)
    pk, name, xy = structure.pk, structure.name, (structure.x_l93, structure.y_l93)
    client = Client()
    admin = get_user_model().objects.create_superuser(
        username="admin-derived", email="admin-derived@example.org", password="Tilleul-47-Ecluse"
    )
    client.force_login(admin)
    delete = reverse("admin:directory_structure_delete", args=[pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    record = ChangeRecord.objects.filter(object_id=str(pk), action="delete").latest("pk")
    restore_change(record=record, user=roles.coordinator)
    restored = Structure.objects.get(pk=pk)
    assert (restored.x_l93, restored.y_l93) == pytest.approx(xy, abs=0.01)
    page = structure_search(territory=armentieres, q=name, limit=500)
    assert pk in {hit.structure.id for hit in page.results}
    _assert_derived(armentieres, saved)


def test_an_admin_edit_is_derived(armentieres, saved):
    structure = _located(armentieres)
    target = (
        Structure.objects.filter(territory=armentieres, x_l93__isnull=False)
        .exclude(pk=structure.pk)
        .order_by("-pk")
        .first()
    )
    admin = get_user_model().objects.create_superuser(
        username="admin-derived", email="admin-derived@example.org", password="Tilleul-47-Ecluse"
    )
    client = Client()
    client.force_login(admin)
    url = reverse("admin:directory_structure_change", args=[structure.pk])
    data = admin_form_data(client.get(url).content.decode(), "structure_form")
    data.update(lon=[repr(target.lon)], lat=[repr(target.lat)], name=["Admin (exemple fictif)"])
    data["_save"] = ["Enregistrer"]
    assert client.post(url, data).status_code == 302
    _assert_derived(armentieres, saved)


def test_a_bulk_write_then_a_reindex_is_derived(armentieres, saved):
    structure = _located(armentieres)
    Structure.objects.filter(territory=armentieres).update(search_text="", sort_name="")
    Structure.objects.filter(pk=structure.pk).update(x_l93=None, y_l93=None)
    assert stale_structures(territory=armentieres)
    assert structure_reindex_territory(territory=armentieres) > 0
    saved.add(structure.pk)  # written by ``update()``, which sends no signal
    _assert_derived(armentieres, saved)


def test_reloading_the_dataset_keeps_everything_derived(armentieres, saved):
    from maillage.territory.loader import load_dataset

    structure = _located(armentieres)
    structure_update(structure=structure, name="Renommé avant rechargement (exemple fictif)")
    load_dataset("armentieres")
    _assert_derived(armentieres, saved)


def test_a_load_that_changes_a_shared_typology_refreshes_the_other_territories(armentieres):
    """Typologies are shared by every territory: a load that rewrites one (its label, ages…)
    bumps the data version of the other territories using it, whose search index would
    otherwise keep the old label (it is kept as long as the version does not change)."""
    from maillage.directory.selectors import structure_search
    from maillage.directory.services import structure_create
    from maillage.territory.loader import load_dataset
    from maillage.territory.models import Territory

    other = Territory.objects.create(
        slug="autre-exemple-fictif",
        name="Autre (exemple fictif)",
        period_start=2023,
        period_end=2026,
    )
    other.communes.set(armentieres.communes.all())
    typology = Typology.objects.get(code="centre-social")
    real_label = typology.label
    Typology.objects.filter(pk=typology.pk).update(label="Ancien libellé bergamote")
    structure_create(
        territory=other, name="Lieu (exemple fictif)", typology=typology, commune="59017"
    )
    other.refresh_from_db()
    query = {"territory": other, "q": "lieu exemple fictif"}
    before = structure_search(**query).results  # the index is built, with the old label
    assert [h.structure.typology_label for h in before] == ["Ancien libellé bergamote"]
    load_dataset("armentieres")  # writes the typologies of typology.yaml again
    other.refresh_from_db()
    hits = structure_search(**query).results
    assert [h.structure.typology_label for h in hits] == [real_label]


def test_admin_edits_of_zones_communes_and_a_moved_structure_refresh_the_search(armentieres):
    """The index and the cards read zone codes, commune names and which territory holds a
    structure: their admin edits bump the data version of every territory concerned."""
    from maillage.directory.selectors import structure_search
    from maillage.territory.models import Commune, Territory, Zone

    admin = get_user_model().objects.create_superuser(
        username="admin-zones", email="admin-zones@example.org", password="Tilleul-47-Ecluse"
    )
    client = Client()
    client.force_login(admin)

    def save(model, pk, form, **values):
        url = reverse(f"admin:{model}_change", args=[pk])
        data = admin_form_data(client.get(url).content.decode(), form)
        data.update({k: [v] for k, v in values.items()})
        data["_save"] = ["Enregistrer"]
        assert client.post(url, data).status_code == 302

    zone = Zone.objects.filter(commune__insee_code="59017", kind="iris").first()
    version = Territory.objects.get(pk=armentieres.pk).data_version
    save("territory_zone", zone.pk, "zone_form", name="Quartier renommé (exemple fictif)")
    assert Territory.objects.get(pk=armentieres.pk).data_version > version
    commune = Commune.objects.get(insee_code="59017")
    version = Territory.objects.get(pk=armentieres.pk).data_version
    save("territory_commune", commune.pk, "commune_form", name="Armentières (exemple fictif)")
    assert Territory.objects.get(pk=armentieres.pk).data_version > version

    other = Territory.objects.create(
        slug="autre-exemple-fictif",
        name="Autre (exemple fictif)",
        period_start=2023,
        period_end=2026,
    )
    structure = _located(armentieres)
    assert structure.pk in {
        h.structure.id for h in structure_search(territory=armentieres, limit=500).results
    }
    save("directory_structure", structure.pk, "structure_form", territory=str(other.pk))
    armentieres.refresh_from_db()
    assert structure.pk not in {
        h.structure.id for h in structure_search(territory=armentieres, limit=500).results
    }


# --------------------------------------------------------------------------- in the source

SRC = Path(maillage.__file__).resolve().parent
ORM_WRITES = {"update", "create", "update_or_create", "get_or_create", "bulk_create"}


def _writes_of_derived_columns(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Attribute) and leaf.attr in DERIVED_COLUMNS:
                    found.append((node.lineno, f"… .{leaf.attr} = …"))
        if isinstance(node, ast.Dict):  # values handed to an upsert or a create
            for key in node.keys:
                if isinstance(key, ast.Constant) and key.value in DERIVED_COLUMNS:
                    found.append((key.lineno, f"{{{key.value!r}: …}}"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ORM_WRITES:
                for keyword in node.keywords:
                    if keyword.arg in DERIVED_COLUMNS:
                        found.append((node.lineno, f".{node.func.attr}({keyword.arg}=…)"))
            owner = node.func.value
            if (
                node.func.attr in {"set", "add", "clear", "remove"}
                and isinstance(owner, ast.Attribute)
                and owner.attr == "zones"
                and "structure" in ast.unparse(owner.value).lower()
            ):
                found.append((node.lineno, f"{ast.unparse(owner)}.{node.func.attr}(…)"))
    return found


def test_no_module_but_the_derivation_writes_the_derived_columns():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name in WRITERS or "/migrations/" in f"/{name}":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [
            f"{name}:{line} {what}"
            for line, what in _writes_of_derived_columns(tree)
            if not any(name == file and column in what for file, column in OTHER_MODELS)
        ]
    assert offenders == [], "\n".join(offenders)


def test_the_source_check_sees_a_write():
    code = (
        "def f(structure):\n"
        "    structure.search_text = ''\n"
        "    Structure.objects.filter(pk=1).update(x_l93=None)\n"
        "    structure.zones.set([])\n"
        "    upsert(ctx, Structure, {}, {'sort_name': ''})\n"
    )
    assert [line for line, _ in _writes_of_derived_columns(ast.parse(code))] == [2, 3, 4, 5]
