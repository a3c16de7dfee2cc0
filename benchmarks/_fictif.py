"""Generate an *exemple fictif* directory, for benchmarks and demonstrations only.

Everything written here is made up by a seeded random generator and labelled « exemple fictif »:
it lives in its own territory (slug ``exemple-fictif`` by default) over the real communes of the
Armentières dataset (for the maps and zones), never in the real territory. Positions are drawn
uniformly inside the communes' real boundaries (Lambert-93); no address, phone number or name of
a real place is produced.

Run in a configured environment (the database of ``MAILLAGE_DATABASE_URL``) after
``maillage load armentieres``::

    python benchmarks/_fictif.py --services 10000 --seed 2026 --out setup.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

LABEL = "exemple fictif"
HOURS = (
    "Mo-Fr 08:30-12:00,13:30-17:30",
    "Mo-Fr 07:30-18:30",
    "Tu,Th 09:00-12:00; Sa 09:00-12:00",
    "We 14:00-18:00; Sa 10:00-17:00",
    "",
)
PUBLICS = ("familles", "jeunes", "tous-publics", "femmes", "residents-qpv-frr", "seniors")
ACTIVITIES = (
    "Accueil",
    "Atelier",
    "Permanence",
    "Accompagnement",
    "Information",
    "Activités",
    "Sortie",
    "Soutien",
)


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()


def random_points(*, rng: random.Random, geoms: list, n: int) -> list[tuple[float, float]]:
    """``n`` points drawn uniformly inside the union of ``geoms`` (Lambert-93, metres)."""
    from shapely import contains_xy, union_all

    area = union_all(geoms)
    minx, miny, maxx, maxy = area.bounds
    out: list[tuple[float, float]] = []
    while len(out) < n:
        xs = [rng.uniform(minx, maxx) for _ in range(n)]
        ys = [rng.uniform(miny, maxy) for _ in range(n)]
        inside = contains_xy(area, xs, ys)
        out.extend((x, y) for x, y, ok in zip(xs, ys, inside, strict=True) if ok)
    return out[:n]


def generate(*, services: int, seed: int, slug: str, source_slug: str = "armentieres") -> dict:
    """Create the fictitious territory and its directory; return facts for the load test."""
    from django.db import transaction
    from shapely import contains_xy

    from maillage.directory.models import Service, Structure, Typology
    from maillage.directory.vocabulary import THEMATIQUE_LABELS
    from maillage.territory.geo import geojson_to_l93, l93_to_lonlat
    from maillage.territory.models import Territory, Zone

    rng = random.Random(seed)
    real = Territory.objects.get(slug=source_slug)
    typologies = list(Typology.objects.all())
    if not typologies:
        raise SystemExit("Aucune typologie : lancez d'abord « maillage load armentieres ».")
    communes = list(real.communes.all())
    geoms = [geojson_to_l93(c.boundary) for c in communes if c.boundary]
    zones = [
        (z, geojson_to_l93(z.boundary))
        for z in Zone.objects.filter(commune__in=communes, kind__in=["iris", "qpv"])
        if z.boundary
    ]
    n_structures = max(1, services // 4)
    with transaction.atomic():
        territory, _ = Territory.objects.update_or_create(
            slug=slug,
            defaults={
                "name": f"Annuaire de démonstration ({LABEL})",
                "description": f"Exemple fictif généré (graine {seed}) : aucune structure réelle.",
                "period_start": real.period_start,
                "period_end": real.period_end,
            },
        )
        territory.communes.set(communes)
        Structure.objects.filter(territory=territory).delete()
        points = random_points(rng=rng, geoms=geoms, n=n_structures)
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        lons, lats = l93_to_lonlat(xs, ys)
        structures = []
        for i in range(n_structures):
            typ = rng.choice(typologies)
            located = rng.random() > 0.08
            structures.append(
                Structure(
                    territory=territory,
                    slug=f"fictif-{i + 1}",
                    name=f"{typ.label} fictive n° {i + 1} ({LABEL})",
                    typology=typ,
                    description=f"Structure d'{LABEL}, générée pour un test de charge.",
                    commune=communes[0],
                    lon=float(lons[i]) if located else None,
                    lat=float(lats[i]) if located else None,
                    x_l93=xs[i] if located else None,
                    y_l93=ys[i] if located else None,
                    position_precision="approximate" if located else "unknown",
                    position_source=LABEL if located else "",
                    opening_hours=rng.choice(HOURS),
                    source="fictif",
                    source_id=str(i + 1),
                    source_label=LABEL,
                )
            )
        Structure.objects.bulk_create(structures, batch_size=500)
        structures = list(Structure.objects.filter(territory=territory).select_related("typology"))
        through = Structure.zones.through
        links = []
        for s in structures:
            if s.x_l93 is None:
                continue
            for zone, geom in zones:
                if contains_xy(geom, s.x_l93, s.y_l93):
                    links.append(through(structure_id=s.pk, zone_id=zone.pk))
        through.objects.bulk_create(links, batch_size=1000)
        rows = []
        for k in range(services):
            s = structures[k % len(structures)]
            typ = s.typology
            thematiques = list(typ.thematiques) or [rng.choice(list(THEMATIQUE_LABELS))]
            label = THEMATIQUE_LABELS.get(thematiques[0], typ.label)
            rows.append(
                Service(
                    structure=s,
                    name=f"{rng.choice(ACTIVITIES)} — {label} ({LABEL})",
                    description=f"Service d'{LABEL}.",
                    thematiques=thematiques,
                    publics=rng.sample(PUBLICS, k=rng.randint(1, 2)),
                    age_min=typ.age_min,
                    age_max=typ.age_max,
                    capacity=rng.choice([None, 12, 20, 30, 55]) if typ.childcare else None,
                    modes_mobilisation=["se-presenter", "telephoner"],
                    mobilisable_par=["usagers", "professionnels"],
                    source="fictif",
                    source_id=str(k + 1),
                    source_label=LABEL,
                )
            )
        Service.objects.bulk_create(rows, batch_size=1000)
        _reindex(territory=territory)
    words = sorted({t.label.split()[0].strip("(),'").lower() for t in typologies} | set(ACTIVITIES))
    return {
        "slug": slug,
        "seed": seed,
        "structures": len(structures),
        "services": services,
        "structure_ids": [s.pk for s in structures],
        "words": words,
        "themes": sorted({t for s in structures for t in s.typology.thematiques}),
        "publics": list(PUBLICS),
        "quartiers": sorted({z.code for z, _ in zones}),
    }


def _reindex(*, territory) -> None:
    """Rebuild the directory's search text of every generated structure (as its services do)."""
    from maillage.directory.models import Structure
    from maillage.directory.search_text import refresh_search_text

    qs = (
        Structure.objects.filter(territory=territory)
        .select_related("typology", "organisation", "commune")
        .prefetch_related("services")
    )
    for structure in qs:
        refresh_search_text(structure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--slug", default="exemple-fictif")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    setup_django()
    facts = generate(services=args.services, seed=args.seed, slug=args.slug)
    args.out.write_text(json.dumps(facts), encoding="utf-8")
    print(f"{facts['structures']} structures, {facts['services']} services ({LABEL}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
