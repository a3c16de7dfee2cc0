"""Server time of every page of the three journeys (issue 20), uncached, beside a trivial page.

On a fresh database holding the embedded Armentières dataset (or ``--existing``), each page is
requested through Django's test client in this process with the cache emptied before every
request (« uncached »: what the first visitor after a data change waits for, the charts
cache shared with the worker emptied too, as if it had not drawn them yet), best of
``--repeat``. The peer is a trivial page served in the same run — the accessibility statement
(a template, no query of the data) — so the ratio says what each page costs beyond Django
itself on this machine. Goal of the issue: < 300 ms of server time per page.

The journeys:

- a parent: home « Je cherche… », directory search by age, a fiche, the parcours by age, the
  printed-guide choice page;
- a social worker: the professionals' directory, filtered (EAJE), its CSV export;
- the coordinator (logged in): the space's dashboard, a pending validation, the journal form,
  the indicators, one indicator and its chart, the bilan page, the diagnostic.

A partner account and its proposal (*exemple fictif*) are created in the throwaway database for
the pending validation. Usage::

    .venv/bin/python benchmarks/journeys.py              # temporary SQLite database, best of 3
    .venv/bin/python benchmarks/journeys.py --repeat 5
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _armentieres import best, setup  # noqa: E402

GOAL_MS = 300.0
PEER = "/accessibilite/"
T = "/territoire/armentieres"


def prepare() -> tuple[Any, dict[str, list[tuple[bool, str, str]]]]:
    """The coordinator and the pages of the three journeys, after Django's set-up.

    Creates (*exemple fictif*) the coordinator's and a partner's accounts and the partner's
    pending proposal in the throwaway database. Each page is ``(logged_in, path, label)``; this
    list is also read by ``benchmarks/journeys_browser.py`` (one list for both benchmarks).
    """
    from django.contrib.auth import get_user_model

    from maillage.accounts.services import membership_set, propose_change
    from maillage.directory.models import Organisation, Structure
    from maillage.plan.models import Indicator
    from maillage.territory.models import Territory

    territory = Territory.objects.get(slug="armentieres")
    users = get_user_model().objects
    coordinator, _ = users.get_or_create(
        username="bench-cdc@example.org", defaults={"email": "bench-cdc@example.org"}
    )
    membership_set(user=coordinator, territory=territory, role="coordinator")
    structure = (
        Structure.objects.filter(territory=territory, organisation__isnull=False)
        .order_by("pk")
        .first()
    )
    assert structure is not None and structure.organisation_id is not None
    partner, _ = users.get_or_create(
        username="bench-partenaire@example.org", defaults={"email": "bench-partenaire@example.org"}
    )
    membership_set(
        user=partner,
        territory=territory,
        role="partner",
        organisation=Organisation.objects.get(pk=structure.organisation_id),
    )
    change = propose_change(obj=structure, user=partner, fields={"phone": "03 20 00 00 00"})
    indicator = Indicator.objects.filter(axis__convention__territory=territory).order_by("pk")[0]
    journeys = {
        "Parent": [
            (False, "/", "accueil « Je cherche… »"),
            (False, f"{T}/annuaire/?age=2", "recherche par âge"),
            (False, f"{T}/structures/{structure.pk}/", "fiche d'un lieu"),
            (False, f"{T}/parcours/", "parcours par âge"),
            (False, f"{T}/documents/guide/", "guide : choix du quartier"),
        ],
        "Travailleur social": [
            (False, f"{T}/pro/annuaire/", "annuaire pro"),
            (False, f"{T}/pro/annuaire/?typology=EAJE", "annuaire pro filtré (EAJE)"),
            (False, f"{T}/pro/annuaire/?typology=EAJE&format=csv", "export CSV filtré"),
        ],
        "Chargé de coopération": [
            (True, f"{T}/espace/", "tableau de bord"),
            (True, f"{T}/espace/propositions/{change.pk}/", "une validation en attente"),
            (True, f"{T}/journal/nouvelle/", "saisie au journal"),
            (True, f"{T}/indicateurs/", "indicateurs (page, sans les graphiques)"),
            (True, f"{T}/indicateurs/{indicator.pk}/", "un indicateur"),
            (True, f"{T}/indicateurs/{indicator.pk}/tendance.svg", "graphique d'un indicateur"),
            (True, f"{T}/bilan/", "bilan"),
            (True, f"{T}/diagnostic/", "diagnostic"),
        ],
    }
    return coordinator, journeys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--existing", action="store_true")
    args = parser.parse_args()
    setup(args.existing)

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from maillage.reports.chart_cache import chart_cache

    def clear() -> None:  # the page caches and the charts cache shared with the worker
        cache.clear()
        chart_cache().clear()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    coordinator, pages_by_journey = prepare()
    public = Client()
    logged = Client()
    logged.force_login(coordinator)
    journeys = {
        name: [(logged if login else public, path, label) for login, path, label in pages]
        for name, pages in pages_by_journey.items()
    }

    def timed(client: Client, path: str) -> float:
        def get() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return best(get, args.repeat, before=clear) * 1000

    timed(public, PEER)  # first request of the process: imports, template loading
    peer_ms = timed(public, PEER)
    print(f"\nTemps serveur, cache vidé avant chaque requête (meilleur de {args.repeat})")
    print(f"  pair : page triviale {PEER:<40} {peer_ms:8.1f} ms")
    over = []
    for journey, pages in journeys.items():
        print(f"\n{journey}")
        for client, path, label in pages:
            ms = timed(client, path)
            verdict = "OK" if ms < GOAL_MS else f"AU-DELÀ DE {GOAL_MS:.0f} ms"
            if ms >= GOAL_MS:
                over.append(label)
            print(f"  {label:<44} {ms:8.1f} ms  {ms / peer_ms:6.1f}× le pair  {verdict}")
    print(
        f"\n{sum(len(p) for p in journeys.values()) - len(over)} pages sous {GOAL_MS:.0f} ms"
        + (f" ; au-delà : {', '.join(over)}" if over else "")
    )


if __name__ == "__main__":
    main()
