"""Zones blanches over time: a relevé is kept when a COPIL deck is built, the next deck shows the
evolution since the previous one (« premier relevé » otherwise); a non calculable theme is
never given a figure."""

from __future__ import annotations

import datetime as dt

from maillage.plan.copil import copil_build, white_zone_lines
from maillage.plan.models import WhiteZoneSnapshot
from maillage.plan.white_zone_history import evolution, previous_snapshot, snapshot_save
from maillage.reports.copil_slides import copil_slides

FIRST, SECOND = dt.date(2025, 3, 14), dt.date(2025, 11, 28)


def _white_slide(copil):
    return next(s for s in copil_slides(copil) if s.title == "Zones blanches")


def test_armentieres_first_then_evolution_stays_non_calculable(armentieres):
    first = copil_build(territory=armentieres, year=2025, today=FIRST)
    slide = _white_slide(first)
    assert slide.bullets_title.startswith("Premier relevé des zones blanches")
    rows = WhiteZoneSnapshot.objects.filter(territory=armentieres, taken_on=FIRST)
    assert rows.count() == len(first.white_zones) == 6
    ordered = sorted(first.white_zones, key=lambda w: w.theme)
    for row, line in zip(rows.order_by("theme"), ordered, strict=True):
        assert row.theme == line.theme and not row.computable  # no structure has a position
        assert row.population is None and row.reason == line.reason and row.reason
        assert row.data_version == armentieres.data_version
    second = copil_build(territory=armentieres, year=2025, today=SECOND)
    slide = _white_slide(second)
    assert slide.bullets_title == "Évolution depuis le relevé du 14/03/2025"
    assert len(slide.bullets) == 6
    for text in slide.bullets:
        theme, _sep, said = text.partition(" : ")
        assert theme in {w.theme_label for w in second.white_zones}
        assert said == "toujours non calculable, pour la même raison qu'au relevé"
        assert "personnes concernées" not in text
    assert WhiteZoneSnapshot.objects.filter(territory=armentieres).count() == 12
    # Building the same day's deck again replaces that day's relevé.
    copil_build(territory=armentieres, year=2025, today=SECOND)
    assert WhiteZoneSnapshot.objects.filter(territory=armentieres).count() == 12


def test_fictif_evolution_gives_the_change_of_population(fictif):
    from maillage.diagnostic.selectors import diagnostic_build
    from maillage.territory.services import territory_touch

    territory = fictif.territory
    fictif.structures["a_localiser"].delete()
    territory_touch(territory=territory)
    lines, distance, _error = white_zone_lines(diagnostic_build(territory=territory, today=FIRST))
    before = next(w for w in lines if w.theme == "vie-sociale")
    assert before.computable and before.population is not None
    snapshot_save(territory=territory, lines=lines, distance_m=distance, day=FIRST)
    from factories import StructureFactory
    from fictif import lonlat

    lon, lat = lonlat(0.4, 1.8)  # a second centre social opens (exemple fictif)
    StructureFactory(
        territory=territory, name="Centre social du Moulin (exemple fictif)",
        typology="centre-social", commune="99901", lon=lon, lat=lat, position_precision="exact",
    )  # fmt: skip
    territory_touch(territory=territory)
    lines, _d, _e = white_zone_lines(diagnostic_build(territory=territory, today=SECOND))
    after = next(w for w in lines if w.theme == "vie-sociale")
    assert after.computable and after.population < before.population
    heading, changes = evolution(
        lines=lines, previous=previous_snapshot(territory=territory, before=SECOND)
    )
    assert heading == "Évolution depuis le relevé du 14/03/2025"
    text = next(c.text for c in changes if c.theme_label == before.theme_label)
    from maillage.plan.indicator_methods import fr_number

    delta = fr_number(before.population - after.population)
    assert text == (
        f"{fr_number(before.population)} → {fr_number(after.population)} personnes "
        f"concernées (−{delta})"
    )
    assert previous_snapshot(territory=territory, before=FIRST) is None
