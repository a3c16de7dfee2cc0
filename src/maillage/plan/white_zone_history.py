"""Zones blanches over time: a relevé (« instantané ») of the diagnostic's zones blanches by
theme — population concerned, or « non calculable » with the reason — kept when a COPIL deck is
built, so that the next deck shows the evolution since the previous relevé (or « premier
relevé »). Never a figure the diagnostic did not state: a non calculable theme stays so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from maillage.territory.models import Territory

    from .copil import WhiteZoneLine
    from .models import WhiteZoneSnapshot

__all__ = ["WhiteZoneEvolution", "evolution", "previous_snapshot", "snapshot_save"]


@transaction.atomic
def snapshot_save(
    *,
    territory: Territory,
    lines: list[WhiteZoneLine],
    distance_m: float | None,
    day: dt.date,
) -> list[WhiteZoneSnapshot]:
    """Keep the zones blanches of ``day`` (one row per theme; the same day's relevé is
    replaced), with the territory's data version."""
    from .models import WhiteZoneSnapshot

    territory.refresh_from_db(fields=["data_version"])
    out = []
    for line in lines:
        if not line.theme:
            continue
        row, _created = WhiteZoneSnapshot.objects.update_or_create(
            territory=territory,
            taken_on=day,
            theme=line.theme,
            defaults={
                "theme_label": line.theme_label[:100],
                "public": line.public[:200],
                "computable": line.computable,
                "zones": line.zones,
                "population": line.population,
                "reason": line.reason,
                "max_distance_m": distance_m,
                "data_version": territory.data_version,
            },
        )
        out.append(row)
    return out


def previous_snapshot(
    *, territory: Territory, before: dt.date
) -> tuple[dt.date, dict[str, WhiteZoneSnapshot]] | None:
    """The last relevé taken before ``before`` (its day and its rows by theme), or ``None``."""
    from .models import WhiteZoneSnapshot

    rows = WhiteZoneSnapshot.objects.filter(territory=territory, taken_on__lt=before)
    last = rows.order_by("-taken_on").values_list("taken_on", flat=True).first()
    if last is None:
        return None
    return last, {r.theme: r for r in rows.filter(taken_on=last)}


@dataclass(frozen=True)
class WhiteZoneEvolution:
    theme_label: str
    text: str


def _fr(value: float) -> str:
    from .indicator_methods import fr_number

    return fr_number(value)


def _state(computable: bool, population: float | None, reason: str) -> str:
    if not computable:
        return _("non calculable (%(reason)s)") % {"reason": reason.rstrip(".")}
    if population is None:
        return _("population concernée inconnue")
    return _("%(n)s personnes concernées") % {"n": _fr(population)}


def evolution(
    *, lines: list[WhiteZoneLine], previous: tuple[dt.date, dict[str, WhiteZoneSnapshot]] | None
) -> tuple[str, list[WhiteZoneEvolution]]:
    """The heading (« Évolution depuis le relevé du … » or « Premier relevé… ») and, by theme,
    what changed."""
    if previous is None:
        return _(
            "Premier relevé des zones blanches : le prochain comité de pilotage en montrera "
            "l'évolution."
        ), []
    day, rows = previous
    heading = _("Évolution depuis le relevé du %(date)s") % {"date": day.strftime("%d/%m/%Y")}
    out = []
    for line in lines:
        before = rows.get(line.theme)
        now = _state(line.computable, line.population, line.reason)
        if before is None:
            text = _("pas de relevé précédent ; aujourd'hui : %(now)s") % {"now": now}
        elif (
            before.computable
            and line.computable
            and before.population is not None
            and line.population is not None
        ):
            delta = line.population - before.population
            sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
            text = _("%(before)s → %(now)s personnes concernées (%(sign)s%(delta)s)") % {
                "before": _fr(before.population),
                "now": _fr(line.population),
                "sign": sign,
                "delta": _fr(abs(delta)),
            }
        elif not before.computable and not line.computable and before.reason == line.reason:
            text = _("toujours non calculable, pour la même raison qu'au relevé")
        else:
            was = _state(before.computable, before.population, before.reason)
            text = _("au relevé : %(was)s ; aujourd'hui : %(now)s") % {"was": was, "now": now}
        out.append(WhiteZoneEvolution(line.theme_label, text))
    return heading, out
