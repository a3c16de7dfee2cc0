"""The printable « Guide des lieux ressources »: PDF A4 by quartier and theme, with a static
map (Lambert-93) and QR codes to the online structure pages.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g

from maillage.directory.models import CtgTheme
from maillage.directory.results import SearchHit
from maillage.directory.selectors import structure_search
from maillage.territory.models import Territory
from maillage.territory.selectors import territory_zones
from maillage.usage import services as usage

from ..decorators import territory_view
from ..site_url import absolute_url
from .directory import EXPORT_LIMIT

# --------------------------------------------------------------------------- printable guide


def _structure_url(slug: str, hit: SearchHit) -> str:
    return reverse("web:structure", args=[slug, hit.structure.id])


def _inline_svg(svg: bytes | str) -> str:
    """SVG markup without its XML prolog, to inline in HTML (no URL fetch by WeasyPrint)."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _qr(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    return _inline_svg(image.to_string())


@territory_view
def guide_pdf(request: HttpRequest, territory: Territory) -> HttpResponse:
    from maillage.reports.charts import MapPoint, MapZone, static_map
    from maillage.reports.pdf import render_pdf
    from maillage.territory.map_frame import map_frame

    slug = territory.slug
    quartier = request.GET.get("quartier") or None
    theme = request.GET.get("theme") or None
    zones = {z.code: z for z in territory_zones(territory=territory)}
    if quartier and quartier not in zones:
        raise Http404(_g("Quartier « %(q)s » inconnu.") % {"q": quartier})
    if theme and theme not in CtgTheme.values:
        raise Http404(_g("Thème « %(t)s » inconnu.") % {"t": theme})
    usage.count_guide(request, territory, quartier=quartier, theme=theme)
    page = structure_search(territory=territory, quartier=quartier, limit=EXPORT_LIMIT)
    hits = [h for h in page.results if not theme or h.structure.theme == theme]
    order = list(CtgTheme.values)
    by_theme: dict[str, list[SearchHit]] = {}
    for h in sorted(
        hits, key=lambda h: order.index(h.structure.theme) if h.structure.theme in order else 99
    ):
        by_theme.setdefault(h.structure.theme, []).append(h)
    groups = [
        (
            CtgTheme(t).label if t in order else _g("Autres"),
            [(h, _qr(absolute_url(_structure_url(slug, h), request=request))) for h in items],
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
    pdf = render_pdf(
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
            "site_url": absolute_url(reverse("web:directory", args=[slug]), request=request),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{territory.slug}.pdf"'
    return response
