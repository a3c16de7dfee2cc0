"""The test base itself: factories give real roles, the fictive territory is what it claims.

These guard what unit tests rely on when they use ``tests/factories.py`` and the ``fictif``
fixture (*exemple fictif*): a factory's coordinator is a coordinator by a membership (not by a
Django flag), and the synthetic territory is loaded by the product's own loader, the same for
the same seed, and labelled fictive everywhere a user could read it.
"""

from __future__ import annotations

import pytest
from factories import (
    PASSWORD,
    OrganisationFactory,
    StructureFactory,
    TerritoryFactory,
    UserFactory,
    coordinator,
    observer,
    partner,
)
from fictif import COMMUNES, QPV_CODE, write_dataset

from maillage.accounts import permissions as p
from maillage.accounts.models import Membership

pytestmark = pytest.mark.django_db


def test_factory_roles_are_memberships_not_django_flags(armentieres):
    chargee = coordinator(armentieres)
    org = OrganisationFactory()
    redacteur = partner(armentieres, org)
    caf = observer(armentieres)
    for user in (chargee, redacteur, caf):
        assert not user.is_staff and not user.is_superuser
        assert user.check_password(PASSWORD)
    assert p.role_of(chargee, armentieres) == "coordinator"
    assert p.role_of(redacteur, armentieres) == "partner"
    assert p.organisation_id_of(redacteur, armentieres) == org.pk
    assert p.role_of(caf, armentieres) == "observer"
    assert p.role_of(UserFactory(), armentieres) is None
    assert Membership.objects.filter(user__in=[chargee, redacteur, caf]).count() == 3


def test_a_role_on_a_factory_territory_gives_nothing_on_armentieres(armentieres):
    other = TerritoryFactory()
    chargee = coordinator(other)
    assert p.is_coordinator(chargee, other)
    assert not p.is_member(chargee, armentieres)
    assert "exemple fictif" in other.name


def test_structure_factory_goes_through_the_directory_service(armentieres):
    from fictif import lonlat

    lon, lat = lonlat(1.0, 1.0)
    structure = StructureFactory(territory=TerritoryFactory(), lon=lon, lat=lat)
    # The service derives the Lambert-93 position and the search text, as for any structure.
    assert structure.x_l93 == pytest.approx(700_000 + 1000, abs=0.5)
    assert structure.y_l93 == pytest.approx(6_600_000 + 1000, abs=0.5)
    assert structure.slug and "lieu fictif" in structure.search_text


def test_the_fictive_dataset_is_the_same_for_the_same_seed(tmp_path):
    a = write_dataset(tmp_path / "a", seed=1)
    b = write_dataset(tmp_path / "b", seed=1)
    c = write_dataset(tmp_path / "c", seed=2)
    names = sorted(f.name for f in a.iterdir())
    assert names == sorted(f.name for f in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    assert (a / "carreaux.geojson").read_bytes() != (c / "carreaux.geojson").read_bytes()


def test_the_fictive_territory_is_loaded_by_the_dataset_loader(fictif):
    t = fictif.territory
    assert "exemple fictif" in t.name
    assert sorted(c.insee_code for c in t.communes.all()) == ["99901", "99902"]
    assert [c.insee_code for c in t.neighbours.all()] == ["99903"]
    assert len(fictif.iris) == 4 and fictif.qpv.code == QPV_CODE
    assert all("exemple fictif" in z.name for z in [*fictif.iris.values(), fictif.qpv])
    # Every source says it is fictive; communes carry the cells' population totals.
    assert all("exemple fictif" in s.title for s in t.sources.all())
    cells = list(fictif.cells)
    assert len(cells) > 100
    for insee in COMMUNES:
        total = sum(c.population for c in cells if c.commune.insee_code == insee)
        assert fictif.communes[insee].population == int(total)


def test_the_fictive_cells_are_shared_between_zones_by_area(fictif):
    from maillage.territory.models import CellZone

    # Each CTG cell lies in exactly one IRIS (IRIS edges follow the 200 m grid).
    shares = CellZone.objects.filter(zone__in=fictif.iris.values())
    by_cell: dict[int, float] = {}
    for cz in shares:
        by_cell[cz.cell_id] = by_cell.get(cz.cell_id, 0) + cz.share
    ctg_cells = fictif.cells.filter(commune__insee_code__in=["99901", "99902"])
    assert set(by_cell) == set(ctg_cells.values_list("pk", flat=True))
    assert all(total == pytest.approx(1, abs=0.01) for total in by_cell.values())
    # The QPV box is 1.2 km × 0.8 km: 24 whole cells.
    in_qpv = CellZone.objects.filter(zone=fictif.qpv, share__gt=0.99).count()
    assert in_qpv == 24


def test_the_fictive_structures_get_their_zones_from_their_position(fictif):
    creche = fictif.structures["creche"]
    assert creche.located and fictif.qpv in creche.zones.all()
    assert fictif.iris["999010102"] in creche.zones.all()
    assert not fictif.structures["a_localiser"].located
    assert not fictif.structures["a_localiser"].zones.exists()
    assert fictif.services["creche"].capacity == 30
    assert all(s.territory == fictif.territory for s in fictif.structures.values())
