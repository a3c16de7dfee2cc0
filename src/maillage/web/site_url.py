"""The site's public address in links that leave the page: invitation and campaign e-mails,
printed campaign sheets, QR codes of the printed guide.

A server behind a proxy, or listening on ``127.0.0.1``, sees a request host (``localhost``,
``127.0.0.1:8000``) that means nothing in a partner's mailbox: ``MAILLAGE_SITE_URL``
(``settings.SITE_URL``) is the address to print. Unset, the request's own address is used
(development), and ``manage.py check`` warns when production runs without it.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


def site_url() -> str:
    """The configured public address (``scheme://host[:port]``, no trailing slash), or ``""``."""
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def absolute_url(path: str, *, request: HttpRequest | None = None) -> str:
    """The absolute address of the site path ``path`` (``"/territoire/…"``).

    ``MAILLAGE_SITE_URL`` when set; else the request's scheme and host; without either,
    ``ImproperlyConfigured`` (a link printed with a guessed host would be wrong).
    """
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"site path expected, got {path!r}")
    base = site_url()
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    raise ImproperlyConfigured(
        "MAILLAGE_SITE_URL n'est pas réglé : impossible d'écrire un lien absolu hors d'une requête."
    )


@checks.register(checks.Tags.security, deploy=False)
def check_site_url(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """Production without ``MAILLAGE_SITE_URL``: links would carry the request's host."""
    if not getattr(settings, "PRODUCTION", False) or site_url():
        return []
    return [
        checks.Warning(
            "MAILLAGE_SITE_URL n'est pas réglé : les liens d'invitation, de campagne et les QR "
            "codes utiliseront l'adresse de la requête (souvent 127.0.0.1 derrière un proxy).",
            hint="Réglez MAILLAGE_SITE_URL=https://votre-domaine (sans chemin).",
            id="maillage.W001",
        )
    ]
