"""Roubaix and Armentières in one database: the public pages of one show none of the other's
records (crawled from each territory's page, following its own links)."""

from __future__ import annotations

import re
from collections import deque
from html import escape

from django.test import Client

from maillage.directory.models import Structure, Typology
from maillage.territory.loader import load_dataset

MAX_PAGES = 40
SKIP = ("/diagnostic", "/export", ".pdf", ".docx", ".xlsx", ".csv", ".ics", "/api/", "/connexion")


def _crawl(client: Client, slug: str) -> dict[str, str]:
    start = f"/territoire/{slug}/"
    seen: dict[str, str] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        html = response.content.decode("utf-8")
        seen[url] = html
        for link in re.findall(r'href="(/[^"#?]*)', html):
            if link.startswith(start) and not any(s in link for s in SKIP) and link not in seen:
                queue.append(link)
    return seen


def _only_names(slug: str, other: str) -> set[str]:
    mine = set(Structure.objects.filter(territory__slug=slug).values_list("name", flat=True))
    theirs = set(Structure.objects.filter(territory__slug=other).values_list("name", flat=True))
    labels = set(Typology.objects.values_list("label", flat=True))  # shown as search filters
    return {n for n in mine - theirs - labels if len(n) > 12}


def test_public_pages_of_each_territory_show_only_its_records(db, roubaix_folder, armentieres):
    load_dataset(str(roubaix_folder))
    client = Client()
    for slug, other in (("roubaix", "armentieres"), ("armentieres", "roubaix")):
        pages = _crawl(client, slug)
        structure_pages = [u for u in pages if u.count("/") > 4]
        assert len(structure_pages) >= 3, sorted(pages)  # the crawl reached the directory
        foreign = _only_names(other, slug)
        assert foreign
        for url, html in pages.items():
            leaked = [n for n in foreign if escape(n) in html or n in html]
            assert not leaked, (slug, url, leaked[:3])
            assert f"/territoire/{other}/" not in html.replace(
                f'href="/territoire/{other}/"', ""
            ), url
    # A record of one territory is not reachable under the other's address.
    for slug, other in (("roubaix", "armentieres"), ("armentieres", "roubaix")):
        pk = Structure.objects.filter(
            territory__slug=other, published=True, declared_only=False
        ).values_list("pk", flat=True)[0]
        assert client.get(f"/territoire/{other}/structures/{pk}/").status_code == 200
        assert client.get(f"/territoire/{slug}/structures/{pk}/").status_code == 404
