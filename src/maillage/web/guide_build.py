"""The printable « Guide des lieux ressources »: PDF A4 by quartier and theme, with a static map
(Lambert-93) and a QR code to each structure's online page.

One build for both ways of getting it: the direct link (``web.views.directory_guide.guide_pdf``,
built during the request) and the background job (``web.guide_document``, built by the worker).
:func:`guide_select` chooses the structures (and refuses an unknown quartier or theme),
:func:`guide_render` draws the map and the QR codes and renders the PDF.

The QR codes point at the site's public address (``MAILLAGE_SITE_URL``, see
:mod:`maillage.web.site_url`); unset, at ``origin``, the address the visitor used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import CtgTheme
from maillage.directory.results import SearchHit
from maillage.directory.selectors import structure_search
from maillage.territory.models import Territory, Zone
from maillage.territory.selectors import territory_zones

from .site_url import absolute_url, site_url


class GuideError(Exception):
    """An unknown quartier or theme, with a French message."""


@dataclass(frozen=True)
class GuideSelection:
    """The structures of a guide and what it was asked for."""

    territory: Territory
    #: Every zone of the territory by code (IRIS, QPV, quartiers).
    zones: dict[str, Zone]
    quartier: str | None
    theme: str | None
    hits: list[SearchHit]

    @property
    def filename(self) -> str:
        return guide_filename(self.territory)


def guide_filename(territory: Territory) -> str:
    return f"guide-{territory.slug}.pdf"


def guide_select(
    *, territory: Territory, quartier: str | None = None, theme: str | None = None
) -> GuideSelection:
    """The published structures of ``territory`` in ``quartier`` (a zone code) and of ``theme``
    (a :class:`CtgTheme` value); ``None``: the whole territory, every theme.

    Raises :class:`GuideError` for an unknown quartier or theme.
    """
    from .views.directory import EXPORT_LIMIT  # at most as many structures as an export

    zones = {z.code: z for z in territory_zones(territory=territory)}
    if quartier and quartier not in zones:
        raise GuideError(_("Quartier « %(q)s » inconnu.") % {"q": quartier})
    if theme and theme not in CtgTheme.values:
        raise GuideError(_("Thème « %(t)s » inconnu.") % {"t": theme})
    page = structure_search(territory=territory, quartier=quartier or None, limit=EXPORT_LIMIT)
    hits = [h for h in page.results if not theme or h.structure.theme == theme]
    return GuideSelection(
        territory=territory,
        zones=zones,
        quartier=quartier or None,
        theme=theme or None,
        hits=hits,
    )


def _inline_svg(svg: bytes | str) -> str:
    """SVG markup without its XML prolog, to inline in HTML (no URL fetch by WeasyPrint)."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def qr_svg(url: str) -> str:
    """A QR code of ``url``, as inline SVG markup."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    return _inline_svg(image.to_string())


def _link(path: str, origin: str) -> str:
    """The absolute address of ``path``: on ``MAILLAGE_SITE_URL`` when set, else on ``origin``."""
    return absolute_url(path) if site_url() else origin.rstrip("/") + path


def guide_render(
    selection: GuideSelection,
    *,
    origin: str,
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """The guide's PDF: structures grouped by theme, each with a QR code to its page, and a map.

    ``origin`` (``scheme://host``): where the links point when ``MAILLAGE_SITE_URL`` is unset.
    """
    from maillage.reports.charts import MapPoint, MapZone, static_map
    from maillage.reports.pdf import render_pdf
    from maillage.territory.map_frame import map_frame

    territory, zones, quartier, theme = (
        selection.territory,
        selection.zones,
        selection.quartier,
        selection.theme,
    )
    hits = selection.hits
    order = list(CtgTheme.values)
    by_theme: dict[str, list[SearchHit]] = {}
    for h in sorted(
        hits, key=lambda h: order.index(h.structure.theme) if h.structure.theme in order else 99
    ):
        by_theme.setdefault(h.structure.theme, []).append(h)
    slug = territory.slug
    groups = [
        (
            CtgTheme(t).label if t in order else _("Autres"),
            [
                (h, qr_svg(_link(reverse("web:structure", args=[slug, h.structure.id]), origin)))
                for h in items
            ],
        )
        for t, items in by_theme.items()
    ]
    outline = [zones[quartier]] if quartier else [z for z in zones.values() if z.kind == "qpv"]
    svg = static_map(
        frame=map_frame(territory=territory),
        points=[
            MapPoint(lon=h.structure.lon, lat=h.structure.lat, label=h.structure.name)
            for h in hits
            if h.structure.located and h.structure.lon is not None and h.structure.lat is not None
        ],
        zones=[MapZone(geometry=z.boundary, label=z.name) for z in outline if z.boundary],
        show_neighbours=False,
        fmt="svg",
    )
    if progress is not None:
        progress(_("PDF"))
    return render_pdf(
        "directory/guide_pdf.html",
        {
            "territory": territory,
            "groups": groups,
            "count": len(hits),
            "unlocated": sum(1 for h in hits if not h.structure.located),
            "quartier": zones.get(quartier) if quartier else None,
            "theme": CtgTheme(theme).label if theme else None,
            "map_svg": _inline_svg(svg),
            "today": timezone.localdate(),
            "site_url": _link(reverse("web:directory", args=[territory.slug]), origin),
        },
    )
